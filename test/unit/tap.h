/*
 * tap.h: the few TAP helpers the C unit tests share (ok, diag), and the
 * counters their main() reports from.
 */
#ifndef CODESET_TEST_TAP_H
#define CODESET_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int	n_tests = 0;
static int	n_failed = 0;

static bool
vok(bool cond, const char *fmt, va_list ap)
{
	n_tests++;
	if (!cond)
		n_failed++;
	printf("%s %d - ", cond ? "ok" : "not ok", n_tests);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static bool
ok(bool cond, const char *fmt,...)
{
	va_list		ap;
	bool		r;

	va_start(ap, fmt);
	r = vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static void
diag(const char *fmt,...)
{
	va_list		ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#endif
