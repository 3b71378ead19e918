/*
 * codeset.c: the module's magic block, and nothing else.
 */
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;
