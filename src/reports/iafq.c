/* The tables of UNODC's Illicit Arms Flows Questionnaire (IAFQ) for a
 * calendar year (docs/formats/iafq.md): weapons seized, found and
 * surrendered by type, by context and by legal justification, parts,
 * ammunition by calibre, tracing, and the people tables.
 *
 * Each total is the SDG 16.4.2 report's own figure for the year
 * (wam_trace_sdg_report(), docs/trace.md), so the questionnaire and the
 * indicator never disagree; what that report does not split — the recovery
 * type within a weapon type, context, part type or calibre, and the legal
 * justification — is counted from the same recovered items and lines
 * (src/reports/recovered.c, the SDG rules). A row total drills down to the
 * SDG report's own records for its figure; a split, to the recovered items
 * or lines behind it. */
#include <string.h>

#include "reports/people.h"
#include "reports/recovered.h"
#include "reports/reports.h"
#include "store/field.h"
#include "wam/collection.h"
#include "wam/match.h"
#include "wam/registry.h"
#include "wam/trace.h"

static const char *const weapon_types[] = {"pistol_revolver", "rifle", "shotgun", "smg", "machine_gun", "other", NULL};
static const char *const tracing_rows[] = {
    "recovered", "identified", "trace_initiated", "traced_successfully", "established_otherwise", NULL};
static const char *const results[] = {
    "illicit_manufacture", "civilian_holder", "state_stocks", "transfer_export", "other", "not_established", NULL};
static const char *const round_columns[] = {"rounds_seized", "rounds_found", "rounds_surrendered", NULL};

static json_t *caption(const char *id)
{
	if (!strcmp(id, "weapons_by_type"))
		return wam_message_json("Weapons seized, found and surrendered, by type");
	if (!strcmp(id, "weapons_by_context"))
		return wam_message_json("Weapons seized, found and surrendered, by context");
	if (!strcmp(id, "weapons_by_justification"))
		return wam_message_json("Weapons seized, found and surrendered, by legal justification");
	if (!strcmp(id, "parts"))
		return wam_message_json("Parts and components recovered, by type");
	if (!strcmp(id, "ammunition"))
		return wam_message_json("Ammunition recovered, by calibre (rounds)");
	return wam_message_json("Tracing of the weapons recovered");
}

static json_t *type_label(const char *t)
{
	if (!strcmp(t, "pistol_revolver"))
		return wam_message_json("pistols and revolvers");
	if (!strcmp(t, "rifle"))
		return wam_message_json("rifles and carbines");
	if (!strcmp(t, "shotgun"))
		return wam_message_json("shotguns");
	if (!strcmp(t, "smg"))
		return wam_message_json("sub-machine guns");
	if (!strcmp(t, "machine_gun"))
		return wam_message_json("machine guns");
	return wam_message_json("other weapons");
}

static json_t *part_label(const char *p)
{
	if (!strcmp(p, "frame_receiver"))
		return wam_message_json("frames and receivers");
	if (!strcmp(p, "upper_receiver"))
		return wam_message_json("upper receivers");
	if (!strcmp(p, "lower_receiver"))
		return wam_message_json("lower receivers");
	if (!strcmp(p, "barrel"))
		return wam_message_json("barrels");
	if (!strcmp(p, "slide"))
		return wam_message_json("slides");
	if (!strcmp(p, "bolt"))
		return wam_message_json("bolts");
	if (!strcmp(p, "bolt_carrier"))
		return wam_message_json("bolt carriers");
	if (!strcmp(p, "cylinder"))
		return wam_message_json("cylinders");
	if (!strcmp(p, "conversion_kit"))
		return wam_message_json("conversion kits");
	return wam_message_json("other parts");
}

static json_t *tracing_label(const char *k)
{
	if (!strcmp(k, "recovered"))
		return wam_message_json("weapons seized, found or surrendered");
	if (!strcmp(k, "identified"))
		return wam_message_json("identified (sufficiently marked)");
	if (!strcmp(k, "trace_initiated"))
		return wam_message_json("trace initiated");
	if (!strcmp(k, "traced_successfully"))
		return wam_message_json("traced successfully");
	if (!strcmp(k, "established_otherwise"))
		return wam_message_json("illicit origin established otherwise");
	if (!strcmp(k, "illicit_manufacture"))
		return wam_message_json("point of diversion: illicit manufacture");
	if (!strcmp(k, "civilian_holder"))
		return wam_message_json("point of diversion: civilian holder");
	if (!strcmp(k, "state_stocks"))
		return wam_message_json("point of diversion: state stocks");
	if (!strcmp(k, "transfer_export"))
		return wam_message_json("point of diversion: transfer or export");
	if (!strcmp(k, "other"))
		return wam_message_json("point of diversion: other");
	return wam_message_json("point of diversion not established");
}

