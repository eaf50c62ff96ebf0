/* registry_internal.h — for in-kernel extensions that share the registry's
   SQLite connection (the decision log), and for tests that plant bad rows. */
#ifndef OXK_KERNEL_REGISTRY_INTERNAL_H
#define OXK_KERNEL_REGISTRY_INTERNAL_H

#include <sqlite3.h>

#include "oxide/kernel/registry.h"

/* Take the registry's lock and get its connection; release with
   oxk_registry_db_unlock(). Do not call other oxk_registry_* in between. */
sqlite3 *oxk_registry_db_lock(oxk_registry *r);
void oxk_registry_db_unlock(oxk_registry *r);
/* A REGISTRY error: "registry error: <what>: <sqlite message>". */
oxk_err *oxk_registry_sql_error(sqlite3 *db, const char *what);

#endif
