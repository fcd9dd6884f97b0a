/* Tracing's part of the work to do (wam_todo): open hits, which the owner
 * site decides, and trace requests past their acknowledgement or reply
 * date. Both are decided with the trace action; trace requests cover the
 * whole registry, so a principal confined to sites is not given them. */
#include <string.h>

#include "internal.h"
#include "wam/auth.h"
#include "wam/trace.h"

/* True when the handle's principal (none: the owner) may `act`. */
static bool may(wam_db *db, wam_action act)
{
	const wam_principal *p = wam_db_principal(db);
	return !p || wam_auth_allows(p->role, act);
}

static json_t *hit_entry(const json_t *h)
{
	const json_t *reg = json_object_get(h, "registered"), *rec = json_object_get(h, "recovered");
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:O?}}", "id", json_object_get(h, "id"), "title", "serial",
	                 json_object_get(reg, "serial"), "recovered_serial", json_object_get(rec, "serial"), "make",
	                 json_object_get(reg, "make"), "model", json_object_get(reg, "model"));
}

static json_t *trace_entry(const json_t *r)
{
	const char *late = json_string_value(json_object_get(r, "overdue"));
	const json_t *due = json_object_get(r, late && !strcmp(late, "acknowledgement") ? "ack_due" : "reply_due");
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?, s:O?}, s:O?}", "id", json_object_get(r, "id"), "title",
	                 "reference", json_object_get(r, "reference"), "serial", json_object_get(r, "serial"),
	                 "direction", json_object_get(r, "direction"), "overdue", json_object_get(r, "overdue"), "due",
	                 due);
}

int wam_trace_todo(wam_db *db, json_t *items, const char *today);
int wam_trace_todo(wam_db *db, json_t *items, const char *today)
{
	json_t *list = NULL;
	int rc = 0;
	(void)today; /* a request is overdue by the server's own date */
	if (!may(db, WAM_ACT_TRACE))
		return 0;
	wam_hit_filter hits = {.state = "open"};
	if ((rc = wam_trace_hit_list(db, &list, &hits)) ||
	    (rc = wam_todo_add(items, "hits_open", list, hit_entry, "owner_site_id")))
		goto done;
	json_decref(list);
	list = NULL;
	if (wam_confined(db))
		goto done;
	wam_trace_filter overdue = {.overdue_only = 1};
	if ((rc = wam_trace_request_list(db, &list, &overdue)) ||
	    (rc = wam_todo_add(items, "traces_overdue", list, trace_entry, NULL)))
		goto done;
done:
	json_decref(list);
	return rc;
}
