/* unit-confine: site confinement is libwam's, whichever front end calls.
 * A registry with two sites, here and there, each with weapons, a lot and
 * custody; a stock check, its investigation, a hit and an export proposal
 * there. A principal confined to `here` (wam_db_set_principal) calls every
 * public read and write of the public headers that touches records at sites:
 * one record there answers as not there, lists keep to here, writes there
 * are refused naming the field and write nothing, what covers the whole
 * registry is refused; the owner (no principal) and an unconfined principal
 * see everything. The table below names every public function of the
 * headers with what confinement does to it, and a test reads the headers
 * and fails on a function the table does not name, and on a site-bound one
 * no test called. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "wam/auth.h"
#include "wam/collection.h"
#include "wam/match.h"
#include "wam/stock.h"
#include "wam/trace.h"
#include "wam/embargo.h"
#include "wam/monitoring.h"
#include "wam/reports.h"
#include "wam/sanctions.h"
#include "wam/transfers.h"

/* What confinement does to a public function. */
enum kind {
	HIDES,    /* one record at another site answers WAM_ENOTFOUND */
	LISTS,    /* keeps to the principal's sites */
	WRITES,   /* a write at another site is refused, nothing written */
	NATIONAL, /* covers the whole registry: WAM_EFORBIDDEN */
	SELF,     /* the principal's own account only */
	FREE      /* touches no record at a site (pure, the handle, sign-in) */
};

typedef struct public_fn {
	const char *name;
	enum kind kind;
	bool called;
} public_fn;

