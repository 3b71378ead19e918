/*
 * interrupt_poll.c: the pure cores' interrupt hook (interrupt_poll.h);
 * NULL until the server sets it.
 */
#include "interrupt_poll.h"

void		(*codeset_poll_interrupts) (void) = NULL;
