/*
 * server_file.c: codeset.read_server_file(path), the bytes of a file on the
 * database server, for the loaders that take a path.
 *
 * The rule is PostgreSQL's own for server files (COPY FROM a file): a
 * superuser or a member of pg_read_server_files.  Checked here, in C,
 * rather than by calling pg_read_binary_file(), whose EXECUTE privilege is
 * a separate grant that such members need not hold.
 */
#include "postgres.h"

#include <sys/stat.h>

#include "catalog/pg_authid.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(codeset_read_server_file);

Datum
codeset_read_server_file(PG_FUNCTION_ARGS)
{
	char	   *path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		installing = creating_extension &&
		CurrentExtensionObject == get_extension_oid("codeset", true);
	FILE	   *file;
	struct stat st;
	bytea	   *result;
	size_t		got;

	if (!superuser() && !has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES) && !installing)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read server file \"%s\"", path),
				 errdetail("Reading a file on the database server takes superuser or membership in pg_read_server_files."),
				 errhint("A table owner can load from the client instead: \\copy the file into a staging table and pass its lines to the loader (see the codeset documentation, \"Loading without server file access\").")));

	file = AllocateFile(path, PG_BINARY_R);
	if (file == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path)));
	if (fstat(fileno(file), &st) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat file \"%s\": %m", path)));
	if (S_ISDIR(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a directory", path)));
	if ((uint64) st.st_size > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("file \"%s\" is too large to load: %lld bytes", path, (long long) st.st_size)));

	result = palloc(VARHDRSZ + st.st_size);
	got = fread(VARDATA(result), 1, st.st_size, file);
	if (ferror(file))
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read file \"%s\": %m", path)));
	FreeFile(file);
	SET_VARSIZE(result, VARHDRSZ + got);
	PG_RETURN_BYTEA_P(result);
}
