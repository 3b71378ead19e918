-- parse_claim_line(): a code and its modifiers, from the text claim feeds carry
-- CPT codes in this file are examples only. CPT (c) American Medical Association.
SELECT t, (parse_claim_line(t)).code, (parse_claim_line(t)).modifiers
FROM (VALUES ('99213-25'), ('99213:25'), ('J1100 JW'), ('j1100-jw-59'), (' 99213 '),
             ('99213-25-59-LT-RT'), ('21899:63'), ('99213, 25'), ('99213--25'),
             -- modifiers glued to the code, as claim extracts write them
             -- (a code is five characters, a modifier two: one split only)
             ('9921325'), ('J1100JW'), ('j1100jw59'), ('J1100JW-59'), ('99213 2559'),
             -- not a claim line: NULL, never an error
             ('99213-'), ('99213-2'), ('992132'), ('99213255'), ('J1100JW59LTRT76'),
             ('99213-25-59-LT-RT-GT'), ('J110-JW'), ('J110JW'),
             ('99213-2X5'), (''), ('   '), ('-25')) v(t);
-- The input error names a glued modifier, as it does a separated one
SELECT 'J1100JW'::medcode;

-- In a query over a text column: the code's and each modifier's validity on the date of service
CREATE TEMP TABLE claim_lines (line text, dos date);
INSERT INTO claim_lines VALUES ('J1100-JW', '2024-03-01'), ('E0110 LT RT', '2019-05-01'),
    ('C9034:59', '2019-05-01'), ('A0425-ZZ', '2024-03-01'), ('J110-JW', '2024-03-01');
SELECT line, dos, c.code, valid(c.code, dos) AS code_valid, c.modifiers,
       (SELECT array_agg(valid_modifier(m, dos)) FROM unnest(c.modifiers) m) AS modifiers_valid
FROM claim_lines, LATERAL parse_claim_line(line) c;

-- The type error points at the parser
SELECT '99213-25'::medcode;
