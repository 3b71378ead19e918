/*
 * medcodeset_planner.c: what the planner knows of "code <@ set".
 *
 * 1. An index condition: the support function of the <@ and @> functions
 *    turns "code <@ '{...}'" into conditions a btree on the medcode column
 *    can use: "code = ANY('{...}')" when the set is a list of single codes
 *    (exact), else "code >= first AND code <= last" (exact for one range,
 *    lossy with a recheck otherwise).  No new index type is needed: the
 *    btree a billing table already has serves sets.
 * 2. A simplification that partition pruning can read (it reads only
 *    clauses on the partition key's own operators, never a support
 *    function): "code <@ '{...}'" of up to MAX_ANY_CODES single codes
 *    becomes "code = ANY('{...}')", the same rows exactly, which prunes
 *    hash and range partitions; one range over a column becomes "code >=
 *    first AND code <= last", any other set "medcode_in_set_recheck(code,
 *    '{...}') AND code >= first AND code <= last", which prune range
 *    partitions (a hash partition holds no range of codes).  The recheck has no simplification of its own, so a
 *    second pass (an inlined function, a deparsed Citus shard query)
 *    leaves it as it is.
 * 3. A selectivity estimate from the column's statistics: the most common
 *    values in the set, plus the part of each histogram bucket the set
 *    covers, taking codes as evenly spread within a bucket; for the
 *    recheck, the part of the bounds' rows the set holds.
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
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(medcodeset_support);
PG_FUNCTION_INFO_V1(medcodeset_recheck_support);
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

/* medcode_in_set_recheck(medcode, medcodeset), found in medcode's schema */
static Oid
recheck_function(Oid medcode_type, Oid set_type)
{
	Oid			argtypes[2] = {medcode_type, set_type};
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(medcode_type));
	char	   *schema;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	schema = get_namespace_name(((Form_pg_type) GETSTRUCT(tup))->typnamespace);
	ReleaseSysCache(tup);
	if (schema == NULL)
		return InvalidOid;
	return LookupFuncName(list_make2(makeString(schema), makeString("medcode_in_set_recheck")),
						  2, argtypes, true);
}

/* "key = ANY('{codes of set}')" with medcode's own equality */
static Expr *
any_of_codes(Node *key, Oid medcode_type, Oid eq, MedcodeSet *set, int64 count)
{
	Datum	   *elems = palloc(count * sizeof(Datum));
	int			n = 0;
	ArrayType  *arr;
	ScalarArrayOpExpr *any = makeNode(ScalarArrayOpExpr);

	for (int i = 0; i < set->nranges; i++)
		for (int32 v = set->ranges[i].lo; v <= set->ranges[i].hi; v++)
			elems[n++] = Int32GetDatum(v);
	arr = construct_array(elems, n, medcode_type, sizeof(int32), true, TYPALIGN_INT);
	any->opno = eq;
	any->opfuncid = get_opcode(eq);
	any->useOr = true;
	any->inputcollid = InvalidOid;
	any->args = list_make2(copyObject(key),
						   makeConst(get_array_type(medcode_type), -1, InvalidOid, -1,
									 PointerGetDatum(arr), false, false));
	any->location = -1;
	return (Expr *) any;
}

/*
 * The SupportRequestSimplify answer for "code <@ set" and "set @> code"
 * (see the header); NULL leaves the call as it is.
 */
