/* People behind actors, for the rules that need two of them: a token acts
 * for the identity that added it, and an account vouches for a second person
 * only when no one who created it or ever set its password takes part in the
 * act it confirms, and two accounts vouch for two people only when no one but
 * the operating-system account made or set the password of both (docs/auth.md,
 * "Two people"). The answers are read from the ledger's own events
 * (token.added, user.added, user.password_set), so they hold for every front
 * end. */
#include <string.h>

#include "auth/common.h"

/* How many tokens added by tokens are followed back to a person (a token
 * no longer adds tokens; older registries may hold such chains). */
#define MAX_TOKEN_DEPTH 8

/* Appends to `acc` `actor` and, for a token, every actor that added a token
 * of that name (its events name it by name), followed back to a person.
 * Reaching the depth limit, coming back to a token already followed, or a
 * failed read is an error: the caller then takes it for anyone. */
static int persons(wam_db *db, json_t *acc, const char *actor, int depth)
{
	size_t i;
	json_t *v, *rows = NULL;
	json_array_foreach(
	    acc, i, v) if (wam_auth_is_token(actor) &&
	                   !strcmp(json_string_value(v),
	                           actor)) return wam_error_set(WAM_EFORBIDDEN, "actor",
	                                                        "token chain of %.128s comes back to itself", actor);
	json_array_append_new(acc, json_string(actor));
	if (!wam_auth_is_token(actor))
		return 0;
	if (depth >= MAX_TOKEN_DEPTH)
		return wam_error_set(WAM_EFORBIDDEN, "actor", "token chain of %.128s is longer than %d", actor,
		                     MAX_TOKEN_DEPTH);
	int rc = wam_query_rows(db, &rows,
	                        "SELECT e.actor FROM tokens t JOIN events e ON e.subject=t.id AND e.type='token.added'"
	                        " WHERE t.name=?",
	                        actor + 6, NULL);
	if (!rc && !json_array_size(rows))
		rc = wam_error_set(WAM_ENOTFOUND, "actor", "no one added token %.128s", actor);
	json_array_foreach(rows, i, v)
	{
		const char *a = json_string_value(json_object_get(v, "actor"));
		if (!rc)
			rc = a ? persons(db, acc, a, depth + 1) : WAM_EDB;
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
	if (!pa || !pb || persons(db, pa, actor_a, 0) || persons(db, pb, actor_b, 0))
		same = true; /* a long or circular chain, or a failed read, fails closed */
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
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "who holds an account");
	}
	json_t *made = NULL, *set = NULL, *all = NULL, *from = json_array(), *v;
	size_t i;
	*out = NULL;
	int rc = wam_query_row(
	    db, &made, "SELECT actor, time FROM events WHERE subject=? AND type='user.added' ORDER BY seq LIMIT 1",
	    user_id, NULL);
	if (!rc)
		rc = wam_query_row(db, &set,
		                   "SELECT actor, time FROM events WHERE subject=? AND type IN ('user.added',"
		                   "'user.password_set') ORDER BY seq DESC LIMIT 1",
		                   user_id, NULL);
	/* everyone who made the account or ever set its password: a password
	 * the user sets after signing in with one someone else set does not
	 * wash that person's hand away */
	if (!rc)
		rc = wam_query_rows(db, &all,
		                    "SELECT actor FROM events WHERE subject=? AND type IN ('user.added',"
		                    "'user.password_set') AND actor IS NOT NULL GROUP BY actor ORDER BY min(seq)",
		                    user_id, NULL);
	json_array_foreach(all, i, v) json_array_append(from, json_object_get(v, "actor"));
	if (!rc)
		*out = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O}", "created_by", json_object_get(made, "actor"),
		                 "created_at", json_object_get(made, "time"), "password_set_by",
		                 json_object_get(set, "actor"), "password_set_at", json_object_get(set, "time"),
		                 "comes_from", from);
	json_decref(made);
	json_decref(set);
	json_decref(all);
	json_decref(from);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	return rc;
}

