/* The items and ammunition recovered in a year, by the rules of SDG 16.4.2
 * (docs/trace.md, "SDG indicator 16.4.2"; src/trace/sdg.c): an item of a
 * recovery dated from 1 January to 31 December counts once, by its first
 * recovery in the year (by date, then recording order); a part that is not
 * a frame_receiver or lower_receiver is no weapon. The reports split these
 * rows by what the SDG report does not: recovery type within a weapon type
 * or context, and the legal justification of the recovery. */
#include <string.h>

#include "reports/recovered.h"

const char *const report_recovery_types[] = {"seized", "found", "surrendered", NULL};

#define ITEMS_SQL                                                                                                      \
	" pairs AS (SELECT x.item_id, r.id AS recovery_id, r.type, r.date, r.context,"                                 \
	"  row_number() OVER (PARTITION BY x.item_id ORDER BY r.date, r.recorded_seq) AS k"                            \
	"  FROM recoveries r JOIN recovery_items x ON x.recovery_id=r.id WHERE r.date BETWEEN ?1 AND ?2)"              \
	" SELECT p.item_id, p.recovery_id, p.type AS recovery_type, p.date, coalesce(p.context,'unknown') AS context," \
	"  i.serial, i.make, i.model, i.category,"                                                                     \
	"  CASE WHEN i.category='SA1' THEN 'pistol_revolver' WHEN i.category IN ('SA2','SA4') THEN 'rifle'"            \
	"   WHEN i.category='SHOTGUN' THEN 'shotgun' WHEN i.category='SA3' THEN 'smg'"                                 \
	"   WHEN i.category IN ('SA5','LW1') THEN 'machine_gun' ELSE 'other' END AS weapon_type,"                      \
	"  coalesce(d.legal_justification,'not_recorded') AS legal_justification,"                                     \
	"  NOT coalesce(m.kind='part' AND coalesce(m.part_type,'') NOT IN ('frame_receiver','lower_receiver'),0)"      \
	"   AS weapon,"                                                                                                \
	"  coalesce(m.kind='part',0) AS part, coalesce(m.part_type,'other') AS part_type"                              \
	" FROM pairs p JOIN items i ON i.id=p.item_id LEFT JOIN makeup m ON m.item_id=p.item_id"                       \
	" LEFT JOIN details d ON d.recovery_id=p.recovery_id WHERE p.k=1 ORDER BY p.date, p.item_id"

static int run(wam_db *db, json_t **out, int year, const char *sql)
{
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	return wam_query_rows(db, out, sql, from, to);
}

int report_recovered_items(wam_db *db, json_t **out, int year)
{
	wam_buf sql = {0};
	/* a registry made before item_makeup holds no part; one made before
	 * recovery_details records no justification */
	int rc = wam_buf_puts(&sql, wam_table_exists(db, "item_makeup")
	                                ? "WITH makeup AS (SELECT item_id, kind, part_type FROM item_makeup),"
	                                : "WITH makeup AS (SELECT NULL AS item_id, NULL AS kind, NULL AS part_type"
	                                  " WHERE 0),");
	if (!rc)
		rc = wam_buf_puts(&sql,
		                  wam_table_exists(db, "recovery_details")
		                      ? " details AS (SELECT recovery_id, legal_justification FROM recovery_details),"
		                      : " details AS (SELECT NULL AS recovery_id, NULL AS legal_justification"
		                        " WHERE 0),");
	if (!rc)
		rc = wam_buf_puts(&sql, ITEMS_SQL);
	if (!rc)
		rc = run(db, out, year, sql.p);
	wam_buf_free(&sql);
	return rc;
}

int report_recovered_ammunition(wam_db *db, json_t **out, int year)
{
	if (!wam_table_exists(db, "recovery_ammunition")) {
		*out = json_array();
		return 0;
	}
	return run(db, out, year,
	           "SELECT a.recovery_id, a.line, r.type AS recovery_type, r.date, coalesce(r.context,'unknown') AS"
	           " context, a.calibre, a.type, a.lot, a.quantity AS rounds FROM recovery_ammunition a"
	           " JOIN recoveries r ON r.id=a.recovery_id WHERE r.date BETWEEN ?1 AND ?2 ORDER BY r.date,"
	           " r.recorded_seq, a.recovery_id, a.line");
}

json_t *report_recovered_record(const json_t *u)
{
	json_t *r =
	    json_pack("{ss sO* sO* sO* sO* sO* sO* sO* sO* sO* sO*}", "kind", "weapon", "id",
	              json_object_get(u, "item_id"), "recovery_id", json_object_get(u, "recovery_id"), "recovery_type",
	              json_object_get(u, "recovery_type"), "date", json_object_get(u, "date"), "context",
	              json_object_get(u, "context"), "serial", json_object_get(u, "serial"), "make",
	              json_object_get(u, "make"), "model", json_object_get(u, "model"), "category",
	              json_object_get(u, "category"), "legal_justification", json_object_get(u, "legal_justification"));
	if (r && json_integer_value(json_object_get(u, "part")))
		json_object_set(r, "part_type", json_object_get(u, "part_type"));
	return r;
}

json_t *report_recovery_type_label(const char *t)
{
	if (!strcmp(t, "seized"))
		return wam_message_json("seized");
	if (!strcmp(t, "found"))
		return wam_message_json("found");
	return wam_message_json("surrendered");
}

json_t *report_context_label(const char *c)
{
	if (!strcmp(c, "armed_group"))
		return wam_message_json("from an armed group");
	if (!strcmp(c, "cache"))
		return wam_message_json("arms cache");
	if (!strcmp(c, "battlefield"))
		return wam_message_json("battlefield");
	if (!strcmp(c, "border_interdiction"))
		return wam_message_json("border interdiction");
	if (!strcmp(c, "amnesty"))
		return wam_message_json("amnesty");
	if (!strcmp(c, "ddr"))
		return wam_message_json("disarmament, demobilisation and reintegration");
	if (!strcmp(c, "crime"))
		return wam_message_json("crime");
	if (!strcmp(c, "other"))
		return wam_message_json("other");
	if (!strcmp(c, "unknown"))
		return wam_message_json("context not recorded");
	return wam_message_json("context %s", c);
}

json_t *report_justification_label(const char *j)
{
	if (!strcmp(j, "illicit_possession"))
		return wam_message_json("illicit possession");
	if (!strcmp(j, "illicit_trafficking"))
		return wam_message_json("illicit trafficking");
	if (!strcmp(j, "illicit_manufacturing"))
		return wam_message_json("illicit manufacturing");
	if (!strcmp(j, "altered_markings"))
		return wam_message_json("altered or removed markings");
	if (!strcmp(j, "use_in_crime"))
		return wam_message_json("use in crime");
	if (!strcmp(j, "administrative_violation"))
		return wam_message_json("administrative violation");
	if (!strcmp(j, "voluntary_surrender"))
		return wam_message_json("voluntary surrender");
	if (!strcmp(j, "other"))
		return wam_message_json("other");
	if (!strcmp(j, "not_recorded"))
		return wam_message_json("not recorded");
	return wam_message_json("justification %s", j);
}
