/* Transfers commands: wam licence, euc, shipment, broker, diversion,
 * screen and transfer records (docs/cli.md#transfers; the
 * library is include/wam/transfers.h).
 *
 * A record is a JSON body (--from FILE|-) as the library takes it; the
 * commands that change one state take flags. Where a body and flags are
 * both given, the flags set their fields over the body's. --json prints the
 * library's JSON as it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/transfers.h"

static const char *const no_opts[] = {NULL};

/* ---- helpers ---- */

/* Appends the comma-separated words of `v` ("a, b,c") to array `list`;
 * WAM_EINVAL naming `field` for an empty word ("a,,b"). */
static int append_words(json_t *list, const char *v, const char *opt, const char *field)
{
	const char *p = v;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *s = p;
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n)
			return wam_error_set(WAM_EINVAL, field, "--%s takes words separated by commas, not '%.60s'",
			                     opt, v);
		json_array_append_new(list, json_stringn(s, n));
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* The array at `key` of `o`, made (replacing anything else there) when it
 * is not one. */
static json_t *array_at(json_t *o, const char *key)
{
	json_t *l = json_object_get(o, key);
	if (!json_is_array(l)) {
		l = json_array();
		json_object_set_new(o, key, l);
	}
	return l;
}

/* {state, reason} of a suspension, revocation or reinstatement. */
static json_t *state_change(const cli_args *a, const char *state)
{
	json_t *in = json_pack("{s:s}", "state", state);
	cli_set_opt(in, a, "reason", "reason");
	return in;
}

/* ---- licences ---- */

static const cli_column licence_cols[] = {{"ID", "id", 0},
                                          {"KIND", "kind", 0},
                                          {"NUMBER", "number", 24},
                                          {"STATE", "state", 0},
                                          {"TO", "destination", 0},
                                          {"FROM", "valid_from", 0},
                                          {"UNTIL", "valid_until", 0},
                                          {"LINES", "lines", 0},
                                          {"QUANTITY", "quantity", 0},
                                          {"SHIPPED", "shipped", 0},
                                          {"AUTHORITY", "authority", 30},
                                          {NULL, NULL, 0}};
static const char *const licence_keys[] = {
    "id",         "kind",        "number",           "state",       "state_reason",    "authority", "officer",
    "valid_from", "valid_until", "exporter_country", "destination", "screening_clear", "notes",     "drafted_at",
    "drafted_by", "issued_at",   "issued_by",        NULL};
static const cli_column party_cols[] = {{"#", "n", 0},
                                        {"ROLE", "role", 0},
                                        {"NAME", "name", 36},
                                        {"COUNTRY", "country", 0},
                                        {"REGISTRATION", "registration", 20},
                                        {"BROKER", "broker_id", 0},
                                        {"SCREENING", "screened", 0},
                                        {NULL, NULL, 0}};
static const cli_column line_cols[] = {{"#", "n", 0},
                                       {"GOODS", "goods", 0},
                                       {"CATEGORY", "category", 0},
                                       {"MAKE", "make", 16},
                                       {"MODEL", "model", 16},
                                       {"CALIBRE", "calibre", 14},
                                       {"QUANTITY", "quantity", 0},
                                       {"SHIPPED", "shipped", 0},
                                       {"REMAINING", "remaining", 0},
                                       {"VALUE", "value", 0},
                                       {"CURRENCY", "currency", 0},
                                       {NULL, NULL, 0}};
static const cli_column lic_shipment_cols[] = {
    {"SHIPMENT", "id", 0}, {"DATE", "date", 0},       {"DIRECTION", "direction", 0},
    {"STATE", "state", 0}, {"WEAPONS", "weapons", 0}, {"ROUNDS", "rounds", 0},
    {NULL, NULL, 0}};
static const cli_column criterion_cols[] = {{"CRITERION", "criterion", 0},
                                            {"FINDING", "finding", 0},
                                            {"EVIDENCE", "evidence", 50},
                                            {"MITIGATION", "mitigation", 40},
                                            {NULL, NULL, 0}};

/* The criteria of one part of an assessment as rows {criterion, finding,
 * evidence, mitigation}, in the order of the Treaty (the record keeps its
 * keys sorted). */
static void criteria_rows(json_t *rows, const json_t *part, const char *const *order)
{
	for (int i = 0; order[i]; i++) {
		const json_t *v = json_object_get(part, order[i]);
		if (!json_is_object(v))
			continue;
		json_t *r = json_pack("{s:s}", "criterion", order[i]);
		json_object_update(r, (json_t *)v);
		json_array_append_new(rows, r);
	}
}

