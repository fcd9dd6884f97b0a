/* Every route of the API in one table: method, path pattern, the action
 * (include/wam/auth.h) a caller needs, and the query parameters it takes.
 * docs/api/openapi.yaml describes the same routes; a test checks the two
 * agree (`wam serve --routes` prints this table). */
#include <string.h>

#include "http.h"

static const char *const q_items[] = {"status", "site", "make",      "category",    "after",          "sort", "offset",
                                      "limit",  "kind", "part_type", "manufacture", "frame_material", NULL};
static const char *const q_create[] = {"allow_duplicate", NULL};
static const char *const q_search[] = {"serial", "make", "model", "calibre", "country", "limit", "max_edits", NULL};
static const char *const q_explain[] = {"serial", NULL};
static const char *const q_search_ammunition[] = {"headstamp", "lot", "calibre", "limit", NULL};
static const char *const q_export_proposals[] = {"state", NULL};
static const char *const q_import[] = {"dry_run", "skip_bad", "allow_duplicates", NULL};
static const char *const q_export[] = {"format", NULL};
static const char *const q_verify[] = {"chain_only", NULL};
static const char *const q_events[] = {"subject", "after", "limit", NULL};
static const char *const q_checks[] = {"site", NULL};                    /* stock: checks */
static const char *const q_check_reads[] = {"method", NULL};
static const char *const q_investigations[] = {"check", "all", NULL};
static const char *const q_lots[] = {"site", "condition", NULL};          /* stock: lots */
static const char *const q_lots_expiring[] = {"days", "as_of", "site", NULL};
static const char *const q_custody[] = {"state", "item", NULL};           /* stock: custody */
static const char *const q_overdue[] = {"as_of", NULL};
static const char *const q_todo[] = {"as_of", NULL};
static const char *const q_photo[] = {"caption", NULL};                   /* collection */
static const char *const q_tasks[] = {"state", NULL};
static const char *const q_losses[] = {"open", NULL};                     /* trace */
static const char *const q_hits[] = {"state", NULL};
static const char *const q_traces[] = {"direction", "state", "overdue", "item", NULL};
static const char *const q_sdg[] = {"year", "site", "format", NULL};
static const char *const q_sdg_records[] = {"year", "site", "figure", NULL};
static const char *const q_suggest[] = {"field", "prefix", "make", "limit", NULL}; /* pickers */
static const char *const q_licences[] = {"kind", "state", NULL};                   /* transfers */
static const char *const q_shipments[] = {"licence", NULL};
static const char *const q_diversions[] = {"state", NULL};
static const char *const q_embargoes[] = {"on", NULL}; /* embargo */
static const char *const q_embargo_check[] = {"country", "on", "name", "dob", "nationality", "government", NULL};
static const char *const q_exemptions[] = {"regime", NULL};
static const char *const q_notices[] = {"state", NULL};
static const char *const q_sanctions_import[] = {"format", "source", NULL}; /* sanctions */
static const char *const q_sanctions_entries[] = {"q", "removed", "limit", NULL};
static const char *const q_sanctions_screen[] = {"name",    "dob",       "nationality", "document", "kind",
                                                 "explain", "threshold", "limit",       NULL};
static const char *const q_sanctions_batch[] = {"kind", "explain", "threshold", "limit", NULL};
static const char *const q_alerts[] = {"state", NULL};
static const char *const q_transfer_records[] = {"year", "direction", "figure", NULL};
static const char *const q_observations[] = {"actor", "country", "kind", "regime", "since", "until", "limit", NULL};
static const char *const q_findings[] = {"state", "regime", NULL}; /* monitoring */
static const char *const q_profile_actor[] = {"name", NULL};
static const char *const q_profile_country[] = {"compare_imports", NULL};
static const char *const q_evidence_pack[] = {"redact_sources", NULL};
static const char *const q_evidence_verify[] = {"public_key", NULL};
static const char *const q_committee[] = {"from", "to", "regime", "format", NULL};
static const char *const q_report[] = {"year", "direction", "basis", "withhold", "format", NULL}; /* reports */
static const char *const q_report_records[] = {"year", "direction", "basis", "withhold", "row", NULL};
static const char *const q_report_submissions[] = {"report", "year", NULL};
static const char *const q_report_diff[] = {"year", "submission", NULL};

