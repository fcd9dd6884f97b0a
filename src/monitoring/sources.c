/* Sources and who may see them: a source's identity (who or what told the
 * cell) is sealed with XChaCha20-Poly1305 under the registry's subkey for
 * sources (store/secret.c), padded to a bucket of 64 bytes, with
 * "<observation id>#<source index>" as associated data, so
 * neither the ledger nor the projection nor a copy of either holds it in
 * clear; it is opened only for the principal who recorded the
 * observation, a role allowed WAM_ACT_READ_SOURCES and the registry's
 * owner, and each opening is logged. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "monitoring/room.h"
#include "wam/auth.h"

json_t *mon_recorded_by(wam_db *db)
{
	const wam_principal *p = wam_db_principal(db);
	if (!p || !p->kind[0])
		return json_pack("{s:s, s:n, s:s}", "kind", "owner", "id", "name", db->actor);
	return json_pack("{s:s, s:s, s:s}", "kind", p->kind, "id", p->id, "name", p->name);
}

bool mon_may_open(wam_db *db, const json_t *recorded_by)
{
	const wam_principal *p = wam_db_principal(db);
	if (!p || !p->kind[0])
		return true;
	if (wam_auth_allows(p->role, WAM_ACT_READ_SOURCES))
		return true;
	const char *kind = json_string_value(json_object_get(recorded_by, "kind"));
	const char *id = json_string_value(json_object_get(recorded_by, "id"));
	return kind && id && !strcmp(kind, p->kind) && !strcmp(id, p->id);
}

void mon_fold(char *out, size_t cap, const char *s)
{
	utf8proc_uint8_t *m = NULL;
	size_t n = 0;
	out[0] = '\0';
	if (!s || utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
	                       UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
	                           UTF8PROC_STRIPMARK) < 0)
		return;
	for (const utf8proc_uint8_t *p = m; *p;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
		if (len <= 0)
			break;
		p += len;
		utf8proc_category_t c = utf8proc_category(cp);
		bool keep = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		            (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
		if (!keep || n + 4 >= cap)
			continue;
		n += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + n);
	}
	out[n] = '\0';
	free(m);
}

int mon_identity_tag(wam_db *db, char out[65], const char *identity)
{
	unsigned char key[32], h[32];
	char norm[4096];
	mon_fold(norm, sizeof norm, identity);
	/* an identity of no letter or digit is keyed as typed */
	const char *what = norm[0] ? norm : identity;
	int rc = wam_db_secret_key(db, WAM_SECRET_SOURCES_TAG, key);
	if (rc)
		return rc;
	crypto_generichash(h, sizeof h, (const unsigned char *)what, strlen(what), key, sizeof key);
	sodium_memzero(key, sizeof key);
	sodium_memzero(norm, sizeof norm);
	wam_hex(out, h, sizeof h);
	return 0;
}

static int source_key(wam_db *db, unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32, "a 32-byte key");
	return wam_db_secret_key(db, WAM_SECRET_SOURCES, key);
}

/* The associated data of source `index` of observation `obs_id`:
 * "<observation id>#<index>", so that a sealed identity opens only in its
 * own place. */
static size_t seal_ad(char ad[64], const char *obs_id, size_t index)
{
	int n = snprintf(ad, 64, "%.40s#%zu", obs_id, index);
	return n > 0 && n < 64 ? (size_t)n : 0;
}

