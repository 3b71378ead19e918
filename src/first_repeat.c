/*
 * first_repeat.c: the first line that repeats an earlier line's key.
 * See first_repeat.h.
 */
#include "first_repeat.h"

#include <stdlib.h>

static int
compare_keyed_lines(const void *a, const void *b)
{
	const KeyedLine *x = a;
	const KeyedLine *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

bool
first_repeat(KeyedLine *items, size_t n, KeyedLine *repeat, long *first_line)
{
	bool		found = false;

	if (n < 2)
		return false;
	qsort(items, n, sizeof(KeyedLine), compare_keyed_lines);
	/* In each run of one key, its second line is the key's first repeat. */
	for (size_t i = 1; i < n; i++)
	{
		if (items[i].key != items[i - 1].key)
			continue;
		if (!found || items[i].line < repeat->line)
		{
			*repeat = items[i];
			*first_line = items[i - 1].line;
			found = true;
		}
		while (i + 1 < n && items[i + 1].key == items[i].key)
			i++;
	}
	return found;
}