static void print_assessment(const json_t *as)
{
	if (!json_is_object(as)) {
		printf("\nassessment: none yet\n");
		return;
	}
	printf("\nassessment: %s by %s on %s\n", cli_text(as, "decision"), cli_text(as, "officer"),
	       cli_text(as, "date"));
	printf("  reasons: %s\n", cli_text(as, "reasons"));
	if (*cli_text(as, "assessed_by"))
		printf("  recorded by %s at %s\n", cli_text(as, "assessed_by"), cli_text(as, "assessed_at"));
	json_t *rows = json_array();
	static const char *const prohibitions[] = {"embargo", "international_obligations", "atrocity_crimes", NULL};
	static const char *const risks[] = {
	    "peace_security", "ihl", "human_rights", "terrorism", "organised_crime", "gender_based_violence",
	    "diversion",      NULL};
	criteria_rows(rows, json_object_get(as, "prohibitions"), prohibitions);
	criteria_rows(rows, json_object_get(as, "risks"), risks);
	if (json_array_size(rows))
		cli_print_table(criterion_cols, rows);
	json_decref(rows);
}

static void print_licence(const json_t *l)
{
	cli_print_words(licence_keys, l);
	const json_t *c = json_object_get(l, "conditions");
	if (json_is_object(c)) {
		printf("conditions: %s%s%s%s\n",
		       json_is_true(json_object_get(c, "no_reexport_without_consent")) ? "no re-export without consent"
		                                                                       : "re-export not restricted",
		       json_is_true(json_object_get(c, "post_shipment_checks")) ? ", post-shipment checks" : "",
		       *cli_text(c, "other") ? "; " : "", cli_text(c, "other"));
	}
	/* each party's screening as a word; what it found under the table */
	json_t *parties = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(l, "parties"), i, p)
	{
		json_t *r = json_deep_copy(p);
		const json_t *s = json_object_get(p, "screening");
		json_object_set_new(r, "screened",
		                    json_string(!json_is_object(s)                          ? ""
		                                : json_is_true(json_object_get(s, "clear")) ? "clear"
		                                                                            : "NOT clear"));
		json_array_append_new(parties, r);
	}
	cli_print_list("parties", party_cols, parties);
	json_decref(parties);
	json_array_foreach(json_object_get(l, "parties"), i, p)
	{
		const json_t *f = json_object_get(json_object_get(p, "screening"), "findings");
		if (json_array_size(f)) {
			printf("party %lld (%s) is not clear:\n",
			       (long long)json_integer_value(json_object_get(p, "n")), cli_text(p, "role"));
			cli_print_findings(f, "  ");
		}
	}
	cli_print_list("lines", line_cols, json_object_get(l, "lines"));
	print_assessment(json_object_get(l, "assessment"));
	const json_t *euc = json_object_get(l, "euc");
	if (json_is_object(euc))
		printf("\nend-user certificate: %s (%s), %s\n", cli_text(euc, "number"), cli_text(euc, "id"),
		       cli_text(euc, "state"));
	else
		printf("\nend-user certificate: none\n");
	cli_print_list("shipments", lic_shipment_cols, json_object_get(l, "shipments"));
}

static const cli_view licence_view = {licence_keys, licence_cols, print_licence};
static const cli_view licence_list_view = {NULL, licence_cols, NULL};

static int call_licence_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_transfers_licence_add(db, out, in);
}

static int cmd_licence_add(const cli_env *env, const cli_args *a)
{
	int rc = 0;
	if (a->npos != 0 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam licence add --from FILE|-");
	json_t *in = cli_body(env, a, "the licence", NULL, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_licence_add, in, &licence_view);
}

static int call_licence_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_licence_list(db, out, cli_opt(a, "kind"), cli_opt(a, "state"));
}

static int cmd_licence_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam licence list [--kind K] [--state S]");
	return cli_run(env, a, false, call_licence_list, NULL, &licence_list_view);
}

static int call_licence_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_licence_get(db, out, a->pos[0]);
}

static int cmd_licence_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam licence show ID|NUMBER");
	return cli_run(env, a, false, call_licence_show, NULL, &licence_view);
}

static int call_licence_assess(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_licence_assess(db, out, a->pos[0], in);
}

static int cmd_licence_assess(const cli_env *env, const cli_args *a)
{
	int rc = 0;
	if (a->npos != 1 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam licence assess ID|NUMBER --from FILE|-");
	json_t *in = cli_body(env, a, "the assessment", NULL, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_licence_assess, in, &licence_view);
}

static int call_licence_issue(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_licence_issue(db, out, a->pos[0]);
}

static int cmd_licence_issue(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam licence issue ID|NUMBER");
	return cli_run(env, a, true, call_licence_issue, NULL, &licence_view);
}

static int call_licence_state(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_licence_set_state(db, out, a->pos[0], in);
}

static int licence_state(const cli_env *env, const cli_args *a, const char *verb, const char *state)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam licence %s ID|NUMBER --reason WHY", verb);
	return cli_run(env, a, true, call_licence_state, state_change(a, state), &licence_view);
}

