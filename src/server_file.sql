-- src/server_file.sql: Reading a file on the server (server_file.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

-- Who may read a file on the server: superuser or pg_read_server_files, as
-- for COPY FROM a file (checked in C; see src/server_file.c).
CREATE FUNCTION codeset.read_server_file(path text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'codeset_read_server_file' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION codeset.read_server_file(text) IS
    'internal: a server file''s bytes, for superusers and members of pg_read_server_files';
