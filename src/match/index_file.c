/* The index file: "<registry>.serials", beside the database: a header, then the index's
 * arrays as they are in memory, then the interned attribute strings. The
 * header names the ledger position the index reflects (sequence and event
 * hash), the matcher tables and projection layout the keys were made with,
 * and a BLAKE2b digest of everything after it. A file that fails any check
 * is not used. Written to a temporary name and renamed, so a reader never
 * sees half a file. */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "match/index_impl.h"
#include "match/tables.h"

#define FILE_MAGIC "WAMSIX05"

typedef struct file_header {
	char magic[8];
	uint32_t endian, version;
	wam_index_stamp stamp;
	unsigned char tables[32];
	char projection[8];
	uint64_t n, arena_n, nrecs[3], nsorted, strings;
	uint32_t bits0, bits1, bits2;
	unsigned char digest[32];
} file_header;

typedef struct chunk {
	void *p;
	size_t size;
} chunk;

static size_t body_chunks(const wam_match_index *ix, chunk c[16], size_t *nchunks)
{
	size_t n = ix->n, k = 0, total = 0;
	c[k++] = (chunk){ix->id, n * sizeof *ix->id};
	c[k++] = (chunk){ix->koff, n * sizeof *ix->koff};
	c[k++] = (chunk){ix->klen, n * sizeof *ix->klen};
	c[k++] = (chunk){ix->attrs, n * sizeof *ix->attrs};
	c[k++] = (chunk){ix->alt, n * sizeof *ix->alt};
	c[k++] = (chunk){ix->arena, ix->arena_n};
	c[k++] = (chunk){ix->pre, ix->nsorted * sizeof *ix->pre};
	c[k++] = (chunk){ix->suf, ix->nsorted * sizeof *ix->suf};
	const tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	for (int t = 0; t < 3; t++) {
		size_t nb = (size_t)1 << tiers[t]->bits;
		c[k++] = (chunk){tiers[t]->off, (nb + 1) * sizeof(uint32_t)};
		c[k++] = (chunk){tiers[t]->recs, tiers[t]->off[nb] * sizeof(uint32_t)};
	}
	*nchunks = k;
	for (size_t i = 0; i < k; i++)
		total += c[i].size;
	return total;
}

static void strings_of(const wam_match_index *ix, wam_buf *b)
{
	for (int a = 0; a < 4; a++) {
		wam_buf_printf(b, "%zu", ix->attr[a].n);
		wam_buf_putc(b, '\0');
		for (size_t i = 1; i <= ix->attr[a].n; i++)
			wam_buf_put(b, ix->attr[a].str[i], strlen(ix->attr[a].str[i]) + 1);
	}
}

int wam_match_index_save(wam_match_index *ix, const char *path, const wam_index_stamp *stamp)
{
	const wam_match_tables *t = wam_match_tables_get();
	char tmp[4200];
	chunk c[16];
	size_t nc;
	wam_buf strings = {0};
	file_header h;
	if (!t)
		return WAM_EIO;
	if (!ix->t1.bits)
		return wam_error_set(WAM_EINVAL, "index", "an empty serial index is not saved");
	int crc = wam_match_index_compact(ix); /* the file holds the compact form only */
	if (crc)
		return crc;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, FILE_MAGIC, 8);
	h.endian = 0x01020304;
	h.version = 2; /* 2: each bucket's postings in order of make */
	h.stamp = *stamp;
	memcpy(h.tables, t->digest, 32);
	snprintf(h.projection, sizeof h.projection, "%s", WAM_PROJECTION_VERSION);
	h.n = ix->n;
	h.arena_n = ix->arena_n;
	h.nrecs[0] = ix->t0.off[(size_t)1 << ix->t0.bits];
	h.nrecs[1] = ix->t1.off[(size_t)1 << ix->t1.bits];
	h.nrecs[2] = ix->t2.off[(size_t)1 << ix->t2.bits];
	h.nsorted = ix->nsorted;
	h.bits0 = ix->t0.bits;
	h.bits1 = ix->t1.bits;
	h.bits2 = ix->t2.bits;
	body_chunks(ix, c, &nc);
	strings_of(ix, &strings);
	c[nc++] = (chunk){strings.p, strings.n};
	h.strings = strings.n;
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	for (size_t i = 0; i < nc; i++)
		crypto_generichash_update(&hs, c[i].p, c[i].size);
	crypto_generichash_final(&hs, h.digest, 32);

	FILE *f; /* serials are sensitive: a new owner-only file, renamed over the index */
	int rc = wam_file_create_temp(&f, tmp, sizeof tmp, path, "index");
	if (rc)
		goto done;
	bool ok = fwrite(&h, sizeof h, 1, f) == 1;
	for (size_t i = 0; ok && i < nc; i++)
		ok = !c[i].size || fwrite(c[i].p, c[i].size, 1, f) == 1;
	ok = fflush(f) == 0 && ok && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		rc = wam_error_set(WAM_EIO, "index", "cannot write the serial index %s", path);
	}
