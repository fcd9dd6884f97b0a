/* unit-collection: recoveries as wam_collection_* sees them — the weapons
 * registered through the registry with the recovery's status, a task to
 * mark or destroy each one that arrives unmarked or obliterated (R5) and
 * closed by a national marking that the registry's rules judge again,
 * hand-overs listed in order, photos stored once by content and non-images
 * refused, pseudonyms that are stable and hold no name, and a ledger that
 * verifies and rebuilds to the same tables after all of it. The registry
 * is in Haiti (HT). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "helpers.h"
#include "wam/collection.h"
#include "wam/stock.h"
#include "wam/store.h"

/* A surrender of two weapons: one fully marked, one with no marking at all. */
static const char *RECOVERY =
    "{\"type\": \"surrendered\", \"date\": \"2026-03-01\", \"place\": \"Cité Soleil community centre\","
    " \"lat\": 18.58, \"lon\": -72.33, \"admin_area\": \"Ouest\", \"context\": \"amnesty\","
    " \"officer\": \"Insp. Joseph\", \"person\": \"Jean-Baptiste Pierre\", \"task_days\": 30,"
    " \"weapons\": ["
    "  {\"category\": \"SA4\", \"make\": \"Norinco\", \"model\": \"Type 56\", \"calibre\": \"7.62x39mm\","
    "   \"serial\": \"5612345\", \"country\": \"CN\", \"import_marks\": [{\"country\": \"HT\", \"year\": 2001}]},"
    "  {\"category\": \"SA1\", \"model\": \"revolver\", \"calibre\": \".38 Special\"}"
    "]}";

/* A photo of a crate, and its sha256: an ammunition line names photos
 * the photo store holds */
