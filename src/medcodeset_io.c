/*
 * medcodeset_io.c: text and binary input/output of medcodeset, and the
 * checks of a stored value before it is read.
 */
#include "postgres.h"

#include "medcode.h"
#include "medcodeset_io.h"
#include "pg_compat.h"

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(medcodeset_in);
PG_FUNCTION_INFO_V1(medcodeset_out);
PG_FUNCTION_INFO_V1(medcodeset_recv);
PG_FUNCTION_INFO_V1(medcodeset_send);

MedcodeSet *
medcodeset_from_ranges(const MedcodeRange *r, size_t n)
{
	MedcodeSet *set = palloc(MEDCODESET_SIZE(n));

	SET_VARSIZE(set, MEDCODESET_SIZE(n));
	set->nranges = (int32) n;
	if (n > 0)
		memcpy(set->ranges, r, n * sizeof(MedcodeRange));
	return set;
}

MedcodeSet *
medcodeset_detoast(Datum d)
{
	MedcodeSet *set = (MedcodeSet *) PG_DETOAST_DATUM(d);
	size_t		size = VARSIZE(set);

	if (size < offsetof(MedcodeSet, ranges))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt medcodeset value: %zu bytes, too few for its header", size),
				 errdetail("A set takes %zu bytes, and 8 more for each range.",
						   offsetof(MedcodeSet, ranges))));
	/* a set in normal form has fewer ranges than there are codes */
	if (set->nranges < 0 || set->nranges > MEDCODE_COUNT)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt medcodeset value: its header counts %d ranges", set->nranges),
				 errdetail("A set holds 0 to %d ranges.", MEDCODE_COUNT)));
	if (size != MEDCODESET_SIZE(set->nranges))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt medcodeset value: its header counts %d range%s, but it has %zu bytes",
						set->nranges, set->nranges == 1 ? "" : "s", size),
				 errdetail("A set of %d range%s takes %zu bytes.", set->nranges,
						   set->nranges == 1 ? "" : "s", MEDCODESET_SIZE(set->nranges))));
	return set;
}

void
medcodeset_check_normal(const MedcodeSet *set)
{
	if (!medcodeset_is_normal(set->ranges, set->nranges))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt medcodeset value: its ranges are not sorted, merged and within one family each")));
}

Datum
medcodeset_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	size_t		len = strlen(str);
	size_t		cap = medcodeset_max_ranges(str, len);
	MedcodeRange *r;
	MedcodeSetParseError err;
	size_t		n;

	/* every error below is the input's, reported softly when asked */
	if (cap > MaxAllocSize / sizeof(MedcodeRange))
		ereturn(fcinfo->context, (Datum) 0,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("code set literal has too many elements: %zu", cap),
				 errdetail("A literal holds at most %zu elements.", MaxAllocSize / sizeof(MedcodeRange))));
	r = palloc(cap * sizeof(MedcodeRange));

	if (!medcodeset_parse(str, len, r, cap, &n, &err))
	{
		if (err.element > 0)
			ereturn(fcinfo->context, (Datum) 0,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", "medcodeset", str),
					 errdetail("Element %d (\"%.*s\", at character %d): %s", err.element,
							   pg_mbcliplen(str + err.offset, (int) err.element_len, 40), str + err.offset,
							   pg_mbstrlen_with_len(str, (int) err.offset) + 1, err.detail)));
		ereturn(fcinfo->context, (Datum) 0,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "medcodeset", str),
				 errdetail("%s", err.detail),
				 errhint("Write a set as '{99202-99215, G0438, J0100-J9999}', or '{}' for the empty set.")));
	}
	n = medcodeset_normalize(r, n);
	PG_RETURN_MEDCODESET_P(medcodeset_from_ranges(r, n));
}

Datum
medcodeset_out(PG_FUNCTION_ARGS)
{
	MedcodeSet *set = PG_GETARG_MEDCODESET_P(0);
	char	   *out;

	medcodeset_check_normal(set);
	out = palloc(medcodeset_text_size(set->nranges));
	medcodeset_format(set->ranges, set->nranges, out);
	PG_RETURN_CSTRING(out);
}

/* Binary form: a version byte, the range count, then lo and hi of each. */
Datum
medcodeset_send(PG_FUNCTION_ARGS)
{
	MedcodeSet *set = PG_GETARG_MEDCODESET_P(0);
	StringInfoData buf;

	medcodeset_check_normal(set);
	pq_begintypsend(&buf);
	pq_sendint8(&buf, MEDCODESET_BINARY_VERSION);
	pq_sendint32(&buf, set->nranges);
	for (int i = 0; i < set->nranges; i++)
	{
		pq_sendint32(&buf, set->ranges[i].lo);
		pq_sendint32(&buf, set->ranges[i].hi);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
medcodeset_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int32		n;
	MedcodeRange *r;

	if (buf->len - buf->cursor == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcodeset: the value is empty")));
	if (buf->len - buf->cursor < 5)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcodeset: %d bytes, at least 5 expected",
						buf->len - buf->cursor)));
	version = pq_getmsgint(buf, 1);
	if (version != MEDCODESET_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type medcodeset", version),
				 errdetail("This version of codeset reads version %d.", MEDCODESET_BINARY_VERSION)));
	n = pq_getmsgint(buf, 4);
	if (n < 0 || (int64) n * 8 != buf->len - buf->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcodeset: %d range%s announced, %d bytes follow",
						n, n == 1 ? "" : "s", buf->len - buf->cursor)));
	r = palloc(Max(n, 1) * sizeof(MedcodeRange));
	for (int i = 0; i < n; i++)
	{
		r[i].lo = pq_getmsgint(buf, 4);
		r[i].hi = pq_getmsgint(buf, 4);
	}
	if (!medcodeset_is_normal(r, n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcodeset: the ranges are not sorted, merged and within one family each")));
	PG_RETURN_MEDCODESET_P(medcodeset_from_ranges(r, n));
}
