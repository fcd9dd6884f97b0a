/* The baseline the ledger import is measured against: the same weapons
 * bulk-inserted into the same projection tables of a plain SQLite file with
 * the same pragmas, in one transaction with prepared statements, but without
 * the ledger — no events, no hashing, no signing, no validation, no
 * duplicate check. The work that is kept makes the comparison fair: the CSV
 * is read with the same reader (wam_csv_next), the markings column is parsed
 * with jansson, and the serial and make keys are normalized with
 * wam_match_name_key. The marking status is a fixed value instead of rules R1-R3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "internal.h"
#include "wam/match.h"

/* CSV columns the baseline uses (items-csv.md); others are ignored. */
enum { C_ID, C_CATEGORY, C_MAKE, C_MODEL, C_CALIBRE, C_SERIAL, C_COUNTRY, C_YEAR, C_IMPORT_MARKS,
       C_STATUS, C_SITE, C_HOLDER, C_NOTES, C_DUPLICATE_OF, C_MARKINGS, C_COUNT };
static const char *const column_names[C_COUNT] = {
	"id",     "category", "make",      "model", "calibre",      "serial",  "country", "year",
	"import_marks", "status", "site_id", "holder_id", "notes", "duplicate_of", "markings"};

/* The rows of the projection tables, as in ledger/project.c. */
static const char *const insert_sql[3] = {
	"INSERT INTO items(id,category,make,model,calibre,serial,serial_key,make_key,country,year,status,"
	"marking_status,marking_reason,site_id,holder_id,notes,duplicate_of,registered_seq,last_seq)"
	" VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT INTO markings(item_id,n,component,kind,text,script,legibility,altered,location)"
	" VALUES(?,?,?,?,?,?,?,?,?)",
	"INSERT INTO import_marks(item_id,n,country,year) VALUES(?,?,?,?)",
};

/* The state of one baseline insert. */
typedef struct plain {
	sqlite3 *conn;
	sqlite3_stmt *st[3];   /* items, markings, import_marks */
	int col[C_COUNT];      /* CSV field index of each column, -1 if absent */
	char key[4 * WAM_CSV_MAX_FIELD + 1];
} plain;

/* Prints what SQLite says went wrong and returns -1. */
static int sql_fail(sqlite3 *conn, const char *what)
{
	fprintf(stderr, "bench: plain SQLite: %s: %s\n", what, sqlite3_errmsg(conn));
	return -1;
}

/* The text of CSV column `c` of the current record, or NULL when the column
 * is absent or the field empty. */
static const char *field(const plain *p, const wam_csv *csv, int c)
{
	int i = p->col[c];
	if (i < 0 || (size_t)i >= csv->nfields || !*csv->fields[i])
		return NULL;
	return csv->fields[i];
}

/* Binds a text, or NULL for NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Binds an integer written in decimal, NULL for NULL, or the text itself
 * when it is not a number. */
static void bind_int_text(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	char buf[32], *end;
	if (!s || !n) {
		sqlite3_bind_null(st, i);
		return;
	}
	if (n < sizeof buf) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		long long v = strtoll(buf, &end, 10);
		if (end != buf && !*end) {
			sqlite3_bind_int64(st, i, v);
			return;
		}
	}
	sqlite3_bind_text(st, i, s, (int)n, SQLITE_TRANSIENT);
}

/* Binds the normalized key of `s` (transient: the key buffer is reused). */
static void bind_key(plain *p, sqlite3_stmt *st, int i, const char *s)
{
	if (!s || wam_match_name_key(p->key, sizeof p->key, s) < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, p->key, -1, SQLITE_TRANSIENT);
}

/* Binds a string member of a JSON object, or `dflt` when it is missing. */
static void bind_member(sqlite3_stmt *st, int i, const json_t *o, const char *key, const char *dflt)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v), SQLITE_STATIC);
	else
		bind_text(st, i, dflt);
}

/* Runs a bound statement once and resets it. */
static int step(plain *p, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(p->conn, what);
}

/* Inserts the markings of one weapon from its JSON list. */
static int insert_markings(plain *p, const char *id, const char *text, long line)
{
	json_error_t err;
	json_t *list = json_loads(text, 0, &err);
	if (!json_is_array(list)) {
		fprintf(stderr, "bench: plain SQLite: line %ld: markings is not a JSON list\n", line);
		json_decref(list);
		return -1;
	}
	sqlite3_stmt *st = p->st[1];
	size_t i;
	const json_t *m;
	int rc = 0;
	json_array_foreach(list, i, m)
	{
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
		bind_member(st, 3, m, "component", "");
		bind_member(st, 4, m, "kind", "");
		bind_member(st, 5, m, "text", "");
		bind_member(st, 6, m, "script", "unknown");
		bind_member(st, 7, m, "legibility", "clear");
		sqlite3_bind_int(st, 8, json_is_true(json_object_get(m, "altered")));
		bind_member(st, 9, m, "location", NULL);
		if ((rc = step(p, st, "insert marking")))
			break;
	}
	json_decref(list);
	return rc;
}

/* Inserts the import marks of one weapon from "HT:2019;US". */
static int insert_import_marks(plain *p, const char *id, const char *s)
{
	sqlite3_stmt *st = p->st[2];
	long n = 0;
	while (s && *s) {
		size_t len = strcspn(s, ";");
		const char *t = s, *colon = memchr(s, ':', len);
		while (t < s + len && *t == ' ')
			t++;
		if (t < s + len) {
			size_t clen = (size_t)((colon ? colon : s + len) - t);
			sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, ++n);
			sqlite3_bind_text(st, 3, t, (int)clen, SQLITE_TRANSIENT);
			if (colon)
				bind_int_text(st, 4, colon + 1, (size_t)(s + len - colon - 1));
			else
				sqlite3_bind_null(st, 4);
			if (step(p, st, "insert import mark"))
				return -1;
		}
		s += len;
		if (*s == ';')
			s++;
	}
	return 0;
}

