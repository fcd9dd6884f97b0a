/* unit-match: the matcher. Normalization steps on real-script inputs, the
 * distance and its operations, wildcards and fragments, ranking, the index
 * checked against a brute-force scan on a generated set, and the index
 * staying current across registration, status change and reopening. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "match/index.h"
#include "match/match.h"
#include "wam/match.h"

static void keys_of(const char *raw, wam_serial_keys *k)
{
	assert_int_equal(wam_serial_normalize(k, raw, NULL), 0);
}

static void test_match_normalizes_real_scripts(void **state)
{
	(void)state;
	wam_serial_keys k;
	keys_of("ХА 1234", &k); /* Cyrillic Kha and A */
	assert_string_equal(k.canonical, "XA1234");
	assert_string_equal(k.translit, "KHA1234");
	assert_true(k.flags & WAM_KEY_LOOKALIKE);
	keys_of("٥٦١٢٣٤٥", &k); /* Arabic-Indic digits */
	assert_string_equal(k.canonical, "5612345");
	assert_true(k.flags & WAM_KEY_DIGITS);
	keys_of("۱۲۳۴۵۶", &k); /* Persian digits */
	assert_string_equal(k.canonical, "123456");
	keys_of("ＡＢ－１２３", &k); /* full width */
	assert_string_equal(k.canonical, "AB123");
	keys_of("№ 56-1234567", &k);
	assert_string_equal(k.canonical, "561234567");
	keys_of("ЖБ-4711", &k); /* Zhe has no look-alike: romanised; Be reads as 6 */
	assert_string_equal(k.canonical, "ZH64711");
	keys_of("ΑΒ-77", &k); /* Greek capitals */
	assert_string_equal(k.canonical, "AB77");
	keys_of("oq-d0/il1", &k);
	assert_string_equal(k.canonical, "OQD0IL1");
	assert_string_equal(k.skeleton, "0000111");
	keys_of("56-12?4*", &k);
	assert_true(k.flags & WAM_KEY_WILDCARD);
	assert_string_equal(k.canonical, "5612?4*");
	assert_int_equal(k.nsegments, 2);
	assert_int_equal(k.segments[0], 2);
}

static void test_match_ascii_shortcut_equals_pipeline(void **state)
{
	(void)state;
	/* plain ASCII takes a shortcut; with explain it goes the whole way */
	const char *inputs[] = {"56-1234567", "ab c/12?4*", "No. 77 - x", "  ", "OQD-IL1-SZ", "a_b.c,d;e"};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		wam_serial_keys fast, full;
		json_t *steps = json_array();
		assert_int_equal(wam_serial_normalize(&fast, inputs[i], NULL), 0);
		assert_int_equal(wam_serial_normalize(&full, inputs[i], steps), 0);
		json_decref(steps);
		assert_string_equal(fast.canonical, full.canonical);
		assert_string_equal(fast.skeleton, full.skeleton);
		assert_int_equal(fast.nsegments, full.nsegments);
		assert_memory_equal(fast.segments, full.segments, sizeof fast.segments);
		assert_int_equal(fast.flags, full.flags);
	}
}

static void test_match_explain_lists_each_step(void **state)
{
	(void)state;
	json_t *steps;
	assert_int_equal(wam_match_explain(&steps, "٥٦-ХА"), 0);
	const char *names[] = {"raw", "nfkc_casefold", "digits", "lookalikes", "transliterate", "canonical", "skeleton"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(steps, i), "step")), names[i]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(steps, 2), "text")), "56-ха");
	assert_string_equal(json_string_value(json_object_get(json_array_get(steps, 5), "text")), "56XA");
	json_decref(steps);
}

