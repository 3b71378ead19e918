/*
 * ascii.h: character classes of plain ASCII.
 *
 * Pure C, no server headers, no locale: codes and the files that carry them
 * are ASCII, and a locale's isalpha() or isspace() would take bytes no code
 * has (é, a Latin-1 no-break space) for letters or white space.
 */
#ifndef CODESET_ASCII_H
#define CODESET_ASCII_H

#include <stdbool.h>

/* The C locale's isspace(): space, \t, \n, \v, \f, \r */
static inline bool
ascii_is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool
ascii_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
ascii_is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool
ascii_is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool
ascii_is_alpha(unsigned char c)
{
	return ascii_is_upper(c) || ascii_is_lower(c);
}

static inline bool
ascii_is_alnum(unsigned char c)
{
	return ascii_is_alpha(c) || ascii_is_digit(c);
}

/* A letter or digit as the CMS files write them: no lower case */
static inline bool
ascii_is_upper_alnum(unsigned char c)
{
	return ascii_is_upper(c) || ascii_is_digit(c);
}

static inline unsigned char
ascii_to_upper(unsigned char c)
{
	return ascii_is_lower(c) ? (unsigned char) (c - 'a' + 'A') : c;
}

#endif