static const char LINE_JPEG[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00photo bytes";
#define LINE_PHOTO "f777ac580532e5376ef099023278ae036da7a54e792da512630a653d683c1838"

static json_t *add_recovery(test_reg *r, const char *text)
{
	json_t *photo = NULL;
	if (strstr(text, "\"photos\"") && wam_photo_add(r->db, &photo, LINE_JPEG, sizeof LINE_JPEG - 1, NULL))
		fail_msg("store photo: f777ac580532e5376ef099023278ae036da7a54e792da512630a653d683c1838",
		         wam_error_last()->message);
	json_decref(photo);
	json_error_t err;
	json_t *in = json_loads(text, 0, &err), *out = NULL;
	if (!in)
		fail_msg("bad test JSON: %s", err.text);
	int rc = wam_collection_recovery_add(r->db, &out, in);
	json_decref(in);
	if (rc)
		fail_msg("add recovery failed: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	return out;
}

/* The tables of this room, as one text to compare before and after a
 * rebuild. */
static void expect_intact_and_rebuild(test_reg *r)
{
	test_expect_rebuilt(
	    r, "SELECT group_concat(x, '|') FROM (SELECT id||type||date||coalesce(person_ref,'')||last_seq AS x"
	       " FROM recoveries UNION ALL SELECT id||marking_status||last_seq FROM items"
	       " UNION ALL SELECT id||coalesce(marking,'')||coalesce(closed_seq,'') FROM collection_tasks"
	       " UNION ALL SELECT recovery_id||n||from_party||to_party FROM recovery_handovers"
	       " UNION ALL SELECT item_id||n||text FROM markings ORDER BY 1)");
}

static void test_recovery_registers_weapons_and_opens_a_task(void **state)
{
	test_reg *r = *state;
	json_t *rec = add_recovery(r, RECOVERY);
	json_t *items = json_object_get(rec, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(test_str(json_array_get(items, 0), "status"), "surrendered");
	assert_string_equal(test_str(json_array_get(items, 0), "marking_status"), "adequate");
	assert_string_equal(test_str(json_array_get(items, 1), "marking_status"), "unmarked");
	/* the unmarked weapon, and only it, has a task due 30 days on */
	json_t *tasks = json_object_get(rec, "tasks");
	assert_int_equal(json_array_size(tasks), 1);
	json_t *t = json_array_get(tasks, 0);
	assert_string_equal(test_str(t, "item_id"), test_str(json_array_get(items, 1), "id"));
	assert_string_equal(test_str(t, "due"), "2026-03-31");
	assert_string_equal(test_str(t, "kind"), "mark");
	/* nothing in the registry is close to them: no hit */
	assert_true(json_is_array(json_object_get(rec, "hits")));
	assert_int_equal(json_array_size(json_object_get(rec, "hits")), 0);
	/* due in March 2026, and today is later: overdue */
	json_t *open;
	assert_int_equal(wam_collection_task_list(r->db, &open, "overdue"), 0);
	assert_int_equal(json_array_size(open), 1);
	assert_string_equal(test_str(json_array_get(open, 0), "state"), "overdue");
	json_decref(open);
	/* the name is nowhere in the ledger, only its pseudonym */
	char *hits = test_query_text(r->db->conn, "SELECT count(*) FROM events WHERE payload LIKE '%Baptiste%'");
	assert_string_equal(hits, "0");
	free(hits);
	assert_int_equal(strncmp(test_str(rec, "person_ref"), "P-", 2), 0);
	assert_int_equal(strlen(test_str(rec, "person_ref")), 26);
	json_decref(rec);
	expect_intact_and_rebuild(r);
}

static void test_same_person_same_pseudonym(void **state)
{
	test_reg *r = *state;
	char a[32], b[32], c[32];
	assert_int_equal(wam_collection_pseudonym(r->db, a, "Jean-Baptiste Pierre"), 0);
	assert_int_equal(wam_collection_pseudonym(r->db, b, "jean baptiste  PIERRE"), 0);
	assert_int_equal(wam_collection_pseudonym(r->db, c, "Marie Pierre"), 0);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* the key is a file beside the registry, readable by its owner only */
	char path[256];
	struct stat st;
	snprintf(path, sizeof path, "%s.pseudonym.key", r->path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
}

static void test_obliterated_weapon_opens_task_and_marking_closes_it(void **state)
{
	test_reg *r = *state;
	json_t *rec = add_recovery(
	    r,
	    "{\"type\": \"seized\", \"date\": \"2030-01-10\", \"officer\": \"Sgt. Lamy\", \"context\": \"armed_group\","
	    " \"weapons\": [{\"category\": \"SA4\", \"make\": \"Kalashnikov Concern\", \"country\": \"RU\","
	    " \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\", \"text\": \"??????\","
	    " \"legibility\": \"obliterated\"}]}]}");
	json_t *item = json_array_get(json_object_get(rec, "items"), 0);
	assert_string_equal(test_str(item, "status"), "seized");
	assert_string_equal(test_str(item, "marking_status"), "obliterated");
	json_t *t = json_array_get(json_object_get(rec, "tasks"), 0);
	assert_non_null(t);
	assert_string_equal(test_str(t, "due"), "2030-04-10"); /* 90 days by default */
	assert_string_equal(test_str(t, "state"), "open");
	char task[32], item_id[32];
	snprintf(task, sizeof task, "%s", test_str(t, "id"));
	snprintf(item_id, sizeof item_id, "%s", test_str(item, "id"));
	json_decref(rec);

	json_t *m = json_pack("{s:s}", "text", "HT-PNH-2030-000017"), *out = NULL;
	assert_int_equal(wam_collection_task_mark(r->db, &out, task, m), 0);
	/* the new marking is the weapon's, and its status is derived again */
	assert_string_not_equal(test_str(out, "marking_status"), "obliterated");
	json_t *marks = json_object_get(out, "markings");
	int found = 0;
	size_t i;
	json_t *mk;
	json_array_foreach(marks, i, mk) found += !strcmp(test_str(mk, "text"), "HT-PNH-2030-000017");
	assert_int_equal(found, 1);
	json_decref(out);
	/* the task is closed; a second marking is refused */
	json_t *tasks;
	assert_int_equal(wam_collection_task_list(r->db, &tasks, "open"), 0);
	assert_int_equal(json_array_size(tasks), 0);
	json_decref(tasks);
	assert_int_equal(wam_collection_task_list(r->db, &tasks, NULL), 0);
	assert_string_equal(test_str(json_array_get(tasks, 0), "state"), "marked");
	json_decref(tasks);
	assert_int_equal(wam_collection_task_mark(r->db, &out, task, m), WAM_ECONFLICT);
	json_decref(m);
	/* the weapon's history shows the marking */
	json_t *hist;
	assert_int_equal(wam_registry_item_history(r->db, &hist, item_id), 0);
	assert_int_equal(json_array_size(hist), 2);
	json_decref(hist);
	expect_intact_and_rebuild(r);
}

static void test_handovers_listed_in_order(void **state)
{
	test_reg *r = *state;
	json_t *rec = add_recovery(r, RECOVERY), *out = NULL;
	char id[32];
	snprintf(id, sizeof id, "%s", test_str(rec, "id"));
	json_decref(rec);
	const char *steps[][3] = {{"Insp. Joseph", "Cpl. Remy", "transport to the depot"},
	                          {"Cpl. Remy", "Depot keeper Alix", "storage"},
	                          {"Depot keeper Alix", "Lab technician Noel", "examination"}};
	for (int k = 0; k < 3; k++) {
		json_t *h = json_pack("{s:s, s:s, s:s}", "from", steps[k][0], "to", steps[k][1], "reason", steps[k][2]);
		assert_int_equal(wam_collection_recovery_handover(r->db, NULL, id, h), 0);
		json_decref(h);
	}
	/* from and to must differ; a missing reason names the field */
	json_t *bad = json_pack("{s:s, s:s, s:s}", "from", "A", "to", "A", "reason", "x");
	assert_int_equal(wam_collection_recovery_handover(r->db, NULL, id, bad), WAM_EINVAL);
	json_decref(bad);
	bad = json_pack("{s:s, s:s}", "from", "A", "to", "B");
	assert_int_equal(wam_collection_recovery_handover(r->db, NULL, id, bad), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "reason");
	json_decref(bad);
	assert_int_equal(wam_collection_recovery_get(r->db, &out, id), 0);
	json_t *hs = json_object_get(out, "handovers");
	assert_int_equal(json_array_size(hs), 3);
	for (int k = 0; k < 3; k++) {
		assert_string_equal(test_str(json_array_get(hs, k), "from"), steps[k][0]);
		assert_string_equal(test_str(json_array_get(hs, k), "to"), steps[k][1]);
	}
	json_decref(out);
	expect_intact_and_rebuild(r);
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void test_same_photo_stored_once(void **state)
{
	test_reg *r = *state;
	json_t *a = add_recovery(r, RECOVERY), *p1, *p2, *p3;
	json_t *b = add_recovery(r, "{\"type\": \"found\", \"date\": \"2026-05-05\", \"officer\": \"Sgt. Lamy\","
	                            " \"context\": \"cache\", \"weapons\": [{\"category\": \"SA1\"}]}");
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                                    0,    0,   0,   13,  'I',  'H',  'D',  'R'};
	assert_int_equal(
	    wam_collection_recovery_photo_add(r->db, &p1, test_str(a, "id"), png, sizeof png, "both sides"), 0);
	assert_int_equal(
	    wam_collection_recovery_photo_add(r->db, &p2, test_str(a, "id"), png, sizeof png, "both sides"), 0);
	assert_int_equal(wam_collection_recovery_photo_add(r->db, &p3, test_str(b, "id"), png, sizeof png, NULL), 0);
	assert_string_equal(test_str(p1, "hash"), test_str(p2, "hash"));
	assert_string_equal(test_str(p1, "media_type"), "image/png");
	assert_int_equal(json_integer_value(json_object_get(p1, "size")), sizeof png);
	char dir[256];
	snprintf(dir, sizeof dir, "%s.photos", r->path);
	assert_int_equal(files_in(dir), 1);
	char *n = test_query_text(r->db->conn, "SELECT count(*) FROM events WHERE type='recovery.photo_added'");
	assert_string_equal(n, "2"); /* once per recovery; the repeat changed nothing */
	free(n);
	unsigned char *bytes;
	size_t len;
	char type[32];
	assert_int_equal(
	    wam_collection_recovery_photo_get(r->db, &bytes, &len, type, test_str(a, "id"), test_str(p1, "hash")), 0);
	assert_int_equal(len, sizeof png);
	assert_memory_equal(bytes, png, sizeof png);
	assert_string_equal(type, "image/png");
	free(bytes);
	/* not an image */
	assert_int_equal(
	    wam_collection_recovery_photo_add(r->db, NULL, test_str(a, "id"), "#!/bin/sh\nrm -rf /\n", 19, NULL),
	    WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "photo");
	assert_int_equal(files_in(dir), 1);
	json_decref(p1);
	json_decref(p2);
	json_decref(p3);
	json_decref(a);
	json_decref(b);
	expect_intact_and_rebuild(r);
}

static void test_bad_recovery_writes_nothing(void **state)
{
	test_reg *r = *state;
	char *before = test_query_text(r->db->conn, "SELECT count(*) FROM events");
	json_t *out = NULL;
	const char *bad[][2] = {
	    {"{\"type\": \"bought\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"weapons\": [{\"category\": "
	     "\"SA1\"}]}",
	     "type"},
	    {"{\"type\": \"found\", \"date\": \"2026-02-30\", \"officer\": \"X\", \"weapons\": [{\"category\": "
	     "\"SA1\"}]}",
	     "date"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"weapons\": [{\"category\": \"SA1\"}]}", "officer"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"weapons\": []}", "weapons"},
	    /* the second weapon is bad: the first is not registered either */
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"weapons\": [{\"category\": "
	     "\"SA1\"},"
	     " {\"category\": \"NOPE\"}]}",
	     "weapons[1].category"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *in = json_loads(bad[k][0], 0, NULL);
		assert_int_equal(wam_collection_recovery_add(r->db, &out, in), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, bad[k][1]);
		json_decref(in);
	}
	char *after = test_query_text(r->db->conn, "SELECT count(*) FROM events");
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_known_weapon_recovered(void **state)
{
	test_reg *r = *state;
	char id[32], text[512];
	test_add_item(r,
	              "{\"category\": \"SA1\", \"make\": \"Glock\", \"serial\": \"ABC123\", \"country\": \"AT\","
	              " \"status\": \"stolen\"}",
	              id);
	snprintf(text, sizeof text,
	         "{\"type\": \"seized\", \"date\": \"2026-06-01\", \"officer\": \"X\","
	         " \"context\": \"border_interdiction\", \"weapons\": [{\"item_id\": \"%s\"}]}",
	         id);
	json_t *rec = add_recovery(r, text);
	json_t *item = json_array_get(json_object_get(rec, "items"), 0);
	assert_string_equal(test_str(item, "id"), id);
	assert_string_equal(test_str(item, "status"), "seized");
	assert_int_equal(json_array_size(json_object_get(rec, "tasks")), 0);
	json_decref(rec);
	char *n = test_query_text(r->db->conn, "SELECT count(*) FROM items");
	assert_string_equal(n, "1");
	free(n);
	expect_intact_and_rebuild(r);
}

/* A recovery tells whoever records it that a weapon may be a stolen one:
 * its hits come with it, as they do when it is read again. */
static void test_recovery_shows_its_hits(void **state)
{
	test_reg *r = *state;
	char stolen[32], id[32];
	test_add_item(r,
	              "{\"category\": \"SA1\", \"make\": \"Glock\", \"model\": \"17\", \"calibre\": \"9x19mm\","
	              " \"serial\": \"BKX-4471\", \"country\": \"AT\", \"status\": \"stolen\"}",
	              stolen);
	json_t *rec = add_recovery(r, "{\"type\": \"seized\", \"date\": \"2026-06-01\", \"officer\": \"X\","
	                              " \"weapons\": [{\"category\": \"SA1\", \"make\": \"Glock\", \"model\": \"17\","
	                              " \"calibre\": \"9x19mm\", \"serial\": \"8KX-447I\", \"country\": \"AT\"}]}");
	json_t *hits = json_object_get(rec, "hits");
	assert_int_equal(json_array_size(hits), 1);
	json_t *h = json_array_get(hits, 0);
	assert_string_equal(test_str(h, "state"), "open");
	assert_string_equal(test_str(h, "recovery_id"), test_str(rec, "id"));
	assert_string_equal(test_str(json_object_get(h, "recovered"), "serial"), "8KX-447I");
	assert_string_equal(test_str(json_object_get(h, "registered"), "id"), stolen);
	assert_string_equal(test_str(json_object_get(h, "registered"), "status"), "stolen");
	snprintf(id, sizeof id, "%s", test_str(rec, "id"));
	json_decref(rec);
	assert_int_equal(wam_collection_recovery_get(r->db, &rec, id), 0);
	assert_int_equal(json_array_size(json_object_get(rec, "hits")), 1);
	json_decref(rec);
	expect_intact_and_rebuild(r);
}

/* A cache of 7.62x39mm rounds of two headstamps, one in Arabic-Indic
 * digits, and no weapon. */
static const char *CACHE =
    "{\"type\": \"seized\", \"date\": \"2026-04-10\", \"context\": \"cache\", \"officer\": \"Insp. Joseph\","
    " \"ammunition\": ["
    "  {\"calibre\": \"7.62x39mm\", \"type\": \"ball\", \"headstamp\": {\"text\": \"71 81\", \"factory\": \"71\","
    "   \"year\": 1981}, \"lot\": \"12-81-071\", \"crate_marks\": \"7,62 ПС 440 шт\", \"quantity\": 1000,"
    "   \"packages\": 2, \"photos\": [\"F777AC580532e5376ef099023278ae036da7a54e792da512630a653d683c1838\"]},"
    "  {\"calibre\": \"7.62x39mm\", \"headstamp\": {\"text\": \"٣٠ ٨٤\"}, \"quantity\": 300}"
    "]}";

static void site_of(test_reg *r, char id[32])
{
	json_t *site, *in = json_pack("{s:s, s:s}", "name", "Central depot", "kind", "depot");
	assert_int_equal(wam_registry_site_add(r->db, &site, in), 0);
	snprintf(id, 32, "%s", test_str(site, "id"));
	json_decref(site);
	json_decref(in);
}

static void expect_line(test_reg *r, const char *id, long line, long long stocked, long long destroyed,
                        long long remaining)
{
	json_t *rec;
	assert_int_equal(wam_collection_recovery_get(r->db, &rec, id), 0);
	json_t *l = json_array_get(json_object_get(rec, "ammunition"), (size_t)line);
	assert_int_equal(json_integer_value(json_object_get(l, "stocked")), stocked);
	assert_int_equal(json_integer_value(json_object_get(l, "destroyed")), destroyed);
	assert_int_equal(json_integer_value(json_object_get(l, "remaining")), remaining);
	json_decref(rec);
}

static void test_recovery_holds_ammunition(void **state)
{
	test_reg *r = *state;
	json_t *rec = add_recovery(r, CACHE);
	json_t *lines = json_object_get(rec, "ammunition");
	assert_int_equal(json_array_size(json_object_get(rec, "items")), 0);
	assert_int_equal(json_array_size(lines), 2);
	json_t *l = json_array_get(lines, 0);
	assert_int_equal(json_integer_value(json_object_get(l, "line")), 0);
	assert_string_equal(test_str(l, "calibre"), "7.62x39mm");
	assert_string_equal(test_str(json_object_get(l, "headstamp"), "text"), "71 81");
	assert_string_equal(test_str(json_object_get(l, "headstamp"), "factory"), "71");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(l, "headstamp"), "year")), 1981);
	assert_string_equal(test_str(l, "lot"), "12-81-071");
	assert_string_equal(test_str(l, "crate_marks"), "7,62 ПС 440 шт");
	assert_int_equal(json_integer_value(json_object_get(l, "quantity")), 1000);
	assert_int_equal(json_integer_value(json_object_get(l, "packages")), 2);
	assert_int_equal(json_integer_value(json_object_get(l, "remaining")), 1000);
	/* a photo hash is kept in lower case */
	assert_string_equal(json_string_value(json_array_get(json_object_get(l, "photos"), 0)), LINE_PHOTO);
	l = json_array_get(lines, 1);
	assert_string_equal(test_str(json_object_get(l, "headstamp"), "text"), "٣٠ ٨٤");
	assert_null(json_object_get(l, "lot"));
	assert_null(json_object_get(json_object_get(l, "headstamp"), "factory"));
	json_t *list;
	assert_int_equal(wam_collection_recovery_list(r->db, &list), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "ammunition_rounds")), 1300);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "weapons")), 0);
	json_decref(list);
	json_decref(rec);
	expect_intact_and_rebuild(r);
}

