/*
 * citus_nodes.c: finding this node's copy of a codeset table on a Citus
 * cluster (citus_nodes.h), without a query: the image reader runs in a new
 * backend's first valid() and on every transaction of a worker.
 */
#include "postgres.h"

#include "citus_nodes.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#define NESTED_EXECUTION_GUC "citus.allow_nested_distributed_execution"

PG_FUNCTION_INFO_V1(codeset_local_table);

/*
 * Scans the Citus catalog catalog (by index when it has it) for the rows
 * whose key_column equals key (every row when key_column is NULL), and
 * gives the value_column of each to each_value; false when the catalog is
 * not there or not as Citus 12 has it.
 */
static bool
scan_catalog(const char *catalog, const char *index, const char *key_column, Datum key,
			 RegProcedure key_equal, const char *value_column,
			 void (*each_value) (Datum value, void *arg), void *arg)
{
	Oid			catalog_relid = get_relname_relid(catalog, PG_CATALOG_NAMESPACE);
	Oid			index_relid = get_relname_relid(index, PG_CATALOG_NAMESPACE);
	AttrNumber	key_att,
				value_att;
	Relation	rel;
	ScanKeyData scan_key;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(catalog_relid))
		return false;
	key_att = key_column ? get_attnum(catalog_relid, key_column) : InvalidAttrNumber;
	value_att = get_attnum(catalog_relid, value_column);
	if ((key_column && key_att <= 0) || value_att <= 0)
		return false;
	rel = table_open(catalog_relid, AccessShareLock);
	if (key_column)
		ScanKeyInit(&scan_key, key_att, BTEqualStrategyNumber, key_equal, key);
	scan = systable_beginscan(rel, index_relid, key_column && OidIsValid(index_relid), NULL,
							  key_column ? 1 : 0, &scan_key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, value_att, RelationGetDescr(rel), &isnull);

		CHECK_FOR_INTERRUPTS();	/* a catalog of one row per shard */
		if (!isnull)
			each_value(d, arg);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return true;
}

typedef struct Found
{
	int			count;
	Datum		value;			/* the last one */
	int32		group;			/* for holds_group: the group to find */
} Found;

static void
count_value(Datum value, void *arg)
{
	Found	   *f = arg;

	f->count++;
	f->value = value;
}

static void
holds_group(Datum value, void *arg)
{
	Found	   *f = arg;

	if (DatumGetInt32(value) == f->group)
		f->count++;
}

/*
 * pg_dist_shard lists a distributed table's shards; a reference table has
 * one, named after the table with _shardid, and pg_dist_placement says
 * which node groups hold it (this node's is in pg_dist_local_group).  A
 * shard table on a node without a placement (a copy begun, not finished)
 * is not a copy.  Without Citus in this database: relid.
 */
Oid
citus_local_copy(Oid relid)
{
	Found		shards = {0},
				local_group = {0},
				placement = {0};
	int64		shardid;

	if (!scan_catalog("pg_dist_shard", "pg_dist_shard_logical_relid_index", "logicalrelid",
					  ObjectIdGetDatum(relid), F_OIDEQ, "shardid", count_value, &shards) ||
		shards.count == 0)
		return relid;			/* a local table (or no Citus) */
	if (shards.count > 1)
		return InvalidOid;		/* hash-distributed: no one copy anywhere */
	shardid = DatumGetInt64(shards.value);
	if (!scan_catalog("pg_dist_local_group", "", NULL, (Datum) 0, InvalidOid, "groupid",
					  count_value, &local_group) || local_group.count != 1)
		return InvalidOid;
	placement.group = DatumGetInt32(local_group.value);
	if (!scan_catalog("pg_dist_placement", "pg_dist_placement_shardid_index", "shardid",
					  Int64GetDatum(shardid), F_INT8EQ, "groupid", holds_group, &placement) ||
		placement.count == 0)
		return InvalidOid;		/* Citus has yet to copy it here */
	return get_relname_relid(psprintf("%s_" INT64_FORMAT, get_rel_name(relid), shardid),
							 get_rel_namespace(relid));
}

int
citus_reads_begin(void)
{
	int			level;

	if (GetConfigOption(NESTED_EXECUTION_GUC, true, false) == NULL)
		return -1;				/* no Citus in this backend */
	level = NewGUCNestLevel();
	(void) set_config_option(NESTED_EXECUTION_GUC, "on", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

void
citus_reads_end(int level)
{
	if (level >= 0)
		AtEOXact_GUC(true, level);
}

/*
 * codeset.local_table(regclass): the relation holding this node's rows of
 * a table (itself, off Citus), NULL when this node holds no copy.
 */
Datum
codeset_local_table(PG_FUNCTION_ARGS)
{
	Oid			copy = citus_local_copy(PG_GETARG_OID(0));

	if (!OidIsValid(copy))
		PG_RETURN_NULL();
	PG_RETURN_OID(copy);
}
