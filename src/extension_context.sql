-- src/extension_context.sql: Where the extension runs from: its script, its shipped data (extension_context.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

CREATE FUNCTION codeset.in_extension_script() RETURNS boolean
    AS 'MODULE_PATHNAME', 'codeset_in_extension_script' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION codeset.in_extension_script() IS
    'true while CREATE EXTENSION codeset runs (its rows are shipped data: source = ''codeset'')';

CREATE FUNCTION codeset.shipped_data_dir() RETURNS text
    AS 'MODULE_PATHNAME', 'codeset_shipped_data_dir' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.shipped_data_dir() IS
    'where make install put the CMS files codeset ships ($sharedir/codeset_data)';

CREATE FUNCTION codeset.calling_role() RETURNS name
    AS 'MODULE_PATHNAME', 'codeset_calling_role' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.calling_role() IS
    'the role that called, outside any SECURITY DEFINER function: who loaded a release';
