/*
 * medcode_parse.c: text <-> medcode, and why a text is not a code.
 *
 * Pure C (no server headers), so that test/unit and test/fuzz link it alone.
 * ASCII only by design (ascii.h).
 */
#include "medcode.h"

#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "claim_line.h"

/*
 * Position + 1 of each byte in MEDCODE_CPT_SUFFIXES and MEDCODE_LEVEL2_LETTERS
 * (either case), 0 for any other byte: one load per character on the
 * per-row path instead of a scan of the letter list.
 */
static const uint8_t suffix_pos[256] = {
	['A'] = 1, ['F'] = 2, ['M'] = 3, ['T'] = 4, ['U'] = 5,
	['a'] = 1, ['f'] = 2, ['m'] = 3, ['t'] = 4, ['u'] = 5,
};
static const uint8_t level2_pos[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['J'] = 9, ['K'] = 10, ['L'] = 11, ['M'] = 12, ['N'] = 13, ['P'] = 14, ['Q'] = 15,
	['R'] = 16, ['S'] = 17, ['T'] = 18, ['U'] = 19, ['V'] = 20,
	['a'] = 1, ['b'] = 2, ['c'] = 3, ['d'] = 4, ['e'] = 5, ['f'] = 6, ['g'] = 7, ['h'] = 8,
	['j'] = 9, ['k'] = 10, ['l'] = 11, ['m'] = 12, ['n'] = 13, ['p'] = 14, ['q'] = 15,
	['r'] = 16, ['s'] = 17, ['t'] = 18, ['u'] = 19, ['v'] = 20,
};

