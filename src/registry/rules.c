/* Vocabularies, the status state machine and marking rules R1–R4.
 *
 * The state machine follows a weapon's life: in state hands (in_service,
 * in_store, issued), out of lawful control (lost, stolen), back under control
 * (seized, found, surrendered), and final states (destroyed, exported).
 * Every edge is listed once in `edges`; docs/registry.md prints the same
 * table. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "wam/match.h"
#include "registry/rules.h"
#include "store/field.h"

#define WAM_MAX_KEY_INPUT 256

/* The last three are parts' words too (wam_registry_part_types), so that a
 * part's serial can be said to be on the part itself. */
const char *const wam_registry_components[] = {
    "frame_receiver", "barrel",         "slide",          "bolt",           "bolt_carrier",
    "cylinder",       "breech_block",   "top_cover",      "magazine",       "stock",
    "other",          "upper_receiver", "lower_receiver", "conversion_kit", NULL};
const char *const wam_registry_marking_kinds[] = {
    "manufacturer", "serial",       "country",        "year",        "model",  "calibre", "import", "state_ownership",
    "proof",        "factory_code", "arsenal_symbol", "assembly_no", "refurb", "unit",    "other",  NULL};
const char *const wam_registry_scripts[] = {"latin", "cyrillic", "arabic", "persian", "cjk",
                                            "greek", "mixed",    "other",  NULL};
const char *const wam_registry_legibilities[] = {"clear", "worn", "partial", "obliterated", "restored", NULL};
const char *const wam_registry_part_types[] = {
    "frame_receiver", "upper_receiver", "lower_receiver", "barrel", "slide", "bolt",
    "bolt_carrier",   "cylinder",       "conversion_kit", "other",  NULL};
const char *const wam_registry_manufactures[] = {"factory",     "craft",     "printed", "converted",
                                                 "reactivated", "assembled", NULL};
const char *const wam_registry_conversions[] = {"blank_firing", "alarm",       "gas",   "signal",
                                                "air",          "deactivated", "other", NULL};
const char *const wam_registry_frame_materials[] = {"metal", "polymer", "other", NULL};
const char *const wam_registry_marking_methods[] = {"stamped", "engraved", "laser", "cast",
                                                    "insert",  "printed",  "other", NULL};
const char *const wam_item_kinds[] = {"weapon", "part", NULL};

bool wam_registry_counts_as_weapon(const char *kind, const char *part_type)
{
	return !kind || strcmp(kind, "part") != 0 ||
	       (part_type && (!strcmp(part_type, "frame_receiver") || !strcmp(part_type, "lower_receiver")));
}

const char *wam_registry_serial_component(const json_t *item)
{
	const char *said = json_string_value(json_object_get(item, "serial_component"));
	const char *kind = json_string_value(json_object_get(item, "kind"));
	const char *part_type = json_string_value(json_object_get(item, "part_type"));
	if (said)
		return said;
	if (kind && !strcmp(kind, "part") && part_type) /* every part type is a component word */
		return part_type;
	return "frame_receiver";
}

const char *const wam_statuses[] = {"in_service", "in_store",    "issued",      "lost",      "stolen",   "seized",
                                    "found",      "surrendered", "deactivated", "destroyed", "exported", NULL};
const char *const wam_site_kinds[] = {
    "armoury",     "depot", "building",   "room",  "rack", "police_station", "unit", "collection_point",
    "border_post", "court", "laboratory", "other", NULL};
const char *const wam_holder_types[] = {
    "state_armed_force", "police",     "other_state_agency",  "manufacturer", "dealer", "broker",
    "civilian",          "un_mission", "nsag_recovered_from", "unknown",      NULL};

