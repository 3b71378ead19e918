/*
 * medcode_classify_sql.c: SQL wrappers of the shape-based classification in
 * medcode_classify.c.  All IMMUTABLE: they read no table.
 */
#include "postgres.h"

#include "medcode_io.h"

#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(medcode_code_system);
PG_FUNCTION_INFO_V1(medcode_hcpcs_level_sql);
PG_FUNCTION_INFO_V1(medcode_cpt_category_sql);
PG_FUNCTION_INFO_V1(medcode_code_kind);
PG_FUNCTION_INFO_V1(medcode_code_section);
PG_FUNCTION_INFO_V1(medcode_slot);

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

/* The encoded value, the validity cache's index (codeset.medcode_slot). */
Datum
medcode_slot(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(medcode_checked(PG_GETARG_MEDCODE(0)));
}
