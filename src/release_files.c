/*
 * release_files.c: SQL set-returning functions that turn the bytes of a
 * release file into rows, for the loaders in the install script.
 *
 *   codeset.hcpcs_file_entries(bytea, file_name, encoding)  CMS ANWEB file
 *   codeset.code_list_entries(bytea, file_name, ...)        CSV code list
 *
 * Parsing itself is pure C (hcpcs_file.c, csv_reader.c); this file only maps
 * entries to tuples and problems to errors that name the file and line.
 * Both are IMMUTABLE: the same bytes always give the same rows.
 */
#include "postgres.h"

#include "medcode_io.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "csv_reader.h"
#include "first_repeat.h"
#include "hcpcs_file.h"

PG_FUNCTION_INFO_V1(hcpcs_file_entries);
PG_FUNCTION_INFO_V1(code_list_entries);

static int
encoding_arg(text *name)
{
	char	   *s = text_to_cstring(name);
	int			enc = pg_char_to_encoding(s);

	if (enc < 0 || !PG_VALID_ENCODING(enc))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a known encoding name", s),
				 errhint("CMS files are WIN1252 (plain ASCII in their records); CSV lists are usually UTF8.")));
	return enc;
}

/*
 * Where the reading functions are in their file: named in the error for a
 * field that is not valid in the file's encoding, and in the context of any
 * other error raised while converting one (a character the server's
 * encoding lacks).
 */
typedef struct FilePosition
{
	const char *kind;			/* "HCPCS file", "code list" */
	const char *file_name;
	long		line;
} FilePosition;

static FilePosition position;

/* The first ASCII digit of the bytes, or NULL */
static const char *
memchr_digit(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] >= '0' && p[i] <= '9')
			return p + i;
	return NULL;
}

static char *shown_text(const char *s, size_t len, int encoding);

static void
position_context(void *arg)
{
	errcontext("%s \"%s\", line %ld", position.kind, position.file_name, position.line);
}

/* The bytes as a server-encoded text, or NULL for an empty slice. */
static Datum
text_from(const char *p, size_t len, int encoding, bool *isnull)
{
	char	   *buf;
	char	   *conv;
	ErrorContextCallback errcallback;

	if (len == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	buf = palloc(len + 1);
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL || !pg_verify_mbstr(encoding, buf, (int) len, true))
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("invalid %s \"%s\", line %ld: a field is not valid %s: \"%s\"",
						position.kind, position.file_name, position.line,
						pg_encoding_to_char(encoding), shown_text(p, len, encoding)),
				 errhint("Give the file's encoding (the encoding argument). Nothing was loaded.")));
	errcallback.callback = position_context;
	errcallback.arg = NULL;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;
	conv = pg_any_to_server(buf, (int) len, encoding);
	error_context_stack = errcallback.previous;
	*isnull = false;
	return PointerGetDatum(cstring_to_text(conv));
}

static Datum
slice_text(const HcpcsEntry *e, HcpcsSlice s, int encoding, bool *isnull)
{
	return text_from(hcpcs_slice_ptr(e, s), s.len, encoding, isnull);
}

