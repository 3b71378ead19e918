/*
 * medcodeset_parse.h: sets of procedure codes as sorted lists of inclusive
 * ranges of medcode values, and their literal syntax.
 *
 * Pure C, no server headers (fuzzed in test/fuzz/fuzz_medcodeset.c).
 *
 * Normal form: ranges sorted, each within one code family (medcode.h), no
 * two overlapping, and two ranges that touch are merged unless a family
 * boundary lies between them.  So a set has exactly one normal form, equal
 * sets are equal bytes, and the text output reads back to the same set.
 *
 * Literal: '{99202-99215, G0438, G0439, J0100-J9999}', '{}'.  White space is
 * free around elements and around the dash.
 */
#ifndef CODESET_MEDCODESET_PARSE_H
#define CODESET_MEDCODESET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct MedcodeRange
{
	int32_t		lo;
	int32_t		hi;				/* inclusive */
} MedcodeRange;

typedef enum MedcodeSetError
{
	MCS_OK = 0,
	MCS_NO_OPEN_BRACE,			/* does not start with '{' */
	MCS_NO_CLOSE_BRACE,			/* does not end with '}' */
	MCS_EMPTY_ELEMENT,			/* ",," or a trailing or leading comma */
	MCS_BAD_CODE,				/* an end is not a code */
	MCS_REVERSED,				/* lo > hi */
	MCS_CROSSES_FAMILIES,		/* ends in different families */
	MCS_TRAILING_TEXT			/* text after the closing brace */
} MedcodeSetError;

typedef struct MedcodeSetParseError
{
	MedcodeSetError error;
	int			element;		/* 1-based element number, 0 if none */
	size_t		offset;			/* byte offset where the element starts */
	size_t		element_len;	/* its length in bytes (trimmed) */
	char		detail[200];	/* a sentence for errdetail */
} MedcodeSetParseError;

/* The most ranges the literal can hold: its commas plus one. */
extern size_t medcodeset_max_ranges(const char *s, size_t len);

/*
 * Parse the literal into out[0..cap) (cap from medcodeset_max_ranges), not
 * yet normalized.  Returns false and fills *err on bad input.
 */
extern bool medcodeset_parse(const char *s, size_t len, MedcodeRange *out, size_t cap,
							 size_t *n, MedcodeSetParseError *err);


/*
 * Sort and merge in place into the normal form; returns the new count.
 * Allocates nothing, so an interrupt poll may jump out of it.
 */
extern size_t medcodeset_normalize(MedcodeRange *r, size_t n);

/* true when the ranges are in normal form and every value is a medcode */
extern bool medcodeset_is_normal(const MedcodeRange *r, size_t n);

/* Binary search: is v in the normalized set? */
extern bool medcodeset_contains(const MedcodeRange *r, size_t n, int32_t v);

/*
 * Set algebra on normalized inputs into out (room for na + nb ranges);
 * results are normalized.  Return the count.
 */
extern size_t medcodeset_union(const MedcodeRange *a, size_t na, const MedcodeRange *b,
							   size_t nb, MedcodeRange *out);
extern size_t medcodeset_intersect(const MedcodeRange *a, size_t na, const MedcodeRange *b,
								   size_t nb, MedcodeRange *out);
extern size_t medcodeset_difference(const MedcodeRange *a, size_t na, const MedcodeRange *b,
									size_t nb, MedcodeRange *out);

/* Every code of b is in a */
extern bool medcodeset_contains_set(const MedcodeRange *a, size_t na, const MedcodeRange *b,
									size_t nb);
/* Some code is in both */
extern bool medcodeset_overlaps(const MedcodeRange *a, size_t na, const MedcodeRange *b,
								size_t nb);

/* Number of codes */
extern int64_t medcodeset_count(const MedcodeRange *r, size_t n);

/* Canonical text; out needs medcodeset_text_size(n) bytes. */
extern size_t medcodeset_text_size(size_t n);
extern size_t medcodeset_format(const MedcodeRange *r, size_t n, char *out);

#endif
