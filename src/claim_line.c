/*
 * claim_line.c: split a claim line into its code and modifiers, and read a
 * modifier.  Pure C.
 */
#include "claim_line.h"

#include <string.h>

#include "ascii.h"
#include "medcode.h"

ClaimLineError
claim_line_parse(const char *s, size_t len, ClaimLine *out)
{
	const unsigned char *t = (const unsigned char *) s;
	size_t		i = 0;
	size_t		end = len;

	memset(out, 0, sizeof(*out));
	out->code = -1;

	while (i < end && ascii_is_space(t[i]))
		i++;
	while (end > i && ascii_is_space(t[end - 1]))
		end--;
	if (i == end)
		return CLAIM_EMPTY;

	if (end - i < MEDCODE_LEN)
		return CLAIM_BAD_CODE;
	for (int k = 0; k < MEDCODE_LEN; k++)
		if (!ascii_is_alnum(t[i + k]))
			return CLAIM_BAD_CODE;
	out->code = medcode_from_chars(s + i);
	if (out->code < 0)
		return CLAIM_BAD_CODE;
	i += MEDCODE_LEN;

	/*
	 * Modifiers, each after separators or glued to what comes before
	 * ("J1100JW", "9921325", "J1100JW59"): a code is always five
	 * characters and a modifier two, so a run of letters and digits after
	 * the code splits one way only, into pairs.
	 */
	while (i < end)
	{
		size_t		start;
		size_t		run;
		bool		glued = ascii_is_alnum(t[i]);

		if (!glued)
		{
			if (!claim_line_separator(t[i]))
				return out->nmodifiers == 0 ? CLAIM_BAD_SEPARATOR : CLAIM_BAD_MODIFIER;
			while (i < end && claim_line_separator(t[i]))
				i++;
			if (i == end)
				return CLAIM_BAD_MODIFIER;	/* a separator with nothing after it */
		}
		start = i;
		while (i < end && ascii_is_alnum(t[i]))
			i++;
		run = i - start;
		if (run % 2 != 0 || (i < end && !claim_line_separator(t[i])))
			return glued ? CLAIM_BAD_SEPARATOR : CLAIM_BAD_MODIFIER;
		for (size_t k = start; k < i; k += 2)
		{
			if (out->nmodifiers == CLAIM_MAX_MODIFIERS)
				return CLAIM_TOO_MANY_MODIFIERS;
			out->modifiers[out->nmodifiers][0] = (char) ascii_to_upper(t[k]);
			out->modifiers[out->nmodifiers][1] = (char) ascii_to_upper(t[k + 1]);
			out->modifiers[out->nmodifiers][2] = '\0';
			out->nmodifiers++;
		}
	}
	return CLAIM_OK;
}

int
modifier_slot(const char *s, size_t len)
{
	int			slot = 0;

	if (len != 2)
		return -1;
	for (int i = 0; i < 2; i++)
	{
		unsigned char c = ascii_to_upper((unsigned char) s[i]);

		if (ascii_is_digit(c))
			slot = slot * 36 + (c - '0');
		else if (ascii_is_upper(c))
			slot = slot * 36 + 10 + (c - 'A');
		else
			return -1;
	}
	return slot;
}

int
modifier_parse(const char *s, size_t len, bool *cpt)
{
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*cpt = len > 0 && ascii_is_digit((unsigned char) s[0]);
	return modifier_slot(s, len);
}