static int cmd_licence_suspend(const cli_env *env, const cli_args *a)
{
	return licence_state(env, a, "suspend", "suspended");
}

static int cmd_licence_revoke(const cli_env *env, const cli_args *a)
{
	return licence_state(env, a, "revoke", "revoked");
}

static int cmd_licence_reinstate(const cli_env *env, const cli_args *a)
{
	return licence_state(env, a, "reinstate", "issued");
}

/* ---- end-user certificates ---- */

static const cli_column euc_cols[] = {
    {"ID", "id", 0},           {"NUMBER", "number", 24},     {"LICENCE", "licence_number", 24},
    {"TO", "destination", 0},  {"END USER", "end_user", 30}, {"ISSUED", "issued", 0},
    {"EXPIRES", "expires", 0}, {"STATE", "state", 0},        {NULL, NULL, 0}};
static const char *const euc_keys[] = {"id",
                                       "number",
                                       "state",
                                       "licence_number",
                                       "licence_id",
                                       "issued",
                                       "expires",
                                       "destination",
                                       "end_use",
                                       "place_of_use",
                                       "sole_use_assurance",
                                       "no_reexport_undertaking",
                                       "dvc_required",
                                       "post_shipment_consent",
                                       "dvc",
                                       "closed_on",
                                       "recorded_at",
                                       "recorded_by",
                                       NULL};
#define EUC_KEY_WIDTH 23 /* "no_reexport_undertaking", the longest of euc_keys */
static const cli_column euc_goods_cols[] = {{"#", "n", 0},
                                            {"CATEGORY", "category", 0},
                                            {"DESCRIPTION", "description", 36},
                                            {"MODEL", "model", 16},
                                            {"CALIBRE", "calibre", 14},
                                            {"QUANTITY", "quantity", 0},
                                            {"SHIPPED", "shipped", 0},
                                            {"REMAINING", "remaining", 0},
                                            {NULL, NULL, 0}};
static const cli_column verification_cols[] = {{"#", "n", 0},
                                               {"DATE", "date", 0},
                                               {"CHANNEL", "channel", 30},
                                               {"COUNTERPART", "counterpart", 30},
                                               {"RESULT", "result", 0},
                                               {"BY", "recorded_by", 20},
                                               {NULL, NULL, 0}};
static const cli_column euc_shipment_cols[] = {{"SHIPMENT", "id", 0},   {"DATE", "date", 0},
                                               {"STATE", "state", 0},   {"WEAPONS", "weapons", 0},
                                               {"ROUNDS", "rounds", 0}, {NULL, NULL, 0}};
static const cli_column check_cols[] = {{"CHECK", "id", 0},
                                        {"DATE", "date", 0},
                                        {"PLACE", "place", 30},
                                        {"INSPECTORS", "inspectors", 40},
                                        {"SEEN", "seen", 0},
                                        {"NOT SEEN", "not_seen", 0},
                                        {"ELSEWHERE", "seen_elsewhere", 0},
                                        {NULL, NULL, 0}};
static const cli_column alert_cols[] = {{"ALERT", "id", 0},
                                        {"STATE", "state", 0},
                                        {"SERIAL", "serial", 20},
                                        {"MAKE", "make", 16},
                                        {"MODEL", "model", 16},
                                        {"RESULT", "result", 0},
                                        {"EUC", "euc_number", 20},
                                        {"TO", "destination", 0},
                                        {"DATE", "date", 0},
                                        {"TRACE", "trace_request_id", 0},
                                        {NULL, NULL, 0}};

