/* The monitoring room's outputs (docs/monitoring.md): evidence packs — one
 * verifies in a second registry that trusts the first, and with only the
 * signer's public key; any byte changed in any file, a file missing or a
 * file added is named; a redacted pack carries no source identity in any
 * of its bytes — profiles of an actor and of a country, and the report to
 * a committee. */
#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "wam/ledger.h"
#include "wam/monitoring.h"
#include "wam/trace.h"
#include "wam/transfers.h"

#define IDENTITY "Amadou Zakaria Witness-Quill"
#define SOURCE_REF "CELL-REF-7731"
#define SOURCE_NOTE "met behind the Bozoum mill"

typedef struct world {
	test_reg a;
	char obs1[WAM_ID_LEN + 1], obs2[WAM_ID_LEN + 1], finding[WAM_ID_LEN + 1];
	char pack[256];
} world;

static json_t *fmt_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *fmt_json(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return test_json(buf);
}

static void photo(test_reg *r, char hash[65], unsigned char seed)
{
	unsigned char png[64] = "\x89PNG\r\n\x1a\n";
	for (size_t i = 8; i < sizeof png; i++)
		png[i] = (unsigned char)(seed * 7 + i);
	json_t *out = NULL;
	assert_int_equal(wam_photo_add(r->db, &out, png, sizeof png, "image/png"), 0);
	snprintf(hash, 65, "%s", test_str(out, "hash"));
	json_decref(out);
}

static void observation(test_reg *r, char id[WAM_ID_LEN + 1], const char *json)
{
	json_t *in = test_json(json), *out = NULL;
	if (wam_monitoring_observation_add(r->db, &out, in))
		fail_msg("observation: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(in);
	json_decref(out);
}

static void finding(test_reg *r, char id[WAM_ID_LEN + 1], const char *json, const char *l1, const char *l2)
{
	json_t *in = test_json(json), *out = NULL;
	if (wam_monitoring_finding_add(r->db, &out, in))
		fail_msg("finding: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	snprintf(id, WAM_ID_LEN + 1, "%s", test_str(out, "id"));
	json_decref(out);
	out = NULL;
	if (l1)
		assert_int_equal(wam_monitoring_finding_link(r->db, &out, id, l1, NULL), 0);
	json_decref(out);
	out = NULL;
	if (l2)
		assert_int_equal(wam_monitoring_finding_link(r->db, &out, id, l2, NULL), 0);
	json_decref(out);
	json_decref(in);
}

/* Two observations of the same rifle in two provinces, each on an
 * independent source, and a finding on both, corroborated. */
static int setup(void **state)
{
	world *w = calloc(1, sizeof *w);
	char p1[65], p2[65], p3[65];
	test_reg_create(&w->a, "CF");
	photo(&w->a, p1, 1);
	photo(&w->a, p2, 2);
	photo(&w->a, p3, 3);
	json_t *in = fmt_json(
	    "{\"kind\":\"armoury_inspection\",\"observed_at\":\"2026-01-10\",\"place\":{\"admin_area\":\"Ouham-Pendé\","
	    "\"country\":\"CF\"},\"unit\":\"Cell\",\"officer\":\"M. N\",\"actor\":{\"kind\":\"armed_group\",\"name\":"
	    "\"Front d'essai\"},\"sources\":[{\"type\":\"witness\",\"independent\":true,\"reliability\":\"B\","
	    "\"credibility\":2,\"ref\":\"" SOURCE_REF "\",\"identity\":\"" IDENTITY "\",\"description\":\"" SOURCE_NOTE
	    "\"}],\"items\":[{\"kind\":\"weapon\",\"make\":\"Zastava\",\"model\":\"M70\",\"category\":\"SA4\","
	    "\"serial\":\"BZ 47213\",\"country\":\"RS\",\"year\":2009,\"markings\":[{\"component\":\"frame_receiver\","
	    "\"kind\":\"serial\",\"text\":\"BZ 47213\"}],\"photos\":[\"%s\"]},{\"kind\":\"ammunition\",\"calibre\":"
	    "\"7.62x39mm\",\"headstamp\":{\"text\":\"71 19\",\"factory\":\"71\",\"year\":2019},\"lot\":\"L-19\","
	    "\"quantity\":880,\"photos\":[\"%s\"]}],\"documents\":[],\"photos\":[]}",
	    p1, p2);
	char *s = json_dumps(in, 0);
	observation(&w->a, w->obs1, s);
	free(s);
	json_decref(in);
	in = fmt_json("{\"kind\":\"cache_recovery\",\"observed_at\":\"2026-02-20\",\"place\":{\"admin_area\":"
	              "\"Nana-Grébizi\",\"country\":\"CF\"},\"unit\":\"Cell\",\"officer\":\"M. N\",\"actor\":{\"kind\":"
	              "\"armed_group\",\"name\":\"Front d'essai\"},\"sources\":[{\"type\":\"physical_inspection\","
	              "\"independent\":true,\"reliability\":\"A\",\"credibility\":1,\"ref\":\"PI-2\"}],\"items\":[{"
	              "\"kind\":\"weapon\",\"make\":\"Zastava\",\"category\":\"SA4\",\"serial\":\"BZ 47213\","
	              "\"country\":\"RS\",\"year\":2009,\"markings\":[],\"photos\":[\"%s\"]},{\"kind\":\"ammunition\","
	              "\"calibre\":\"7.62x39mm\",\"headstamp\":{\"text\":\"71 19\",\"factory\":\"71\",\"year\":2019},"
	              "\"lot\":\"L-19\",\"quantity\":440,\"photos\":[]}],\"documents\":[],\"photos\":[]}",
	              p3);
	s = json_dumps(in, 0);
	observation(&w->a, w->obs2, s);
	free(s);
	json_decref(in);
	finding(&w->a, w->finding,
	        "{\"statement\":\"Rifles moved between provinces\",\"actor\":{\"kind\":\"armed_group\",\"name\":"
	        "\"Front d'essai\"},\"period\":{\"from\":\"2026-01-01\",\"to\":\"2026-01-31\"},\"country\":\"CF\"}",
	        w->obs1, w->obs2);
	json_t *out = NULL;
	if (wam_monitoring_finding_corroborate(w->a.db, &out, w->finding))
		fail_msg("corroborate: %s", wam_error_last()->message);
	json_decref(out);
	snprintf(w->pack, sizeof w->pack, "%s/pack.wep", w->a.dir);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	test_reg_destroy(&w->a);
	free(w);
	return 0;
}

static void pack(world *w, const char *path, unsigned flags)
{
	json_t *out = NULL;
	if (wam_monitoring_evidence_pack(w->a.db, &out, w->finding, path, flags))
		fail_msg("pack: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	assert_true(json_integer_value(json_object_get(out, "files")) >= 7);
	json_decref(out);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *p = malloc((size_t)size + 1);
	assert_int_equal(fread(p, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*n = (size_t)size;
	return p;
}

/* ---- a tar rewritten as a tamperer would ---- */

typedef struct entry {
	char path[256];
	unsigned char *p;
	size_t n;
	time_t mtime;
} entry;

static size_t read_entries(const unsigned char *bytes, size_t n, entry *out, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t k = 0;
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_memory(a, bytes, n), ARCHIVE_OK);
	while (k < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		snprintf(out[k].path, sizeof out[k].path, "%s", archive_entry_pathname(e));
		out[k].n = (size_t)archive_entry_size(e);
		out[k].mtime = archive_entry_mtime(e);
		out[k].p = malloc(out[k].n + 1);
		assert_int_equal(archive_read_data(a, out[k].p, out[k].n), (la_ssize_t)out[k].n);
		k++;
	}
	archive_read_free(a);
	return k;
}

/* The entries as a tar in memory (`*n` bytes), leaving out `skip` (or
 * none) and adding `extra` (or none), written as a pack is (so that the
 * same entries give the same bytes). */
static unsigned char *write_entries(const entry *es, size_t k, const char *skip, const entry *extra, size_t *n)
{
	size_t cap = 8u << 20, used = 0;
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax(a);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i <= k; i++) {
		const entry *x = i < k ? &es[i] : extra;
		if (!x || (skip && !strcmp(x->path, skip)))
			continue;
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, x->path);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)x->n);
		archive_entry_set_mtime(e, x->mtime, 0);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, x->p, x->n), (la_ssize_t)x->n);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	*n = used;
	return buf;
}

