/* Evidence packs (docs/formats/evidence-pack.md): a finding with what it
 * rests on, in one POSIX (pax) tar archive any archive tool opens —
 * manifest.json lists every other file with its size and BLAKE2b-256,
 * signature.json signs the manifest's hash with this node's Ed25519 key
 * (the same signing as the trace exchange's documents) — and the check a
 * Panel runs in its own registry: integrity of every file and origin of
 * the whole, naming what was altered, missing or added. */
#include <archive.h>

/* The errno libarchive gives a file it read but could not recognise (its
 * private ARCHIVE_ERRNO_FILE_FORMAT): EFTYPE where the system has it, else
 * EILSEQ. */
#ifdef EFTYPE
#define ARCHIVE_FORMAT_ERRNO EFTYPE
#else
#define ARCHIVE_FORMAT_ERRNO EILSEQ
#endif
#include <archive_entry.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "monitoring/outputs.h"
#include "wam/monitoring.h"
#include "wam/trace.h"

#define FORMAT "wam-evidence/1"
#define MANIFEST "manifest.json"
#define SIGNATURE "signature.json"
#define MEMBER_MAX (64u << 20) /* bytes of one file read from a pack */
#define PACK_MAX (1024u << 20) /* bytes of all files read from a pack */
#define MEMBERS_MAX 20000      /* files read from a pack */

typedef struct member {
	char *path;
	unsigned char *p;
	size_t n;
} member;

typedef struct pack {
	member *m;
	size_t n, cap;
} pack;

static void pack_free(pack *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->m[i].path);
		free(k->m[i].p);
	}
	free(k->m);
	memset(k, 0, sizeof *k);
}

static const member *pack_find(const pack *k, const char *path)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->m[i].path, path))
			return &k->m[i];
	return NULL;
}

/* Adds a file; takes `p` (malloc'd) whatever happens. */
static int pack_add(pack *k, const char *path, unsigned char *p, size_t n)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 16;
		member *m = realloc(k->m, cap * sizeof *m);
		if (!m) {
			free(p);
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		}
		k->m = m;
		k->cap = cap;
	}
	char *copy = strdup(path);
	if (!copy) {
		free(p);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	k->m[k->n++] = (member){copy, p, n};
	return 0;
}

/* Adds `v` as an indented JSON file, keys sorted, ending with a newline. */
static int pack_add_json(pack *k, const char *path, const json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!s)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	size_t n = strlen(s);
	unsigned char *p = malloc(n + 2);
	if (!p) {
		free(s);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	memcpy(p, s, n);
	p[n++] = '\n';
	free(s);
	return pack_add(k, path, p, n);
}

static void blake2b_hex(char out[2 * WAM_HASH_LEN + 1], const unsigned char *p, size_t n)
{
	unsigned char h[WAM_HASH_LEN];
	crypto_generichash(h, sizeof h, p, n, NULL, 0);
	wam_hex(out, h, sizeof h);
}

/* ---- what goes in ---- */

/* A source as a redacted pack keeps it: its type, grade and independence. */
static json_t *redacted_source(const json_t *s)
{
	json_t *r = json_object();
	static const char *const keep[] = {"type", "independent", "reliability", "credibility", NULL};
	for (const char *const *k = keep; *k; k++)
		if (json_object_get(s, *k))
			json_object_set(r, *k, json_object_get(s, *k));
	json_object_set_new(r, "redacted", json_true());
	return r;
}

/* An observation as a redacted pack carries it: its sources redacted, no
 * other finding that links it (their statements are not this pack's), and
 * its links to the observations in the pack (`in_pack`) only. */
static void redact_observation(json_t *obs, const json_t *in_pack)
{
	json_t *sources = json_object_get(obs, "sources"), *s, *red = json_array(), *links = json_array();
	size_t i;
	json_array_foreach(sources, i, s) json_array_append_new(red, redacted_source(s));
	json_object_set_new(obs, "sources", red);
	json_object_del(obs, "findings");
	json_array_foreach(json_object_get(obs, "links"), i, s)
	{
		const char *other = mon_str(s, "observation_id");
		if (other && json_object_get(in_pack, other))
			json_array_append(links, s);
	}
	json_object_set_new(obs, "links", links);
}