static void print_euc(const json_t *e)
{
	cli_print_words(euc_keys, e);
	const json_t *au = json_object_get(e, "authority"), *ex = json_object_get(e, "exporter"),
	             *eu = json_object_get(e, "end_user"), *co = json_object_get(e, "contract");
	cli_print_joined(EUC_KEY_WIDTH, "authority", cli_text(au, "name"), cli_text(au, "signatory"),
	                 cli_text(au, "position"), cli_text(au, "authentication"),
	                 json_is_true(json_object_get(au, "stamp")) ? "stamped" : "", NULL);
	cli_print_joined(EUC_KEY_WIDTH, "exporter", cli_text(ex, "name"), cli_text(ex, "business_name"),
	                 cli_text(ex, "address"), cli_text(ex, "country"), NULL);
	cli_print_joined(EUC_KEY_WIDTH, "end_user", cli_text(eu, "name"), cli_text(eu, "position"),
	                 cli_text(eu, "address"), cli_text(eu, "country"),
	                 json_is_true(json_object_get(eu, "signed")) ? "signed" : "NOT signed", NULL);
	cli_print_joined(EUC_KEY_WIDTH, "contract", cli_text(co, "reference"), cli_text(co, "date"), NULL);
	const json_t *ic = json_object_get(e, "intermediate_consignees");
	size_t i;
	const json_t *p;
	json_array_foreach(ic, i, p) cli_print_joined(EUC_KEY_WIDTH, "intermediate", cli_text(p, "name"),
	                                              cli_text(p, "role"), cli_text(p, "country"), NULL);
	cli_print_list("goods", euc_goods_cols, json_object_get(e, "goods"));
	cli_print_list("verifications", verification_cols, json_object_get(e, "verifications"));
	cli_print_list("shipments", euc_shipment_cols, json_object_get(e, "shipments"));
	cli_print_list("post-shipment checks", check_cols, json_object_get(e, "checks"));
	cli_print_list("diversion alerts", alert_cols, json_object_get(e, "alerts"));
}

static const cli_view euc_view = {euc_keys, euc_cols, print_euc};
static const cli_view euc_list_view = {NULL, euc_cols, NULL};

static int call_euc_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_transfers_euc_add(db, out, in);
}

static int cmd_euc_add(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {{"licence", "licence_id"}, {NULL, NULL}};
	int rc = 0;
	if (a->npos != 0 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam euc add --from FILE|- [--licence ID|NUMBER]");
	json_t *in = cli_body(env, a, "the end-user certificate", map, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_euc_add, in, &euc_view);
}

static int call_euc_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_transfers_euc_list(db, out);
}

static int cmd_euc_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam euc list");
	return cli_run(env, a, false, call_euc_list, NULL, &euc_list_view);
}

static int call_euc_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_euc_get(db, out, a->pos[0]);
}

static int cmd_euc_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam euc show ID|NUMBER");
	return cli_run(env, a, false, call_euc_show, NULL, &euc_view);
}

static int call_euc_verify(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_euc_verify(db, out, a->pos[0], in);
}

static int cmd_euc_verify(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {{"channel", "channel"}, {"counterpart", "counterpart"},
	                                  {"date", "date"},       {"result", "result"},
	                                  {"notes", "notes"},     {NULL, NULL}};
	int rc = 0;
	if (a->npos != 1)
		return cli_usage(env,
		                 "usage: wam euc verify ID|NUMBER --channel HOW --result "
		                 "authentic|not_authentic|inconclusive [--counterpart WHO] [--date D] [--notes T]");
	json_t *in = cli_body(env, a, "the verification", map, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_euc_verify, in, &euc_view);
}

static int call_euc_check(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_euc_check(db, out, a->pos[0], in);
}

static int cmd_euc_check(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {{"date", "date"}, {"place", "place"}, {"notes", "notes"}, {NULL, NULL}};
	int rc = 0;
	if (a->npos != 1 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam euc check ID|NUMBER --from FILE|- [--date D] [--place P]");
	json_t *in = cli_body(env, a, "the post-shipment check", map, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_euc_check, in, &euc_view);
}

/* ---- shipments ---- */

static const cli_column shipment_cols[] = {{"ID", "id", 0},
                                           {"DIRECTION", "direction", 0},
                                           {"LICENCE", "licence_number", 24},
                                           {"EUC", "euc_number", 24},
                                           {"DATE", "date", 0},
                                           {"STATE", "state", 0},
                                           {"WEAPONS", "weapons", 0},
                                           {"ROUNDS", "rounds", 0},
                                           {"TO", "destination", 0},
                                           {NULL, NULL, 0}};
static const char *const shipment_keys[] = {"id",          "direction",   "state", "licence_number", "licence_id",
                                            "euc_number",  "euc_id",      "date",  "carrier",        "route",
                                            "weapons",     "rounds",      "dvc",   "delivered_on",   "notes",
                                            "recorded_at", "recorded_by", NULL};
static const cli_column shipped_item_cols[] = {
    {"WEAPON", "item_id", 0},    {"SERIAL", "serial", 24},   {"MAKE", "make", 16}, {"MODEL", "model", 16},
    {"CATEGORY", "category", 0}, {"CALIBRE", "calibre", 14}, {"LINE", "line", 0},  {NULL, NULL, 0}};
static const cli_column shipped_lot_cols[] = {{"LOT", "lot_id", 0},       {"NUMBER", "lot_number", 20},
                                              {"CALIBRE", "calibre", 16}, {"ROUNDS", "rounds", 0},
                                              {"LINE", "line", 0},        {NULL, NULL, 0}};

static void print_shipment(const json_t *s)
{
	cli_print_words(shipment_keys, s);
	cli_print_list("weapons", shipped_item_cols, json_object_get(s, "items"));
	cli_print_list("ammunition", shipped_lot_cols, json_object_get(s, "lots"));
}

static const cli_view shipment_view = {shipment_keys, shipment_cols, print_shipment};
static const cli_view shipment_list_view = {NULL, shipment_cols, NULL};

static int call_shipment_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_transfers_shipment_add(db, out, in);
}

