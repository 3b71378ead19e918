/*
 * codeset.c: the module's magic block and its load-time hooks.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "interrupt_poll.h"
#include "validity.h"
#include "validity_cache.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* The pure cores' long loops answer a cancel or statement_timeout here */
static void
check_for_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

void
_PG_init(void)
{
	codeset_poll_interrupts = check_for_interrupts;
	codeset_validity_init();
	validity_shared_init();
}