static void test_match_distance_costs(void **state)
{
	(void)state;
	wam_match_edit ops[128];
	size_t n;
	assert_true(wam_match_distance("561234", "561234", WAM_DIST_WEIGHTED, NULL, NULL) == 0);
	/* S for 5 is a confusion: a quarter of an edit */
	assert_true(wam_match_distance("S61234", "561234", WAM_DIST_WEIGHTED, ops, &n) == 0.25);
	assert_int_equal(n, 1);
	assert_int_equal(ops[0].kind, WAM_EDIT_CONFUSABLE);
	assert_int_equal(ops[0].spos, 0);
	/* unit mode counts it whole */
	assert_true(wam_match_distance("S61234", "561234", 0, NULL, NULL) == 1);
	/* a transposition is one edit */
	assert_true(wam_match_distance("562134", "561234", WAM_DIST_WEIGHTED, ops, &n) == 1);
	assert_int_equal(n, 1);
	assert_int_equal(ops[0].kind, WAM_EDIT_TRANSPOSE);
	/* an insertion and a deletion */
	assert_true(wam_match_distance("5612345", "561234", 0, ops, &n) == 1);
	assert_int_equal(ops[0].kind, WAM_EDIT_DELETE);
	assert_true(wam_match_distance("56124", "561234", 0, ops, &n) == 1);
	assert_int_equal(ops[0].kind, WAM_EDIT_INSERT);
	/* ? is any one character, * any run */
	assert_true(wam_match_distance("56?234", "561234", 0, ops, &n) == 0);
	assert_int_equal(ops[0].kind, WAM_EDIT_WILDCARD);
	assert_true(wam_match_distance("56*", "561234", 0, NULL, NULL) == 0);
	assert_true(wam_match_distance("*234", "561234", 0, NULL, NULL) == 0);
	assert_true(wam_match_distance("5*4", "561234", 0, NULL, NULL) == 0);
	assert_true(wam_match_distance("5*9", "561234", 0, NULL, NULL) == 1);
	/* a fragment matches inside the serial only in partial mode */
	assert_true(wam_match_distance("1234", "561234", 0, NULL, NULL) == 2);
	assert_true(wam_match_distance("1234", "561234", WAM_DIST_PARTIAL, NULL, NULL) == 0);
	assert_true(wam_match_distance("12?4", "5612345", WAM_DIST_PARTIAL, NULL, NULL) == 0);
}

static void test_match_bit_parallel_equals_dp(void **state)
{
	(void)state;
	static const char alphabet[] = "0123AB?";
	unsigned seed = 3;
	for (int t = 0; t < 20000; t++) {
		char q[16], s[16];
		size_t m = 1 + (size_t)(rand_r(&seed) % 10), n = (size_t)(rand_r(&seed) % 12);
		for (size_t i = 0; i < m; i++)
			q[i] = alphabet[rand_r(&seed) % 7];
		for (size_t i = 0; i < n; i++)
			s[i] = alphabet[rand_r(&seed) % 6]; /* serials hold no '?' */
		q[m] = s[n] = '\0';
		wam_bitpattern bp;
		wam_bp_prepare(&bp, q);
		assert_true(bp.usable);
		/* the four ends: whole, "*q", "q*", "*q*" */
		for (unsigned ends = 0; ends < 4; ends++) {
			char dq[24];
			snprintf(dq, sizeof dq, "%s%s%s", ends & WAM_BP_FREE_START ? "*" : "", q, ends & WAM_BP_FREE_END ? "*" : "");
			double want = wam_match_distance(dq, s, 0, NULL, NULL);
			int got = wam_bp_distance(&bp, s, ends);
			if (got != (int)want)
				fail_msg("q=%s s=%s: dp %g, bit-parallel %d", dq, s, want, got);
			if (ends == WAM_BP_FRAGMENT && wam_match_distance(q, s, WAM_DIST_PARTIAL, NULL, NULL) != want)
				fail_msg("q=%s s=%s: partial mode differs from *q*", q, s);
		}
	}
}

/* ---- the index against brute force ---- */

static void random_key(unsigned *seed, char *out, size_t len)
{
	/* characters that are their own skeleton (no OCR class folds them) */
	static const char alphabet[] = "0123456789ACEFHJKMNPRTUVWXY";
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
	out[len] = '\0';
}

