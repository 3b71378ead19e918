/*
 * medcodeset_io.h: the medcodeset varlena, a Datum of sorted, merged
 * inclusive ranges of medcode values (normal form: medcodeset_parse.h), and
 * its constructor (defined in medcodeset_io.c).  Include after postgres.h.
 */
#ifndef CODESET_MEDCODESET_IO_H
#define CODESET_MEDCODESET_IO_H

#include "fmgr.h"

#include "medcodeset_parse.h"
#include "pg_compat.h"

typedef struct MedcodeSet
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		nranges;
	MedcodeRange ranges[FLEXIBLE_ARRAY_MEMBER];
} MedcodeSet;

#define MEDCODESET_SIZE(n)	(offsetof(MedcodeSet, ranges) + (n) * sizeof(MedcodeRange))

/*
 * A stored set, detoasted, whose size is checked against its range count
 * (a header that counts more ranges than the value holds would send every
 * reader past its end): raises XX001 (data_corrupted) otherwise.
 */
extern MedcodeSet *medcodeset_detoast(Datum d);
#define DatumGetMedcodeSetP(X)	medcodeset_detoast(X)
#define PG_GETARG_MEDCODESET_P(n)	DatumGetMedcodeSetP(PG_GETARG_DATUM(n))
#define PG_RETURN_MEDCODESET_P(x)	PG_RETURN_POINTER(x)

#define MEDCODESET_BINARY_VERSION 1

/* A new set from ranges already in normal form (copied). */
extern MedcodeSet *medcodeset_from_ranges(const MedcodeRange *r, size_t n);

/*
 * Raises XX001 unless the set's ranges are in normal form: for the readers
 * whose bounds rest on it (the algebra's output, the membership bitmap, the
 * output), each linear in the set already.
 */
extern void medcodeset_check_normal(const MedcodeSet *set);

#endif
