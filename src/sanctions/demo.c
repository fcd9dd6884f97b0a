/* The sanctions room's part of `wam demo` and its part of the to-do list.
 * The demo imports the fictitious list shipped in the UN's layout
 * (data/sanctions/fictitious-consolidated.xml), then records the holders
 * of data/demo.json "sanctions": each is screened as it is recorded, and
 * those whose names are near a listed one raise alerts, which the demo's
 * officer decides as the file says — one cleared with its reason, one
 * confirmed, one left open for the inbox. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanctions/sanctions.h"
#include "wam/auth.h"
#include "wam/registry.h"

static int read_all(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	*data = NULL;
	*len = 0;
	if (!f)
		return wam_error_set(WAM_EIO, "file", "cannot read %s", path);
	wam_buf b = {0};
	char chunk[8192];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (wam_buf_put(&b, chunk, n)) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			break;
		}
	if (!rc && ferror(f))
		rc = wam_error_set(WAM_EIO, "file", "cannot read %s", path);
	fclose(f);
	if (rc) {
		wam_buf_free(&b);
		return rc;
	}
	*data = b.p;
	*len = b.n;
	return 0;
}

/* The alert the holder `id` raised, NULL when it raised none. */
static int alert_of(wam_db *db, json_t **out, const char *holder_id)
{
	return wam_query_row(
	    db, out, "SELECT alert_id AS id FROM sanctions_alert_subjects WHERE kind='holder' AND subject_id=?1",
	    holder_id, NULL);
}

static int fill(wam_db *db, wam_rng *rng, const json_t *demo, const json_t *sites)
{
	(void)rng;
	(void)sites;
	const json_t *spec = json_object_get(demo, "sanctions"), *h;
	char path[4096], *data = NULL, saved[128];
	size_t len, i;
	json_t *report = NULL;
	if (!spec)
		return 0;
	snprintf(saved, sizeof saved, "%s", db->actor);
	snprintf(path, sizeof path, "%s/%s", wam_data_dir(), json_string_value(json_object_get(spec, "list")));
	int rc = read_all(path, &data, &len);
	if (!rc)
		rc = wam_sanctions_import(db, &report, data, len, "un-xml", NULL);
	free(data);
	json_decref(report);
	const char *officer = json_string_value(json_object_get(spec, "officer"));
	json_array_foreach(json_object_get(spec, "holders"), i, h)
	{
		json_t *in = json_deep_copy(h), *holder = NULL, *alert = NULL, *out = NULL;
		const char *decision = json_string_value(json_object_get(h, "decision"));
		json_object_del(in, "decision");
		json_object_del(in, "reason");
		if (!rc)
			rc = wam_registry_holder_add(db, &holder, in);
		if (!rc)
			rc = alert_of(db, &alert, json_string_value(json_object_get(holder, "id")));
		if (!rc && alert && decision && strcmp(decision, "open") != 0) {
			char actor[128];
			snprintf(actor, sizeof actor, "user:%s", officer ? officer : "demo");
			json_t *d = json_pack("{s:O}", "reason", json_object_get(h, "reason"));
			if (!(rc = wam_db_set_actor(db, actor)))
				rc = !strcmp(decision, "cleared")
				         ? wam_sanctions_alert_clear(db, &out,
				                                     json_string_value(json_object_get(alert, "id")), d)
				         : wam_sanctions_alert_confirm(
				               db, &out, json_string_value(json_object_get(alert, "id")), d);
			json_decref(d);
			if (!rc)
				rc = wam_db_set_actor(db, saved);
		}
		json_decref(in);
		json_decref(holder);
		json_decref(alert);
		json_decref(out);
	}
	wam_db_set_actor(db, saved);
	return rc;
}

const wam_demo_part wam_sanctions_demo_part = {.room = "sanctions", .fill = fill};

/* ---- the to-do list ---- */

static json_t *alert_entry(const json_t *a)
{
	return json_pack("{s:O, s:{s:O?, s:O?, s:O?}, s:O?}", "id", json_object_get(a, "id"), "title", "party",
	                 json_object_get(a, "party_name"), "entry", json_object_get(a, "entry_name"), "reference",
	                 json_object_get(a, "reference"), "date", json_object_get(a, "date"));
}

int wam_sanctions_todo(wam_db *db, json_t *items, const char *today);
int wam_sanctions_todo(wam_db *db, json_t *items, const char *today)
{
	json_t *list = NULL;
	const wam_principal *p = wam_db_principal(db);
	(void)today;
	/* alerts are the state's: those who decide embargo matters act on them */
	if (wam_confined(db) || (p && !wam_auth_allows(p->role, WAM_ACT_EMBARGO)) || !sanctions_ready(db))
		return 0;
	int rc = wam_query_rows(db, &list,
	                        "SELECT a.id, json_extract(a.party, '$.name') AS party_name, e.name AS entry_name,"
	                        " e.reference, substr(ev.time, 1, 10) AS date FROM sanctions_alerts a"
	                        " JOIN sanctions_entries e ON e.id=a.entry_id JOIN events ev ON ev.seq=a.raised_seq"
	                        " WHERE a.state='open' ORDER BY a.raised_seq",
	                        NULL, NULL);
	if (!rc)
		rc = wam_todo_add(items, "screening_alerts", list, alert_entry, NULL);
	json_decref(list);
	return rc;
}
