/*
 * medcodeset_ops.c: membership, comparison and algebra of medcodeset, its
 * constructor, aggregates, size and hashing.
 */
#include "postgres.h"

#include "medcode_io.h"
#include "medcodeset_io.h"

#include "common/hashfn.h"
#include "nodes/pg_list.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/memutils.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(medcode_in_set);
PG_FUNCTION_INFO_V1(medcodeset_has);
PG_FUNCTION_INFO_V1(medcodeset_contains_op);
PG_FUNCTION_INFO_V1(medcodeset_contained_op);
PG_FUNCTION_INFO_V1(medcodeset_overlap_op);
PG_FUNCTION_INFO_V1(medcodeset_eq);
PG_FUNCTION_INFO_V1(medcodeset_ne);
PG_FUNCTION_INFO_V1(medcodeset_cmp);
PG_FUNCTION_INFO_V1(medcodeset_lt);
PG_FUNCTION_INFO_V1(medcodeset_le);
PG_FUNCTION_INFO_V1(medcodeset_gt);
PG_FUNCTION_INFO_V1(medcodeset_ge);
PG_FUNCTION_INFO_V1(medcodeset_union_op);
PG_FUNCTION_INFO_V1(medcodeset_intersect_op);
PG_FUNCTION_INFO_V1(medcodeset_minus_op);
PG_FUNCTION_INFO_V1(medcodeset_of);
PG_FUNCTION_INFO_V1(medcodeset_code_count);
PG_FUNCTION_INFO_V1(medcodeset_hash);
PG_FUNCTION_INFO_V1(medcodeset_hash_extended);
PG_FUNCTION_INFO_V1(medcodeset_agg_add_code);
PG_FUNCTION_INFO_V1(medcodeset_agg_add_set);
PG_FUNCTION_INFO_V1(medcodeset_agg_final);

/*
 * Membership, once per row in "WHERE code <@ '{...}'".  A binary search
 * over many ranges costs more than the scan itself, so for a constant set
 * of more than a few ranges the first call spreads it into a bitmap over every medcode
 * value (43 KB, in fn_extra) and each later call is one bit test.
 */
#define BITMAP_MIN_RANGES 8

typedef struct SetMembershipCache
{
	Datum		datum;			/* the raw argument the bitmap was built for */
	bool		varying;		/* the set changes between calls: no bitmap */
	uint64	   *bits;
} SetMembershipCache;

/* Whether argument argnum of the call is a Const node of the query */
static bool
arg_is_const(FmgrInfo *flinfo, int argnum)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL)
		return false;
	if (IsA(expr, OpExpr))
		args = ((OpExpr *) expr)->args;
	else if (IsA(expr, FuncExpr))
		args = ((FuncExpr *) expr)->args;
	else
		return false;
	return argnum >= 0 && argnum < list_length(args) && IsA(list_nth(args, argnum), Const);
}

static bool
code_in_set(FunctionCallInfo fcinfo, int32 code, int setarg)
{
	Datum		raw = PG_GETARG_DATUM(setarg);
	SetMembershipCache *c = (SetMembershipCache *) fcinfo->flinfo->fn_extra;
	MedcodeSet *set;

	if (c != NULL && !c->varying && c->datum == raw)
		return medcode_value_ok(code) && (c->bits[code / 64] >> (code % 64)) & 1;

	set = DatumGetMedcodeSetP(raw);
	if (set->nranges < BITMAP_MIN_RANGES || (c != NULL && c->varying))
		return medcodeset_contains(set->ranges, set->nranges, code);
	if (c != NULL || !arg_is_const(fcinfo->flinfo, setarg))
	{
		/*
		 * Only a constant gets a bitmap: a set computed per row, or a
		 * parameter (a PL/pgSQL variable, a prepared statement's $1, whose
		 * call site outlives one value), may bring a different value at the
		 * same address.
		 */
		if (c == NULL)
			c = fcinfo->flinfo->fn_extra =
				MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SetMembershipCache));
		c->varying = true;
		return medcodeset_contains(set->ranges, set->nranges, code);
	}

	/* disjoint ranges: the bitmap takes at most one step per code */
	medcodeset_check_normal(set);
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SetMembershipCache));
	c->bits = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									 ((MEDCODE_COUNT + 63) / 64) * sizeof(uint64));
	for (int i = 0; i < set->nranges; i++)
		for (int32 v = medcode_checked(set->ranges[i].lo); v <= medcode_checked(set->ranges[i].hi); v++)
			c->bits[v / 64] |= UINT64CONST(1) << (v % 64);	/* stored values index the bitmap: checked */
	c->datum = raw;
	fcinfo->flinfo->fn_extra = c;
	return medcodeset_contains(set->ranges, set->nranges, code);
}

