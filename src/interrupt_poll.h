/*
 * interrupt_poll.h: how a long loop of the pure-C cores lets the server
 * interrupt it (a cancel, statement_timeout) without a server header.
 *
 * Pure C.  codeset_poll_interrupts is NULL outside the server (the unit
 * tests and the fuzzers); _PG_init points it at a function that runs
 * CHECK_FOR_INTERRUPTS(), which may raise an error and longjmp out of the
 * loop.  So a loop that polls holds nothing the jump would leak: its memory
 * is the caller's (palloc'd in the server), it allocates none of its own,
 * and it calls no library function that does (glibc's qsort() mallocs).
 */
#ifndef CODESET_INTERRUPT_POLL_H
#define CODESET_INTERRUPT_POLL_H

#include <stddef.h>

extern void (*codeset_poll_interrupts) (void);

/* Iterations of a cheap loop between two polls (a power of two) */
#define CODESET_POLL_EVERY 4096

/* Poll on every CODESET_POLL_EVERY-th value of the loop's counter i */
static inline void
codeset_poll(size_t i)
{
	if ((i & (CODESET_POLL_EVERY - 1)) == 0 && codeset_poll_interrupts != NULL)
		codeset_poll_interrupts();
}

/* Poll now: for a loop whose every iteration is long */
static inline void
codeset_poll_now(void)
{
	if (codeset_poll_interrupts != NULL)
		codeset_poll_interrupts();
}

#endif
