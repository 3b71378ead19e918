/*
 * test_first_repeat: the first line that repeats a key, against a
 * quadratic reading of the same lines, for hand-picked files and 20,000
 * random ones (few keys and many, lines in any order).
 */
#include <stdlib.h>

#include "first_repeat.h"
#include "tap.h"

#define MAX_N 64

/* The answer read line by line: the first line whose key an earlier line has. */
static bool
model(const KeyedLine *items, size_t n, long *line, long *first_line)
{
	bool		found = false;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (items[j].key == items[i].key && items[j].line < items[i].line &&
				(!found || items[i].line < *line || (items[i].line == *line && items[j].line < *first_line)))
			{
				*line = items[i].line;
				*first_line = items[j].line;
				found = true;
			}
	return found;
}

static bool
agrees(KeyedLine *items, size_t n)
{
	long		model_line = 0,
				model_first = 0,
				first = 0;
	KeyedLine	repeat = {0, 0};
	bool		expected = model(items, n, &model_line, &model_first);
	bool		got = first_repeat(items, n, &repeat, &first);

	if (expected != got)
		return false;
	return !got || (repeat.line == model_line && first == model_first);
}

int
main(void)
{
	KeyedLine	none[1] = {{7, 1}};
	KeyedLine	unique[3] = {{3, 1}, {1, 2}, {2, 3}};
	KeyedLine	twice[4] = {{5, 1}, {9, 2}, {5, 3}, {9, 4}};
	KeyedLine	later_key_first[5] = {{8, 1}, {4, 2}, {4, 3}, {8, 4}, {4, 5}};
	KeyedLine	repeat;
	long		first;
	int			failures = 0;

	ok(!first_repeat(none, 0, &repeat, &first), "no lines: no repeat");
	ok(!first_repeat(none, 1, &repeat, &first), "one line: no repeat");
	ok(!first_repeat(unique, 3, &repeat, &first), "unique keys: no repeat");
	ok(first_repeat(twice, 4, &repeat, &first) && repeat.line == 3 && repeat.key == 5 && first == 1,
	   "two keys twice: line 3 repeats line 1");
	ok(first_repeat(later_key_first, 5, &repeat, &first) && repeat.line == 3 && repeat.key == 4 && first == 2,
	   "the first repeat, not the repeat of the first key: line 3 repeats line 2");

	srand(20261202);
	for (int round = 0; round < 20000; round++)
	{
		KeyedLine	items[MAX_N];
		size_t		n = (size_t) (rand() % MAX_N);
		int			keys = 1 + rand() % (round % 2 ? 4 : 200);

		for (size_t i = 0; i < n; i++)
		{
			items[i].key = (uint64_t) (rand() % keys) << (round % 3 ? 0 : 40);
			items[i].line = (long) i + 1;
		}
		/* lines in any order, as a caller may collect them */
		for (size_t i = n; i > 1; i--)
		{
			size_t		j = (size_t) rand() % i;
			KeyedLine	t = items[i - 1];

			items[i - 1] = items[j];
			items[j] = t;
		}
		if (!agrees(items, n))
			failures++;
	}
	ok(failures == 0, "20,000 random files: the same first repeat as the line-by-line reading (%d differ)", failures);

	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
