/* The transfer rows the UN Register return and the ATT report are made of
 * (docs/formats/unroca.md, docs/formats/att.md): the transfers room's
 * records of a year (wam_transfers_records), kept to the weapons the
 * Register counts, in the order of its categories. */
#include <stdlib.h>
#include <string.h>

#include "reports/transfer_rows.h"
#include "wam/transfers.h"

/* The Register's categories in the order of its forms. */
static const char *const register_categories[] = {"I",   "II",  "III", "IV",  "V",   "VI",  "VII(a)", "VII(b)",
                                                  "SA1", "SA2", "SA3", "SA4", "SA5", "SA6", "LW1",    "LW2",
                                                  "LW3", "LW4", "LW5", "LW6", "LW7", NULL};

static int rank(const char *code)
{
	for (int i = 0; code && register_categories[i]; i++)
		if (!strcmp(register_categories[i], code))
			return i;
	return -1;
}

const char *transfer_register_category(const char *code)
{
	if (!code)
		return NULL;
	if (!strcmp(code, "SHOTGUN"))
		return "SA6";
	int i = rank(code);
	return i < 0 ? NULL : register_categories[i];
}

bool transfer_is_salw(const char *register_code)
{
	return register_code && (!strncmp(register_code, "SA", 2) || !strncmp(register_code, "LW", 2));
}

json_t *transfer_category_label(const char *c)
{
	if (!strcmp(c, "I"))
		return wam_message_json("Battle tanks");
	if (!strcmp(c, "II"))
		return wam_message_json("Armoured combat vehicles");
	if (!strcmp(c, "III"))
		return wam_message_json("Large-calibre artillery systems");
	if (!strcmp(c, "IV"))
		return wam_message_json("Combat aircraft and unmanned combat aerial vehicles");
	if (!strcmp(c, "V"))
		return wam_message_json("Attack helicopters");
	if (!strcmp(c, "VI"))
		return wam_message_json("Warships");
	if (!strcmp(c, "VII(a)"))
		return wam_message_json("Missiles and missile launchers");
	if (!strcmp(c, "VII(b)"))
		return wam_message_json("Man-portable air defence systems (MANPADS)");
	if (!strcmp(c, "SA1"))
		return wam_message_json("Revolvers and self-loading pistols");
	if (!strcmp(c, "SA2"))
		return wam_message_json("Rifles and carbines");
	if (!strcmp(c, "SA3"))
		return wam_message_json("Sub-machine guns");
	if (!strcmp(c, "SA4"))
		return wam_message_json("Assault rifles");
	if (!strcmp(c, "SA5"))
		return wam_message_json("Light machine guns");
	if (!strcmp(c, "SA6"))
		return wam_message_json("Other small arms");
	if (!strcmp(c, "LW1"))
		return wam_message_json("Heavy machine guns");
	if (!strcmp(c, "LW2"))
		return wam_message_json("Hand-held under-barrel and mounted grenade launchers");
	if (!strcmp(c, "LW3"))
		return wam_message_json("Portable anti-tank guns");
	if (!strcmp(c, "LW4"))
		return wam_message_json("Recoilless rifles");
	if (!strcmp(c, "LW5"))
		return wam_message_json("Portable anti-tank missile launchers and rocket systems");
	if (!strcmp(c, "LW6"))
		return wam_message_json("Mortars of calibres less than 75 mm");
	if (!strcmp(c, "LW7"))
		return wam_message_json("Other light weapons");
	return wam_message_json("Category %s", c);
}

typedef struct ranked {
	json_t *row;
	int rank;
	size_t n;
} ranked;

static int by_rank(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

int transfer_rows(wam_db *db, json_t **out, int year, const char *direction, const char *figure,
                  transfer_left_out *left)
{
	json_t *all = NULL, *r;
	size_t i, n = 0;
	*out = NULL;
	int rc = wam_transfers_records(db, &all, year, direction, figure);
	if (rc)
		return rc;
	ranked *keep = calloc(json_array_size(all) + 1, sizeof *keep);
	json_t *rows = json_array();
	if (!keep || !rows) {
		free(keep);
		json_decref(rows);
		json_decref(all);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	json_array_foreach(all, i, r)
	{
		const char *goods = json_string_value(json_object_get(r, "goods"));
		const char *code = json_string_value(json_object_get(r, "category"));
		const char *reg = transfer_register_category(code);
		if (goods && !strcmp(goods, "ammunition")) {
			left->ammunition++;
			continue;
		}
		if (!reg) {
			left->parts++;
			continue;
		}
		json_object_set_new(r, "register_category", json_string(reg));
		keep[n].row = r;
		keep[n].rank = rank(reg);
		keep[n].n = i;
		n++;
	}
	qsort(keep, n, sizeof *keep, by_rank);
	for (i = 0; i < n; i++)
		json_array_append(rows, keep[i].row);
	free(keep);
	json_decref(all);
	*out = rows;
	return 0;
}

void transfer_key(const json_t *rec, char *buf, size_t n)
{
	const char *shipment = json_string_value(json_object_get(rec, "shipment_id"));
	const char *licence = json_string_value(json_object_get(rec, "licence_id"));
	snprintf(buf, n, "%s:%lld",
	         shipment  ? shipment
	         : licence ? licence
	                   : "",
	         (long long)json_integer_value(json_object_get(rec, "line")));
}

const json_t *transfer_find(const json_t *rows, const char *key)
{
	const json_t *r;
	size_t i;
	char k[128];
	json_array_foreach(rows, i, r)
	{
		transfer_key(r, k, sizeof k);
		if (!strcmp(k, key))
			return r;
	}
	return NULL;
}

/* A string of `rec`, or NULL when it is absent or empty. */
static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));
	return s && *s ? s : NULL;
}

