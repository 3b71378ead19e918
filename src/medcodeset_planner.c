/*
 * medcodeset_planner.c: what the planner knows of "code <@ set".
 *
 * 1. An index condition: the support function of the <@ and @> functions
 *    turns "code <@ '{...}'" into conditions a btree on the medcode column
 *    can use: "code = ANY('{...}')" when the set is a list of single codes
 *    (exact), else "code >= first AND code <= last" (exact for one range,
 *    lossy with a recheck otherwise).  No new index type is needed: the
 *    btree a billing table already has serves sets.
 * 2. A selectivity estimate from the column's statistics: the most common
 *    values in the set, plus the part of each histogram bucket the set
 *    covers, taking codes as evenly spread within a bucket.
 */
#include "postgres.h"

#include "medcode.h"
#include "medcodeset_io.h"

#include "access/nbtree.h"
#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_language.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(medcodeset_support);
PG_FUNCTION_INFO_V1(medcodeset_contsel);

/* Most single codes turned into "= ANY (array)" */
#define MAX_ANY_CODES 1000
/* Without statistics: a set of n codes matches about n in this many rows */
#define DEFAULT_SET_SEL 0.005

static Expr *
medcode_const(Oid medcode_type, int32 v)
{
	return (Expr *) makeConst(medcode_type, -1, InvalidOid, sizeof(int32), Int32GetDatum(v),
							  false, true);
}

static bool
is_btree_family(Oid opfamily)
{
	HeapTuple	tup = SearchSysCache1(OPFAMILYOID, ObjectIdGetDatum(opfamily));
	bool		btree;

	if (!HeapTupleIsValid(tup))
		return false;
	btree = ((Form_pg_opfamily) GETSTRUCT(tup))->opfmethod == BTREE_AM_OID;
	ReleaseSysCache(tup);
	return btree;
}

/*
 * Whether opfamily orders medcode_type as medcode_cmp() does: the rewrite
 * below is only right for the integer order of the extension's own btree
 * operator class (a user's opclass might, say, sort in reverse).
 */
static bool
orders_as_medcode(Oid opfamily, Oid medcode_type)
{
	Oid			cmp = get_opfamily_proc(opfamily, medcode_type, medcode_type, BTORDER_PROC);
	HeapTuple	tup;
	bool		ours = false;

	if (!OidIsValid(cmp))
		return false;
	/* Read the catalog rather than load the function: it may be anyone's C */
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(cmp));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
		bool		isnull;
		Datum		src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
		Datum		bin;
		bool		bin_isnull;

		bin = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_probin, &bin_isnull);
		ours = proc->prolang == ClanguageId && !isnull && !bin_isnull &&
			strcmp(TextDatumGetCString(src), "medcode_cmp") == 0 &&
			strcmp(TextDatumGetCString(bin), "$libdir/codeset") == 0;
		ReleaseSysCache(tup);
	}
	return ours;
}

static List *
index_conditions(SupportRequestIndexCondition *req)
{
	List	   *args;
	Node	   *key;
	Node	   *other;
	Oid			medcode_type;
	MedcodeSet *set;
	Oid			ge,
				le,
				eq;
	bool		all_single = true;

	if (is_opclause(req->node))
		args = ((OpExpr *) req->node)->args;
	else if (is_funcclause(req->node))
		args = ((FuncExpr *) req->node)->args;
	else
		return NIL;
	if (list_length(args) != 2 || req->indexarg < 0 || req->indexarg > 1)
		return NIL;
	key = (Node *) list_nth(args, req->indexarg);
	other = (Node *) list_nth(args, 1 - req->indexarg);
	medcode_type = exprType(key);

	/*
	 * A btree in medcode order over the medcode argument (not one over a
	 * set column, whose btree orders sets), and a constant set
	 */
	if (!is_btree_family(req->opfamily) || !orders_as_medcode(req->opfamily, medcode_type))
		return NIL;
	if (!IsA(other, Const) || ((Const *) other)->constisnull || get_typlen(exprType(other)) != -1)
		return NIL;
	ge = get_opfamily_member(req->opfamily, medcode_type, medcode_type, BTGreaterEqualStrategyNumber);
	le = get_opfamily_member(req->opfamily, medcode_type, medcode_type, BTLessEqualStrategyNumber);
	eq = get_opfamily_member(req->opfamily, medcode_type, medcode_type, BTEqualStrategyNumber);
	if (!OidIsValid(ge) || !OidIsValid(le) || !OidIsValid(eq))
		return NIL;

	set = DatumGetMedcodeSetP(((Const *) other)->constvalue);
	for (int i = 0; i < set->nranges && all_single; i++)
		all_single = set->ranges[i].lo == set->ranges[i].hi;

	if (set->nranges > 1 && all_single && set->nranges <= MAX_ANY_CODES)
	{
		Datum	   *elems = palloc(set->nranges * sizeof(Datum));
		ArrayType  *arr;
		ScalarArrayOpExpr *any = makeNode(ScalarArrayOpExpr);
		Oid			array_type = get_array_type(medcode_type);

		if (!OidIsValid(array_type))
			return NIL;
		for (int i = 0; i < set->nranges; i++)
			elems[i] = Int32GetDatum(set->ranges[i].lo);
		arr = construct_array(elems, set->nranges, medcode_type, sizeof(int32), true, TYPALIGN_INT);
		any->opno = eq;
		any->opfuncid = get_opcode(eq);
		any->useOr = true;
		any->inputcollid = InvalidOid;
		any->args = list_make2(copyObject(key),
							   makeConst(array_type, -1, InvalidOid, -1, PointerGetDatum(arr), false, false));
		any->location = -1;
		req->lossy = false;
		return list_make1(any);
	}

	req->lossy = set->nranges > 1;
	if (set->nranges == 0)		/* matches nothing: first > last */
		return list_make2(make_opclause(ge, BOOLOID, false, (Expr *) copyObject(key),
										medcode_const(medcode_type, 1), InvalidOid, InvalidOid),
						  make_opclause(le, BOOLOID, false, (Expr *) copyObject(key),
										medcode_const(medcode_type, 0), InvalidOid, InvalidOid));
	return list_make2(make_opclause(ge, BOOLOID, false, (Expr *) copyObject(key),
									medcode_const(medcode_type, set->ranges[0].lo),
									InvalidOid, InvalidOid),
					  make_opclause(le, BOOLOID, false, (Expr *) copyObject(key),
									medcode_const(medcode_type, set->ranges[set->nranges - 1].hi),
									InvalidOid, InvalidOid));
}

