/*
 * medcode_io.c: text and binary input/output of medcode, the text casts,
 * and the never-raising is_medcode() / to_medcode().
 */
#include "postgres.h"

#include "medcode_io.h"
#include "pg_compat.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(medcode_in);
PG_FUNCTION_INFO_V1(medcode_out);
PG_FUNCTION_INFO_V1(medcode_recv);
PG_FUNCTION_INFO_V1(medcode_send);
PG_FUNCTION_INFO_V1(medcode_from_text);
PG_FUNCTION_INFO_V1(medcode_to_text);
PG_FUNCTION_INFO_V1(is_medcode);
PG_FUNCTION_INFO_V1(to_medcode);
PG_FUNCTION_INFO_V1(medcode_malformed_detail);

bool
medcode_parse_or_report(const char *str, size_t len, int32 *out, bool raise_error)
{
	MedcodeParse p;

	if (medcode_parse(str, len, &p))
	{
		*out = p.value;
		return true;
	}
	if (!raise_error)
		return false;
	return medcode_parse_or_save(str, len, out, NULL);
}

bool
medcode_parse_or_save(const char *str, size_t len, int32 *out, Node *escontext)
{
	MedcodeParse p;
	char		detail[256];
	char		hint[256];
	int			char_pos;

	if (medcode_parse(str, len, &p))
	{
		*out = p.value;
		return true;
	}
	char_pos = pg_mbstrlen_with_len(str, (int) p.offset) + 1;
	medcode_explain(&p, str, len, char_pos, detail, sizeof(detail), hint, sizeof(hint));
	ereturn(escontext, false,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.*s\"", "medcode", (int) len, str),
			 errdetail("%s", detail),
			 hint[0] ? errhint("%s", hint) : 0));
}

/*
 * Why text is not a code, in the words of the input function's detail
 * (code_status() shows it); NULL for a well-formed code.
 */
Datum
medcode_malformed_detail(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *str = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	MedcodeParse p;
	char		detail[256];
	char		hint[256];

	if (medcode_parse(str, len, &p))
		PG_RETURN_NULL();
	medcode_explain(&p, str, len, pg_mbstrlen_with_len(str, (int) p.offset) + 1,
					detail, sizeof(detail), hint, sizeof(hint));
	PG_RETURN_TEXT_P(cstring_to_text(detail));
}

void
medcode_report_corrupt(int32 v)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("medcode value %d is out of range", v)));
	pg_unreachable();
}

char *
medcode_to_cstring(int32 v)
{
	char	   *result = palloc(MEDCODE_LEN + 1);

	medcode_format(medcode_checked(v), result);
	return result;
}

Datum
medcode_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int32		v;

	/* reports softly when the caller asked (pg_input_is_valid, COPY ON_ERROR) */
	if (!medcode_parse_or_save(str, strlen(str), &v, fcinfo->context))
		PG_RETURN_NULL();
	PG_RETURN_MEDCODE(v);
}

Datum
medcode_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(medcode_to_cstring(PG_GETARG_MEDCODE(0)));
}

/* Binary form: a version byte, then the canonical text (5 bytes). */
Datum
medcode_send(PG_FUNCTION_ARGS)
{
	char	   *code = medcode_to_cstring(PG_GETARG_MEDCODE(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, MEDCODE_BINARY_VERSION);
	pq_sendbytes(&buf, code, MEDCODE_LEN);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
medcode_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	const char *code;
	char		canonical[MEDCODE_LEN + 1];
	int32		v;

	if (buf->len - buf->cursor < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcode: the value is empty")));
	version = pq_getmsgint(buf, 1);
	if (version != MEDCODE_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type medcode", version),
				 errdetail("This version of codeset reads version %d.", MEDCODE_BINARY_VERSION)));
	if (buf->len - buf->cursor != MEDCODE_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcode: %d bytes after the version byte, expected %d",
						buf->len - buf->cursor, MEDCODE_LEN)));
	code = pq_getmsgbytes(buf, MEDCODE_LEN);
	v = medcode_from_chars(code);
	/* Only the canonical (upper-case) spelling is a valid binary value. */
	if (!medcode_format(v, canonical) || memcmp(canonical, code, MEDCODE_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary medcode: bytes %02x %02x %02x %02x %02x are not a canonical code",
						(unsigned char) code[0], (unsigned char) code[1], (unsigned char) code[2],
						(unsigned char) code[3], (unsigned char) code[4]),
				 errhint("A binary medcode is the version byte 1 and five upper-case ASCII characters.")));
	PG_RETURN_MEDCODE(v);
}

Datum
medcode_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		v;

	medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v, true);
	PG_RETURN_MEDCODE(v);
}

Datum
medcode_to_text(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text_with_len(medcode_to_cstring(PG_GETARG_MEDCODE(0)),
											  MEDCODE_LEN));
}

Datum
is_medcode(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		v;

	PG_RETURN_BOOL(medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v, false));
}

Datum
to_medcode(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		v;

	if (!medcode_parse_or_report(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v, false))
		PG_RETURN_NULL();
	PG_RETURN_MEDCODE(v);
}
