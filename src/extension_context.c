/*
 * extension_context.c: what the install script needs to know about where it
 * runs: whether CREATE EXTENSION codeset is under way (so shipped rows are
 * marked source = 'codeset' and left out of pg_dump), where the shipped
 * CMS files were installed, and which role called the loaders.
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

PG_FUNCTION_INFO_V1(codeset_calling_role);

/*
 * The role that called: the loaders run as the tables' owner (SECURITY
 * DEFINER), and the release log records who loaded, not who owns.  The
 * outer user is the one SET ROLE gave, outside any security-definer call.
 */
Datum
codeset_calling_role(PG_FUNCTION_ARGS)
{
	Name		result = (Name) palloc0(NAMEDATALEN);

	namestrcpy(result, GetUserNameFromId(GetOuterUserId(), false));
	PG_RETURN_NAME(result);
}