Datum
medcodeset_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(index_conditions((SupportRequestIndexCondition *) rawreq));
	PG_RETURN_POINTER(NULL);
}

/* How many codes of the set lie in [a, b] */
static double
codes_between(MedcodeSet *set, int32 a, int32 b)
{
	double		n = 0;

	for (int i = 0; i < set->nranges; i++)
	{
		int32		lo = Max(a, set->ranges[i].lo);
		int32		hi = Min(b, set->ranges[i].hi);

		if (set->ranges[i].lo > b)
			break;
		if (lo <= hi)
			n += (double) hi - lo + 1;
	}
	return n;
}

/* The part of histogram bucket [a, b] the set covers */
static double
bucket_in_set(MedcodeSet *set, int32 a, int32 b)
{
	int			fa = medcode_family_of(a),
				fb = medcode_family_of(b);
	double		in_set,
				width;

	/*
	 * A bucket that spans families holds codes of its end families, not of
	 * the (unused) values between them.
	 */
	if (fa == fb)
		return codes_between(set, a, b) / ((double) b - a + 1);

	/*
	 * Families strictly between the ends hold no rows, or the histogram
	 * would have a bound inside them.
	 */
	in_set = codes_between(set, a, medcode_family_last(fa)) +
		codes_between(set, medcode_family_first(fb), b);
	width = (double) medcode_family_last(fa) - a + 1 + b - medcode_family_first(fb) + 1;
	return in_set / width;
}

/* The most common values in the set; *mcv_total: the rows all MCVs hold */
static double
mcv_in_set(HeapTuple stats, MedcodeSet *set, double *mcv_total)
{
	AttStatsSlot mcv;
	double		sel = 0;

	*mcv_total = 0;
	if (get_attstatsslot(&mcv, stats, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		for (int i = 0; i < mcv.nvalues; i++)
		{
			if (medcodeset_contains(set->ranges, set->nranges, DatumGetInt32(mcv.values[i])))
				sel += mcv.numbers[i];
			*mcv_total += mcv.numbers[i];
		}
		free_attstatsslot(&mcv);
	}
	return sel;
}

/* Of the rest (rows neither NULL nor an MCV), those in the set */
static double
rest_in_set(HeapTuple stats, MedcodeSet *set, double rest)
{
	AttStatsSlot hist;
	double		frac = 0;
	int			buckets;

	if (!get_attstatsslot(&hist, stats, STATISTIC_KIND_HISTOGRAM, InvalidOid, ATTSTATSSLOT_VALUES))
		return rest * Min(1.0, medcodeset_count(set->ranges, set->nranges) * DEFAULT_SET_SEL);
	buckets = hist.nvalues - 1;
	for (int i = 0; i < buckets; i++)
		frac += bucket_in_set(set, DatumGetInt32(hist.values[i]), DatumGetInt32(hist.values[i + 1]));
	free_attstatsslot(&hist);
	return buckets > 0 ? rest * frac / buckets : 0;
}

/* Restriction estimator of medcode <@ medcodeset and medcodeset @> medcode */
Datum
medcodeset_contsel(PG_FUNCTION_ARGS)
{
	PlannerInfo *root = (PlannerInfo *) PG_GETARG_POINTER(0);
	List	   *args = (List *) PG_GETARG_POINTER(2);
	int			varRelid = PG_GETARG_INT32(3);
	VariableStatData vardata;
	Node	   *other;
	bool		varonleft;
	MedcodeSet *set;
	double		sel;

	if (!get_restriction_variable(root, args, varRelid, &vardata, &other, &varonleft))
		PG_RETURN_FLOAT8(DEFAULT_SET_SEL);
	if (!IsA(other, Const) || get_typlen(exprType(other)) != -1 ||
		get_typlen(vardata.vartype) != sizeof(int32))
	{
		/* not a code column against a constant set: no statistics to use */
		ReleaseVariableStats(vardata);
		PG_RETURN_FLOAT8(DEFAULT_SET_SEL);
	}
	if (((Const *) other)->constisnull)
	{
		ReleaseVariableStats(vardata);
		PG_RETURN_FLOAT8(0.0);
	}
	set = DatumGetMedcodeSetP(((Const *) other)->constvalue);

	if (HeapTupleIsValid(vardata.statsTuple))
	{
		Form_pg_statistic stats = (Form_pg_statistic) GETSTRUCT(vardata.statsTuple);
		double		mcv_total;
		double		rest = 1.0 - stats->stanullfrac;

		sel = mcv_in_set(vardata.statsTuple, set, &mcv_total);
		rest -= mcv_total;
		if (rest > 0)
			sel += rest_in_set(vardata.statsTuple, set, rest);
	}
	else
		sel = Min(1.0, medcodeset_count(set->ranges, set->nranges) * DEFAULT_SET_SEL);

	ReleaseVariableStats(vardata);
	CLAMP_PROBABILITY(sel);
	PG_RETURN_FLOAT8(sel);
}
