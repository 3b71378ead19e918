/*
 * medcodeset_parse.c: the set literal, the normal form and the set algebra.
 * Pure C: every function works on arrays the caller owns.  The loops over a
 * literal (up to 1 GB) and the normal form's sort poll for interrupts; the
 * algebra runs over normal sets, at most one range per code, and needs no
 * poll.
 */
#include "medcodeset_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "interrupt_poll.h"
#include "medcode.h"

#if defined(__GNUC__) || defined(__clang__)
#define MCS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MCS_PRINTF(f, a)
#endif

size_t
medcodeset_max_ranges(const char *s, size_t len)
{
	size_t		n = 1;

	for (size_t i = 0; i < len; i++)
	{
		codeset_poll(i);
		if (s[i] == ',')
			n++;
	}
	return n;
}

/* Fill *err; detail is a printf format for the errdetail sentence. */
static bool
fail(MedcodeSetParseError *err, MedcodeSetError e, int element, size_t offset, size_t elen,
	 const char *detail,...) MCS_PRINTF(6, 7);

static bool
fail(MedcodeSetParseError *err, MedcodeSetError e, int element, size_t offset, size_t elen,
	 const char *detail,...)
{
	va_list		ap;

	err->error = e;
	err->element = element;
	err->offset = offset;
	err->element_len = elen;
	va_start(ap, detail);
	vsnprintf(err->detail, sizeof(err->detail), detail, ap);
	va_end(ap);
	return false;
}

/* At most max bytes of s[0..len), not ending inside a UTF-8 sequence. */
static int
clip(const char *s, size_t len, size_t max)
{
	size_t		n = len < max ? len : max;

	if (n < len)
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
	return (int) n;
}

/* Narrow [*a, *b) to leave out white space at both ends. */
static void
trim(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && ascii_is_space(s[*a]))
		codeset_poll(++(*a));
	while (*b > *a && ascii_is_space(s[*b - 1]))
		codeset_poll(--(*b));
}

/* One end of a range: trimmed bytes [a, b) -> value, or -1 */
static int32_t
parse_end(const char *s, size_t a, size_t b)
{
	MedcodeParse p;

	if (!medcode_parse(s + a, b - a, &p))
		return -1;
	return p.value;
}

/* Element [a, b) fails on the code text in [ca, cb) */
static bool
fail_code(MedcodeSetParseError *err, int element, size_t a, size_t b, const char *s,
		  size_t ca, size_t cb)
{
	return fail(err, MCS_BAD_CODE, element, a, b - a, "\"%.*s\" is not a procedure code.",
				clip(s + ca, cb - ca, 40), s + ca);
}

/* Element [a, b) is two codes that make no range: reversed, or across families */
static bool
fail_range(MedcodeSetParseError *err, int element, size_t a, size_t b, int32_t lo, int32_t hi)
{
	char		l[MEDCODE_LEN + 1],
				h[MEDCODE_LEN + 1];

	medcode_format(lo, l);
	medcode_format(hi, h);
	if (lo > hi)
		return fail(err, MCS_REVERSED, element, a, b - a,
					"The range is reversed: %s comes after %s; write %s-%s.", l, h, h, l);
	return fail(err, MCS_CROSSES_FAMILIES, element, a, b - a,
				"%s and %s are of different code families; a range stays within one "
				"(five digits, one CPT suffix letter, or one Level II letter).", l, h);
}

/*
 * The braces of the literal s[0, len): on success [*inner, *close) lies
 * between them.  The first '}' must be the last character.
 */
static bool
parse_braces(const char *s, size_t len, size_t *inner, size_t *close, MedcodeSetParseError *err)
{
	size_t		start = 0,
				end = len;
	const char *brace;

	trim(s, &start, &end);
	if (start == end || s[start] != '{')
		return fail(err, MCS_NO_OPEN_BRACE, 0, start, 0,
					"A code set literal starts with \"{\", as in '{99202-99215, G0438}'.");
	brace = memchr(s + start, '}', end - start);
	if (brace == NULL)
		return fail(err, MCS_NO_CLOSE_BRACE, 0, end, 0, "A code set literal ends with \"}\".");
	if ((size_t) (brace - s) != end - 1)
		return fail(err, MCS_TRAILING_TEXT, 0, (size_t) (brace - s) + 1, 0,
					"Text follows the closing \"}\".");
	*inner = start + 1;
	*close = end - 1;
	return true;
}

/* Element [a, b), trimmed and not empty: a code, or two joined by a dash. */
static bool
parse_element(const char *s, size_t a, size_t b, int element, MedcodeRange *r,
			  MedcodeSetParseError *err)
{
	/* A dash separates the ends of a range (codes hold no dash). */
	const char *dash = memchr(s + a, '-', b - a);
	size_t		la = a,
				lb,
				ha,
				hb = b;

	if (dash == NULL)
	{
		r->lo = r->hi = parse_end(s, a, b);
		return r->lo >= 0 || fail_code(err, element, a, b, s, a, b);
	}
	lb = (size_t) (dash - s);
	ha = lb + 1;
	trim(s, &la, &lb);
	trim(s, &ha, &hb);
	r->lo = parse_end(s, la, lb);
	r->hi = parse_end(s, ha, hb);
	if (r->lo < 0)
		return fail_code(err, element, a, b, s, la, lb);
	if (r->hi < 0)
		return fail_code(err, element, a, b, s, ha, hb);
	if (r->lo > r->hi || medcode_family_of(r->lo) != medcode_family_of(r->hi))
		return fail_range(err, element, a, b, r->lo, r->hi);
	return true;
}