/* Adds `hash` (a photo's sha256) to the set `photos` when it is one. */
static void photo_name(json_t *photos, const json_t *v)
{
	const char *h = json_is_string(v) ? json_string_value(v) : mon_str(v, "hash");
	if (h && wam_photo_hash_valid(h))
		json_object_set_new(photos, h, json_true());
}

static void photos_of_list(json_t *photos, const json_t *list)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) photo_name(photos, v);
}

/* Every photo an observation names: its own, its items', its documents'. */
static void photos_of(json_t *photos, const json_t *obs)
{
	const char *parts[] = {"items", "documents", NULL};
	photos_of_list(photos, json_object_get(obs, "photos"));
	for (const char **p = parts; *p; p++) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(obs, *p), i, v) photos_of_list(photos, json_object_get(v, "photos"));
	}
}

static const char *photo_ext(const char *media_type)
{
	static const char *const map[][2] = {{"image/jpeg", "jpg"},  {"image/png", "png"},  {"image/gif", "gif"},
	                                     {"image/webp", "webp"}, {"image/tiff", "tif"}, {"image/heic", "heic"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(map[i][0], media_type))
			return map[i][1];
	return "bin";
}

static int cmp_seq(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "seq"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "seq"));
	return (x > y) - (x < y);
}

/* The chain of custody: the ledger events about every subject in
 * `subjects` as {seq, type, time, actor, subject, hash} — without their
 * data, so that nothing an event holds (a sealed identity) travels — in
 * ledger order, and the ledger's head when the pack was made. A redacted
 * pack leaves out the reads of source identities (record.read): who
 * opened a source tells who handles it. */
static int custody(wam_db *db, json_t **out, const char *finding_id, const json_t *subjects, bool redact)
{
	json_t *events = json_array(), *rows = NULL;
	const char *subject;
	json_t *v;
	int rc = 0;
	json_object_foreach((json_t *)subjects, subject, v)
	{
		if ((rc = wam_query_rows(db, &rows,
		                         redact ? "SELECT seq, type, time, actor, subject, lower(hex(hash)) AS hash"
		                                  " FROM events WHERE subject=?1 AND type<>'record.read' ORDER BY seq"
		                                : "SELECT seq, type, time, actor, subject, lower(hex(hash)) AS hash"
		                                  " FROM events WHERE subject=?1 ORDER BY seq",
		                         subject, NULL)))
			break;
		json_array_extend(events, rows);
		json_decref(rows);
		rows = NULL;
	}
	size_t n = json_array_size(events);
	json_t **sorted = n ? malloc(n * sizeof *sorted) : NULL;
	if (!rc && n && !sorted)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (!rc) {
		for (size_t i = 0; i < n; i++)
			sorted[i] = json_incref(json_array_get(events, i));
		if (n > 1) /* qsort is not given a NULL array, even of none */
			qsort(sorted, n, sizeof *sorted, cmp_seq);
		json_array_clear(events);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(events, sorted[i]);
	}
	free(sorted);
	int64_t head = 0;
	char head_hex[65] = "";
	if (!rc)
		rc = wam_ledger_head(db, &head, head_hex);
	if (!rc)
		*out = json_pack("{s:s, s:s, s:s, s:{s:I, s:s}, s:O}", "format", FORMAT, "finding_id", finding_id,
		                 "node_id", db->node_id, "ledger_head", "seq", (json_int_t)head, "hash", head_hex,
		                 "events", events);
	if (!rc && !*out)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_decref(events);
	return rc;
}

/* Adds traces/<id>.json for the trace request `rid` unless it is in, and
 * its item's photos to `photos`. */
static int add_trace(wam_db *db, pack *k, json_t *subjects, json_t *photos, const char *rid)
{
	char path[96];
	json_t *t = NULL;
	if (!rid || json_object_get(subjects, rid))
		return 0;
	snprintf(path, sizeof path, "traces/%.40s.json", rid);
	int rc = wam_trace_request_get(db, &t, rid, 0);
	if (!rc) {
		json_object_set_new(subjects, rid, json_true());
		photos_of_list(photos, json_object_get(json_object_get(t, "item"), "photos"));
		rc = pack_add_json(k, path, t);
	}
	json_decref(t);
	return rc;
}

