-- src/schema.sql: The schema codeset: code tables, their release log, the loaders.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

CREATE SCHEMA codeset;
COMMENT ON SCHEMA codeset IS 'codeset: code tables with history, their release log, and the loaders';
GRANT USAGE ON SCHEMA codeset TO PUBLIC;
