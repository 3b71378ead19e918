/*
 * claim_line.h: a procedure code with its modifiers, as claim feeds write
 * them: "99213-25", "99213:25" (HL7), "J1100 JW", "J1100-JW-59"; and a
 * modifier alone.
 *
 * Pure C, no server headers (fuzzed in test/fuzz/fuzz_claim_line.c).
 */
#ifndef CODESET_CLAIM_LINE_H
#define CODESET_CLAIM_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ascii.h"

#define CLAIM_MAX_MODIFIERS 4	/* a claim line carries up to four */

typedef struct ClaimLine
{
	int32_t		code;			/* the medcode */
	int			nmodifiers;
	char		modifiers[CLAIM_MAX_MODIFIERS][3];	/* upper case, NUL-terminated */
} ClaimLine;

typedef enum ClaimLineError
{
	CLAIM_OK = 0,
	CLAIM_EMPTY,				/* nothing but white space */
	CLAIM_BAD_CODE,				/* the first five characters are no code */
	CLAIM_BAD_SEPARATOR,		/* the code is followed by no separator */
	CLAIM_BAD_MODIFIER,			/* a modifier is not two letters or digits */
	CLAIM_TOO_MANY_MODIFIERS	/* more than four */
} ClaimLineError;

/*
 * What separates a code from its modifier: '-', ':' (HL7) or ASCII white
 * space.  medcode_parse() names a modifier after these in its diagnosis.
 */
static inline bool
modifier_separator(unsigned char c)
{
	return c == '-' || c == ':' || ascii_is_space(c);
}

/*
 * A claim line also lists modifiers with commas ("99213, 25").  The
 * diagnosis does not: there "99213,25" stays a bad character.
 */
static inline bool
claim_line_separator(unsigned char c)
{
	return modifier_separator(c) || c == ',';
}

/*
 * Parse len bytes: the code, then modifiers each preceded by one or more
 * claim_line_separator()s.  Case and surrounding white space are ignored.
 */
extern ClaimLineError claim_line_parse(const char *s, size_t len, ClaimLine *out);

/* A modifier is two letters or digits: base 36, one slot each */
#define MODIFIER_SLOTS (36 * 36)

/* The slot of exactly two letters or digits, either case; else -1. */
extern int	modifier_slot(const char *s, size_t len);

/*
 * valid_modifier()'s reading of its text: modifier_slot() of it without
 * the spaces and tabs around.  *cpt: it starts with a digit (25, 59, 1P),
 * so it is CPT's, not HCPCS's.
 */
extern int	modifier_parse(const char *s, size_t len, bool *cpt);

#endif
