/*
 * day_timeline.h: one code's valid() answer on every day, in 64 bits.
 *
 * valid(code, day) runs once per row, so its answer must come from one load
 * and a few compares.  Over all days, a code's answer is a run of segments,
 * each with one answer (false, true, or NULL for a family no release covers
 * or a window the sources leave open): a code in force since 2001 is
 * "false, then true from 2001-01-01".  The shipped codes all need at most
 * four segments.  A timeline holds up to four: the first starts at
 * -infinity, the other three at their first day (days since 2000-01-01 as
 * int16, so 1910-2089), and each segment's answer in two bits.
 *
 *   bits  0..7    answer of segments 0..3 (TIMELINE_FALSE, _TRUE, _NULL)
 *   bits 16..63   first day of segments 1..3, ascending; TIMELINE_UNUSED
 *                 (never reached) past the last segment
 *
 * A code whose answers do not fit gets TIMELINE_ELSEWHERE in every segment:
 * the caller asks the full period list instead.
 *
 * Pure C, no server headers: the unit test links it alone.
 */
#ifndef CODESET_DAY_TIMELINE_H
#define CODESET_DAY_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#define TIMELINE_FALSE 0
#define TIMELINE_TRUE 1
#define TIMELINE_NULL 2
#define TIMELINE_ELSEWHERE 3

#define TIMELINE_MAX_SEGMENTS 4
/* Segment starts must lie in [TIMELINE_DAY_MIN, TIMELINE_DAY_MAX] */
#define TIMELINE_DAY_MIN (-32766)
#define TIMELINE_DAY_MAX 32766
#define TIMELINE_UNUSED 32767

/* The same answer on every day */
static inline uint64_t
timeline_constant(int answer)
{
	uint64_t	t = (uint64_t) (answer * 0x55) & 0xFF;

	for (int i = 1; i < TIMELINE_MAX_SEGMENTS; i++)
		t |= (uint64_t) (uint16_t) TIMELINE_UNUSED << (16 * i);
	return t;
}

/*
 * The answer on a day.  Days past TIMELINE_DAY_MAX compare as
 * TIMELINE_DAY_MAX, which is past every start and short of TIMELINE_UNUSED;
 * days before TIMELINE_DAY_MIN are before every start as they are.
 */
static inline int
timeline_answer(uint64_t t, int32_t day)
{
	int32_t		d = day < TIMELINE_DAY_MAX ? day : TIMELINE_DAY_MAX;
	int			segment = (d >= (int16_t) (t >> 16)) + (d >= (int16_t) (t >> 32)) +
		(d >= (int16_t) (t >> 48));

	return (int) (t >> (2 * segment)) & 3;
}

/*
 * Encode n segments: answers[i] holds from starts[i] (starts[0] is ignored:
 * -infinity) to the day before starts[i + 1].  False, leaving *out alone,
 * when they do not fit: more than four segments, or a start out of range.
 * Starts must ascend; equal neighbouring answers are allowed.
 */
bool		timeline_encode(const int32_t *starts, const int *answers, int n, uint64_t *out);

#endif
