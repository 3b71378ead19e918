/*
 * day_timeline.c: encoding a code's answers over all days (see
 * day_timeline.h).  Pure C.
 */
#include "day_timeline.h"

bool
timeline_encode(const int32_t *starts, const int *answers, int n, uint64_t *out)
{
	uint64_t	t = timeline_constant(TIMELINE_FALSE);
	int			kept = 0;		/* segments written so far */

	if (n < 1)
		return false;
	for (int i = 0; i < n; i++)
	{
		if (answers[i] < TIMELINE_FALSE || answers[i] > TIMELINE_NULL)
			return false;
		if (i > 1 && starts[i] <= starts[i - 1])
			return false;	/* starts[0] is -infinity, the rest ascend */
		if (kept > 0 && answers[i] == (int) ((t >> (2 * (kept - 1))) & 3))
			continue;			/* same answer as the segment before: merge */
		if (kept == TIMELINE_MAX_SEGMENTS)
			return false;
		if (kept > 0)
		{
			if (starts[i] < TIMELINE_DAY_MIN || starts[i] > TIMELINE_DAY_MAX)
				return false;
			t &= ~((uint64_t) 0xFFFF << (16 * kept));
			t |= (uint64_t) (uint16_t) (int16_t) starts[i] << (16 * kept);
		}
		t &= ~((uint64_t) 3 << (2 * kept));
		t |= (uint64_t) answers[i] << (2 * kept);
		kept++;
	}
	/* Unreachable segments repeat the last answer */
	for (int k = kept; k < TIMELINE_MAX_SEGMENTS; k++)
	{
		t &= ~((uint64_t) 3 << (2 * k));
		t |= ((t >> (2 * (kept - 1))) & 3) << (2 * k);
	}
	*out = t;
	return true;
}