/* The SDG report for the year, over the whole registry. */
static int sdg(wam_db *db, json_t **out, int year)
{
	wam_sdg_scope scope = {.year = year};
	return wam_trace_sdg_report(db, out, &scope);
}

static json_int_t num(const json_t *o)
{
	return json_integer_value(o);
}

/* The calibre key a row of rounds groups under (7.62x39 = 7,62×39mm), as
 * the SDG report groups them. */
static void calibre_key(char *out, size_t cap, const char *calibre)
{
	if (wam_match_calibre_key(out, cap, calibre ? calibre : "") <= 0)
		snprintf(out, cap, "%s", calibre ? calibre : "");
}

/* A calibre as a row key: never a '/'. */
static void row_key(char *out, size_t cap, const char *calibre)
{
	snprintf(out, cap, "%s", calibre);
	for (char *c = out; *c; c++)
		if (*c == '/')
			*c = '_';
}

static int split_columns(json_t *t, bool rounds)
{
	for (int k = 0; report_recovery_types[k]; k++)
		if (!report_column(t, rounds ? round_columns[k] : report_recovery_types[k],
		                   rounds ? (k == 0   ? wam_message_json("rounds seized")
		                             : k == 1 ? wam_message_json("rounds found")
		                                      : wam_message_json("rounds surrendered"))
		                          : report_recovery_type_label(report_recovery_types[k]),
		                   true))
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (!report_column(t, rounds ? "rounds_total" : "total",
	                   rounds ? wam_message_json("rounds in all") : wam_message_json("total"), true))
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	return 0;
}

/* Does recovered item `u` fall in row `key` of `table`? */
static bool in_row(const json_t *u, const char *table, const char *key)
{
	const char *field = !strcmp(table, "weapons_by_type")      ? "weapon_type"
	                    : !strcmp(table, "weapons_by_context") ? "context"
	                    : !strcmp(table, "parts")              ? "part_type"
	                                                           : "legal_justification";
	if (!strcmp(table, "parts") ? !json_integer_value(json_object_get(u, "part"))
	                            : !json_integer_value(json_object_get(u, "weapon")))
		return false;
	return !strcmp(json_string_value(json_object_get(u, field)), key);
}

/* A row of seized, found, surrendered and total: the splits counted from
 * `units`, the total `total` (the SDG report's, or the splits' sum). */
static int split_row(json_t *t, const char *table, const char *key, json_t *label, const json_t *units,
                     json_int_t total, bool own_total)
{
	json_t *row = report_row(t, key, label), *u;
	json_int_t n[3] = {0, 0, 0};
	size_t i;
	if (!row)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(units, i, u)
	{
		if (!in_row(u, table, key))
			continue;
		for (int k = 0; k < 3; k++)
			n[k] +=
			    !strcmp(json_string_value(json_object_get(u, "recovery_type")), report_recovery_types[k]);
	}
	for (int k = 0; k < 3; k++)
		report_cell(row, report_recovery_types[k], json_integer(n[k]));
	return report_cell(row, "total", json_integer(own_total ? n[0] + n[1] + n[2] : total));
}

