/*
 * extension_context.c: what the install script needs to know about where it
 * runs: whether CREATE EXTENSION codeset is under way (so shipped rows are
 * marked source = 'codeset' and left out of pg_dump), and where the shipped
 * CMS files were installed.
 */
#include "postgres.h"

#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(codeset_in_extension_script);
PG_FUNCTION_INFO_V1(codeset_shipped_data_dir);

Datum
codeset_in_extension_script(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(creating_extension &&
				   CurrentExtensionObject == get_extension_oid("codeset", true));
}

/* $sharedir/codeset_data, where `make install` puts the files of data/ */
Datum
codeset_shipped_data_dir(PG_FUNCTION_ARGS)
{
	char		share[MAXPGPATH];

	get_share_path(my_exec_path, share);
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s/codeset_data", share)));
}