/* True when `a`, one that an account comes from, counts against the rule:
 * not the operating-system account (which owns the file) nor the account's
 * own user `self` ("user:NAME"). */
static bool counts(const char *a, const char *self)
{
	/* by name alone: a token whose chain is taken for anyone counts */
	return a && (!strncmp(a, "user:", 5) || wam_auth_is_token(a)) && !wam_auth_same_person(a, self);
}

int wam_auth_independent(wam_db *db, const json_t *creds, const char *name, const char *party, const char *part,
                         const char *field)
{
	char self[128];
	size_t i;
	json_t *v;
	snprintf(self, sizeof self, "user:%s", name ? name : "");
	/* the user acting themselves; by name alone, so that a token taken for
	 * anyone is not taken for the user and let through */
	if (!party || wam_auth_same_person(party, self))
		return 0;
	json_array_foreach(json_object_get(creds, "comes_from"), i, v)
	{
		const char *a = json_string_value(v);
		if (counts(a, self) && wam_auth_same_person_db(db, a, party))
			return wam_error_set(
			    WAM_EFORBIDDEN, field,
			    "rule of independence: %.128s created the account of %.64s or set its "
			    "password, and %.128s %s; an account vouches for a second person only "
			    "when no one who created it or ever set its password takes part in the act",
			    a, name, party, part);
	}
	return 0;
}

int wam_auth_apart(wam_db *db, const json_t *creds_a, const char *name_a, const json_t *creds_b, const char *name_b,
                   const char *part, const char *field)
{
	char self_a[128], self_b[128];
	size_t i, j;
	json_t *x, *y;
	snprintf(self_a, sizeof self_a, "user:%s", name_a ? name_a : "");
	snprintf(self_b, sizeof self_b, "user:%s", name_b ? name_b : "");
	json_array_foreach(json_object_get(creds_a, "comes_from"), i, x)
	{
		const char *a = json_string_value(x);
		if (!counts(a, self_a))
			continue;
		json_array_foreach(json_object_get(creds_b, "comes_from"), j, y)
		{
			const char *b = json_string_value(y);
			if (counts(b, self_b) && wam_auth_same_person_db(db, a, b))
				return wam_error_set(
				    WAM_EFORBIDDEN, field,
				    "rule of independence: the accounts of %.64s and %.64s both come "
				    "from %.128s (created them or set their password), and they %s; two "
				    "accounts vouch for two people only when no one but the "
				    "operating-system account made or set the password of both",
				    name_a, name_b, a, part);
		}
	}
	return 0;
}

/* The account of user actor `actor` ("user:NAME") as `*creds` (from
 * wam_auth_credentials) and its name as `*name`; both NULL for another
 * actor. */
static int account(wam_db *db, json_t **creds, const char **name, const char *actor)
{
	json_t *u = NULL;
	*creds = NULL;
	*name = NULL;
	if (!actor || strncmp(actor, "user:", 5) != 0)
		return 0;
	int rc = wam_query_row(db, &u, "SELECT id FROM users WHERE name=?", actor + 5, NULL);
	if (!rc && u && !(rc = wam_auth_credentials(db, creds, json_string_value(json_object_get(u, "id")))))
		*name = actor + 5;
	json_decref(u);
	return rc;
}

int wam_auth_independent_pair(wam_db *db, const char *first, const char *first_part, const char *second_part,
                              const char *both_part, const char *field)
{
	json_t *mine = NULL, *theirs = NULL;
	const char *me, *them;
	wam_principal who; /* the accounts of both people are read whoever acts */
	wam_confine_lift(db, &who);
	int rc = account(db, &mine, &me, db->actor);
	if (!rc)
		rc = account(db, &theirs, &them, first);
	if (!rc && me)
		rc = wam_auth_independent(db, mine, me, first, first_part, field);
	if (!rc && them)
		rc = wam_auth_independent(db, theirs, them, db->actor, second_part, field);
	if (!rc && me && them)
		rc = wam_auth_apart(db, mine, me, theirs, them, both_part, field);
	wam_confine_restore(db, &who);
	json_decref(mine);
	json_decref(theirs);
	return rc;
}
