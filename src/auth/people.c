/* People behind actors, for the rules that need two of them: a token acts
 * for the identity that added it, and an account vouches for a second person
 * only when neither its creator nor whoever last set its password takes part
 * in the act it confirms (docs/auth.md, "Two people"). The answers are read
 * from the ledger's own events (token.added, user.added, user.password_set),
 * so they hold for every front end. */
#include <string.h>

#include "auth/common.h"

/* How many tokens added by tokens are followed back to a person. */
#define MAX_TOKEN_DEPTH 8

/* Appends to `acc` `actor` and, for a token, every actor that added a token
 * of that name (its events name it by name), followed back to a person. */
static int persons(wam_db *db, json_t *acc, const char *actor, int depth)
{
	json_array_append_new(acc, json_string(actor));
	if (strncmp(actor, "token:", 6) != 0 || depth >= MAX_TOKEN_DEPTH)
		return 0;
	json_t *rows = NULL, *v;
	size_t i;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT e.actor FROM tokens t JOIN events e ON e.subject=t.id AND e.type='token.added'"
	                        " WHERE t.name=?",
	                        actor + 6, NULL);
	json_array_foreach(rows, i, v)
	{
		const char *a = json_string_value(json_object_get(v, "actor"));
		if (!rc && a && strcmp(a, actor) != 0)
			rc = persons(db, acc, a, depth + 1);
	}
	json_decref(rows);
	return rc;
}

bool wam_auth_same_person_db(wam_db *db, const char *actor_a, const char *actor_b)
{
	if (!actor_a || !actor_b)
		return false;
	json_t *pa = json_array(), *pb = json_array(), *x, *y;
	bool same = false;
	size_t i, j;
	if (persons(db, pa, actor_a, 0) || persons(db, pb, actor_b, 0))
		same = true; /* a failed read fails closed */
	json_array_foreach(pa, i, x) json_array_foreach(pb, j, y) same =
	    same || wam_auth_same_person(json_string_value(x), json_string_value(y));
	json_decref(pa);
	json_decref(pb);
	return same;
}

bool wam_auth_is_token(const char *actor)
{
	return actor && !strncmp(actor, "token:", 6);
}

int wam_auth_credentials(wam_db *db, json_t **out, const char *user_id)
{
	json_t *made = NULL, *set = NULL;
	*out = NULL;
	int rc = wam_query_row(
	    db, &made, "SELECT actor, time FROM events WHERE subject=? AND type='user.added' ORDER BY seq LIMIT 1",
	    user_id, NULL);
	if (!rc)
		rc = wam_query_row(db, &set,
		                   "SELECT actor, time FROM events WHERE subject=? AND type IN ('user.added',"
		                   "'user.password_set') ORDER BY seq DESC LIMIT 1",
		                   user_id, NULL);
	if (!rc)
		*out = json_pack("{s:O?, s:O?, s:O?, s:O?}", "created_by", json_object_get(made, "actor"), "created_at",
		                 json_object_get(made, "time"), "password_set_by", json_object_get(set, "actor"),
		                 "password_set_at", json_object_get(set, "time"));
	json_decref(made);
	json_decref(set);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	return rc;
}

int wam_auth_independent(wam_db *db, const json_t *creds, const char *name, const char *party, const char *part,
                         const char *field)
{
	static const char *const keys[][2] = {{"created_by", "created the account of"},
	                                      {"password_set_by", "last set the password of"}};
	char self[128];
	snprintf(self, sizeof self, "user:%s", name ? name : "");
	if (!party || wam_auth_same_person_db(db, party, self))
		return 0;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		const char *a = json_string_value(json_object_get(creds, keys[k][0]));
		/* the operating-system account owns the file and is not held to
		 * the rule (docs/auth.md); a person's own password is theirs */
		if (!a || (strncmp(a, "user:", 5) != 0 && !wam_auth_is_token(a)) ||
		    wam_auth_same_person_db(db, a, self))
			continue;
		if (wam_auth_same_person_db(db, a, party))
			return wam_error_set(WAM_EFORBIDDEN, field,
			                     "rule of independence: %.128s %s %.64s and %.128s %s; an account "
			                     "vouches for a second person only when neither who created it nor who "
			                     "last set its password takes part in the act",
			                     a, keys[k][1], name, party, part);
	}
	return 0;
}
