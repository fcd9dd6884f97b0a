/* Ammunition as it is read off rounds, packets and crates outside a depot:
 * one line of a recovery, a loss report, a field observation or a trace
 * request (IATG 03.50: calibre, type, headstamp, lot, packaging). Every room
 * that records ammunition checks a line here, so the fields and their rules
 * are written once. */
#include <string.h>

#include "internal.h"
#include "store/field.h"

static const wam_field headstamp_fields[] = {
    {.name = "text", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "factory", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "year", .kind = WAM_FIELD_INT, .lo = 1850, .hi = 2200},
    {0}};

static const char *const kinds[] = {"ammunition", NULL};

/* The line's fields, in the order they are checked; `kind` and `photos`
 * are the caller's (a kind where lines mix with weapons, photos where the
 * room keeps them). */
static const wam_field line_fields[] = {
    {.name = "kind", .kind = WAM_FIELD_OTHER},
    {.name = "calibre", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_REQUIRED, .max = WAM_MAX_TEXT},
    {.name = "type", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "headstamp", .kind = WAM_FIELD_OTHER},
    {.name = "lot", .kind = WAM_FIELD_TEXT, .max = WAM_MAX_TEXT},
    {.name = "packaging_marks", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = 1000},
    {.name = "crate_marks", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = 1000},
    {.name = "quantity", .kind = WAM_FIELD_QUANTITY, .flags = WAM_FIELD_REQUIRED, .lo = 1, .hi = 1e12},
    {.name = "packages", .kind = WAM_FIELD_INT, .lo = 1, .hi = 1000000},
    {.name = "photos", .kind = WAM_FIELD_OTHER},
    {.name = "notes", .kind = WAM_FIELD_TEXT, .flags = WAM_FIELD_MULTILINE, .max = WAM_MAX_NOTES},
    {0}};

int wam_ammunition_take(wam_db *db, json_t *out, const json_t *in, const char *prefix, unsigned flags, long line)
{
	char field[96], pre[96];
	wam_field table[sizeof line_fields / sizeof line_fields[0]];
	size_t n = 0;
	int rc;
	if (!json_is_object(in)) {
		size_t len = strlen(prefix);
		snprintf(field, sizeof field, "%.*s", (int)(len && prefix[len - 1] == '.' ? len - 1 : len), prefix);
		return wam_error_set_line(WAM_EINVAL, line, field, "%s must be an object", field);
	}
	/* the line's own table: `kind` only where lines mix with weapons, the
	 * quantity optional where the rounds may not be known (a trace request) */
	for (const wam_field *f = line_fields; f->name; f++) {
		if (!strcmp(f->name, "kind") && !(flags & WAM_AMMUNITION_KIND))
			continue;
		table[n] = *f;
		if (!strcmp(f->name, "kind"))
			table[n] = (wam_field){
			    .name = "kind", .kind = WAM_FIELD_WORD, .flags = WAM_FIELD_REQUIRED, .vocab = kinds};
		if (!strcmp(f->name, "quantity") && (flags & WAM_AMMUNITION_QUANTITY_OPTIONAL))
			table[n].flags &= ~WAM_FIELD_REQUIRED;
		n++;
	}
	table[n] = (wam_field){0};
	if ((rc = wam_field_check(db, out, in, table, prefix, line)))
		return rc;
	const json_t *hs = json_object_get(in, "headstamp");
	if (hs && !json_is_null(hs)) {
		snprintf(field, sizeof field, "%sheadstamp", prefix);
		snprintf(pre, sizeof pre, "%sheadstamp.", prefix);
		if (!json_is_object(hs))
			return wam_error_set_line(WAM_EINVAL, line, field, "%s must be an object", field);
		json_t *h = json_object();
		if (!(rc = wam_field_check(db, h, hs, headstamp_fields, pre, line)))
			json_object_set(out, "headstamp", h);
		json_decref(h);
	}
	return rc;
}