static int make(wam_db *db, json_t *report, const wam_report_options *o)
{
	if (o->direction)
		return wam_error_set(WAM_EINVAL, "direction", "the %s report takes no %s", "iafq", "direction");
	if (o->basis)
		return wam_error_set(WAM_EINVAL, "basis", "the %s report takes no %s", "iafq", "basis");
	if (o->nwithhold)
		return wam_error_set(WAM_EINVAL, "withhold", "the %s report takes no %s", "iafq", "withhold");
	json_object_set_new(report, "title", wam_message_json("UNODC Illicit Arms Flows Questionnaire, %d", o->year));
	json_array_append_new(json_object_get(report, "notes"),
	                      wam_message_json("The totals are those of SDG indicator 16.4.2 for the same year: each"
	                                       " weapon counted once, by its first recovery in the year."));
	json_t *s = NULL, *units = NULL, *lines = NULL, *t;
	int rc = sdg(db, &s, o->year);
	if (!rc)
		rc = report_recovered_items(db, &units, o->year);
	if (!rc)
		rc = report_recovered_ammunition(db, &lines, o->year);
	if (rc)
		goto done;

	/* weapons by type, by context, by legal justification */
	const json_t *by_type = json_object_get(s, "by_type"), *by_context = json_object_get(s, "by_context");
	if (!(t = report_table(report, "weapons_by_type", caption("weapons_by_type"))) ||
	    (rc = split_columns(t, false)))
		goto oom;
	for (const char *const *w = weapon_types; *w && !rc; w++)
		rc = split_row(t, "weapons_by_type", *w, type_label(*w), units,
		               num(json_object_get(json_object_get(by_type, *w), "recovered")), false);
	report_totals(t);
	if (rc || !(t = report_table(report, "weapons_by_context", caption("weapons_by_context"))) ||
	    (rc = split_columns(t, false)))
		goto oom;
	for (size_t c = 0; !rc; c++) {
		const char *context =
		    wam_collection_recovery_contexts[c] ? wam_collection_recovery_contexts[c] : "unknown";
		rc = split_row(t, "weapons_by_context", context, report_context_label(context), units,
		               num(json_object_get(by_context, context)), false);
		if (!wam_collection_recovery_contexts[c])
			break;
	}
	report_totals(t);
	if (rc || !(t = report_table(report, "weapons_by_justification", caption("weapons_by_justification"))) ||
	    (rc = split_columns(t, false)))
		goto oom;
	for (const char *const *j = wam_collection_legal_justifications; *j && !rc; j++)
		rc = split_row(t, "weapons_by_justification", *j, report_justification_label(*j), units, 0, true);
	report_totals(t);

	/* parts */
	const json_t *parts = json_object_get(json_object_get(s, "parts"), "by_type");
	if (rc || !(t = report_table(report, "parts", caption("parts"))) || (rc = split_columns(t, false)))
		goto oom;
	for (const char *const *p = wam_registry_part_types; *p && !rc; p++)
		rc = split_row(t, "parts", *p, part_label(*p), units, num(json_object_get(parts, *p)), false);
	report_totals(t);

	/* ammunition by calibre: the SDG report's calibres and rounds */
	const json_t *by_calibre = json_object_get(json_object_get(s, "ammunition"), "by_calibre"), *v;
	const char *calibre;
	if (rc || !(t = report_table(report, "ammunition", caption("ammunition"))) || (rc = split_columns(t, true)))
		goto oom;
	json_object_foreach((json_t *)by_calibre, calibre, v)
	{
		char key[256], group[256], line_group[256];
		json_int_t n[3] = {0, 0, 0};
		size_t i;
		json_t *line;
		row_key(key, sizeof key, calibre);
		calibre_key(group, sizeof group, calibre);
		json_array_foreach(lines, i, line)
		{
			calibre_key(line_group, sizeof line_group, json_string_value(json_object_get(line, "calibre")));
			if (strcmp(line_group, group) != 0)
				continue;
			for (int k = 0; k < 3; k++)
				if (!strcmp(json_string_value(json_object_get(line, "recovery_type")),
				            report_recovery_types[k]))
					n[k] += num(json_object_get(line, "rounds"));
		}
		json_t *row = report_row(t, key, wam_message_json("calibre %s", calibre));
		if (!row)
			goto oom;
		for (int k = 0; k < 3; k++)
			report_cell(row, round_columns[k], json_integer(n[k]));
		report_cell(row, "rounds_total", json_integer(num(v)));
	}
	report_totals(t);

	/* tracing: the SDG report's counts and results */
	if (!(t = report_table(report, "tracing", caption("tracing"))))
		goto oom;
	json_t *col = report_column(t, "weapons", wam_message_json("weapons"), true);
	if (!col)
		goto oom;
	json_object_set_new(col, "total", json_false()); /* the rows overlap */
	const json_t *counts = json_object_get(s, "counts"), *by_result = json_object_get(s, "by_result");
	for (const char *const *k = tracing_rows; *k; k++) {
		json_t *row = report_row(t, *k, tracing_label(*k));
		if (!row || report_cell(row, "weapons", json_integer(num(json_object_get(counts, *k)))))
			goto oom;
	}
	for (const char *const *k = results; *k; k++) {
		json_t *row = report_row(t, *k, tracing_label(*k));
		if (!row || report_cell(row, "weapons", json_integer(num(json_object_get(by_result, *k)))))
			goto oom;
	}
	report_totals(t);

	if ((rc = report_people_tables(db, report, o->year)))
		goto done;
	/* nil: nothing recovered and no one counted */
	bool any = num(json_object_get(counts, "recovered")) || json_array_size(lines) ||
	           num(json_object_get(json_object_get(s, "parts"), "recovered"));
	size_t ti;
	json_array_foreach(json_object_get(report, "tables"), ti, t)
	{
		json_t *totals = json_object_get(t, "totals");
		if (json_integer_value(json_object_get(totals, "total")))
			any = true;
	}
	json_object_set_new(report, "nil", json_boolean(!any));
	goto done;
oom:
	if (!rc)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
done:
	json_decref(s);
	json_decref(units);
	json_decref(lines);
	return rc;
}

/* The SDG report's records for `figure`, each given its kind and id. */
static int sdg_records(wam_db *db, json_t **out, int year, const char *figure, const char *kind, const char *id)
{
	wam_sdg_scope scope = {.year = year};
	json_t *list, *r;
	size_t i;
	int rc = wam_trace_sdg_report_records(db, &list, &scope, figure, 0);
	if (rc)
		return rc;
	json_array_foreach(list, i, r)
	{
		json_object_set_new(r, "kind", json_string(kind));
		json_object_set(r, "id", json_object_get(r, id) ? json_object_get(r, id) : json_null());
	}
	*out = list;
	return 0;
}