int mon_seal(wam_db *db, char **out, const char *obs_id, size_t index, const char *identity)
{
	unsigned char key[32];
	char ad[64];
	size_t n = strlen(identity), padded = 0, adlen = seal_ad(ad, obs_id, index);
	/* padded to a multiple of MON_SEAL_BUCKET: the sealed length tells
	 * only the identity's bucket, not its length */
	size_t cap = (n / MON_SEAL_BUCKET + 1) * MON_SEAL_BUCKET;
	size_t len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + cap + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *box = malloc(len), *plain = malloc(cap);
	size_t b64 = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	*out = malloc(b64);
	int rc = box && plain && *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (!rc) {
		memcpy(plain, identity, n);
		if (sodium_pad(&padded, plain, n, MON_SEAL_BUCKET, cap) || padded != cap)
			rc = wam_error_set(WAM_EINVAL, "identity", "an identity cannot be padded for sealing");
	}
	if (!rc)
		rc = source_key(db, key);
	if (!rc) {
		unsigned long long clen = 0;
		randombytes_buf(box, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
		crypto_aead_xchacha20poly1305_ietf_encrypt(box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
		                                           plain, cap, (const unsigned char *)ad, adlen, NULL, box,
		                                           key);
		sodium_bin2base64(*out, b64, box, len, sodium_base64_VARIANT_ORIGINAL);
	}
	sodium_memzero(key, sizeof key);
	if (plain)
		sodium_memzero(plain, cap);
	free(plain);
	free(box);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int mon_unseal(wam_db *db, char **out, const char *obs_id, size_t index, const char *sealed)
{
	unsigned char key[32];
	char ad[64];
	size_t cap = strlen(sealed), len = 0, adlen = seal_ad(ad, obs_id, index);
	unsigned char *box = malloc(cap + 1);
	*out = NULL;
	if (!box)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if (sodium_base642bin(box, cap + 1, sealed, cap, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    len < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
		free(box);
		return wam_error_set(WAM_EINTEGRITY, "identity", "a sealed identity of observation %.40s is damaged",
		                     obs_id);
	}
	int rc = source_key(db, key);
	if (rc) {
		free(box);
		return rc;
	}
	size_t mlen = len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES - crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned long long got = 0;
	size_t unpadded = 0;
	char *m = malloc(mlen + 1);
	if (!m)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	else if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	             (unsigned char *)m, &got, NULL, box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	             len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)ad, adlen, box, key) ||
	         sodium_unpad(&unpadded, (const unsigned char *)m, (size_t)got, MON_SEAL_BUCKET))
		rc = wam_error_set(WAM_EINTEGRITY, "identity",
		                   "a sealed identity of observation %.40s does not open with this registry's key",
		                   obs_id);
	sodium_memzero(key, sizeof key);
	free(box);
	if (rc) {
		if (m)
			sodium_memzero(m, mlen);
		free(m);
		return rc;
	}
	m[unpadded] = '\0';
	*out = m;
	return 0;
}

int mon_sources_show(wam_db *db, json_t *obs, const char *id)
{
	json_t *sources = json_object_get(obs, "sources"), *s, *opened = json_array();
	bool may = mon_may_open(db, json_object_get(obs, "recorded_by"));
	size_t i;
	int rc = opened ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(sources, i, s)
	{
		const char *sealed = json_string_value(json_object_get(s, "identity_sealed"));
		json_object_set_new(s, "identity_held", json_boolean(sealed != NULL));
		if (!rc && sealed && may) {
			char *identity = NULL, field[40];
			/* one identity that does not open (a lost or another key)
			 * does not hide the observation: it says so */
			if (mon_unseal(db, &identity, id, i, sealed)) {
				wam_error_clear();
				json_object_set_new(s, "identity_unreadable", json_true());
				json_object_del(s, "identity_sealed");
				json_object_del(s, "identity_tag");
				continue;
			}
			json_object_set_new(s, "identity", json_string(identity));
			sodium_memzero(identity, strlen(identity));
			free(identity);
			snprintf(field, sizeof field, "sources[%zu].identity", i);
			json_array_append_new(opened, json_string(field));
		}
		json_object_del(s, "identity_sealed");
		json_object_del(s, "identity_tag");
	}
	/* nothing opened is shown unless its read is logged (a read-only
	 * handle shows no identity) */
	if (!rc && json_array_size(opened) && wam_auth_log_read(db, id, opened, "monitoring: observation")) {
		json_array_foreach(sources, i, s) json_object_del(s, "identity");
		wam_error_clear();
	}
	json_decref(opened);
	return rc;
}
