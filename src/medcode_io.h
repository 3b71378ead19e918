/*
 * medcode_io.h: the medcode Datum and the text I/O the server side shares
 * (defined in medcode_io.c).  Include after postgres.h.
 */
#ifndef CODESET_MEDCODE_IO_H
#define CODESET_MEDCODE_IO_H

#include "fmgr.h"

#include "medcode.h"
#include "pg_compat.h"

/* medcode is an int32 passed by value (see medcode.h for the encoding). */
typedef int32 medcode;

#define DatumGetMedcode(X)		DatumGetInt32(X)
#define MedcodeGetDatum(X)		Int32GetDatum(X)
#define PG_GETARG_MEDCODE(n)	DatumGetMedcode(PG_GETARG_DATUM(n))
#define PG_RETURN_MEDCODE(x)	return MedcodeGetDatum(x)

/* Version byte that leads the binary (send/recv) form. */
#define MEDCODE_BINARY_VERSION 1

/*
 * Parse text into a medcode.  On failure: raise 22P02 naming the input when
 * raise_error, else return false.  Shared by medcode_in, the text cast,
 * is_medcode() and to_medcode().
 */
extern bool medcode_parse_or_report(const char *str, size_t len, int32 *out,
									bool raise_error);

/*
 * The same, for medcode_in: the 22P02 goes to escontext when it is a soft
 * error context (PostgreSQL 16 and later), else it is raised.
 */
struct Node;
extern bool medcode_parse_or_save(const char *str, size_t len, int32 *out,
								  struct Node *escontext);

/* Raises 'data corrupted' for a stored value that is no medcode. */
codeset_noreturn extern void medcode_report_corrupt(int32 v);

/* v itself, checked: it indexes arrays of MEDCODE_COUNT entries. */
static inline int32
medcode_checked(int32 v)
{
	if (unlikely(!medcode_value_ok(v)))
		medcode_report_corrupt(v);
	return v;
}

/* Canonical text of a stored medcode; raises on a corrupt value. */
extern char *medcode_to_cstring(int32 v);

#endif
