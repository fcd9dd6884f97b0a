/* Trace requests (ITI section V, ISACS 05.31) and their responses.
 *
 * A request is kept whole as `body`, the fields as checked at drafting
 * (docs/trace.md); the columns of trace_requests are only what lists filter
 * on. A draft may miss anything: R10 is checked when it is sent, by the same
 * quality function the drafting screen shows (quality.c), so what blocks
 * sending is exactly what the quality panel lists as missing. With
 * `item_id`, the fields of the weapon the registry already holds are copied
 * into the body when drafting, so the request that leaves says what was
 * known that day, whatever the registry learns later. Responses are read
 * under R11: restricted and confidential ones show their result only unless
 * the reader may see them in full. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <utf8proc.h>

#include "internal.h"
#include "trace/trace.h"
#include "store/field.h"
#include "trace/request.h"
#include "wam/match.h"
#include "wam/registry.h"
#include "wam/trace.h"

static const char *const request_fields[] = {
    "direction",     "reference", "requesting",   "requested",       "item_id", "item",  "illicit_reason",
    "justification", "recovery",  "intended_use", "confidentiality", "urgency", "notes", NULL};
static const char *const requesting_fields[] = {"kind", "name", "state", "agency", "contact", NULL};
static const char *const contact_fields[] = {"name", "email", "phone", NULL};
static const char *const requested_fields[] = {"kind", "name", "state", "agency", "via", NULL};
static const char *const item_fields[] = {"make",   "model",         "category", "calibre",
                                          "serial", "serial_reason", "country",  "import_country",
                                          "year",   "markings",      "photos",   NULL};
static const char *const marking_fields[] = {"component", "kind", "text", "legibility", NULL};
static const char *const recovery_fields[] = {"recovery_id", "date", "place", "circumstances", NULL};
static const char *const response_fields[] = {
    "result",          "date",  "chain",      "last_holder", "point_of_diversion", "restriction_reason",
    "confidentiality", "notes", "reply_days", NULL};
static const char *const chain_fields[] = {"date", "from", "consignee", "country", "licence", "euc", "note", NULL};
static const char *const holder_fields[] = {"name", "type", "country", "date", NULL};
static const char *const point_fields[] = {"category", "country", "date", "description", NULL};
static const char *const send_fields[] = {"date", "ack_days", "reply_days", NULL};
static const char *const ack_fields[] = {"date", "note", NULL};
static const char *const close_fields[] = {"reason", NULL};

static const char *const directions[] = {"outgoing", "incoming", NULL};
static const char *const vias[] = {"national_contact_point", "interpol", NULL};
/* Who asks and who is asked: a state (ITI), a Panel of Experts of a
 * sanctions committee, a peace operation (mission) or a manufacturer. */
static const char *const party_kinds[] = {"state", "panel", "mission", "manufacturer", NULL};

/* The plain fields of the request's and response's sections, in the order
 * they are checked (their keys are checked first, in the trace room's words). */