/* The files of finding `f`'s pack, but for the manifest and signature. */
static int gather(wam_db *db, pack *k, const json_t *f, bool redact)
{
	json_t *subjects = json_object(), *photos = json_object(), *o = NULL, *link, *cust = NULL;
	const char *fid = mon_str(f, "id");
	char path[128];
	size_t i;
	int rc = 0;
	json_t *in_pack = json_object();
	json_object_set_new(subjects, fid, json_true());
	json_array_foreach(json_object_get(f, "links"), i, link)
	{
		if (mon_str(link, "kind") && !strcmp(mon_str(link, "kind"), "observation") && mon_str(link, "target"))
			json_object_set_new(in_pack, mon_str(link, "target"), json_true());
	}
	if ((rc = pack_add_json(k, "finding.json", f)))
		goto done;
	json_array_foreach(json_object_get(f, "links"), i, link)
	{
		const char *kind = mon_str(link, "kind"), *target = mon_str(link, "target");
		if (!kind || !target || json_object_get(subjects, target))
			continue;
		if (!strcmp(kind, "observation")) {
			/* a redacted pack opens no identity: none is read */
			if ((rc = redact ? mon_observation_unopened(db, &o, target, true)
			                 : wam_monitoring_observation_get(db, &o, target)))
				goto done;
			if (redact)
				redact_observation(o, in_pack);
			photos_of(photos, o);
			json_object_set_new(subjects, target, json_true());
			snprintf(path, sizeof path, "observations/%.40s.json", target);
			if ((rc = pack_add_json(k, path, o)))
				goto done;
			size_t j;
			json_t *t;
			json_array_foreach(json_object_get(o, "traces"), j, t)
			{
				if ((rc = add_trace(db, k, subjects, photos, mon_str(t, "request_id"))))
					goto done;
			}
			json_decref(o);
			o = NULL;
		} else if (!strcmp(kind, "trace")) {
			if ((rc = add_trace(db, k, subjects, photos, target)))
				goto done;
		} else if (!strcmp(kind, "hit")) {
			if ((rc = wam_trace_hit_get(db, &o, target)))
				goto done;
			json_object_set_new(subjects, target, json_true());
			snprintf(path, sizeof path, "hits/%.40s.json", target);
			if ((rc = pack_add_json(k, path, o)))
				goto done;
			json_decref(o);
			o = NULL;
		}
	}
	const char *hash;
	json_t *v;
	json_object_foreach(photos, hash, v)
	{
		unsigned char *bytes = NULL;
		size_t n = 0;
		char media_type[32];
		if ((rc = wam_photo_read(db, &bytes, &n, media_type, hash)))
			goto done;
		snprintf(path, sizeof path, "photos/%s.%s", hash, photo_ext(media_type));
		if ((rc = pack_add(k, path, bytes, n)))
			goto done;
	}
	if (!(rc = custody(db, &cust, fid, subjects, redact)))
		rc = pack_add_json(k, "custody.json", cust);
done:
	json_decref(o);
	json_decref(cust);
	json_decref(subjects);
	json_decref(in_pack);
	json_decref(photos);
	return rc;
}

/* ---- the archive ---- */

static int archive_fail(struct archive *a, const char *field, const char *what)
{
	return wam_error_set(WAM_EIO, field, "cannot write the evidence pack (%s): %s", what,
	                     archive_error_string(a) ? archive_error_string(a) : "unknown error");
}

/* Where write_tar() writes: descriptor `fd`, or `sink` (with `ctx`). */
typedef struct tar_out {
	int fd;
	archive_write_callback *sink;
	void *ctx;
} tar_out;

/* Writes the members of `k` as a POSIX pax tar to `to`: every member a
 * regular file 0644 of `mtime`, in order, the archive not padded past its
 * end-of-archive record. The same members give the same bytes, so that
 * verify can rebuild a pack and compare it byte for byte. */
