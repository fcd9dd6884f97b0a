/* The people tables of the PoA/ITI national report and the UNODC
 * questionnaire (docs/formats/poa.md, "People"): who surrendered weapons
 * and from whom weapons were seized in the year, and the persons holding
 * weapons or licences at its end, by sex and by age band.
 *
 * A person is counted once per row: a recovery's pseudonym (person_ref)
 * once however many recoveries name it, a recovery without one as one
 * person; a holder as one person. A person's sex (age band) is the first
 * one recorded among their recoveries of the row in the year, by date then
 * recording order, and not_recorded when none records it. The sex and age
 * band come from recovery_details (migration 14) and holder_people
 * (migration 15): a recovery or holder without a row there, or a registry
 * made before those tables, reads as not_recorded. Every cell drills down to
 * the recoveries or holders behind it, never a name. */
#include <string.h>

#include "reports/people.h"
#include "store/field.h"

static const char *const rows[] = {"surrendered", "seized_from", "licence_holders", "holders", NULL};

bool report_people_table(const char *table)
{
	return table && (!strcmp(table, "people") || !strcmp(table, "people_age"));
}

static json_t *row_label(const char *key)
{
	if (!strcmp(key, "surrendered"))
		return wam_message_json("people who surrendered weapons");
	if (!strcmp(key, "seized_from"))
		return wam_message_json("people from whom weapons were seized");
	if (!strcmp(key, "licence_holders"))
		return wam_message_json("licence holders (persons) at year end");
	return wam_message_json("holders of record who are persons, at year end");
}

static json_t *column_label(const char *id)
{
	if (!strcmp(id, "female"))
		return wam_message_json("female");
	if (!strcmp(id, "male"))
		return wam_message_json("male");
	if (!strcmp(id, "other"))
		return wam_message_json("other");
	if (!strcmp(id, "under_18"))
		return wam_message_json("under 18");
	if (!strcmp(id, "18_24"))
		return wam_message_json("18 to 24");
	if (!strcmp(id, "25_34"))
		return wam_message_json("25 to 34");
	if (!strcmp(id, "35_59"))
		return wam_message_json("35 to 59");
	if (!strcmp(id, "60_plus"))
		return wam_message_json("60 and over");
	if (!strcmp(id, "not_recorded"))
		return wam_message_json("not recorded");
	return wam_message_json("total");
}

/* The recoveries of type `type` dated in the year (?1 first day, ?2 last),
 * each with its recovery_details sex and age band, in the order that picks
 * a person's first recorded value. */
#define RECOVERIES_DETAILS                                                                                             \
	"SELECT r.id, r.type, r.date, r.person_ref, coalesce(d.sex,'not_recorded') AS sex,"                            \
	" coalesce(d.age_band,'not_recorded') AS age_band FROM recoveries r"                                           \
	" LEFT JOIN recovery_details d ON d.recovery_id=r.id"                                                          \
	" WHERE r.type=?3 AND r.date BETWEEN ?1 AND ?2 ORDER BY r.date, r.recorded_seq, r.id"
#define RECOVERIES_BARE                                                                                                \
	"SELECT r.id, r.type, r.date, r.person_ref, 'not_recorded' AS sex, 'not_recorded' AS age_band"                 \
	" FROM recoveries r WHERE r.type=?3 AND r.date BETWEEN ?1 AND ?2 ORDER BY r.date, r.recorded_seq, r.id"
/* The holders who are persons (type civilian, or a holder_people row: its
 * sex or age was recorded, so it is someone) recorded by the year's end
 * (the first event about them), ?3 = 1 for those with a licence only. */
