/* Roles and what each may do, as one table (the same table is in
 * docs/auth.md), and the two questions every front end asks of a principal:
 * may it see this site, and what does the ledger call it. Keeping the table
 * here, not in the front ends, means the CLI, the HTTP API and any later
 * front end refuse exactly the same things. */
#include <string.h>

#include "auth/common.h"

/* clang-format off */
static const char *const action_names[WAM_ACT_COUNT] = {
	[WAM_ACT_READ] = "read",
	[WAM_ACT_READ_SENSITIVE] = "read_sensitive",
	[WAM_ACT_REGISTER] = "register",
	[WAM_ACT_STATUS] = "status",
	[WAM_ACT_EXPORT] = "export",
	[WAM_ACT_AUDIT] = "audit",
	[WAM_ACT_ADMIN] = "admin",
	[WAM_ACT_STOCK] = "stock",
	[WAM_ACT_RESOLVE] = "resolve",
	[WAM_ACT_COLLECT] = "collect",
	[WAM_ACT_DESTROY] = "destroy",
	[WAM_ACT_TRACE] = "trace",
	[WAM_ACT_TRACE_CONFIDENTIAL] = "trace_confidential",
	[WAM_ACT_CONFIRM_EXPORT] = "confirm_export",
	[WAM_ACT_LICENSE] = "license",
	[WAM_ACT_LICENSE_DECIDE] = "license_decide",
	[WAM_ACT_SHIP] = "ship",
	[WAM_ACT_EMBARGO] = "embargo",
	[WAM_ACT_MONITOR] = "monitor",
	[WAM_ACT_READ_SOURCES] = "read_sources",
	[WAM_ACT_SUBMIT_REPORT] = "submit_report",
};

#define Y true
#define N false

/* Columns in wam_action order. A tracer and a monitor read what is needed to
 * trace a weapon or watch an embargo, but no personal data or coordinates;
 * an auditor proves the ledger and may take a full export; only an admin
 * manages users and tokens. Stock is the armourer's; a discrepancy a stock
 * check finds is resolved by a registrar or an admin, never by the armourer
 * whose store was checked (separation of duties, ISACS 05.20). Traces are
 * the tracer's, a registrar's or an admin's; a response kept restricted or
 * confidential is read in full only by a tracer or an admin (R11). An
 * export is confirmed by a registrar or an admin, never by who proposed it.
 * Transfers are the licensing officer's: drafting, assessing, issuing (a
 * licence is issued by a licensing officer other than its drafter, a rule
 * of the transfers room), shipping, and turning a diversion alert into a
 * trace request; a registrar (customs and the national registry) ships and
 * registers imports but neither drafts nor issues licences. Embargoes and
 * sanctions (importing the regimes and lists, exemptions, notices, and
 * deciding a screening alert) are the licensing officer's too. Embargo
 * monitoring is the monitor's (observations, findings, evidence packs; and
 * drafting trace requests for what was seen, so a monitor traces too); the
 * identity of a source is opened only for whoever recorded it and for the
 * source handler — not even an admin reads it, though an admin may make a
 * user a source handler (need to know). The international reports are read
 * by everyone who reads the registry whole; submitting one (freezing and
 * signing what the state sent) is the licensing officer's, the national
 * point of contact for the Register and the ATT, or an admin's. */
static const struct role_row {
	const char *role;
	bool may[WAM_ACT_COUNT];
} role_table[] = {
	/*              read read_sensitive register status export audit admin stock resolve collect destroy trace trace_confidential confirm_export license license_decide ship embargo monitor read_sources submit_report */
	{"viewer",    {  Y,       N,           N,      N,     N,     N,    N,    N,    N,      N,      N,      N,       N,       N,          N,       N,         N,         N,         N,       N,        N }},
	{"registrar", {  Y,       Y,           Y,      Y,     Y,     N,    N,    N,    Y,      Y,      Y,      Y,       N,       Y,          N,       N,         Y,         N,         N,       N,        N }},
	{"armourer",  {  Y,       Y,           N,      Y,     N,     N,    N,    Y,    N,      Y,      Y,      N,       N,       N,          N,       N,         N,         N,         N,       N,        N }},
	{"tracer",    {  Y,       N,           N,      N,     N,     N,    N,    N,    N,      N,      N,      Y,       Y,       N,          N,       N,         N,         N,         N,       N,        N }},
	{"monitor",   {  Y,       N,           N,      N,     N,     N,    N,    N,    N,      N,      N,      Y,       N,       N,          N,       N,         N,         N,         Y,       N,        N }},
	{"source_handler",{  Y,       N,           N,      N,     N,     N,    N,    N,    N,      N,      N,      Y,       N,       N,          N,       N,         N,         N,         Y,       Y,        N }},
	{"licensing", {  Y,       Y,           N,      N,     N,     N,    N,    N,    N,      N,      N,      Y,       N,       N,          Y,       Y,         Y,         Y,         N,       N,        Y }},
	{"auditor",   {  Y,       Y,           N,      N,     Y,     Y,    N,    N,    N,      N,      N,      N,       N,       N,          N,       N,         N,         N,         N,       N,        N }},
	{"admin",     {  Y,       Y,           Y,      Y,     Y,     Y,    Y,    Y,    Y,      Y,      Y,      Y,       Y,       Y,          Y,       Y,         Y,         Y,         Y,       N,        Y }},
};
/* clang-format on */

