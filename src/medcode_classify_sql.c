/*
 * medcode_classify_sql.c: SQL wrappers of the shape-based classification in
 * medcode_classify.c.  All IMMUTABLE: they read no table.
 */
#include "postgres.h"

#include "medcode_io.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(medcode_code_system);
PG_FUNCTION_INFO_V1(medcode_hcpcs_level_sql);
PG_FUNCTION_INFO_V1(medcode_cpt_category_sql);
PG_FUNCTION_INFO_V1(medcode_code_kind);
PG_FUNCTION_INFO_V1(medcode_code_section);
PG_FUNCTION_INFO_V1(medcode_slot);
PG_FUNCTION_INFO_V1(medcode_code_family);
PG_FUNCTION_INFO_V1(codeset_system_families);

static int32
checked_arg(FunctionCallInfo fcinfo)
{
	return medcode_checked(PG_GETARG_MEDCODE(0));
}

static Datum
text_or_null(FunctionCallInfo fcinfo, const char *s)
{
	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(s));
}

Datum
medcode_code_system(PG_FUNCTION_ARGS)
{
	return text_or_null(fcinfo, medcode_system_name(checked_arg(fcinfo)));
}

Datum
medcode_hcpcs_level_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(medcode_hcpcs_level(checked_arg(fcinfo)));
}

Datum
medcode_cpt_category_sql(PG_FUNCTION_ARGS)
{
	return text_or_null(fcinfo, medcode_cpt_category(checked_arg(fcinfo)));
}

Datum
medcode_code_kind(PG_FUNCTION_ARGS)
{
	return text_or_null(fcinfo, medcode_kind_name(medcode_kind(checked_arg(fcinfo))));
}

Datum
medcode_code_section(PG_FUNCTION_ARGS)
{
	return text_or_null(fcinfo, medcode_section(checked_arg(fcinfo)));
}

/* The encoded value, the validity cache's index: codeset.medcode_slot in
 * 1.0's install script, which this library still serves. */
Datum
medcode_slot(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(medcode_checked(PG_GETARG_MEDCODE(0)));
}

/* code_family(medcode): the family a release covers the code by */
Datum
medcode_code_family(PG_FUNCTION_ARGS)
{
	return text_or_null(fcinfo, medcode_family_name(medcode_family_of(checked_arg(fcinfo))));
}

/* system_families(text): the families a code system covers, NULL for an unknown one */
Datum
codeset_system_families(PG_FUNCTION_ARGS)
{
	const char *const *families = medcode_system_families(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	Datum		elems[MEDCODE_FAMILIES];
	int			n = 0;

	if (families == NULL)
		PG_RETURN_NULL();
	for (; families[n] != NULL; n++)
		elems[n] = CStringGetTextDatum(families[n]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}