static void test_bad_ammunition_writes_nothing(void **state)
{
	test_reg *r = *state;
	json_t *photo = NULL;
	assert_int_equal(wam_photo_add(r->db, &photo, LINE_JPEG, sizeof LINE_JPEG - 1, NULL), 0);
	json_decref(photo);
	long long before = test_events(r);
	json_t *out = NULL;
	const char *bad[][2] = {
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\"}", "weapons"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": []}", "weapons"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": {}}", "ammunition"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": ["
	     "{\"calibre\": \"9x19mm\", \"quantity\": 5}, {\"calibre\": \"9x19mm\", \"quantity\": 0}]}",
	     "ammunition[1].quantity"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": ["
	     "{\"quantity\": 5}]}",
	     "ammunition[0].calibre"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": ["
	     "{\"calibre\": \"9x19mm\", \"quantity\": 5, \"headstamp\": {\"factory\": \"71\"}}]}",
	     "ammunition[0].headstamp.text"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": ["
	     "{\"calibre\": \"9x19mm\", \"quantity\": 5, \"photos\": [\"not-a-hash\"]}]}",
	     "ammunition[0].photos"},
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"ammunition\": ["
	     "{\"calibre\": \"9x19mm\", \"quantity\": 5}, {\"calibre\": \"9x19mm\", \"quantity\": 5, \"photos\": ["
	     "\"f777ac580532e5376ef099023278ae036da7a54e792da512630a653d683c1838\", "
	     "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}]}",
	     "ammunition[1].photos[1]"},
	    /* a good weapon and a bad line: the weapon is not registered either */
	    {"{\"type\": \"found\", \"date\": \"2026-01-01\", \"officer\": \"X\", \"weapons\": [{\"category\": "
	     "\"SA1\"}], \"ammunition\": [{\"calibre\": \"9x19mm\", \"quantity\": 5, \"colour\": \"red\"}]}",
	     "ammunition[0].colour"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *in = test_json(bad[k][0]);
		assert_int_equal(wam_collection_recovery_add(r->db, &out, in), WAM_EINVAL);
		if (strcmp(wam_error_last()->field, bad[k][1]))
			fail_msg("case %zu: field %s, not %s (%s)", k, wam_error_last()->field, bad[k][1],
			         wam_error_last()->message);
		json_decref(in);
	}
	test_unchanged(r, before);
	assert_int_equal(test_count(r, "SELECT count(*) FROM items"), 0);
}

