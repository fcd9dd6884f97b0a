/* What the auth room's files share: statement slots, the checks users and
 * tokens have in common, the credentials table and filling a principal.
 * Private to src/auth/. */
#ifndef WAM_AUTH_COMMON_H
#define WAM_AUTH_COMMON_H

#include <jansson.h>
#include <stdbool.h>

#include "internal.h"
#include "ledger/room.h"
#include "wam/auth.h"

#define WAM_AUTH_NAME_MAX 64

/* Statement slots of the room, one list so the files cannot collide. */
enum {
	ST_AUTH_SITE,
	ST_AUTH_CREDENTIAL,
	ST_AUTH_USER_GET,
	ST_AUTH_USER_LOGIN,
	ST_AUTH_USER_TAKEN,
	ST_AUTH_TOKEN_GET,
	ST_AUTH_TOKEN_CHECK,
	ST_AUTH_END
};
_Static_assert(ST_AUTH_END <= WAM_ROOM_DB_SLOTS, "the auth room has WAM_ROOM_DB_SLOTS statement slots");

/* The auth room (auth/project.c). */
extern const struct wam_room wam_room_auth;
/* A cached statement of the auth room (ledger/room.h). */
#define AUTH_STMT(db, slot, sql) wam_room_db_stmt((db), &wam_room_auth, (slot), (sql))

/* Checks "name" of `in` (1-64 characters of letters, digits and . _ @ -)
 * and copies it into `out`. WAM_EINVAL naming "name" otherwise. */
int wam_auth_take_name(json_t *out, const json_t *in);

/* Checks "role" of `in` (required, one of wam_auth_roles(), any case) and
 * copies it, lowercased, into `out`. WAM_EINVAL naming "role" otherwise. */
int wam_auth_take_role(json_t *out, const json_t *in);

/* Checks "sites" of `in` (absent or null: none; else an array of at most
 * WAM_AUTH_MAX_SITES site ids) and copies it into `out` sorted and without
 * repeats. WAM_EINVAL naming "sites" for a wrong shape; WAM_ENOTFOUND naming
 * "sites" for an id that names no site. */
int wam_auth_take_sites(wam_db *db, json_t *out, const json_t *in);

/* Checks that every id in the array `sites` names a site. */
int wam_auth_sites_exist(wam_db *db, const json_t *sites);

/* Writes (or replaces) the secret hash of `subject` inside the caller's
 * transaction, so it is undone with it. */
int wam_auth_put_credential(wam_db *db, const char *subject, const char *kind, const char *hash);

/* Fills `p` from a users or tokens row. `sites_json` is the row's canonical
 * JSON array. WAM_EINTEGRITY if the array cannot be read. */
int wam_auth_fill_principal(wam_principal *p, const char *kind, const char *id, const char *name, const char *role,
                            const char *sites_json);

/* A users or tokens row read by a statement whose columns are id, name,
 * role, sites, <flag>, created: an object with sites as an array and the
 * flag (`flag_key`: "disabled" or "revoked") as a boolean. */
json_t *wam_auth_row(sqlite3_stmt *st, const char *flag_key);

/* Every row of `sql` as wam_auth_row() shows it, in a new array. `what`
 * names the list in an error ("list users"). */
int wam_auth_list(wam_db *db, json_t **out, const char *sql, const char *flag_key, const char *what);

#endif