#define HOLDERS_DETAILS                                                                                                \
	"SELECT h.id, h.type, (coalesce(h.licence,'')<>'') AS licensed, coalesce(p.sex,'not_recorded') AS sex,"        \
	" coalesce(p.age_band,'not_recorded') AS age_band FROM holders h"                                              \
	" LEFT JOIN holder_people p ON p.holder_id=h.id"                                                               \
	" WHERE (h.type='civilian' OR p.holder_id IS NOT NULL) AND (?3='0' OR coalesce(h.licence,'')<>'')"             \
	" AND coalesce((SELECT substr(min(e.time),1,10) FROM events e WHERE e.subject=h.id),'')<=?2 ORDER BY h.id"
#define HOLDERS_BARE                                                                                                   \
	"SELECT h.id, h.type, (coalesce(h.licence,'')<>'') AS licensed, 'not_recorded' AS sex,"                        \
	" 'not_recorded' AS age_band FROM holders h"                                                                   \
	" WHERE h.type='civilian' AND (?3='0' OR coalesce(h.licence,'')<>'')"                                          \
	" AND coalesce((SELECT substr(min(e.time),1,10) FROM events e WHERE e.subject=h.id),'')<=?2 ORDER BY h.id"

/* Rows of `sql` with ?1 `from`, ?2 `to`, ?3 `third`. */
static int query3(wam_db *db, json_t **out, const char *sql, const char *from, const char *to, const char *third)
{
	sqlite3_stmt *st;
	*out = NULL;
	if (sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL) != SQLITE_OK)
		return wam_sql_fail(db->conn, "count people");
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, third, -1, SQLITE_STATIC);
	return wam_rows_json(st, out, "count people");
}

/* A word of `vocab`, else not_recorded: a value the vocabulary does not
 * know is not recorded as the report counts. */
static const char *word(const char *const *vocab, const json_t *v)
{
	const char *s = json_string_value(v);
	return s && wam_in_vocab(vocab, s) ? s : "not_recorded";
}

/* The people of row `key` for `year`: {person: {sex, age_band, records:
 * [...]}} in `*out`, the persons in the order first met. */
static int persons(wam_db *db, json_t **out, int year, const char *key)
{
	char from[11], to[11];
	json_t *list = NULL, *rec;
	size_t i;
	int rc;
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	*out = NULL;
	bool holders = !strcmp(key, "licence_holders") || !strcmp(key, "holders");
	if (holders)
		rc = query3(db, &list, wam_table_exists(db, "holder_people") ? HOLDERS_DETAILS : HOLDERS_BARE, from, to,
		            !strcmp(key, "licence_holders") ? "1" : "0");
	else
		rc = query3(db, &list, wam_table_exists(db, "recovery_details") ? RECOVERIES_DETAILS : RECOVERIES_BARE,
		            from, to, !strcmp(key, "surrendered") ? "surrendered" : "seized");
	if (rc)
		return rc;
	json_t *people = json_object();
	json_array_foreach(list, i, rec)
	{
		const char *id = json_string_value(json_object_get(rec, "id"));
		const char *ref = json_string_value(json_object_get(rec, "person_ref"));
		char person[160];
		if (holders || !ref || !*ref)
			snprintf(person, sizeof person, "#%s", id ? id : "");
		else
			snprintf(person, sizeof person, "%s", ref);
		const char *sex = word(wam_person_sexes, json_object_get(rec, "sex"));
		const char *age = word(wam_person_age_bands, json_object_get(rec, "age_band"));
		json_t *p = json_object_get(people, person);
		if (!p) {
			p = json_pack("{ss ss s[]}", "sex", sex, "age_band", age, "records");
			if (!p || json_object_set_new(people, person, p)) {
				rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
				break;
			}
		}
		/* the first value recorded stands */
		if (!strcmp(json_string_value(json_object_get(p, "sex")), "not_recorded"))
			json_object_set_new(p, "sex", json_string(sex));
		if (!strcmp(json_string_value(json_object_get(p, "age_band")), "not_recorded"))
			json_object_set_new(p, "age_band", json_string(age));
		json_t *r;
		if (holders)
			r = json_pack("{ss ss* ss* sb}", "kind", "holder", "id", id, "type",
			              json_string_value(json_object_get(rec, "type")), "licensed",
			              json_integer_value(json_object_get(rec, "licensed")) != 0);
		else
			r = json_pack("{ss ss* ss* ss* ss*}", "kind", "recovery", "id", id, "type",
			              json_string_value(json_object_get(rec, "type")), "date",
			              json_string_value(json_object_get(rec, "date")), "person_ref",
			              ref && *ref ? ref : NULL);
		if (!r || json_array_append_new(json_object_get(p, "records"), r)) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			break;
		}
	}
	json_decref(list);
	if (rc) {
		json_decref(people);
		return rc;
	}
	*out = people;
	return 0;
}

