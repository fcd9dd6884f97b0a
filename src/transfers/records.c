/* What UNROCA and ATT reports need, captured at the source (domain §4.1,
 * §4.2): for each line of an issued licence (the authorised figures) and
 * for what each shipment took of a line (the actual figures), the
 * category, the final importer (or the exporter, for an import), the state
 * of origin when it is not the exporter, the intermediate locations, the
 * number of items, the value and its currency; and, so that a report's
 * row names where it comes from, the licence line, and the weapons or lots
 * a shipment took of it. A report is then a query over these rows, not
 * data entry. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The countries a licence's goods pass through: its transit parties. */
#define TRANSIT_SQL                                                                                                    \
	"(SELECT json_group_array(country) FROM (SELECT country FROM licence_parties t WHERE t.licence_id=l.id AND"    \
	" t.role='transit' AND country IS NOT NULL ORDER BY t.n))"
/* The other state of a transfer: the final importer of an export, the
 * exporter of an import. */
#define PARTNER_SQL                                                                                                    \
	"CASE l.kind WHEN 'import' THEN " TRANSFERS_EXPORTER("l.id") " ELSE " TRANSFERS_DESTINATION("l.id") " END"

static const char authorised_sql[] =
    "SELECT l.kind AS direction, 'authorised' AS figure, l.issued_on AS date, x.category, " PARTNER_SQL
    " AS partner, x.origin, " TRANSIT_SQL " AS intermediate, x.quantity AS items, x.value, x.currency,"
    " coalesce(x.description, nullif(trim(coalesce(x.make,'')||' '||coalesce(x.model,'')||' '||"
    "coalesce(x.calibre,'')), ''), (SELECT name FROM ref_category c WHERE c.code=x.category), x.category)"
    " AS description, l.id AS licence_id, l.number AS licence_number, NULL AS shipment_id, x.n AS line,"
    " x.goods, l.notes, NULL AS ids"
    " FROM licences l JOIN licence_lines x ON x.licence_id=l.id"
    " WHERE l.issued_seq IS NOT NULL AND l.kind IN ('export','import')"
    " AND (?1 IS NULL OR substr(l.issued_on,1,4)=?1) ORDER BY l.issued_on, l.number, x.n";

/* what each shipment took of each line: weapons counted, rounds summed */
static const char actual_sql[] =
    "SELECT s.direction, 'actual' AS figure, s.date, x.category, " PARTNER_SQL
    " AS partner, x.origin, CASE WHEN s.route<>'[]' THEN s.route ELSE " TRANSIT_SQL " END AS intermediate,"
    " t.items, CASE WHEN x.value IS NULL THEN NULL ELSE round(x.value*t.items/x.quantity, 2) END AS value,"
    " x.currency,"
    " coalesce(x.description, nullif(trim(coalesce(x.make,'')||' '||coalesce(x.model,'')||' '||"
    "coalesce(x.calibre,'')), ''), (SELECT name FROM ref_category c WHERE c.code=x.category), x.category)"
    " AS description, l.id AS licence_id, l.number AS licence_number, s.id AS shipment_id, x.n AS line,"
    " x.goods, s.notes, t.ids"
    " FROM (SELECT shipment_id, licence_line, count(*) AS items, json_group_array(item_id) AS ids"
    " FROM shipment_items GROUP BY 1, 2"
    " UNION ALL SELECT shipment_id, licence_line, sum(rounds), json_group_array(lot_id) FROM shipment_lots"
    " GROUP BY 1, 2) t"
    " JOIN shipments s ON s.id=t.shipment_id JOIN licences l ON l.id=s.licence_id"
    " JOIN licence_lines x ON x.licence_id=l.id AND x.n=t.licence_line"
    " WHERE (?1 IS NULL OR substr(s.date,1,4)=?1) ORDER BY s.date, s.recorded_seq, x.n";

int wam_transfers_records(wam_db *db, json_t **out, int year, const char *direction, const char *figure)
{
	char y[8];
	json_t *all = json_array(), *rows = NULL, *r;
	size_t i;
	int rc;
	*out = NULL;
	if ((rc = transfers_national(db)))
		goto done;
	if (year < 0 || year > 9999) {
		rc = wam_error_set(WAM_EINVAL, "year", "year %d is not a calendar year", year);
		goto done;
	}
	if (direction && *direction && strcmp(direction, "export") && strcmp(direction, "import")) {
		rc = wam_error_set(WAM_EINVAL, "direction", "direction is export or import, not '%.20s'", direction);
		goto done;
	}
	if (figure && *figure && strcmp(figure, "authorised") && strcmp(figure, "actual")) {
		rc = wam_error_set(WAM_EINVAL, "figure", "figure is authorised or actual, not '%.20s'", figure);
		goto done;
	}
	char country[WAM_COUNTRY_LEN + 1];
	if ((rc = wam_db_country(db, country)))
		goto done;
	snprintf(y, sizeof y, "%04d", year);
	for (int k = 0; k < 2; k++) {
		const char *which = k ? "actual" : "authorised";
		if (figure && *figure && strcmp(figure, which))
			continue;
		if ((rc = wam_query_rows(db, &rows, k ? actual_sql : authorised_sql, year ? y : NULL, NULL)))
			goto done;
		json_array_foreach(rows, i, r)
		{
			if (direction && *direction && strcmp(direction, json_string_value(json_object_get(r, "direction"))))
				continue;
			transfers_decode(r, "intermediate");
			/* what a shipment's line took: its weapons' ids, or its lots' */
			transfers_decode(r, "ids");
			json_t *ids = json_object_get(r, "ids");
			if (json_is_array(ids))
				json_object_set(r,
				                strcmp(json_string_value(json_object_get(r, "goods")), "ammunition")
				                    ? "item_ids"
				                    : "lot_ids",
				                ids);
			json_object_del(r, "ids");
			/* a route given end to end names the exporter and the final
			 * importer too: only the states in between are intermediate */
			json_t *via = json_object_get(r, "intermediate"), *c;
			size_t j;
			json_array_foreach(via, j, c)
			{
				const char *cc = json_string_value(c);
				if (cc && (!strcmp(cc, country) || json_equal(c, json_object_get(r, "partner")))) {
					json_array_remove(via, j);
					j--;
				}
			}
			const char *date = json_string_value(json_object_get(r, "date"));
			json_object_set_new(r, "year", json_integer(date ? strtol(date, NULL, 10) : 0));
			json_array_append(all, r);
		}
		json_decref(rows);
		rows = NULL;
	}
	*out = all;
	all = NULL;
done:
	json_decref(all);
	json_decref(rows);
	return rc;
}