static public_fn fns[] = {
    /* auth.h */
    {"wam_auth_roles", FREE, false},
    {"wam_registry_status_allowed", FREE, false}, /* the registry's rules: no record read */
    {"wam_registry_status_next", FREE, false},
    {"wam_registry_marking_status", FREE, false},
    {"wam_registry_marking", FREE, false},
    {"wam_registry_reason", FREE, false},
    {"wam_registry_script_detect", FREE, false},
    {"wam_auth_role_valid", FREE, false},
    {"wam_auth_allows", FREE, false},
    {"wam_auth_action_name", FREE, false},
    {"wam_db_principal_sees_site", FREE, false},
    {"wam_auth_principal_actor", FREE, false},
    {"wam_db_set_principal", FREE, false},
    {"wam_db_principal", FREE, false},
    {"wam_auth_same_person", FREE, false},
    {"wam_auth_same_person_db", FREE, false}, /* who added a token: two-person rules */
    {"wam_auth_is_token", FREE, false},
    {"wam_auth_credentials", NATIONAL, false},
    {"wam_auth_independent", FREE, false}, /* on credentials read before */
    {"wam_auth_apart", FREE, false},
    {"wam_auth_independent_pair", FREE, false}, /* reads the two accounts, whatever the sites */
    {"wam_auth_user_add", NATIONAL, false},
    {"wam_auth_user_set_password", SELF, false},
    {"wam_auth_user_update", NATIONAL, false},
    {"wam_auth_user_get", SELF, false},
    {"wam_auth_user_principal", FREE, false},
    {"wam_auth_user_list", NATIONAL, false},
    {"wam_auth_login", FREE, false},
    {"wam_auth_token_add", NATIONAL, false},
    {"wam_auth_token_revoke", NATIONAL, false},
    {"wam_auth_token_list", NATIONAL, false},
    {"wam_auth_token_check", FREE, false},
    {"wam_auth_log_read", FREE, false}, /* the principal's own reads */
    {"wam_auth_user_generation", SELF, false},
    /* collection.h */
    {"wam_collection_recovery_add", NATIONAL, false},
    {"wam_collection_ammunition_stock", NATIONAL, false},
    {"wam_collection_ammunition_commit", NATIONAL, false},
    {"wam_collection_recovery_get", NATIONAL, false},
    {"wam_collection_recovery_list", NATIONAL, false},
    {"wam_collection_recovery_handover", NATIONAL, false},
    {"wam_collection_recovery_photo_add", NATIONAL, false},
    {"wam_collection_recovery_photo_get", NATIONAL, false},
    {"wam_collection_task_list", NATIONAL, false},
    {"wam_collection_task_mark", NATIONAL, false},
    {"wam_collection_pseudonym", FREE, false}, /* a keyed hash of a name */
    /* error.h */
    {"wam_error_set", FREE, false},
    {"wam_error_set_line", FREE, false},
    {"wam_error_last", FREE, false},
    {"wam_error_clear", FREE, false},
    {"wam_error_name", FREE, false},
    {"wam_error_exit_code", FREE, false},
    {"wam_error_http_status", FREE, false},
    {"wam_error_vset", FREE, false},
    {"wam_error_restore", FREE, false},
    {"wam_message_id", FREE, false}, /* the message catalogue: no record read */
    {"wam_message_json", FREE, false},
    {"wam_message_vjson", FREE, false},
    {"wam_error_json", FREE, false},
    /* ledger.h */
    {"wam_ledger_verify_with", NATIONAL, false},
    {"wam_ledger_head_receipt", NATIONAL, false},
    {"wam_ledger_verify", NATIONAL, false},
    {"wam_ledger_rebuild", NATIONAL, false},
    {"wam_ledger_rebuild_sealing", NATIONAL, false},
    {"wam_ledger_events", NATIONAL, false},
    {"wam_ledger_prove", HIDES, false},
    {"wam_ledger_prove_with", HIDES, false},
    {"wam_ledger_canonical_json", FREE, false},
    {"wam_ledger_head", FREE, false}, /* a number and a hash */
    {"wam_todo", LISTS, false},
    /* match.h */
    {"wam_match_search", LISTS, false},
    {"wam_match_name_key", FREE, false}, /* keys of a text: no record read */
    {"wam_match_serial_key", FREE, false},
    {"wam_match_serial_key_pair", FREE, false},
    {"wam_match_serial_readable", FREE, false},
    {"wam_match_explain", FREE, false},
    {"wam_match_ammunition", LISTS, false},
    {"wam_match_calibre_key", FREE, false},
    /* registry.h */
    {"wam_registry_site_add", NATIONAL, false},
    {"wam_registry_site_get", HIDES, false},
    {"wam_registry_site_list", LISTS, false},
    {"wam_registry_holder_add", FREE, false}, /* holders belong to no site */
    {"wam_registry_holder_get", FREE, false},
    {"wam_registry_holder_list", FREE, false},
    {"wam_registry_item_add", WRITES, false},
    {"wam_registry_item_get", HIDES, false},
    {"wam_registry_item_find_serial", LISTS, false},
    {"wam_registry_item_list", LISTS, false},
    {"wam_registry_item_set_status", WRITES, false},
    {"wam_registry_item_attach", WRITES, false},
    {"wam_registry_export_propose", WRITES, false},
    {"wam_registry_export_confirm", WRITES, false},
    {"wam_registry_export_withdraw", WRITES, false},
    {"wam_registry_export_get", HIDES, false},
    {"wam_registry_export_list", LISTS, false},
    {"wam_registry_item_history", HIDES, false},
    {"wam_registry_item_links", HIDES, false},
    {"wam_registry_summary", LISTS, false},
    {"wam_registry_import", NATIONAL, false},
    {"wam_registry_import_report_free", FREE, false},
    {"wam_registry_export", NATIONAL, false},
    {"wam_registry_demo", NATIONAL, false},
    /* stock.h */
    {"wam_stock_site_tree", HIDES, false},
    {"wam_stock_item_move", WRITES, false},
    {"wam_stock_lot_add", WRITES, false},
    {"wam_stock_lot_add_origin", WRITES, false},
    {"wam_stock_lot_get", HIDES, false},
    {"wam_stock_lot_list", LISTS, false},
    {"wam_stock_lot_receive", WRITES, false},
    {"wam_stock_lot_issue", WRITES, false},
    {"wam_stock_lot_split", WRITES, false},
    {"wam_stock_lot_condition", WRITES, false},
    {"wam_stock_lot_history", HIDES, false},
    {"wam_stock_lot_expiring", LISTS, false},
    {"wam_stock_site_compatibility", HIDES, false},
    {"wam_stock_custody_rule", WRITES, false},
    {"wam_stock_custody_issue", WRITES, false},
    {"wam_stock_custody_confirm", WRITES, false},
    {"wam_stock_custody_return", WRITES, false},
    {"wam_stock_custody_get", HIDES, false},
    {"wam_stock_custody_list", LISTS, false},
    {"wam_stock_custody_overdue", LISTS, false},
    {"wam_stock_check_open", WRITES, false},
    {"wam_stock_check_see", WRITES, false},
    {"wam_stock_check_feed", WRITES, false},
    {"wam_stock_check_close", WRITES, false},
    {"wam_stock_check_get", HIDES, false},
    {"wam_stock_check_list", LISTS, false},
    {"wam_stock_investigation_list", LISTS, false},
    {"wam_stock_investigation_resolve", WRITES, false},
    {"wam_stock_destruction_open", NATIONAL, false},
    {"wam_stock_destruction_add_item", NATIONAL, false},
    {"wam_stock_destruction_add_lot", NATIONAL, false},
    {"wam_stock_destruction_add_recovered", NATIONAL, false},
    {"wam_stock_destruction_add_person", NATIONAL, false},
    {"wam_stock_destruction_verify", NATIONAL, false},
    {"wam_stock_destruction_confirm", NATIONAL, false},
    {"wam_stock_destruction_close", NATIONAL, false},
    {"wam_stock_destruction_get", NATIONAL, false},
    {"wam_stock_destruction_list", NATIONAL, false},
    {"wam_stock_destruction_certificate", NATIONAL, false},
    /* store.h */
    {"wam_db_create", FREE, false},
    {"wam_db_open", FREE, false},
    {"wam_db_clone", FREE, false}, /* keeps the principal: checked below */
    {"wam_db_close", FREE, false},
    {"wam_db_set_actor", FREE, false},
    {"wam_os_account", FREE, false},
    {"wam_db_node_id", FREE, false},
    {"wam_db_path", FREE, false},
    {"wam_db_snapshot_begin", FREE, false},
    {"wam_db_snapshot_end", FREE, false},
    {"wam_db_begin", FREE, false},
    {"wam_db_commit", FREE, false},
    {"wam_db_rollback", FREE, false},
    {"wam_db_backup", NATIONAL, false},
    {"wam_db_restore", FREE, false}, /* works on files, with no handle */
    {"wam_file_create", FREE, false},
    {"wam_file_create_temp", FREE, false},
    /* trace.h */
    {"wam_trace_loss_report", NATIONAL, false},
    {"wam_trace_loss_list", NATIONAL, false},
    {"wam_trace_loss_export", NATIONAL, false},
    {"wam_trace_hit_scan", NATIONAL, false},
    {"wam_trace_hit_list", LISTS, false},
    {"wam_trace_hit_get", HIDES, false},
    {"wam_trace_hit_decide", WRITES, false},
    {"wam_trace_origin_establish", NATIONAL, false},
    {"wam_trace_request_draft", NATIONAL, false},
    {"wam_trace_request_update", NATIONAL, false},
    {"wam_trace_request_quality", NATIONAL, false},
    {"wam_trace_request_send", NATIONAL, false},
    {"wam_trace_request_acknowledge", NATIONAL, false},
    {"wam_trace_request_respond", NATIONAL, false},
    {"wam_trace_request_close", NATIONAL, false},
    {"wam_trace_request_get", NATIONAL, false},
    {"wam_trace_request_restricted_responses", FREE, false},
    {"wam_trace_request_response_restricted", FREE, false},
    {"wam_trace_request_list", NATIONAL, false},
    {"wam_trace_node", NATIONAL, false},
    {"wam_trace_peer_add", NATIONAL, false},
    {"wam_trace_peer_list", NATIONAL, false},
    {"wam_trace_peer_revoke", NATIONAL, false},
    {"wam_trace_request_export", NATIONAL, false},
    {"wam_trace_request_import", NATIONAL, false},
    {"wam_trace_sdg_report", HIDES, false},
    {"wam_trace_sdg_report_records", HIDES, false},
    {"wam_trace_sdg_report_csv", FREE, false}, /* writes a report already read */
    /* the vocabularies, the server's entry point, the allocator's count */
    {"wam_auth_roles_json", FREE, false},
    {"wam_registry_vocabulary", FREE, false},
    /* reference data, and the names of makes, models and calibres: vocabulary, no record */
    {"wam_registry_countries", FREE, false},
    {"wam_registry_suggest", FREE, false},
    {"wam_auth_user_names", LISTS, false},
    {"wam_photo_add", NATIONAL, false}, /* photos are of national records (trace requests, recoveries) */
    {"wam_photo_get", NATIONAL, false},
    /* embargo.h: the state's, never a site's; what a screener of any
     * party asks (a confined principal's holder too) reads no site's record */
    {"wam_embargo_vocabulary", FREE, false},
    {"wam_embargo_regime_of_list", FREE, false},
    {"wam_embargo_exemption_fits", FREE, false},
    {"wam_embargo_regimes_import", NATIONAL, false},
    {"wam_embargo_regimes_import_file", NATIONAL, false},
    {"wam_embargo_regime_list", NATIONAL, false},
    {"wam_embargo_regime_get", NATIONAL, false},
    {"wam_embargo_check", NATIONAL, false},
    {"wam_embargo_record", NATIONAL, false},
    {"wam_embargo_lift", NATIONAL, false},
    {"wam_embargo_exemption_add", NATIONAL, false},
    {"wam_embargo_exemption_decide", NATIONAL, false},
    {"wam_embargo_exemption_get", NATIONAL, false},
    {"wam_embargo_exemption_list", NATIONAL, false},
    {"wam_embargo_exemption_notice", NATIONAL, false},
    {"wam_embargo_notice_list", NATIONAL, false},
    {"wam_embargo_notice_get", NATIONAL, false},
    {"wam_embargo_notice_sent", NATIONAL, false},
    {"wam_embargo_notice_document", NATIONAL, false},
    /* sanctions.h: the state's, never a site's */
    {"wam_sanctions_vocabulary", FREE, false},
    {"wam_sanctions_import", NATIONAL, false},
    {"wam_sanctions_imports", NATIONAL, false},
    {"wam_sanctions_entries", NATIONAL, false},
    {"wam_sanctions_entry_get", NATIONAL, false},
    {"wam_sanctions_screen", NATIONAL, false},
    {"wam_sanctions_screen_batch", NATIONAL, false},
    {"wam_sanctions_alerts", NATIONAL, false},
    {"wam_sanctions_alert_get", NATIONAL, false},
    {"wam_sanctions_alert_clear", NATIONAL, false},
    {"wam_sanctions_alert_confirm", NATIONAL, false},
    /* monitoring.h: a mission's and a Panel's, never a site's */
    {"wam_monitoring_vocabulary", FREE, false},
    {"wam_monitoring_committee_report_html", FREE, false}, /* renders a report it is given */
    {"wam_monitoring_observation_add", NATIONAL, false},
    {"wam_monitoring_observation_get", NATIONAL, false},
    {"wam_monitoring_observation_list", NATIONAL, false},
    {"wam_monitoring_observation_trace", NATIONAL, false},
    {"wam_monitoring_finding_add", NATIONAL, false},
    {"wam_monitoring_finding_link", NATIONAL, false},
    {"wam_monitoring_finding_unlink", NATIONAL, false},
    {"wam_monitoring_finding_rule", NATIONAL, false},
    {"wam_monitoring_finding_corroborate", NATIONAL, false},
    {"wam_monitoring_finding_report", NATIONAL, false},
    {"wam_monitoring_finding_get", NATIONAL, false},
    {"wam_monitoring_finding_list", NATIONAL, false},
    {"wam_monitoring_profile_actor", NATIONAL, false},
    {"wam_monitoring_profile_country", NATIONAL, false},
    {"wam_monitoring_evidence_pack", NATIONAL, false},
    {"wam_monitoring_evidence_verify", NATIONAL, false},
    {"wam_monitoring_committee_report", NATIONAL, false},
    /* reports.h: the international reports cover the whole state */
    {"wam_report_make", NATIONAL, false},
    {"wam_report_records", NATIONAL, false},
    {"wam_report_csv", FREE, false},  /* renders a report it is given */
    {"wam_report_html", FREE, false}, /* renders a report it is given */
    {"wam_report_submit", NATIONAL, false},
    {"wam_report_submission_list", NATIONAL, false},
    {"wam_report_submission_get", NATIONAL, false},
    {"wam_report_diff", NATIONAL, false},
    /* transfers.h: the state's, never a site's */
    {"wam_transfers_vocabulary", FREE, false},
    {"wam_transfers_screen", NATIONAL, false},
    {"wam_transfers_broker_add", NATIONAL, false},
    {"wam_transfers_broker_set_state", NATIONAL, false},
    {"wam_transfers_broker_get", NATIONAL, false},
    {"wam_transfers_broker_list", NATIONAL, false},
    {"wam_transfers_licence_add", NATIONAL, false},
    {"wam_transfers_licence_assess", NATIONAL, false},
    {"wam_transfers_licence_issue", NATIONAL, false},
    {"wam_transfers_licence_set_state", NATIONAL, false},
    {"wam_transfers_licence_get", NATIONAL, false},
    {"wam_transfers_licence_list", NATIONAL, false},
    {"wam_transfers_euc_add", NATIONAL, false},
    {"wam_transfers_euc_verify", NATIONAL, false},
    {"wam_transfers_euc_check", NATIONAL, false},
    {"wam_transfers_euc_get", NATIONAL, false},
    {"wam_transfers_euc_list", NATIONAL, false},
    {"wam_transfers_shipment_add", NATIONAL, false},
    {"wam_transfers_shipment_deliver", NATIONAL, false},
    {"wam_transfers_shipment_get", NATIONAL, false},
    {"wam_transfers_shipment_list", NATIONAL, false},
    {"wam_transfers_diversion_list", NATIONAL, false},
    {"wam_transfers_diversion_get", NATIONAL, false},
    {"wam_transfers_diversion_trace", NATIONAL, false},
    {"wam_transfers_diversion_close", NATIONAL, false},
    {"wam_transfers_records", NATIONAL, false},
    {"wam_trace_vocabulary", FREE, false},
    {"wam_stock_vocabulary", FREE, false},
    {"wam_collection_vocabulary", FREE, false},
    {"wam_serve", FREE, false},
    {"wam_serve_routes", FREE, false},
    {"wam_error_alloc_failures", FREE, false},
};

#define NFNS (sizeof fns / sizeof fns[0])

static public_fn *find_fn(const char *name)
{
	for (size_t i = 0; i < NFNS; i++)
		if (!strcmp(fns[i].name, name))
			return &fns[i];
	return NULL;
}

/* Notes that `name` was called as a confined principal. */
static void called(const char *name)
{
	public_fn *f = find_fn(name);
	if (!f)
		fail_msg("%s is not in the table of public functions", name);
	f->called = true;
}

/* ---- the registry ---- */