static int write_tar(const pack *k, tar_out to, time_t mtime)
{
	struct archive *a = archive_write_new();
	int rc = 0;
	if (!a)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (archive_write_set_format_pax(a) != ARCHIVE_OK || archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    (to.sink ? archive_write_open2(a, to.ctx, NULL, to.sink, NULL, NULL) : archive_write_open_fd(a, to.fd)) !=
	        ARCHIVE_OK) {
		rc = archive_fail(a, "out", "open");
		archive_write_free(a);
		return rc;
	}
	for (size_t i = 0; !rc && i < k->n; i++) {
		struct archive_entry *e = archive_entry_new();
		if (!e) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			break;
		}
		archive_entry_set_pathname(e, k->m[i].path);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)k->m[i].n);
		archive_entry_set_mtime(e, mtime, 0);
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    (k->m[i].n && archive_write_data(a, k->m[i].p, k->m[i].n) != (la_ssize_t)k->m[i].n))
			rc = archive_fail(a, "out", k->m[i].path);
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK && !rc)
		rc = archive_fail(a, "out", "close");
	archive_write_free(a);
	return rc;
}

int wam_monitoring_evidence_pack(wam_db *db, json_t **out, const char *id, const char *path, unsigned flags)
{
	json_t *f = NULL, *files = json_array(), *manifest = NULL, *sig = NULL, *node = NULL, *rec = NULL;
	pack k = {0};
	char tmp[4096] = "", now[WAM_TIME_LEN + 1], mhash[2 * WAM_HASH_LEN + 1];
	bool redact = flags & WAM_EVIDENCE_REDACT_SOURCES;
	int fd = -1, rc;
	size_t bytes = 0;
	if (out)
		*out = NULL;
	if ((rc = mon_national(db)))
		goto done;
	if (!path || !*path) {
		rc = wam_error_set(WAM_EINVAL, "out", "give the file to write the evidence pack to");
		goto done;
	}
	/* never over the registry, its keys or its photos */
	if ((rc = wam_file_not_registry(db, path, "out")))
		goto done;
	if ((rc = wam_monitoring_finding_get(db, &f, id)) || (rc = wam_trace_node(db, &node)) ||
	    (rc = gather(db, &k, f, redact)))
		goto done;
	uint64_t ms = wam_now_ms();
	wam_time_iso(now, ms);
	for (size_t i = 0; i < k.n; i++) {
		char h[2 * WAM_HASH_LEN + 1];
		blake2b_hex(h, k.m[i].p, k.m[i].n);
		json_array_append_new(files, json_pack("{s:s, s:I, s:s}", "path", k.m[i].path, "size",
		                                       (json_int_t)k.m[i].n, "blake2b", h));
		bytes += k.m[i].n;
	}
	manifest = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O}", "format", FORMAT, "finding_id", mon_str(f, "id"),
	                     "created", now, "node_id", db->node_id, "redacted", redact, "files", files);
	if (!manifest || (rc = pack_add_json(&k, MANIFEST, manifest)))
		goto nomem;
	const member *m = &k.m[k.n - 1];
	blake2b_hex(mhash, m->p, m->n);
	sig = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s?, s:s?, s:s}}", "format", FORMAT, "manifest", MANIFEST,
	                "manifest_blake2b", mhash, "signed", now, "node", "node_id", mon_str(node, "node_id"), "name",
	                mon_str(node, "name"), "country", mon_str(node, "country"), "public_key",
	                mon_str(node, "public_key"));
	if (!sig)
		goto nomem;
	if ((rc = wam_trace_doc_sign(db, sig)) || (rc = pack_add_json(&k, SIGNATURE, sig)))
		goto done;
	rec = json_pack("{s:s, s:s, s:b, s:I}", "finding_id", mon_str(f, "id"), "manifest_hash", mhash, "redacted",
	                redact, "files", (json_int_t)json_array_size(files));
	if (!rec)
		goto nomem;
	if ((rc = wam_file_temp_fd(&fd, tmp, sizeof tmp, path, "out")))
		goto done;
	rc = write_tar(&k, (tar_out){.fd = fd}, (time_t)(ms / 1000));
	if (close(fd) && !rc)
		rc = wam_error_set(WAM_EIO, "out", "cannot write %s: %s", path, strerror(errno));
	fd = -1;
	if (rc)
		goto done;
	/* the act is logged with the pack: the event and the file, or neither */
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_monitoring_record_pack(db, mon_str(f, "id"), rec))) {
		wam_db_rollback(db);
		goto done;
	}
	if (rename(tmp, path)) {
		rc = wam_error_set(WAM_EIO, "out", "cannot write %s: %s", path, strerror(errno));
		wam_db_rollback(db);
		goto done;
	}
	tmp[0] = '\0';
	if ((rc = wam_db_commit(db))) {
		unlink(path);
		goto done;
	}
	struct stat st;
	if (out && !stat(path, &st))
		bytes = (size_t)st.st_size;
	if (out && !(*out = json_pack("{s:s, s:I, s:I, s:s, s:b}", "path", path, "files", (json_int_t)k.n, "bytes",
	                              (json_int_t)bytes, "manifest_hash", mhash, "redacted", redact)))
		goto nomem;
	goto done;