done:
	wam_buf_free(&strings);
	return rc;
}

static int corrupt(const char *path, const char *why)
{
	return wam_error_set(WAM_EINTEGRITY, "index", "the serial index %s cannot be used: %s", path, why);
}

int wam_match_index_load(wam_match_index **out, const char *path, wam_index_stamp *stamp)
{
	const wam_match_tables *t = wam_match_tables_get();
	file_header h;
	int rc = 0;
	*out = NULL;
	if (!t)
		return WAM_EIO;
	FILE *f = fopen(path, "rb");
	if (!f)
		return wam_error_set(WAM_ENOTFOUND, "index", "no serial index at %s", path);
	wam_match_index *ix = wam_match_index_new();
	if (!ix) {
		fclose(f);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	if (fread(&h, sizeof h, 1, f) != 1 || memcmp(h.magic, FILE_MAGIC, 8) != 0 || h.endian != 0x01020304 ||
	    h.version != 2) {
		rc = corrupt(path, "not a serial index of this version");
		goto fail;
	}
	if (memcmp(h.tables, t->digest, 32) != 0 || strncmp(h.projection, WAM_PROJECTION_VERSION, sizeof h.projection)) {
		rc = corrupt(path, "made with other matcher tables or an older layout");
		goto fail;
	}
	if (h.n >= ALT_FLAG || h.bits0 > 28 || h.bits1 > 28 || h.bits2 > 28 || h.bits0 < 16 || h.bits1 < 16 ||
	    h.bits2 < 16 || h.nrecs[0] > 2 * h.n + 2 || h.nrecs[1] > 2 * 64 * h.n + 64 || h.nrecs[2] > 8 * h.n + 8 ||
	    h.arena_n > 260 * h.n + 64 || h.strings > (1u << 30)) {
		rc = corrupt(path, "its header is inconsistent");
		goto fail;
	}
	size_t n = (size_t)h.n;
	ix->n = ix->cap = (uint32_t)n;
	ix->id = malloc((n ? n : 1) * sizeof *ix->id);
	ix->koff = malloc((n ? n : 1) * sizeof *ix->koff);
	ix->klen = malloc(n ? n : 1);
	ix->attrs = malloc((n ? n : 1) * sizeof *ix->attrs);
	ix->alt = malloc((n ? n : 1) * sizeof *ix->alt);
	ix->arena_cap = h.arena_n + 1;
	ix->arena = malloc(ix->arena_cap);
	const unsigned bits[3] = {h.bits0, h.bits1, h.bits2};
	tier *tiers[3] = {&ix->t0, &ix->t1, &ix->t2};
	bool allocated = ix->id && ix->koff && ix->klen && ix->attrs && ix->alt && ix->arena;
	for (int ti = 0; ti < 3; ti++) {
		tiers[ti]->bits = bits[ti];
		tiers[ti]->off = malloc((((size_t)1 << bits[ti]) + 1) * sizeof(uint32_t));
		tiers[ti]->recs = malloc((h.nrecs[ti] ? h.nrecs[ti] : 1) * sizeof(uint32_t));
		allocated = allocated && tiers[ti]->off && tiers[ti]->recs;
		if (tiers[ti]->off) /* body_chunks reads the last offset for the size */
			tiers[ti]->off[(size_t)1 << bits[ti]] = (uint32_t)h.nrecs[ti];
	}
	char *strings = malloc(h.strings + 1);
	if (!allocated || !strings) {
		free(strings);
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	ix->arena_n = h.arena_n;
	ix->nsorted = (size_t)h.nsorted;
	ix->sorted_n = (uint32_t)n;
	ix->pre = malloc((n ? 2 * n : 1) * sizeof *ix->pre);
	ix->suf = malloc((n ? 2 * n : 1) * sizeof *ix->suf);
	if (!ix->pre || !ix->suf || h.nsorted > 2 * (uint64_t)n) {
		free(strings);
		rc = !ix->pre || !ix->suf ? wam_error_set(WAM_ENOMEM, NULL, "out of memory")
		                          : corrupt(path, "its header is inconsistent");
		goto fail;
	}
	chunk c[16];
	size_t nc;
	body_chunks(ix, c, &nc);
	c[nc++] = (chunk){strings, h.strings};
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, 32);
	bool ok = true;
	for (size_t i = 0; ok && i < nc; i++) {
		ok = !c[i].size || fread(c[i].p, c[i].size, 1, f) == 1;
		if (ok)
			crypto_generichash_update(&hs, c[i].p, c[i].size);
	}
	unsigned char digest[32];
	crypto_generichash_final(&hs, digest, 32);
	if (!ok || getc(f) != EOF || memcmp(digest, h.digest, 32) != 0) {
		free(strings);
		rc = corrupt(path, "its content does not match its digest");
		goto fail;
	}
	/* offsets must rise and stay within the postings, postings name records */
	for (int ti = 0; ti < 3 && ok; ti++) {
		const tier *tr = tiers[ti];
		size_t nb = (size_t)1 << bits[ti];
		for (size_t b = 0; b < nb && ok; b++)
			ok = tr->off[b] <= tr->off[b + 1];
		ok = ok && tr->off[0] == 0 && tr->off[nb] == h.nrecs[ti];
		for (size_t i = 0; i < h.nrecs[ti] && ok; i++) {
			uint32_t r = tr->recs[i] & ~ALT_FLAG;
			ok = r < n && (!(tr->recs[i] & ALT_FLAG) || ix->alt[r]);
		}
		/* a search bisects each bucket by make: an unsorted one would hide postings */
		for (size_t b = 0; b < nb && ok; b++)
			for (uint32_t i = tr->off[b] + 1; i < tr->off[b + 1] && ok; i++)
				ok = ix->attrs[tr->recs[i - 1] & ~ALT_FLAG].make <= ix->attrs[tr->recs[i] & ~ALT_FLAG].make;
	}
	for (int ti = 0; ti < 3; ti++)
		tiers[ti]->make_sorted = ok;
	for (size_t i = 0; i < ix->nsorted && ok; i++) { /* and so must the sorted keys */
		uint32_t a = ix->pre[i] & ~ALT_FLAG, b = ix->suf[i] & ~ALT_FLAG;
		ok = a < n && b < n && (!(ix->pre[i] & ALT_FLAG) || ix->alt[a]) && (!(ix->suf[i] & ALT_FLAG) || ix->alt[b]);
	}
	if (!ok) {
		free(strings);
		rc = corrupt(path, "its postings are damaged");
		goto fail;
	}
	/* the interned strings, re-interned in order so ids stay the same */
	const char *p = strings, *end = strings + h.strings;
	strings[h.strings] = '\0';
	for (int a = 0; a < 4 && p < end; a++) {
		size_t count = strtoul(p, NULL, 10);
		p += strlen(p) + 1;
		for (size_t i = 0; i < count && p < end; i++) {
			if (wam_ix_intern(&ix->attr[a], p, true) != i + 1)
				ok = false;
			p += strlen(p) + 1;
		}
	}
	free(strings);
	if (!ok) {
		rc = corrupt(path, "its attribute table is damaged");
		goto fail;
	}
	/* no offset may point outside the arena */
	bool ends = ix->arena_n == 0 || ix->arena[ix->arena_n - 1] == '\0'; /* no strlen runs past the end */
	for (uint32_t r = 0; r < ix->n && ends; r++)
		if (ix->koff[r] + 2 * (size_t)ix->klen[r] + 1 >= ix->arena_n || ix->alt[r] > ix->arena_n ||
		    ix->arena[ix->koff[r] + ix->klen[r]] != '\0') {
			ends = false;
			break;
		}
	if (!ends) {
		rc = corrupt(path, "a key lies outside the key arena");
		goto fail;
	}
	fclose(f);
	*stamp = h.stamp;
	*out = ix;
	return 0;
fail:
	fclose(f);
	wam_match_index_free(ix);
	return rc;
}
