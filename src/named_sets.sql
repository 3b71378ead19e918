-- src/named_sets.sql: Named code sets and in_set() (named_sets.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

-- Named sets
CREATE TABLE codeset.code_set (
    name        text PRIMARY KEY,
    description text NOT NULL,
    codes       @extschema@.medcodeset NOT NULL,
    source      text NOT NULL DEFAULT 'user' CHECK (source IN ('codeset', 'user')),
    -- The cpt: and hcpcs: names are the shipped sets': a user's row under
    -- one would collide with the shipped row a restore makes again
    CONSTRAINT code_set_user_names CHECK (source = 'codeset' OR name !~ '^(cpt|hcpcs):')
);
COMMENT ON TABLE codeset.code_set IS
    'named code sets: the shipped CPT and HCPCS sections (source codeset) and the user''s own';
SELECT pg_catalog.pg_extension_config_dump('codeset.code_set', 'WHERE source = ''user''');
GRANT SELECT ON codeset.code_set TO PUBLIC;

CREATE FUNCTION @extschema@.in_set(@extschema@.medcode, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcode_in_named_set' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.in_set(@extschema@.medcode, text) IS
    'the code is in the named set of codeset.code_set; an unknown name is an error naming the nearest';

-- On raw text: text that is not a code is in no set (as valid(text) is
-- false for it); the name is still checked
CREATE FUNCTION @extschema@.in_set(text, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'text_in_named_set' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.in_set(text, text) IS
    'in_set() on raw text: false for text that is not a code; an unknown name is an error';

-- The shipped sets: the sections of DOMAIN.md as ranges, named after them
-- (section names, no AMA text); they agree with code_section().
INSERT INTO codeset.code_set (name, description, codes, source) VALUES
    ('cpt:anesthesia', 'Anesthesia', '{00100-01999, 99100-99140}', 'codeset'),
    ('cpt:surgery', 'Surgery', '{10004-69990}', 'codeset'),
    ('cpt:radiology', 'Radiology', '{70010-79999}', 'codeset'),
    ('cpt:pathology-laboratory', 'Pathology and Laboratory', '{80047-89398, 0000M-9999M, 0000U-9999U}', 'codeset'),
    ('cpt:medicine', 'Medicine', '{90281-99099, 99141-99199, 99500-99607, 0000A-9999A}', 'codeset'),
    ('cpt:evaluation-management', 'Evaluation and Management', '{99201-99499}', 'codeset'),
    ('cpt:category-ii', 'CPT Category II (performance measurement)', '{0000F-9999F}', 'codeset'),
    ('cpt:category-iii', 'CPT Category III (emerging technology)', '{0000T-9999T}', 'codeset');
INSERT INTO codeset.code_set (name, description, codes, source)
SELECT 'hcpcs:' || l, @extschema@.code_section((l || '0000')::@extschema@.medcode),
       (pg_catalog.format('{%s0000-%s9999}', l, l))::@extschema@.medcodeset, 'codeset'
FROM pg_catalog.unnest('{A,B,C,D,E,G,H,J,K,L,M,P,Q,R,S,T,U,V}'::text[]) AS l;