nomem:
	rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
done:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	pack_free(&k);
	json_decref(f);
	json_decref(files);
	json_decref(manifest);
	json_decref(sig);
	json_decref(node);
	json_decref(rec);
	return rc;
}

/* ---- verification ---- */

/* Adds {file, problem, message, message_id, args} (`msg` taken). */
static void problem(json_t *problems, const char *file, const char *kind, json_t *msg)
{
	json_t *p = json_pack("{s:s, s:s}", "file", file, "problem", kind);
	if (p && msg)
		json_object_update(p, msg);
	json_decref(msg);
	if (p)
		json_array_append_new(problems, p);
}

/* The last error as a problem's message. */
static json_t *error_msg(void)
{
	return wam_error_json(wam_error_last());
}

/* Reads every regular file of the tar in `a` into `k`; what cannot be
 * read (a link, a directory, a file too large, a file twice) is a problem.
 * WAM_EINVAL when `a` holds no tar archive at all. */
static int read_tar(struct archive *a, pack *k, json_t *problems)
{
	struct archive_entry *e;
	size_t total = 0, seen = 0;
	for (;;) {
		int r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			if (!seen)
				return wam_error_set(WAM_EINVAL, "pack", "not an evidence pack: not a tar archive (%s)",
				                     archive_error_string(a) ? archive_error_string(a) : "unreadable");
			problem(problems, "(archive)", "unreadable",
			        wam_message_json("the archive is cut short or damaged after its file %zu: %s", seen,
			                         archive_error_string(a) ? archive_error_string(a) : "unreadable"));
			return 0;
		}
		seen++;
		const char *name = archive_entry_pathname(e);
		char path[1024];
		snprintf(path, sizeof path, "%s", name ? name : "");
		/* unpacked and packed again ("tar -cf p.wep -C dir ."): the files
		 * are read by their names without "./", and the renaming said */
		const char *bare = path;
		while (bare[0] == '.' && bare[1] == '/')
			bare += 2;
		if (bare != path && *bare) {
			problem(problems, bare, "renamed",
			        wam_message_json("%s is named %s in the archive, not as it was packed", bare, path));
			memmove(path, bare, strlen(bare) + 1);
		}
		if (seen > MEMBERS_MAX) {
			problem(problems, path, "unexpected",
			        wam_message_json("the archive holds more than %d files", MEMBERS_MAX));
			return 0;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			if (archive_entry_filetype(e) != AE_IFDIR)
				problem(problems, path, "unexpected",
				        wam_message_json("%s is not a regular file: a pack holds files only", path));
			continue;
		}
		if (pack_find(k, path)) {
			problem(problems, path, "unexpected", wam_message_json("%s is in the archive twice", path));
			continue;
		}
		la_int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
		if (size < 0 || (uint64_t)size > MEMBER_MAX || total + (size_t)size > PACK_MAX) {
			problem(problems, path, "unreadable",
			        wam_message_json("%s is larger than an evidence pack's file may be", path));
			continue;
		}
		unsigned char *p = malloc((size_t)size + 1);
		if (!p)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		size_t got = 0;
		while (got < (size_t)size) {
			la_ssize_t n = archive_read_data(a, p + got, (size_t)size - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got != (size_t)size) {
			free(p);
			problem(problems, path, "unreadable", wam_message_json("%s is cut short in the archive", path));
			return 0;
		}
		total += got;
		int rc = pack_add(k, path, p, got);
		if (rc)
			return rc;
	}
}

