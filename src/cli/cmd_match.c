/* `wam search`: find weapons from a serial as read, one query or a batch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wam/match.h"

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static void print_explain(const json_t *steps)
{
	size_t i;
	json_t *st;
	json_array_foreach(steps, i, st)
	    printf("%-14s %s\n%14s (%s)\n", json_string_value(json_object_get(st, "step")),
	           json_string_value(json_object_get(st, "text")), "", json_string_value(json_object_get(st, "what")));
}

/* The serial key with the characters an edit touched in brackets, so a
 * terminal shows where the query and the weapon differ. */
static void marked_key(const json_t *c, char *out, size_t cap)
{
	const char *key = json_string_value(json_object_get(c, "serial_key"));
	size_t n = strlen(key), o = 0;
	bool touched[128] = {false};
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(c, "edits"), i, e)
	{
		json_int_t p = json_integer_value(json_object_get(e, "serial_pos"));
		bool swap = !strcmp(json_string_value(json_object_get(e, "op")), "transpose");
		for (json_int_t x = p; x <= p + swap; x++)
			if (x >= 0 && x < (json_int_t)n && x < 128)
				touched[x] = true;
	}
	for (size_t k = 0; k < n && o + 4 < cap; k++) {
		if (touched[k]) {
			out[o++] = '[';
			out[o++] = key[k];
			out[o++] = ']';
		} else {
			out[o++] = key[k];
		}
	}
	out[o] = '\0';
}

static void print_candidates(const json_t *res)
{
	static const cli_column cols[] = {
	    {"SCORE", "score", 0},  {"WHY", "reason", 0},    {"ID", "id", 0},        {"SERIAL", "serial", 18},
	    {"KEY", "marked", 24},  {"MAKE", "make", 22},    {"MODEL", "model", 16}, {"CALIBRE", "calibre", 12},
	    {"CTRY", "country", 0}, {"STATUS", "status", 0}, {NULL, NULL, 0}};
	json_t *rows = json_deep_copy(json_object_get(res, "candidates"));
	size_t i;
	json_t *c;
	json_array_foreach(rows, i, c)
	{
		char marked[256];
		marked_key(c, marked, sizeof marked);
		json_object_set_new(c, "marked", json_string(marked));
	}
	const json_t *q = json_object_get(res, "query");
	printf("query %s -> %s (skeleton %s, up to %lld edits%s)\n", json_string_value(json_object_get(q, "serial")),
	       json_string_value(json_object_get(q, "canonical")), json_string_value(json_object_get(q, "skeleton")),
	       (long long)json_integer_value(json_object_get(q, "max_edits")),
	       json_is_true(json_object_get(q, "partial")) ? ", as a fragment" : "");
	if (json_array_size(rows))
		cli_print_table(cols, rows);
	else
		puts("no weapon matches");
	json_decref(rows);
}

/* One query per line: serial, make, model, calibre, country, separated by
 * tabs (empty fields allowed); one JSON line per query on stdout. */
static int run_batch(const cli_env *env, wam_db *db, const char *path, const wam_match_query *base)
{
	FILE *in = !strcmp(path, "-") ? stdin : fopen(path, "r");
	if (!in) {
		wam_error_set(WAM_EIO, "batch", "cannot read %s: %s", path, strerror(errno));
		return cli_fail(env, WAM_EIO);
	}
	char line[4096];
	long n = 0, bad = 0;
	while (fgets(line, sizeof line, in)) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, "\t ")])
			continue; /* a blank line, tabs or not, is no query */
		char *f[5] = {NULL};
		char *p = line;
		for (int i = 0; i < 5 && p; i++) {
			f[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		wam_match_query q = *base;
		q.serial = f[0];
		q.make = f[1] && *f[1] ? f[1] : NULL;
		q.model = f[2] && *f[2] ? f[2] : NULL;
		q.calibre = f[3] && *f[3] ? f[3] : NULL;
		q.country = f[4] && *f[4] ? f[4] : NULL;
		json_t *res = NULL;
		int rc = wam_match_search(db, &res, &q);
		json_t *o;
		if (rc) {
			bad++;
			o = json_pack("{s:I, s:s, s:{s:s, s:s}}", "line", (json_int_t)n, "serial", f[0], "error",
			              "code", wam_error_name(rc), "message", wam_error_last()->message);
		} else {
			o = json_pack("{s:I, s:O, s:O}", "line", (json_int_t)n, "query", json_object_get(res, "query"),
			              "candidates", json_object_get(res, "candidates"));
		}
		char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		puts(s);
		free(s);
		json_decref(o);
		json_decref(res);
	}
	if (in != stdin)
		fclose(in);
	if (bad)
		fprintf(stderr, "wam: %ld of the queries could not be searched (see their error lines)\n", bad);
	return 0;
}