/* Rounds leave a line into stock lots and destruction batches in any
 * order, never more than remain: every refusal names rounds and the rounds
 * remaining, and writes nothing. */
static void test_remaining_never_below_zero(void **state)
{
	test_reg *r = *state;
	char site[32], lot_id[32], batch[32], batch2[32];
	site_of(r, site);
	json_t *rec = add_recovery(r, CACHE), *out = NULL;
	char id[32];
	snprintf(id, sizeof id, "%s", test_str(rec, "id"));
	json_decref(rec);
	json_t *lot = json_pack("{s:i, s:s}", "rounds", 700, "site_id", site);
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), 0);
	json_decref(lot);
	/* the lot is the line's ammunition and keeps its origin */
	json_t *made = json_object_get(out, "lot");
	snprintf(lot_id, sizeof lot_id, "%s", test_str(made, "id"));
	assert_string_equal(test_str(made, "calibre"), "7.62x39mm");
	assert_string_equal(test_str(made, "type"), "ball");
	assert_string_equal(test_str(made, "headstamp"), "71 81");
	assert_string_equal(test_str(made, "manufacturer"), "71");
	assert_int_equal(json_integer_value(json_object_get(made, "year")), 1981);
	assert_string_equal(test_str(made, "lot_number"), "12-81-071");
	assert_string_equal(test_str(made, "condition"), "SUSPENDED");
	assert_int_equal(json_integer_value(json_object_get(made, "rounds")), 700);
	assert_string_equal(test_str(json_object_get(made, "origin"), "recovery_id"), id);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(made, "origin"), "line")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "ammunition"), "remaining")), 300);
	json_decref(out);
	json_t *got;
	assert_int_equal(wam_stock_lot_get(r->db, &got, lot_id), 0);
	assert_string_equal(test_str(json_object_get(got, "origin"), "recovery_id"), id);
	json_decref(got);
	expect_line(r, id, 0, 700, 0, 300);

	/* more than remain: refused, naming rounds and what remains */
	long long before = test_events(r);
	lot = json_pack("{s:i, s:s}", "rounds", 301, "site_id", site);
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "rounds");
	assert_non_null(strstr(wam_error_last()->message, "has 300 rounds remaining; 301 cannot"));
	assert_null(out);
	json_decref(lot);
	/* a field the line gives is not given again; no line; no rounds */
	lot = json_pack("{s:i, s:s, s:s}", "rounds", 1, "site_id", site, "calibre", "9x19mm");
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "calibre");
	json_decref(lot);
	lot = json_pack("{s:i, s:s}", "rounds", 1, "site_id", site);
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 2, lot), WAM_ENOTFOUND);
	assert_string_equal(wam_error_last()->field, "line");
	/* the second line has no lot marks: the depot must number it */
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 1, lot), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "lot_number");
	json_decref(lot);
	lot = json_pack("{s:i, s:s}", "rounds", 0, "site_id", site);
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "rounds");
	json_decref(lot);
	lot = json_pack("{s:i, s:s}", "rounds", 1, "site_id", "NO-SUCH-SITE");
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "site_id");
	json_decref(lot);
	test_unchanged(r, before);
	expect_line(r, id, 0, 700, 0, 300);

	/* listed for destruction: 250 of the 300, then never the rest twice */
	json_t *b = json_pack("{s:s, s:s, s:s}", "method", "CUT", "site", "Range", "date", "2026-05-01");
	assert_int_equal(wam_stock_destruction_open(r->db, &out, b), 0);
	snprintf(batch, sizeof batch, "%s", test_str(out, "id"));
	json_decref(out);
	assert_int_equal(wam_stock_destruction_open(r->db, &out, b), 0);
	snprintf(batch2, sizeof batch2, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(b);
	assert_int_equal(wam_stock_destruction_add_recovered(r->db, NULL, batch, id, 0, 250), 0);
	expect_line(r, id, 0, 700, 250, 50);
	before = test_events(r);
	assert_int_equal(wam_stock_destruction_add_recovered(r->db, NULL, batch2, id, 0, 51), WAM_ECONFLICT);
	assert_string_equal(wam_error_last()->field, "rounds");
	assert_non_null(strstr(wam_error_last()->message, "has 50 rounds remaining; 51 cannot be listed"));
	lot = json_pack("{s:i, s:s}", "rounds", 51, "site_id", site);
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "has 50 rounds remaining; 51 cannot be taken"));
	json_decref(lot);
	assert_int_equal(wam_collection_ammunition_commit(r->db, id, 0, 51, batch2), WAM_ECONFLICT);
	test_unchanged(r, before);
	/* exactly what remains: then nothing remains, and nothing more leaves */
	lot = json_pack("{s:i, s:s, s:s}", "rounds", 50, "site_id", site, "lot_number", "DEPOT-2");
	assert_int_equal(wam_collection_ammunition_stock(r->db, &out, id, 0, lot), 0);
	assert_string_equal(test_str(json_object_get(out, "lot"), "lot_number"), "DEPOT-2");
	json_decref(out);
	json_decref(lot);
	expect_line(r, id, 0, 750, 250, 0);
	before = test_events(r);
	assert_int_equal(wam_stock_destruction_add_recovered(r->db, NULL, batch2, id, 0, 1), WAM_ECONFLICT);
	assert_non_null(strstr(wam_error_last()->message, "has 0 rounds remaining"));
	test_unchanged(r, before);
	/* the line lists both lots it went into */
	assert_int_equal(wam_collection_recovery_get(r->db, &rec, id), 0);
	json_t *lots = json_object_get(json_array_get(json_object_get(rec, "ammunition"), 0), "lots");
	assert_int_equal(json_array_size(lots), 2);
	assert_string_equal(json_string_value(json_array_get(lots, 0)), lot_id);
	json_decref(rec);
	/* the other line is untouched */
	expect_line(r, id, 1, 0, 0, 300);
	test_expect_rebuilt(r,
	                    "SELECT group_concat(x, '|') FROM (SELECT recovery_id||line||quantity||stocked||destroyed"
	                    "||coalesce(lots,'') AS x FROM recovery_ammunition UNION ALL SELECT lot_id||recovery_id"
	                    "||line FROM lot_origins UNION ALL SELECT destruction_id||recovery_id||line||rounds FROM"
	                    " destruction_recovered ORDER BY 1)");

	/* a ledger that takes more than remains does not replay: the projector
	 * refuses the event, so the command alone cannot be bypassed */
	assert_int_equal(wam_db_begin(r->db), 0);
	json_t *p = json_pack("{s:i, s:i, s:s}", "line", 1, "rounds", 301, "batch_id", batch2);
	assert_int_equal(wam_ledger_append(r->db, "recovery.ammunition_destroyed", id, p, NULL), WAM_EINTEGRITY);
	wam_db_rollback(r->db);
	json_decref(p);
	expect_line(r, id, 1, 0, 0, 300);
}