static int32_t
four_digits(const unsigned char *d)
{
	return (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
}

/* Five bytes, either case -> value, or -1 when they are no code. */
int32_t
medcode_from_chars(const char *s)
{
	const unsigned char *u = (const unsigned char *) s;
	bool		middle = ascii_is_digit(u[1]) && ascii_is_digit(u[2]) && ascii_is_digit(u[3]);
	int			idx;

	if (!middle)
		return -1;
	if (ascii_is_digit(u[0]))
	{
		if (ascii_is_digit(u[4]))
			return MEDCODE_NUMERIC_FIRST + (u[0] - '0') * 10000 + four_digits(u + 1);
		if ((idx = suffix_pos[u[4]]) != 0)
			return MEDCODE_SUFFIX_FIRST + (idx - 1) * MEDCODE_BLOCK + four_digits(u);
		return -1;
	}
	if (ascii_is_digit(u[4]) && (idx = level2_pos[u[0]]) != 0)
		return MEDCODE_LEVEL2_FIRST + (idx - 1) * MEDCODE_BLOCK + four_digits(u + 1);
	return -1;
}

bool
medcode_format(int32_t v, char out[MEDCODE_LEN + 1])
{
	int32_t		n;

	if (!medcode_value_ok(v))
		return false;
	if (v < MEDCODE_SUFFIX_FIRST)
	{
		n = v;
		for (int i = MEDCODE_LEN - 1; i >= 0; i--, n /= 10)
			out[i] = (char) ('0' + n % 10);
	}
	else if (v < MEDCODE_LEVEL2_FIRST)
	{
		n = (v - MEDCODE_SUFFIX_FIRST) % MEDCODE_BLOCK;
		out[4] = MEDCODE_CPT_SUFFIXES[(v - MEDCODE_SUFFIX_FIRST) / MEDCODE_BLOCK];
		for (int i = 3; i >= 0; i--, n /= 10)
			out[i] = (char) ('0' + n % 10);
	}
	else
	{
		n = (v - MEDCODE_LEVEL2_FIRST) % MEDCODE_BLOCK;
		out[0] = MEDCODE_LEVEL2_LETTERS[(v - MEDCODE_LEVEL2_FIRST) / MEDCODE_BLOCK];
		for (int i = 4; i >= 1; i--, n /= 10)
			out[i] = (char) ('0' + n % 10);
	}
	out[MEDCODE_LEN] = '\0';
	return true;
}

/*
 * Classify a trimmed, all-alphanumeric text of any length that is no code.
 * Only its first six characters matter.
 */
static MedcodeError
shape_error(const unsigned char *s, size_t len, size_t *offset)
{
	unsigned char t[MEDCODE_LEN + 1];
	size_t		n = len <= MEDCODE_LEN ? len : MEDCODE_LEN + 1;
	size_t		digits = 0;

	for (size_t i = 0; i < n; i++)
		t[i] = ascii_to_upper(s[i]);
	while (digits < n && ascii_is_digit(t[digits]))
		digits++;

	if (digits == n)
		return n < MEDCODE_LEN ? MEDCODE_ERR_LOST_ZEROS : MEDCODE_ERR_TOO_LONG;
	if (n < MEDCODE_LEN)
		return ascii_is_alpha(t[0]) ? MEDCODE_ERR_LEVEL2_SHAPE : MEDCODE_ERR_TOO_SHORT;
	if (n > MEDCODE_LEN)
		return MEDCODE_ERR_TOO_LONG;

	/* Exactly five characters from here. */
	if (digits == 4)
		return MEDCODE_ERR_BAD_SUFFIX;
	if (ascii_is_alpha(t[0]))
	{
		size_t		i = 1;

		while (i < n && ascii_is_digit(t[i]))
			i++;
		if (i == n)
			return MEDCODE_ERR_LEVEL2_LETTER;
		*offset = i;
		return MEDCODE_ERR_LEVEL2_SHAPE;
	}
	*offset = digits;
	return MEDCODE_ERR_SHAPE;
}

/* The five bytes as they stand were a code: nothing trimmed or to explain. */
static bool
found_as_is(MedcodeParse *p, int32_t v)
{
	p->error = MEDCODE_OK;
	p->value = v;
	p->offset = 0;
	p->trimmed_len = MEDCODE_LEN;
	p->modifier_offset = p->modifier_len = 0;
	p->code[0] = '\0';
	return true;
}

/*
 * A code followed by a separator and more text in s[start, end) is most
 * likely a claim line with a modifier (99213-25, 99213:25, J1100 JW), and so
 * is a code with one to four modifiers glued to it (J1100JW, 9921325): say
 * so rather than "too long".
 */
static bool
found_modifier(const char *s, size_t start, size_t end, MedcodeParse *p)
{
	const unsigned char *t = (const unsigned char *) s;
	size_t		m = start + MEDCODE_LEN + 1;

	if (end - start <= MEDCODE_LEN + 1)
		return false;
	if (modifier_separator(t[start + MEDCODE_LEN]))
	{
		while (m < end && modifier_separator(t[m]))
			m++;
		/* m < end: some modifier text is left after the separators */
		if (m == end)
			return false;
	}
	else
	{
		/*
		 * Glued ("J1100JW", "9921325"): one to four pairs of letters and
		 * digits after the five characters of a code, nothing else; a
		 * code is five characters, so they split one way only.
		 */
		size_t		rest = end - start - MEDCODE_LEN;

		if (rest % 2 != 0 || rest > 8)
			return false;
		for (size_t i = start + MEDCODE_LEN; i < end; i++)
			if (!ascii_is_alnum(t[i]))
				return false;
		m = start + MEDCODE_LEN;
	}
	if (medcode_from_chars(s + start) < 0)
		return false;
	p->error = MEDCODE_ERR_MODIFIER;
	for (int i = 0; i < MEDCODE_LEN; i++)
		p->code[i] = (char) ascii_to_upper(t[start + i]);
	p->code[MEDCODE_LEN] = '\0';
	p->modifier_offset = m;
	p->modifier_len = end - m;
	return true;
}

bool
medcode_parse(const char *s, size_t len, MedcodeParse *p)
{
	const unsigned char *t = (const unsigned char *) s;
	size_t		start = 0,
				end = len,
				rel = 0;

	/* The common case first: exactly five characters, no white space. */
	if (len == MEDCODE_LEN && !ascii_is_space(t[0]) && !ascii_is_space(t[MEDCODE_LEN - 1]))
	{
		int32_t		v = medcode_from_chars(s);

		if (v >= 0)
			return found_as_is(p, v);
	}

	memset(p, 0, sizeof(*p));
	p->value = -1;
	while (start < end && ascii_is_space(t[start]))
		start++;
	while (end > start && ascii_is_space(t[end - 1]))
		end--;
	p->trimmed_len = end - start;

	if (start == end)
	{
		p->error = MEDCODE_ERR_EMPTY;
		return false;
	}
	if (found_modifier(s, start, end, p))
		return false;
	for (size_t i = start; i < end; i++)
	{
		if (!ascii_is_alnum(t[i]))
		{
			p->error = MEDCODE_ERR_BAD_CHAR;
			p->offset = i;
			return false;
		}
	}
	if (end - start == MEDCODE_LEN && (p->value = medcode_from_chars(s + start)) >= 0)
	{
		p->error = MEDCODE_OK;
		return true;
	}
	p->error = shape_error(t + start, end - start, &rel);
	p->offset = start + rel;
	return false;
}

/* Copy at most dst_size - 1 bytes, printable ASCII only: others become '?'. */
static void
copy_printable(char *dst, size_t dst_size, const char *src, size_t len)
{
	size_t		n = len < dst_size - 1 ? len : dst_size - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[n] = '\0';
}

void
medcode_explain(const MedcodeParse *p, const char *input, size_t len, int char_pos,
				char *detail, size_t detail_size, char *hint, size_t hint_size)
{
	hint[0] = '\0';
	detail[0] = '\0';

	switch (p->error)
	{
		case MEDCODE_OK:
			break;
		case MEDCODE_ERR_EMPTY:
			snprintf(detail, detail_size, "The input is empty.");
			break;
		case MEDCODE_ERR_BAD_CHAR:
			snprintf(detail, detail_size,
					 "Character %d is not an ASCII letter or digit; a code has only those.",
					 char_pos);
			break;
		case MEDCODE_ERR_MODIFIER:
			{
				char		modifier[64];

				if (p->modifier_offset + p->modifier_len <= len)
					copy_printable(modifier, sizeof(modifier), input + p->modifier_offset,
								   p->modifier_len);
				else
					modifier[0] = '\0';
				snprintf(detail, detail_size,
						 "The input is the code \"%s\" followed by the modifier text \"%s\".",
						 p->code, modifier);
				snprintf(hint, hint_size,
						 "A medcode holds the code alone: split the line with parse_claim_line(), "
						 "or keep modifiers in a column of their own.");
			}
			break;
		case MEDCODE_ERR_LOST_ZEROS:
			{
				char		padded[MEDCODE_LEN + 1];
				size_t		n = p->trimmed_len;
				size_t		start = (size_t) (p->offset);

				/* offset is the start of the trimmed text here */
				memset(padded, '0', MEDCODE_LEN);
				if (n < MEDCODE_LEN && start + n <= len)
					memcpy(padded + MEDCODE_LEN - n, input + start, n);
				padded[MEDCODE_LEN] = '\0';
				snprintf(detail, detail_size,
						 "A procedure code has 5 characters; this one has %zu digit%s.", n,
						 n == 1 ? "" : "s");
				snprintf(hint, hint_size,
						 "If the code was read as a number, its leading zeros were lost: "
						 "the five-digit form is \"%s\".", padded);
			}
			break;
		case MEDCODE_ERR_TOO_SHORT:
			snprintf(detail, detail_size,
					 "A procedure code has 5 characters; this one has %zu.", p->trimmed_len);
			break;
		case MEDCODE_ERR_TOO_LONG:
			snprintf(detail, detail_size,
					 "A procedure code has 5 characters; this one has %zu.", p->trimmed_len);
			break;
		case MEDCODE_ERR_BAD_SUFFIX:
			snprintf(detail, detail_size,
					 "A CPT code of four digits and a letter ends in A (vaccine), F (Category II), "
					 "M (MAAA), T (Category III) or U (PLA).");
			break;
		case MEDCODE_ERR_LEVEL2_SHAPE:
			snprintf(detail, detail_size,
					 "A HCPCS Level II code is a letter and four digits, as in \"J1100\".");
			break;
		case MEDCODE_ERR_LEVEL2_LETTER:
			snprintf(detail, detail_size,
					 "A HCPCS Level II code begins with a letter from A to V other than I and O.");
			break;
		case MEDCODE_ERR_SHAPE:
			snprintf(detail, detail_size,
					 "A code is five digits, four digits and a letter (as in \"0042T\"), "
					 "or a letter and four digits (as in \"J1100\").");
			break;
	}
}