static void mutate(unsigned *seed, char *key, int edits)
{
	static const char alphabet[] = "0123456789ACEFHJKMNPRTUVWXY";
	for (int e = 0; e < edits; e++) {
		size_t n = strlen(key), p = n ? (size_t)rand_r(seed) % n : 0;
		switch (rand_r(seed) % 4) {
		case 0: /* substitute */
			key[p] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
			break;
		case 1: /* delete */
			if (n > 3)
				memmove(key + p, key + p + 1, n - p);
			break;
		case 2: /* insert */
			if (n < 20) {
				memmove(key + p + 1, key + p, n - p + 1);
				key[p] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
			}
			break;
		default: /* transpose */
			if (p + 1 < n) {
				char t = key[p];
				key[p] = key[p + 1];
				key[p + 1] = t;
			}
		}
	}
}

typedef struct hits {
	char *seen;
} hits;

static void mark(uint32_t rec, const char *key, void *payload)
{
	(void)key;
	((hits *)payload)->seen[rec]++;
}

static void test_match_index_finds_what_brute_force_finds(void **state)
{
	(void)state;
	enum { N = 4000, Q = 600 };
	unsigned seed = 7;
	static char keys[N][24], makes[N][8];
	wam_match_index *ix = wam_match_index_new();
	assert_non_null(ix);
	for (int i = 0; i < N; i++) {
		char id[32];
		/* short keys make dense neighbourhoods; a few share a prefix */
		random_key(&seed, keys[i], 4 + (size_t)(rand_r(&seed) % 9));
		if (i > 10 && rand_r(&seed) % 5 == 0) {
			memcpy(keys[i], keys[i - 1], strlen(keys[i - 1]) + 1);
			mutate(&seed, keys[i], 1 + rand_r(&seed) % 2);
		}
		snprintf(makes[i], sizeof makes[i], "M%d", rand_r(&seed) % 6);
		snprintf(id, sizeof id, "01HK%022d", i);
		assert_true(wam_match_index_add(ix, id, keys[i], "", makes[i], "", "", "") == i);
		if (i == N - 300) /* most postings compact, the last weapons in chains */
			assert_int_equal(wam_match_index_compact(ix), 0);
	}
	char *seen = calloc(N, 1);
	long checked = 0;
	for (int qn = 0; qn < Q; qn++) {
		char q[32];
		int src = rand_r(&seed) % N, k = qn % 3;
		memcpy(q, keys[src], strlen(keys[src]) + 1);
		mutate(&seed, q, rand_r(&seed) % (k + 1)); /* the source is within reach */
		if (strlen(q) < 3)
			continue;
		int unknown = 0;
		if (qn % 7 == 0) { /* one unreadable character */
			q[rand_r(&seed) % strlen(q)] = '?';
			unknown = 1;
		}
		/* the 2-edit tier ('?' spends its budget too) searches within the make */
		bool by_make = k + unknown == 2;
		uint32_t make = by_make ? wam_match_index_attr(ix, WAM_ATTR_MAKE, makes[src]) : 0;
		hits h = {seen};
		memset(seen, 0, N);
		wam_match_index_find(ix, q, k, make, false, mark, &h);
		for (int i = 0; i < N; i++) {
			bool in_scope = !by_make || !strcmp(makes[i], makes[src]);
			bool want = in_scope && wam_match_distance(q, keys[i], 0, NULL, NULL) <= k;
			if (want != (seen[i] == 1))
				fail_msg("query %s k=%d: record %d (%s) expected %d, index said %d", q, k, i, keys[i], want, seen[i]);
			checked += want;
		}
	}
	assert_true(checked > Q * 9 / 10); /* each query had at least its source to find */
	/* fragments (found through the key arena) and stars at the ends */
	for (int qn = 0; qn < 400; qn++) {
		int src = rand_r(&seed) % N;
		size_t n = strlen(keys[src]), len = 3 + (size_t)(rand_r(&seed) % 3), at;
		if (len > n)
			len = n;
		at = (size_t)rand_r(&seed) % (n - len + 1);
		char q[32];
		bool partial = qn % 2 == 0;
		snprintf(q, sizeof q, "%s%.*s%s", !partial && qn % 4 == 1 ? "*" : "", (int)len, keys[src] + at,
		         !partial && qn % 4 == 3 ? "*" : "");
		if (qn % 5 == 0)
			q[strlen(q) / 2] = '?';
		hits h = {seen};
		memset(seen, 0, N);
		int k = partial || qn % 3 == 0 ? 0 : 1; /* k = 0: lost ends go through the sorted keys */
		wam_match_index_find(ix, q, k, 0, partial, mark, &h);
		for (int i = 0; i < N; i++) {
			bool want = wam_match_distance(q, keys[i], partial ? WAM_DIST_PARTIAL : 0, NULL, NULL) <= k;
			if (want != (seen[i] == 1))
				fail_msg("query %s%s: record %d (%s) expected %d, index said %d", q, partial ? " (fragment)" : "", i,
				         keys[i], want, seen[i]);
		}
	}
	free(seen);
	wam_match_index_free(ix);
}

