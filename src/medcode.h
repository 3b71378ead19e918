/*
 * medcode.h: the medcode encoding, its parser and its classification.
 *
 * Pure C, no server headers: the unit test and the fuzz targets link these
 * files alone.  The server-side wrappers include medcode_io.h.
 *
 * Encoding.  A medcode is an int32 in [0, MEDCODE_COUNT), dense and
 * family-major, so that integer order is the documented sort order and a
 * range whose ends lie in one family holds only that family's codes:
 *
 *   0      .. 99999    all-digit CPT codes 00000..99999
 *   100000 .. 149999   4 digits + suffix, one block of 10000 per suffix in
 *                      the order A (vaccine), F (Cat II), M (MAAA),
 *                      T (Cat III), U (PLA)
 *   150000 .. 349999   Level II: letter + 4 digits, one block of 10000 per
 *                      letter A..V without I and O (20 letters)
 *
 * Every value in the interval is a well-formed code, so v + 1 is always the
 * next code and hi - lo + 1 counts the codes of a range.
 */
#ifndef CODESET_MEDCODE_H
#define CODESET_MEDCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDCODE_LEN 5

#define MEDCODE_NUMERIC_FIRST 0
#define MEDCODE_SUFFIX_FIRST 100000
#define MEDCODE_LEVEL2_FIRST 150000
#define MEDCODE_COUNT 350000
#define MEDCODE_BLOCK 10000

/* Suffix letters of the lettered CPT families, in sort order. */
#define MEDCODE_CPT_SUFFIXES "AFMTU"
/* First letters of Level II codes, in sort order (no I, no O). */
#define MEDCODE_LEVEL2_LETTERS "ABCDEFGHJKLMNPQRSTUV"

static inline bool
medcode_value_ok(int64_t v)
{
	return v >= 0 && v < MEDCODE_COUNT;
}

/* Why a text is not a code; the SQL layer turns these into errdetail/hint. */
typedef enum MedcodeError
{
	MEDCODE_OK = 0,
	MEDCODE_ERR_EMPTY,			/* nothing but white space */
	MEDCODE_ERR_BAD_CHAR,		/* a byte that is no ASCII letter or digit */
	MEDCODE_ERR_MODIFIER,		/* a valid code with a modifier attached */
	MEDCODE_ERR_LOST_ZEROS,		/* 1-4 digits: read as a number somewhere */
	MEDCODE_ERR_TOO_SHORT,
	MEDCODE_ERR_TOO_LONG,
	MEDCODE_ERR_BAD_SUFFIX,		/* 4 digits + a letter that is no family */
	MEDCODE_ERR_LEVEL2_SHAPE,	/* a letter not followed by four digits */
	MEDCODE_ERR_LEVEL2_LETTER,	/* I, O or W-Z + 4 digits */
	MEDCODE_ERR_SHAPE			/* a letter in the middle, and the like */
} MedcodeError;

typedef struct MedcodeParse
{
	MedcodeError error;
	int32_t		value;			/* the code, when error == MEDCODE_OK */
	size_t		offset;			/* byte offset of the offending byte (BAD_CHAR) */
	size_t		trimmed_len;	/* length in bytes after trimming white space */
	char		code[MEDCODE_LEN + 1];	/* MODIFIER: the code part, upper case */
	size_t		modifier_offset;	/* MODIFIER: where the modifier text starts */
	size_t		modifier_len;
} MedcodeParse;

/*
 * Parse len bytes (no NUL needed).  Surrounding ASCII white space is ignored
 * and letters are upper-cased.  Never fails hard: the outcome is in *p.
 */
extern bool medcode_parse(const char *s, size_t len, MedcodeParse *p);

/*
 * Strict 5-byte form: exactly MEDCODE_LEN bytes, no white space, any case.
 * Returns -1 when they are not a code.
 */
extern int32_t medcode_from_chars(const char *s);

/* Write the canonical 5 characters and a NUL; false if v is out of range. */
extern bool medcode_format(int32_t v, char out[MEDCODE_LEN + 1]);

/*
 * Explain a failed parse in full sentences for errdetail and errhint.
 * input/len are the original bytes; char_pos is the 1-based character
 * position of p->offset (the caller knows the encoding).  hint[0] is NUL
 * when there is no hint.
 */
extern void medcode_explain(const MedcodeParse *p, const char *input, size_t len,
							int char_pos, char *detail, size_t detail_size,
							char *hint, size_t hint_size);

/*
 * Families: 0 the five-digit codes, 1-5 the suffixes A F M T U, 6-25 the
 * Level II letters.  A range of codes never crosses a family; a release
 * covers whole families.
 */
#define MEDCODE_FAMILIES 26
extern int	medcode_family_of(int32_t v);
extern int32_t medcode_family_first(int family);
extern int32_t medcode_family_last(int family);
/* "NNNNN", "NNNNA" .. "NNNNU", then the Level II letter: as release.covers names them */
extern const char *medcode_family_name(int family);
/* The family of that name, or -1 */
extern int	medcode_family_by_name(const char *name);
/*
 * The families a code system ("CPT", "HCPCS", "CDT") covers, in family
 * order, NULL-terminated; NULL for any other system.
 */
extern const char *const *medcode_system_families(const char *system);

/* Classification, from the code's shape and the section ranges. */
typedef enum MedcodeKind
{
	MEDCODE_KIND_CATEGORY_I,
	MEDCODE_KIND_VACCINE,
	MEDCODE_KIND_CATEGORY_II,
	MEDCODE_KIND_MAAA,
	MEDCODE_KIND_CATEGORY_III,
	MEDCODE_KIND_PLA,
	MEDCODE_KIND_LEVEL_II,
	MEDCODE_KIND_DENTAL
} MedcodeKind;

extern MedcodeKind medcode_kind(int32_t v);
extern const char *medcode_kind_name(MedcodeKind kind);
extern int	medcode_hcpcs_level(int32_t v);
extern const char *medcode_system_name(int32_t v);
/* "I", "II", "III", or NULL for Level II */
extern const char *medcode_cpt_category(int32_t v);
/* CPT Category I section by range, Level II section by letter, or NULL */
extern const char *medcode_section(int32_t v);

#endif
