/*
 * codeset.c: the module's magic block and its load-time hook.
 */
#include "codeset.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	codeset_validity_init();
}