/* A JSON object from a member's bytes, or NULL. */
static json_t *member_json(const member *m)
{
	return m ? json_loadb((const char *)m->p, m->n, JSON_REJECT_DUPLICATES, NULL) : NULL;
}

static bool hex_key(const char *s)
{
	if (!s || strlen(s) != 2 * crypto_sign_PUBLICKEYBYTES)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

/* Whether `s` is hex digits as a pack writes them: lowercase only. */
static bool lower_hex(const char *s)
{
	return s && *s && strspn(s, "0123456789abcdef") == strlen(s);
}

/* Whether `key` is this node's or a peer's this registry trusts for
 * `node_id`. */
static bool key_trusted(wam_db *db, const char *node_id, const char *key)
{
	json_t *me = NULL, *peer = NULL, *who = json_pack("{s:s, s:s}", "node_id", node_id, "public_key", key);
	bool yes = false;
	wam_error saved = *wam_error_last();
	if (!strcmp(node_id, db->node_id))
		yes = !wam_trace_node(db, &me) && mon_str(me, "public_key") &&
		      !strcasecmp(mon_str(me, "public_key"), key);
	else
		yes = who && !wam_trace_doc_signer(db, &peer, who);
	wam_error_restore(&saved);
	json_decref(me);
	json_decref(peer);
	json_decref(who);
	return yes;
}

/* Checks signature.json against manifest.json and the key: this node's
 * own, a trusted peer's, or `public_key`. Fills `signer`. */
static void check_signature(wam_db *db, const pack *k, const char *public_key, json_t *signer, json_t *problems)
{
	const member *sm = pack_find(k, SIGNATURE), *mm = pack_find(k, MANIFEST);
	json_t *sig = member_json(sm), *peer = NULL, *me = NULL;
	if (!sm) {
		problem(problems, SIGNATURE, "missing", wam_message_json("the pack has no %s", SIGNATURE));
		return;
	}
	const json_t *node = json_object_get(sig, "node");
	const char *node_id = mon_str(node, "node_id"), *pk = mon_str(node, "public_key");
	if (!json_is_object(sig) || !node_id || !hex_key(pk) || !mon_str(sig, "manifest_blake2b")) {
		problem(
		    problems, SIGNATURE, "unreadable",
		    wam_message_json("%s is not a signature of an evidence pack (node, manifest_blake2b, signature)",
		                     SIGNATURE));
		json_decref(sig);
		return;
	}
	/* its hex is as written (lowercase): a digit's case changes no value a
	 * reader decodes, but it is a byte changed */
	if (!lower_hex(pk) || !lower_hex(mon_str(sig, "manifest_blake2b")) || !lower_hex(mon_str(sig, "signature")))
		problem(
		    problems, SIGNATURE, "altered",
		    wam_message_json("%s is not as it was written: its hex digits are not all lowercase", SIGNATURE));
	/* the signature covers the document's meaning; its bytes are the ones
	 * written, so that no byte of it changes unseen either */
	char *again = json_dumps(sig, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!again || strlen(again) + 1 != sm->n || memcmp(again, sm->p, sm->n - 1) || sm->p[sm->n - 1] != '\n')
		problem(problems, SIGNATURE, "altered",
		        wam_message_json("%s is not as it was written: its bytes were changed", SIGNATURE));
	free(again);
	static const char *const shown[] = {"node_id", "name", "country", "public_key", NULL};
	for (const char *const *s = shown; *s; s++)
		json_object_set(signer, *s, json_object_get(node, *s) ? json_object_get(node, *s) : json_null());
	const char *key = NULL;
	char given[2 * crypto_sign_PUBLICKEYBYTES + 1];
	if (public_key) {
		snprintf(given, sizeof given, "%s", public_key);
		key = given;
	} else if (!strcmp(node_id, db->node_id)) {
		if (!wam_trace_node(db, &me))
			key = mon_str(me, "public_key");
		else
			problem(problems, SIGNATURE, "signature", error_msg());
	} else if (!wam_trace_doc_signer(db, &peer, node))
		key = mon_str(peer, "public_key");
	else
		problem(problems, SIGNATURE, "signature", error_msg());
	json_object_set_new(signer, "trusted", json_boolean(key_trusted(db, node_id, pk)));
	if (key && wam_trace_doc_verify(sig, key))
		problem(problems, SIGNATURE, "signature", error_msg());
	if (mm) {
		char h[2 * WAM_HASH_LEN + 1];
		blake2b_hex(h, mm->p, mm->n);
		if (strcmp(h, mon_str(sig, "manifest_blake2b")))
			problem(problems, MANIFEST, "signature",
			        wam_message_json(
			            "%s was changed after it was signed: its BLAKE2b-256 is %s, the signed one %s",
			            MANIFEST, h, mon_str(sig, "manifest_blake2b")));
	}
	json_decref(sig);
	json_decref(peer);
	json_decref(me);
}

/* Checks every file against the manifest. */
static void check_files(const pack *k, const json_t *manifest, json_t *problems)
{
	json_t *listed = json_object(), *f;
	size_t i;
	json_array_foreach(json_object_get(manifest, "files"), i, f)
	{
		const char *path = mon_str(f, "path"), *hash = mon_str(f, "blake2b");
		json_int_t size = json_integer_value(json_object_get(f, "size"));
		if (!path || !hash || !json_is_integer(json_object_get(f, "size"))) {
			problem(problems, MANIFEST, "unreadable",
			        wam_message_json("%s: files[%zu] has no path, size and blake2b", MANIFEST, i));
			continue;
		}
		json_object_set_new(listed, path, json_true());
		const member *m = pack_find(k, path);
		char h[2 * WAM_HASH_LEN + 1];
		if (!m) {
			problem(problems, path, "missing",
			        wam_message_json("%s is listed in the manifest and missing from the pack", path));
			continue;
		}
		blake2b_hex(h, m->p, m->n);
		if ((json_int_t)m->n != size || strcmp(h, hash))
			problem(problems, path, "altered",
			        wam_message_json("%s was altered: its BLAKE2b-256 is %s, the manifest says %s", path, h,
			                         hash));
	}
	for (i = 0; i < k->n; i++) {
		const char *path = k->m[i].path;
		if (strcmp(path, MANIFEST) && strcmp(path, SIGNATURE) && !json_object_get(listed, path))
			problem(problems, path, "unexpected",
			        wam_message_json("%s is in the pack and not in its manifest", path));
	}
	json_decref(listed);
}

/* The bytes a rebuilt archive is compared with: the input in memory, or
 * the file read again. */
typedef struct same_bytes {
	const unsigned char *p;
	size_t n, at;
	FILE *f;
	bool differs;
} same_bytes;

static la_ssize_t same_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	(void)a;
	same_bytes *s = ctx;
	const unsigned char *b = buf;
	if (s->differs)
		return (la_ssize_t)len;
	if (!s->f) {
		s->differs = s->at + len > s->n || memcmp(s->p + s->at, b, len);
		s->at += len;
		return (la_ssize_t)len;
	}
	unsigned char chunk[16384];
	for (size_t done = 0; done < len && !s->differs;) {
		size_t want = len - done < sizeof chunk ? len - done : sizeof chunk;
		s->differs = fread(chunk, 1, want, s->f) != want || memcmp(chunk, b + done, want);
		done += want;
	}
	return (la_ssize_t)len;
}

