/*
 * citus_nodes.h: reading codeset's own tables on a Citus node.
 *
 * On a Citus cluster codeset's tables are reference tables: each node
 * holds a full copy in a shard table beside the extension's own (which
 * Citus keeps as an empty-looking shell).  What reads the tables without
 * a query (the cache image, the release state) must open the copy; what
 * reads them with a query may run inside a shard query on a worker, where
 * Citus refuses a nested distributed query unless told the read is safe.
 */
#ifndef CODESET_CITUS_NODES_H
#define CODESET_CITUS_NODES_H

#include "postgres.h"

/*
 * The relation holding this node's rows of relid: relid itself when Citus
 * does not distribute it, the local shard of a reference table, or
 * InvalidOid when this node holds no copy (read it with a query).
 */
extern Oid	citus_local_copy(Oid relid);

/*
 * Around a query of codeset's tables that may run inside a shard query:
 * allows Citus's nested execution (a read of a reference table, answered
 * from this node's copy) until the matching end, or the transaction's end.
 */
extern int	citus_reads_begin(void);
extern void citus_reads_end(int level);

#endif