/* ---- search on a registry ---- */

static const char *first_id(const json_t *res)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(res, "candidates"), 0), "id"));
}

static const char *first_reason(const json_t *res)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(res, "candidates"), 0), "reason"));
}

static void test_match_search_ranks_and_explains(void **state)
{
	(void)state;
	test_reg r;
	char norinco[27], izh[27], other[27];
	test_reg_create(&r, "HT");
	test_add_item(&r, "{\"category\":\"SA4\",\"make\":\"Norinco\",\"model\":\"Type 56\",\"calibre\":\"7.62x39mm\","
	                  "\"serial\":\"56-1234567\",\"country\":\"CN\"}",
	              norinco);
	test_add_item(&r, "{\"category\":\"SA4\",\"make\":\"Zastava\",\"serial\":\"56-1234563\",\"country\":\"RS\"}", other);
	test_add_item(&r, "{\"category\":\"SA4\",\"make\":\"Izhmash\",\"serial\":\"ХА 1234\",\"country\":\"SUHH\"}", izh);
	json_t *res;
	/* two misread characters (l for 1, S for 5) */
	wam_match_query q = {.serial = "56-l234S67", .make = "Norinco", .max_edits = -1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), norinco);
	assert_string_equal(first_reason(res), "misread");
	json_decref(res);
	/* an exact serial outranks a one-edit one of the asked make (3 and 7
	 * are no OCR confusion); between two one-edit serials, the make decides */
	q = (wam_match_query){.serial = "56-1234567", .make = "zastava", .max_edits = 1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_int_equal(json_array_size(json_object_get(res, "candidates")), 2);
	assert_string_equal(first_id(res), norinco); /* exact serial still first */
	json_decref(res);
	q = (wam_match_query){.serial = "56-1234568", .make = "Zastava", .max_edits = 1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), other);
	json_decref(res);
	/* Latin query for a Cyrillic serial; romanised query too */
	q = (wam_match_query){.serial = "XA1234", .max_edits = -1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), izh);
	assert_string_equal(first_reason(res), "look-alike");
	json_decref(res);
	q = (wam_match_query){.serial = "KHA-1234", .max_edits = -1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), izh);
	json_decref(res);
	/* one unreadable character and a lost tail */
	q = (wam_match_query){.serial = "ХА12?4*", .max_edits = -1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), izh);
	assert_string_equal(first_reason(res), "wildcard");
	json_decref(res);
	/* a fragment */
	q = (wam_match_query){.serial = "34567", .max_edits = 0};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), norinco);
	assert_string_equal(first_reason(res), "partial");
	json_decref(res);
	/* nothing to search for */
	q = (wam_match_query){.serial = "--", .max_edits = -1};
	assert_int_equal(wam_match_search(r.db, &res, &q), WAM_EINVAL);
	test_reg_destroy(&r);
}