static int no_row(const char *table, const char *key)
{
	return wam_error_set(WAM_EINVAL, "row", "the %s report has no row %.40s/%.60s", "iafq", table, key);
}

static int records(wam_db *db, json_t **out, const wam_report_options *o, const char *table, const char *key,
                   const char *column)
{
	char figure[300];
	*out = NULL;
	if (report_people_table(table))
		return report_people_records(db, out, o->year, table, key, column);
	if (!strcmp(table, "tracing")) {
		if (column && strcmp(column, "weapons") != 0)
			return no_row(table, key);
		if (wam_in_vocab(tracing_rows, key))
			return sdg_records(db, out, o->year, key, "weapon", "item_id");
		if (!wam_in_vocab(results, key))
			return no_row(table, key);
		snprintf(figure, sizeof figure, "by_result.%s", key);
		return sdg_records(db, out, o->year, figure, "weapon", "item_id");
	}
	bool whole = !column || !strcmp(column, "total") || !strcmp(column, "rounds_total");
	if (!strcmp(table, "ammunition")) {
		if (column && !whole && !wam_in_vocab(round_columns, column))
			return no_row(table, key);
		json_t *s, *lines = NULL, *line, *v;
		const char *calibre, *name = NULL;
		int rc = sdg(db, &s, o->year);
		if (rc)
			return rc;
		json_object_foreach(json_object_get(json_object_get(s, "ammunition"), "by_calibre"), calibre, v)
		{
			char k[256];
			row_key(k, sizeof k, calibre);
			if (!strcmp(k, key))
				name = calibre;
		}
		if (!name) {
			json_decref(s);
			return no_row(table, key);
		}
		if (whole) {
			snprintf(figure, sizeof figure, "ammunition.by_calibre.%s", name);
			rc = sdg_records(db, out, o->year, figure, "recovery", "recovery_id");
			json_decref(s);
			return rc;
		}
		char group[256], line_group[256];
		const char *type = column + strlen("rounds_");
		calibre_key(group, sizeof group, name);
		json_decref(s);
		if ((rc = report_recovered_ammunition(db, &lines, o->year)))
			return rc;
		json_t *list = json_array();
		size_t i;
		json_array_foreach(lines, i, line)
		{
			calibre_key(line_group, sizeof line_group, json_string_value(json_object_get(line, "calibre")));
			if (strcmp(line_group, group) != 0 ||
			    strcmp(json_string_value(json_object_get(line, "recovery_type")), type) != 0)
				continue;
			json_object_set_new(line, "kind", json_string("recovery"));
			json_object_set(line, "id", json_object_get(line, "recovery_id"));
			json_array_append(list, line);
		}
		json_decref(lines);
		*out = list;
		return 0;
	}
	bool known = !strcmp(table, "weapons_by_type") ? wam_in_vocab(weapon_types, key)
	             : !strcmp(table, "weapons_by_context")
	                 ? (!strcmp(key, "unknown") || wam_in_vocab(wam_collection_recovery_contexts, key))
	             : !strcmp(table, "weapons_by_justification")
	                 ? wam_in_vocab(wam_collection_legal_justifications, key)
	             : !strcmp(table, "parts") ? wam_in_vocab(wam_registry_part_types, key)
	                                       : false;
	if (!known || (column && !whole && !wam_in_vocab(report_recovery_types, column)))
		return no_row(table, key);
	if (whole && strcmp(table, "weapons_by_justification") != 0) {
		const char *prefix = !strcmp(table, "weapons_by_type")      ? "by_type."
		                     : !strcmp(table, "weapons_by_context") ? "by_context."
		                                                            : "parts.by_type.";
		snprintf(figure, sizeof figure, "%s%s", prefix, key);
		return sdg_records(db, out, o->year, figure, !strcmp(table, "parts") ? "part" : "weapon", "item_id");
	}
	json_t *units, *u, *list = json_array();
	size_t i;
	int rc = report_recovered_items(db, &units, o->year);
	if (rc) {
		json_decref(list);
		return rc;
	}
	json_array_foreach(units, i, u)
	{
		if (!in_row(u, table, key) ||
		    (!whole && strcmp(json_string_value(json_object_get(u, "recovery_type")), column) != 0))
			continue;
		json_t *r = report_recovered_record(u);
		if (r && !strcmp(table, "parts"))
			json_object_set_new(r, "kind", json_string("part"));
		json_array_append_new(list, r);
	}
	json_decref(units);
	*out = list;
	return 0;
}

const report_kind report_iafq = {.name = "iafq", .make = make, .records = records};