static int cmd_search(const cli_env *env, const cli_args *a)
{
	const char *batch = cli_opt(a, "batch"), *limit = cli_opt(a, "limit"), *edits = cli_opt(a, "max-edits");
	wam_match_query q = {.make = cli_opt(a, "make"),
	                     .model = cli_opt(a, "model"),
	                     .calibre = cli_opt(a, "calibre"),
	                     .country = cli_opt(a, "country"),
	                     .max_edits = -1};
	if (limit && parse_int(limit, 1, 1000, &q.limit))
		return cli_usage(env, "--limit takes a number from 1 to 1000");
	if (edits && parse_int(edits, 0, 4, &q.max_edits))
		return cli_usage(env, "--max-edits takes a number from 0 to 4");
	if ((batch && a->npos) || (!batch && a->npos != 1))
		return cli_usage(env, "usage: wam search SERIAL [--make M] ... | --batch FILE");
	if (cli_flag(a, "explain")) {
		json_t *steps;
		int rc = wam_match_explain(&steps, a->pos[0]);
		if (rc)
			return cli_fail(env, rc);
		if (env->json)
			cli_print_json(steps);
		else
			print_explain(steps);
		json_decref(steps);
		if (env->json)
			return 0;
		putchar('\n');
	}
	wam_db *db;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	if (batch) {
		rc = run_batch(env, db, batch, &q);
	} else {
		json_t *res = NULL;
		q.serial = a->pos[0];
		rc = wam_match_search(db, &res, &q);
		if (rc)
			rc = cli_fail(env, rc);
		else if (env->json)
			cli_print_json(res);
		else
			print_candidates(res);
		json_decref(res);
	}
	wam_db_close(db);
	return rc;
}

/* The results of an ammunition search as a table: what was read off the
 * rounds and where the line is recorded. */
static void print_ammunition(const json_t *res)
{
	static const cli_column cols[] = {{"SCORE", "score", 0},
	                                  {"WHY", "reason", 0},
	                                  {"SOURCE", "source", 0},
	                                  {"ID", "id", 0},
	                                  {"LINE", "line", 0},
	                                  {"DATE", "date", 0},
	                                  {"CALIBRE", "calibre", 14},
	                                  {"HEADSTAMP", "headstamp", 18},
	                                  {"LOT", "lot", 18},
	                                  {"ROUNDS", "quantity", 0},
	                                  {"CTRY", "country", 0},
	                                  {"SITE", "site_id", 0},
	                                  {NULL, NULL, 0}};
	json_t *rows = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(json_object_get(res, "results"), i, r)
	{
		const json_t *a = json_object_get(r, "ammunition");
		json_t *row = json_deep_copy(r);
		json_object_del(row, "ammunition");
		json_object_del(row, "matched");
		json_object_set(row, "calibre", json_object_get(a, "calibre"));
		const json_t *hs = json_object_get(a, "headstamp");
		json_object_set(row, "headstamp",
		                json_object_get(hs, "text") ? json_object_get(hs, "text")
		                                            : json_object_get(hs, "factory"));
		json_object_set(row, "lot", json_object_get(a, "lot"));
		json_object_set(row, "quantity", json_object_get(a, "quantity"));
		json_array_append_new(rows, row);
	}
	if (json_array_size(rows))
		cli_print_table(cols, rows);
	else
		puts("no ammunition matches");
	/* a lot taken in from a recovery's line holds rounds of that line: the
	 * two results are the same rounds, not two finds */
	json_array_foreach(json_object_get(res, "results"), i, r)
	{
		const json_t *o = json_object_get(r, "origin");
		if (o)
			printf("lot %s: rounds taken into stock from recovery %s line %lld\n",
			       json_string_value(json_object_get(r, "id")),
			       json_string_value(json_object_get(o, "recovery_id")),
			       (long long)json_integer_value(json_object_get(o, "line")));
	}
	printf("%lld line(s) matched\n", (long long)json_integer_value(json_object_get(res, "total")));
	json_decref(rows);
}

static int cmd_search_ammunition(const cli_env *env, const cli_args *a)
{
	const char *limit = cli_opt(a, "limit");
	wam_ammunition_query q = {
	    .headstamp = cli_opt(a, "headstamp"), .lot = cli_opt(a, "lot"), .calibre = cli_opt(a, "calibre")};
	if (limit && parse_int(limit, 1, 1000, &q.limit))
		return cli_usage(env, "--limit takes a number from 1 to 1000");
	if (a->npos || (!q.headstamp && !q.lot))
		return cli_usage(
		    env, "usage: wam search-ammunition --headstamp TEXT | --lot MARKS [--calibre C] [--limit N]");
	wam_db *db;
	int rc = cli_open(env, &db, false);
	if (rc)
		return rc;
	json_t *res = NULL;
	rc = wam_match_ammunition(db, &res, &q);
	if (rc)
		rc = cli_fail(env, rc);
	else if (env->json)
		cli_print_json(res);
	else
		print_ammunition(res);
	json_decref(res);
	wam_db_close(db);
	return rc;
}

static const char *const ammunition_valued[] = {"headstamp", "lot", "calibre", "limit", NULL};
static const char *const ammunition_flags[] = {NULL};

static const char *const search_valued[] = {"make", "model", "calibre", "country", "limit", "max-edits", "batch", NULL};
static const char *const search_flags[] = {"explain", NULL};

const cli_command cli_match_commands[] = {
    {"search", search_valued, search_flags, cmd_search,
     "search SERIAL [--make M] [--model M] [--calibre C] [--country CC] [--limit N] [--explain]",
     "find weapons from a serial as read (misreads, look-alikes, ?, *)"},
    {"search-ammunition", ammunition_valued, ammunition_flags, cmd_search_ammunition,
     "search-ammunition --headstamp TEXT | --lot MARKS [--calibre C] [--limit N]",
     "find ammunition recorded anywhere from its headstamp or lot marks as read"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
