/*
 * tap.h: the few TAP helpers the C unit tests share (ok, diag, is_int, is_str), and the
 * counters their main() reports from.
 */
#ifndef CODESET_TEST_TAP_H
#define CODESET_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int	n_tests = 0;
static int	n_failed = 0;

static inline bool
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

static inline bool
ok(bool cond, const char *fmt,...)
{
	va_list		ap;
	bool		r;

	va_start(ap, fmt);
	r = vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

static inline void
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

static inline bool
is_int(long long got, long long expected, const char *fmt,...)
{
	va_list		ap;
	bool		r;

	va_start(ap, fmt);
	r = vok(got == expected, fmt, ap);
	va_end(ap);
	if (!r)
		diag("got %lld expected %lld", got, expected);
	return r;
}

/* Strings, where NULL is a value of its own. */
static inline bool
is_str(const char *got, const char *expected, const char *fmt,...)
{
	va_list		ap;
	bool		r;
	bool		same;

	if (got == NULL || expected == NULL)
		same = got == expected;
	else
		same = strcmp(got, expected) == 0;
	va_start(ap, fmt);
	r = vok(same, fmt, ap);
	va_end(ap);
	if (!r)
		diag("got %s%s%s expected %s%s%s",
			 got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
			 expected ? "\"" : "", expected ? expected : "NULL", expected ? "\"" : "");
	return r;
}

#endif
