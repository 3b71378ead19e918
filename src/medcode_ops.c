/*
 * medcode_ops.c: comparison, btree support (cmp, sortsupport) and hashing.
 *
 * A medcode is an order-preserving int32, so every operator is an integer
 * comparison and sorting can use the core's fast int32 comparator.
 */
#include "postgres.h"

#include "medcode_io.h"

#include "common/hashfn.h"
#include "utils/sortsupport.h"

PG_FUNCTION_INFO_V1(medcode_eq);
PG_FUNCTION_INFO_V1(medcode_ne);
PG_FUNCTION_INFO_V1(medcode_lt);
PG_FUNCTION_INFO_V1(medcode_le);
PG_FUNCTION_INFO_V1(medcode_gt);
PG_FUNCTION_INFO_V1(medcode_ge);
PG_FUNCTION_INFO_V1(medcode_cmp);
PG_FUNCTION_INFO_V1(medcode_sortsupport);
PG_FUNCTION_INFO_V1(medcode_hash);
PG_FUNCTION_INFO_V1(medcode_hash_extended);
PG_FUNCTION_INFO_V1(medcode_larger);
PG_FUNCTION_INFO_V1(medcode_smaller);

#define MEDCODE_CMP_FUNCTION(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_MEDCODE(0) op PG_GETARG_MEDCODE(1)); \
}

MEDCODE_CMP_FUNCTION(medcode_eq, ==)
MEDCODE_CMP_FUNCTION(medcode_ne, !=)
MEDCODE_CMP_FUNCTION(medcode_lt, <)
MEDCODE_CMP_FUNCTION(medcode_le, <=)
MEDCODE_CMP_FUNCTION(medcode_gt, >)
MEDCODE_CMP_FUNCTION(medcode_ge, >=)

Datum
medcode_cmp(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_MEDCODE(0);
	int32		b = PG_GETARG_MEDCODE(1);

	PG_RETURN_INT32((a > b) - (a < b));
}

Datum
medcode_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = ssup_datum_int32_cmp;
	PG_RETURN_VOID();
}

Datum
medcode_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_MEDCODE(0));
}

Datum
medcode_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_MEDCODE(0), PG_GETARG_INT64(1));
}

Datum
medcode_larger(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_MEDCODE(0);
	int32		b = PG_GETARG_MEDCODE(1);

	PG_RETURN_MEDCODE(a > b ? a : b);
}

Datum
medcode_smaller(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_MEDCODE(0);
	int32		b = PG_GETARG_MEDCODE(1);

	PG_RETURN_MEDCODE(a < b ? a : b);
}
