/* The work waiting for whoever acts (the console's "to do"). The core knows
 * no room: each room that holds work offers a part through the list
 * wam_todo_parts[] of src/rooms.c, and this file only asks each in turn
 * and puts their items together. A part counts what is at the principal's
 * sites (the rooms' lists already keep to them) and only work the
 * principal's role may act on; it adds nothing when there is none, so an
 * empty list means nothing to do. */
#include <string.h>

#include "internal.h"

int wam_todo(wam_db *db, json_t **out, const char *today)
{
	char now[11];
	int rc = 0;
	json_t *items = NULL;
	*out = NULL;
	if (!today) {
		wam_date_today(now);
		today = now;
	} else if (!wam_date_valid(today, 1900)) {
		return wam_error_set(WAM_EINVAL, "as_of", "as_of must be a date YYYY-MM-DD, not '%.20s'", today);
	}
	if (!(items = json_array()))
		goto oom;
	for (const wam_todo_part *part = wam_todo_parts; *part; part++)
		if ((rc = (*part)(db, items, today)))
			goto done;
	if (!(*out = json_pack("{s:s, s:O}", "as_of", today, "items", items)))
		goto oom;
	goto done;
oom:
	rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the work to do");
done:
	json_decref(items);
	return rc;
}

int wam_todo_add(json_t *items, const char *kind, const json_t *records, const wam_todo_describe describe,
                 const char *site_key)
{
	size_t i, n = json_array_size(records);
	json_t *rec, *list = NULL, *sites = NULL, *item = NULL;
	if (!n)
		return 0;
	if (!(list = json_array()) || !(sites = json_object()))
		goto oom;
	json_array_foreach(records, i, rec)
	{
		if (i < WAM_TODO_LISTED) {
			json_t *entry = describe(rec);
			if (!entry || json_array_append_new(list, entry))
				goto oom;
		}
		const char *site = site_key ? json_string_value(json_object_get(rec, site_key)) : NULL;
		if (site && *site) {
			json_int_t k = json_integer_value(json_object_get(sites, site));
			if (json_object_set_new(sites, site, json_integer(k + 1)))
				goto oom;
		}
	}
	item = json_pack("{s:s, s:I, s:o, s:o}", "kind", kind, "count", (json_int_t)n, "list", list, "sites", sites);
	list = sites = NULL;
	if (!item || json_array_append_new(items, item))
		goto oom;
	return 0;
oom:
	json_decref(list);
	json_decref(sites);
	return wam_error_set(WAM_ENOMEM, NULL, "out of memory listing the work to do");
}
