/* Fuzz target: `wam trace import FILE` and POST /traces/import — a signed
 * wam-trace/1 document from another registry (docs/formats/trace-request.md):
 * the JSON, its shape, the peer and signature checks, then the request,
 * acknowledgement or response it carries.
 *
 * The target's registry (Haiti) trusts one peer, a registry of the United
 * States whose key is made here from a fixed seed, and has one outgoing
 * request sent to it (@REQUEST@ in a seed stands for its id). Each input is
 * imported twice: as it is, so that a changed byte meets the signature
 * check; then, when it is a JSON object, signed again with the peer's key,
 * so that the checks behind the signature see every change too. Each import
 * is undone afterwards (one enclosing command, rolled back), so every input
 * meets the same registry.
 *
 * WAM_FUZZ_WRITE_SEEDS=DIR makes the target write its seed documents,
 * signed, into DIR and exit: fuzz/corpus/trace_import was made so. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/error.h"
#include "wam/ledger.h"
#include "wam/registry.h"
#include "wam/trace.h"

#define PEER_NODE "01J0000000000000000000SEND"

static wam_db *db;
static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1];

/* Signs `doc` as its sender would: over the canonical JSON without
 * "signature". False when it cannot be written canonically. */
static bool sign(json_t *doc)
{
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	size_t n;
	json_object_del(doc, "signature");
	char *canon = wam_ledger_canonical_json(doc, &n);
	if (!canon)
		return false;
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, n, sk);
	free(canon);
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	json_object_set_new(doc, "signature", json_string(hex));
	return true;
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_trace_import: %s: %s\n", what, wam_error_last()->message);
	abort();
}

/* The outgoing request the seeds' acknowledgements and responses answer. */
static void send_request(void)
{
	json_t *draft =
	    json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:s}", "item_id",
	              fuzz_value("@ITEM@"), "reference", "PNH-TR-2026-001", "requesting", "state", "HT", "agency",
	              "PNH/BLTS", "contact", "name", "Cmdr. Pierre", "email", "traces@pnh.example", "requested",
	              "state", "US", "via", "national_contact_point", "illicit_reason", "illicit_national_law",
	              "justification", "possession without licence", "intended_use", "criminal proceedings", "urgency",
	              "urgent", "confidentiality", "restricted", "notes", "fuzz");
	json_t *out = NULL, *sent = NULL, *when = json_pack("{s:s}", "date", "2026-01-05");
	if (wam_trace_request_draft(db, &out, draft))
		fail("draft");
	const char *id = json_string_value(json_object_get(out, "id"));
	fuzz_placeholder("@REQUEST@", id);
	if (wam_trace_request_send(db, &sent, id, when))
		fail("send");
	json_decref(draft);
	json_decref(out);
	json_decref(sent);
	json_decref(when);
}

static void start(void)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	if (sodium_init() < 0)
		abort();
	memset(seed, 0x5a, sizeof seed); /* a fixed key: the seeds stay signed by it */
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
	db = fuzz_registry(60);
	json_t *peer = json_pack("{s:s, s:s, s:s, s:s}", "node_id", PEER_NODE, "name", "United States registry",
	                         "country", "US", "public_key", pkhex),
	       *out = NULL;
	if (wam_trace_peer_add(db, &out, peer))
		fail("peer add");
	json_decref(peer);
	json_decref(out);
	send_request();
}