static void test_match_index_stays_current(void **state)
{
	(void)state;
	test_reg r;
	char a[27], b[27];
	json_t *res, *out;
	test_reg_create(&r, NULL);
	test_add_item(&r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"ABC123\",\"country\":\"AT\"}", a);
	wam_match_query q = {.serial = "ABC123", .max_edits = -1};
	assert_int_equal(wam_match_search(r.db, &res, &q), 0); /* builds the index */
	json_decref(res);
	/* registered after the index was built: findable at once */
	test_add_item(&r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"XYZ789\",\"country\":\"AT\"}", b);
	q.serial = "XYZ78";
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), b);
	json_decref(res);
	/* a status change shows in the candidates */
	json_t *d = json_pack("{s:s}", "reason", "report 2026/1");
	assert_int_equal(wam_registry_item_set_status(r.db, &out, b, "stolen", d), 0);
	json_decref(d);
	json_decref(out);
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(res, "candidates"), 0), "status")),
	                    "stolen");
	json_decref(res);
	/* a failed registration leaves no trace in the index */
	assert_int_equal(test_try_add_item(&r, "{\"category\":\"NOPE\",\"serial\":\"QQQ999\"}", 0, &out), WAM_EINVAL);
	q.serial = "QQQ999";
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_int_equal(json_array_size(json_object_get(res, "candidates")), 0);
	json_decref(res);
	/* reopened: the index is built again from the store */
	wam_db_close(r.db);
	assert_int_equal(wam_db_open(&r.db, r.path, 0), 0);
	q.serial = "ABC-I23";
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_string_equal(first_id(res), a);
	json_decref(res);
	test_reg_destroy(&r);
}

typedef struct searcher {
	wam_db *db;
	int found;
} searcher;

static void *search_many(void *arg)
{
	searcher *s = arg;
	for (int i = 0; i < 200; i++) {
		json_t *res;
		wam_match_query q = {.serial = "ABC-I23", .max_edits = -1};
		if (wam_match_search(s->db, &res, &q) == 0 && json_array_size(json_object_get(res, "candidates")) > 0)
			s->found++;
		json_decref(res);
	}
	return NULL;
}

static void test_match_clones_share_one_current_index(void **state)
{
	(void)state;
	test_reg r;
	char a[27], b[27];
	json_t *res, *out;
	wam_db *other;
	test_reg_create(&r, NULL);
	test_add_item(&r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"ABC123\",\"country\":\"AT\"}", a);
	assert_int_equal(wam_db_clone(&other, r.db), 0);
	wam_match_query q = {.serial = "ABC123", .max_edits = -1};
	assert_int_equal(wam_match_search(other, &res, &q), 0); /* built through the clone */
	assert_string_equal(first_id(res), a);
	json_decref(res);
	/* registered through one handle, found through the other */
	test_add_item(&r, "{\"category\":\"SA1\",\"make\":\"Glock\",\"serial\":\"XYZ789\",\"country\":\"AT\"}", b);
	q.serial = "XYZ78";
	assert_int_equal(wam_match_search(other, &res, &q), 0);
	assert_string_equal(first_id(res), b);
	json_decref(res);
	/* searched inside a transaction that is then undone: the other handle
	 * never finds the undone weapon */
	assert_int_equal(wam_db_begin(r.db), 0);
	json_t *in = json_pack("{s:s, s:s, s:s}", "category", "SA1", "make", "Glock", "serial", "QQQ999");
	assert_int_equal(wam_registry_item_add(r.db, &out, in, 0), 0);
	json_decref(in);
	json_decref(out);
	q.serial = "QQQ999";
	assert_int_equal(wam_match_search(r.db, &res, &q), 0);
	assert_int_equal(json_array_size(json_object_get(res, "candidates")), 1);
	json_decref(res);
	wam_db_rollback(r.db);
	assert_int_equal(wam_match_search(other, &res, &q), 0);
	assert_int_equal(json_array_size(json_object_get(res, "candidates")), 0);
	json_decref(res);
	/* two threads search side by side, each through its own handle */
	wam_db *third;
	assert_int_equal(wam_db_clone(&third, other), 0);
	searcher s1 = {other, 0}, s2 = {third, 0};
	pthread_t t1, t2;
	pthread_create(&t1, NULL, search_many, &s1);
	pthread_create(&t2, NULL, search_many, &s2);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	assert_int_equal(s1.found, 200);
	assert_int_equal(s2.found, 200);
	wam_db_close(other); /* closed before the handle it was cloned from */
	wam_db_close(third);
	test_reg_destroy(&r);
}