static void free_entries(entry *es, size_t k)
{
	for (size_t i = 0; i < k; i++)
		free(es[i].p);
}

static json_t *verify_bytes(wam_db *db, const unsigned char *p, size_t n, const char *key)
{
	json_t *out = NULL;
	if (wam_monitoring_evidence_verify(db, &out, NULL, p, n, key))
		fail_msg("verify: %s", wam_error_last()->message);
	return out;
}

/* The verdict is not valid and a problem names `file` (as `kind` unless NULL). */
static void names(const json_t *v, const char *file, const char *kind)
{
	size_t i;
	json_t *p;
	assert_false(json_is_true(json_object_get(v, "valid")));
	json_array_foreach(json_object_get(v, "problems"), i, p)
	{
		if (!strcmp(test_str(p, "file"), file) && (!kind || !strcmp(test_str(p, "problem"), kind)))
			return;
	}
	char *s = json_dumps(v, JSON_INDENT(1));
	fail_msg("no problem names %s (%s) in %s", file, kind ? kind : "any", s);
}

/* ---- tests ---- */

static void pack_verifies_here_in_a_peer_and_with_the_key(void **state)
{
	world *w = *state;
	/* the rifle of the first observation traced: its request travels too */
	json_t *details = test_json("{\"requesting\":{\"state\":\"CF\",\"agency\":\"Panel\",\"contact\":{\"name\":"
	                            "\"Expert\",\"email\":\"e@example.org\"}},\"requested\":{\"state\":\"RS\"},"
	                            "\"justification\":\"seen in a cache of an armed group under embargo\","
	                            "\"illicit_reason\":\"embargo_violation\",\"intended_use\":\"Panel report\","
	                            "\"confidentiality\":\"unclassified\"}"),
	       *req = NULL;
	if (wam_monitoring_observation_trace(w->a.db, &req, w->obs1, 0, details))
		fail_msg("trace: %s (%s)", wam_error_last()->message, wam_error_last()->field);
	char trace_file[64];
	snprintf(trace_file, sizeof trace_file, "traces/%s.json", test_str(req, "id"));
	json_decref(details);
	long long before = test_events(&w->a);
	pack(w, w->pack, WAM_EVIDENCE_REDACT_SOURCES);
	/* one event, evidence.packed: a redacted pack opens no identity, so
	 * logs no read of one */
	assert_int_equal(test_events(&w->a), before + 1);
	assert_int_equal(test_count(&w->a, "SELECT count(*) FROM events WHERE type='evidence.packed'"
	                                   " AND json_extract(payload,'$.redacted')=1"),
	                 1);
	/* a profile and a report open none either */
	json_t *x = NULL;
	assert_int_equal(wam_monitoring_profile_actor(w->a.db, &x, "Front d'essai"), 0);
	json_decref(x);
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &x, NULL, "2026-01-01", "2026-12-31"), 0);
	json_decref(x);
	assert_int_equal(test_events(&w->a), before + 1);
	/* what it holds: the finding, both observations, the trace request,
	 * the photos, the custody of each by its events */
	size_t n;
	entry es[64];
	unsigned char *raw = slurp(w->pack, &n);
	size_t k = read_entries(raw, n, es, 64);
	const char *want[] = {"finding.json", "manifest.json", "signature.json", "custody.json", trace_file, NULL};
	for (const char **p = want; *p; p++) {
		size_t i = 0;
		while (i < k && strcmp(es[i].path, *p))
			i++;
		if (i == k)
			fail_msg("the pack has no %s", *p);
	}
	int photos = 0, observations = 0;
	json_t *custody = NULL;
	for (size_t i = 0; i < k; i++) {
		photos += !strncmp(es[i].path, "photos/", 7);
		observations += !strncmp(es[i].path, "observations/", 13);
		if (!strcmp(es[i].path, "custody.json"))
			custody = json_loadb((char *)es[i].p, es[i].n, 0, NULL);
	}
	assert_int_equal(photos, 3);
	assert_int_equal(observations, 2);
	char *cs = json_dumps(custody, JSON_COMPACT);
	assert_non_null(strstr(cs, test_str(req, "id")));
	assert_non_null(strstr(cs, "\"type\":\"finding.corroborated\""));
	assert_null(strstr(cs, "payload"));
	free(cs);
	json_decref(custody);
	json_decref(req);
	free_entries(es, k);
	free(raw);
	json_t *v = NULL, *node = NULL, *peer = NULL;
	assert_int_equal(wam_monitoring_evidence_verify(w->a.db, &v, w->pack, NULL, 0, NULL), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	assert_true(json_is_true(json_object_get(json_object_get(v, "signer"), "trusted")));
	assert_string_equal(test_str(json_object_get(v, "finding"), "id"), w->finding);
	json_decref(v);

	/* a second registry: not trusted until it trusts the first as a peer */
	test_reg b;
	test_reg_create(&b, "NL");
	assert_int_equal(wam_monitoring_evidence_verify(b.db, &v, w->pack, NULL, 0, NULL), 0);
	names(v, "signature.json", "signature");
	json_decref(v);
	assert_int_equal(wam_trace_node(w->a.db, &node), 0);
	json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "name", "Mission registry", "country", "CF", "node_id",
	                       test_str(node, "node_id"), "public_key", test_str(node, "public_key"));
	/* only the public key: valid, not a trusted signer */
	assert_int_equal(wam_monitoring_evidence_verify(b.db, &v, w->pack, NULL, 0, test_str(node, "public_key")), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	assert_false(json_is_true(json_object_get(json_object_get(v, "signer"), "trusted")));
	json_decref(v);
	assert_int_equal(wam_trace_peer_add(b.db, &peer, in), 0);
	assert_int_equal(wam_monitoring_evidence_verify(b.db, &v, w->pack, NULL, 0, NULL), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	assert_true(json_is_true(json_object_get(json_object_get(v, "signer"), "trusted")));
	json_decref(v);
	/* another key named explicitly does not verify it */
	assert_int_equal(
	    wam_monitoring_evidence_verify(b.db, &v, w->pack, NULL, 0,
	                                   "0000000000000000000000000000000000000000000000000000000000000001"),
	    0);
	names(v, "signature.json", "signature");
	json_decref(v);
	json_decref(in);
	json_decref(node);
	json_decref(peer);
	test_reg_destroy(&b);
}

/* A pack is never written over the registry, its -wal, its keys or into
 * its photo store — by name, by another name of the same file, or through
 * a link — and nothing is logged when it is refused. */
static void pack_refuses_the_registrys_own_files(void **state)
{
	world *w = *state;
	const char *suffix[] = {"", "-wal", ".key", ".pseudonym.key", ".photos/new.wep", ".photos", NULL};
	char path[512], link[512], dir[256];
	long long before = test_events(&w->a);
	for (const char **s = suffix; *s; s++) {
		snprintf(path, sizeof path, "%s%s", w->a.path, *s);
		size_t n0 = 0, n1 = 0;
		unsigned char *b0 = access(path, F_OK) || !strcmp(*s, ".photos") ? NULL : slurp(path, &n0);
		json_t *out = NULL;
		assert_int_equal(wam_monitoring_evidence_pack(w->a.db, &out, w->finding, path, 0), WAM_EINVAL);
		assert_string_equal(wam_error_last()->field, "out");
		assert_null(out);
		if (b0) { /* untouched */
			unsigned char *b1 = slurp(path, &n1);
			assert_int_equal(n0, n1);
			assert_memory_equal(b0, b1, n0);
			free(b1);
		}
		free(b0);
	}
	/* another name of the registry: through "./" and its directory */
	snprintf(dir, sizeof dir, "%s", w->a.path);
	*strrchr(dir, '/') = '\0';
	snprintf(path, sizeof path, "%s/./%s.key", dir, strrchr(w->a.path, '/') + 1);
	assert_int_equal(wam_monitoring_evidence_pack(w->a.db, NULL, w->finding, path, 0), WAM_EINVAL);
	/* a link to the pseudonym key */
	snprintf(link, sizeof link, "%s/innocent.wep", dir);
	snprintf(path, sizeof path, "%s.pseudonym.key", w->a.path);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(wam_monitoring_evidence_pack(w->a.db, NULL, w->finding, link, 0), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "out");
	assert_int_equal(test_events(&w->a), before);
	/* the registry is whole */
	wam_verify_report vr;
	assert_int_equal(wam_ledger_verify(w->a.db, 0, &vr), 0);
	assert_true(vr.intact);
	/* beside it, a pack is written */
	unlink(link);
	pack(w, link, 0);
}

static void any_byte_changed_names_its_file(void **state)
{
	world *w = *state;
	entry es[64], changed;
	size_t n, m;
	pack(w, w->pack, 0);
	unsigned char *raw = slurp(w->pack, &n);
	size_t k = read_entries(raw, n, es, 64);
	assert_true(k >= 8);
	for (size_t i = 0; i < k; i++) {
		/* each member in turn, a byte at its start, middle and end */
		size_t at[3] = {0, es[i].n / 2, es[i].n - 1};
		for (int j = 0; j < 3; j++) {
			es[i].p[at[j]] ^= 0x01;
			unsigned char *t = write_entries(es, k, NULL, NULL, &m);
			json_t *v = NULL;
			int rc = wam_monitoring_evidence_verify(w->a.db, &v, NULL, t, m, NULL);
			if (!strcmp(es[i].path, "manifest.json") && rc) /* a manifest no longer JSON: not a pack */
				assert_int_equal(rc, WAM_EINVAL);
			else {
				assert_int_equal(rc, 0);
				names(v, es[i].path, NULL);
			}
			json_decref(v);
			free(t);
			es[i].p[at[j]] ^= 0x01;
		}
	}
	/* unchanged, the rewritten tar is valid: the changes above were the cause */
	unsigned char *t = write_entries(es, k, NULL, NULL, &m);
	json_t *v = verify_bytes(w->a.db, t, m, NULL);
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_decref(v);
	free(t);
	/* a file missing */
	const char *gone = NULL;
	for (size_t i = 0; i < k; i++)
		if (!strncmp(es[i].path, "photos/", 7))
			gone = es[i].path;
	assert_non_null(gone);
	t = write_entries(es, k, gone, NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, gone, "missing");
	assert_int_equal(json_array_size(json_object_get(v, "problems")), 1);
	json_decref(v);
	free(t);
	/* the signature missing */
	t = write_entries(es, k, "signature.json", NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "signature.json", "missing");
	assert_int_equal(json_array_size(json_object_get(v, "problems")), 1);
	json_decref(v);
	free(t);
	/* a file added */
	snprintf(changed.path, sizeof changed.path, "observations/planted.json");
	changed.p = (unsigned char *)strdup("{\"id\":\"planted\"}");
	changed.n = strlen((char *)changed.p);
	changed.mtime = es[0].mtime;
	t = write_entries(es, k, NULL, &changed, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "observations/planted.json", "unexpected");
	assert_int_equal(json_array_size(json_object_get(v, "problems")), 1);
	json_decref(v);
	free(t);
	free(changed.p);
	/* a manifest rewritten to cover a changed file, its hash put in the
	 * signature document: the signature over it fails */
	for (size_t i = 0; i < k; i++)
		if (!strcmp(es[i].path, "manifest.json")) {
			json_t *man = json_loadb((char *)es[i].p, es[i].n, 0, NULL), *sig = NULL;
			json_object_set_new(man, "finding_id", json_string("01HZZZZZZZZZZZZZZZZZZZZZZZ"));
			char *s = json_dumps(man, JSON_INDENT(2) | JSON_SORT_KEYS);
			free(es[i].p);
			es[i].p = (unsigned char *)s;
			es[i].n = strlen(s);
			unsigned char h[32];
			char hex[65];
			crypto_generichash(h, sizeof h, es[i].p, es[i].n, NULL, 0);
			wam_hex(hex, h, sizeof h);
			for (size_t j = 0; j < k; j++)
				if (!strcmp(es[j].path, "signature.json")) {
					sig = json_loadb((char *)es[j].p, es[j].n, 0, NULL);
					json_object_set_new(sig, "manifest_blake2b", json_string(hex));
					free(es[j].p);
					es[j].p = (unsigned char *)json_dumps(sig, JSON_INDENT(2) | JSON_SORT_KEYS);
					es[j].n = strlen((char *)es[j].p);
				}
			json_decref(man);
			json_decref(sig);
		}
	t = write_entries(es, k, NULL, NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "signature.json", "signature");
	json_decref(v);
	free(t);
	/* not a tar at all: not a pack */
	assert_int_equal(wam_monitoring_evidence_verify(w->a.db, &v, NULL, "hello", 5, NULL), WAM_EINVAL);
	assert_null(v);
	/* a tar with no manifest: a verdict naming it */
	t = write_entries(es, k, "manifest.json", NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "manifest.json", "missing");
	json_decref(v);
	free(t);
	/* unpacked and packed again with "./" names: each file read and named,
	 * the renaming a problem of its own */
	entry dot[64];
	for (size_t i = 0; i < k; i++) {
		dot[i] = es[i];
		snprintf(dot[i].path, sizeof dot[i].path, "./%.250s", es[i].path);
	}
	t = write_entries(dot, k, NULL, NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "finding.json", "renamed");
	names(v, "(archive)", "altered");
	size_t i;
	json_t *pr;
	json_array_foreach(json_object_get(v, "problems"), i, pr)
	{
		assert_string_not_equal(test_str(pr, "problem"), "missing"); /* every file found */
	}
	json_decref(v);
	free(t);
	free_entries(es, k);
	free(raw);
}

/* Must-hold 9 over the archive itself: every single byte of a pack
 * flipped is refused — a verdict not valid (naming what), or bad input
 * where the archive no longer reads as one — and so is anything appended
 * after its end, a member's metadata changed, or a hex digit's case. */
static void every_byte_of_a_pack_is_covered(void **state)
{
	world *w = *state;
	char small[WAM_ID_LEN + 1], path[256];
	finding(&w->a, small, "{\"statement\":\"One pack, every byte\"}", NULL, NULL);
	snprintf(path, sizeof path, "%s/small.wep", w->a.dir);
	json_t *out = NULL, *v = NULL;
	assert_int_equal(wam_monitoring_evidence_pack(w->a.db, &out, small, path, WAM_EVIDENCE_REDACT_SOURCES), 0);
	json_decref(out);
	size_t n, verdicts = 0, refused_input = 0;
	unsigned char *raw = slurp(path, &n);
	v = verify_bytes(w->a.db, raw, n, NULL);
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_decref(v);
	for (size_t i = 0; i < n; i++) {
		raw[i] ^= 0x01;
		v = NULL;
		int rc = wam_monitoring_evidence_verify(w->a.db, &v, NULL, raw, n, NULL);
		if (rc) {
			if (rc != WAM_EINVAL)
				fail_msg("byte %zu flipped: rc %d (%s)", i, rc, wam_error_last()->message);
			refused_input++;
		} else {
			if (json_is_true(json_object_get(v, "valid")))
				fail_msg("byte %zu of %zu flipped and the pack is valid", i, n);
			assert_true(json_array_size(json_object_get(v, "problems")) > 0);
			verdicts++;
		}
		json_decref(v);
		raw[i] ^= 0x01;
	}
	/* only a first header no longer read as one is not a pack at all */
	assert_true(refused_input <= 512);
	assert_true(verdicts >= n - 512);
	/* a forged finding.json appended as a second archive after the end */
	entry forged = {.path = "finding.json", .p = (unsigned char *)"{\"statement\":\"forged\"}", .n = 22};
	size_t m;
	unsigned char *tail = write_entries(&forged, 1, NULL, NULL, &m);
	unsigned char *both = malloc(n + m);
	memcpy(both, raw, n);
	memcpy(both + n, tail, m);
	v = verify_bytes(w->a.db, both, n + m, NULL);
	names(v, "(archive)", "altered");
	json_decref(v);
	/* zeros appended (padding), in memory and in the file */
	memset(both + n, 0, m);
	v = verify_bytes(w->a.db, both, n + 512, NULL);
	names(v, "(archive)", "altered");
	json_decref(v);
	FILE *f = fopen(path, "ab");
	assert_int_equal(fwrite(tail, 1, m, f), m);
	fclose(f);
	assert_int_equal(wam_monitoring_evidence_verify(w->a.db, &v, path, NULL, 0, NULL), 0);
	names(v, "(archive)", "altered");
	json_decref(v);
	free(both);
	free(tail);
	/* a member's time changed, the rest as it was */
	entry es[16];
	size_t k = read_entries(raw, n, es, 16);
	es[0].mtime += 3600;
	unsigned char *t = write_entries(es, k, NULL, NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "(archive)", "altered");
	assert_int_equal(json_array_size(json_object_get(v, "problems")), 1);
	json_decref(v);
	free(t);
	es[0].mtime -= 3600;
	/* one hex digit of the signature in uppercase: the same value, another byte */
	for (size_t i = 0; i < k; i++)
		if (!strcmp(es[i].path, "signature.json")) {
			unsigned char *at = memmem(es[i].p, es[i].n, "\"signature\": \"", 14);
			assert_non_null(at);
			for (at += 14; *at != '"'; at++)
				if (*at >= 'a' && *at <= 'f') {
					*at = (unsigned char)(*at - 32);
					break;
				}
		}
	t = write_entries(es, k, NULL, NULL, &m);
	v = verify_bytes(w->a.db, t, m, NULL);
	names(v, "signature.json", "altered");
	json_decref(v);
	free(t);
	free_entries(es, k);
	free(raw);
}

static bool holds(const unsigned char *p, size_t n, const char *s)
{
	return memmem(p, n, s, strlen(s)) != NULL;
}

static void redacted_pack_holds_no_source_identity(void **state)
{
	world *w = *state;
	char plain[256], red[256];
	size_t n;
	snprintf(plain, sizeof plain, "%s/plain.wep", w->a.dir);
	snprintf(red, sizeof red, "%s/redacted.wep", w->a.dir);
	/* the owner packs unredacted: the identity is in (so the search below
	 * would find it) */
	pack(w, plain, 0);
	unsigned char *p = slurp(plain, &n);
	assert_true(holds(p, n, IDENTITY));
	free(p);
	pack(w, red, WAM_EVIDENCE_REDACT_SOURCES);
	p = slurp(red, &n);
	assert_false(holds(p, n, IDENTITY));
	assert_false(holds(p, n, "Witness-Quill"));
	assert_false(holds(p, n, SOURCE_REF));
	assert_false(holds(p, n, SOURCE_NOTE));
	/* the sealed identity (as the ledger keeps it) does not travel either */
	char *sealed = test_query_text(w->a.db->conn,
	                               "SELECT json_extract(payload,'$.sources[0].identity_sealed') FROM events WHERE "
	                               "type='observation.recorded' ORDER BY seq LIMIT 1");
	if (*sealed)
		assert_false(holds(p, n, sealed));
	free(sealed);
	/* the grade and type stay */
	assert_true(holds(p, n, "\"reliability\": \"B\""));
	assert_true(holds(p, n, "\"type\": \"witness\""));
	json_t *v = NULL;
	assert_int_equal(wam_monitoring_evidence_verify(w->a.db, &v, red, NULL, 0, NULL), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_decref(v);
	free(p);
	/* a pack of what is not a finding writes nothing */
	long long before = test_events(&w->a);
	char none[256];
	snprintf(none, sizeof none, "%s/none.wep", w->a.dir);
	assert_int_equal(wam_monitoring_evidence_pack(w->a.db, &v, "01HZZZZZZZZZZZZZZZZZZZZZZZ", none, 0),
	                 WAM_ENOTFOUND);
	assert_int_equal(test_events(&w->a), before);
	assert_null(fopen(none, "rb"));
}

/* A redacted pack carries no other finding's statement, no link to an
 * observation outside it, and no read of a source in its custody. */
static void redacted_pack_holds_nothing_beyond_its_finding(void **state)
{
	world *w = *state;
	char other[WAM_ID_LEN + 1], draft[WAM_ID_LEN + 1], plain[256], red[256];
	/* the same rifle seen a third time, in no finding of the pack */
	observation(&w->a, other,
	            "{\"kind\":\"market\",\"observed_at\":\"2026-03-02\",\"place\":{\"country\":\"CF\"},"
	            "\"unit\":\"Cell\",\"officer\":\"M. N\",\"sources\":[{\"type\":\"media\",\"independent\":true,"
	            "\"reliability\":\"C\",\"credibility\":3}],\"items\":[{\"kind\":\"weapon\",\"make\":\"Zastava\","
	            "\"category\":\"SA4\",\"serial\":\"BZ 47213\",\"markings\":[],\"photos\":[]}],\"documents\":[],"
	            "\"photos\":[]}");
	finding(&w->a, draft, "{\"statement\":\"SECRET DRAFT of another inquiry\"}", w->obs1, NULL);
	/* the owner opens the source: a record.read is logged */
	json_t *o = NULL;
	assert_int_equal(wam_monitoring_observation_get(w->a.db, &o, w->obs1), 0);
	size_t i, n;
	json_t *l;
	bool linked = false;
	json_array_foreach(json_object_get(o, "links"), i, l) linked |= !strcmp(test_str(l, "observation_id"), other);
	assert_true(linked);
	json_decref(o);
	snprintf(plain, sizeof plain, "%s/plain.wep", w->a.dir);
	snprintf(red, sizeof red, "%s/red.wep", w->a.dir);
	pack(w, plain, 0);
	pack(w, red, WAM_EVIDENCE_REDACT_SOURCES);
	unsigned char *p = slurp(plain, &n);
	assert_true(holds(p, n, "SECRET DRAFT")); /* the search below would find them */
	assert_true(holds(p, n, other));
	assert_true(holds(p, n, "record.read"));
	free(p);
	p = slurp(red, &n);
	assert_false(holds(p, n, "SECRET DRAFT"));
	assert_false(holds(p, n, draft));
	assert_false(holds(p, n, other));
	assert_false(holds(p, n, "record.read"));
	/* the link between the two observations in the pack stays */
	entry es[64];
	size_t k = read_entries(p, n, es, 64);
	char name[64];
	snprintf(name, sizeof name, "observations/%s.json", w->obs1);
	for (i = 0; i < k; i++)
		if (!strcmp(es[i].path, name)) {
			json_t *obs = json_loadb((char *)es[i].p, es[i].n, 0, NULL);
			assert_null(json_object_get(obs, "findings"));
			assert_true(json_array_size(json_object_get(obs, "links")) > 0);
			json_array_foreach(json_object_get(obs, "links"), n, l)
			    assert_string_equal(test_str(l, "observation_id"), w->obs2);
			json_decref(obs);
		}
	free_entries(es, k);
	free(p);
	json_t *v = NULL;
	assert_int_equal(wam_monitoring_evidence_verify(w->a.db, &v, red, NULL, 0, NULL), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	json_decref(v);
}

static const json_t *row_of(const json_t *rows, const char *key)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) if (!strcmp(test_str(r, "key"), key)) return r;
	fail_msg("no row %s", key);
	return NULL;
}

static void profiles_count_and_drill_down(void **state)
{
	world *w = *state;
	json_t *p = NULL;
	assert_int_equal(wam_monitoring_profile_actor(w->a.db, &p, "Front d'essai"), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "observations")), 2);
	assert_string_equal(test_str(p, "first_seen"), "2026-01-10");
	assert_string_equal(test_str(p, "last_seen"), "2026-02-20");
	const json_t *wp = json_object_get(p, "weapons"), *am = json_object_get(p, "ammunition");
	/* the Zastava BZ 47213 seen in both is one rifle, seen twice */
	assert_int_equal(json_integer_value(json_object_get(wp, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(wp, "sightings")), 2);
	/* rounds as seen in each; lot L-19 of factory 71 is one lot */
	assert_int_equal(json_integer_value(json_object_get(am, "rounds")), 1320);
	assert_int_equal(json_integer_value(json_object_get(am, "lots")), 1);
	assert_int_equal(json_integer_value(json_object_get(am, "sightings")), 2);
	const json_t *sa4 = row_of(json_object_get(wp, "by_category"), "SA4");
	assert_int_equal(json_integer_value(json_object_get(sa4, "count")), 1);
	assert_int_equal(json_integer_value(json_object_get(sa4, "sightings")), 2);
	assert_int_equal(json_array_size(json_object_get(sa4, "observations")), 2);
	const json_t *f71 = row_of(json_object_get(am, "by_factory"), "71");
	assert_int_equal(json_integer_value(json_object_get(f71, "count")), 1320);
	assert_string_equal(test_str(f71, "first_seen"), "2026-01-10");
	assert_string_equal(test_str(f71, "last_seen"), "2026-02-20");
	assert_int_equal(json_array_size(json_object_get(p, "timeline")), 2);
	/* each month drills down to its observations */
	const json_t *jan = json_array_get(json_object_get(p, "timeline"), 0),
	             *feb = json_array_get(json_object_get(p, "timeline"), 1);
	assert_int_equal(json_array_size(json_object_get(jan, "observation_ids")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(jan, "observation_ids"), 0)), w->obs1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(feb, "observation_ids"), 0)), w->obs2);
	/* no profile holds a source */
	char *s = json_dumps(p, 0);
	assert_null(strstr(s, IDENTITY));
	free(s);
	json_decref(p);
	assert_int_equal(wam_monitoring_profile_country(w->a.db, &p, "CF", true), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "observations")), 2);
	sa4 = row_of(json_object_get(json_object_get(p, "weapons"), "by_category"), "SA4");
	assert_true(json_is_false(json_object_get(sa4, "lawful_import")));
	assert_int_equal(json_integer_value(json_object_get(sa4, "imports")), 0);
	const json_t *actor = row_of(json_object_get(p, "by_actor"), "Front d'essai");
	assert_int_equal(json_integer_value(json_object_get(actor, "count")), 2);
	json_decref(p);
	/* a category, make and country this registry licensed imports of
	 * stand apart from those it never did */
	json_t *out = NULL,
	       *in = test_json(
	           "{\"kind\":\"import\",\"number\":\"IMP-7\",\"authority\":\"Commission\",\"officer\":\"C. P\","
	           "\"valid_from\":\"2026-01-01\",\"valid_until\":\"2030-01-01\",\"parties\":[{\"role\":\"exporter\","
	           "\"name\":\"Glock GmbH\",\"country\":\"AT\"},{\"role\":\"importer\",\"name\":\"Police\","
	           "\"country\":\"CF\"}],\"lines\":[{\"category\":\"SA1\",\"make\":\"Glock\",\"quantity\":2}]}");
	assert_int_equal(wam_transfers_licence_add(w->a.db, &out, in), 0);
	json_decref(out);
	json_decref(in);
	in =
	    test_json("{\"prohibitions\":{\"embargo\":{\"finding\":\"clear\"},\"international_obligations\":{"
	              "\"finding\":\"clear\"},\"atrocity_crimes\":{\"finding\":\"clear\"}},\"risks\":{"
	              "\"peace_security\":{\"finding\":\"low\"},\"ihl\":{\"finding\":\"none\"},\"human_rights\":{"
	              "\"finding\":\"low\"},\"terrorism\":{\"finding\":\"none\"},\"organised_crime\":{\"finding\":"
	              "\"none\"},\"gender_based_violence\":{\"finding\":\"none\"},\"diversion\":{\"finding\":\"low\"}},"
	              "\"decision\":\"approve\",\"reasons\":\"police\",\"officer\":\"B. O\"}");
	assert_int_equal(wam_db_set_actor(w->a.db, "user:alice"), 0);
	if (wam_transfers_licence_assess(w->a.db, &out, "IMP-7", in))
		fail_msg("assess: %s", wam_error_last()->message);
	json_decref(out);
	json_decref(in);
	assert_int_equal(wam_db_set_actor(w->a.db, "user:bob"), 0);
	if (wam_transfers_licence_issue(w->a.db, &out, "IMP-7"))
		fail_msg("issue: %s", wam_error_last()->message);
	json_decref(out);
	char o3[WAM_ID_LEN + 1];
	observation(&w->a, o3,
	            "{\"kind\":\"market\",\"observed_at\":\"2026-03-02\",\"place\":{\"country\":\"CF\"},"
	            "\"unit\":\"Cell\",\"officer\":\"M. N\",\"sources\":[{\"type\":\"media\",\"independent\":true,"
	            "\"reliability\":\"C\",\"credibility\":3}],\"items\":[{\"kind\":\"weapon\",\"make\":\"Glock\","
	            "\"category\":\"SA1\",\"country\":\"AT\",\"markings\":[],\"photos\":[]}],\"documents\":[],"
	            "\"photos\":[]}");
	assert_int_equal(wam_monitoring_profile_country(w->a.db, &p, "CF", true), 0);
	const json_t *wps = json_object_get(p, "weapons");
	assert_true(json_is_true(json_object_get(row_of(json_object_get(wps, "by_category"), "SA1"), "lawful_import")));
	assert_int_equal(json_integer_value(
	                     json_object_get(row_of(json_object_get(wps, "by_category"), "SA1"), "imports_authorised")),
	                 2);
	assert_true(
	    json_is_false(json_object_get(row_of(json_object_get(wps, "by_category"), "SA4"), "lawful_import")));
	assert_true(json_is_true(json_object_get(row_of(json_object_get(wps, "by_make"), "Glock"), "lawful_import")));
	assert_true(
	    json_is_false(json_object_get(row_of(json_object_get(wps, "by_make"), "Zastava"), "lawful_import")));
	assert_true(json_is_true(json_object_get(row_of(json_object_get(wps, "by_country"), "AT"), "lawful_import")));
	assert_true(json_is_false(json_object_get(row_of(json_object_get(wps, "by_country"), "RS"), "lawful_import")));
	json_decref(p);
	/* a make and a calibre spelt otherwise (case, spacing) are the same
	 * row, shown as first spelt; a make is an import's only as a whole
	 * word of it ("Glo" is not "Glock") */
	char o4[WAM_ID_LEN + 1];
	observation(&w->a, o4,
	            "{\"kind\":\"market\",\"observed_at\":\"2026-03-03\",\"place\":{\"country\":\"CF\"},"
	            "\"unit\":\"Cell\",\"officer\":\"M. N\",\"sources\":[{\"type\":\"media\",\"independent\":true,"
	            "\"reliability\":\"C\",\"credibility\":3}],\"items\":[{\"kind\":\"weapon\",\"make\":\" ZASTAVA\","
	            "\"category\":\"SA4\",\"markings\":[],\"photos\":[]},{\"kind\":\"weapon\",\"make\":\"Glo\","
	            "\"category\":\"SA1\",\"markings\":[],\"photos\":[]},{\"kind\":\"ammunition\",\"calibre\":"
	            "\"7.62 X 39MM\",\"quantity\":10,\"photos\":[]}],\"documents\":[],\"photos\":[]}");
	assert_int_equal(wam_monitoring_profile_country(w->a.db, &p, "CF", true), 0);
	wps = json_object_get(p, "weapons");
	const json_t *zas = row_of(json_object_get(wps, "by_make"), "Zastava");
	/* BZ 47213 twice and one with no serial: two rifles, three sightings */
	assert_int_equal(json_integer_value(json_object_get(zas, "count")), 2);
	assert_int_equal(json_integer_value(json_object_get(zas, "sightings")), 3);
	assert_int_equal(json_array_size(json_object_get(zas, "observations")), 3);
	assert_int_equal(json_array_size(json_object_get(json_object_get(p, "ammunition"), "by_calibre")), 1);
	assert_int_equal(
	    json_integer_value(json_object_get(
	        row_of(json_object_get(json_object_get(p, "ammunition"), "by_calibre"), "7.62x39mm"), "count")),
	    1330);
	assert_true(json_is_false(json_object_get(row_of(json_object_get(wps, "by_make"), "Glo"), "lawful_import")));
	assert_true(json_is_true(json_object_get(row_of(json_object_get(wps, "by_make"), "Glock"), "lawful_import")));
	json_decref(p);
	assert_int_equal(wam_monitoring_profile_country(w->a.db, &p, "cf", false), 0); /* as typed */
	assert_string_equal(test_str(p, "country"), "CF");
	assert_int_equal(json_integer_value(json_object_get(p, "observations")), 4);
	json_decref(p);
	assert_int_equal(wam_monitoring_profile_country(w->a.db, &p, "ZZ", false), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "country");
}