bool
medcodeset_parse(const char *s, size_t len, MedcodeRange *out, size_t cap, size_t *n,
				 MedcodeSetParseError *err)
{
	size_t		pos = 0,
				end = 0,
				a,
				b;

	*n = 0;
	memset(err, 0, sizeof(*err));
	if (!parse_braces(s, len, &pos, &end, err))
		return false;
	/* the empty set: only white space between the braces */
	a = pos, b = end;
	trim(s, &a, &b);
	if (a == b)
		return true;

	for (int element = 1;; element++)
	{
		size_t		comma = pos;
		MedcodeRange r;

		while (comma < end && s[comma] != ',')
			codeset_poll(++comma);
		a = pos, b = comma;
		trim(s, &a, &b);
		if (a == b)
			return fail(err, MCS_EMPTY_ELEMENT, element, a, 0,
						comma == end ? "A comma is not followed by an element."
						: "Two commas with no element between them.");
		if (!parse_element(s, a, b, element, &r, err))
			return false;
		if (*n < cap)
			out[(*n)++] = r;
		if (comma == end)
			return true;
		pos = comma + 1;
	}
}

/*
 * The sort of the normal form: an in-place introsort (quicksort around a
 * median of three, heapsort past twice the depth a balanced split takes,
 * insertion sort for short runs), not qsort(): a literal of 100 million
 * elements sorts for seconds, and qsort() would leak the copy it mallocs
 * when a poll jumps out.
 */
static inline bool
range_less(MedcodeRange x, MedcodeRange y)
{
	return x.lo < y.lo || (x.lo == y.lo && x.hi < y.hi);
}

static inline void
range_swap(MedcodeRange *x, MedcodeRange *y)
{
	MedcodeRange t = *x;

	*x = *y;
	*y = t;
}

static void
insertion_sort(MedcodeRange *r, size_t n)
{
	for (size_t i = 1; i < n; i++)
	{
		MedcodeRange v = r[i];
		size_t		j = i;

		for (; j > 0 && range_less(v, r[j - 1]); j--)
			r[j] = r[j - 1];
		r[j] = v;
	}
}

static void
sift_down(MedcodeRange *r, size_t root, size_t n)
{
	for (;;)
	{
		size_t		child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && range_less(r[child], r[child + 1]))
			child++;
		if (!range_less(r[root], r[child]))
			return;
		range_swap(&r[root], &r[child]);
		root = child;
	}
}

static void
heap_sort(MedcodeRange *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
	{
		codeset_poll(i);
		sift_down(r, i, n);
	}
	for (size_t i = n; i-- > 1;)
	{
		codeset_poll(i);
		range_swap(&r[0], &r[i]);
		sift_down(r, 0, i);
	}
}

