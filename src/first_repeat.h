/*
 * first_repeat.h: the first line of a file that repeats a key an earlier
 * line holds (a code listed twice), in n log n.
 *
 * A release file names each code once; the loaders refuse one that does
 * not, naming the line of the second mention.  Any check over a file must
 * stay n log n in its size: a claims extract given to a loader by mistake
 * has millions of lines.
 *
 * Pure C, no server headers: the unit test links it alone.
 */
#ifndef CODESET_FIRST_REPEAT_H
#define CODESET_FIRST_REPEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct KeyedLine
{
	uint64_t	key;
	long		line;
} KeyedLine;

/*
 * Sorts the items (by key, then line) and finds, of all the lines whose key
 * an earlier line holds, the first one: *repeat gets it, *first_line the
 * line that held its key first.  False when every key is unique.
 */
extern bool first_repeat(KeyedLine *items, size_t n, KeyedLine *repeat, long *first_line);

#endif