/* Inserts one weapon (the current CSV record) with its markings and import
 * marks; `seq` stands in for the event sequence numbers. */
static int insert_item(plain *p, const wam_csv *csv, long seq)
{
	sqlite3_stmt *st = p->st[0];
	const char *id = field(p, csv, C_ID), *year = field(p, csv, C_YEAR);
	if (!id) {
		fprintf(stderr, "bench: plain SQLite: line %ld has no id\n", csv->record_line);
		return -1;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, field(p, csv, C_CATEGORY) ? field(p, csv, C_CATEGORY) : "", -1, SQLITE_STATIC);
	bind_text(st, 3, field(p, csv, C_MAKE));
	bind_text(st, 4, field(p, csv, C_MODEL));
	bind_text(st, 5, field(p, csv, C_CALIBRE));
	bind_text(st, 6, field(p, csv, C_SERIAL));
	bind_key(p, st, 7, field(p, csv, C_SERIAL));
	bind_key(p, st, 8, field(p, csv, C_MAKE));
	bind_text(st, 9, field(p, csv, C_COUNTRY));
	bind_int_text(st, 10, year, year ? strlen(year) : 0);
	sqlite3_bind_text(st, 11, field(p, csv, C_STATUS) ? field(p, csv, C_STATUS) : "in_service", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 12, "unchecked", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, "baseline: rules R1-R3 not applied", -1, SQLITE_STATIC);
	bind_text(st, 14, field(p, csv, C_SITE));
	bind_text(st, 15, field(p, csv, C_HOLDER));
	bind_text(st, 16, field(p, csv, C_NOTES));
	bind_text(st, 17, field(p, csv, C_DUPLICATE_OF));
	sqlite3_bind_int64(st, 18, seq);
	sqlite3_bind_int64(st, 19, seq);
	if (step(p, st, "insert item"))
		return -1;
	const char *markings = field(p, csv, C_MARKINGS);
	if (markings && insert_markings(p, id, markings, csv->record_line))
		return -1;
	return insert_import_marks(p, id, field(p, csv, C_IMPORT_MARKS));
}

/* Maps the CSV header to column indexes. */
static int read_header(plain *p, wam_csv *csv)
{
	if (wam_csv_next(csv) != 1) {
		fprintf(stderr, "bench: plain SQLite: the CSV has no header line\n");
		return -1;
	}
	for (int c = 0; c < C_COUNT; c++) {
		p->col[c] = -1;
		for (size_t i = 0; i < csv->nfields; i++)
			if (!strcmp(csv->fields[i], column_names[c]))
				p->col[c] = (int)i;
	}
	return 0;
}

/* Opens the database with the registry's bulk-import pragmas, creates the projection
 * tables and prepares the inserts. */
static int open_plain(plain *p, const char *db_path, const char *schema)
{
	if (sqlite3_open_v2(db_path, &p->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return sql_fail(p->conn, "open");
	char pragmas[200];
	snprintf(pragmas, sizeof pragmas,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-%ld;"
	         "PRAGMA temp_store=MEMORY;",
	         wam_bulk_cache_kib()); /* the very cache wam's import uses */
	if (sqlite3_exec(p->conn, pragmas, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(p->conn, "pragmas");
	if (sqlite3_exec(p->conn, schema, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(p->conn, "create tables");
	for (int i = 0; i < 3; i++)
		if (sqlite3_prepare_v3(p->conn, insert_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &p->st[i], NULL) !=
		    SQLITE_OK)
			return sql_fail(p->conn, "prepare");
	return 0;
}

/* Reads every CSV record and inserts it, in one transaction. */
static int insert_all(plain *p, FILE *in, long *rows)
{
	wam_csv csv = {.in = in};
	int rc = read_header(p, &csv), r;
	*rows = 0;
	if (!rc && sqlite3_exec(p->conn, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(p->conn, "begin");
	while (!rc && (r = wam_csv_next(&csv)) != 0) {
		if (r < 0) {
			fprintf(stderr, "bench: plain SQLite: %s\n", wam_error_last()->message);
			rc = -1;
		} else {
			rc = insert_item(p, &csv, *rows + 1);
			++*rows;
		}
	}
	if (!rc && sqlite3_exec(p->conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = sql_fail(p->conn, "commit");
	wam_csv_free(&csv);
	return rc;
}

int bench_plain_insert(const char *db_path, const char *csv_path, const char *schema, long *rows,
                       double *seconds)
{
	plain *p = calloc(1, sizeof *p);
	FILE *in = fopen(csv_path, "rb");
	int rc = 0;
	if (!p || !in) {
		fprintf(stderr, "bench: plain SQLite: cannot read %s\n", csv_path);
		rc = -1;
	}
	if (!rc)
		rc = open_plain(p, db_path, schema);
	if (!rc) {
		double t0 = bench_now();
		rc = insert_all(p, in, rows);
		*seconds = bench_now() - t0;
	}
	if (p) {
		for (int i = 0; i < 3; i++)
			sqlite3_finalize(p->st[i]);
		sqlite3_close(p->conn);
		free(p);
	}
	if (in)
		fclose(in);
	return rc;
}