static const struct {
	const char *from;
	const char *to[8];
} edges[] = {
    {"in_service", {"in_store", "issued", "lost", "stolen", "deactivated", "exported", NULL}},
    {"in_store", {"in_service", "issued", "lost", "stolen", "deactivated", "destroyed", "exported", NULL}},
    {"issued", {"in_store", "in_service", "lost", "stolen", NULL}},
    {"lost", {"found", "seized", "surrendered", NULL}},
    {"stolen", {"seized", "found", "surrendered", NULL}},
    {"seized", {"in_store", "in_service", "deactivated", "destroyed", "exported", "stolen", "lost", NULL}},
    {"found", {"in_store", "in_service", "deactivated", "destroyed", "stolen", "lost", NULL}},
    {"surrendered", {"in_store", "in_service", "deactivated", "destroyed", "stolen", "lost", NULL}},
    {"deactivated", {"in_store", "destroyed", "exported", "lost", "stolen", NULL}},
    {"destroyed", {NULL}},
    {"exported", {NULL}},
};

bool wam_registry_status_allowed(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		if (!strcmp(edges[i].from, from))
			return wam_in_vocab(edges[i].to, to);
	return false;
}

void wam_registry_status_next(const char *from, char *out, size_t cap)
{
	snprintf(out, cap, "none");
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		if (!strcmp(edges[i].from, from) && edges[i].to[0])
			wam_vocab_list(edges[i].to, out, cap);
}

bool wam_status_needs_reason(const char *to)
{
	return !strcmp(to, "lost") || !strcmp(to, "stolen") || !strcmp(to, "destroyed") || !strcmp(to, "deactivated") ||
	       !strcmp(to, "exported");
}

bool wam_status_final_by_procedure(const char *to)
{
	return to && (!strcmp(to, "destroyed") || !strcmp(to, "exported"));
}

bool wam_status_needs_certificate(const char *to)
{
	return !strcmp(to, "destroyed") || !strcmp(to, "deactivated");
}

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v && *v ? v : NULL;
}

static bool has_wildcard(const char *t)
{
	return t && (strchr(t, '?') || strchr(t, '*'));
}

/* R4: a weapon (or the frame or lower receiver that counts as one) whose
 * frame is polymer or printed is traceable only by a serialised metal insert
 * marked with the serial, on the frame or on the component said to carry the
 * serial. True when R4 does not apply or the insert is there. */
static bool insert_marked(const json_t *item)
{
	const char *material = s(item, "frame_material"), *made = s(item, "manufacture"),
	           *carrier = wam_registry_serial_component(item);
	if (!wam_registry_counts_as_weapon(s(item, "kind"), s(item, "part_type")) ||
	    !((material && !strcmp(material, "polymer")) || (made && !strcmp(made, "printed"))))
		return true;
	const json_t *m;
	size_t i;
	json_array_foreach(json_object_get(item, "markings"), i, m)
	{
		const char *kind = s(m, "kind"), *method = s(m, "method"), *on = s(m, "component");
		const char *leg = s(m, "legibility");
		/* an insert whose number cannot be read in full traces nothing */
		if (leg && (!strcmp(leg, "obliterated") || !strcmp(leg, "partial")))
			continue;
		if (kind && !strcmp(kind, "serial") && method && !strcmp(method, "insert") && on &&
		    (!strcmp(on, "frame_receiver") || (carrier && !strcmp(on, carrier))))
			return true;
	}
	return false;
}

/* R1 (manufacture marking: maker, country, serial), R2 (import marking when
 * the weapon was made abroad and is held in the registry's country), R3 (no
 * unmarked weapon in state hands). Condition of the serial marks comes
 * first: an altered or obliterated serial defeats tracing whatever else is
 * marked. */
