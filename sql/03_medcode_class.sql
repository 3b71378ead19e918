-- classification from a code's shape, and the family domains
-- CPT codes in this file are examples only. CPT (c) American Medical Association.

SELECT c::medcode AS code, code_system(c::medcode), hcpcs_level(c::medcode),
       cpt_category(c::medcode), code_kind(c::medcode), code_section(c::medcode)
FROM (VALUES ('00100'), ('99100'), ('99140'), ('10004'), ('69990'), ('70010'), ('79999'),
             ('80047'), ('89398'), ('90281'), ('99199'), ('99200'), ('99201'), ('99202'), ('99213'), ('99499'),
             ('99500'), ('99607'), ('00099'), ('69991'), ('99608'),
             ('0001U'), ('0001A'), ('0002M'), ('3074F'), ('0042T'),
             ('A0425'), ('B4034'), ('C9034'), ('D0120'), ('E0110'), ('F1234'), ('G0438'),
             ('H0001'), ('J1100'), ('K0001'), ('L3000'), ('M0075'), ('N1234'), ('P3000'),
             ('Q0091'), ('R0070'), ('S0012'), ('T1015'), ('U0001'), ('V2020')) AS v(c);

-- The issue's own example
SELECT c::medcode, code_system(c::medcode), code_section(c::medcode)
FROM (VALUES ('99213'), ('j1100 '), ('0042T')) v(c);

-- Domains keep a column to one family
CREATE TEMP TABLE billing (cpt cpt_code, hcpcs hcpcs_code);
INSERT INTO billing VALUES ('99213', 'J1100'), ('0042T', 'd0120');
INSERT INTO billing VALUES ('J1100', NULL);
INSERT INTO billing VALUES (NULL, '99213');
INSERT INTO billing VALUES ('9921', NULL);
SELECT * FROM billing ORDER BY cpt;
