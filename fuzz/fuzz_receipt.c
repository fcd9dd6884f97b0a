/* Fuzz target: `wam verify --expect-head FILE` and `--expect-key HEX` — a
 * receipt of the head (wam-head/1, docs/ledger.md) kept by an auditor, and
 * the key an auditor trusts: their shape, the signature over the canonical
 * JSON, the head they name in the ledger.
 *
 * The target's registry is a small demo. Each input is checked twice: as it
 * is (as --expect-head), so that a changed byte meets the signature check;
 * then, when it is a JSON object, laid over a true receipt of this registry
 * and signed again with the node's key, so that the checks behind the
 * signature (format, node, key, seq, hash) see every change too. The input's
 * first line is also given as --expect-key. Verify writes nothing, so every
 * input meets the same registry. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "internal.h"
#include "wam/ledger.h"

static wam_db *db;
static json_t *truth; /* a true receipt of the registry's head */

/* Signs `r` with the node's key, as wam_ledger_head_receipt() does. */
static void sign(json_t *r)
{
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	size_t n;
	json_object_del(r, "signature");
	char *canon = wam_ledger_canonical_json(r, &n);
	if (!canon)
		return;
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, n, db->sk);
	free(canon);
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	json_object_set_new(r, "signature", json_string(hex));
}

static void check(const json_t *receipt, const char *key)
{
	wam_verify_opts o = {.flags = WAM_VERIFY_CHAIN_ONLY, .expect_key = key, .expect_head = receipt};
	wam_verify_report r;
	wam_ledger_verify_with(db, &o, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		db = fuzz_registry(30);
		if (wam_ledger_head_receipt(db, &truth))
			abort();
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	json_t *doc = json_loadb(text, size, 0, NULL);
	if (doc)
		check(doc, NULL);
	if (json_is_object(doc)) {
		json_t *r = json_deep_copy(truth);
		json_object_update(r, doc);
		sign(r);
		check(r, NULL);
		json_decref(r);
	}
	json_decref(doc);
	text[strcspn(text, "\n")] = '\0';
	check(truth, text);
	free(text);
	return 0;
}
