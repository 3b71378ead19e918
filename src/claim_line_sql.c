/*
 * claim_line_sql.c: parse_claim_line(text) and modifier_slot(text), the SQL
 * face of claim_line.c.  Never raise on bad text: a query over a text column
 * of claim lines gets NULL for the lines that are not a code with modifiers.
 */
#include "postgres.h"

#include "medcode_io.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "claim_line.h"

PG_FUNCTION_INFO_V1(parse_claim_line);
PG_FUNCTION_INFO_V1(codeset_modifier_slot);

Datum
parse_claim_line(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	ClaimLine	line;
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	Datum		mods[CLAIM_MAX_MODIFIERS];

	if (claim_line_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &line) != CLAIM_OK)
		PG_RETURN_NULL();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "parse_claim_line must return a composite type");
	desc = BlessTupleDesc(desc);

	for (int i = 0; i < line.nmodifiers; i++)
		mods[i] = CStringGetTextDatum(line.modifiers[i]);
	values[0] = MedcodeGetDatum(line.code);
	values[1] = PointerGetDatum(construct_array(mods, line.nmodifiers, TEXTOID, -1, false,
												TYPALIGN_INT));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* The validity cache's slot of a modifier (base 36), or NULL for no modifier:
 * codeset.modifier_slot in 1.0's install script, which this library still serves. */
Datum
codeset_modifier_slot(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			slot = modifier_slot(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (slot < 0)
		PG_RETURN_NULL();
	PG_RETURN_INT32(slot);
}