static void search_one(test_reg *r, const char *serial, const char *want_id)
{
	json_t *res;
	wam_match_query q = {.serial = serial, .max_edits = -1};
	assert_int_equal(wam_match_search(r->db, &res, &q), 0);
	if (want_id)
		assert_string_equal(first_id(res), want_id);
	else
		assert_int_equal(json_array_size(json_object_get(res, "candidates")), 0);
	json_decref(res);
}

static void reopen(test_reg *r)
{
	wam_db_close(r->db);
	assert_int_equal(wam_db_open(&r->db, r->path, 0), 0);
}

static void test_match_index_file_is_checked_and_rebuilt(void **state)
{
	(void)state;
	test_reg r;
	char a[27], b[27], path[256];
	test_reg_create(&r, NULL);
	test_add_item(&r, "{\"category\":\"SA2\",\"make\":\"FN\",\"serial\":\"FN-448811\",\"country\":\"BE\"}", a);
	search_one(&r, "FN448811", a); /* builds the index and writes the file */
	snprintf(path, sizeof path, "%s.serials", r.path);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	assert_true(size > 200);

	/* weapons registered by another process after the file was written:
	 * the next process catches up from the ledger */
	reopen(&r);
	test_add_item(&r, "{\"category\":\"SA2\",\"make\":\"FN\",\"serial\":\"FN-990011\",\"country\":\"BE\"}", b);
	reopen(&r);
	search_one(&r, "FN990011", b);
	search_one(&r, "FN448811", a);

	/* a damaged byte: the file is not trusted, the index is rebuilt */
	reopen(&r);
	fseek(f, size - 40, SEEK_SET);
	int c = getc(f);
	fseek(f, size - 40, SEEK_SET);
	putc(c ^ 0x5a, f);
	fclose(f);
	wam_match_index *ix;
	wam_index_stamp st;
	assert_int_equal(wam_match_index_load(&ix, path, &st), WAM_EINTEGRITY);
	search_one(&r, "FN990011", b);
	search_one(&r, "FN-448811", a);
	assert_int_equal(wam_match_index_load(&ix, path, &st), 0); /* written again, whole */
	assert_int_equal(wam_match_index_size(ix), 2);
	wam_match_index_free(ix);

	/* a file from another registry's history is not used either */
	test_reg other;
	char x[27];
	test_reg_create(&other, NULL);
	test_add_item(&other, "{\"category\":\"SA2\",\"make\":\"FN\",\"serial\":\"ZZ-123456\",\"country\":\"BE\"}", x);
	search_one(&other, "ZZ123456", x);
	char other_path[256], cmd[600];
	snprintf(other_path, sizeof other_path, "%s.serials", other.path);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", other_path, path);
	assert_int_equal(system(cmd), 0);
	reopen(&r);
	search_one(&r, "ZZ123456", NULL);
	search_one(&r, "FN990011", b);
	test_reg_destroy(&other);
	test_reg_destroy(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_normalizes_real_scripts),
		cmocka_unit_test(test_match_ascii_shortcut_equals_pipeline),
		cmocka_unit_test(test_match_explain_lists_each_step),
		cmocka_unit_test(test_match_distance_costs),
		cmocka_unit_test(test_match_bit_parallel_equals_dp),
		cmocka_unit_test(test_match_index_finds_what_brute_force_finds),
		cmocka_unit_test(test_match_search_ranks_and_explains),
		cmocka_unit_test(test_match_index_stays_current),
		cmocka_unit_test(test_match_clones_share_one_current_index),
		cmocka_unit_test(test_match_index_file_is_checked_and_rebuilt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