/* --items A,B,C (as often as needed), --lot LOT --rounds N pairs in order,
 * --route CC,CC over the body. 0 or a wam_err (the field named). */
static int shipment_flags(json_t *in, const cli_args *a)
{
	json_t *lot = NULL;
	int rc = 0;
	for (int i = 0; i < a->nopt && !rc; i++) {
		const char *name = a->opt[i].name, *v = a->opt[i].value;
		if (!strcmp(name, "items")) {
			rc = append_words(array_at(in, "items"), v, "items", "items");
		} else if (!strcmp(name, "lot")) {
			lot = json_pack("{s:s}", "lot_id", v);
			json_array_append_new(array_at(in, "lots"), lot);
		} else if (!strcmp(name, "rounds")) {
			size_t n = json_array_size(json_object_get(in, "lots"));
			char field[48];
			snprintf(field, sizeof field, "lots[%zu].rounds", n ? n - 1 : 0);
			if (!lot)
				return wam_error_set(WAM_EINVAL, "rounds",
				                     "--rounds %.20s follows no --lot: give --lot LOT --rounds N", v);
			if (json_object_get(lot, "rounds"))
				return wam_error_set(
				    WAM_EINVAL, field,
				    "--lot %.60s has its --rounds already: give --lot LOT --rounds N for each lot",
				    cli_text(lot, "lot_id"));
			char *end = NULL;
			errno = 0;
			long r = strtol(v, &end, 10);
			if (end == v || *end || errno)
				return wam_error_set(WAM_EINVAL, field, "--rounds takes a whole number, not '%.40s'",
				                     v);
			json_object_set_new(lot, "rounds", json_integer(r));
		} else if (!strcmp(name, "route")) {
			json_t *route = json_array();
			json_object_set_new(in, "route", route);
			rc = append_words(route, v, "route", "route");
		}
	}
	if (!rc && lot && !json_object_get(lot, "rounds"))
		rc = wam_error_set(WAM_EINVAL, "rounds", "--lot %.60s needs its --rounds N", cli_text(lot, "lot_id"));
	return rc;
}

static int cmd_shipment_add(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {
	    {"licence", "licence_id"}, {"euc", "euc_id"},          {"date", "date"}, {"carrier", "carrier"},
	    {"notes", "notes"},        {"exemption", "exemption"}, {NULL, NULL}};
	int rc = 0;
	if (a->npos != 0 || (!cli_opt(a, "from") && !cli_opt(a, "licence")))
		return cli_usage(
		    env, "usage: wam shipment add --licence L --euc E --items ID,ID,... [--lot LOT --rounds "
		         "N]... [--date D] [--carrier C] [--route CC,CC] [--exemption ID] [--notes T] | --from FILE|-");
	json_t *in = cli_body(env, a, "the shipment", map, &rc);
	if (!in)
		return rc;
	if ((rc = shipment_flags(in, a))) {
		json_decref(in);
		return cli_fail(env, rc);
	}
	return cli_run(env, a, true, call_shipment_add, in, &shipment_view);
}

static int call_shipment_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_shipment_list(db, out, cli_opt(a, "licence"));
}

static int cmd_shipment_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam shipment list [--licence ID|NUMBER]");
	return cli_run(env, a, false, call_shipment_list, NULL, &shipment_list_view);
}

static int call_shipment_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_shipment_get(db, out, a->pos[0]);
}

static int cmd_shipment_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam shipment show ID");
	return cli_run(env, a, false, call_shipment_show, NULL, &shipment_view);
}

static int call_shipment_deliver(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_shipment_deliver(db, out, a->pos[0], in);
}

static int cmd_shipment_deliver(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {{"dvc", "dvc"}, {"date", "date"}, {"notes", "notes"}, {NULL, NULL}};
	int rc = 0;
	if (a->npos != 1)
		return cli_usage(env, "usage: wam shipment deliver ID --dvc NUMBER [--date D] [--notes T]");
	json_t *in = cli_body(env, a, "the delivery", map, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_shipment_deliver, in, &shipment_view);
}

/* ---- brokers ---- */