static void committee_report_holds_the_period_only(void **state)
{
	world *w = *state;
	char later[WAM_ID_LEN + 1];
	finding(
	    &w->a, later,
	    "{\"statement\":\"A <b>later</b> sighting\",\"period\":{\"from\":\"2026-03-01\",\"to\":\"2026-03-31\"}}",
	    w->obs2, NULL);
	json_t *r = NULL;
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &r, NULL, "2026-01-01", "2026-01-31"), 0);
	assert_int_equal(json_array_size(json_object_get(r, "findings")), 1);
	assert_string_equal(test_str(json_array_get(json_object_get(r, "findings"), 0), "id"), w->finding);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "observations"), "total")), 1);
	json_decref(r);
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &r, NULL, "2026-03-01", "2026-03-31"), 0);
	assert_int_equal(json_array_size(json_object_get(r, "findings")), 1);
	assert_string_equal(test_str(json_array_get(json_object_get(r, "findings"), 0), "id"), later);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "observations"), "total")), 0);
	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);
	assert_int_equal(wam_monitoring_committee_report_html(r, f), 0);
	fclose(f);
	assert_non_null(strstr(html, "A &lt;b&gt;later&lt;/b&gt; sighting"));
	assert_null(strstr(html, "<b>later"));
	free(html);
	json_decref(r);
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &r, NULL, "2026-02-01", "2026-01-01"), WAM_EINVAL);
	assert_string_equal(wam_error_last()->field, "from");
}