/* A text[] of the non-blank slices, or NULL when all are blank. */
static Datum
slice_array(const HcpcsEntry *e, const HcpcsSlice *s, int n, int encoding, bool *isnull)
{
	Datum		elems[8];
	int			count = 0;

	for (int i = 0; i < n; i++)
	{
		bool		null;
		Datum		d = slice_text(e, s[i], encoding, &null);

		if (!null)
			elems[count++] = d;
	}
	if (count == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	return PointerGetDatum(construct_array(elems, count, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum
date_value(int32 ymd, bool *isnull)
{
	if (ymd == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = false;
	return DateADTGetDatum(date2j(ymd / 10000, (ymd / 100) % 100, ymd % 100) - POSTGRES_EPOCH_JDATE);
}

/* Characters in the first len bytes of s, in the file's encoding. */
static int
chars_before(const char *s, int len, int encoding)
{
	int			n = 0;

	for (int i = 0; i < len; n++)
		i += pg_encoding_mblen(encoding, s + i);
	return n;
}

/*
 * Up to 40 bytes of a field for an error message, in the server encoding;
 * a field that is not valid in the file's encoding is shown with its
 * non-ASCII bytes as '?', so the error keeps its file and line.
 */
static char *
shown_text(const char *s, size_t len, int encoding)
{
	int			n;
	char	   *copy;

	/* A valid field with no NUL: clip at a character boundary, convert */
	if (memchr(s, '\0', len) == NULL && pg_verify_mbstr(encoding, s, (int) len, true))
	{
		n = pg_encoding_mbcliplen(encoding, s, (int) len, 40);
		return pg_any_to_server(pnstrdup(s, n), n, encoding);
	}
	/* Else exactly 40 bytes at most, each non-ASCII or control byte a '?' */
	n = (int) Min(len, 40);
	copy = palloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	for (int i = 0; i < n; i++)
		if ((unsigned char) copy[i] >= 0x80 || (unsigned char) copy[i] < 0x20)
			copy[i] = '?';
	return copy;
}

/* The HCPCS reader's description buffer, in the call's memory context. */
static void *
hcpcs_palloc_realloc(void *ptr, size_t size)
{
	return ptr != NULL ? repalloc(ptr, size) : palloc(size);
}

static void
hcpcs_pfree(void *ptr)
{
	pfree(ptr);
}

/*
 * The lines' keys, collected as rows are made, for the check that no code
 * is listed twice (first_repeat.c: n log n, whatever the file holds).
 */
typedef struct LineKeys
{
	KeyedLine  *items;
	size_t		n;
	size_t		capacity;
} LineKeys;

static void
line_keys_add(LineKeys *keys, uint64 key, long line)
{
	if (keys->n == keys->capacity)
	{
		keys->capacity = keys->capacity ? keys->capacity * 2 : 1024;
		keys->items = keys->items ? repalloc_huge(keys->items, keys->capacity * sizeof(KeyedLine))
			: palloc(keys->capacity * sizeof(KeyedLine));
	}
	keys->items[keys->n].key = key;
	keys->items[keys->n].line = line;
	keys->n++;
}

/* A CMS record's key: a modifier and a code of the same letters differ */
static uint64
hcpcs_key(const HcpcsEntry *e)
{
	uint64		key = e->is_modifier ? 1 : 0;

	for (int i = 0; i < 5 && e->code[i] != '\0'; i++)
		key |= (uint64) (unsigned char) e->code[i] << (8 * (i + 1));
	return key;
}

static void
hcpcs_key_text(uint64 key, char *buf)
{
	int			n = 0;

	for (int i = 0; i < 5; i++)
	{
		char		c = (char) ((key >> (8 * (i + 1))) & 0xFF);

		if (c != '\0')
			buf[n++] = c;
	}
	buf[n] = '\0';
}

enum
{
	HF_LINE_NO, HF_KIND, HF_CODE, HF_LONG_DESC, HF_SHORT_DESC, HF_PRICING, HF_MULTI_PRICING,
	HF_COVERAGE, HF_ASC_GROUP, HF_BETOS, HF_TOS, HF_XREFS, HF_LAB_CERT, HF_PROC_NOTE,
	HF_ANESTHESIA_BU, HF_ADD_DATE, HF_ACTION_EFFECTIVE, HF_TERMINATION, HF_ACTION_CODE,
	HF_NCOLUMNS
};

Datum
hcpcs_file_entries(PG_FUNCTION_ARGS)
{
	bytea	   *content = PG_GETARG_BYTEA_PP(0);
	char	   *file_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int			encoding = encoding_arg(PG_GETARG_TEXT_PP(2));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HcpcsReader reader;
	HcpcsEntry *e = palloc(sizeof(HcpcsEntry));
	HcpcsStatus status;
	LineKeys	keys = {NULL, 0, 0};
	KeyedLine	repeat;
	long		first_line;

	InitMaterializedSRF(fcinfo, 0);
	hcpcs_reader_init(&reader, VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content));
	hcpcs_reader_set_allocator(&reader, hcpcs_palloc_realloc, hcpcs_pfree);
	position.kind = "HCPCS file";
	position.file_name = file_name;
	position.line = 0;

	while ((status = hcpcs_next(&reader, e)) == HCPCS_ENTRY)
	{
		Datum		values[HF_NCOLUMNS];
		bool		nulls[HF_NCOLUMNS];
		char		action[2] = {e->action_code, '\0'};

		CHECK_FOR_INTERRUPTS();
		position.line = (long) e->line_no;
		memset(nulls, 0, sizeof(nulls));
		values[HF_LINE_NO] = Int32GetDatum((int32) e->line_no);
		values[HF_KIND] = CStringGetTextDatum(e->is_modifier ? "modifier" : "code");
		values[HF_CODE] = CStringGetTextDatum(e->code);
		values[HF_LONG_DESC] = text_from(e->long_desc, e->long_desc_len, encoding, &nulls[HF_LONG_DESC]);
		values[HF_SHORT_DESC] = slice_text(e, e->short_desc, encoding, &nulls[HF_SHORT_DESC]);
		values[HF_PRICING] = slice_array(e, e->pricing, 4, encoding, &nulls[HF_PRICING]);
		values[HF_MULTI_PRICING] = slice_text(e, e->multi_pricing, encoding, &nulls[HF_MULTI_PRICING]);
		values[HF_COVERAGE] = slice_text(e, e->coverage, encoding, &nulls[HF_COVERAGE]);
		values[HF_ASC_GROUP] = slice_text(e, e->asc_group, encoding, &nulls[HF_ASC_GROUP]);
		values[HF_BETOS] = slice_text(e, e->betos, encoding, &nulls[HF_BETOS]);
		values[HF_TOS] = slice_array(e, e->tos, 5, encoding, &nulls[HF_TOS]);
		values[HF_XREFS] = slice_array(e, e->xref, 5, encoding, &nulls[HF_XREFS]);
		values[HF_LAB_CERT] = slice_array(e, e->lab_cert, 8, encoding, &nulls[HF_LAB_CERT]);
		values[HF_PROC_NOTE] = slice_text(e, e->proc_note, encoding, &nulls[HF_PROC_NOTE]);
		values[HF_ANESTHESIA_BU] = slice_text(e, e->anesthesia_bu, encoding, &nulls[HF_ANESTHESIA_BU]);
		values[HF_ADD_DATE] = date_value(e->add_date, &nulls[HF_ADD_DATE]);
		values[HF_ACTION_EFFECTIVE] = date_value(e->action_effective_date, &nulls[HF_ACTION_EFFECTIVE]);
		values[HF_TERMINATION] = date_value(e->termination_date, &nulls[HF_TERMINATION]);
		values[HF_ACTION_CODE] = CStringGetTextDatum(action);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		line_keys_add(&keys, hcpcs_key(e), (long) e->line_no);
	}
	hcpcs_reader_free(&reader);
	if (status == HCPCS_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 reader.error_line > 0 ?
				 errmsg("invalid HCPCS file \"%s\", line %ld: %s", file_name, reader.error_line,
						reader.error) :
				 errmsg("invalid HCPCS file \"%s\": %s", file_name, reader.error),
				 errhint("The loader reads the CMS alpha-numeric HCPCS file (fixed width, 320 columns); nothing was loaded.")));
	if (first_repeat(keys.items, keys.n, &repeat, &first_line))
	{
		char		code[6];

		hcpcs_key_text(repeat.key, code);
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("invalid HCPCS file \"%s\", line %ld: %s \"%s\" appears a second time (first on line %ld)",
						file_name, repeat.line, (repeat.key & 1) ? "modifier" : "code", code, first_line),
				 errhint("Nothing was loaded.")));
	}
	return (Datum) 0;
}

static const char *list_hint(bool looks_tab_separated);
codeset_noreturn static void report_short_record(const char *file_name, long line, int n,
												 int code_column, int desc_column,
												 bool looks_tab_separated);

/* A record with fewer fields than the columns named */
static void
report_short_record(const char *file_name, long line, int n, int code_column, int desc_column,
					bool looks_tab_separated)
{
	ereport(ERROR,
			(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
			 errmsg("invalid code list \"%s\", line %ld: %d column%s, but the code is in column %d%s",
					file_name, line, n, n == 1 ? "" : "s", code_column,
					desc_column > 0 ? psprintf(" and the description in column %d", desc_column) : ""),
			 errhint("%s", list_hint(looks_tab_separated))));
}

/*
 * The code of a record, or -1 for a header: the first record may be one, if
 * its code column holds no digit ("code", "HCPCS"); a near miss such as
 * "100" is a bad code, not a header, wherever it stands.
 */
/* The hint of an error in a code list: a tab-separated file read as CSV says so */
static const char *
list_hint(bool looks_tab_separated)
{
	return looks_tab_separated ?
		"The file looks tab-separated: give the delimiter E'\\t'. Nothing was loaded." :
		"Nothing was loaded.";
}

static int32
record_code(const char *file_name, long line, CsvField f, int code_column, int encoding,
			bool first, bool looks_tab_separated)
{
	int32		code;
	MedcodeParse p;
	char		detail[256];
	char		hint[256];

	if (medcode_parse_or_report(f.ptr, f.len, &code, false))
		return code;
	if (first && memchr_digit(f.ptr, f.len) == NULL)
		return -1;
	medcode_parse(f.ptr, f.len, &p);
	medcode_explain(&p, f.ptr, f.len, chars_before(f.ptr, (int) p.offset, encoding) + 1,
					detail, sizeof(detail), hint, sizeof(hint));
	ereport(ERROR,
			(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
			 errmsg("invalid code list \"%s\", line %ld: \"%s\" in column %d is not a procedure code",
					file_name, line, shown_text(f.ptr, f.len, encoding), code_column),
			 errdetail("%s", detail),
			 errhint("%s", list_hint(looks_tab_separated))));
	return -1;					/* not reached */
}

/* After the last record: a CSV error, or no code at all */
static void
check_code_list_end(const char *file_name, const CsvReader *reader, int n, long records,
					int code_column, bool looks_tab_separated)
{
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("invalid code list \"%s\", line %ld: %s", file_name, reader->record_line,
						reader->error),
				 errhint("%s", list_hint(looks_tab_separated))));
	if (records == 0)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("invalid code list \"%s\": no codes found", file_name),
				 errdetail("A code list is a CSV file whose column %d holds one procedure code a line, after an optional header line.",
						   code_column),
				 errhint("Nothing was loaded.")));
}

