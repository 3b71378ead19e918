/*
 * codeset.c: the module's magic block and its load-time hook.
 */
#include "postgres.h"

#include "fmgr.h"
#include "validity.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	codeset_validity_init();
}