/* The time a manifest's "created" (YYYY-MM-DDTHH:MM:SS…) names, to the
 * second: the pack's members' mtime. */
static bool created_time(const json_t *manifest, time_t *t)
{
	const char *c = mon_str(manifest, "created");
	char day[11];
	int h, m, sec;
	if (!c || strlen(c) < 19 || c[10] != 'T' || sscanf(c + 11, "%2d:%2d:%2d", &h, &m, &sec) != 3)
		return false;
	snprintf(day, sizeof day, "%.10s", c);
	if (!wam_date_parse(day, t))
		return false;
	*t += (time_t)h * 3600 + (time_t)m * 60 + sec;
	return true;
}

/* Rebuilds the archive from the members read, as the pack was written,
 * and compares it byte for byte with what was read: anything else in the
 * archive (data after its end, padding, a member's metadata, the members'
 * order or names) is the archive altered. */
static int check_archive(const pack *k, const json_t *manifest, const char *path, const void *bytes, size_t n,
                         json_t *problems)
{
	time_t mtime;
	if (!created_time(manifest, &mtime))
		return 0; /* the manifest's own problem is said */
	same_bytes s = {.p = bytes, .n = n};
	if (path && !(s.f = fopen(path, "rb")))
		return wam_error_set(WAM_EIO, "pack", "cannot read %s: %s", path, strerror(errno));
	int rc = write_tar(k, (tar_out){.sink = same_write, .ctx = &s}, mtime);
	if (!rc && !s.differs)
		s.differs = s.f ? fgetc(s.f) != EOF : s.at != s.n;
	if (s.f)
		fclose(s.f);
	if (!rc && s.differs)
		problem(problems, "(archive)", "altered",
		        wam_message_json("the archive is not as it was written: its files are not all that is in "
		                         "it, or not stored as they were (order, names, metadata, padding)"));
	return rc;
}

