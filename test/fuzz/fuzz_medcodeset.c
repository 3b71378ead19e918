/*
 * fuzz_medcodeset.c: libFuzzer target for the medcodeset literal parser and
 * the set algebra (src/medcodeset_parse.c).  Invariants, abort() on
 * violation:
 *  - a parsed literal normalizes to the normal form (medcodeset_is_normal);
 *  - its canonical text parses back to the same ranges;
 *  - a failed parse names an element within the input, with a detail;
 *  - the algebra of the set with itself and with its halves agrees with
 *    membership, checked on every range end and its neighbours.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medcode.h"
#include "medcodeset_parse.h"

static void
check_algebra(const MedcodeRange *a, size_t na, const MedcodeRange *b, size_t nb)
{
	MedcodeRange *u = malloc((na + nb + 1) * sizeof(MedcodeRange));
	MedcodeRange *x = malloc((na + nb + 1) * sizeof(MedcodeRange));
	MedcodeRange *d = malloc((na + nb + 1) * sizeof(MedcodeRange));
	size_t		nu = medcodeset_union(a, na, b, nb, u);
	size_t		nx = medcodeset_intersect(a, na, b, nb, x);
	size_t		nd = medcodeset_difference(a, na, b, nb, d);

	if (!medcodeset_is_normal(u, nu) || !medcodeset_is_normal(x, nx) || !medcodeset_is_normal(d, nd))
		abort();
	for (size_t i = 0; i < na + nb; i++)
	{
		const MedcodeRange *r = i < na ? &a[i] : &b[i - na];
		int32_t		probes[4] = {r->lo - 1, r->lo, r->hi, r->hi + 1};

		for (int k = 0; k < 4; k++)
		{
			int32_t		v = probes[k];
			bool		in_a,
						in_b;

			if (!medcode_value_ok(v))
				continue;
			in_a = medcodeset_contains(a, na, v);
			in_b = medcodeset_contains(b, nb, v);
			if (medcodeset_contains(u, nu, v) != (in_a || in_b) ||
				medcodeset_contains(x, nx, v) != (in_a && in_b) ||
				medcodeset_contains(d, nd, v) != (in_a && !in_b))
				abort();
		}
	}
	if (medcodeset_overlaps(a, na, b, nb) != (nx > 0))
		abort();
	if (medcodeset_contains_set(a, na, b, nb) != (nd == 0 && medcodeset_count(b, nb) <= medcodeset_count(a, na) &&
												   medcodeset_contains_set(u, nu, b, nb) &&
												   medcodeset_count(u, nu) == medcodeset_count(a, na)))
		abort();
	free(u);
	free(x);
	free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size ? size : 1);
	size_t		cap,
				n;
	MedcodeRange *r;
	MedcodeSetParseError err;

	if (size)
		memcpy(s, data, size);
	cap = medcodeset_max_ranges(s, size);
	r = malloc(cap * sizeof(MedcodeRange));
	if (medcodeset_parse(s, size, r, cap, &n, &err))
	{
		char	   *text;
		MedcodeRange *again;
		size_t		n2;
		size_t		half;

		if (n > cap)
			abort();
		n = medcodeset_normalize(r, n);
		if (!medcodeset_is_normal(r, n))
			abort();
		text = malloc(medcodeset_text_size(n));
		medcodeset_format(r, n, text);
		again = malloc(medcodeset_max_ranges(text, strlen(text)) * sizeof(MedcodeRange));
		if (!medcodeset_parse(text, strlen(text), again, medcodeset_max_ranges(text, strlen(text)), &n2, &err))
			abort();
		n2 = medcodeset_normalize(again, n2);
		if (n2 != n || memcmp(again, r, n * sizeof(MedcodeRange)) != 0)
			abort();
		half = n / 2;
		check_algebra(r, n, r, n);
		check_algebra(r, half, r + half, n - half);
		check_algebra(r + half, n - half, r, n);
		free(text);
		free(again);
	}
	else
	{
		if (err.error == MCS_OK || err.detail[0] == '\0' || err.offset > size ||
			err.offset + err.element_len > size)
			abort();
	}
	free(r);
	free(s);
	return 0;
}
