-- src/release_files.sql: Release files as rows (release_files.c over hcpcs_file.c and csv_reader.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- Release files as rows (C; pure parsing, so IMMUTABLE)
--------------------------------------------------------------------------

CREATE FUNCTION codeset.hcpcs_file_entries(content bytea, file_name text,
                                           encoding text DEFAULT 'WIN1252')
RETURNS TABLE (line_no integer, kind text, code text, long_description text,
               short_description text, pricing_indicators text[], multiple_pricing text,
               coverage_code text, asc_group text, betos text, type_of_service text[],
               xrefs text[], lab_cert text[], proc_note text, anesthesia_base_units text,
               add_date date, action_effective_date date, termination_date date,
               action_code text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8000;
COMMENT ON FUNCTION codeset.hcpcs_file_entries(bytea, text, text) IS
    'the codes and modifiers of a CMS alpha-numeric HCPCS file, one row each; raises 22P04 naming the line of the first problem (a code listed twice among them)';

CREATE FUNCTION codeset.code_list_entries(content bytea, file_name text,
                                          code_column integer DEFAULT 1,
                                          description_column integer DEFAULT 0,
                                          encoding text DEFAULT 'UTF8',
                                          delimiter text DEFAULT ',',
                                          filter_column integer DEFAULT 0)
RETURNS TABLE (line_no integer, code @extschema@.medcode, description text, filter_value text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION codeset.code_list_entries(bytea, text, integer, integer, text, text, integer) IS
    'the codes of a CSV (or tab-separated) code list, a header line detected, with the filter column''s value; raises 22P04 naming the line of the first problem (a code listed twice among them)';