/* The search walks the recoveries' lines with their date, the registry's
 * country and the recovery's site. */
int wam_collection_ammunition_source(wam_db *db, wam_ammunition_visit visit, void *ctx);
static int collect(void *ctx, const wam_ammunition_seen *seen)
{
	json_t *all = ctx;
	json_array_append_new(all, json_pack("{s:s, s:s, s:I, s:s?, s:s?, s:s?, s:O}", "source", seen->source, "id",
	                                     seen->id, "line", (json_int_t)seen->line, "date", seen->date, "country",
	                                     seen->country, "site_id", seen->site_id, "ammunition", seen->ammunition));
	return 0;
}

static void test_ammunition_source(void **state)
{
	test_reg *r = *state;
	json_t *rec = add_recovery(r, CACHE), *all = json_array();
	assert_int_equal(wam_collection_ammunition_source(r->db, collect, all), 0);
	assert_int_equal(json_array_size(all), 2);
	json_t *a = json_array_get(all, 1);
	assert_string_equal(test_str(a, "source"), "recovery");
	assert_string_equal(test_str(a, "id"), test_str(rec, "id"));
	assert_int_equal(json_integer_value(json_object_get(a, "line")), 1);
	assert_string_equal(test_str(a, "date"), "2026-04-10");
	assert_string_equal(test_str(a, "country"), "HT");
	assert_true(json_is_null(json_object_get(a, "site_id")));
	assert_string_equal(test_str(json_object_get(json_object_get(a, "ammunition"), "headstamp"), "text"), "٣٠ ٨٤");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "ammunition"), "quantity")), 300);
	json_decref(all);
	json_decref(rec);
}

