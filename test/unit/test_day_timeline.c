/*
 * test_day_timeline: the 64-bit day timeline behind valid(code, day),
 * against a brute-force reading of the same segments, for hand-picked
 * shapes and 200,000 random ones, on extreme days and on every edge.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "day_timeline.h"
#include "tap.h"

#define MAX_N 7

/* The answer the segments give on a day, read directly. */
static int
model_answer(const int32_t *starts, const int *answers, int n, int32_t day)
{
	int			answer = answers[0];

	for (int i = 1; i < n; i++)
		if (day >= starts[i])
			answer = answers[i];
	return answer;
}

/* Whether the segments fit: at most four once equal neighbours merge, each kept start in range. */
static bool
model_fits(const int32_t *starts, const int *answers, int n)
{
	int			kept = 1;

	for (int i = 1; i < n; i++)
	{
		if (answers[i] == answers[i - 1])
			continue;
		if (starts[i] < TIMELINE_DAY_MIN || starts[i] > TIMELINE_DAY_MAX)
			return false;
		kept++;
	}
	return kept <= TIMELINE_MAX_SEGMENTS;
}

/* Days worth asking about: the extremes, the int16 edges, each start and its neighbours. */
static int
probe_days(const int32_t *starts, int n, int32_t *days)
{
	static const int32_t fixed[] = {INT32_MIN, INT32_MIN + 1, -40000, -32769, -32768, -32767, -32766,
		-1, 0, 1, 32765, 32766, 32767, 32768, 40000, INT32_MAX - 1, INT32_MAX};
	int			k = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		days[k++] = fixed[i];
	for (int i = 1; i < n; i++)
	{
		days[k++] = starts[i] - 1;
		days[k++] = starts[i];
		days[k++] = starts[i] + 1;
	}
	return k;
}

/* Encode, then compare every probe day with the model; one TAP line. */
static bool
check_shape(const int32_t *starts, const int *answers, int n, bool report, const char *name)
{
	uint64_t	t = 0x1234;
	bool		fits = model_fits(starts, answers, n);
	bool		encoded = timeline_encode(starts, answers, n, &t);
	int32_t		days[17 + 3 * MAX_N];
	int			ndays = probe_days(starts, n, days);

	if (encoded != fits)
	{
		ok(false, "%s: encode says %s, model says %s", name, encoded ? "fits" : "no fit", fits ? "fits" : "no fit");
		return false;
	}
	if (!encoded && t != 0x1234)
	{
		ok(false, "%s: a refused encoding wrote its output", name);
		return false;
	}
	for (int i = 0; encoded && i < ndays; i++)
	{
		int			got = timeline_answer(t, days[i]);
		int			expected = model_answer(starts, answers, n, days[i]);

		if (got != expected)
		{
			ok(false, "%s: day %d", name, days[i]);
			diag("got %d expected %d", got, expected);
			return false;
		}
	}
	if (report)
		ok(true, "%s", name);
	return true;
}

int
main(void)
{
	/* Hand-picked shapes: the ones the shipped codes have, and the edges */
	{
		int32_t		s[] = {0, 365};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE};

		check_shape(s, a, 2, true, "false, then true from 2001 (open end)");
	}
	{
		int32_t		s[] = {0, -5000, 7670};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_FALSE};

		check_shape(s, a, 3, true, "one period with both ends");
	}
	{
		int32_t		s[] = {0, 7671, 8401, 8766};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_NULL, TIMELINE_FALSE};

		check_shape(s, a, 4, true, "ended somewhere in a gap");
	}
	{
		int32_t		s[] = {0, 100, 200, 300};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_FALSE, TIMELINE_TRUE};

		check_shape(s, a, 4, true, "two periods, the second open");
	}
	{
		int32_t		s[] = {0, 100, 200, 300, 400};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_FALSE};
		uint64_t	t = 99;

		ok(!timeline_encode(s, a, 5, &t) && t == 99, "five segments do not fit and leave the output alone");
	}
	{
		int32_t		s[] = {0, 100, 200, 300, 400};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_TRUE, TIMELINE_TRUE, TIMELINE_FALSE};

		check_shape(s, a, 5, true, "five segments that merge to three fit");
	}
	{
		int32_t		s[] = {0, TIMELINE_DAY_MIN, TIMELINE_DAY_MAX};
		int			a[] = {TIMELINE_NULL, TIMELINE_TRUE, TIMELINE_FALSE};

		check_shape(s, a, 3, true, "starts on the first and last day that fit");
	}
	{
		int32_t		s1[] = {0, TIMELINE_DAY_MAX + 1};
		int32_t		s2[] = {0, TIMELINE_DAY_MIN - 1};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE};
		uint64_t	t;

		ok(!timeline_encode(s1, a, 2, &t), "a start after 2089 does not fit");
		ok(!timeline_encode(s2, a, 2, &t), "a start before 1910 does not fit");
	}
	{
		int32_t		s[] = {0, 300, 200};
		int			a[] = {TIMELINE_FALSE, TIMELINE_TRUE, TIMELINE_FALSE};
		int			bad[] = {TIMELINE_FALSE, TIMELINE_ELSEWHERE};
		uint64_t	t;

		ok(!timeline_encode(s, a, 3, &t), "starts out of order are refused");
		ok(!timeline_encode(s, bad, 2, &t), "an answer that is no answer is refused");
		ok(!timeline_encode(s, a, 0, &t), "no segment is refused");
	}
	for (int answer = TIMELINE_FALSE; answer <= TIMELINE_ELSEWHERE; answer++)
	{
		uint64_t	t = timeline_constant(answer);
		bool		same = true;

		for (int32_t d = -40000; d <= 40000; d++)
			same = same && timeline_answer(t, d) == answer;
		same = same && timeline_answer(t, INT32_MIN) == answer && timeline_answer(t, INT32_MAX) == answer;
		ok(same, "timeline_constant(%d) answers %d on every day", answer, answer);
	}

	/* Random shapes: 1-7 segments, starts clustered near the int16 edges and 2000-2030 */
	{
		int			failures = 0;
		int			fitted = 0;

		srand(20261127);
		for (int round = 0; round < 200000 && failures < 5; round++)
		{
			int			n = 1 + rand() % MAX_N;
			int32_t		starts[MAX_N];
			int			answers[MAX_N];
			int32_t		day;
			char		name[64];

			day = (rand() % 4 == 0) ? -32770 + rand() % 8 : -2000 + rand() % 600;
			starts[0] = 0;
			for (int i = 0; i < n; i++)
			{
				answers[i] = rand() % 3;
				if (i > 0)
				{
					day += 1 + (rand() % 3 == 0 ? rand() % 4 : rand() % 20000);
					starts[i] = day;
				}
			}
			snprintf(name, sizeof(name), "random shape %d", round);
			if (!check_shape(starts, answers, n, false, name))
				failures++;
			fitted += model_fits(starts, answers, n);
		}
		ok(failures == 0, "200,000 random shapes answer as the model on every probe day");
		ok(fitted > 50000 && fitted < 190000, "random shapes both fit and do not (%d fit)", fitted);
	}

	printf("1..%d\n", n_tests);
	return n_failed != 0;
}