/* medcode <@ medcodeset */
Datum
medcode_in_set(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(code_in_set(fcinfo, PG_GETARG_MEDCODE(0), 1));
}

/* medcodeset @> medcode */
Datum
medcodeset_has(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(code_in_set(fcinfo, PG_GETARG_MEDCODE(1), 0));
}

Datum
medcodeset_contains_op(PG_FUNCTION_ARGS)
{
	MedcodeSet *a = PG_GETARG_MEDCODESET_P(0);
	MedcodeSet *b = PG_GETARG_MEDCODESET_P(1);

	PG_RETURN_BOOL(medcodeset_contains_set(a->ranges, a->nranges, b->ranges, b->nranges));
}

Datum
medcodeset_contained_op(PG_FUNCTION_ARGS)
{
	MedcodeSet *a = PG_GETARG_MEDCODESET_P(0);
	MedcodeSet *b = PG_GETARG_MEDCODESET_P(1);

	PG_RETURN_BOOL(medcodeset_contains_set(b->ranges, b->nranges, a->ranges, a->nranges));
}

Datum
medcodeset_overlap_op(PG_FUNCTION_ARGS)
{
	MedcodeSet *a = PG_GETARG_MEDCODESET_P(0);
	MedcodeSet *b = PG_GETARG_MEDCODESET_P(1);

	PG_RETURN_BOOL(medcodeset_overlaps(a->ranges, a->nranges, b->ranges, b->nranges));
}

/* The normal form is unique, so equal sets are equal bytes. */
static bool
sets_equal(MedcodeSet *a, MedcodeSet *b)
{
	return a->nranges == b->nranges &&
		memcmp(a->ranges, b->ranges, a->nranges * sizeof(MedcodeRange)) == 0;
}

Datum
medcodeset_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sets_equal(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)));
}

Datum
medcodeset_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!sets_equal(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)));
}

/*
 * A total order for btree (ORDER BY, UNIQUE, merge joins): range by range,
 * first end then last end, a set that is a prefix of another first.  Equal
 * exactly when the normal forms are equal, as = says.
 */
static int
sets_cmp(MedcodeSet *a, MedcodeSet *b)
{
	int			n = Min(a->nranges, b->nranges);

	for (int i = 0; i < n; i++)
	{
		if (a->ranges[i].lo != b->ranges[i].lo)
			return a->ranges[i].lo < b->ranges[i].lo ? -1 : 1;
		if (a->ranges[i].hi != b->ranges[i].hi)
			return a->ranges[i].hi < b->ranges[i].hi ? -1 : 1;
	}
	return (a->nranges > b->nranges) - (a->nranges < b->nranges);
}

Datum
medcodeset_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(sets_cmp(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)));
}

Datum
medcodeset_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sets_cmp(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)) < 0);
}

Datum
medcodeset_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sets_cmp(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)) <= 0);
}

Datum
medcodeset_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sets_cmp(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)) > 0);
}

Datum
medcodeset_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(sets_cmp(PG_GETARG_MEDCODESET_P(0), PG_GETARG_MEDCODESET_P(1)) >= 0);
}

typedef size_t (*SetOperation) (const MedcodeRange *, size_t, const MedcodeRange *, size_t,
								MedcodeRange *);

static Datum
apply(FunctionCallInfo fcinfo, SetOperation op)
{
	MedcodeSet *a = PG_GETARG_MEDCODESET_P(0);
	MedcodeSet *b = PG_GETARG_MEDCODESET_P(1);
	MedcodeRange *out;
	size_t		n;

	/* the results fit na + nb ranges only for inputs in normal form */
	medcodeset_check_normal(a);
	medcodeset_check_normal(b);
	out = palloc(((size_t) a->nranges + b->nranges + 1) * sizeof(MedcodeRange));
	n = op(a->ranges, a->nranges, b->ranges, b->nranges, out);

	PG_RETURN_MEDCODESET_P(medcodeset_from_ranges(out, n));
}

Datum
medcodeset_union_op(PG_FUNCTION_ARGS)
{
	return apply(fcinfo, medcodeset_union);
}

Datum
medcodeset_intersect_op(PG_FUNCTION_ARGS)
{
	return apply(fcinfo, medcodeset_intersect);
}

Datum
medcodeset_minus_op(PG_FUNCTION_ARGS)
{
	return apply(fcinfo, medcodeset_difference);
}

