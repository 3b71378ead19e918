/*
 * render_xlsx_dump.c: prints what the HCPCS reader (src/hcpcs_file.c) makes
 * of a file, one tab-separated line per code, in the columns of the CSVs in
 * shared/data/hcpcs_level2/csv (shared/data/SOURCES.md section 1b), so
 * test/render_xlsx.sh can compare the reader's fields with that independent
 * conversion.  The ASC and OPPS dates, which the reader does not read, are
 * cut from its padded record.
 *
 *   render_xlsx_dump FILE
 *
 * Exits 1 with the reader's error when the file does not read to the end.
 */
#include "hcpcs_file.h"

#include <stdio.h>
#include <stdlib.h>

static void
field(const char *p, size_t len)
{
	putchar('\t');
	fwrite(p, 1, len, stdout);
}

static void
slices(const HcpcsEntry *e, const HcpcsSlice *s, int n)
{
	for (int i = 0; i < n; i++)
		field(hcpcs_slice_ptr(e, s[i]), s[i].len);
}

/* columns off..off+len-1 of the record, trimmed of blanks */
static void
columns(const HcpcsEntry *e, int off, int len)
{
	while (len > 0 && e->line[off] == ' ')
		off++, len--;
	while (len > 0 && e->line[off + len - 1] == ' ')
		len--;
	field(e->line + off, (size_t) len);
}

static void
date(int32_t d)
{
	putchar('\t');
	if (d != 0)
		printf("%08d", (int) d);
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *data = NULL;
	size_t		len = 0,
				cap = 0,
				n;
	HcpcsReader r;
	HcpcsEntry *e = malloc(sizeof(HcpcsEntry));
	HcpcsStatus st;

	if (argc != 2 || e == NULL || (f = fopen(argv[1], "rb")) == NULL)
	{
		fprintf(stderr, "usage: render_xlsx_dump FILE (a readable file)\n");
		return 2;
	}
	for (;;)
	{
		if (len == cap)
		{
			cap = cap ? cap * 2 : 1 << 20;
			if ((data = realloc(data, cap)) == NULL)
				return 2;
		}
		n = fread(data + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);

	hcpcs_reader_init(&r, data, len);
	while ((st = hcpcs_next(&r, e)) == HCPCS_ENTRY)
	{
		fputs(e->code, stdout);
		fputs(e->is_modifier ? "\tmodifier" : "\tprocedure", stdout);
		field(e->long_desc, e->long_desc_len);
		slices(e, &e->short_desc, 1);
		slices(e, e->pricing, 4);
		slices(e, &e->multi_pricing, 1);
		slices(e, e->cim, 3);
		slices(e, e->mcm, 3);
		slices(e, &e->statute, 1);
		slices(e, e->lab_cert, 8);
		slices(e, e->xref, 5);
		slices(e, &e->coverage, 1);
		slices(e, &e->asc_group, 1);
		columns(e, 232, 8);		/* ASC group effective date */
		slices(e, &e->opps, 1);
		slices(e, &e->opps_pi, 1);
		columns(e, 244, 8);		/* OPPS effective date */
		slices(e, &e->proc_note, 1);
		slices(e, &e->betos, 1);
		slices(e, e->tos, 5);
		slices(e, &e->anesthesia_bu, 1);
		date(e->add_date);
		date(e->action_effective_date);
		date(e->termination_date);
		printf("\t%c\n", e->action_code);
	}
	if (st == HCPCS_ERROR)
	{
		fprintf(stderr, "%s: line %ld: %s\n", argv[1], r.error_line, r.error);
		return 1;
	}
	hcpcs_reader_free(&r);
	free(e);
	free(data);
	return 0;
}