typedef struct fixture {
	test_reg r;
	char here[WAM_ID_LEN + 1], there[WAM_ID_LEN + 1];
	char gun_here[WAM_ID_LEN + 1], gun_there[WAM_ID_LEN + 1], gun_issued[WAM_ID_LEN + 1];
	char lot_here[WAM_ID_LEN + 1], lot_there[WAM_ID_LEN + 1];
	char custody_there[WAM_ID_LEN + 1], check_there[WAM_ID_LEN + 1], inv_there[WAM_ID_LEN + 1];
	char hit_there[WAM_ID_LEN + 1], proposal_there[WAM_ID_LEN + 1];
	char ann[WAM_ID_LEN + 1];
	wam_principal confined, unconfined;
} fixture;

static fixture *fx;

static void copy_id(char *dst, const json_t *o)
{
	const char *id = json_string_value(json_object_get(o, "id"));
	if (!id)
		fail_msg("no id in the answer");
	snprintf(dst, WAM_ID_LEN + 1, "%s", id);
}

/* `rc` must be 0; `*out` (when `out` is not NULL) is freed and cleared. */
static void ok(int rc, json_t **out, const char *what)
{
	if (rc)
		fail_msg("%s: %d %s", what, rc, wam_error_last()->message);
	if (out) {
		json_decref(*out);
		*out = NULL;
	}
}

static json_t *add(int (*fn)(wam_db *, json_t **, const json_t *), const char *text, char *id)
{
	json_t *in = test_json(text), *out = NULL;
	ok(fn(fx->r.db, &out, in), NULL, text);
	json_decref(in);
	if (id)
		copy_id(id, out);
	return out;
}

static void add_weapon(const char *serial, const char *site, const char *status, char *id)
{
	char text[512];
	snprintf(text, sizeof text,
	         "{\"category\": \"SA4\", \"make\": \"Kalashnikov Concern\", \"model\": \"AK-47\", \"calibre\": "
	         "\"7.62x39mm\", \"country\": \"RU\", \"serial\": \"%s\", \"status\": \"%s\"%s%s%s}",
	         serial, status, site ? ", \"site_id\": \"" : "", site ? site : "", site ? "\"" : "");
	test_add_item(&fx->r, text, id);
}

static void add_lot(const char *site, const char *number, char *id)
{
	char text[512];
	snprintf(text, sizeof text,
	         "{\"nomenclature\": \"Cartridge 7.62x39mm\", \"lot_number\": \"%s\", \"rounds\": 1000, "
	         "\"hazard_division\": \"1.4\", \"compat_group\": \"S\", \"site_id\": \"%s\", \"expiry\": "
	         "\"2027-01-15\"}",
	         number, site);
	json_decref(add(wam_stock_lot_add, text, id));
}

static void add_user(const char *name, char *id)
{
	json_t *in = json_pack("{s:s, s:s}", "name", name, "role", "armourer"), *out = NULL;
	ok(wam_auth_user_add(fx->r.db, &out, in, "a long enough password"), NULL, "add user");
	if (id)
		copy_id(id, out);
	json_decref(in);
	json_decref(out);
}

static int setup(void **state)
{
	char text[512];
	json_t *out, *in;
	fx = calloc(1, sizeof *fx);
	test_reg_create(&fx->r, "HT");
	json_decref(add(wam_registry_site_add, "{\"name\": \"Here Armoury\", \"kind\": \"armoury\"}", fx->here));
	json_decref(add(wam_registry_site_add, "{\"name\": \"There Depot\", \"kind\": \"depot\"}", fx->there));
	add_user("ann", fx->ann);
	add_user("ben", NULL);
	add_weapon("AK47-100001", fx->here, "in_store", fx->gun_here);
	add_weapon("AK47-305816", fx->there, "in_store", fx->gun_there);
	add_weapon("AK47-200002", fx->there, "in_store", fx->gun_issued);
	add_lot(fx->here, "LOT-H1", fx->lot_here);
	add_lot(fx->there, "LOT-T1", fx->lot_there);
	/* custody there */
	snprintf(text, sizeof text,
	         "{\"item_id\": \"%s\", \"person\": \"Sgt Marie\", \"unit\": \"3 Coy\", \"expected_return\": "
	         "\"2099-01-01\"}",
	         fx->gun_issued);
	json_decref(add(wam_stock_custody_issue, text, fx->custody_there));
	/* a check there, closed with nothing read: its weapon is missing */
	snprintf(text, sizeof text,
	         "{\"site_id\": \"%s\", \"type\": \"FULL_SERIAL\", \"checkers\": [\"ann\", \"ben\"]}", fx->there);
	json_decref(add(wam_stock_check_open, text, fx->check_there));
	const char *reads[] = {"AK47-200002"};
	ok(wam_stock_check_see(fx->r.db, NULL, fx->check_there, WAM_READ_TYPED, reads, 1), NULL, "check see");
	ok(wam_stock_check_close(fx->r.db, NULL, fx->check_there), NULL, "check close");
	ok(wam_stock_investigation_list(fx->r.db, &out, fx->check_there, true, NULL, 0), NULL, "investigations");
	if (json_array_size(out) < 1)
		fail_msg("the check there opened no investigation");
	copy_id(fx->inv_there, json_array_get(out, 0));
	json_decref(out);
	/* a weapon seized with a misread serial: a hit on the weapon there */
	add_weapon("AK47-3O58I6", NULL, "seized", NULL);
	wam_hit_filter hf = {0};
	ok(wam_trace_hit_list(fx->r.db, &out, &hf), NULL, "hits");
	if (json_array_size(out) != 1)
		fail_msg("expected one hit, got %zu", json_array_size(out));
	copy_id(fx->hit_there, json_array_get(out, 0));
	json_decref(out);
	/* an export proposed there */
	in = json_pack("{s:s, s:s, s:s}", "item_id", fx->gun_there, "reason", "sold", "document", "EL-1");
	ok(wam_registry_export_propose(fx->r.db, &out, in), NULL, "propose");
	copy_id(fx->proposal_there, out);
	json_decref(out);
	json_decref(in);

	snprintf(fx->confined.kind, sizeof fx->confined.kind, "user");
	snprintf(fx->confined.id, sizeof fx->confined.id, "%s", fx->ann);
	snprintf(fx->confined.name, sizeof fx->confined.name, "ann");
	snprintf(fx->confined.role, sizeof fx->confined.role, "admin");
	fx->confined.nsites = 1;
	snprintf(fx->confined.sites[0], sizeof fx->confined.sites[0], "%s", fx->here);
	fx->unconfined = fx->confined;
	fx->unconfined.nsites = 0;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_reg_destroy(&fx->r);
	free(fx);
	return 0;
}

static wam_db *as_confined(void)
{
	ok(wam_db_set_principal(fx->r.db, &fx->confined), NULL, "set principal");
	return fx->r.db;
}

static wam_db *as_owner(void)
{
	ok(wam_db_set_principal(fx->r.db, NULL), NULL, "set principal");
	return fx->r.db;
}

static wam_db *as_unconfined(void)
{
	ok(wam_db_set_principal(fx->r.db, &fx->unconfined), NULL, "set principal");
	return fx->r.db;
}

/* `rc` is `code` naming `field` (NULL: any), and `*out` (when `out` is not
 * NULL) was left NULL. */
static void refused(int rc, json_t **out, int code, const char *field, const char *what)
{
	if (rc != code)
		fail_msg("%s: rc %d, expected %d (%s)", what, rc, code, wam_error_last()->message);
	if (field && strcmp(wam_error_last()->field, field) != 0)
		fail_msg("%s: the error names '%s', not '%s' (%s)", what, wam_error_last()->field, field,
		         wam_error_last()->message);
	if (out && *out)
		fail_msg("%s: an answer came with the refusal", what);
}

/* ---- one record: hidden ---- */

typedef int (*get_fn)(wam_db *, json_t **, const char *);

/* Confined, `id` is not there (WAM_ENOTFOUND naming `field`); for the owner
 * and an unconfined principal it is. */
static void hidden(const char *name, get_fn fn, const char *id, const char *field)
{
	json_t *out = NULL;
	called(name);
	refused(fn(as_confined(), &out, id), &out, WAM_ENOTFOUND, field, name);
	ok(fn(as_owner(), &out, id), &out, name);
	out = NULL;
	ok(fn(as_unconfined(), &out, id), &out, name);
}

static int prove(wam_db *db, json_t **out, const char *id)
{
	return wam_ledger_prove(db, out, id);
}

static int prove_with(wam_db *db, json_t **out, const char *id)
{
	return wam_ledger_prove_with(db, out, id, NULL);
}