static const cli_column broker_cols[] = {{"ID", "id", 0},
                                         {"NAME", "name", 36},
                                         {"COUNTRY", "country", 0},
                                         {"REGISTRATION", "registration", 24},
                                         {"ACTIVITIES", "activities", 40},
                                         {"STATE", "state", 0},
                                         {"EXPIRES", "expires", 0},
                                         {NULL, NULL, 0}};
static const char *const broker_keys[] = {"id",         "name",         "country",       "registration",
                                          "activities", "address",      "registered_on", "expires",
                                          "state",      "state_reason", "notes",         NULL};
static const cli_column broker_licence_cols[] = {
    {"LICENCE", "id", 0}, {"NUMBER", "number", 24}, {"KIND", "kind", 0}, {"STATE", "state", 0}, {NULL, NULL, 0}};

static void print_broker(const json_t *b)
{
	cli_print_words(broker_keys, b);
	const json_t *s = json_object_get(b, "screening");
	if (json_is_object(s) && !json_is_true(json_object_get(s, "clear"))) {
		printf("screening: NOT clear\n");
		cli_print_findings(json_object_get(s, "findings"), "  ");
	}
	if (json_object_get(b, "licences"))
		cli_print_list("licences", broker_licence_cols, json_object_get(b, "licences"));
}

static void print_brokers(const json_t *rows)
{
	cli_print_rows(broker_cols, rows);
}

static const cli_view broker_view = {broker_keys, broker_cols, print_broker};
static const cli_view broker_list_view = {NULL, broker_cols, print_brokers};

static int call_broker_add(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	return wam_transfers_broker_add(db, out, in);
}

static int cmd_broker_add(const cli_env *env, const cli_args *a)
{
	int rc = 0;
	if (a->npos != 0 || !cli_opt(a, "from"))
		return cli_usage(env, "usage: wam broker add --from FILE|-");
	json_t *in = cli_body(env, a, "the broker", NULL, &rc);
	if (!in)
		return rc;
	return cli_run(env, a, true, call_broker_add, in, &broker_view);
}

static int call_broker_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)a;
	(void)in;
	return wam_transfers_broker_list(db, out);
}

static int cmd_broker_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam broker list");
	return cli_run(env, a, false, call_broker_list, NULL, &broker_list_view);
}

static int call_broker_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_broker_get(db, out, a->pos[0]);
}

static int cmd_broker_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam broker show ID|REGISTRATION");
	return cli_run(env, a, false, call_broker_show, NULL, &broker_view);
}

static int call_broker_state(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_broker_set_state(db, out, a->pos[0], in);
}

static int broker_state(const cli_env *env, const cli_args *a, const char *verb, const char *state)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam broker %s ID|REGISTRATION --reason WHY", verb);
	return cli_run(env, a, true, call_broker_state, state_change(a, state), &broker_view);
}

static int cmd_broker_suspend(const cli_env *env, const cli_args *a)
{
	return broker_state(env, a, "suspend", "suspended");
}

static int cmd_broker_revoke(const cli_env *env, const cli_args *a)
{
	return broker_state(env, a, "revoke", "revoked");
}

static int cmd_broker_reinstate(const cli_env *env, const cli_args *a)
{
	return broker_state(env, a, "reinstate", "registered");
}

/* ---- diversion alerts ---- */

static const char *const alert_keys[] = {
    "id",           "state",     "serial",     "make",   "model",          "item_id",    "result",   "location",
    "destination",  "date",      "euc_number", "euc_id", "licence_number", "licence_id", "check_id", "trace_request_id",
    "close_reason", "raised_at", NULL};
static const cli_view alert_view = {alert_keys, alert_cols, NULL};

static int call_diversion_list(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_diversion_list(db, out, cli_opt(a, "state"));
}

static int cmd_diversion_list(const cli_env *env, const cli_args *a)
{
	if (a->npos != 0)
		return cli_usage(env, "usage: wam diversion list [--state open|traced|closed]");
	return cli_run(env, a, false, call_diversion_list, NULL, &alert_view);
}

static int call_diversion_show(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_diversion_get(db, out, a->pos[0]);
}

static int cmd_diversion_show(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam diversion show ID");
	return cli_run(env, a, false, call_diversion_show, NULL, &alert_view);
}

static int call_diversion_trace(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	return wam_transfers_diversion_trace(db, out, a->pos[0]);
}

static int cmd_diversion_trace(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam diversion trace ID");
	return cli_run(env, a, true, call_diversion_trace, NULL, &alert_view);
}

static int call_diversion_close(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_diversion_close(db, out, a->pos[0], in);
}

static int cmd_diversion_close(const cli_env *env, const cli_args *a)
{
	if (a->npos != 1)
		return cli_usage(env, "usage: wam diversion close ID --reason WHY");
	json_t *in = json_object();
	cli_set_opt(in, a, "reason", "reason");
	return cli_run(env, a, true, call_diversion_close, in, &alert_view);
}