const char *wam_registry_marking(const json_t *item, const char *country, json_t **reason)
{
	const json_t *markings = json_object_get(item, "markings");
	const json_t *m;
	size_t i, nserial = 0, nobliterated = 0, npartial = 0;
	const char *serial = s(item, "serial");
	json_array_foreach(markings, i, m)
	{
		if (json_is_true(json_object_get(m, "altered"))) {
			*reason = wam_message_json("the %s marking on the %s shows re-stamping or alteration",
			                           s(m, "kind") ? s(m, "kind") : "",
			                           s(m, "component") ? s(m, "component") : "");
			return "altered";
		}
		if (!s(m, "kind") || strcmp(s(m, "kind"), "serial") != 0)
			continue;
		nserial++;
		const char *leg = s(m, "legibility");
		if (leg && !strcmp(leg, "obliterated"))
			nobliterated++;
		else if ((leg && (!strcmp(leg, "partial") || !strcmp(leg, "worn"))) || has_wildcard(s(m, "text")))
			npartial++;
	}
	if (!json_array_size(markings) && !serial) {
		*reason = wam_message_json("no markings recorded (R1, R3)");
		return "unmarked";
	}
	if (nserial && nobliterated == nserial) {
		*reason = wam_message_json("every serial marking is obliterated");
		return "obliterated";
	}
	if (npartial || has_wildcard(serial)) {
		*reason = wam_message_json("a serial marking is only partly legible");
		return "partial";
	}
	char missing[128];
	snprintf(missing, sizeof missing, "%s%s%s", serial ? "" : ", serial", s(item, "make") ? "" : ", manufacturer",
	         s(item, "country") ? "" : ", country of manufacture");
	if (missing[0]) {
		*reason = wam_message_json("R1: the manufacture marking lacks %s", missing + 2);
		return "inadequate";
	}
	if (country && *country && strcmp(s(item, "country"), country) != 0 &&
	    !json_array_size(json_object_get(item, "import_marks"))) {
		*reason = wam_message_json("R2: made in %s but no import marking for %s", s(item, "country"), country);
		return "inadequate";
	}
	if (!insert_marked(item)) {
		*reason = wam_message_json("R4: a polymer or printed frame carries no marked serialised metal insert");
		return "inadequate";
	}
	*reason = wam_message_json("manufacturer, country of manufacture and serial are marked (R1)");
	return "adequate";
}

const char *wam_registry_marking_status(const json_t *item, const char *country, char *reason, size_t cap)
{
	json_t *said = NULL;
	const char *status = wam_registry_marking(item, country, &said);
	const char *text = json_string_value(json_object_get(said, "message"));
	snprintf(reason, cap, "%s", text ? text : "");
	json_decref(said);
	return status;
}

int wam_item_keys(const json_t *item, char *serial_key, size_t scap, char *make_key, size_t mcap, char *alt,
                  size_t acap)
{
	const char *serial = s(item, "serial"), *make = s(item, "make");
	int rc;
	if (alt && acap)
		alt[0] = '\0';
	serial_key[0] = make_key[0] = '\0';
	if (serial) {
		/* a key that cannot be made is an error, never an empty key: an
		 * empty key would hide the weapon from duplicate checks and search */
		if ((rc = wam_match_serial_key_pair(serial_key, scap, alt, acap, serial)))
			return rc;
	}
	/* a registry has a few hundred makes: remember the last one's key */
	static _Thread_local char last_make[WAM_MAX_KEY_INPUT], last_key[4 * WAM_MAX_KEY_INPUT];
	if (!make)
		return 0;
	if (strlen(make) < sizeof last_make && !strcmp(make, last_make)) {
		snprintf(make_key, mcap, "%s", last_key);
		return 0;
	}
	if (wam_match_name_key(make_key, mcap, make) < 0)
		return wam_error_set(WAM_EIO, "make", "the key of make '%.40s' cannot be made (matcher tables)", make);
	if (strlen(make) < sizeof last_make) {
		memcpy(last_make, make, strlen(make) + 1);
		snprintf(last_key, sizeof last_key, "%s", make_key);
	}
	return 0;
}