/* The description column without trailing spaces; NULL when empty or none */
static Datum
description_value(const CsvField *fields, int desc_column, int encoding, bool *isnull)
{
	CsvField	d;

	if (desc_column == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	d = fields[desc_column - 1];
	while (d.len > 0 && d.ptr[d.len - 1] == ' ')
		d.len--;
	return text_from(d.ptr, d.len, encoding, isnull);
}

/* The delimiter argument: one ASCII character that can separate fields */
static char
delimiter_arg(text *t, CsvReader *reader)
{
	char	   *s = text_to_cstring(t);

	if (strlen(s) != 1 || (unsigned char) s[0] >= 0x80 || !csv_reader_set_delimiter(reader, s[0]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" cannot be the delimiter of a code list", s),
				 errhint("Give one ASCII character other than a quote or a line end: ',' (the default) or E'\\t' for tab-separated text.")));
	return s[0];
}

Datum
code_list_entries(PG_FUNCTION_ARGS)
{
	bytea	   *content = PG_GETARG_BYTEA_PP(0);
	char	   *file_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int			code_column = PG_GETARG_INT32(2);
	int			desc_column = PG_GETARG_INT32(3);	/* 0: none */
	int			encoding = encoding_arg(PG_GETARG_TEXT_PP(4));
	/* 1.0's install script declares five arguments and three columns */
	bool		with_options = PG_NARGS() >= 7;
	int			filter_column = with_options ? PG_GETARG_INT32(6) : 0;	/* 0: none */
	ReturnSetInfo *rsinfo;
	CsvReader  *reader;
	CsvField	fields[CSV_MAX_FIELDS];
	int			n;
	bool		first = true;
	bool		tab_hint;
	long		records = 0;
	LineKeys	keys = {NULL, 0, 0};
	KeyedLine	repeat;
	long		first_line;

	if (code_column < 1 || code_column > CSV_MAX_FIELDS || desc_column < 0 ||
		desc_column > CSV_MAX_FIELDS || filter_column < 0 || filter_column > CSV_MAX_FIELDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("column numbers must lie between 1 and %d", CSV_MAX_FIELDS)));

	InitMaterializedSRF(fcinfo, 0);
	rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	reader = palloc(sizeof(CsvReader));
	csv_reader_init(reader, VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content));
	/* read as CSV, a tab-separated file fails: its errors say what it is */
	tab_hint = (with_options ? delimiter_arg(PG_GETARG_TEXT_PP(5), reader) : ',') == ',' &&
		csv_looks_tab_separated(VARDATA_ANY(content), VARSIZE_ANY_EXHDR(content));
	if (rsinfo->setDesc->natts != (with_options ? 4 : 3))
		elog(ERROR, "codeset: code_list_entries() declared with %d columns", rsinfo->setDesc->natts);
	position.kind = "code list";
	position.file_name = file_name;
	position.line = 0;

	while ((n = csv_next(reader, fields, CSV_MAX_FIELDS)) > 0)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, true};
		int32		code;

		CHECK_FOR_INTERRUPTS();
		position.line = reader->record_line;
		/* Blank lines (a lone empty field) carry nothing. */
		if (n == 1 && fields[0].len == 0)
			continue;
		if (n < code_column || (desc_column > 0 && n < desc_column))
			report_short_record(file_name, reader->record_line, n, code_column, desc_column,
								tab_hint);
		code = record_code(file_name, reader->record_line, fields[code_column - 1], code_column,
						   encoding, first, tab_hint);
		first = false;
		if (code < 0)
			continue;
		records++;
		values[0] = Int32GetDatum((int32) reader->record_line);
		values[1] = MedcodeGetDatum(code);
		values[2] = description_value(fields, desc_column, encoding, &nulls[2]);
		/* the filter column's value, trimmed; a record without it has none */
		if (filter_column > 0 && n >= filter_column)
			values[3] = description_value(fields, filter_column, encoding, &nulls[3]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		line_keys_add(&keys, (uint64) (uint32) code, reader->record_line);
	}
	check_code_list_end(file_name, reader, n, records, code_column, tab_hint);
	if (first_repeat(keys.items, keys.n, &repeat, &first_line))
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("invalid code list \"%s\", line %ld: code \"%s\" appears a second time (first on line %ld)",
						file_name, repeat.line, medcode_to_cstring((int32) (uint32) repeat.key), first_line),
				 errhint("Nothing was loaded.")));
	return (Datum) 0;
}