int wam_monitoring_evidence_verify(wam_db *db, json_t **out, const char *path, const void *bytes, size_t n,
                                   const char *public_key)
{
	struct archive *a = NULL;
	pack k = {0};
	json_t *problems = json_array(), *signer = json_object(), *manifest = NULL, *finding = NULL;
	int rc = 0;
	*out = NULL;
	if ((rc = mon_national(db)))
		goto done;
	if (public_key && !hex_key(public_key)) {
		rc = wam_error_set(WAM_EINVAL, "public_key", "the public key is not an Ed25519 key (64 hex digits)");
		goto done;
	}
	if (!path && !bytes) {
		rc = wam_error_set(WAM_EINVAL, "pack", "give the evidence pack to verify");
		goto done;
	}
	if (!(a = archive_read_new()) || !problems || !signer)
		goto nomem;
	archive_read_support_format_tar(a);
	archive_read_support_filter_none(a);
	int r = path ? archive_read_open_filename(a, path, 65536) : archive_read_open_memory(a, bytes, n);
	if (r != ARCHIVE_OK) {
		/* a file read but not a tar archive is bad input, as the same bytes in memory are */
		rc = path && archive_errno(a) != ARCHIVE_FORMAT_ERRNO
		         ? wam_error_set(WAM_EIO, "pack", "cannot read %s: %s", path,
		                         archive_error_string(a) ? archive_error_string(a) : "unreadable")
		         : wam_error_set(WAM_EINVAL, "pack", "not an evidence pack: not a tar archive (%s)",
		                         archive_error_string(a) ? archive_error_string(a) : "unreadable");
		goto done;
	}
	if ((rc = read_tar(a, &k, problems)))
		goto done;
	const member *mm = pack_find(&k, MANIFEST);
	manifest = member_json(mm);
	if (!mm)
		problem(problems, MANIFEST, "missing", wam_message_json("the pack has no %s", MANIFEST));
	else if (!json_is_object(manifest) || !json_is_array(json_object_get(manifest, "files")))
		problem(problems, MANIFEST, "unreadable",
		        wam_message_json("%s is not a manifest of an evidence pack (format, files)", MANIFEST));
	if ((rc = check_archive(&k, manifest, path, bytes, n, problems)))
		goto done;
	check_signature(db, &k, public_key, signer, problems);
	if (json_is_object(manifest))
		check_files(&k, manifest, problems);
	json_t *fj = member_json(pack_find(&k, "finding.json"));
	finding = json_pack("{s:O?, s:O?, s:O?}", "id", json_object_get(fj, "id"), "state",
	                    json_object_get(fj, "state"), "statement", json_object_get(fj, "statement"));
	json_decref(fj);
	if (!json_object_get(signer, "trusted"))
		json_object_set_new(signer, "trusted", json_false());
	*out = json_pack("{s:b, s:O, s:O, s:I, s:O}", "valid", json_array_size(problems) == 0, "signer", signer,
	                 "finding", finding ? finding : json_null(), "files",
	                 (json_int_t)json_array_size(json_object_get(manifest, "files")), "problems", problems);
	if (!*out)
		goto nomem;
	goto done;
nomem:
	rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
done:
	if (a)
		archive_read_free(a);
	pack_free(&k);
	json_decref(problems);
	json_decref(signer);
	json_decref(manifest);
	json_decref(finding);
	return rc;
}