const char *wam_registry_script_detect(const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : ""); /* NULL: a text lost to out of memory */
	unsigned seen = 0;                                                  /* bit per script */
	enum { LATIN = 1, CYR = 2, ARAB = 4, PERS = 8, CJK = 16, GREEK = 32 };
	while (*p) {
		unsigned cp;
		int len;
		if (*p < 0x80) {
			cp = *p;
			len = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
			len = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
			len = 3;
		} else {
			cp = 0x10000;
			len = 4;
		}
		if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
			seen |= LATIN;
		else if (cp >= 0x0400 && cp <= 0x04ff)
			seen |= CYR;
		else if (cp >= 0x0370 && cp <= 0x03ff)
			seen |= GREEK;
		else if (cp >= 0x06f0 && cp <= 0x06f9)
			seen |= PERS;
		else if (cp >= 0x0600 && cp <= 0x06ff)
			seen |= ARAB;
		else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf))
			seen |= CJK;
		for (int k = 0; k < len && *p; k++)
			p++;
	}
	if (seen & PERS)
		seen = (seen & ~(unsigned)(PERS | ARAB)) | PERS; /* Persian digits imply Persian script */
	switch (seen) {
	case 0:
	case LATIN:
		return "latin";
	case CYR:
		return "cyrillic";
	case ARAB:
		return "arabic";
	case PERS:
		return "persian";
	case CJK:
		return "cjk";
	case GREEK:
		return "greek";
	default:
		return "mixed";
	}
}

/* ---- compact payloads and their full form ----
 *
 * An event stores what the person stated, not what wam can derive: the
 * frame serial marking that merely repeats `serial`, legibility "clear" and a
 * script equal to the detected one are left out (about a third of a
 * weapon's event). The projection, history and rules see the full form. */

static const char *serial_legibility(const char *serial)
{
	return has_wildcard(serial) ? "partial" : "clear";
}

/* The serial marking that `serial` repeats: on the component that carries
 * the serial (the frame's, unless the item says or is another part). */
static bool is_frame_serial(const json_t *m, const char *carrier)
{
	return s(m, "kind") && !strcmp(s(m, "kind"), "serial") && s(m, "component") &&
	       !strcmp(s(m, "component"), carrier);
}

void wam_item_compact(json_t *p)
{
	json_t *markings = json_object_get(p, "markings");
	size_t i;
	json_t *m;
	const char *carrier = wam_registry_serial_component(p);
	if (!s(p, "serial")) /* the frame serial marking gives the serial */
		json_array_foreach(markings, i, m) if (is_frame_serial(m, carrier))
		{
			json_object_set(p, "serial", json_object_get(m, "text"));
			break;
		}
	const char *serial = s(p, "serial");
	json_array_foreach(markings, i, m)
	{
		const char *text = s(m, "text") ? s(m, "text") : "";
		if (s(m, "legibility") && !strcmp(s(m, "legibility"), "clear"))
			json_object_del(m, "legibility");
		if (s(m, "script") && !strcmp(s(m, "script"), wam_registry_script_detect(text)))
			json_object_del(m, "script");
	}
	m = json_array_get(markings, 0);
	if (m && serial && is_frame_serial(m, carrier) && s(m, "text") && !strcmp(s(m, "text"), serial) &&
	    json_object_size(m) <= 4) {
		const char *leg = s(m, "legibility") ? s(m, "legibility") : "clear";
		bool only_defaults = json_object_size(m) == 3 + (s(m, "legibility") != NULL);
		if (only_defaults && !strcmp(leg, serial_legibility(serial)))
			json_array_remove(markings, 0);
	}
	if (markings && !json_array_size(markings))
		json_object_del(p, "markings");
}