static void test_confine_one_record_elsewhere_is_not_there(void **state)
{
	(void)state;
	json_t *out = NULL;
	hidden("wam_registry_item_get", wam_registry_item_get, fx->gun_there, "id");
	hidden("wam_registry_site_get", wam_registry_site_get, fx->there, "id");
	hidden("wam_registry_item_history", wam_registry_item_history, fx->gun_there, "id");
	hidden("wam_registry_item_links", wam_registry_item_links, fx->gun_there, "id");
	hidden("wam_registry_export_get", wam_registry_export_get, fx->proposal_there, "id");
	hidden("wam_ledger_prove", prove, fx->gun_there, "id");
	hidden("wam_ledger_prove_with", prove_with, fx->gun_there, "id");
	hidden("wam_stock_site_tree", wam_stock_site_tree, fx->there, "id");
	hidden("wam_stock_site_compatibility", wam_stock_site_compatibility, fx->there, "id");
	hidden("wam_stock_lot_get", wam_stock_lot_get, fx->lot_there, "id");
	hidden("wam_stock_lot_history", wam_stock_lot_history, fx->lot_there, "id");
	hidden("wam_stock_custody_get", wam_stock_custody_get, fx->custody_there, "id");
	hidden("wam_stock_check_get", wam_stock_check_get, fx->check_there, "check");
	hidden("wam_trace_hit_get", wam_trace_hit_get, fx->hit_there, "id");
	/* what is here is shown to the confined principal */
	ok(wam_registry_item_get(as_confined(), &out, fx->gun_here), &out, "get item here");
	ok(wam_stock_lot_get(as_confined(), &out, fx->lot_here), &out, "get lot here");
	ok(wam_ledger_prove(as_confined(), &out, fx->gun_here), &out, "prove here");
	ok(wam_registry_item_history(as_confined(), &out, fx->gun_here), &out, "history here");
	/* a weapon here: its site's parts, none that covers the whole registry */
	assert_int_equal(wam_registry_item_links(as_confined(), &out, fx->gun_here), 0);
	assert_non_null(json_object_get(out, "custody"));
	assert_null(json_object_get(out, "losses"));
	assert_null(json_object_get(out, "traces"));
	ok(0, &out, "links here");
	assert_int_equal(wam_registry_item_links(as_owner(), &out, fx->gun_here), 0);
	assert_non_null(json_object_get(out, "losses"));
	ok(0, &out, "links here, owner");
	/* the message is the one for a record that does not exist */
	wam_registry_item_get(as_confined(), &out, fx->gun_there);
	char want[128];
	snprintf(want, sizeof want, "no weapon with id '%s'", fx->gun_there);
	assert_string_equal(wam_error_last()->message, want);
	/* the SDG report: a scope of the principal's own only */
	wam_sdg_scope there = {.year = 2026, .site_id = fx->there}, all = {.year = 2026},
	              here = {.year = 2026, .site_id = fx->here};
	called("wam_trace_sdg_report");
	refused(wam_trace_sdg_report(as_confined(), &out, &there), &out, WAM_EFORBIDDEN, "site", "sdg there");
	refused(wam_trace_sdg_report(as_confined(), &out, &all), &out, WAM_EFORBIDDEN, "site", "sdg everywhere");
	ok(wam_trace_sdg_report(as_confined(), &out, &here), &out, "sdg here");
	ok(wam_trace_sdg_report(as_unconfined(), &out, &all), &out, "sdg everywhere, unconfined");
	called("wam_trace_sdg_report_records");
	refused(wam_trace_sdg_report_records(as_confined(), &out, &there, "recovered", 0), &out, WAM_EFORBIDDEN, "site",
	        "sdg records there");
	ok(wam_trace_sdg_report_records(as_confined(), &out, &here, "recovered", 0), &out, "sdg records here");
	ok(wam_trace_sdg_report_records(as_owner(), &out, &there, "recovered", 0), &out, "sdg records there, owner");
	as_owner();
}

/* ---- lists ---- */

/* Every element of `list` has `key` naming `site`, or `key` of none names
 * `other`; `out` freed. */
static void all_at(json_t *list, const char *key, const char *site, const char *what)
{
	size_t i;
	json_t *v;
	if (!json_is_array(list))
		fail_msg("%s: not a list", what);
	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(json_object_get(v, key));
		if (!s || strcmp(s, site) != 0)
			fail_msg("%s: element %zu is at %s, not %s", what, i, s ? s : "(no site)", site);
	}
	json_decref(list);
}

/* `list` has an element whose `key` is `value`; freed. */
static void has(json_t *list, const char *key, const char *value, const char *what)
{
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(list, i, v) found |= !strcmp(test_str(v, key), value);
	json_decref(list);
	if (!found)
		fail_msg("%s: %s %s is not listed", what, key, value);
}

static void test_confine_lists_keep_to_the_sites(void **state)
{
	(void)state;
	json_t *out = NULL;
	wam_db *db;
	for (int pass = 0; pass < 2; pass++) {
		bool confined = pass == 0;
		db = confined ? as_confined() : as_unconfined();
#define LIST(name, call, key, elsewhere, list_of)                                                                      \
	do {                                                                                                           \
		called(name);                                                                                          \
		out = NULL;                                                                                            \
		ok(call, NULL, name);                                                                                  \
		if (confined)                                                                                          \
			all_at(json_incref(list_of), key, fx->here, name);                                             \
		else                                                                                                   \
			has(json_incref(list_of), key, elsewhere, name);                                               \
		json_decref(out);                                                                                      \
	} while (0)
		wam_item_filter items = {.limit = 100};
		LIST("wam_registry_item_list", wam_registry_item_list(db, &out, &items), "site_id", fx->there,
		     json_object_get(out, "items"));
		LIST("wam_registry_site_list", wam_registry_site_list(db, &out), "id", fx->there, out);
		LIST("wam_registry_item_find_serial", wam_registry_item_find_serial(db, &out, "AK47-305816"), "site_id",
		     fx->there, out);
		LIST("wam_registry_export_list", wam_registry_export_list(db, &out, NULL), "site_id", fx->there, out);
		wam_lot_filter lots = {0};
		LIST("wam_stock_lot_list", wam_stock_lot_list(db, &out, &lots), "site_id", fx->there, out);
		LIST("wam_stock_lot_expiring", wam_stock_lot_expiring(db, &out, 36500, "2026-06-01", &lots), "site_id",
		     fx->there, out);
		LIST("wam_stock_custody_list", wam_stock_custody_list(db, &out, NULL, NULL, NULL, 0), "site_id",
		     fx->there, out);
		LIST("wam_stock_custody_overdue", wam_stock_custody_overdue(db, &out, "2100-01-01", NULL, 0), "site_id",
		     fx->there, out);
		LIST("wam_stock_check_list", wam_stock_check_list(db, &out, NULL, NULL, 0), "site_id", fx->there, out);
		LIST("wam_stock_investigation_list", wam_stock_investigation_list(db, &out, NULL, true, NULL, 0),
		     "site_id", fx->there, out);
		wam_hit_filter hits = {0};
		LIST("wam_trace_hit_list", wam_trace_hit_list(db, &out, &hits), "owner_site_id", fx->there, out);
		LIST("wam_registry_summary", wam_registry_summary(db, &out), "id", fx->there,
		     json_object_get(out, "sites"));
		wam_match_query q = {.serial = "AK47-305816", .limit = 10};
		LIST("wam_match_search", wam_match_search(db, &out, &q), "site_id", fx->there,
		     json_object_get(out, "candidates"));
		wam_ammunition_query aq = {.lot = "LOT-?1"};
		LIST("wam_match_ammunition", wam_match_ammunition(db, &out, &aq), "site_id", fx->there,
		     json_object_get(out, "results"));
#undef LIST
	}
	/* a filter the caller names is narrowed, never widened */
	const char *there[] = {fx->there};
	ok(wam_stock_custody_list(as_confined(), &out, NULL, NULL, there, 1), NULL, "custody there");
	assert_int_equal(json_array_size(out), 0);
	json_decref(out);
	wam_item_filter f = {.site_id = fx->there};
	refused(wam_registry_item_list(as_confined(), &(json_t *){NULL}, &f), NULL, WAM_EFORBIDDEN, "site",
	        "items of site there");
	/* a search does not tell how many weapons were weighed elsewhere */
	wam_match_query q = {.serial = "AK47-100001"};
	ok(wam_match_search(as_confined(), &out, &q), NULL, "search");
	assert_null(json_object_get(json_object_get(out, "query"), "considered"));
	json_decref(out);
	as_owner();
}

/* The summary of a confined principal counts its sites only, and says so. */
static void test_confine_summary_counts_the_sites(void **state)
{
	(void)state;
	json_t *mine = NULL, *all = NULL;
	wam_item_filter here = {.site_id = fx->here, .limit = 100};
	json_t *listed = NULL;
	ok(wam_registry_item_list(as_owner(), &listed, &here), NULL, "items here");
	ok(wam_registry_summary(as_confined(), &mine), NULL, "summary, confined");
	ok(wam_registry_summary(as_unconfined(), &all), NULL, "summary, unconfined");
	json_t *tm = json_object_get(mine, "totals"), *ta = json_object_get(all, "totals");
	assert_int_equal(json_integer_value(json_object_get(tm, "items")),
	                 json_array_size(json_object_get(listed, "items")));
	assert_true(json_integer_value(json_object_get(ta, "items")) >
	            json_integer_value(json_object_get(tm, "items")));
	assert_int_equal(json_integer_value(json_object_get(tm, "sites")), 1);
	assert_null(json_object_get(tm, "events")); /* the ledger is the whole registry's */
	json_t *scope = json_object_get(mine, "scope");
	assert_true(json_is_true(json_object_get(scope, "confined")));
	assert_int_equal(json_array_size(json_object_get(scope, "sites")), 1);
	assert_string_equal(test_str(json_array_get(json_object_get(scope, "sites"), 0), "id"), fx->here);
	assert_true(json_is_false(json_object_get(json_object_get(all, "scope"), "confined")));
	/* the latest events are about weapons here */
	size_t i;
	json_t *ev;
	json_array_foreach(json_object_get(mine, "recent"), i, ev)
	{
		json_t *item = NULL;
		ok(wam_registry_item_get(as_owner(), &item, test_str(ev, "subject")), NULL, "recent weapon");
		assert_string_equal(test_str(item, "site_id"), fx->here);
		json_decref(item);
	}
	assert_true(json_array_size(json_object_get(mine, "recent")) > 0);
	/* the work to do: at the principal's sites, the hit and investigation
	 * there only to a principal who sees there */
	called("wam_todo");
	json_t *todo = NULL, *item;
	bool there = false;
	ok(wam_todo(as_confined(), &todo, "2026-06-01"), NULL, "todo, confined");
	json_array_foreach(json_object_get(todo, "items"), i, item)
	{
		const char *site;
		json_t *n;
		json_object_foreach(json_object_get(item, "sites"), site, n) if (strcmp(site, fx->here) != 0)
		    fail_msg("todo, confined: %s counts %s", test_str(item, "kind"), site);
	}
	json_decref(todo);
	ok(wam_todo(as_unconfined(), &todo, "2026-06-01"), NULL, "todo, unconfined");
	json_array_foreach(json_object_get(todo, "items"), i, item) there |=
	    json_object_get(json_object_get(item, "sites"), fx->there) != NULL;
	assert_true(there);
	json_decref(todo);
	refused(wam_todo(as_unconfined(), &todo, "June"), &todo, WAM_EINVAL, "as_of", "todo, a date that is none");
	json_decref(listed);
	json_decref(mine);
	json_decref(all);
	as_owner();
}