static void
sort_ranges(MedcodeRange *r, size_t n, int depth)
{
	while (n > 16)
	{
		size_t		m = (n - 1) / 2,
					i = 0,
					j = n - 1;
		MedcodeRange pivot;

		if (depth-- == 0)
		{
			heap_sort(r, n);
			return;
		}
		if (range_less(r[m], r[0]))
			range_swap(&r[m], &r[0]);
		if (range_less(r[n - 1], r[m]))
		{
			range_swap(&r[n - 1], &r[m]);
			if (range_less(r[m], r[0]))
				range_swap(&r[m], &r[0]);
		}
		pivot = r[m];
		/* Hoare's partition: r[0..j] <= pivot <= r[j+1..n), both parts non-empty */
		for (;;)
		{
			while (range_less(r[i], pivot))
				codeset_poll(++i);
			while (range_less(pivot, r[j]))
				codeset_poll(--j);
			if (i >= j)
				break;
			range_swap(&r[i], &r[j]);
			codeset_poll(++i);
			j--;
		}
		/* recurse into the smaller part, so the stack stays logarithmic */
		if (j + 1 < n - j - 1)
		{
			sort_ranges(r, j + 1, depth);
			r += j + 1;
			n -= j + 1;
		}
		else
		{
			sort_ranges(r + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_sort(r, n);
}

/* Append r to out[0..n), merging with the last range when they meet. */
static size_t
append(MedcodeRange *out, size_t n, MedcodeRange r)
{
	if (n > 0)
	{
		MedcodeRange *last = &out[n - 1];

		if (r.lo <= (int64_t) last->hi + 1 &&
			medcode_family_of(r.lo) == medcode_family_of(last->hi))
		{
			if (r.hi > last->hi)
				last->hi = r.hi;
			return n;
		}
	}
	out[n] = r;
	return n + 1;
}

size_t
medcodeset_normalize(MedcodeRange *r, size_t n)
{
	size_t		m = 0;
	int			depth = 0;

	for (size_t k = n; k > 1; k /= 2)
		depth += 2;
	sort_ranges(r, n, depth);
	for (size_t i = 0; i < n; i++)
	{
		codeset_poll(i);
		m = append(r, m, r[i]);
	}
	return m;
}

bool
medcodeset_is_normal(const MedcodeRange *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		if (!medcode_value_ok(r[i].lo) || !medcode_value_ok(r[i].hi) || r[i].lo > r[i].hi ||
			medcode_family_of(r[i].lo) != medcode_family_of(r[i].hi))
			return false;
		if (i > 0 && (r[i].lo <= (int64_t) r[i - 1].hi + 1 &&
					  medcode_family_of(r[i].lo) == medcode_family_of(r[i - 1].hi)))
			return false;
		if (i > 0 && r[i].lo <= r[i - 1].hi)
			return false;
	}
	return true;
}

bool
medcodeset_contains(const MedcodeRange *r, size_t n, int32_t v)
{
	size_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (v < r[mid].lo)
			hi = mid;
		else if (v > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

size_t
medcodeset_union(const MedcodeRange *a, size_t na, const MedcodeRange *b, size_t nb,
				 MedcodeRange *out)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na || j < nb)
	{
		if (j == nb || (i < na && a[i].lo <= b[j].lo))
			n = append(out, n, a[i++]);
		else
			n = append(out, n, b[j++]);
	}
	return n;
}

size_t
medcodeset_intersect(const MedcodeRange *a, size_t na, const MedcodeRange *b, size_t nb,
					 MedcodeRange *out)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na && j < nb)
	{
		int32_t		lo = a[i].lo > b[j].lo ? a[i].lo : b[j].lo;
		int32_t		hi = a[i].hi < b[j].hi ? a[i].hi : b[j].hi;

		if (lo <= hi)
		{
			MedcodeRange r = {lo, hi};

			n = append(out, n, r);
		}
		if (a[i].hi < b[j].hi)
			i++;
		else
			j++;
	}
	return n;
}

size_t
medcodeset_difference(const MedcodeRange *a, size_t na, const MedcodeRange *b, size_t nb,
					  MedcodeRange *out)
{
	size_t		j = 0,
				n = 0;

	for (size_t i = 0; i < na; i++)
	{
		int32_t		lo = a[i].lo;
		int32_t		hi = a[i].hi;

		while (j < nb && b[j].hi < lo)
			j++;
		for (size_t k = j; k < nb && b[k].lo <= hi; k++)
		{
			if (b[k].lo > lo)
			{
				MedcodeRange r = {lo, b[k].lo - 1};

				n = append(out, n, r);
			}
			if (b[k].hi >= hi)
			{
				lo = hi + 1;	/* nothing left of a[i] */
				break;
			}
			lo = b[k].hi + 1;
		}
		if (lo <= hi)
		{
			MedcodeRange r = {lo, hi};

			n = append(out, n, r);
		}
	}
	return n;
}

bool
medcodeset_contains_set(const MedcodeRange *a, size_t na, const MedcodeRange *b, size_t nb)
{
	size_t		i = 0;

	for (size_t j = 0; j < nb; j++)
	{
		while (i < na && a[i].hi < b[j].lo)
			i++;
		if (i == na || a[i].lo > b[j].lo || a[i].hi < b[j].hi)
			return false;
	}
	return true;
}

bool
medcodeset_overlaps(const MedcodeRange *a, size_t na, const MedcodeRange *b, size_t nb)
{
	size_t		i = 0,
				j = 0;

	while (i < na && j < nb)
	{
		if (a[i].hi < b[j].lo)
			i++;
		else if (b[j].hi < a[i].lo)
			j++;
		else
			return true;
	}
	return false;
}

int64_t
medcodeset_count(const MedcodeRange *r, size_t n)
{
	int64_t		total = 0;

	for (size_t i = 0; i < n; i++)
		total += (int64_t) r[i].hi - r[i].lo + 1;
	return total;
}

size_t
medcodeset_text_size(size_t n)
{
	/* "{" + n * "CCCCC-CCCCC," + "}" + NUL */
	return 3 + n * (2 * MEDCODE_LEN + 2);
}

size_t
medcodeset_format(const MedcodeRange *r, size_t n, char *out)
{
	size_t		k = 0;

	out[k++] = '{';
	for (size_t i = 0; i < n; i++)
	{
		if (i > 0)
			out[k++] = ',';
		medcode_format(r[i].lo, out + k);
		k += MEDCODE_LEN;
		if (r[i].hi != r[i].lo)
		{
			out[k++] = '-';
			medcode_format(r[i].hi, out + k);
			k += MEDCODE_LEN;
		}
	}
	out[k++] = '}';
	out[k] = '\0';
	return k;
}