static const wam_field requesting_table[] = {{.name = "kind", .kind = WAM_FIELD_WORD, .vocab = party_kinds},
                                             {.name = "name", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                             {.name = "state", .kind = WAM_FIELD_COUNTRY},
                                             {.name = "agency", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                             {0}};
static const wam_field contact_table[] = {{.name = "name", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                          {.name = "email", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                          {.name = "phone", .kind = WAM_FIELD_TEXT, .max = 60},
                                          {0}};
static const wam_field requested_table[] = {{.name = "kind", .kind = WAM_FIELD_WORD, .vocab = party_kinds},
                                            {.name = "name", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                            {.name = "state", .kind = WAM_FIELD_COUNTRY},
                                            {.name = "agency", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
                                            {.name = "via", .kind = WAM_FIELD_WORD, .vocab = vias},
                                            {0}};
static const wam_field recovery_table[] = {
    {.name = "recovery_id", .kind = WAM_FIELD_TEXT, .max = 40},
    {.name = "date", .kind = WAM_FIELD_DATE},
    {.name = "place", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "circumstances", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};
static const wam_field chain_table[] = {
    {.name = "date", .kind = WAM_FIELD_DATE},
    {.name = "from", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "consignee", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY},
    {.name = "licence", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "euc", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "note", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};
static const wam_field holder_table[] = {
    {.name = "name", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "type", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "country", .kind = WAM_FIELD_COUNTRY},
    {.name = "date", .kind = WAM_FIELD_DATE},
    {0}};
static const char *const illicit_reasons[] = {"illicit_national_law", "embargo_violation",     "inadequately_marked",
                                              "illicit_manufacture",  "unauthorised_transfer", NULL};
static const char *const confidentialities[] = {"unclassified", "restricted", "confidential", NULL};
static const char *const urgencies[] = {"routine", "urgent", "immediate", NULL};
static const char *const results[] = {"record_found", "no_record", "partial", "delayed", "restricted", "refused", NULL};
static const char *const states[] = {"draft", "sent", "acknowledged", "answered", "closed", NULL};
/* ITI: a state that delays, restricts or refuses says why */
static const char *const results_needing_reason[] = {"delayed", "restricted", "refused", NULL};
const char *const *const wam_trace_directions = directions;
const char *const *const wam_trace_vias = vias;
const char *const *const wam_trace_party_kinds = party_kinds;
const char *const *const wam_trace_illicit_reasons = illicit_reasons;
const char *const *const wam_trace_confidentialities = confidentialities;
const char *const *const wam_trace_urgencies = urgencies;
const char *const *const wam_trace_results = results;
const char *const *const wam_trace_results_needing_reason = results_needing_reason;
const char *const *const wam_trace_states = states;

#define FIELD_LEN 160

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

bool wam_trace_item_is_ammunition(const json_t *item)
{
	const char *kind = str(item, "kind");
	return kind && !strcmp(kind, "ammunition");
}

/* `prefix` + `path` into `buf`: every error names the field as the caller
 * wrote it, "request.item.serial" in an imported document. */
static const char *fname(char buf[FIELD_LEN], const char *prefix, const char *path)
{
	snprintf(buf, FIELD_LEN, "%.96s%.60s", prefix, path);
	return buf;
}

int wam_trace_check_fields(const json_t *in, const char *const *allowed, const char *prefix)
{
	const char *key;
	const json_t *v;
	if (!json_is_object(in)) {
		char f[FIELD_LEN];
		size_t n = strlen(prefix);
		snprintf(f, sizeof f, "%.*s", (int)(n && prefix[n - 1] == '.' ? n - 1 : n), prefix);
		return wam_error_set(WAM_EINVAL, f, "%s must be a JSON object", *f ? f : "input");
	}
	json_object_foreach((json_t *)in, key, v)
	{
		(void)v;
		if (!wam_in_vocab(allowed, key)) {
			char list[512], f[FIELD_LEN];
			wam_vocab_list(allowed, list, sizeof list);
			snprintf(f, sizeof f, "%s%.60s", prefix, key);
			return wam_error_set(WAM_EINVAL, f, "unknown field '%s' (known fields: %s)", f, list);
		}
	}
	return 0;
}

/* A nested object of the input: NULL in `*sub` when not given. */
static int section(const json_t *in, const char *key, const char *const *allowed, const char *prefix,
                   const json_t **sub)
{
	const json_t *v = json_object_get(in, key);
	char p[FIELD_LEN];
	*sub = NULL;
	if (!v || json_is_null(v))
		return 0;
	snprintf(p, sizeof p, "%s%s.", prefix, key);
	int rc = wam_trace_check_fields(v, allowed, p);
	if (!rc)
		*sub = v;
	return rc;
}

/* Sets `key` of `out` to `o` when it holds anything; consumes `o`. */
static void set_nonempty(json_t *out, const char *key, json_t *o)
{
	if (json_object_size(o))
		json_object_set_new(out, key, o);
	else
		json_decref(o);
}

static int current_year(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static int take_markings(json_t *item, const json_t *in, const char *prefix)
{
	const json_t *arr = json_object_get(in, "markings");
	char f[FIELD_LEN], p[FIELD_LEN];
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return wam_error_set(WAM_EINVAL, fname(f, prefix, "item.markings"), "%s must be a list", f);
	if (json_array_size(arr) > 100)
		return wam_error_set(WAM_EINVAL, fname(f, prefix, "item.markings"), "%s lists at most 100 markings", f);
	json_t *list = json_array();
	size_t i;
	const json_t *m;
	int rc = 0;
	json_array_foreach(arr, i, m)
	{
		json_t *o = json_object();
		snprintf(p, sizeof p, "%sitem.markings[%zu].", prefix, i);
		rc = wam_trace_check_fields(m, marking_fields, p);
		if (!rc) {
			snprintf(f, sizeof f, "%.140scomponent", p);
			rc = wam_take_word(o, m, "component", f, wam_registry_components, "frame_receiver",
			                   WAM_FIELD_REQUIRED, 0);
		}
		if (!rc) {
			snprintf(f, sizeof f, "%.140skind", p);
			rc = wam_take_word(o, m, "kind", f, wam_registry_marking_kinds, NULL, WAM_FIELD_REQUIRED, 0);
		}
		if (!rc) {
			snprintf(f, sizeof f, "%.140stext", p);
			rc = wam_take_text(o, m, "text", f, WAM_FIELD_REQUIRED, WAM_MAX_TEXT, 0);
		}
		if (!rc) {
			snprintf(f, sizeof f, "%.140slegibility", p);
			rc = wam_take_word(o, m, "legibility", f, wam_registry_legibilities, NULL, 0, 0);
		}
		json_array_append_new(list, o);
		if (rc)
			break;
	}
	if (rc)
		json_decref(list);
	else
		json_object_set_new(item, "markings", list);
	return rc;
}

static bool is_hash(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static int take_photos(json_t *item, const json_t *in, const char *prefix)
{
	const json_t *arr = json_object_get(in, "photos");
	char f[FIELD_LEN];
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 100)
		return wam_error_set(WAM_EINVAL, fname(f, prefix, "item.photos"),
		                     "%s must be a list of at most 100 hashes", f);
	json_t *list = json_array();
	size_t i;
	const json_t *h;
	json_array_foreach(arr, i, h)
	{
		const char *s = json_string_value(h);
		if (!is_hash(s)) {
			json_decref(list);
			snprintf(f, sizeof f, "%sitem.photos[%zu]", prefix, i);
			return wam_error_set(WAM_EINVAL, f, "%s must be the SHA-256 of the photo (64 hex digits)", f);
		}
		char lower[65];
		for (size_t k = 0; k <= 64; k++)
			lower[k] = (char)(s[k] >= 'A' && s[k] <= 'F' ? s[k] + 32 : s[k]);
		json_array_append_new(list, json_string(lower));
	}
	json_object_set_new(item, "photos", list);
	return 0;
}

static int take_category(wam_db *db, json_t *out, const json_t *in, const char *field)
{
	const json_t *v = json_object_get(in, "category");
	if (wam_absent(v))
		return 0;
	const char *s = json_string_value(v);
	char code[16];
	size_t n = s ? strlen(s) : 0;
	if (s && n < sizeof code) {
		/* the spellings a registration accepts: codes upper case except (a)/(b) */
		for (size_t i = 0; i <= n; i++)
			code[i] = (char)(s[i] >= 'a' && s[i] <= 'z' && !(i > 0 && s[i - 1] == '(') ? s[i] - 32 : s[i]);
		if (wam_refdata_category(db, code)) {
			json_object_set_new(out, "category", json_string(code));
			return 0;
		}
	}
	return wam_error_set(WAM_EINVAL, field, "%s '%.20s' is not known (SA1-SA6, LW1-LW7, I-VII(b), SHOTGUN or PART)",
	                     field, s ? s : "");
}

/* take_category() as a row of a field table. */
static int category_row(wam_db *db, json_t *out, const json_t *in, const wam_field *f, const char *field, long line)
{
	(void)f;
	(void)line;
	return take_category(db, out, in, field);
}

/* An ammunition lot traced (IATG 03.50): the item is an ammunition line
 * {kind: "ammunition", calibre, type?, headstamp?, lot?, packaging_marks?,
 * crate_marks?, quantity?, packages?, photos?, notes?} as every room checks
 * one, its rounds optional (a lot may be traced from one round). */
static int take_ammunition_item(wam_db *db, json_t *body, const json_t *it, const char *prefix)
{
	char f[FIELD_LEN];
	json_t *o = json_object();
	int rc = wam_ammunition_take(db, o, it, fname(f, prefix, "item."),
	                             WAM_AMMUNITION_KIND | WAM_AMMUNITION_QUANTITY_OPTIONAL, 0);
	if (!rc)
		rc = take_photos(o, it, prefix);
	if (rc) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(body, "item", o);
	return 0;
}

static int take_item(wam_db *db, json_t *body, const json_t *in, const char *prefix)
{
	const json_t *it;
	char f[FIELD_LEN];
	const json_t *given = json_object_get(in, "item");
	const json_t *kind = json_is_object(given) ? json_object_get(given, "kind") : NULL;
	bool part = false;
	json_t *own = NULL; /* `in` without the item's kind */
	int rc;
	/* The item's kind, as an item record gives it: ammunition is a lot
	 * traced; a weapon, or a part (a frame or receiver is itself a weapon
	 * under the Firearms Protocol; a barrel, slide or kit is traced like
	 * one), is the weapon item, the part keeping its kind. */
	if (kind && !json_is_null(kind)) {
		const char *k = json_string_value(kind);
		if (k && !strcasecmp(k, "ammunition"))
			return take_ammunition_item(db, body, given, prefix);
		if (!k || (strcasecmp(k, "weapon") && strcasecmp(k, "part")))
			return wam_error_set(WAM_EINVAL, fname(f, prefix, "item.kind"),
			                     "%s must be weapon, part or ammunition (the kind of the item traced)", f);
		part = !strcasecmp(k, "part");
	}
	if (kind) {
		json_t *item = json_copy((json_t *)given);
		json_object_del(item, "kind");
		own = json_copy((json_t *)in);
		json_object_set_new(own, "item", item);
		in = own;
	}
	rc = section(in, "item", item_fields, prefix, &it);
	if (rc || !it) {
		json_decref(own);
		return rc;
	}
	const wam_field item[] = {
	    {.name = "make", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "model", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "category", .kind = WAM_FIELD_CUSTOM, .take = category_row},
	    {.name = "calibre", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "serial", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
	    {.name = "serial_reason", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
	    {.name = "country", .kind = WAM_FIELD_COUNTRY},
	    {.name = "import_country", .kind = WAM_FIELD_COUNTRY},
	    {.name = "year", .kind = WAM_FIELD_INT, .lo = 1800, .hi = current_year()},
	    {0}};
	json_t *o = json_object();
	if ((rc = wam_field_take_all(db, o, it, item, fname(f, prefix, "item."), 0)) ||
	    (rc = take_markings(o, it, prefix)) || (rc = take_photos(o, it, prefix))) {
		json_decref(o);
		json_decref(own);
		return rc;
	}
	json_decref(own);
	if (part)
		json_object_set_new(o, "kind", json_string("part"));
	set_nonempty(body, "item", o);
	return 0;
}

/* Copies `key` of `from` into `to` when `to` lacks it and `from` has a value. */
static void fill(json_t *to, const char *key, const json_t *from, const char *from_key)
{
	const json_t *v = json_object_get(from, from_key);
	if (!json_object_get(to, key) && !wam_absent(v))
		json_object_set(to, key, (json_t *)v);
}

/* What the registry knows of weapon `item_id`, for the fields the request
 * does not give: the weapon's identification and markings, the photos of its
 * recoveries, and its latest recovery. */
static int fill_from_weapon(wam_db *db, json_t *body, const char *item_id, const char *prefix)
{
	json_t *w = NULL, *rows = NULL;
	char f[FIELD_LEN];
	int rc = wam_registry_item_get(db, &w, item_id);
	if (rc == WAM_ENOTFOUND)
		return wam_error_set(WAM_EINVAL, fname(f, prefix, "item_id"),
		                     "%s '%.40s' names no weapon in this registry", f, item_id);
	if (rc)
		return rc;
	json_t *item = json_object_get(body, "item");
	if (!item) {
		item = json_object();
		json_object_set_new(body, "item", item);
	}
	if (!json_object_get(item, "kind") && !wam_absent(json_object_get(w, "kind")) && str(w, "kind") &&
	    !strcmp(str(w, "kind"), "part"))
		json_object_set_new(item, "kind", json_string("part"));
	static const char *const same[] = {"make", "model", "category", "calibre", "serial", "country", "year", NULL};
	for (const char *const *k = same; *k; k++)
		fill(item, *k, w, *k);
	size_t n = json_array_size(json_object_get(w, "import_marks"));
	if (n) /* the most recent import */
		fill(item, "import_country", json_array_get(json_object_get(w, "import_marks"), n - 1), "country");
	if (!json_array_size(json_object_get(item, "markings")) && json_array_size(json_object_get(w, "markings"))) {
		json_t *list = json_array();
		size_t i;
		const json_t *m;
		json_array_foreach(json_object_get(w, "markings"), i, m)
		{
			json_t *o = json_pack("{s:O?, s:O?, s:O?}", "component", json_object_get(m, "component"),
			                      "kind", json_object_get(m, "kind"), "text", json_object_get(m, "text"));
			const char *leg = str(m, "legibility");
			if (leg && strcmp(leg, "clear"))
				json_object_set_new(o, "legibility", json_string(leg));
			json_array_append_new(list, o);
		}
		json_object_set_new(item, "markings", list);
	}
	if (!json_object_get(item, "photos")) {
		if ((rc = wam_query_rows(db, &rows,
		                         "SELECT p.hash FROM recovery_items x JOIN recovery_photos p"
		                         " ON p.recovery_id=x.recovery_id WHERE x.item_id=? GROUP BY p.hash"
		                         " ORDER BY min(p.seq)",
		                         item_id, NULL)))
			goto done;
		if (json_array_size(rows)) {
			json_t *list = json_array();
			size_t i;
			const json_t *r;
			json_array_foreach(rows, i, r) json_array_append(list, json_object_get(r, "hash"));
			json_object_set_new(item, "photos", list);
		}
		json_decref(rows);
		rows = NULL;
	}
	if ((rc = wam_query_rows(db, &rows,
	                         "SELECT r.id AS recovery_id, r.date, r.place, r.type || coalesce(' (' ||"
	                         " replace(r.context, '_', ' ') || ')', '') AS circumstances"
	                         " FROM recovery_items x JOIN recoveries r ON r.id=x.recovery_id WHERE x.item_id=?"
	                         " ORDER BY r.date DESC, r.recorded_seq DESC LIMIT 1",
	                         item_id, NULL)))
		goto done;
	if (json_array_size(rows)) {
		const json_t *r = json_array_get(rows, 0);
		json_t *rec = json_object_get(body, "recovery");
		if (!rec) {
			rec = json_object();
			json_object_set_new(body, "recovery", rec);
		}
		for (const char *const *k = recovery_fields; *k; k++)
			fill(rec, *k, r, *k);
	}
done:
	json_decref(rows);
	json_decref(w);
	return rc;
}

/* A request's own fields before its sections, and after them. */
static const wam_field request_head[] = {
    {.name = "direction", .kind = WAM_FIELD_WORD, .vocab = directions, .dflt = "outgoing"},
    {.name = "reference", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {0}};
static const wam_field request_tail[] = {
    {.name = "intended_use", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {.name = "confidentiality", .kind = WAM_FIELD_WORD, .vocab = confidentialities, .dflt = "restricted"},
    {.name = "urgency", .kind = WAM_FIELD_WORD, .vocab = urgencies, .dflt = "routine"},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

/* A party of kind "state" is written without its kind, the default: a
 * state's request is the same body, and leaves as the same document, as
 * before parties had kinds (older registries read it unchanged). */
static void state_by_default(json_t *party)
{
	const char *kind = str(party, "kind");
	if (kind && !strcmp(kind, "state"))
		json_object_del(party, "kind");
}

const char *wam_trace_party_kind(const json_t *party)
{
	const char *kind = str(party, "kind");
	return kind ? kind : "state";
}

bool wam_trace_party_is_state(const json_t *party)
{
	return !strcmp(wam_trace_party_kind(party), "state");
}

/* `name` folded as names are compared here: NFKC, case folded, runs of
 * white space as one space and none at either end. NULL when it is not
 * UTF-8 (or out of memory); the caller frees it. */
char *wam_trace_fold_name(const char *name)
{
	utf8proc_uint8_t *m = NULL;
	if (!name || utf8proc_map((const utf8proc_uint8_t *)name, 0, &m,
	                          UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
	                              UTF8PROC_CASEFOLD) < 0)
		return NULL;
	char *s = (char *)m, *w = s;
	bool space = true; /* drops leading white space */
	for (const char *r = s; *r; r++) {
		bool ws = *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r';
		if (ws && space)
			continue;
		*w++ = ws ? ' ' : *r;
		space = ws;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	return s;
}

bool wam_trace_same_name(const char *a, const char *b)
{
	char *fa = wam_trace_fold_name(a), *fb = wam_trace_fold_name(b);
	bool same = fa && fb && *fa && !strcmp(fa, fb);
	free(fa);
	free(fb);
	return same;
}

bool wam_trace_party_is(const json_t *party, const char *name, const char *country)
{
	if (wam_trace_party_is_state(party)) {
		const char *state = str(party, "state");
		return state && country && !strcmp(state, country);
	}
	/* a Panel, mission or manufacturer named with its state is that
	 * party of that state only: "Beretta" of another country is not it */
	const char *state = str(party, "state");
	if (state && *state && (!country || strcmp(state, country)))
		return false;
	return wam_trace_same_name(str(party, "name"), name);
}

void wam_trace_party_label(char *buf, size_t n, const json_t *party)
{
	const char *name = str(party, "name"), *state = str(party, "state");
	if (wam_trace_party_is_state(party))
		snprintf(buf, n, "%s", state ? state : "");
	else if (name && state)
		snprintf(buf, n, "%s (%s)", name, state);
	else
		snprintf(buf, n, "%s", name ? name : "");
}

/* wam_trace_body(), completing the item and recovery from the registry's
 * weapon only when `fill`: a draft is completed once, when it names the
 * weapon, so a field its tracer removes later stays removed. */
static int body_of(wam_db *db, json_t **out, const json_t *in, const char *prefix, bool fill)
{
	json_t *b = json_object(), *o;
	const json_t *sec, *contact;
	char f[FIELD_LEN];
	int rc;
	*out = NULL;
	if ((rc = wam_trace_check_fields(in, request_fields, prefix)) ||
	    (rc = wam_field_take_all(db, b, in, request_head, prefix, 0)))
		goto fail;
	/* requesting: who asks (a state, or a Panel, a mission or a
	 * manufacturer by its name) and its point of contact */
	if ((rc = section(in, "requesting", requesting_fields, prefix, &sec)))
		goto fail;
	if (sec) {
		o = json_object();
		json_object_set_new(b, "requesting", o);
		char p[FIELD_LEN];
		snprintf(p, sizeof p, "%srequesting.", prefix);
		if ((rc = wam_field_take_all(db, o, sec, requesting_table, p, 0)))
			goto fail;
		state_by_default(o);
		if ((rc = section(sec, "contact", contact_fields, p, &contact)))
			goto fail;
		if (contact) {
			json_t *c = json_object();
			snprintf(p, sizeof p, "%srequesting.contact.", prefix);
			if ((rc = wam_field_take_all(db, c, contact, contact_table, p, 0))) {
				json_decref(c);
				goto fail;
			}
			const char *email = str(c, "email");
			if (email && !strchr(email, '@')) {
				json_decref(c);
				rc = wam_error_set(WAM_EINVAL, fname(f, prefix, "requesting.contact.email"),
				                   "%s '%.60s' is not an email address", f, email);
				goto fail;
			}
			set_nonempty(o, "contact", c);
		}
		if (!json_object_size(o))
			json_object_del(b, "requesting");
	}
	/* requested: who is asked, and how the request travels */
	if ((rc = section(in, "requested", requested_fields, prefix, &sec)))
		goto fail;
	if (sec) {
		char p[FIELD_LEN];
		o = json_object();
		snprintf(p, sizeof p, "%srequested.", prefix);
		if ((rc = wam_field_take_all(db, o, sec, requested_table, p, 0))) {
			json_decref(o);
			goto fail;
		}
		state_by_default(o);
		set_nonempty(b, "requested", o);
	}
	if ((rc = wam_take_text(b, in, "item_id", fname(f, prefix, "item_id"), 0, 40, 0)) ||
	    (rc = take_item(db, b, in, prefix)) ||
	    (rc = wam_take_word(b, in, "illicit_reason", fname(f, prefix, "illicit_reason"), illicit_reasons, NULL, 0,
	                        0)) ||
	    (rc = wam_take_text(b, in, "justification", fname(f, prefix, "justification"), WAM_FIELD_MULTILINE,
	                        WAM_MAX_NOTES, 0)))
		goto fail;
	if ((rc = section(in, "recovery", recovery_fields, prefix, &sec)))
		goto fail;
	if (sec) {
		char p[FIELD_LEN];
		o = json_object();
		snprintf(p, sizeof p, "%srecovery.", prefix);
		if ((rc = wam_field_take_all(db, o, sec, recovery_table, p, 0))) {
			json_decref(o);
			goto fail;
		}
		set_nonempty(b, "recovery", o);
	}
	if ((rc = wam_field_take_all(db, b, in, request_tail, prefix, 0)))
		goto fail;
	if (str(b, "item_id") && wam_trace_item_is_ammunition(json_object_get(b, "item"))) {
		rc = wam_error_set(WAM_EINVAL, fname(f, prefix, "item_id"),
		                   "%s names a weapon; a request about ammunition describes the lot in item", f);
		goto fail;
	}
	if (fill && str(b, "item_id") && (rc = fill_from_weapon(db, b, str(b, "item_id"), prefix)))
		goto fail;
	*out = b;
	return 0;
fail:
	json_decref(b);
	return rc;
}

int wam_trace_body(wam_db *db, json_t **out, const json_t *in, const char *prefix)
{
	return body_of(db, out, in, prefix, true);
}

/* ---- responses ---- */

static int take_list(json_t *out, const json_t *in, const char *key, const char *const *allowed, const char *prefix,
                     wam_db *db)
{
	const json_t *arr = json_object_get(in, key);
	char f[FIELD_LEN], p[FIELD_LEN];
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > 100)
		return wam_error_set(WAM_EINVAL, fname(f, prefix, key), "%s must be a list of at most 100 steps", f);
	json_t *list = json_array();
	size_t i;
	const json_t *e;
	int rc = 0;
	json_array_foreach(arr, i, e)
	{
		json_t *o = json_object();
		json_array_append_new(list, o);
		snprintf(p, sizeof p, "%s%s[%zu].", prefix, key, i);
#define F(name) (snprintf(f, sizeof f, "%.140s%.16s", p, name), f)
		if ((rc = wam_trace_check_fields(e, allowed, p)) ||
		    (rc = wam_field_take_all(db, o, e, chain_table, p, 0)))
			break;
	}
	if (rc)
		json_decref(list);
	else
		json_object_set_new(out, key, list);
	return rc;
}

int wam_trace_response_body(wam_db *db, json_t **out, const json_t *in, const char *confidentiality, const char *prefix,
                            long *reply_days)
{
	json_t *r = json_object(), *o = NULL, *d = json_object();
	const json_t *sec;
	char f[FIELD_LEN], p[FIELD_LEN];
	int rc;
	*out = NULL;
	*reply_days = 0;
	if ((rc = wam_trace_check_fields(in, response_fields, prefix)) ||
	    (rc = wam_take_word(r, in, "result", fname(f, prefix, "result"), results, NULL, WAM_FIELD_REQUIRED, 0)) ||
	    (rc = wam_take_date(r, in, "date", fname(f, prefix, "date"), 0, 0)) ||
	    (rc = take_list(r, in, "chain", chain_fields, prefix, db)))
		goto fail;
	if ((rc = section(in, "last_holder", holder_fields, prefix, &sec)))
		goto fail;
	if (sec) {
		o = json_object();
		snprintf(p, sizeof p, "%slast_holder.", prefix);
		if ((rc = wam_field_take_all(db, o, sec, holder_table, p, 0)))
			goto fail;
		json_object_set_new(r, "last_holder", o);
		o = NULL;
	}
	if ((rc = section(in, "point_of_diversion", point_fields, prefix, &sec)))
		goto fail;
	if (sec) {
		o = json_object();
		snprintf(p, sizeof p, "%spoint_of_diversion", prefix);
		if ((rc = wam_trace_take_point(db, o, sec, p)))
			goto fail;
		json_object_set_new(r, "point_of_diversion", o);
		o = NULL;
	}
	const char *result = str(r, "result");
	bool must_say_why = wam_in_vocab(results_needing_reason, result);
	if ((rc = wam_take_text(r, in, "restriction_reason", fname(f, prefix, "restriction_reason"),
	                        WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)))
		goto fail;
	if (must_say_why && !str(r, "restriction_reason")) {
		/* ITI: a state that delays, restricts or refuses says why */
		rc =
		    wam_error_set(WAM_EINVAL, fname(f, prefix, "restriction_reason"),
		                  "%s is required when the result is %s (the requesting state is told why)", f, result);
		goto fail;
	}
	if ((rc = wam_take_word(r, in, "confidentiality", fname(f, prefix, "confidentiality"), confidentialities,
	                        confidentiality ? confidentiality : "restricted", 0, 0)) ||
	    (rc = wam_take_text(r, in, "notes", fname(f, prefix, "notes"), WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = wam_take_int(d, in, "reply_days", fname(f, prefix, "reply_days"), 1, 3650, 0, 0)))
		goto fail;
	if (json_is_integer(json_object_get(d, "reply_days")))
		*reply_days = (long)json_integer_value(json_object_get(d, "reply_days"));
	if (!str(r, "date")) {
		char today[11];
		wam_date_today(today);
		json_object_set_new(r, "date", json_string(today));
	}
	json_decref(d);
	*out = r;
	return 0;
fail:
	json_decref(o);
	json_decref(d);
	json_decref(r);
	return rc;
}

/* ---- reading ---- */

int wam_trace_row(wam_db *db, json_t **out, const char *id)
{
	json_t *row;
	*out = NULL;
	int rc = wam_query_one(db, &row, "SELECT * FROM trace_requests WHERE id=?", id, "trace request");
	if (rc)
		return rc;
	json_t *body = json_loads(str(row, "body") ? str(row, "body") : "", 0, NULL);
	if (!json_is_object(body)) {
		json_decref(body);
		json_decref(row);
		return wam_error_set(WAM_EINTEGRITY, NULL, "trace request %.40s has an unreadable body", id);
	}
	json_object_set_new(row, "body", body);
	*out = row;
	return 0;
}

/* null, "acknowledgement" or "reply": the reply date passing matters more. */
static const char *overdue_of(const json_t *row, const char *today)
{
	const char *state = str(row, "state"), *ack = str(row, "ack_due"), *reply = str(row, "reply_due");
	bool waiting = !strcmp(state, "sent") || !strcmp(state, "acknowledged");
	if (waiting && reply && strcmp(reply, today) < 0)
		return "reply";
	if (!strcmp(state, "sent") && ack && strcmp(ack, today) < 0)
		return "acknowledgement";
	return NULL;
}

json_t *wam_trace_public_body(const json_t *body)
{
	static const char *const shared[] = {"reference",       "requesting",    "requested", "item",
	                                     "illicit_reason",  "justification", "recovery",  "intended_use",
	                                     "confidentiality", "urgency",       NULL};
	json_t *o = json_object();
	for (const char *const *k = shared; *k; k++)
		if (json_object_get(body, *k))
			json_object_set(o, *k, json_object_get(body, *k));
	/* the recovery as the other state reads it: this registry's recovery id
	 * names nothing there */
	const json_t *rec = json_object_get(body, "recovery");
	if (json_object_get(rec, "recovery_id")) {
		json_t *copy = json_copy((json_t *)rec);
		json_object_del(copy, "recovery_id");
		if (json_object_size(copy))
			json_object_set_new(o, "recovery", copy);
		else {
			json_decref(copy);
			json_object_del(o, "recovery");
		}
	}
	return o;
}

static json_t *responses_of(wam_db *db, const char *id, const char *purpose, unsigned flags, int *rc)
{
	json_t *rows, *list = json_array();
	*rc = wam_query_rows(db, &rows,
	                     "SELECT n, result, date, confidentiality, body, remote_node, seq FROM trace_responses"
	                     " WHERE request_id=? ORDER BY n",
	                     id, NULL);
	if (*rc) {
		json_decref(list);
		return NULL;
	}
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *o;
		if (wam_trace_request_response_restricted(r) && !(flags & WAM_TRACE_CONFIDENTIAL)) {
			/* R11: the result is not secret, what the record says may be */
			o = json_pack("{s:O, s:O, s:O, s:O, s:b}", "n", json_object_get(r, "n"), "result",
			              json_object_get(r, "result"), "date", json_object_get(r, "date"),
			              "confidentiality", json_object_get(r, "confidentiality"), "withheld", 1);
		} else {
			o = json_loads(str(r, "body") ? str(r, "body") : "", 0, NULL);
			if (!json_is_object(o)) {
				json_decref(o);
				o = json_object();
			}
			json_object_set(o, "n", json_object_get(r, "n"));
			json_object_set_new(o, "withheld", json_false());
		}
		json_object_set(o, "remote_node", json_object_get(r, "remote_node"));
		/* the ITI: information received is used only for the stated purpose */
		json_object_set_new(o, "purpose", purpose ? json_string(purpose) : json_null());
		json_array_append_new(list, o);
	}
	json_decref(rows);
	return list;
}

bool wam_trace_request_response_restricted(const json_t *response)
{
	const char *level = json_string_value(json_object_get(response, "confidentiality"));
	return !level || strcmp(level, "unclassified") != 0;
}

json_t *wam_trace_request_restricted_responses(const json_t *request)
{
	json_t *names = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(request, "responses"), i, r)
	{
		if (wam_trace_request_response_restricted(r)) {
			char name[32];
			snprintf(name, sizeof name, "responses[%zu]", i);
			json_array_append_new(names, json_string(name));
		}
	}
	return names;
}

/* The matcher's best candidates in this registry for an incoming request's
 * weapon: how the requested state finds its record. */
static json_t *candidates_of(wam_db *db, const json_t *item)
{
	const char *serial = str(item, "serial");
	json_t *res = NULL, *list;
	if (!serial)
		return json_array();
	wam_match_query q = {.serial = serial,
	                     .make = str(item, "make"),
	                     .model = str(item, "model"),
	                     .calibre = str(item, "calibre"),
	                     .country = str(item, "country"),
	                     .limit = 5,
	                     .max_edits = -1};
	if (wam_match_search(db, &res, &q)) {
		/* a serial with no letter or digit has no candidate; not an error to the reader */
		wam_error_clear();
		return json_array();
	}
	list = json_incref(json_object_get(res, "candidates"));
	json_decref(res);
	return list ? list : json_array();
}

int wam_trace_request_get(wam_db *db, json_t **out, const char *id, unsigned flags)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	json_t *row = NULL;
	char today[11];
	int rc = wam_trace_row(db, &row, id);
	*out = NULL;
	if (rc)
		return rc;
	const json_t *body = json_object_get(row, "body");
	json_t *o = json_pack("{s:O, s:O, s:O}", "id", json_object_get(row, "id"), "direction",
	                      json_object_get(row, "direction"), "state", json_object_get(row, "state"));
	static const char *const from_body[] = {
	    "reference",      "requesting",    "requested", "item_id",      "item",
	    "illicit_reason", "justification", "recovery",  "intended_use", "confidentiality",
	    "urgency",        "notes",         NULL};
	for (const char *const *k = from_body; *k; k++) {
		json_t *v = json_object_get(body, *k);
		json_object_set_new(o, *k, v ? json_incref(v) : json_null());
	}
	static const char *const from_row[] = {"created",  "sent",   "ack_due",      "reply_due", "acknowledged",
	                                       "answered", "closed", "close_reason", NULL};
	for (const char *const *k = from_row; *k; k++)
		json_object_set(o, *k, json_object_get(row, *k));
	wam_date_today(today);
	const char *od = overdue_of(row, today);
	json_object_set_new(o, "overdue", od ? json_string(od) : json_null());
	if (str(row, "remote_node"))
		json_object_set_new(o, "remote",
		                    json_pack("{s:O, s:O}", "node_id", json_object_get(row, "remote_node"),
		                              "request_id", json_object_get(row, "remote_id")));
	else
		json_object_set_new(o, "remote", json_null());
	json_object_set_new(o, "quality", wam_trace_quality_of(body));
	json_t *resp = responses_of(db, id, str(body, "intended_use"), flags, &rc);
	if (rc)
		goto fail;
	json_object_set_new(o, "responses", resp);
	/* an incoming weapon: where this registry's record may be (a lot is
	 * looked for with the ammunition search) */
	if (!strcmp(str(row, "direction"), "incoming") && !wam_trace_item_is_ammunition(json_object_get(body, "item")))
		json_object_set_new(o, "candidates", candidates_of(db, json_object_get(body, "item")));
	json_decref(row);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(row);
	return rc;
}

/* `item_kind` (weapon, part or ammunition), the lot's `calibre`,
 * `headstamp` (its text) and `lot`, and `what`: the serial of a weapon or a
 * part, "calibre / headstamp / lot" of an ammunition lot, so a list tells
 * the lot it traces. */
static void item_columns(json_t *row, const json_t *item)
{
	bool lot = wam_trace_item_is_ammunition(item);
	const char *kind = str(item, "kind");
	json_object_set_new(row, "item_kind",
	                    json_string(lot                             ? "ammunition"
	                                : kind && !strcmp(kind, "part") ? "part"
	                                                                : "weapon"));
	if (!lot) {
		json_object_set(row, "what", json_object_get(row, "serial"));
		return;
	}
	const char *parts[] = {str(item, "calibre"), str(json_object_get(item, "headstamp"), "text"), str(item, "lot")};
	const char *keys[] = {"calibre", "headstamp", "lot"};
	wam_buf what = {0};
	for (size_t i = 0; i < 3; i++) {
		json_object_set_new(row, keys[i], parts[i] ? json_string(parts[i]) : json_null());
		if (!parts[i])
			continue;
		if (what.n)
			wam_buf_puts(&what, " / ");
		wam_buf_puts(&what, parts[i]);
	}
	json_object_set_new(row, "what", what.n ? json_string(what.p) : json_null());
	wam_buf_free(&what);
}

/* `<side>_kind`, `<side>_name` and `<side>_label` of a list's row. */
static void party_columns(json_t *row, const char *side, const json_t *party)
{
	char key[32], label[2 * WAM_MAX_TEXT];
	const char *name = str(party, "name");
	snprintf(key, sizeof key, "%s_kind", side);
	json_object_set_new(row, key, json_string(wam_trace_party_kind(party)));
	snprintf(key, sizeof key, "%s_name", side);
	json_object_set_new(row, key, name ? json_string(name) : json_null());
	snprintf(key, sizeof key, "%s_label", side);
	wam_trace_party_label(label, sizeof label, party);
	json_object_set_new(row, key, *label ? json_string(label) : json_null());
}

int wam_trace_request_list(wam_db *db, json_t **out, const wam_trace_filter *f)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	char today[11], list[256];
	wam_buf sql = {0};
	sqlite3_stmt *st = NULL;
	json_t *rows = NULL;
	int rc;
	*out = NULL;
	if (f && f->direction && !wam_in_vocab(directions, f->direction)) {
		wam_vocab_list(directions, list, sizeof list);
		return wam_error_set(WAM_EINVAL, "direction", "direction '%.30s' is not one of: %s", f->direction,
		                     list);
	}
	if (f && f->state && !wam_in_vocab(states, f->state)) {
		wam_vocab_list(states, list, sizeof list);
		return wam_error_set(WAM_EINVAL, "state", "state '%.30s' is not one of: %s", f->state, list);
	}
	wam_date_today(today);
	wam_buf_puts(&sql,
	             "SELECT * FROM (SELECT r.id, r.direction, r.state, r.reference, r.requesting_state,"
	             " r.requested_state, r.item_id, r.serial, r.urgency, r.confidentiality, r.sent, r.ack_due,"
	             " r.reply_due, CASE WHEN r.state IN ('sent','acknowledged') AND r.reply_due < ?1 THEN 'reply'"
	             " WHEN r.state='sent' AND r.ack_due < ?1 THEN 'acknowledgement' END AS overdue,"
	             " (SELECT s.result FROM trace_responses s WHERE s.request_id=r.id ORDER BY s.n DESC LIMIT 1)"
	             " AS result, r.body, r.created_seq FROM trace_requests r) WHERE 1=1");
	if (f && f->direction)
		wam_buf_puts(&sql, " AND direction=?2");
	if (f && f->state)
		wam_buf_puts(&sql, " AND state=?3");
	if (f && f->overdue_only)
		wam_buf_puts(&sql, " AND overdue IS NOT NULL");
	if (f && f->item_id)
		wam_buf_puts(&sql, " AND item_id=?4");
	wam_buf_puts(&sql, " ORDER BY created_seq DESC");
	if (sqlite3_prepare_v2(db->conn, sql.p, -1, &st, NULL) != SQLITE_OK) {
		rc = wam_sql_fail(db->conn, "list trace requests");
		goto done;
	}
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	if (f) {
		wam_bind_text_or_null(st, 2, f->direction);
		wam_bind_text_or_null(st, 3, f->state);
		wam_bind_text_or_null(st, 4, f->item_id);
	}
	if ((rc = wam_rows_json(st, &rows, "list trace requests")))
		goto done;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *body = json_loads(str(r, "body") ? str(r, "body") : "{}", 0, NULL),
		       *q = wam_trace_quality_of(body);
		json_object_set(r, "score", json_object_get(q, "score"));
		item_columns(r, json_object_get(body, "item"));
		party_columns(r, "requesting", json_object_get(body, "requesting"));
		party_columns(r, "requested", json_object_get(body, "requested"));
		json_object_del(r, "body");
		json_object_del(r, "created_seq");
		json_decref(q);
		json_decref(body);
	}
	*out = rows;
	rows = NULL;
done:
	wam_buf_free(&sql);
	json_decref(rows);
	return rc;
}

/* ---- changes ---- */

/* The states of `allowed` as a sentence says them: "sent or acknowledged",
 * "draft, sent, acknowledged or answered". */
static void or_list(const char *const *allowed, char *out, size_t cap)
{
	size_t n = 0, count = 0;
	while (allowed[count])
		count++;
	out[0] = '\0';
	for (size_t i = 0; i < count && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", !i ? "" : i + 1 == count ? " or " : ", ", allowed[i]);
}

/* Opens the transaction and reads request `id`, which must be in one of
 * `allowed` (NULL-terminated) to be changed by `what`. */
static int begin_on(wam_db *db, json_t **row, const char *id, const char *const *allowed, const char *what)
{
	int rc = wam_db_begin(db);
	*row = NULL;
	if (rc)
		return rc;
	if ((rc = wam_trace_row(db, row, id))) {
		wam_db_rollback(db);
		return rc;
	}
	const char *state = str(*row, "state");
	if (!wam_in_vocab(allowed, state)) {
		char list[128];
		or_list(allowed, list, sizeof list);
		rc = wam_error_set(WAM_ECONFLICT, "state",
		                   "trace request %.40s is %s: only a request that is %s can be %s", id, state, list,
		                   what);
		json_decref(*row);
		*row = NULL;
		wam_db_rollback(db);
	}
	return rc;
}

/* Appends the event and commits; the request as a tracer sees it in `*out`. */
static int finish(wam_db *db, json_t **out, const char *id, const char *type, const json_t *payload)
{
	int rc = wam_ledger_append(db, type, id, payload, NULL);
	if (rc) {
		wam_db_rollback(db);
		return rc;
	}
	if ((rc = wam_db_commit(db)))
		return rc;
	return out ? wam_trace_request_get(db, out, id, WAM_TRACE_CONFIDENTIAL) : 0;
}

static int not_object(const json_t *in, const char *what)
{
	return json_is_object(in) ? 0 : wam_error_set(WAM_EINVAL, NULL, "%s is a JSON object", what);
}

int wam_trace_request_draft(wam_db *db, json_t **out, const json_t *request)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	json_t *body = NULL;
	char id[WAM_ID_LEN + 1];
	int rc;
	if (out)
		*out = NULL;
	if ((rc = not_object(request, "a trace request")) || (rc = wam_db_begin(db)))
		return rc;
	if ((rc = wam_trace_body(db, &body, request, ""))) {
		wam_db_rollback(db);
		return rc;
	}
	wam_db_new_id(db, id);
	rc = finish(db, out, id, "trace.drafted", body);
	json_decref(body);
	return rc;
}

int wam_trace_request_update(wam_db *db, json_t **out, const char *id, const json_t *changes)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	static const char *const drafts[] = {"draft", NULL};
	json_t *row, *merged, *body = NULL;
	const char *key, *k2;
	json_t *v, *v2;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = not_object(changes, "a change")) || (rc = begin_on(db, &row, id, drafts, "changed")))
		return rc;
	const json_t *was = json_object_get(row, "body");
	merged = json_deep_copy(was);
	json_object_foreach((json_t *)changes, key, v)
	{
		json_t *old = json_object_get(merged, key);
		if (json_is_object(v) && json_is_object(old)) {
			/* one level deep: {"item": {"serial": ...}} keeps the item's
			 * other fields, and {"item": {"serial": null}} removes the serial */
			json_t *c = json_copy(old);
			json_object_foreach(v, k2, v2)
			{
				if (json_is_null(v2))
					json_object_del(c, k2);
				else
					json_object_set(c, k2, v2);
			}
			json_object_set_new(merged, key, c);
		} else if (json_is_null(v)) {
			json_object_del(merged, key);
		} else {
			json_object_set(merged, key, v);
		}
	}
	/* the weapon's fields are taken again only when the draft names another
	 * weapon: what the tracer removed from the first stays removed */
	const char *item_id = str(merged, "item_id"), *had = str(was, "item_id");
	bool other_weapon = item_id && (!had || strcmp(item_id, had));
	if ((rc = body_of(db, &body, merged, "", other_weapon))) {
		wam_db_rollback(db);
	} else if (json_equal(body, (json_t *)was)) {
		/* nothing changes: no event, the draft as it is */
		if (!(rc = wam_db_commit(db)) && out)
			rc = wam_trace_request_get(db, out, id, WAM_TRACE_CONFIDENTIAL);
	} else {
		rc = finish(db, out, id, "trace.draft_changed", body);
	}
	json_decref(body);
	json_decref(merged);
	json_decref(row);
	return rc;
}

int wam_trace_request_quality(wam_db *db, json_t **out, const char *id, const json_t *request)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	json_t *body = NULL;
	int rc;
	*out = NULL;
	if (id) {
		json_t *row;
		if ((rc = wam_trace_row(db, &row, id)))
			return rc;
		*out = wam_trace_quality_of(json_object_get(row, "body"));
		json_decref(row);
		return 0;
	}
	if ((rc = not_object(request, "a trace request")) || (rc = wam_trace_body(db, &body, request, "")))
		return rc;
	*out = wam_trace_quality_of(body);
	json_decref(body);
	return 0;
}

/* What this registry records itself happened on a day that has come; a
 * later date is a typing error. (An imported document's dates are the other
 * state's, and are not held to this registry's clock.) */
static int not_after_today(const char *field, const char *date, const char *fmt) __attribute__((format(printf, 3, 0)));
/* `fmt` says why, after "<field> <date> is after today (<today>)": one
 * sentence each, for its message id */
static int not_after_today(const char *field, const char *date, const char *fmt)
{
	char today[11];
	wam_date_today(today);
	if (date && strcmp(date, today) > 0)
		return wam_error_set(WAM_EINVAL, field, fmt, field, date, today);
	return 0;
}

/* The dates of a response given here: its own, each transfer's and the last
 * holder's. */
static int response_not_after_today(const json_t *r)
{
	char f[FIELD_LEN];
	size_t i;
	const json_t *step;
	int rc = not_after_today("date", str(r, "date"),
	                         "%s %s is after today (%s): a response is recorded once it was given");
	json_array_foreach(json_object_get(r, "chain"), i, step)
	{
		snprintf(f, sizeof f, "chain[%zu].date", i);
		if (!rc)
			rc = not_after_today(f, str(step, "date"),
			                     "%s %s is after today (%s): a transfer is recorded once it happened");
	}
	if (!rc)
		rc = not_after_today("last_holder.date", str(json_object_get(r, "last_holder"), "date"),
		                     "%s %s is after today (%s): a holder is recorded once it held the weapon");
	return rc;
}

/* `date` + `days` into `out`. */
static void add_days(char out[11], const char *date, long days)
{
	time_t t = 0;
	wam_date_parse(date, &t);
	wam_date_format(out, t + (time_t)days * 86400);
}

/* Date `key` of `in` or today into `out` (checked). */
static int date_or_today(json_t *p, const json_t *in, const char *key)
{
	int rc = wam_take_date(p, in, key, key, 0, 0);
	if (!rc && !str(p, key)) {
		char today[11];
		wam_date_today(today);
		json_object_set_new(p, key, json_string(today));
	}
	return rc;
}

int wam_trace_request_send(wam_db *db, json_t **out, const char *id, const json_t *details)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	static const char *const drafts[] = {"draft", NULL};
	json_t *row = NULL, *p = json_object(), *d = json_object(), *q = NULL, *empty = json_object();
	char ack[11], reply[11];
	int rc;
	if (out)
		*out = NULL;
	if (!details)
		details = empty;
	if ((rc = not_object(details, "sending details")) || (rc = begin_on(db, &row, id, drafts, "sent")))
		goto done;
	if ((rc = wam_trace_check_fields(details, send_fields, "")) || (rc = date_or_today(p, details, "date")) ||
	    (rc = not_after_today("date", str(p, "date"),
	                          "%s %s is after today (%s): a request is recorded as sent once it left")) ||
	    (rc = wam_take_int(d, details, "ack_days", "ack_days", 1, 3650, 0, 0)) ||
	    (rc = wam_take_int(d, details, "reply_days", "reply_days", 1, 3650, 0, 0)))
		goto fail;
	/* R10: what a request must say before it may leave */
	q = wam_trace_quality_of(json_object_get(row, "body"));
	const json_t *missing = json_object_get(q, "missing");
	if (json_array_size(missing)) {
		wam_buf msg = {0};
		size_t i;
		const json_t *m;
		/* every missing field, named; the either-or ones say what else would do */
		json_array_foreach(missing, i, m)
		{
			const char *field = str(m, "field");
			wam_buf_printf(&msg, "%s%s%s", i ? ", " : "", field,
			               !strcmp(field, "item.make")        ? " (make or country of manufacture)"
			               : !strcmp(field, "item.serial")    ? " (or serial_reason)"
			               : !strcmp(field, "item.headstamp") ? " (or item.lot)"
			                                                  : "");
		}
		rc = wam_error_set(WAM_EINVAL, str(json_array_get(missing, 0), "field"),
		                   "the request cannot be sent: R10 and the ITI require %s", msg.p ? msg.p : "");
		wam_buf_free(&msg);
		goto fail;
	}
	json_t *ad = json_object_get(d, "ack_days"), *rd = json_object_get(d, "reply_days");
	add_days(ack, str(p, "date"), ad ? (long)json_integer_value(ad) : WAM_TRACE_ACK_DAYS);
	add_days(reply, str(p, "date"), rd ? (long)json_integer_value(rd) : WAM_TRACE_REPLY_DAYS);
	json_object_set_new(p, "ack_due", json_string(ack));
	json_object_set_new(p, "reply_due", json_string(reply));
	rc = finish(db, out, id, "trace.sent", p);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(row);
	json_decref(p);
	json_decref(d);
	json_decref(q);
	json_decref(empty);
	return rc;
}

/* An acknowledgement or a response dated before the request was sent is a
 * typing error, not history. */
static int not_before_sent(const json_t *row, const char *date)
{
	const char *sent = str(row, "sent");
	if (sent && date && strcmp(date, sent) < 0)
		return wam_error_set(WAM_EINVAL, "date", "date %s is before the request was sent (%s)", date, sent);
	return 0;
}

int wam_trace_request_acknowledge(wam_db *db, json_t **out, const char *id, const json_t *details)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	static const char *const sent[] = {"sent", NULL};
	json_t *row = NULL, *p = json_object(), *empty = json_object();
	int rc;
	if (out)
		*out = NULL;
	if (!details)
		details = empty;
	if ((rc = not_object(details, "an acknowledgement")) || (rc = begin_on(db, &row, id, sent, "acknowledged")))
		goto done;
	if ((rc = wam_trace_check_fields(details, ack_fields, "")) || (rc = date_or_today(p, details, "date")) ||
	    (rc = wam_take_text(p, details, "note", "note", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)) ||
	    (rc = not_after_today("date", str(p, "date"),
	                          "%s %s is after today (%s): an acknowledgement is recorded once it was given")) ||
	    (rc = not_before_sent(row, str(p, "date")))) {
		wam_db_rollback(db);
		goto done;
	}
	rc = finish(db, out, id, "trace.acknowledged", p);
done:
	json_decref(row);
	json_decref(p);
	json_decref(empty);
	return rc;
}

int wam_trace_request_respond(wam_db *db, json_t **out, const char *id, const json_t *response)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	static const char *const waiting[] = {"sent", "acknowledged", NULL};
	json_t *row = NULL, *r = NULL, *p = NULL;
	long days;
	int rc;
	if (out)
		*out = NULL;
	if ((rc = not_object(response, "a response")) || (rc = begin_on(db, &row, id, waiting, "answered")))
		return rc;
	if ((rc = wam_trace_response_body(db, &r, response, str(json_object_get(row, "body"), "confidentiality"), "",
	                                  &days)) ||
	    (rc = response_not_after_today(r)) || (rc = not_before_sent(row, str(r, "date")))) {
		wam_db_rollback(db);
		goto done;
	}
	p = json_pack("{s:O}", "response", r);
	if (!strcmp(str(r, "result"), "delayed")) {
		/* a delay is an answer to come: a new date to wait for */
		char due[11];
		add_days(due, str(r, "date"), days ? days : WAM_TRACE_REPLY_DAYS);
		json_object_set_new(p, "reply_due", json_string(due));
	}
	rc = finish(db, out, id, "trace.responded", p);
done:
	json_decref(row);
	json_decref(r);
	json_decref(p);
	return rc;
}

int wam_trace_request_close(wam_db *db, json_t **out, const char *id, const json_t *details)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	static const char *const open[] = {"draft", "sent", "acknowledged", "answered", NULL};
	json_t *row = NULL, *p = json_object();
	int rc;
	if (out)
		*out = NULL;
	if ((rc = not_object(details, "closing details")) || (rc = begin_on(db, &row, id, open, "closed")))
		goto done;
	if ((rc = wam_trace_check_fields(details, close_fields, "")) ||
	    (rc = wam_take_text(p, details, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES,
	                        0))) {
		wam_db_rollback(db);
		goto done;
	}
	char today[11];
	wam_date_today(today);
	json_object_set_new(p, "date", json_string(today));
	rc = finish(db, out, id, "trace.closed", p);
done:
	json_decref(row);
	json_decref(p);
	return rc;
}