int transfer_cells(json_t *row, const json_t *rec, const char *country)
{
	const char *partner = str(rec, "partner"), *origin = str(rec, "origin");
	const char *direction = str(rec, "direction");
	/* the state of origin, when it is not the exporter */
	const char *exporter = direction && !strcmp(direction, "import") ? partner : country;
	if (origin && exporter && !strcmp(origin, exporter))
		origin = NULL;
	wam_buf via = {0};
	const json_t *c;
	size_t i;
	json_array_foreach(json_object_get(rec, "intermediate"), i, c)
	{
		if (!json_is_string(c))
			continue;
		if (via.n)
			wam_buf_puts(&via, ", ");
		wam_buf_puts(&via, json_string_value(c));
	}
	int rc = report_cell(row, "partner", partner ? json_string(partner) : NULL);
	if (!rc)
		rc = report_cell(row, "items", json_integer(json_integer_value(json_object_get(rec, "items"))));
	if (!rc)
		rc = report_cell(row, "origin", origin ? json_string(origin) : NULL);
	if (!rc)
		rc = report_cell(row, "intermediate", via.n ? json_stringn(via.p, via.n) : NULL);
	if (!rc)
		rc = report_cell(row, "description",
		                 str(rec, "description") ? json_string(str(rec, "description")) : NULL);
	if (!rc)
		rc = report_cell(row, "comments", str(rec, "notes") ? json_string(str(rec, "notes")) : NULL);
	wam_buf_free(&via);
	return rc;
}

void transfer_truncated(json_t *records, long long shown, long long total)
{
	json_array_append_new(
	    records,
	    json_pack("{ss sI sI so*}", "kind", "truncated", "shown", (json_int_t)shown, "total", (json_int_t)total,
	              "note", wam_message_json("only the first %lld of %lld records are listed", shown, total)));
}

json_t *transfer_records(const json_t *rec, const char *column)
{
	json_t *out = json_array(), *r;
	const char *shipment = str(rec, "shipment_id");
	r = json_pack("{ss ss* ss* ss* sO sO* sO* sO* sO* sO* sO* sO* sO*}", "kind", shipment ? "shipment" : "licence",
	              "id", shipment ? shipment : str(rec, "licence_id"), "licence_id", str(rec, "licence_id"),
	              "licence_number", str(rec, "licence_number"), "line", json_object_get(rec, "line"), "date",
	              json_object_get(rec, "date"), "direction", json_object_get(rec, "direction"), "figure",
	              json_object_get(rec, "figure"), "category", json_object_get(rec, "category"), "partner",
	              json_object_get(rec, "partner"), "items", json_object_get(rec, "items"), "value",
	              json_object_get(rec, "value"), "currency", json_object_get(rec, "currency"));
	if (!out || !r) {
		json_decref(out);
		json_decref(r);
		return NULL;
	}
	const json_t *ids = json_object_get(rec, "item_ids");
	size_t n = json_array_size(ids), i;
	if (n) {
		json_t *some = json_array();
		for (i = 0; i < n && i < TRANSFER_RECORDS_MAX; i++)
			json_array_append(some, json_array_get(ids, i));
		json_object_set_new(r, "item_ids", some);
	}
	json_array_append_new(out, r);
	if (shipment && column && !strcmp(column, "items")) {
		for (i = 0; i < n && i < TRANSFER_RECORDS_MAX; i++)
			json_array_append_new(out,
			                      json_pack("{ss sO}", "kind", "weapon", "id", json_array_get(ids, i)));
		if (n > TRANSFER_RECORDS_MAX)
			transfer_truncated(out, TRANSFER_RECORDS_MAX, (long long)n);
	}
	return out;
}

void transfer_nil(json_t *report, const wam_report_options *o, bool nil, bool nil_exports, bool nil_imports)
{
	json_t *notes = json_object_get(report, "notes");
	if (nil) {
		json_object_set_new(report, "nil", json_true());
		json_array_append_new(
		    notes, !o->direction
		               ? wam_message_json("Nil report: no exports or imports in any category in %d", o->year)
		           : !strcmp(o->direction, "exports")
		               ? wam_message_json("Nil report: no exports in any category in %d", o->year)
		               : wam_message_json("Nil report: no imports in any category in %d", o->year));
	} else if (nil_exports)
		json_array_append_new(notes, wam_message_json("Nil report: no exports in any category in %d", o->year));
	else if (nil_imports)
		json_array_append_new(notes, wam_message_json("Nil report: no imports in any category in %d", o->year));
}