const route wam_http_routes[] = {
    {"GET", "/api/v1/health", ACT_PUBLIC, 0, h_health, NULL},
    {"POST", "/api/v1/session", ACT_PUBLIC, 0, h_session_create, NULL},
    {"GET", "/api/v1/session", ACT_SIGNED_IN, ROUTE_SNAPSHOT, h_session_get, NULL},
    {"DELETE", "/api/v1/session", ACT_SIGNED_IN, 0, h_session_delete, NULL},
    {"PUT", "/api/v1/session/password", ACT_SIGNED_IN, 0, h_session_password, NULL},
    {"DELETE", "/api/v1/session/all", ACT_SIGNED_IN, 0, h_session_delete_all, NULL},
    {"GET", "/api/v1/vocabulary", ACT_SIGNED_IN, ROUTE_SNAPSHOT, h_vocabulary, NULL},
    /* what forms offer to choose from: names of countries, makes, users */
    {"GET", "/api/v1/countries", ACT_SIGNED_IN, ROUTE_SNAPSHOT, h_countries, NULL},
    {"GET", "/api/v1/suggest", WAM_ACT_READ, ROUTE_SNAPSHOT, h_suggest, q_suggest},
    {"GET", "/api/v1/user-names", WAM_ACT_READ, ROUTE_SNAPSHOT, h_user_names, NULL},
    /* the photo store: photos named by their SHA-256 (a trace request's) */
    {"POST", "/api/v1/photos", WAM_ACT_TRACE, ROUTE_NATIONAL | ROUTE_BIG_BODY, h_photo_add, NULL},
    {"GET", "/api/v1/photos/{hash}", WAM_ACT_TRACE, ROUTE_NATIONAL, h_photo_get, NULL},

    {"GET", "/api/v1/items", WAM_ACT_READ, ROUTE_SNAPSHOT, h_items_list, q_items},
    {"POST", "/api/v1/items", WAM_ACT_REGISTER, 0, h_items_create, q_create},
    {"GET", "/api/v1/items/{id}", WAM_ACT_READ, ROUTE_SNAPSHOT, h_item_get, NULL},
    {"GET", "/api/v1/items/{id}/markings", WAM_ACT_READ, ROUTE_SNAPSHOT, h_item_markings, NULL},
    {"GET", "/api/v1/items/{id}/history", WAM_ACT_READ, ROUTE_SNAPSHOT, h_item_history, NULL},
    {"GET", "/api/v1/items/{id}/integrity", WAM_ACT_READ, ROUTE_SNAPSHOT, h_item_integrity, NULL},
    {"GET", "/api/v1/items/{id}/links", WAM_ACT_READ, ROUTE_SNAPSHOT, h_item_links, NULL},
    {"POST", "/api/v1/items/{id}/status", WAM_ACT_STATUS, 0, h_item_status, NULL},
    {"POST", "/api/v1/items/{id}/attach", WAM_ACT_REGISTER, 0, h_item_attach, NULL},
    {"GET", "/api/v1/export-proposals", WAM_ACT_READ, ROUTE_SNAPSHOT, h_exports_list, q_export_proposals},
    {"POST", "/api/v1/export-proposals", WAM_ACT_STATUS, 0, h_exports_create, NULL},
    {"GET", "/api/v1/export-proposals/{id}", WAM_ACT_READ, ROUTE_SNAPSHOT, h_export_get, NULL},
    {"POST", "/api/v1/export-proposals/{id}/confirm", WAM_ACT_CONFIRM_EXPORT, 0, h_export_confirm, NULL},
    {"POST", "/api/v1/export-proposals/{id}/withdraw", WAM_ACT_STATUS, 0, h_export_withdraw, NULL},

    {"GET", "/api/v1/sites", WAM_ACT_READ, ROUTE_SNAPSHOT, h_sites_list, NULL},
    {"POST", "/api/v1/sites", WAM_ACT_REGISTER, ROUTE_NATIONAL, h_sites_create, NULL},
    {"GET", "/api/v1/sites/{id}", WAM_ACT_READ, 0, h_site_get, NULL},
    {"GET", "/api/v1/holders", WAM_ACT_READ, ROUTE_SNAPSHOT, h_holders_list, NULL},
    {"POST", "/api/v1/holders", WAM_ACT_REGISTER, 0, h_holders_create, NULL},
    {"GET", "/api/v1/holders/{id}", WAM_ACT_READ, 0, h_holder_get, NULL},

    {"GET", "/api/v1/search", WAM_ACT_READ, ROUTE_SNAPSHOT, h_search, q_search},
    {"GET", "/api/v1/search/explain", WAM_ACT_READ, 0, h_search_explain, q_explain},
    {"GET", "/api/v1/search/ammunition", WAM_ACT_READ, ROUTE_SNAPSHOT, h_search_ammunition, q_search_ammunition},
    {"GET", "/api/v1/summary", WAM_ACT_READ, ROUTE_SNAPSHOT, h_summary, NULL},
    {"GET", "/api/v1/todo", WAM_ACT_READ, ROUTE_SNAPSHOT, h_todo, q_todo},

    {"POST", "/api/v1/import", WAM_ACT_REGISTER, ROUTE_NATIONAL | ROUTE_BIG_BODY, h_import, q_import},
    {"GET", "/api/v1/export", WAM_ACT_EXPORT, ROUTE_NATIONAL, h_export, q_export},
    {"GET", "/api/v1/verify", WAM_ACT_AUDIT, ROUTE_NATIONAL, h_verify, q_verify},
    {"GET", "/api/v1/events", WAM_ACT_AUDIT, ROUTE_NATIONAL, h_events, q_events},

    {"GET", "/api/v1/users", WAM_ACT_ADMIN, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_users_list, NULL},
    {"POST", "/api/v1/users", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_users_create, NULL},
    {"GET", "/api/v1/users/{id}", WAM_ACT_ADMIN, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_user_get, NULL},
    {"PATCH", "/api/v1/users/{id}", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_user_update, NULL},
    {"PUT", "/api/v1/users/{id}/password", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_user_password, NULL},
    {"GET", "/api/v1/tokens", WAM_ACT_ADMIN, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_tokens_list, NULL},
    {"POST", "/api/v1/tokens", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_tokens_create, NULL},
    {"DELETE", "/api/v1/tokens/{id}", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_token_revoke, NULL},

    /* stock: ammunition lots, locations and moves, custody */
    {"GET", "/api/v1/lots", WAM_ACT_READ, ROUTE_SNAPSHOT, h_lots_list, q_lots},
    {"POST", "/api/v1/lots", WAM_ACT_STOCK, 0, h_lots_create, NULL},
    {"GET", "/api/v1/lots/expiring", WAM_ACT_READ, ROUTE_SNAPSHOT, h_lots_expiring, q_lots_expiring},
    {"GET", "/api/v1/lots/{id}", WAM_ACT_READ, ROUTE_SNAPSHOT, h_lot_get, NULL},
    {"GET", "/api/v1/lots/{id}/history", WAM_ACT_READ, ROUTE_SNAPSHOT, h_lot_history, NULL},
    {"POST", "/api/v1/lots/{id}/receipts", WAM_ACT_STOCK, 0, h_lot_receipt, NULL},
    {"POST", "/api/v1/lots/{id}/issues", WAM_ACT_STOCK, 0, h_lot_issue, NULL},
    {"POST", "/api/v1/lots/{id}/split", WAM_ACT_STOCK, 0, h_lot_split, NULL},
    {"POST", "/api/v1/lots/{id}/condition", WAM_ACT_STOCK, 0, h_lot_condition, NULL},
    {"GET", "/api/v1/sites/{id}/compatibility", WAM_ACT_READ, ROUTE_SNAPSHOT, h_site_compatibility, NULL},
    {"GET", "/api/v1/sites/{id}/tree", WAM_ACT_READ, ROUTE_SNAPSHOT, h_site_tree, NULL},
    {"PUT", "/api/v1/sites/{id}/custody-rule", WAM_ACT_STOCK, 0, h_site_custody_rule, NULL},
    {"POST", "/api/v1/items/{id}/move", WAM_ACT_STOCK, 0, h_item_move, NULL},
    {"GET", "/api/v1/custody", WAM_ACT_STOCK, ROUTE_SNAPSHOT, h_custody_list, q_custody},
    {"POST", "/api/v1/custody", WAM_ACT_STOCK, 0, h_custody_issue, NULL},
    {"GET", "/api/v1/custody/overdue", WAM_ACT_STOCK, ROUTE_SNAPSHOT, h_custody_overdue, q_overdue},
    {"GET", "/api/v1/custody/{id}", WAM_ACT_STOCK, ROUTE_SNAPSHOT, h_custody_get, NULL},
    {"POST", "/api/v1/custody/{id}/confirm", WAM_ACT_STOCK, 0, h_custody_confirm, NULL},
    {"POST", "/api/v1/custody/{id}/return", WAM_ACT_STOCK, 0, h_custody_return, NULL},
    /* collection: recoveries, their chain of custody and photos, R5 tasks */
    {"GET", "/api/v1/recoveries", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_recoveries_list, NULL},
    {"POST", "/api/v1/recoveries", WAM_ACT_COLLECT, ROUTE_NATIONAL, h_recoveries_create, NULL},
    {"GET", "/api/v1/recoveries/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_recovery_get, NULL},
    {"POST", "/api/v1/recoveries/{id}/handovers", WAM_ACT_COLLECT, ROUTE_NATIONAL, h_recovery_handover, NULL},
    {"POST", "/api/v1/recoveries/{id}/ammunition/{line}/stock", WAM_ACT_STOCK, ROUTE_NATIONAL,
     h_recovery_ammunition_stock, NULL},
    {"POST", "/api/v1/recoveries/{id}/photos", WAM_ACT_COLLECT, ROUTE_NATIONAL | ROUTE_BIG_BODY, h_recovery_photo_add,
     q_photo},
    {"GET", "/api/v1/recoveries/{id}/photos/{hash}", WAM_ACT_READ, ROUTE_NATIONAL, h_recovery_photo_get, NULL},
    {"GET", "/api/v1/tasks", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_tasks_list, q_tasks},
    {"POST", "/api/v1/tasks/{id}/mark", WAM_ACT_COLLECT, ROUTE_NATIONAL, h_task_mark, NULL},
    /* stock: destruction batches and their certificates */
    {"GET", "/api/v1/destructions", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_destructions_list, NULL},
    {"POST", "/api/v1/destructions", WAM_ACT_DESTROY, ROUTE_NATIONAL, h_destructions_create, NULL},
    {"GET", "/api/v1/destructions/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_destruction_get, NULL},
    {"POST", "/api/v1/destructions/{id}/items", WAM_ACT_DESTROY, ROUTE_NATIONAL, h_destruction_item, NULL},
    {"POST", "/api/v1/destructions/{id}/recovered", WAM_ACT_DESTROY, ROUTE_NATIONAL, h_destruction_recovered, NULL},
    {"POST", "/api/v1/destructions/{id}/people", WAM_ACT_DESTROY, ROUTE_NATIONAL, h_destruction_person, NULL},
    {"POST", "/api/v1/destructions/{id}/verify", WAM_ACT_DESTROY, ROUTE_NATIONAL, h_destruction_verify, NULL},
    /* any signed-in user may ask; libwam lets only a verifier named in the batch confirm */
    {"POST", "/api/v1/destructions/{id}/confirm", WAM_ACT_READ, ROUTE_NATIONAL, h_destruction_confirm, NULL},
    {"POST", "/api/v1/destructions/{id}/close", WAM_ACT_DESTROY, ROUTE_NATIONAL, h_destruction_close, NULL},
    {"GET", "/api/v1/destructions/{id}/certificate", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT,
     h_destruction_certificate, NULL},
    /* stock: stock checks and their investigations */
    {"GET", "/api/v1/checks", WAM_ACT_READ, ROUTE_SNAPSHOT, h_checks_list, q_checks},
    {"POST", "/api/v1/checks", WAM_ACT_STOCK, 0, h_checks_open, NULL},
    {"GET", "/api/v1/checks/investigations", WAM_ACT_READ, ROUTE_SNAPSHOT, h_investigations_list, q_investigations},
    {"POST", "/api/v1/checks/investigations/{id}/resolve", WAM_ACT_RESOLVE, 0, h_investigation_resolve, NULL},
    {"GET", "/api/v1/checks/{id}", WAM_ACT_READ, ROUTE_SNAPSHOT, h_check_get, NULL},
    {"POST", "/api/v1/checks/{id}/reads", WAM_ACT_STOCK, ROUTE_BIG_BODY, h_check_reads, q_check_reads},
    {"POST", "/api/v1/checks/{id}/close", WAM_ACT_STOCK, 0, h_check_close, NULL},
    /* trace: lost and stolen weapons, hits (the owner site's inbox), origins,
     * trace requests and their exchange between registries, SDG 16.4.2 */
    {"GET", "/api/v1/losses", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_losses_list, q_losses},
    {"POST", "/api/v1/losses", WAM_ACT_TRACE, ROUTE_NATIONAL, h_losses_create, NULL},
    {"GET", "/api/v1/losses/export", WAM_ACT_TRACE, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_losses_export, NULL},
    {"GET", "/api/v1/hits", WAM_ACT_READ, ROUTE_SNAPSHOT, h_hits_list, q_hits},
    {"POST", "/api/v1/hits/scan", WAM_ACT_TRACE, ROUTE_NATIONAL, h_hits_scan, NULL},
    {"GET", "/api/v1/hits/{id}", WAM_ACT_READ, ROUTE_SNAPSHOT, h_hit_get, NULL},
    {"POST", "/api/v1/hits/{id}/decision", WAM_ACT_TRACE, 0, h_hit_decide, NULL},
    {"POST", "/api/v1/items/{id}/origin", WAM_ACT_TRACE, ROUTE_NATIONAL, h_item_origin, NULL},
    {"GET", "/api/v1/traces", WAM_ACT_TRACE, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_traces_list, q_traces},
    {"POST", "/api/v1/traces", WAM_ACT_TRACE, ROUTE_NATIONAL, h_traces_create, NULL},
    {"POST", "/api/v1/traces/quality", WAM_ACT_TRACE, ROUTE_NATIONAL, h_traces_quality, NULL},
    {"POST", "/api/v1/traces/import", WAM_ACT_TRACE, ROUTE_NATIONAL, h_traces_import, NULL},
    /* not ROUTE_SNAPSHOT: showing a confidential response logs the read */
    {"GET", "/api/v1/traces/{id}", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_get, NULL},
    {"PATCH", "/api/v1/traces/{id}", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_update, NULL},
    {"GET", "/api/v1/traces/{id}/quality", WAM_ACT_TRACE, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_trace_quality, NULL},
    {"POST", "/api/v1/traces/{id}/send", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_send, NULL},
    {"POST", "/api/v1/traces/{id}/acknowledge", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_acknowledge, NULL},
    {"POST", "/api/v1/traces/{id}/responses", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_respond, NULL},
    {"POST", "/api/v1/traces/{id}/close", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_close, NULL},
    {"GET", "/api/v1/traces/{id}/export", WAM_ACT_TRACE, ROUTE_NATIONAL, h_trace_export, NULL},
    {"GET", "/api/v1/node", WAM_ACT_TRACE, ROUTE_NATIONAL, h_node, NULL},
    {"GET", "/api/v1/peers", WAM_ACT_TRACE, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_peers_list, NULL},
    /* trusting another registry's key decides whose documents are believed */
    {"POST", "/api/v1/peers", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_peers_add, NULL},
    {"POST", "/api/v1/peers/{id}/revoke", WAM_ACT_ADMIN, ROUTE_NATIONAL, h_peer_revoke, NULL},
    {"GET", "/api/v1/reports/sdg-16-4-2", WAM_ACT_READ, ROUTE_SNAPSHOT, h_report_sdg, q_sdg},
    /* no snapshot: a tracer's read of restricted results is logged (R11) */
    {"GET", "/api/v1/reports/sdg-16-4-2/records", WAM_ACT_READ, 0, h_report_sdg_records, q_sdg_records},
    /* transfers: licences and their assessment, end-user certificates,
     * shipments, brokers, diversion alerts and screening; a
     * state's, not a site's, so every route is national */
    {"GET", "/api/v1/licences", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_licences_list, q_licences},
    {"POST", "/api/v1/licences", WAM_ACT_LICENSE, ROUTE_NATIONAL, h_licences_create, NULL},
    {"GET", "/api/v1/licences/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_licence_get, NULL},
    {"POST", "/api/v1/licences/{id}/assessment", WAM_ACT_LICENSE, ROUTE_NATIONAL, h_licence_assess, NULL},
    {"POST", "/api/v1/licences/{id}/issue", WAM_ACT_LICENSE_DECIDE, ROUTE_NATIONAL, h_licence_issue, NULL},
    {"POST", "/api/v1/licences/{id}/state", WAM_ACT_LICENSE_DECIDE, ROUTE_NATIONAL, h_licence_state, NULL},
    {"GET", "/api/v1/eucs", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_eucs_list, NULL},
    {"POST", "/api/v1/eucs", WAM_ACT_LICENSE, ROUTE_NATIONAL, h_eucs_create, NULL},
    {"GET", "/api/v1/eucs/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_euc_get, NULL},
    {"POST", "/api/v1/eucs/{id}/verifications", WAM_ACT_LICENSE, ROUTE_NATIONAL, h_euc_verify, NULL},
    {"POST", "/api/v1/eucs/{id}/checks", WAM_ACT_SHIP, ROUTE_NATIONAL, h_euc_check, NULL},
    {"GET", "/api/v1/shipments", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_shipments_list, q_shipments},
    {"POST", "/api/v1/shipments", WAM_ACT_SHIP, ROUTE_NATIONAL, h_shipments_create, NULL},
    {"GET", "/api/v1/shipments/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_shipment_get, NULL},
    {"POST", "/api/v1/shipments/{id}/delivery", WAM_ACT_SHIP, ROUTE_NATIONAL, h_shipment_deliver, NULL},
    {"GET", "/api/v1/brokers", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_brokers_list, NULL},
    {"POST", "/api/v1/brokers", WAM_ACT_LICENSE, ROUTE_NATIONAL, h_brokers_create, NULL},
    {"GET", "/api/v1/brokers/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_broker_get, NULL},
    {"POST", "/api/v1/brokers/{id}/state", WAM_ACT_LICENSE_DECIDE, ROUTE_NATIONAL, h_broker_state, NULL},
    {"GET", "/api/v1/diversions", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_diversions_list, q_diversions},
    {"GET", "/api/v1/diversions/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_diversion_get, NULL},
    {"POST", "/api/v1/diversions/{id}/trace", WAM_ACT_TRACE, ROUTE_NATIONAL, h_diversion_trace, NULL},
    {"POST", "/api/v1/diversions/{id}/close", WAM_ACT_SHIP, ROUTE_NATIONAL, h_diversion_close, NULL},
    {"POST", "/api/v1/screening", WAM_ACT_LICENSE, ROUTE_NATIONAL, h_screening, NULL},
    {"GET", "/api/v1/transfer-records", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_transfer_records,
     q_transfer_records},
    /* embargo: the Security Council's regimes and the national embargoes,
     * exemptions and the notices due to a committee; a state's, so national */
    {"GET", "/api/v1/regimes", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_regimes_list, q_embargoes},
    {"POST", "/api/v1/regimes/import", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_regimes_import, NULL},
    {"GET", "/api/v1/regimes/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_regime_get, q_embargoes},
    {"GET", "/api/v1/embargo-check", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_embargo_check, q_embargo_check},
    {"GET", "/api/v1/embargoes", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_embargoes_list, q_embargoes},
    {"POST", "/api/v1/embargoes", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_embargoes_create, NULL},
    {"POST", "/api/v1/embargoes/{id}/lift", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_embargo_lift, NULL},
    {"GET", "/api/v1/exemptions", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_exemptions_list, q_exemptions},
    {"POST", "/api/v1/exemptions", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_exemptions_create, NULL},
    {"GET", "/api/v1/exemptions/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_exemption_get, q_embargoes},
    {"POST", "/api/v1/exemptions/{id}/decision", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_exemption_decide, NULL},
    {"GET", "/api/v1/exemptions/{id}/notice", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_exemption_notice, NULL},
    {"GET", "/api/v1/notices", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_notices_list, q_notices},
    {"GET", "/api/v1/notices/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_notice_get, NULL},
    {"POST", "/api/v1/notices/{id}/sent", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_notice_sent, NULL},
    {"GET", "/api/v1/notices/{id}/document", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_notice_document, NULL},
    /* sanctions: the lists (a list file is big: the UN's is megabytes),
     * screening names, the alerts inbox */
    {"POST", "/api/v1/sanctions/import", WAM_ACT_EMBARGO, ROUTE_NATIONAL | ROUTE_BIG_BODY, h_sanctions_import,
     q_sanctions_import},
    {"GET", "/api/v1/sanctions/imports", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_sanctions_imports, NULL},
    {"GET", "/api/v1/sanctions/entries", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_sanctions_entries,
     q_sanctions_entries},
    {"GET", "/api/v1/sanctions/entries/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_sanctions_entry_get,
     NULL},
    {"GET", "/api/v1/sanctions/screen", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_sanctions_screen,
     q_sanctions_screen},
    /* a batch only reads: screening raises no alert */
    {"POST", "/api/v1/sanctions/screen", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_BIG_BODY | ROUTE_SNAPSHOT,
     h_sanctions_screen_batch, q_sanctions_batch},
    {"GET", "/api/v1/sanctions/alerts", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_sanctions_alerts, q_alerts},
    {"GET", "/api/v1/sanctions/alerts/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_sanctions_alert_get,
     NULL},
    {"POST", "/api/v1/sanctions/alerts/{id}/clear", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_sanctions_alert_clear, NULL},
    {"POST", "/api/v1/sanctions/alerts/{id}/confirm", WAM_ACT_EMBARGO, ROUTE_NATIONAL, h_sanctions_alert_confirm, NULL},
    /* embargo monitoring: a mission's or a Panel's, so national; reading an
     * observation may open a source's identity, a logged read, and making
     * an evidence pack is logged: neither is answered from a snapshot */
    {"POST", "/api/v1/observations", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_observations_create, NULL},
    {"GET", "/api/v1/observations", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_observations_list,
     q_observations},
    {"GET", "/api/v1/observations/{id}", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_observation_get, NULL},
    {"POST", "/api/v1/observations/{id}/items/{n}/trace", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_observation_trace, NULL},
    {"POST", "/api/v1/findings", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_findings_create, NULL},
    {"GET", "/api/v1/findings", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_findings_list, q_findings},
    {"GET", "/api/v1/findings/{id}", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_finding_get, NULL},
    {"GET", "/api/v1/findings/{id}/rule", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_finding_rule, NULL},
    {"POST", "/api/v1/findings/{id}/links", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_finding_link, NULL},
    {"DELETE", "/api/v1/findings/{id}/links/{target}", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_finding_unlink, NULL},
    {"POST", "/api/v1/findings/{id}/corroborate", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_finding_corroborate, NULL},
    {"POST", "/api/v1/findings/{id}/report", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_finding_report, NULL},
    {"GET", "/api/v1/findings/{id}/evidence-pack", WAM_ACT_MONITOR, ROUTE_NATIONAL, h_finding_evidence_pack,
     q_evidence_pack},
    {"POST", "/api/v1/evidence-packs/verify", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_BIG_BODY, h_evidence_verify,
     q_evidence_verify},
    {"GET", "/api/v1/profiles/actors", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_profile_actor,
     q_profile_actor},
    {"GET", "/api/v1/profiles/countries/{cc}", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_profile_country,
     q_profile_country},
    {"GET", "/api/v1/reports/committee", WAM_ACT_MONITOR, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_report_committee,
     q_committee},
    /* the international reports (after every /reports/<name> above: a
     * route is the first whose pattern matches) */
    {"GET", "/api/v1/reports/submissions", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_report_submissions,
     q_report_submissions},
    {"GET", "/api/v1/reports/submissions/{id}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_report_submission,
     NULL},
    {"GET", "/api/v1/reports/{kind}", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_report_make, q_report},
    {"GET", "/api/v1/reports/{kind}/records", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_report_records,
     q_report_records},
    {"POST", "/api/v1/reports/{kind}/submissions", WAM_ACT_SUBMIT_REPORT, ROUTE_NATIONAL, h_report_submit, NULL},
    {"GET", "/api/v1/reports/{kind}/diff", WAM_ACT_READ, ROUTE_NATIONAL | ROUTE_SNAPSHOT, h_report_diff, q_report_diff},
    {NULL, NULL, 0, 0, NULL, NULL},
};

/* Matches `path` against `pattern` segment by segment; a {…} segment takes
 * any non-empty segment without a slash. */
static bool matches(arena *a, const char *pattern, const char *path, const char *params[REQ_MAX_PARAMS])
{
	int n = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			size_t len = strcspn(path, "/");
			if (!close || !len || n >= REQ_MAX_PARAMS)
				return false;
			char *v = arena_alloc(a, len + 1);
			if (!v)
				return false;
			memcpy(v, path, len);
			params[n++] = v;
			pattern = close + 1;
			path += len;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	return !*pattern && !*path;
}

const route *route_find(arena *a, const char *method, const char *path, const char *params[REQ_MAX_PARAMS],
                        bool *path_known)
{
	*path_known = false;
	for (const route *rt = wam_http_routes; rt->method; rt++) {
		if (!matches(a, rt->pattern, path, params))
			continue;
		*path_known = true;
		if (!strcmp(rt->method, method))
			return rt;
	}
	return NULL;
}

/* What `wam serve --routes` prints: the table above, for the public
 * header (include/wam/serve.h). */
int wam_serve_routes(json_t **out)
{
	json_t *all = json_array();
	*out = NULL;
	if (!all)
		goto oom;
	for (const route *rt = wam_http_routes; rt->method; rt++) {
		const char *action = rt->action == ACT_PUBLIC      ? "public"
		                     : rt->action == ACT_SIGNED_IN ? "signed_in"
		                                                   : wam_auth_action_name(rt->action);
		if (json_array_append_new(all,
		                          json_pack("{s:s, s:s, s:s, s:b}", "method", rt->method, "path", rt->pattern,
		                                    "action", action, "national", (rt->flags & ROUTE_NATIONAL) != 0)))
			goto oom;
	}
	*out = all;
	return 0;
oom:
	json_decref(all);
	return wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the routes");
}