/* ---- screening ---- */

static void print_screening(const json_t *s)
{
	const json_t *f = json_object_get(s, "findings");
	if (json_is_true(json_object_get(s, "clear")))
		printf("clear\n");
	else
		printf("NOT clear: %zu finding%s\n", json_array_size(f), json_array_size(f) == 1 ? "" : "s");
	cli_print_findings(f, "  ");
}

static int call_screen(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	return wam_transfers_screen(db, out, in, cli_opt(a, "date"));
}

static int cmd_screen(const cli_env *env, const cli_args *a)
{
	static const cli_opt_map map[] = {{"name", "name"}, {"country", "country"}, {"role", "role"}, {NULL, NULL}};
	static const cli_view view = {NULL, NULL, print_screening};
	int rc = 0;
	if (a->npos != 0 || (!cli_opt(a, "from") && !cli_opt(a, "name")))
		return cli_usage(env, "usage: wam screen --name N --country CC [--role R] [--date D] | --from FILE|- "
		                      "[--date D]");
	json_t *in = cli_body(env, a, "the party", map, &rc);
	if (!in)
		return rc;
	/* a party that receives the goods is the one every screen applies to */
	if (!json_object_get(in, "role"))
		json_object_set_new(in, "role", json_string("end_user"));
	return cli_run(env, a, false, call_screen, in, &view);
}

/* ---- transfer records ---- */

static const cli_column record_cols[] = {{"DIRECTION", "direction", 0},
                                         {"FIGURE", "figure", 0},
                                         {"DATE", "date", 0},
                                         {"CATEGORY", "category", 0},
                                         {"PARTNER", "partner", 0},
                                         {"ORIGIN", "origin", 0},
                                         {"VIA", "intermediate", 0},
                                         {"ITEMS", "items", 0},
                                         {"VALUE", "value", 0},
                                         {"CURRENCY", "currency", 0},
                                         {"LICENCE", "licence_number", 24},
                                         {"DESCRIPTION", "description", 40},
                                         {NULL, NULL, 0}};

static void print_records(const json_t *rows)
{
	cli_print_rows(record_cols, rows);
}

static int call_records(wam_db *db, json_t **out, const cli_args *a, json_t *in)
{
	(void)in;
	long year = 0;
	int rc = cli_opt_long(a, "year", "year", &year);
	if (rc)
		return rc;
	if (year < 0 || year > 9999)
		return wam_error_set(WAM_EINVAL, "year", "--year takes a year such as 2026, not %ld", year);
	return wam_transfers_records(db, out, (int)year, cli_opt(a, "direction"), cli_opt(a, "figure"));
}

static int cmd_records(const cli_env *env, const cli_args *a)
{
	static const cli_view view = {NULL, record_cols, print_records};
	if (a->npos != 0)
		return cli_usage(env, "usage: wam transfer records [--year Y] [--direction export|import] "
		                      "[--figure authorised|actual]");
	return cli_run(env, a, false, call_records, NULL, &view);
}

/* ---- the table ---- */

static const char *const from_valued[] = {"from", NULL};
static const char *const licence_list_valued[] = {"kind", "state", NULL};
static const char *const reason_valued[] = {"reason", NULL};
static const char *const euc_add_valued[] = {"from", "licence", NULL};
static const char *const euc_verify_valued[] = {"from", "channel", "counterpart", "date", "result", "notes", NULL};
static const char *const euc_check_valued[] = {"from", "date", "place", "notes", NULL};
static const char *const shipment_add_valued[] = {"from", "licence", "euc",   "items",     "lot",   "rounds",
                                                  "date", "carrier", "route", "exemption", "notes", NULL};
static const char *const shipment_list_valued[] = {"licence", NULL};
static const char *const deliver_valued[] = {"from", "dvc", "date", "notes", NULL};
static const char *const state_valued[] = {"state", NULL};
static const char *const screen_valued[] = {"from", "name", "country", "role", "date", NULL};
static const char *const records_valued[] = {"year", "direction", "figure", NULL};