/* ---- writes ---- */

static void test_confine_writes_elsewhere_are_refused(void **state)
{
	(void)state;
	json_t *out = NULL, *in;
	char text[512];
	long long before = test_events(&fx->r);
	wam_db *db = as_confined();
#define REFUSED(name, call, code, field)                                                                               \
	do {                                                                                                           \
		called(name);                                                                                          \
		out = NULL;                                                                                            \
		refused(call, &out, code, field, name);                                                                \
	} while (0)
	in = json_pack("{s:s}", "reason", "lost on patrol");
	REFUSED("wam_registry_item_set_status", wam_registry_item_set_status(db, &out, fx->gun_there, "lost", in),
	        WAM_ENOTFOUND, "id");
	json_decref(in);
	REFUSED("wam_registry_item_attach", wam_registry_item_attach(db, &out, fx->gun_there, fx->gun_here, NULL),
	        WAM_ENOTFOUND, "id");
	snprintf(text, sizeof text,
	         "{\"category\": \"SA4\", \"make\": \"Glock\", \"serial\": \"G-1\", \"country\": \"AT\", \"site_id\": "
	         "\"%s\"}",
	         fx->there);
	in = test_json(text);
	REFUSED("wam_registry_item_add", wam_registry_item_add(db, &out, in, 0), WAM_EFORBIDDEN, "site_id");
	json_decref(in);
	in = json_pack("{s:s, s:s, s:s}", "item_id", fx->gun_issued, "reason", "sold", "document", "EL-2");
	REFUSED("wam_registry_export_propose", wam_registry_export_propose(db, &out, in), WAM_ENOTFOUND, "item_id");
	json_decref(in);
	REFUSED("wam_registry_export_confirm", wam_registry_export_confirm(db, &out, fx->proposal_there), WAM_ENOTFOUND,
	        "id");
	REFUSED("wam_registry_export_withdraw", wam_registry_export_withdraw(db, &out, fx->proposal_there, "no"),
	        WAM_ENOTFOUND, "id");
	in = json_pack("{s:s, s:s}", "to", fx->here, "reason", "moved");
	REFUSED("wam_stock_item_move", wam_stock_item_move(db, &out, fx->gun_there, in), WAM_ENOTFOUND, "id");
	json_decref(in);
	in = json_pack("{s:s, s:s}", "to", fx->there, "reason", "moved");
	REFUSED("wam_stock_item_move", wam_stock_item_move(db, &out, fx->gun_here, in), WAM_EFORBIDDEN, "to");
	json_decref(in);
	snprintf(text, sizeof text,
	         "{\"nomenclature\": \"Cartridge\", \"lot_number\": \"L-9\", \"rounds\": 10, \"hazard_division\": "
	         "\"1.4\", \"compat_group\": \"S\", \"site_id\": \"%s\"}",
	         fx->there);
	in = test_json(text);
	REFUSED("wam_stock_lot_add", wam_stock_lot_add(db, &out, in), WAM_EFORBIDDEN, "site_id");
	REFUSED("wam_stock_lot_add_origin", wam_stock_lot_add_origin(db, &out, in, "R-1", 0), WAM_EFORBIDDEN,
	        "site_id");
	json_decref(in);
	in = json_pack("{s:i, s:s}", "rounds", 10, "document", "IV-1");
	REFUSED("wam_stock_lot_receive", wam_stock_lot_receive(db, &out, fx->lot_there, in), WAM_ENOTFOUND, "id");
	REFUSED("wam_stock_lot_issue", wam_stock_lot_issue(db, &out, fx->lot_there, in), WAM_ENOTFOUND, "id");
	REFUSED("wam_stock_lot_split", wam_stock_lot_split(db, &out, fx->lot_there, in), WAM_ENOTFOUND, "id");
	json_decref(in);
	in = json_pack("{s:i, s:s}", "rounds", 10, "site_id", fx->there);
	REFUSED("wam_stock_lot_split", wam_stock_lot_split(db, &out, fx->lot_here, in), WAM_EFORBIDDEN, "site_id");
	json_decref(in);
	in = json_pack("{s:s, s:s}", "condition", "UNSERVICEABLE", "reason", "damp");
	REFUSED("wam_stock_lot_condition", wam_stock_lot_condition(db, &out, fx->lot_there, in), WAM_ENOTFOUND, "id");
	json_decref(in);
	REFUSED("wam_stock_custody_rule", wam_stock_custody_rule(db, &out, fx->there, true), WAM_ENOTFOUND, "id");
	in = json_pack("{s:s, s:s, s:s, s:s}", "item_id", fx->gun_there, "person", "Cpl Jean", "unit", "1 Coy",
	               "expected_return", "2099-01-01");
	REFUSED("wam_stock_custody_issue", wam_stock_custody_issue(db, &out, in), WAM_ENOTFOUND, "item_id");
	json_decref(in);
	REFUSED("wam_stock_custody_confirm", wam_stock_custody_confirm(db, &out, fx->custody_there), WAM_ENOTFOUND,
	        "id");
	REFUSED("wam_stock_custody_return", wam_stock_custody_return(db, &out, fx->gun_issued, NULL), WAM_ENOTFOUND,
	        "id");
	snprintf(text, sizeof text,
	         "{\"site_id\": \"%s\", \"type\": \"FULL_SERIAL\", \"checkers\": [\"ann\", \"ben\"]}", fx->there);
	in = test_json(text);
	REFUSED("wam_stock_check_open", wam_stock_check_open(db, &out, in), WAM_EFORBIDDEN, "site_id");
	json_decref(in);
	const char *reads[] = {"AK47-305816"};
	REFUSED("wam_stock_check_see", wam_stock_check_see(db, &out, fx->check_there, WAM_READ_TYPED, reads, 1),
	        WAM_ENOTFOUND, "check");
	FILE *feed = tmpfile();
	assert_non_null(feed);
	fputs("AK47-305816\n", feed);
	rewind(feed);
	REFUSED("wam_stock_check_feed", wam_stock_check_feed(db, &out, fx->check_there, WAM_READ_RFID, feed),
	        WAM_ENOTFOUND, "check");
	fclose(feed);
	REFUSED("wam_stock_check_close", wam_stock_check_close(db, &out, fx->check_there), WAM_ENOTFOUND, "check");
	in = json_pack("{s:s, s:s}", "outcome", "found", "reason", "it was in the back room");
	REFUSED("wam_stock_investigation_resolve",
	        wam_stock_investigation_resolve(db, &out, fx->inv_there, in, &fx->confined), WAM_ENOTFOUND,
	        "investigation");
	json_decref(in);
	in = json_pack("{s:s, s:s}", "decision", "reject", "reason", "another rifle");
	REFUSED("wam_trace_hit_decide", wam_trace_hit_decide(db, &out, fx->hit_there, in), WAM_ENOTFOUND, "id");
	json_decref(in);
#undef REFUSED
	assert_int_equal(test_events(&fx->r), before);
	/* at its own site the confined principal acts */
	in = json_pack("{s:s}", "reason", "lost on patrol");
	ok(wam_registry_item_set_status(db, &out, fx->gun_here, "lost", in), &out, "status here");
	json_decref(in);
	in = json_pack("{s:i, s:s}", "rounds", 10, "document", "IV-1");
	out = NULL;
	ok(wam_stock_lot_receive(db, &out, fx->lot_here, in), &out, "receipt here");
	json_decref(in);
	/* the status change, the loss report it makes (one loss, one record:
	 * docs/trace.md) and the receipt */
	assert_int_equal(test_events(&fx->r), before + 3);
	/* and the owner there */
	in = json_pack("{s:i, s:s}", "rounds", 10, "document", "IV-2");
	out = NULL;
	ok(wam_stock_lot_receive(as_owner(), &out, fx->lot_there, in), &out, "receipt there, owner");
	json_decref(in);
}

/* ---- the whole registry ---- */