static char *report_html(const json_t *r)
{
	char *html = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&html, &len);
	assert_int_equal(wam_monitoring_committee_report_html(r, f), 0);
	fclose(f);
	return html;
}

static bool listed(const json_t *r, const char *part, const char *id)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(r, part), i, f) if (!strcmp(test_str(f, "id"), id)) return true;
	return false;
}

/* A reported finding stays among the report's findings until its
 * correction is reported; a draft is marked NOT CORROBORATED. */
static void committee_report_keeps_what_was_reported(void **state)
{
	world *w = *state;
	json_t *out = NULL, *rep = test_json("{\"to\":\"Panel of Experts\",\"date\":\"2026-03-01\"}"), *r = NULL;
	if (wam_monitoring_finding_report(w->a.db, &out, w->finding, rep))
		fail_msg("report: %s", wam_error_last()->message);
	json_decref(out);
	char corr[WAM_ID_LEN + 1], in[512];
	snprintf(in, sizeof in,
	         "{\"statement\":\"A correction\",\"supersedes\":\"%s\",\"period\":{\"from\":\"2026-01-01\","
	         "\"to\":\"2026-01-31\"}}",
	         w->finding);
	finding(&w->a, corr, in, NULL, NULL);
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &r, NULL, "2026-01-01", "2026-01-31"), 0);
	assert_true(listed(r, "findings", w->finding));
	assert_true(listed(r, "findings", corr));
	assert_false(listed(r, "superseded", w->finding));
	char *html = report_html(r);
	assert_non_null(strstr(html, "NOT CORROBORATED</strong> (draft)"));
	assert_non_null(strstr(html, "1 of these findings is NOT CORROBORATED"));
	free(html);
	json_decref(r);
	/* corroborated, the correction is still not what the committee was told */
	assert_int_equal(wam_monitoring_finding_link(w->a.db, &out, corr, w->obs1, NULL), 0);
	json_decref(out);
	assert_int_equal(wam_monitoring_finding_link(w->a.db, &out, corr, w->obs2, NULL), 0);
	json_decref(out);
	assert_int_equal(wam_monitoring_finding_corroborate(w->a.db, &out, corr), 0);
	json_decref(out);
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &r, NULL, "2026-01-01", "2026-01-31"), 0);
	assert_true(listed(r, "findings", w->finding));
	html = report_html(r);
	assert_null(strstr(html, "NOT CORROBORATED"));
	free(html);
	json_decref(r);
	/* reported, it replaces it */
	assert_int_equal(wam_monitoring_finding_report(w->a.db, &out, corr, rep), 0);
	json_decref(out);
	assert_int_equal(wam_monitoring_committee_report(w->a.db, &r, NULL, "2026-01-01", "2026-01-31"), 0);
	assert_false(listed(r, "findings", w->finding));
	assert_true(listed(r, "superseded", w->finding));
	assert_true(listed(r, "findings", corr));
	json_decref(r);
	json_decref(rep);
}