/* A recovery keeps the sex and age band of its person (beside the
 * pseudonym, never the name) and its legal justification; one recorded
 * without them has no recovery_details row and shows each not_recorded; a
 * bad word is refused naming its field and writes nothing; a description
 * given later is one recovery.described event that changes only what it
 * gives; the ledger verifies and replays to the same rows. */
static void test_people_data_kept_described_and_replayed(void **state)
{
	test_reg *r = *state;
	json_t *in = test_json(RECOVERY), *out = NULL;
	json_object_set_new(in, "person_sex", json_string("Female"));
	json_object_set_new(in, "person_age_band", json_string("18-24"));
	json_object_set_new(in, "legal_justification", json_string("illicit_possession"));
	assert_int_equal(wam_collection_recovery_add(r->db, &out, in), 0);
	assert_string_equal(test_str(out, "person_sex"), "female");
	assert_string_equal(test_str(out, "person_age_band"), "18_24");
	assert_string_equal(test_str(out, "legal_justification"), "illicit_possession");
	char *shown = json_dumps(out, 0);
	assert_null(strstr(shown, "Jean-Baptiste")); /* the name is nowhere */
	free(shown);
	char id[40];
	snprintf(id, sizeof id, "%s", test_str(out, "id"));
	json_decref(out);
	json_decref(in);
	assert_int_equal(test_count(r, "SELECT count(*) FROM events WHERE payload LIKE '%Jean-Baptiste%'"), 0);

	/* one recorded without them: no row, every field not_recorded */
	json_t *plain = add_recovery(r, "{\"type\": \"found\", \"date\": \"2026-03-02\", \"officer\": \"X\","
	                                " \"weapons\": [{\"category\": \"SA1\", \"serial\": \"PD-1\"}]}");
	char pid[40];
	snprintf(pid, sizeof pid, "%s", test_str(plain, "id"));
	assert_string_equal(test_str(plain, "person_sex"), "not_recorded");
	assert_string_equal(test_str(plain, "person_age_band"), "not_recorded");
	assert_string_equal(test_str(plain, "legal_justification"), "not_recorded");
	json_decref(plain);
	assert_int_equal(test_count(r, "SELECT count(*) FROM recovery_details"), 1);

	/* a bad word: refused naming the field, nothing written */
	long long events = test_events(r);
	const char *bad[][2] = {
	    {"person_sex", "woman"}, {"person_age_band", "18_25"}, {"legal_justification", "theft"}};
	for (size_t k = 0; k < 3; k++) {
		json_t *b = test_json(RECOVERY);
		json_object_set_new(b, bad[k][0], json_string(bad[k][1]));
		assert_int_equal(wam_collection_recovery_add(r->db, &out, b), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, bad[k][0]);
		assert_non_null(strstr(wam_error_last()->message, bad[k][1]));
		json_decref(b);
		json_t *d = json_pack("{s:s}", bad[k][0], bad[k][1]);
		assert_int_equal(wam_collection_recovery_describe(r->db, &out, pid, d), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, bad[k][0]);
		json_decref(d);
	}
	json_t *none = json_object(), *other = json_pack("{s:s}", "person", "someone");
	assert_int_equal(wam_collection_recovery_describe(r->db, &out, pid, none), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "person_sex");
	assert_int_equal(wam_collection_recovery_describe(r->db, &out, pid, other), WAM_EINVAL); /* never a name */
	assert_int_equal(wam_collection_recovery_describe(r->db, &out, "01NOSUCHRECOVERY0000000000", none),
	                 WAM_ENOTFOUND);
	json_decref(none);
	json_decref(other);
	test_unchanged(r, events);

	/* described later: one event; what it does not give stays */
	json_t *d = json_pack("{s:s}", "person_age_band", "60_plus");
	assert_int_equal(wam_collection_recovery_describe(r->db, &out, pid, d), 0);
	assert_string_equal(test_str(out, "person_age_band"), "60_plus");
	assert_string_equal(test_str(out, "person_sex"), "not_recorded");
	assert_string_equal(test_str(out, "legal_justification"), "not_recorded");
	json_decref(out);
	json_decref(d);
	assert_int_equal(test_events(r), events + 1);
	assert_int_equal(test_count(r, "SELECT count(*) FROM events WHERE type='recovery.described'"), 1);
	d = json_pack("{s:s, s:s}", "person_sex", "male", "legal_justification", "voluntary_surrender");
	assert_int_equal(wam_collection_recovery_describe(r->db, &out, id, d), 0);
	assert_string_equal(test_str(out, "person_sex"), "male");
	assert_string_equal(test_str(out, "person_age_band"), "18_24");
	assert_string_equal(test_str(out, "legal_justification"), "voluntary_surrender");
	json_decref(out);
	json_decref(d);
	assert_int_equal(test_events(r), events + 2);

	/* the list shows them too */
	json_t *all = NULL;
	assert_int_equal(wam_collection_recovery_list(r->db, &all), 0);
	size_t i;
	json_t *row;
	int seen = 0;
	json_array_foreach(all, i, row)
	{
		if (!strcmp(test_str(row, "id"), pid)) {
			assert_string_equal(test_str(row, "person_age_band"), "60_plus");
			seen++;
		}
	}
	assert_int_equal(seen, 1);
	json_decref(all);

	/* the vocabulary offers exactly the words taken */
	json_t *v = NULL;
	assert_int_equal(wam_collection_vocabulary(&v), 0);
	assert_int_equal(json_array_size(json_object_get(v, "person_sexes")), 4);
	assert_int_equal(json_array_size(json_object_get(v, "person_age_bands")), 6);
	assert_int_equal(json_array_size(json_object_get(v, "legal_justifications")), 9);
	json_decref(v);

	test_expect_rebuilt(r, "SELECT group_concat(x, '|') FROM (SELECT recovery_id||coalesce(legal_justification,'-')"
	                       "||sex||age_band||last_seq AS x FROM recovery_details UNION ALL"
	                       " SELECT id||last_seq FROM recoveries ORDER BY 1)");
	assert_int_equal(test_count(r, "SELECT count(*) FROM recovery_details"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST_IN_HT(test_recovery_registers_weapons_and_opens_a_task),
	    TEST_IN_HT(test_same_person_same_pseudonym),
	    TEST_IN_HT(test_obliterated_weapon_opens_task_and_marking_closes_it),
	    TEST_IN_HT(test_handovers_listed_in_order),
	    TEST_IN_HT(test_same_photo_stored_once),
	    TEST_IN_HT(test_bad_recovery_writes_nothing),
	    TEST_IN_HT(test_known_weapon_recovered),
	    TEST_IN_HT(test_recovery_shows_its_hits),
	    TEST_IN_HT(test_recovery_holds_ammunition),
	    TEST_IN_HT(test_bad_ammunition_writes_nothing),
	    TEST_IN_HT(test_remaining_never_below_zero),
	    TEST_IN_HT(test_ammunition_source),
	    TEST_IN_HT(test_people_data_kept_described_and_replayed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
