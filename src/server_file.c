/*
 * server_file.c: codeset.read_server_file(path), the bytes of a file on the
 * database server, for the loaders that take a path.
 *
 * The rule is PostgreSQL's own for server files (COPY FROM a file): a
 * superuser or a member of pg_read_server_files.  Checked here, in C,
 * rather than by calling pg_read_binary_file(), whose EXECUTE privilege is
 * a separate grant that such members need not hold.
 *
 * Only a regular file is read (a FIFO or a device would make the call wait
 * or read forever), and it is read to its end, whatever size it claims.
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pg_compat.h"

#include "catalog/pg_authid.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(codeset_read_server_file);

/* The most bytes a bytea holds */
#define MAX_FILE_BYTES (MaxAllocSize - VARHDRSZ)
/* Bytes read between two checks for a cancel */
#define READ_CHUNK (1024 * 1024)

/* What a file that is no regular file is, for the error */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "no regular file";
}

codeset_noreturn static void report_too_large(const char *path);

static void
report_too_large(const char *path)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("file \"%s\" is too large to load: more than %zu bytes", path, (size_t) MAX_FILE_BYTES),
			 errdetail("A file is read into one bytea value, which holds at most 1 GB.")));
}

/*
 * Up to cap - *len more bytes of fd into buf + *len, a chunk at a time with
 * a check for a cancel before each; false at the end of the file.
 */
static bool
read_chunk(int fd, const char *path, char *buf, size_t *len, size_t cap)
{
	ssize_t		got;

	CHECK_FOR_INTERRUPTS();
	got = read(fd, buf + *len, Min(cap - *len, READ_CHUNK));
	if (got < 0 && errno == EINTR)
		return true;
	if (got < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read file \"%s\": %m", path)));
	*len += got;
	return got > 0;
}

Datum
codeset_read_server_file(PG_FUNCTION_ARGS)
{
	char	   *path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool		installing = creating_extension &&
		CurrentExtensionObject == get_extension_oid("codeset", true);
	int			fd;
	int			flags;
	struct stat st;
	bytea	   *result;
	size_t		len = 0,
				cap;

	if (!superuser() && !has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES) && !installing)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read server file \"%s\"", path),
				 errdetail("Reading a file on the database server takes superuser or membership in pg_read_server_files."),
				 errhint("A role allowed to load can load from the client instead: \\copy the file into a staging table and pass its lines to the loader (see the codeset documentation, \"Loading without server file access\").")));

	/*
	 * O_NONBLOCK: opening a FIFO would wait for a writer, deaf to cancels;
	 * this way open() returns at once and the file is refused below.
	 */
	fd = OpenTransientFile(path, O_RDONLY | PG_BINARY | O_NONBLOCK);
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path)));
	if (fstat(fd, &st) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat file \"%s\": %m", path)));
	if (!S_ISREG(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a regular file: it is %s", path, file_kind(st.st_mode)),
				 errhint("Give the path of a regular file.")));
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not set file \"%s\" to blocking reads: %m", path)));
	if ((uint64) st.st_size > MAX_FILE_BYTES)
		report_too_large(path);

	/*
	 * Read to the end rather than st_size bytes: a file under /proc gives
	 * size 0, and a file may grow while it is read.  One byte more than the
	 * size finds the end without growing the buffer.
	 */
	cap = Min(Max((size_t) st.st_size + 1, 8192), MAX_FILE_BYTES);
	result = palloc(VARHDRSZ + cap);
	for (;;)
	{
		if (len == cap)
		{
			if (cap == MAX_FILE_BYTES)
			{
				/* full: the file must end here */
				char		probe;
				size_t		got = 0;

				while (read_chunk(fd, path, &probe, &got, 1))
					if (got > 0)
						report_too_large(path);
				break;
			}
			cap = Min(cap * 2, MAX_FILE_BYTES);
			result = repalloc(result, VARHDRSZ + cap);
		}
		if (!read_chunk(fd, path, VARDATA(result), &len, cap))
			break;
	}
	CloseTransientFile(fd);
	SET_VARSIZE(result, VARHDRSZ + len);
	PG_RETURN_BYTEA_P(result);
}