static void test_confine_whole_registry_is_refused(void **state)
{
	(void)state;
	json_t *out = NULL, *in = test_json("{}");
	char *html = NULL, secret[WAM_TOKEN_LEN + 1], path[256];
	unsigned char *bytes = NULL;
	size_t n = 0;
	char media[32], pseudonym[32];
	wam_verify_report vr;
	wam_backup_report br;
	wam_import_report ir = {0};
	int64_t gen = 0;
	int sealed = 0, recorded = 0;
	long long before = test_events(&fx->r);
	const char *x = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
	FILE *f = tmpfile();
	assert_non_null(f);
	wam_db *db = as_confined();
#define NAT(name, call)                                                                                                \
	do {                                                                                                           \
		called(name);                                                                                          \
		out = NULL;                                                                                            \
		refused(call, &out, WAM_EFORBIDDEN, NULL, name);                                                       \
	} while (0)
	NAT("wam_registry_site_add", wam_registry_site_add(db, &out, in));
	wam_import_opts io = {0};
	NAT("wam_registry_import", wam_registry_import(db, &ir, f, &io));
	NAT("wam_registry_export", wam_registry_export(db, f, "csv"));
	wam_demo_opts demo = {.items = 10};
	NAT("wam_registry_demo", wam_registry_demo(db, &demo));
	NAT("wam_auth_credentials", wam_auth_credentials(db, &out, fx->ann));
	NAT("wam_auth_user_add", wam_auth_user_add(db, &out, in, "a long enough password"));
	NAT("wam_auth_user_update", wam_auth_user_update(db, &out, "ben", in));
	NAT("wam_auth_user_list", wam_auth_user_list(db, &out));
	NAT("wam_auth_token_add", wam_auth_token_add(db, &out, in, secret));
	NAT("wam_auth_token_revoke", wam_auth_token_revoke(db, x));
	NAT("wam_auth_token_list", wam_auth_token_list(db, &out));
	NAT("wam_auth_user_get", wam_auth_user_get(db, &out, "ben"));
	NAT("wam_auth_user_set_password", wam_auth_user_set_password(db, "ben", "a long enough password"));
	NAT("wam_auth_user_generation", wam_auth_user_generation(db, &gen, "ben"));
	NAT("wam_collection_recovery_add", wam_collection_recovery_add(db, &out, in));
	NAT("wam_collection_ammunition_stock", wam_collection_ammunition_stock(db, &out, x, 0, in));
	NAT("wam_collection_ammunition_commit", wam_collection_ammunition_commit(db, x, 0, 1, x));
	NAT("wam_collection_recovery_get", wam_collection_recovery_get(db, &out, x));
	NAT("wam_collection_recovery_list", wam_collection_recovery_list(db, &out));
	NAT("wam_collection_recovery_handover", wam_collection_recovery_handover(db, &out, x, in));
	NAT("wam_collection_recovery_photo_add", wam_collection_recovery_photo_add(db, &out, x, "x", 1, NULL));
	NAT("wam_collection_recovery_photo_get", wam_collection_recovery_photo_get(db, &bytes, &n, media, x, x));
	NAT("wam_collection_task_list", wam_collection_task_list(db, &out, NULL));
	NAT("wam_photo_add", wam_photo_add(db, &out, "\x89PNG\r\n\x1a\n", 8, NULL));
	NAT("wam_photo_get",
	    wam_photo_get(db, &bytes, &n, media, "0000000000000000000000000000000000000000000000000000000000000000"));
	NAT("wam_collection_task_mark", wam_collection_task_mark(db, &out, x, in));
	wam_verify_opts vo = {0};
	NAT("wam_ledger_verify_with", wam_ledger_verify_with(db, &vo, &vr));
	NAT("wam_ledger_verify", wam_ledger_verify(db, 0, &vr));
	NAT("wam_ledger_head_receipt", wam_ledger_head_receipt(db, &out));
	NAT("wam_ledger_rebuild", wam_ledger_rebuild(db));
	NAT("wam_ledger_rebuild_sealing", wam_ledger_rebuild_sealing(db, &sealed, &recorded, NULL));
	NAT("wam_ledger_events", wam_ledger_events(db, fx->gun_here, 0, 0, &out));
	NAT("wam_stock_destruction_open", wam_stock_destruction_open(db, &out, in));
	NAT("wam_stock_destruction_add_item", wam_stock_destruction_add_item(db, &out, x, fx->gun_here));
	NAT("wam_stock_destruction_add_lot", wam_stock_destruction_add_lot(db, &out, x, fx->lot_here, 1));
	NAT("wam_stock_destruction_add_recovered", wam_stock_destruction_add_recovered(db, &out, x, x, 0, 1));
	NAT("wam_stock_destruction_add_person", wam_stock_destruction_add_person(db, &out, x, "witness", "Ann"));
	NAT("wam_stock_destruction_verify", wam_stock_destruction_verify(db, &out, x, in));
	NAT("wam_stock_destruction_confirm", wam_stock_destruction_confirm(db, &out, x, &fx->confined));
	NAT("wam_stock_destruction_close", wam_stock_destruction_close(db, &out, x, "C-1"));
	NAT("wam_stock_destruction_get", wam_stock_destruction_get(db, &out, x));
	NAT("wam_stock_destruction_list", wam_stock_destruction_list(db, &out));
	NAT("wam_stock_destruction_certificate", wam_stock_destruction_certificate(db, &html, &n, x));
	snprintf(path, sizeof path, "%s/copy.db", fx->r.dir);
	NAT("wam_db_backup", wam_db_backup(db, &br, path));
	NAT("wam_transfers_screen", wam_transfers_screen(db, &out, in, NULL));
	NAT("wam_embargo_regimes_import", wam_embargo_regimes_import(db, &out, in));
	NAT("wam_embargo_regimes_import_file", wam_embargo_regimes_import_file(db, &out, NULL));
	NAT("wam_embargo_regime_list", wam_embargo_regime_list(db, &out, NULL));
	NAT("wam_embargo_regime_get", wam_embargo_regime_get(db, &out, "libya", NULL));
	NAT("wam_embargo_check", wam_embargo_check(db, &out, "LY", NULL, NULL));
	NAT("wam_embargo_record", wam_embargo_record(db, &out, in));
	NAT("wam_embargo_lift", wam_embargo_lift(db, &out, x, in));
	NAT("wam_embargo_exemption_add", wam_embargo_exemption_add(db, &out, "libya", in));
	NAT("wam_embargo_exemption_decide", wam_embargo_exemption_decide(db, &out, x, in));
	NAT("wam_embargo_exemption_get", wam_embargo_exemption_get(db, &out, x, NULL));
	NAT("wam_embargo_exemption_list", wam_embargo_exemption_list(db, &out, NULL));
	NAT("wam_embargo_exemption_notice", wam_embargo_exemption_notice(db, &html, &n, x));
	NAT("wam_embargo_notice_list", wam_embargo_notice_list(db, &out, NULL));
	NAT("wam_embargo_notice_get", wam_embargo_notice_get(db, &out, x));
	NAT("wam_embargo_notice_sent", wam_embargo_notice_sent(db, &out, x, in));
	NAT("wam_embargo_notice_document", wam_embargo_notice_document(db, &html, &n, x));
	wam_sanctions_query sq = {.name = "x"};
	NAT("wam_sanctions_import", wam_sanctions_import(db, &out, "a,b\n", 4, "csv", "HT national"));
	NAT("wam_sanctions_imports", wam_sanctions_imports(db, &out));
	NAT("wam_sanctions_entries", wam_sanctions_entries(db, &out, NULL, false, 0));
	NAT("wam_sanctions_entry_get", wam_sanctions_entry_get(db, &out, x));
	NAT("wam_sanctions_screen", wam_sanctions_screen(db, &out, &sq));
	NAT("wam_sanctions_screen_batch", wam_sanctions_screen_batch(db, "x\n", 2, NULL, NULL, NULL));
	NAT("wam_sanctions_alerts", wam_sanctions_alerts(db, &out, NULL));
	NAT("wam_sanctions_alert_get", wam_sanctions_alert_get(db, &out, x));
	NAT("wam_sanctions_alert_clear", wam_sanctions_alert_clear(db, &out, x, in));
	NAT("wam_sanctions_alert_confirm", wam_sanctions_alert_confirm(db, &out, x, in));
	NAT("wam_monitoring_observation_add", wam_monitoring_observation_add(db, &out, in));
	NAT("wam_monitoring_observation_get", wam_monitoring_observation_get(db, &out, x));
	NAT("wam_monitoring_observation_list", wam_monitoring_observation_list(db, &out, NULL));
	NAT("wam_monitoring_observation_trace", wam_monitoring_observation_trace(db, &out, x, 0, in));
	NAT("wam_monitoring_finding_add", wam_monitoring_finding_add(db, &out, in));
	NAT("wam_monitoring_finding_link", wam_monitoring_finding_link(db, &out, x, x, NULL));
	NAT("wam_monitoring_finding_unlink", wam_monitoring_finding_unlink(db, &out, x, x));
	NAT("wam_monitoring_finding_rule", wam_monitoring_finding_rule(db, &out, x));
	NAT("wam_monitoring_finding_corroborate", wam_monitoring_finding_corroborate(db, &out, x));
	NAT("wam_monitoring_finding_report", wam_monitoring_finding_report(db, &out, x, in));
	NAT("wam_monitoring_finding_get", wam_monitoring_finding_get(db, &out, x));
	NAT("wam_monitoring_finding_list", wam_monitoring_finding_list(db, &out, NULL, NULL));
	NAT("wam_monitoring_profile_actor", wam_monitoring_profile_actor(db, &out, "x"));
	NAT("wam_monitoring_profile_country", wam_monitoring_profile_country(db, &out, "CF", true));
	NAT("wam_monitoring_evidence_pack", wam_monitoring_evidence_pack(db, &out, x, "confined.wep", 0));
	NAT("wam_monitoring_evidence_verify", wam_monitoring_evidence_verify(db, &out, NULL, "x", 1, NULL));
	NAT("wam_monitoring_committee_report",
	    wam_monitoring_committee_report(db, &out, NULL, "2026-01-01", "2026-12-31"));
	wam_report_options ro = {.year = 2026};
	NAT("wam_report_make", wam_report_make(db, &out, "poa", &ro));
	NAT("wam_report_records", wam_report_records(db, &out, "poa", &ro, "records/weapons_recorded"));
	NAT("wam_report_submit", wam_report_submit(db, &out, "poa", &ro, NULL));
	NAT("wam_report_submission_list", wam_report_submission_list(db, &out, NULL, 0));
	NAT("wam_report_submission_get", wam_report_submission_get(db, &out, x));
	NAT("wam_report_diff", wam_report_diff(db, &out, "poa", 2026, NULL));
	NAT("wam_transfers_broker_add", wam_transfers_broker_add(db, &out, in));
	NAT("wam_transfers_broker_set_state", wam_transfers_broker_set_state(db, &out, x, in));
	NAT("wam_transfers_broker_get", wam_transfers_broker_get(db, &out, x));
	NAT("wam_transfers_broker_list", wam_transfers_broker_list(db, &out));
	NAT("wam_transfers_licence_add", wam_transfers_licence_add(db, &out, in));
	NAT("wam_transfers_licence_assess", wam_transfers_licence_assess(db, &out, x, in));
	NAT("wam_transfers_licence_issue", wam_transfers_licence_issue(db, &out, x));
	NAT("wam_transfers_licence_set_state", wam_transfers_licence_set_state(db, &out, x, in));
	NAT("wam_transfers_licence_get", wam_transfers_licence_get(db, &out, x));
	NAT("wam_transfers_licence_list", wam_transfers_licence_list(db, &out, NULL, NULL));
	NAT("wam_transfers_euc_add", wam_transfers_euc_add(db, &out, in));
	NAT("wam_transfers_euc_verify", wam_transfers_euc_verify(db, &out, x, in));
	NAT("wam_transfers_euc_check", wam_transfers_euc_check(db, &out, x, in));
	NAT("wam_transfers_euc_get", wam_transfers_euc_get(db, &out, x));
	NAT("wam_transfers_euc_list", wam_transfers_euc_list(db, &out));
	NAT("wam_transfers_shipment_add", wam_transfers_shipment_add(db, &out, in));
	NAT("wam_transfers_shipment_deliver", wam_transfers_shipment_deliver(db, &out, x, in));
	NAT("wam_transfers_shipment_get", wam_transfers_shipment_get(db, &out, x));
	NAT("wam_transfers_shipment_list", wam_transfers_shipment_list(db, &out, NULL));
	NAT("wam_transfers_diversion_list", wam_transfers_diversion_list(db, &out, NULL));
	NAT("wam_transfers_diversion_get", wam_transfers_diversion_get(db, &out, x));
	NAT("wam_transfers_diversion_trace", wam_transfers_diversion_trace(db, &out, x));
	NAT("wam_transfers_diversion_close", wam_transfers_diversion_close(db, &out, x, in));
	NAT("wam_transfers_records", wam_transfers_records(db, &out, 0, NULL, NULL));
	NAT("wam_trace_loss_report", wam_trace_loss_report(db, &out, in));
	NAT("wam_trace_loss_list", wam_trace_loss_list(db, &out, 0));
	NAT("wam_trace_loss_export", wam_trace_loss_export(db, f));
	NAT("wam_trace_hit_scan", wam_trace_hit_scan(db, &out, NULL));
	NAT("wam_trace_origin_establish", wam_trace_origin_establish(db, &out, fx->gun_here, in));
	NAT("wam_trace_request_draft", wam_trace_request_draft(db, &out, in));
	NAT("wam_trace_request_update", wam_trace_request_update(db, &out, x, in));
	NAT("wam_trace_request_quality", wam_trace_request_quality(db, &out, x, in));
	NAT("wam_trace_request_send", wam_trace_request_send(db, &out, x, in));
	NAT("wam_trace_request_acknowledge", wam_trace_request_acknowledge(db, &out, x, in));
	NAT("wam_trace_request_respond", wam_trace_request_respond(db, &out, x, in));
	NAT("wam_trace_request_close", wam_trace_request_close(db, &out, x, in));
	NAT("wam_trace_request_get", wam_trace_request_get(db, &out, x, 0));
	wam_trace_filter tf = {0};
	NAT("wam_trace_request_list", wam_trace_request_list(db, &out, &tf));
	NAT("wam_trace_node", wam_trace_node(db, &out));
	NAT("wam_trace_peer_add", wam_trace_peer_add(db, &out, in));
	NAT("wam_trace_peer_list", wam_trace_peer_list(db, &out));
	NAT("wam_trace_peer_revoke", wam_trace_peer_revoke(db, &out, x, in));
	NAT("wam_trace_request_export", wam_trace_request_export(db, &out, x));
	NAT("wam_trace_request_import", wam_trace_request_import(db, &out, in));
#undef NAT
	assert_null(html);
	assert_null(bytes);
	assert_int_equal(test_events(&fx->r), before);
	/* the principal's own account is its own */
	ok(wam_auth_user_get(db, &out, "ann"), &out, "own account");
	ok(wam_auth_user_generation(db, &gen, fx->ann), NULL, "own generation");
	(void)pseudonym;
	/* the owner and an unconfined principal are refused none of it */
	ok(wam_ledger_verify(as_owner(), 0, &vr), NULL, "verify, owner");
	ok(wam_auth_user_list(as_unconfined(), &out), &out, "users, unconfined");
	fclose(f);
	json_decref(in);
	as_owner();
}

