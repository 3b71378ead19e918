/*
 * fuzz_medcode.c: libFuzzer target for medcode_parse() and friends.
 *
 * Build: make test/fuzz/fuzz_medcode (clang -fsanitize=fuzzer,address,undefined)
 * Run:   bash test/fuzz/run.sh test/fuzz/fuzz_medcode 60
 *
 * The input is copied to an exact-size heap buffer with no NUL, so ASan
 * catches any read past len.  Invariants are checked with abort(), which
 * libFuzzer reports as a crash and saves the input.
 */
#include "medcode.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "fuzz_medcode: invariant failed at line %d: %s\n", __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static char
upper(unsigned char c)
{
	return (char) ((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
}

static void
check_explain(const MedcodeParse *p, const char *buf, size_t len,
			  size_t start, size_t end)
{
	char		detail[256];
	char		hint[256];

	memset(detail, 'x', sizeof(detail));
	memset(hint, 'x', sizeof(hint));
	medcode_explain(p, buf, len, (int) p->offset + 1, detail, sizeof(detail), hint, sizeof(hint));
	CHECK(memchr(detail, '\0', sizeof(detail)) != NULL);
	CHECK(detail[0] != '\0');
	CHECK(memchr(hint, '\0', sizeof(hint)) != NULL);

	if (p->error == MEDCODE_ERR_LOST_ZEROS)
	{
		/* 1-4 digits; the hint carries them zero-padded to five */
		char		padded[MEDCODE_LEN + 3];
		size_t		n = end - start;

		CHECK(n >= 1 && n < MEDCODE_LEN);
		for (size_t i = start; i < end; i++)
			CHECK(is_digit((unsigned char) buf[i]));
		padded[0] = '"';
		memset(padded + 1, '0', MEDCODE_LEN);
		memcpy(padded + 1 + MEDCODE_LEN - n, buf + start, n);
		padded[MEDCODE_LEN + 1] = '"';
		padded[MEDCODE_LEN + 2] = '\0';
		CHECK(strstr(hint, padded) != NULL);
	}

	/* a tiny buffer still ends in a NUL */
	{
		char		small[4];

		memset(small, 'x', sizeof(small));
		medcode_explain(p, buf, len, (int) p->offset + 1, small, sizeof(small), hint, sizeof(hint));
		CHECK(memchr(small, '\0', sizeof(small)) != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf = malloc(size);
	MedcodeParse p;
	bool		r;
	size_t		start = 0,
				end = size;

	if (buf == NULL && size > 0)
		return 0;
	if (size > 0)
		memcpy(buf, data, size);

	/* the same trimming as documented: surrounding ASCII white space */
	while (start < end && is_space((unsigned char) buf[start]))
		start++;
	while (end > start && is_space((unsigned char) buf[end - 1]))
		end--;

	r = medcode_parse(buf, size, &p);
	CHECK(r == (p.error == MEDCODE_OK));
	CHECK(p.trimmed_len == end - start);

	if (r)
	{
		char		out[MEDCODE_LEN + 1];
		char		up[MEDCODE_LEN];
		char	   *again = malloc(MEDCODE_LEN);
		MedcodeParse q;

		CHECK(medcode_value_ok(p.value));
		CHECK(medcode_format(p.value, out));
		CHECK(strlen(out) == MEDCODE_LEN);
		/* the trimmed input, upper-cased, is the canonical text */
		CHECK(end - start == MEDCODE_LEN);
		for (size_t i = 0; i < MEDCODE_LEN; i++)
			up[i] = upper((unsigned char) buf[start + i]);
		CHECK(memcmp(up, out, MEDCODE_LEN) == 0);
		/* and it parses back to the same value */
		CHECK(again != NULL);
		memcpy(again, out, MEDCODE_LEN);
		CHECK(medcode_parse(again, MEDCODE_LEN, &q));
		CHECK(q.value == p.value);
		CHECK(medcode_from_chars(again) == p.value);
		free(again);
		/* classification is total on valid values */
		CHECK(medcode_kind_name(medcode_kind(p.value)) != NULL);
		CHECK(medcode_system_name(p.value) != NULL);
		(void) medcode_section(p.value);
		(void) medcode_cpt_category(p.value);
	}
	else
	{
		CHECK(p.error != MEDCODE_ERR_EMPTY || start == end);
		CHECK(p.error == MEDCODE_ERR_EMPTY || start < end);
		if (p.error == MEDCODE_ERR_BAD_CHAR)
		{
			unsigned char c;

			CHECK(p.offset >= start && p.offset < end);
			c = (unsigned char) buf[p.offset];
			CHECK(!is_alnum(c));
		}
		if (p.error == MEDCODE_ERR_MODIFIER)
		{
			CHECK(p.modifier_offset <= size);
			CHECK(p.modifier_len <= size);
			CHECK(p.modifier_offset + p.modifier_len <= size);
			CHECK(p.modifier_offset >= start + MEDCODE_LEN);
			CHECK(strlen(p.code) == MEDCODE_LEN);
			CHECK(medcode_from_chars(p.code) >= 0);
			for (size_t i = 0; i < MEDCODE_LEN; i++)
				CHECK(p.code[i] == upper((unsigned char) buf[start + i]));
		}
		check_explain(&p, buf, size, start, end);
	}

	if (size >= MEDCODE_LEN)
	{
		int32_t		v = medcode_from_chars(buf);

		CHECK(v == -1 || medcode_value_ok(v));
		if (v >= 0)
		{
			char		out[MEDCODE_LEN + 1];

			CHECK(medcode_format(v, out));
			for (size_t i = 0; i < MEDCODE_LEN; i++)
				CHECK(out[i] == upper((unsigned char) buf[i]));
		}
		if (size == MEDCODE_LEN)
		{
			bool		alnum = true;

			for (size_t i = 0; i < MEDCODE_LEN; i++)
				alnum = alnum && is_alnum((unsigned char) buf[i]);
			if (alnum)
				CHECK(v == (r ? p.value : -1));
		}
	}

	free(buf);
	return 0;
}