static Node *
simplify_membership(SupportRequestSimplify *req)
{
	List	   *args = req->fcall->args;
	Node	   *first,
			   *second,
			   *key,
			   *other;
	Oid			medcode_type;
	TypeCacheEntry *tc;
	Oid			ge,
				le;
	MedcodeSet *set;
	int64		count;
	Oid			recheck_oid;
	FuncExpr   *recheck;
	List	   *bounds;

	if (list_length(args) != 2)
		return NULL;
	first = (Node *) linitial(args);
	second = (Node *) lsecond(args);
	/* the set is the argument of variable length */
	if (get_typlen(exprType(first)) == -1)
		key = second, other = first;
	else
		key = first, other = second;
	if (!IsA(other, Const) || ((Const *) other)->constisnull || IsA(key, Const))
		return NULL;
	medcode_type = exprType(key);
	if (get_typlen(medcode_type) != sizeof(int32) || !OidIsValid(get_array_type(medcode_type)))
		return NULL;

	/* the default btree of medcode, if it orders as medcode_cmp() does */
	tc = lookup_type_cache(medcode_type, TYPECACHE_EQ_OPR | TYPECACHE_BTREE_OPFAMILY);
	if (!OidIsValid(tc->eq_opr) || !OidIsValid(tc->btree_opf) ||
		!orders_as_medcode(tc->btree_opf, medcode_type))
		return NULL;

	set = DatumGetMedcodeSetP(((Const *) other)->constvalue);
	medcodeset_check_normal(set);
	/* "code <@ '{}'" is false, yet NULL for a NULL code: left as it is */
	if (set->nranges == 0)
		return NULL;
	count = medcodeset_count(set->ranges, set->nranges);
	if (count == 1)
		return (Node *) make_opclause(tc->eq_opr, BOOLOID, false, (Expr *) copyObject(key),
									  medcode_const(medcode_type, set->ranges[0].lo),
									  InvalidOid, InvalidOid);
	/* a list of single codes is an IN list, the same rows exactly */
	if (count == set->nranges && count <= MAX_ANY_CODES)
		return (Node *) any_of_codes(key, medcode_type, tc->eq_opr, set, count);

	/* the bounds repeat the key: only a column is free to repeat */
	if (!IsA(key, Var))
		return NULL;
	ge = get_opfamily_member(tc->btree_opf, medcode_type, medcode_type, BTGreaterEqualStrategyNumber);
	le = get_opfamily_member(tc->btree_opf, medcode_type, medcode_type, BTLessEqualStrategyNumber);
	recheck_oid = recheck_function(medcode_type, exprType(other));
	if (!OidIsValid(ge) || !OidIsValid(le) || !OidIsValid(recheck_oid))
		return NULL;
	recheck = makeFuncExpr(recheck_oid, BOOLOID, list_make2(copyObject(key), copyObject(other)),
						   InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	bounds = list_make2(make_opclause(ge, BOOLOID, false, (Expr *) copyObject(key),
									  medcode_const(medcode_type, set->ranges[0].lo),
									  InvalidOid, InvalidOid),
						make_opclause(le, BOOLOID, false, (Expr *) copyObject(key),
									  medcode_const(medcode_type, set->ranges[set->nranges - 1].hi),
									  InvalidOid, InvalidOid));
	/*
	 * One range is its bounds exactly.  Otherwise the set is tested first:
	 * a filter evaluates its clauses in this order and stops at the first
	 * false one, so a row outside the set costs one test, as before the
	 * rewrite, and the bounds only serve pruning and the index.
	 */
	return (Node *) make_andclause(set->nranges == 1 ? bounds : lcons(recheck, bounds));
}

Datum
medcodeset_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);

	if (IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(simplify_membership((SupportRequestSimplify *) rawreq));
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

/* The rows of the column whose statistics vardata holds that lie in set */
static double
column_rows_in_set(VariableStatData *vardata, MedcodeSet *set)
{
	Form_pg_statistic stats;
	double		mcv_total;
	double		rest;
	double		sel;

	if (!HeapTupleIsValid(vardata->statsTuple))
		return Min(1.0, medcodeset_count(set->ranges, set->nranges) * DEFAULT_SET_SEL);
	stats = (Form_pg_statistic) GETSTRUCT(vardata->statsTuple);
	rest = 1.0 - stats->stanullfrac;
	sel = mcv_in_set(vardata->statsTuple, set, &mcv_total);
	rest -= mcv_total;
	if (rest > 0)
		sel += rest_in_set(vardata->statsTuple, set, rest);
	return sel;
}

/*
 * The selectivity of "code <@ set" (args in either order) or, given_bounds,
 * of the set among the rows between its first and last code (the recheck
 * beside those bounds).
 */
static double
membership_selectivity(PlannerInfo *root, List *args, int varRelid, bool given_bounds)
{
	VariableStatData vardata;
	Node	   *other;
	bool		varonleft;
	MedcodeSet *set;
	double		sel;

	if (!get_restriction_variable(root, args, varRelid, &vardata, &other, &varonleft))
		return DEFAULT_SET_SEL;
	if (!IsA(other, Const) || get_typlen(exprType(other)) != -1 ||
		get_typlen(vardata.vartype) != sizeof(int32))
	{
		/* not a code column against a constant set: no statistics to use */
		ReleaseVariableStats(vardata);
		return DEFAULT_SET_SEL;
	}
	if (((Const *) other)->constisnull)
	{
		ReleaseVariableStats(vardata);
		return 0.0;
	}
	set = DatumGetMedcodeSetP(((Const *) other)->constvalue);
	sel = column_rows_in_set(&vardata, set);
	if (given_bounds && set->nranges > 0)
	{
		MedcodeRange hull = {set->ranges[0].lo, set->ranges[set->nranges - 1].hi};
		double		in_bounds = column_rows_in_set(&vardata, medcodeset_from_ranges(&hull, 1));

		/* a set within bounds that hold no rows holds none */
		sel = in_bounds > 0 ? sel / in_bounds : 0.0;
	}
	ReleaseVariableStats(vardata);
	CLAMP_PROBABILITY(sel);
	return sel;
}

/* Restriction estimator of medcode <@ medcodeset and medcodeset @> medcode */
Datum
medcodeset_contsel(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(membership_selectivity((PlannerInfo *) PG_GETARG_POINTER(0),
											(List *) PG_GETARG_POINTER(2),
											PG_GETARG_INT32(3), false));
}

/* Support of medcode_in_set_recheck(): its selectivity beside the bounds */
Datum
medcodeset_recheck_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestSelectivity *req;

	if (!IsA(rawreq, SupportRequestSelectivity))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestSelectivity *) rawreq;
	if (req->is_join)
		PG_RETURN_POINTER(NULL);
	req->selectivity = membership_selectivity(req->root, req->args, req->varRelid, true);
	PG_RETURN_POINTER(req);
}