/* The demo's mission: observations in two provinces linked by a rifle and
 * a lot seen in both, a corroborated and a draft finding, and a redacted
 * pack beside the registry that verifies. */
static void demo_mission(void **state)
{
	(void)state;
	test_reg r;
	test_reg_create(&r, "HT");
	wam_demo_opts o = {.items = 2000, .seed = 1};
	if (wam_registry_demo(r.db, &o))
		fail_msg("demo: %s", wam_error_last()->message);
	json_t *list = NULL, *v = NULL, *obs = NULL;
	assert_int_equal(wam_monitoring_finding_list(r.db, &list, "corroborated", NULL), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	assert_int_equal(wam_monitoring_finding_list(r.db, &list, "draft", NULL), 0);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
	wam_observation_filter f = {.country = "CF"};
	assert_int_equal(wam_monitoring_observation_list(r.db, &list, &f), 0);
	assert_int_equal(json_array_size(list), 3);
	/* the cache recovery is linked to the inspection by serial and by lot */
	const json_t *cache = NULL, *row;
	size_t i;
	json_array_foreach(list, i, row) if (!strcmp(test_str(row, "kind"), "cache_recovery")) cache = row;
	assert_non_null(cache);
	assert_int_equal(wam_monitoring_observation_get(r.db, &obs, test_str(cache, "id")), 0);
	assert_int_equal(json_array_size(json_object_get(obs, "links")), 2);
	char path[256];
	snprintf(path, sizeof path, "%s.evidence.wep", r.path);
	assert_int_equal(wam_monitoring_evidence_verify(r.db, &v, path, NULL, 0, NULL), 0);
	assert_true(json_is_true(json_object_get(v, "valid")));
	assert_string_equal(test_str(json_object_get(v, "finding"), "state"), "corroborated");
	size_t n;
	unsigned char *raw = slurp(path, &n);
	assert_false(holds(raw, n, "Village chief"));
	/* its photos: small GIFs, each its own (a comment names it) */
	entry es[64];
	size_t k = read_entries(raw, n, es, 64), gifs = 0;
	for (size_t j = 0; j < k; j++) {
		if (strncmp(es[j].path, "photos/", 7))
			continue;
		assert_non_null(strstr(es[j].path, ".gif"));
		assert_true(es[j].n > 6 && !memcmp(es[j].p, "GIF89a", 6) && es[j].p[es[j].n - 1] == 0x3b);
		assert_true(holds(es[j].p, es[j].n, "wam demo photo "));
		for (size_t x = 0; x < j; x++)
			if (!strncmp(es[x].path, "photos/", 7))
				assert_false(es[x].n == es[j].n && !memcmp(es[x].p, es[j].p, es[j].n));
		gifs++;
	}
	assert_true(gifs >= 2);
	free_entries(es, k);
	free(raw);
	json_decref(v);
	json_decref(obs);
	json_decref(list);
	unlink(path);
	test_reg_destroy(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(pack_verifies_here_in_a_peer_and_with_the_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(any_byte_changed_names_its_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(every_byte_of_a_pack_is_covered, setup, teardown),
	    cmocka_unit_test_setup_teardown(pack_refuses_the_registrys_own_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(redacted_pack_holds_no_source_identity, setup, teardown),
	    cmocka_unit_test_setup_teardown(redacted_pack_holds_nothing_beyond_its_finding, setup, teardown),
	    cmocka_unit_test_setup_teardown(profiles_count_and_drill_down, setup, teardown),
	    cmocka_unit_test_setup_teardown(committee_report_holds_the_period_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(committee_report_keeps_what_was_reported, setup, teardown),
	    cmocka_unit_test(demo_mission),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