const cli_command cli_transfers_commands[] = {
    {"licence add", from_valued, no_opts, cmd_licence_add, "licence add --from FILE|-",
     "draft a licence (export, import, transit, brokering) with its parties and lines; each party is screened"},
    {"licence list", licence_list_valued, no_opts, cmd_licence_list, "licence list [--kind K] [--state S]",
     "licences, newest first"},
    {"licence show", no_opts, no_opts, cmd_licence_show, "licence show ID|NUMBER",
     "a licence: parties and their screening, lines shipped and remaining, assessment, certificate, shipments"},
    {"licence assess", from_valued, no_opts, cmd_licence_assess, "licence assess ID|NUMBER --from FILE|-",
     "record the risk assessment of a draft (ATT Art. 6, 7, 11): approve or deny"},
    {"licence issue", no_opts, no_opts, cmd_licence_issue, "licence issue ID|NUMBER",
     "issue an assessed licence (a licensing officer other than its drafter)"},
    {"licence suspend", reason_valued, no_opts, cmd_licence_suspend, "licence suspend ID|NUMBER --reason WHY",
     "suspend an issued licence"},
    {"licence revoke", reason_valued, no_opts, cmd_licence_revoke, "licence revoke ID|NUMBER --reason WHY",
     "revoke an issued or suspended licence (final)"},
    {"licence reinstate", reason_valued, no_opts, cmd_licence_reinstate, "licence reinstate ID|NUMBER --reason WHY",
     "issue a suspended licence again"},
    {"euc add", euc_add_valued, no_opts, cmd_euc_add, "euc add --from FILE|- [--licence ID|NUMBER]",
     "record the end-user certificate of a licence"},
    {"euc list", no_opts, no_opts, cmd_euc_list, "euc list", "end-user certificates, newest first"},
    {"euc show", no_opts, no_opts, cmd_euc_show, "euc show ID|NUMBER",
     "a certificate: goods shipped and remaining, verifications, shipments, checks, diversion alerts"},
    {"euc verify", euc_verify_valued, no_opts, cmd_euc_verify,
     "euc verify ID|NUMBER --channel HOW --result authentic|not_authentic|inconclusive [--counterpart WHO] "
     "[--date D] [--notes T]",
     "record how a certificate's authenticity was checked; the latest result decides"},
    {"euc check", euc_check_valued, no_opts, cmd_euc_check, "euc check ID|NUMBER --from FILE|-",
     "record a post-shipment on-site check; a weapon not seen opens a diversion alert"},
    {"shipment add", shipment_add_valued, no_opts, cmd_shipment_add,
     "shipment add --licence L --euc E --items ID,ID,... [--lot LOT --rounds N]... [--date D] [--carrier C] "
     "[--route CC,CC] [--exemption ID] [--notes T] | --from FILE|-",
     "ship weapons and ammunition against an issued licence and its verified certificate, or record an import"},
    {"shipment list", shipment_list_valued, no_opts, cmd_shipment_list, "shipment list [--licence ID|NUMBER]",
     "shipments, newest first"},
    {"shipment show", no_opts, no_opts, cmd_shipment_show, "shipment show ID", "a shipment with its weapons and lots"},
    {"shipment deliver", deliver_valued, no_opts, cmd_shipment_deliver,
     "shipment deliver ID --dvc NUMBER [--date D] [--notes T]",
     "record the delivery verification certificate; the end-user certificate is closed"},
    {"broker add", from_valued, no_opts, cmd_broker_add, "broker add --from FILE|-",
     "register a broker (screened as a party)"},
    {"broker list", no_opts, no_opts, cmd_broker_list, "broker list", "brokers, by name"},
    {"broker show", no_opts, no_opts, cmd_broker_show, "broker show ID|REGISTRATION",
     "a broker with the licences that name it"},
    {"broker suspend", reason_valued, no_opts, cmd_broker_suspend, "broker suspend ID|REGISTRATION --reason WHY",
     "suspend a broker's registration"},
    {"broker revoke", reason_valued, no_opts, cmd_broker_revoke, "broker revoke ID|REGISTRATION --reason WHY",
     "revoke a broker's registration (final)"},
    {"broker reinstate", reason_valued, no_opts, cmd_broker_reinstate, "broker reinstate ID|REGISTRATION --reason WHY",
     "register a suspended broker again"},
    {"diversion list", state_valued, no_opts, cmd_diversion_list, "diversion list [--state open|traced|closed]",
     "diversion alerts from post-shipment checks, newest first"},
    {"diversion show", no_opts, no_opts, cmd_diversion_show, "diversion show ID", "one diversion alert"},
    {"diversion trace", no_opts, no_opts, cmd_diversion_trace, "diversion trace ID",
     "open a draft trace request for the alert's weapon, to the state of destination"},
    {"diversion close", reason_valued, no_opts, cmd_diversion_close, "diversion close ID --reason WHY",
     "close a diversion alert"},
    {"screen", screen_valued, no_opts, cmd_screen,
     "screen --name N --country CC [--role R] [--date D] | screen --from FILE|- [--date D]",
     "screen one party as licences do (--role end_user when not given)"},
    {"transfer records", records_valued, no_opts, cmd_records,
     "transfer records [--year Y] [--direction export|import] [--figure authorised|actual]",
     "the rows UNROCA and ATT reports are made from: authorised (licences) and actual (shipments)"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
