/* registry_internal.h — for in-kernel extensions that share the registry's
   SQLite connection (the decision log), and for tests that plant bad rows. */
#ifndef OX_KERNEL_REGISTRY_INTERNAL_H
#define OX_KERNEL_REGISTRY_INTERNAL_H

#include <sqlite3.h>

#include "oxide/registry.h"

/* Take the registry's lock and get its connection; release with
   ox_registry_db_unlock(). Do not call other ox_registry_* in between. */
sqlite3 *ox_registry_db_lock(ox_registry *r);
void ox_registry_db_unlock(ox_registry *r);
/* A REGISTRY error: "registry error: <what>: <sqlite message>". */
ox_kerr *ox_registry_sql_error(sqlite3 *db, const char *what);

#endif