static int table(wam_db *db, json_t *report, int year, bool by_age)
{
	const char *const *vocab = by_age ? wam_person_age_bands : wam_person_sexes;
	const char *field = by_age ? "age_band" : "sex";
	json_t *t = by_age ? report_table(report, "people_age", wam_message_json("People, by age"))
	                   : report_table(report, "people", wam_message_json("People, by sex"));
	if (!t)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	/* no total over the rows: they are different groups, and one person
	 * may be in several (a licence holder is a holder of record too) */
	for (const char *const *w = vocab;; w++) {
		json_t *c = report_column(t, *w ? *w : "total", column_label(*w ? *w : "total"), true);
		if (!c || json_object_set_new(c, "total", json_false()))
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		if (!*w)
			break;
	}
	for (const char *const *k = rows; *k; k++) {
		json_t *people, *p;
		const char *name;
		int rc = persons(db, &people, year, *k);
		if (rc)
			return rc;
		json_t *row = report_row(t, *k, row_label(*k));
		if (!row) {
			json_decref(people);
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		}
		for (const char *const *w = vocab; *w; w++) {
			json_int_t n = 0;
			json_object_foreach(people, name, p) n +=
			    !strcmp(json_string_value(json_object_get(p, field)), *w);
			report_cell(row, *w, json_integer(n));
		}
		report_cell(row, "total", json_integer((json_int_t)json_object_size(people)));
		json_decref(people);
	}
	return report_totals(t);
}

int report_people_tables(wam_db *db, json_t *report, int year)
{
	int rc = table(db, report, year, false);
	return rc ? rc : table(db, report, year, true);
}

int report_people_records(wam_db *db, json_t **out, int year, const char *table_id, const char *key, const char *column)
{
	bool by_age = !strcmp(table_id, "people_age");
	const char *const *vocab = by_age ? wam_person_age_bands : wam_person_sexes;
	*out = NULL;
	if (!wam_in_vocab(rows, key))
		return wam_error_set(WAM_EINVAL, "row", "row '%.40s' is not one of table %s (%s)", key, table_id,
		                     "surrendered, seized_from, licence_holders, holders");
	if (column && strcmp(column, "total") != 0 && !wam_in_vocab(vocab, column))
		return wam_error_set(WAM_EINVAL, "row", "column '%.40s' is not one of table %s", column, table_id);
	json_t *people, *p, *r, *list = json_array();
	const char *name;
	size_t i;
	int rc = persons(db, &people, year, key);
	if (rc) {
		json_decref(list);
		return rc;
	}
	json_object_foreach(people, name, p)
	{
		const char *value = json_string_value(json_object_get(p, by_age ? "age_band" : "sex"));
		if (column && strcmp(column, "total") != 0 && strcmp(column, value) != 0)
			continue;
		json_array_foreach(json_object_get(p, "records"), i, r)
		{
			json_object_set_new(r, "sex", json_string(json_string_value(json_object_get(p, "sex"))));
			json_object_set_new(r, "age_band",
			                    json_string(json_string_value(json_object_get(p, "age_band"))));
			json_array_append(list, r);
		}
	}
	json_decref(people);
	*out = list;
	return 0;
}