/* A handle cloned for another thread keeps the principal. */
static void test_confine_clone_keeps_the_principal(void **state)
{
	(void)state;
	wam_db *copy = NULL;
	json_t *out = NULL;
	ok(wam_db_clone(&copy, as_confined()), NULL, "clone");
	refused(wam_registry_item_get(copy, &out, fx->gun_there), &out, WAM_ENOTFOUND, "id", "clone");
	assert_non_null(wam_db_principal(copy));
	wam_db_close(copy);
	assert_null(wam_db_principal(as_owner()));
}

/* ---- what a record at the principal's sites could tell of another ---- */

/* `text` does not name `id` (a weapon or site the principal cannot see). */
static void does_not_name(const char *text, const char *id, const char *what)
{
	if (text && strstr(text, id))
		fail_msg("%s names %s: %s", what, id, text);
}

/* A confined checker's read of a serial registered at another site is a
 * read of nothing: unexpected, naming neither the weapon nor its site. And
 * an investigation about a weapon elsewhere cannot be resolved. */
static void test_confine_check_reads_elsewhere_are_unknown(void **state)
{
	(void)state;
	char text[512], check[WAM_ID_LEN + 1], owners[WAM_ID_LEN + 1], wrong[WAM_ID_LEN + 1] = "";
	json_t *out = NULL, *in;
	size_t i;
	json_t *d;
	/* the owner's check here reads the weapon there: at the wrong location */
	snprintf(text, sizeof text,
	         "{\"site_id\": \"%s\", \"type\": \"FULL_SERIAL\", \"checkers\": [\"ann\", \"ben\"]}", fx->here);
	as_owner();
	json_decref(add(wam_stock_check_open, text, owners));
	const char *reads[] = {"AK47-305816", "NOSUCH1"};
	ok(wam_stock_check_see(fx->r.db, NULL, owners, WAM_READ_TYPED, reads, 2), NULL, "owner's see");
	ok(wam_stock_check_close(fx->r.db, NULL, owners), NULL, "owner's close");
	ok(wam_stock_investigation_list(fx->r.db, &out, owners, true, NULL, 0), NULL, "owner's investigations");
	json_array_foreach(out, i, d) if (!strcmp(json_string_value(json_object_get(d, "kind")), "wrong_location"))
	    copy_id(wrong, d);
	json_decref(out);
	assert_int_equal(strlen(wrong), WAM_ID_LEN);
	/* the same reads by a confined checker */
	wam_db *db = as_confined();
	json_decref(add(wam_stock_check_open, text, check));
	ok(wam_stock_check_see(db, NULL, check, WAM_READ_TYPED, reads, 2), NULL, "confined see");
	ok(wam_stock_check_close(db, &out, check), NULL, "confined close");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "counts"), "wrong_location")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "counts"), "unexpected")), 2);
	char *dump = json_dumps(out, JSON_COMPACT);
	does_not_name(dump, fx->gun_there, "the closed check");
	does_not_name(dump, fx->there, "the closed check");
	free(dump);
	json_decref(out);
	ok(wam_stock_investigation_list(db, &out, check, true, NULL, 0), NULL, "confined investigations");
	int unexpected = 0;
	json_array_foreach(out, i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		assert_string_not_equal(kind, "wrong_location");
		if (!strcmp(kind, "unexpected")) {
			unexpected++;
			assert_null(json_object_get(d, "item_id")); /* as a serial matching nothing */
		}
	}
	assert_int_equal(unexpected, 2);
	dump = json_dumps(out, JSON_COMPACT);
	does_not_name(dump, fx->gun_there, "the investigations");
	does_not_name(dump, fx->there, "the investigations");
	free(dump);
	json_decref(out);
	/* the owner's investigation of the weapon there is not the principal's */
	in = json_pack("{s:s, s:s}", "outcome", "found", "reason", "it was in the back room");
	refused(wam_stock_investigation_resolve(db, &out, wrong, in, &fx->confined), &out, WAM_ENOTFOUND,
	        "investigation", "resolve an investigation of a weapon there");
	json_decref(in);
	as_owner();
}

/* A serial registered at another site: the conflict does not name the
 * weapon there; recorded knowingly, the link is kept and hidden. */