/* Imports `doc`, then undoes it. */
static void import_undone(const json_t *doc)
{
	json_t *out = NULL;
	if (wam_db_begin(db))
		fail("begin");
	wam_trace_request_import(db, &out, doc);
	json_decref(out);
	wam_db_rollback(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		start();
	size_t n;
	char *text = fuzz_text(data, size, &n);
	json_error_t err;
	json_t *doc = json_loadb(text, n, 0, &err);
	free(text);
	if (!doc)
		return 0;
	import_undone(doc);
	if (json_is_object(doc) && sign(doc))
		import_undone(doc);
	json_decref(doc);
	return 0;
}

/* ---- the seed documents ---- */

static const char *const seeds[][2] = {
    {"request.json",
     "{\"format\": \"wam-trace/1\", \"kind\": \"request\", \"created\": \"2026-02-12T09:14:03.120Z\","
     " \"request\": {\"id\": \"01J0000000000000000000REQ1\", \"reference\": \"ATF-2026-0042\","
     " \"requesting\": {\"state\": \"US\", \"agency\": \"ATF NTC\", \"contact\": {\"name\": \"J. Doe\","
     " \"email\": \"ntc@example.org\", \"phone\": \"+1 304 260 1500\"}},"
     " \"requested\": {\"state\": \"HT\", \"agency\": \"PNH\", \"via\": \"national_contact_point\"},"
     " \"item\": {\"make\": \"Norinco\", \"model\": \"Type 56\", \"category\": \"SA4\", \"calibre\": \"7.62x39mm\","
     " \"serial\": \"56-1234567\", \"country\": \"CN\", \"import_country\": \"HT\", \"year\": 1978,"
     " \"markings\": [{\"component\": \"frame_receiver\", \"kind\": \"serial\", \"text\": \"56-1234567\"}],"
     " \"photos\": [\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"]},"
     " \"illicit_reason\": \"unauthorised_transfer\", \"justification\": \"seized in a shipment to Haiti\","
     " \"recovery\": {\"date\": \"2026-01-10\", \"place\": \"Miami\", \"circumstances\": \"port inspection\"},"
     " \"intended_use\": \"criminal proceedings\", \"confidentiality\": \"restricted\", \"urgency\": \"urgent\","
     " \"sent\": \"2026-02-12\", \"ack_due\": \"2026-02-22\", \"reply_due\": \"2026-03-14\"}}"},
    {"acknowledgement.json",
     "{\"format\": \"wam-trace/1\", \"kind\": \"acknowledgement\", \"created\": \"2026-01-07T10:00:00.000Z\","
     " \"request\": {\"id\": \"@REQUEST@\", \"reference\": \"PNH-TR-2026-001\"},"
     " \"acknowledgement\": {\"date\": \"2026-01-07\", \"note\": \"file 2026/17, held by the NTC\"}}"},
    {"response.json",
     "{\"format\": \"wam-trace/1\", \"kind\": \"response\", \"created\": \"2026-01-20T10:00:00.000Z\","
     " \"request\": {\"id\": \"@REQUEST@\", \"reference\": \"PNH-TR-2026-001\"},"
     " \"response\": {\"result\": \"record_found\", \"date\": \"2026-01-20\","
     " \"chain\": [{\"date\": \"1979-03-01\", \"from\": \"Norinco\", \"consignee\": \"Arms dealer\", \"country\": "
     "\"US\","
     " \"licence\": \"EXP-1979-12\", \"euc\": \"EUC-77\", \"note\": \"export\"}],"
     " \"last_holder\": {\"name\": \"A. Dealer\", \"type\": \"dealer\", \"country\": \"US\", \"date\": \"2019-05-02\"},"
     " \"point_of_diversion\": {\"category\": \"civilian_holder\", \"country\": \"US\", \"date\": \"2020-01-01\","
     " \"description\": \"reported stolen\"}, \"confidentiality\": \"restricted\", \"notes\": \"see file\"}}"},
    /* a party known by its name: the peer asks as a Panel of Experts, trusted under that name */
    {"request-panel.json",
     "{\"format\": \"wam-trace/1\", \"kind\": \"request\", \"created\": \"2026-02-14T09:00:00.000Z\","
     " \"request\": {\"id\": \"01J0000000000000000000REQ3\", \"reference\": \"POE-2026-0007\","
     " \"sent\": \"2026-02-14\", \"requesting\": {\"kind\": \"panel\", \"name\": \"UNITED STATES registry\","
     " \"contact\": {\"name\": \"Arms expert\"}}, \"requested\": {\"state\": \"HT\"},"
     " \"item\": {\"make\": \"Beretta\", \"category\": \"SA4\", \"calibre\": \"5.56x45mm\", \"serial\": \"AR1108842\"},"
     " \"illicit_reason\": \"embargo_violation\", \"justification\": \"resolution 2127 (2013)\","
     " \"intended_use\": \"report to the Committee\", \"confidentiality\": \"restricted\", \"urgency\": \"routine\"}}"},
    {"response-delayed.json",
     "{\"format\": \"wam-trace/1\", \"kind\": \"response\", \"created\": \"2026-01-20T10:00:00.000Z\","
     " \"request\": {\"id\": \"@REQUEST@\", \"reference\": \"PNH-TR-2026-001\"},"
     " \"response\": {\"result\": \"delayed\", \"date\": \"2026-01-20\", \"restriction_reason\": \"records archived\","
     " \"reply_due\": \"2026-03-01\"}}"},
};

/* Writes the seeds, signed, into `dir`; checks that each imports. */
static int write_seeds(const char *dir)
{
	int bad = 0;
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		json_error_t err;
		json_t *doc = json_loads(seeds[i][1], 0, &err), *out = NULL;
		if (!doc) {
			fprintf(stderr, "%s: %s\n", seeds[i][0], err.text);
			return 1;
		}
		json_object_set_new(doc, "node",
		                    json_pack("{s:s, s:s, s:s, s:s}", "node_id", PEER_NODE, "name",
		                              "United States registry", "country", "US", "public_key", pkhex));
		/* the sender's ledger head, which a document carries */
		json_object_set_new(doc, "head",
		                    json_pack("{s:i, s:s}", "seq", 42, "hash",
		                              "6f1ed002ab5595859014ebf0951522d9dcc4f6da24e6b6e5a3e2ab5d4fc2e1e0"));
		sign(doc);
		/* the placeholders stay in the file; checked with them replaced */
		char *text = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS), path[512];
		size_t n;
		char *real = fuzz_text((const uint8_t *)text, strlen(text), &n);
		json_t *check = json_loads(real, 0, &err);
		if (check && strstr(text, "@REQUEST@"))
			sign(check);
		if (wam_db_begin(db))
			fail("begin");
		int rc = wam_trace_request_import(db, &out, check);
		wam_db_rollback(db);
		fprintf(stderr, "%s: %s\n", seeds[i][0], rc ? wam_error_last()->message : "imports");
		bad |= rc != 0;
		snprintf(path, sizeof path, "%s/%s", dir, seeds[i][0]);
		FILE *f = fopen(path, "w");
		if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f))
			bad = 1;
		json_decref(out);
		json_decref(check);
		json_decref(doc);
		free(real);
		free(text);
	}
	return bad;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *dir = getenv("WAM_FUZZ_WRITE_SEEDS");
	if (dir) {
		start();
		exit(write_seeds(dir));
	}
	return 0;
}
