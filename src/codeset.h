/*
 * codeset.h: server-side declarations shared by the fmgr wrappers.
 */
#ifndef CODESET_H
#define CODESET_H

#include "postgres.h"
#include "fmgr.h"

#include "medcode.h"

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

/* Raises 'data corrupted' for a stored value that is no medcode. */
extern void medcode_report_corrupt(int32 v) pg_attribute_noreturn();

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


/*
 * medcodeset: a varlena of sorted, merged inclusive ranges of medcode values
 * (normal form: medcodeset_parse.h).
 */
#include "medcodeset_parse.h"

typedef struct MedcodeSet
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		nranges;
	MedcodeRange ranges[FLEXIBLE_ARRAY_MEMBER];
} MedcodeSet;

#define MEDCODESET_SIZE(n)	(offsetof(MedcodeSet, ranges) + (n) * sizeof(MedcodeRange))
#define DatumGetMedcodeSetP(X)	((MedcodeSet *) PG_DETOAST_DATUM(X))
#define PG_GETARG_MEDCODESET_P(n)	DatumGetMedcodeSetP(PG_GETARG_DATUM(n))
#define PG_RETURN_MEDCODESET_P(x)	PG_RETURN_POINTER(x)

#define MEDCODESET_BINARY_VERSION 1

/* A new set from ranges already in normal form (copied). */
extern MedcodeSet *medcodeset_from_ranges(const MedcodeRange *r, size_t n);

/* validity.c: registers the cache's invalidation callback */
extern void codeset_validity_init(void);

#endif