static void test_confine_duplicates_elsewhere_are_not_named(void **state)
{
	(void)state;
	char text[512];
	json_t *out = NULL;
	snprintf(text, sizeof text,
	         "{\"category\": \"SA4\", \"make\": \"Kalashnikov Concern\", \"model\": \"AK-47\", \"calibre\": "
	         "\"7.62x39mm\", \"country\": \"RU\", \"serial\": \"AK47-305816\", \"status\": \"in_store\", "
	         "\"site_id\": \"%s\"}",
	         fx->here);
	json_t *in = test_json(text);
	wam_db *db = as_confined();
	refused(wam_registry_item_add(db, &out, in, 0), &out, WAM_ECONFLICT, "serial", "a duplicate");
	does_not_name(wam_error_last()->message, fx->gun_there, "the conflict");
	assert_non_null(strstr(wam_error_last()->message, "already registered at a site not yours"));
	ok(wam_registry_item_add(db, &out, in, WAM_ALLOW_DUPLICATE), NULL, "a duplicate knowingly");
	char id[WAM_ID_LEN + 1];
	copy_id(id, out);
	assert_int_equal(json_array_size(json_object_get(out, "duplicate_of")), 0);
	json_decref(out);
	wam_item_filter f = {.limit = 100};
	ok(wam_registry_item_list(db, &out, &f), NULL, "list");
	char *dump = json_dumps(out, JSON_COMPACT);
	does_not_name(dump, fx->gun_there, "the list");
	free(dump);
	json_decref(out);
	/* the registry of record keeps the link */
	ok(wam_registry_item_get(as_owner(), &out, id), NULL, "the owner's read");
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "duplicate_of"), 0)), fx->gun_there);
	json_decref(out);
	json_decref(in);
}

/* A check of the principal's site with the sites under it is refused when
 * one of them is not the principal's, as the SDG report is. */
static void test_confine_check_of_subsites_elsewhere_is_refused(void **state)
{
	(void)state;
	char text[512], below[WAM_ID_LEN + 1];
	json_t *out = NULL;
	snprintf(text, sizeof text, "{\"name\": \"Here Annex\", \"kind\": \"armoury\", \"parent_id\": \"%s\"}",
	         fx->here);
	as_owner();
	json_decref(add(wam_registry_site_add, text, below));
	snprintf(text, sizeof text,
	         "{\"site_id\": \"%s\", \"type\": \"FULL_SERIAL\", \"subsites\": true, \"checkers\": [\"ann\", "
	         "\"ben\"]}",
	         fx->here);
	json_t *in = test_json(text);
	long long before = test_events(&fx->r);
	refused(wam_stock_check_open(as_confined(), &out, in), &out, WAM_EFORBIDDEN, "subsites", "subsites");
	assert_non_null(strstr(wam_error_last()->message, "covers site"));
	assert_non_null(strstr(wam_error_last()->message, below));
	assert_int_equal(test_events(&fx->r), before);
	json_decref(in);
	as_owner();
}

/* A list filter naming another site is refused, as the weapon list's is,
 * not answered with an empty list. */
static void test_confine_filters_naming_elsewhere_are_refused(void **state)
{
	(void)state;
	json_t *out = NULL;
	wam_db *db = as_confined();
	wam_lot_filter lots = {.site_id = fx->there};
	refused(wam_stock_lot_list(db, &out, &lots), &out, WAM_EFORBIDDEN, "site", "lots there");
	refused(wam_stock_lot_expiring(db, &out, 36500, "2026-06-01", &lots), &out, WAM_EFORBIDDEN, "site",
	        "expiring lots there");
	const char *there[] = {fx->there};
	wam_hit_filter hits = {.sites = there, .nsites = 1};
	refused(wam_trace_hit_list(db, &out, &hits), &out, WAM_EFORBIDDEN, "site", "hits there");
	/* its own site still answers */
	lots.site_id = fx->here;
	ok(wam_stock_lot_list(db, &out, &lots), &out, "lots here");
	as_owner();
}

/* ---- the table and the headers ---- */

/* The headers' text without comments and preprocessor lines. */
static char *header_text(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s", path);
	char *text = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&text, &n);
	int c, prev = '\n';
	bool comment = false, directive = false;
	while ((c = fgetc(f)) != EOF) {
		if (comment) {
			if (prev == '*' && c == '/') {
				comment = false;
				c = ' ';
			}
			prev = c;
			continue;
		}
		if (directive) {
			if (c == '\n' && prev != '\\')
				directive = false;
			prev = c;
			continue;
		}
		if (c == '*' && prev == '/') {
			comment = true;
			fseek(m, -1, SEEK_CUR); /* the '/' already written */
			prev = 0;
			continue;
		}
		if (c == '#' && prev == '\n') {
			directive = true;
			prev = c;
			continue;
		}
		fputc(c, m);
		prev = c;
	}
	fclose(f);
	fclose(m);
	return text;
}

/* Calls `each` with the name of every function the header declares: in
 * each statement (between ; { and }) not a typedef, the first wam_ name
 * followed by '('. */
static void each_function(const char *text, void (*each)(const char *name, void *ctx), void *ctx)
{
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, ";{}");
		char *stmt = strndup(p, len);
		if (!strstr(stmt, "typedef")) {
			for (char *s = strstr(stmt, "wam_"); s; s = strstr(s + 1, "wam_")) {
				if (s > stmt && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
					continue;
				char *e = s;
				while (isalnum((unsigned char)*e) || *e == '_')
					e++;
				char *q = e;
				while (*q == ' ' || *q == '\t' || *q == '\n')
					q++;
				if (*q == '(') {
					*e = '\0';
					each(s, ctx);
					break;
				}
			}
		}
		free(stmt);
		p += len;
		if (*p)
			p++;
	}
}

typedef struct scan {
	int missing;
	int found;
} scan;

static void check_listed(const char *name, void *ctx)
{
	scan *sc = ctx;
	sc->found++;
	if (!find_fn(name)) {
		sc->missing++;
		print_error("%s is a public function that the table of test_confine.c does not name: say what "
		            "confinement does to it\n",
		            name);
	}
}

static void test_confine_every_public_function_is_named(void **state)
{
	(void)state;
	const char *data = getenv("WAM_DATA_DIR");
	assert_non_null(data);
	char dir[512];
	snprintf(dir, sizeof dir, "%s/../include/wam", data);
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot list %s", dir);
	scan sc = {0};
	int headers = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 3 || strcmp(e->d_name + n - 2, ".h") != 0)
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *text = header_text(path);
		each_function(text, check_listed, &sc);
		free(text);
		headers++;
	}
	closedir(d);
	assert_true(headers >= 9);
	assert_true(sc.found > 100);
	if (sc.missing)
		fail_msg("%d public functions are not named in the table", sc.missing);
}

/* A confined caller hears of the users who share one of its sites and of
 * those not confined, never of a user confined elsewhere. */
static void test_confine_user_names_keep_to_the_sites(void **state)
{
	(void)state;
	json_t *out = NULL, *in;
	as_owner();
	in = json_pack("{s:s, s:s, s:[s]}", "name", "cara", "role", "viewer", "sites", fx->there);
	ok(wam_auth_user_add(fx->r.db, &out, in, "a long enough password"), &out, "add cara");
	json_decref(in);
	in = json_pack("{s:s, s:s, s:[s]}", "name", "dan", "role", "viewer", "sites", fx->here);
	ok(wam_auth_user_add(fx->r.db, &out, in, "a long enough password"), &out, "add dan");
	json_decref(in);
	const char *seen[2][4] = {{"ann", "ben", "dan", NULL}, {"ann", "ben", "cara", "dan"}};
	for (int pass = 0; pass < 2; pass++) {
		called("wam_auth_user_names");
		ok(wam_auth_user_names(pass ? as_unconfined() : as_confined(), &out), NULL, "user names");
		char names[256] = "";
		size_t i;
		json_t *u;
		json_array_foreach(out, i, u)
		{
			const char *name = json_string_value(json_object_get(u, "name"));
			if (!strcmp(name, "ann") || !strcmp(name, "ben") || !strcmp(name, "cara") ||
			    !strcmp(name, "dan")) {
				size_t len = strlen(names);
				snprintf(names + len, sizeof names - len, "%s ", name);
			}
			assert_null(json_object_get(u, "sites"));
		}
		char want[256] = "";
		for (int k = 0; k < 4 && seen[pass][k]; k++) {
			size_t len = strlen(want);
			snprintf(want + len, sizeof want - len, "%s ", seen[pass][k]);
		}
		assert_string_equal(names, want);
		json_decref(out);
	}
	as_owner();
}

static void test_confine_every_site_bound_function_was_called(void **state)
{
	(void)state;
	int missed = 0;
	for (size_t i = 0; i < NFNS; i++)
		if (fns[i].kind != FREE && !fns[i].called) {
			print_error("%s touches records at sites but no test called it as a confined principal\n",
			            fns[i].name);
			missed++;
		}
	assert_int_equal(missed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_confine_one_record_elsewhere_is_not_there),
	    cmocka_unit_test(test_confine_lists_keep_to_the_sites),
	    cmocka_unit_test(test_confine_summary_counts_the_sites),
	    cmocka_unit_test(test_confine_writes_elsewhere_are_refused),
	    cmocka_unit_test(test_confine_whole_registry_is_refused),
	    cmocka_unit_test(test_confine_clone_keeps_the_principal),
	    cmocka_unit_test(test_confine_check_reads_elsewhere_are_unknown),
	    cmocka_unit_test(test_confine_duplicates_elsewhere_are_not_named),
	    cmocka_unit_test(test_confine_check_of_subsites_elsewhere_is_refused),
	    cmocka_unit_test(test_confine_filters_naming_elsewhere_are_refused),
	    cmocka_unit_test(test_confine_user_names_keep_to_the_sites),
	    cmocka_unit_test(test_confine_every_public_function_is_named),
	    cmocka_unit_test(test_confine_every_site_bound_function_was_called),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