#undef Y
#undef N

/* The same names as role_table, in its order, for callers that list them. */
static const char *const role_names[] = {"viewer",         "registrar", "armourer", "tracer", "monitor",
                                         "source_handler", "licensing", "auditor",  "admin",  NULL};

_Static_assert(sizeof role_names / sizeof role_names[0] == sizeof role_table / sizeof role_table[0] + 1,
               "every role in the table has a name and the list ends with NULL");

static const struct role_row *find_role(const char *role)
{
	if (!role)
		return NULL;
	for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++)
		if (!strcmp(role_table[i].role, role))
			return &role_table[i];
	return NULL;
}

const char *const *wam_auth_roles(void)
{
	return role_names;
}

bool wam_auth_role_valid(const char *role)
{
	return find_role(role) != NULL;
}

bool wam_auth_allows(const char *role, wam_action act)
{
	const struct role_row *r = find_role(role);
	if (!r || (int)act < 0 || act >= WAM_ACT_COUNT)
		return false;
	return r->may[act];
}

const char *wam_auth_action_name(wam_action act)
{
	if ((int)act < 0 || act >= WAM_ACT_COUNT)
		return "unknown";
	return action_names[act];
}

void wam_auth_principal_actor(const wam_principal *p, char *out, size_t cap)
{
	if (!out || !cap)
		return;
	if (!p) {
		out[0] = '\0';
		return;
	}
	snprintf(out, cap, "%s:%s", p->kind, p->name);
}

bool wam_auth_same_person(const char *actor_a, const char *actor_b)
{
	if (!actor_a || !actor_b)
		return false;
	if (!strcmp(actor_a, actor_b))
		return true;
	const char *ca = strchr(actor_a, ':'), *cb = strchr(actor_b, ':');
	if (!ca || !cb)
		return false;
	/* an account and a registry user of one name are one person */
	bool pa =
	    (ca - actor_a == 2 && !strncmp(actor_a, "os", 2)) || (ca - actor_a == 4 && !strncmp(actor_a, "user", 4));
	bool pb =
	    (cb - actor_b == 2 && !strncmp(actor_b, "os", 2)) || (cb - actor_b == 4 && !strncmp(actor_b, "user", 4));
	return pa && pb && !strcmp(ca + 1, cb + 1);
}

int wam_auth_roles_json(json_t **out)
{
	json_t *all = json_object(), *actions = json_array(), *roles = json_array();
	*out = NULL;
	if (!all || !actions || !roles || json_object_set(all, "actions", actions) ||
	    json_object_set(all, "roles", roles))
		goto oom;
	for (int a = 0; a < WAM_ACT_COUNT; a++)
		if (json_array_append_new(actions, json_string(action_names[a])))
			goto oom;
	for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++) {
		json_t *may = json_array();
		if (json_array_append_new(roles, json_pack("{s:s, s:o?}", "role", role_table[i].role, "actions", may)))
			goto oom;
		for (int a = 0; a < WAM_ACT_COUNT; a++)
			if (role_table[i].may[a] && json_array_append_new(may, json_string(action_names[a])))
				goto oom;
	}
	json_decref(actions);
	json_decref(roles);
	*out = all;
	return 0;
oom:
	json_decref(actions);
	json_decref(roles);
	json_decref(all);
	return wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the roles");
}