/* medcodeset(VARIADIC medcode[]): NULL elements are skipped */
Datum
medcodeset_of(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	MedcodeRange *r;
	size_t		n = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign, &elems, &nulls, &nelems);
	r = palloc(Max(nelems, 1) * sizeof(MedcodeRange));
	for (int i = 0; i < nelems; i++)
	{
		if (nulls[i])
			continue;
		r[n].lo = r[n].hi = medcode_checked(DatumGetMedcode(elems[i]));
		n++;
	}
	n = medcodeset_normalize(r, n);
	PG_RETURN_MEDCODESET_P(medcodeset_from_ranges(r, n));
}

Datum
medcodeset_code_count(PG_FUNCTION_ARGS)
{
	MedcodeSet *set = PG_GETARG_MEDCODESET_P(0);

	PG_RETURN_INT64(medcodeset_count(set->ranges, set->nranges));
}

Datum
medcodeset_hash(PG_FUNCTION_ARGS)
{
	MedcodeSet *set = PG_GETARG_MEDCODESET_P(0);

	return hash_any((unsigned char *) set->ranges, set->nranges * sizeof(MedcodeRange));
}

Datum
medcodeset_hash_extended(PG_FUNCTION_ARGS)
{
	MedcodeSet *set = PG_GETARG_MEDCODESET_P(0);

	return hash_any_extended((unsigned char *) set->ranges, set->nranges * sizeof(MedcodeRange),
							 PG_GETARG_INT64(1));
}

/*
 * Aggregates: the state gathers ranges (a code is a one-code range) in the
 * aggregate's memory; the final function sorts and merges them once.
 */
/* Gathered ranges past this many are merged before the state grows. */
#define AGG_COMPACT_AT (1 << 20)

typedef struct SetAggState
{
	MedcodeRange *ranges;
	size_t		n;
	size_t		cap;
} SetAggState;

static SetAggState *
agg_state(FunctionCallInfo fcinfo, size_t more)
{
	MemoryContext aggcontext;
	SetAggState *st;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "medcodeset aggregate called in a non-aggregate context");
	st = PG_ARGISNULL(0) ? NULL : (SetAggState *) PG_GETARG_POINTER(0);
	if (st == NULL)
	{
		st = MemoryContextAllocZero(aggcontext, sizeof(SetAggState));
		st->cap = Max(64, more);
		st->ranges = MemoryContextAlloc(aggcontext, st->cap * sizeof(MedcodeRange));
	}
	if (st->n + more > st->cap && st->n >= AGG_COMPACT_AT)
	{
		/* merge what is gathered: a normalized set has few ranges */
		st->n = medcodeset_normalize(st->ranges, st->n);
	}
	if (st->n + more > st->cap)
	{
		while (st->n + more > st->cap)
			st->cap *= 2;
		st->ranges = repalloc_huge(st->ranges, st->cap * sizeof(MedcodeRange));
	}
	return st;
}

Datum
medcodeset_agg_add_code(PG_FUNCTION_ARGS)
{
	SetAggState *st = agg_state(fcinfo, 1);

	if (!PG_ARGISNULL(1))
	{
		int32		code = medcode_checked(PG_GETARG_MEDCODE(1));

		st->ranges[st->n].lo = st->ranges[st->n].hi = code;
		st->n++;
	}
	PG_RETURN_POINTER(st);
}

Datum
medcodeset_agg_add_set(PG_FUNCTION_ARGS)
{
	MedcodeSet *set = PG_ARGISNULL(1) ? NULL : PG_GETARG_MEDCODESET_P(1);
	SetAggState *st = agg_state(fcinfo, set ? set->nranges : 0);

	if (set != NULL && set->nranges > 0)
	{
		memcpy(st->ranges + st->n, set->ranges, set->nranges * sizeof(MedcodeRange));
		st->n += set->nranges;
	}
	PG_RETURN_POINTER(st);
}

Datum
medcodeset_agg_final(PG_FUNCTION_ARGS)
{
	SetAggState *st = PG_ARGISNULL(0) ? NULL : (SetAggState *) PG_GETARG_POINTER(0);
	MedcodeRange *copy;
	size_t		n;

	if (st == NULL)
		PG_RETURN_NULL();
	/* the final function may run more than once: normalize a copy */
	copy = palloc(Max(st->n, 1) * sizeof(MedcodeRange));
	memcpy(copy, st->ranges, st->n * sizeof(MedcodeRange));
	n = medcodeset_normalize(copy, st->n);
	PG_RETURN_MEDCODESET_P(medcodeset_from_ranges(copy, n));
}