json_t *wam_item_expand(const json_t *payload)
{
	json_t *full = json_copy((json_t *)payload), *arr = json_array();
	const json_t *m;
	size_t i;
	bool frame = false;
	const char *carrier = wam_registry_serial_component(payload);
	json_array_foreach(json_object_get(payload, "markings"), i, m)
	{
		json_t *c = json_copy((json_t *)m);
		const char *text = s(c, "text") ? s(c, "text") : "";
		if (!s(c, "legibility"))
			json_object_set_new(c, "legibility", json_string("clear"));
		if (!s(c, "script"))
			json_object_set_new(c, "script", json_string(wam_registry_script_detect(text)));
		frame |= is_frame_serial(c, carrier);
		json_array_append_new(arr, c);
	}
	const char *serial = s(payload, "serial");
	if (serial && !frame)
		json_array_insert_new(arr, 0,
		                      json_pack("{s:s, s:s, s:s, s:s, s:s}", "component", carrier, "kind", "serial",
		                                "text", serial, "script", wam_registry_script_detect(serial),
		                                "legibility", serial_legibility(serial)));
	json_object_set_new(full, "markings", arr);
	return full;
}

/* What wam_registry_marking_status() can answer, worst last, for the vocabulary. */
static const char *const marking_statuses[] = {"adequate", "inadequate", "partial", "obliterated",
                                               "altered",  "unmarked",   NULL};

/* The words of `vocab` that `keep` holds for (all of them when it is NULL)
 * as a new array; NULL when memory is exhausted. */
static json_t *words(const char *const *vocab, bool (*keep)(const char *))
{
	json_t *a = json_array();
	for (; a && *vocab; vocab++)
		if ((!keep || keep(*vocab)) && json_array_append_new(a, json_string(*vocab))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

int wam_registry_vocabulary(wam_db *db, json_t **out)
{
	json_t *v = json_object(), *next = json_object(), *categories = NULL;
	int rc = 0;
	*out = NULL;
	if (!v || !next || json_object_set(v, "status_next", next))
		goto oom;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		if (json_object_set_new(next, edges[i].from, words(edges[i].to, NULL)))
			goto oom;
	if ((rc = wam_query_rows(db, &categories, "SELECT code, kind, name FROM ref_category ORDER BY rowid", NULL,
	                         NULL)))
		goto done;
	if (json_object_set_new(v, "categories", categories) ||
	    json_object_set_new(v, "statuses", words(wam_statuses, NULL)) ||
	    json_object_set_new(v, "status_needs_reason", words(wam_statuses, wam_status_needs_reason)) ||
	    json_object_set_new(v, "status_needs_certificate", words(wam_statuses, wam_status_needs_certificate)) ||
	    json_object_set_new(v, "status_final_by_procedure", words(wam_statuses, wam_status_final_by_procedure)) ||
	    json_object_set_new(v, "marking_statuses", words(marking_statuses, NULL)) ||
	    json_object_set_new(v, "components", words(wam_registry_components, NULL)) ||
	    json_object_set_new(v, "marking_kinds", words(wam_registry_marking_kinds, NULL)) ||
	    json_object_set_new(v, "legibilities", words(wam_registry_legibilities, NULL)) ||
	    json_object_set_new(v, "scripts", words(wam_registry_scripts, NULL)) ||
	    json_object_set_new(v, "site_kinds", words(wam_site_kinds, NULL)) ||
	    json_object_set_new(v, "holder_types", words(wam_holder_types, NULL)) ||
	    json_object_set_new(v, "kinds", words(wam_item_kinds, NULL)) ||
	    json_object_set_new(v, "part_types", words(wam_registry_part_types, NULL)) ||
	    json_object_set_new(v, "manufactures", words(wam_registry_manufactures, NULL)) ||
	    json_object_set_new(v, "conversions", words(wam_registry_conversions, NULL)) ||
	    json_object_set_new(v, "frame_materials", words(wam_registry_frame_materials, NULL)) ||
	    json_object_set_new(v, "marking_methods", words(wam_registry_marking_methods, NULL)) ||
	    json_object_set_new(v, "person_sexes", words(wam_person_sexes, NULL)) ||
	    json_object_set_new(v, "person_age_bands", words(wam_person_age_bands, NULL)))
		goto oom;
	json_decref(next);
	*out = v;
	return 0;
oom:
	rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the vocabularies");
done:
	json_decref(next);
	json_decref(v);
	return rc;
}
