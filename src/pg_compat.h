/*
 * pg_compat.h: what differs between the PostgreSQL major versions codeset
 * builds against (15, 17 and 18), in one place.  Include after postgres.h;
 * no other file tests PG_VERSION_NUM.
 */
#ifndef CODESET_PG_COMPAT_H
#define CODESET_PG_COMPAT_H

/*
 * A function that never returns, written before its declaration.  18 has
 * pg_noreturn (C11 _Noreturn) and no pg_attribute_noreturn(); before 18 the
 * attribute works in that place as well.
 */
#if PG_VERSION_NUM >= 180000
#define codeset_noreturn pg_noreturn
#else
#define codeset_noreturn pg_attribute_noreturn()
#endif

/* The varlena macros (VARSIZE, SET_VARSIZE): 18's postgres.h leaves them out */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/* This backend's local transaction id (17 moved it into MyProc->vxid) */
#if PG_VERSION_NUM >= 170000
#define CurrentLocalTransactionId() (MyProc->vxid.lxid)
#else
#define CurrentLocalTransactionId() (MyProc->lxid)
#endif

/*
 * This backend's index among the MaxBackends regular backends, from 0 (17
 * numbers processes from 0 as MyProcNumber; before, MyBackendId from 1)
 */
#if PG_VERSION_NUM >= 170000
#define codeset_backend_index() ((int) MyProcNumber)
#else
#define codeset_backend_index() ((int) MyBackendId - 1)
#endif

#if PG_VERSION_NUM >= 160000

/*
 * Soft input errors: an input function reports into fcinfo->context when
 * the caller (pg_input_is_valid(), COPY ... ON_ERROR) asked for that.
 */
#include "nodes/miscnodes.h"

#else

/*
 * Before 16 no caller asks for soft errors: ereturn() raises as ereport()
 * does, and the return after it is never reached.
 */
#define ereturn(context, dummy_value, ...) \
	do { \
		(void) (context); \
		ereport(ERROR, __VA_ARGS__); \
		return dummy_value; \
	} while (0)

#endif

#endif
