/*
 * fuzz_claim_line.c: libFuzzer target for the claim-line parser
 * (src/claim_line.c).  Invariants, abort() on violation:
 *  - OK: the code is a medcode whose canonical text re-parses to itself,
 *    0..4 modifiers, each two upper-case letters or digits;
 *  - OK iff the input, re-assembled from the result as "CODE-M1-M2...",
 *    parses to the same result (the parser is a function of the tokens).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claim_line.h"
#include "medcode.h"

static int
upper_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size ? size : 1);
	ClaimLine	line;
	ClaimLineError err;

	if (size)
		memcpy(copy, data, size);
	err = claim_line_parse(copy, size, &line);
	if (err == CLAIM_OK)
	{
		char		text[MEDCODE_LEN + 1];
		char		again[64];
		size_t		n = MEDCODE_LEN;
		ClaimLine	reparsed;

		if (!medcode_format(line.code, text))
			abort();
		if (line.nmodifiers < 0 || line.nmodifiers > CLAIM_MAX_MODIFIERS)
			abort();
		memcpy(again, text, MEDCODE_LEN);
		for (int i = 0; i < line.nmodifiers; i++)
		{
			if (!upper_alnum(line.modifiers[i][0]) || !upper_alnum(line.modifiers[i][1]) ||
				line.modifiers[i][2] != '\0')
				abort();
			again[n++] = '-';
			again[n++] = line.modifiers[i][0];
			again[n++] = line.modifiers[i][1];
		}
		if (claim_line_parse(again, n, &reparsed) != CLAIM_OK ||
			reparsed.code != line.code || reparsed.nmodifiers != line.nmodifiers ||
			memcmp(reparsed.modifiers, line.modifiers, sizeof(line.modifiers)) != 0)
			abort();
	}
	else if (err < CLAIM_EMPTY || err > CLAIM_TOO_MANY_MODIFIERS)
		abort();
	free(copy);
	return 0;
}
