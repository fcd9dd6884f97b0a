/* Exchange between registries: a trace request, its acknowledgement or the
 * response to it leaves as a signed JSON document
 * (docs/formats/trace-request.md) and is imported by the other registry,
 * which accepts it only from a registry it was told to trust (a peer: node
 * id and public key) and only if the signature covers the document as
 * received. The signature is over the
 * canonical JSON of the document without its "signature", so any carrier —
 * a file, an email, the API — may reformat it without breaking it, and no
 * change of meaning survives. */
#include <sodium.h>
#include <string.h>

#include "internal.h"
#include "store/field.h"
#include "trace/request.h"
#include "wam/trace.h"

#define FORMAT "wam-trace/1"

static const char *const peer_fields[] = {"name", "country", "node_id", "public_key", NULL};

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int wam_trace_node(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "the node");
	}
	json_t *rows;
	*out = NULL;
	/* the key as the ledger records it: readable without the secret key file */
	int rc = wam_query_rows(db, &rows,
	                        "SELECT n.id AS node_id, r.name, r.country, n.public_key FROM nodes n"
	                        " LEFT JOIN registry r ON r.node_id=n.id WHERE n.id=?",
	                        db->node_id, NULL);
	if (rc)
		return rc;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return wam_error_set(WAM_EINTEGRITY, "node", "this registry's node %s has no public key in the ledger",
		                     db->node_id);
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

/* A peer as the list and the changes to it show it: `active` while its key
 * is trusted, and once revoked when (event seq and time) and why. */
#define PEER_SELECT                                                                                                    \
	"SELECT node_id, name, country, public_key, seq, revoked_seq IS NULL AS active, revoked_seq, revoked_at,"      \
	" revoked_reason, head_seq, head_hash, head_at FROM peers"

/* Turns the `active` column (0/1 from SQLite) of each row into a boolean. */
static void peer_booleans(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		json_object_set_new(row, "active", json_boolean(json_integer_value(json_object_get(row, "active"))));
	}
}

static int peer_row(wam_db *db, json_t **out, const char *node_id)
{
	json_t *rows;
	int rc = wam_query_rows(db, &rows, PEER_SELECT " WHERE node_id=?", node_id, NULL);
	if (rc)
		return rc;
	peer_booleans(rows);
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

int wam_trace_peer_list(wam_db *db, json_t **out)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "peers");
	}
	int rc = wam_query_rows(db, out, PEER_SELECT " ORDER BY name, node_id", NULL, NULL);
	if (!rc)
		peer_booleans(*out);
	return rc;
}

/* The revocation of `key` as the ledger recorded it: {node_id, seq, time,
 * reason}, or NULL in `*rev` when it was never revoked. Any node that ever
 * had a key revoked keeps its row in peers, so its events are found
 * through the subject index, not by reading the whole ledger. */
static int key_revocation(wam_db *db, json_t **rev, const char *key)
{
	json_t *rows;
	*rev = NULL;
	int rc = wam_query_rows(db, &rows,
	                        "SELECT subject AS node_id, seq, time, json_extract(payload,'$.reason') AS reason"
	                        " FROM events WHERE subject IN (SELECT node_id FROM peers) AND type='peer.revoked'"
	                        " AND json_extract(payload,'$.public_key')=?1"
	                        " ORDER BY seq DESC LIMIT 1",
	                        key, NULL);
	if (rc)
		return rc;
	*rev = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return 0;
}

static bool is_hex(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return false;
	return true;
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

int wam_trace_peer_add(wam_db *db, json_t **out, const json_t *peer)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "peers");
	}
	json_t *p = json_object(), *rows = NULL;
	char node[WAM_ID_LEN + 1], key[65];
	int rc;
	if (out)
		*out = NULL;
	if (!json_is_object(peer)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a peer is a JSON object");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_trace_check_fields(peer, peer_fields, "")) ||
	    (rc = wam_take_text(p, peer, "name", "name", 0, WAM_MAX_TEXT, 0)) ||
	    (rc = wam_take_country(db, p, peer, "country", "country", WAM_FIELD_REQUIRED, 0)))
		goto fail;
	const char *id = str(peer, "node_id"), *pk = str(peer, "public_key");
	if (!id || strlen(id) != WAM_ID_LEN) {
		rc = wam_error_set(WAM_EINVAL, "node_id",
		                   "node_id must be the registry's node id (a 26-character ULID)");
		goto fail;
	}
	snprintf(node, sizeof node, "%s", id);
	for (char *c = node; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	if (!wam_is_ulid(node)) {
		rc = wam_error_set(WAM_EINVAL, "node_id", "node_id '%.30s' is not a ULID", id);
		goto fail;
	}
	/* a registry made without a name (`wam init --country`) is known by
	 * its country and node id: its `wam --json node` is taken as it is */
	if (wam_absent(json_object_get(p, "name"))) {
		char name[8 + WAM_ID_LEN];
		snprintf(name, sizeof name, "%s %s", str(p, "country"), node);
		json_object_set_new(p, "name", json_string(name));
	}
	if (!strcmp(node, db->node_id)) {
		rc = wam_error_set(WAM_EINVAL, "node_id", "node_id %s is this registry itself", node);
		goto fail;
	}
	if (!is_hex(pk, 64)) {
		rc =
		    wam_error_set(WAM_EINVAL, "public_key", "public_key must be an Ed25519 public key (64 hex digits)");
		goto fail;
	}
	snprintf(key, sizeof key, "%s", pk);
	lower(key);
	/* a revoked key is never trusted again, under any node id: whoever holds
	 * it may not be the registry it was given by */
	if ((rc = key_revocation(db, &rows, key)))
		goto fail;
	if (rows) {
		rc = wam_error_set(
		    WAM_ECONFLICT, "public_key",
		    "this public key of node %s was revoked at %s (%s): a revoked key is not trusted again",
		    str(rows, "node_id"), str(rows, "time"), str(rows, "reason") ? str(rows, "reason") : "");
		goto fail;
	}
	/* a node id revoked may be trusted again with a new key (it re-keyed) */
	if ((rc = wam_query_rows(
	         db, &rows, "SELECT node_id FROM peers WHERE (node_id=?1 AND revoked_seq IS NULL) OR public_key=?2",
	         node, key)))
		goto fail;
	if (json_array_size(rows)) {
		rc = wam_error_set(WAM_ECONFLICT, "node_id",
		                   "a peer with node id %s or this public key is already trusted", node);
		goto fail;
	}
	json_object_set_new(p, "public_key", json_string(key));
	if ((rc = wam_ledger_append(db, "peer.added", node, p, NULL)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = peer_row(db, out, node);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(rows);
	return rc;
}

int wam_trace_peer_revoke(wam_db *db, json_t **out, const char *node_id, const json_t *details)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "peers");
	}
	static const char *const revoke_fields[] = {"reason", NULL};
	json_t *p = json_object(), *row = NULL;
	int rc;
	if (out)
		*out = NULL;
	if (!json_is_object(details)) {
		rc = wam_error_set(WAM_EINVAL, NULL, "a revocation is a JSON object: {reason}");
		goto done;
	}
	if ((rc = wam_db_begin(db)))
		goto done;
	if ((rc = wam_trace_check_fields(details, revoke_fields, "")) ||
	    (rc = wam_take_text(p, details, "reason", "reason", WAM_FIELD_REQUIRED | WAM_FIELD_MULTILINE, WAM_MAX_NOTES,
	                        0)))
		goto fail;
	/* node ids are ULIDs, kept upper-case as wam_trace_peer_add keeps them */
	char node[WAM_ID_LEN + 1];
	snprintf(node, sizeof node, "%s", node_id ? node_id : "");
	for (char *c = node; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	if ((rc = peer_row(db, &row, node)))
		goto fail;
	if (!row) {
		rc = wam_error_set(WAM_ENOTFOUND, "node_id", "no peer with node id '%.40s'", node_id ? node_id : "");
		goto fail;
	}
	if (!json_is_true(json_object_get(row, "active"))) {
		rc = wam_error_set(WAM_ECONFLICT, "node_id", "peer %s was revoked already, at %s (%s)",
		                   str(row, "node_id"), str(row, "revoked_at"),
		                   str(row, "revoked_reason") ? str(row, "revoked_reason") : "");
		goto fail;
	}
	/* the key revoked is in the event: a later re-key replaces it in the row,
	 * and the ledger still says which key may never come back */
	json_object_set(p, "public_key", json_object_get(row, "public_key"));
	if ((rc = wam_ledger_append(db, "peer.revoked", str(row, "node_id"), p, NULL)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = peer_row(db, out, str(row, "node_id"));
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(p);
	json_decref(row);
	return rc;
}

/* How many earlier heads a document lists, at most (as SQL text). */
#define EARLIER_HEADS "64"

/* Records the export (trace.exported {to, kind}, `to` the state the
 * document goes to, or the name of the Panel, mission or manufacturer,
 * folded as names are compared) and adds to `doc`, signed with it, the sender's ledger
 * head {seq, hash} — that event — and "earlier_heads": the heads of the
 * documents exported to the same state before, newest first, at most
 * EARLIER_HEADS, each {seq, hash} re-read from the ledger as it is now. The
 * receiving registry records the head and refuses a later document whose
 * head is behind it or whose earlier heads do not hold the last head it
 * recorded with the same hash: a ledger cut back and grown again past that
 * head has lost or rewritten those export events, so it cannot show them.
 * Called inside the export's transaction. */
static int put_head(wam_db *db, json_t *doc, const char *to, const char *subject)
{
	int64_t seq;
	char hash[65];
	json_t *p = json_pack("{s:s, s:s}", "to", to, "kind", str(doc, "kind")), *rows = NULL;
	int rc;
	if (!p)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	if ((rc = wam_ledger_append(db, "trace.exported", subject, p, &seq)))
		goto done;
	wam_hex(hash, db->head_hash, WAM_HASH_LEN); /* the event just appended is the head */
	char before[24];
	snprintf(before, sizeof before, "%lld", (long long)seq);
	if ((rc = wam_query_rows(db, &rows,
	                         "SELECT seq, lower(hex(hash)) AS hash FROM events WHERE type='trace.exported'"
	                         " AND json_extract(payload,'$.to')=?1 AND seq < CAST(?2 AS INTEGER)"
	                         " ORDER BY seq DESC LIMIT " EARLIER_HEADS,
	                         to, before)))
		goto done;
	json_object_set_new(doc, "head", json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "hash", hash));
	json_object_set(doc, "earlier_heads", rows);
done:
	json_decref(p);
	json_decref(rows);
	return rc;
}

/* Signs `doc` (without "signature") with this node's key and adds the
 * signature. */
static int sign(wam_db *db, json_t *doc)
{
	int rc;
	if (!db->have_key && (rc = wam_key_load(db)))
		return rc;
	char *canon = wam_canon(doc);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	unsigned char sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), db->sk);
	free(canon);
	wam_hex(hex, sig, sizeof sig);
	json_object_set_new(doc, "signature", json_string(hex));
	return 0;
}

/* The document of an incoming request acknowledged and not answered yet
 * (`row`): {request: {id, reference}, acknowledgement: {date, note?}}, the
 * note as the acknowledgement's event recorded it. WAM_ECONFLICT naming
 * "state" for one not acknowledged either. */
static int acknowledgement_of(wam_db *db, json_t **doc, const json_t *row, const json_t *node, const char *created)
{
	json_t *rows = NULL, *ack = NULL;
	const char *id = str(row, "id");
	*doc = NULL;
	if (!str(row, "acknowledged"))
		return wam_error_set(
		    WAM_ECONFLICT, "state",
		    "incoming trace request %.40s is neither acknowledged nor answered yet: an incoming"
		    " request leaves as its acknowledgement or its response",
		    id);
	int rc = wam_query_rows(db, &rows,
	                        "SELECT payload FROM events WHERE subject=? AND type='trace.acknowledged'"
	                        " ORDER BY seq DESC LIMIT 1",
	                        id, NULL);
	if (rc)
		return rc;
	json_t *payload = json_loads(
	    str(json_array_get(rows, 0), "payload") ? str(json_array_get(rows, 0), "payload") : "{}", 0, NULL);
	ack = json_pack("{s:O}", "date", json_object_get(row, "acknowledged"));
	if (str(payload, "note"))
		json_object_set(ack, "note", json_object_get(payload, "note"));
	json_decref(payload);
	json_decref(rows);
	json_t *req = json_pack("{s:O, s:O?}", "id", json_object_get(row, "remote_id"), "reference",
	                        json_object_get(json_object_get(row, "body"), "reference"));
	*doc = json_pack("{s:s, s:s, s:s, s:O, s:o, s:o}", "format", FORMAT, "kind", "acknowledgement", "created",
	                 created, "node", node, "request", req, "acknowledgement", ack);
	return *doc ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

int wam_trace_request_export(wam_db *db, json_t **out, const char *id)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	json_t *row = NULL, *node = NULL, *doc = NULL, *rows = NULL;
	char created[WAM_TIME_LEN + 1];
	int rc;
	*out = NULL;
	if ((rc = wam_trace_row(db, &row, id)) || (rc = wam_trace_node(db, &node)))
		goto done;
	const json_t *body = json_object_get(row, "body");
	wam_time_iso(created, wam_now_ms());
	if (!strcmp(str(row, "direction"), "outgoing")) {
		if (!str(row, "sent")) {
			/* R10: only a request that passed the send check may leave */
			rc = wam_error_set(WAM_ECONFLICT, "state",
			                   "trace request %.40s is a %s: only a sent request can be exported (R10)", id,
			                   str(row, "state"));
			goto done;
		}
		json_t *req = wam_trace_public_body(body);
		json_object_set(req, "id", json_object_get(row, "id"));
		json_object_set(req, "sent", json_object_get(row, "sent"));
		json_object_set(req, "ack_due", json_object_get(row, "ack_due"));
		json_object_set(req, "reply_due", json_object_get(row, "reply_due"));
		doc = json_pack("{s:s, s:s, s:s, s:O, s:o}", "format", FORMAT, "kind", "request", "created", created,
		                "node", node, "request", req);
	} else {
		if ((rc = wam_query_rows(db, &rows,
		                         "SELECT body FROM trace_responses WHERE request_id=? ORDER BY n DESC LIMIT 1",
		                         id, NULL)))
			goto done;
		if (!str(row, "remote_id")) {
			rc = wam_error_set(
			    WAM_ECONFLICT, "remote",
			    "incoming trace request %.40s was not imported: the requesting registry has no id"
			    " to match the response to",
			    id);
			goto done;
		}
		if (!json_array_size(rows)) {
			rc = acknowledgement_of(db, &doc, row, node, created);
			goto signed_doc;
		}
		json_t *resp = json_loads(str(json_array_get(rows, 0), "body"), 0, NULL);
		if (!json_is_object(resp)) {
			json_decref(resp);
			rc = wam_error_set(WAM_EINTEGRITY, NULL, "a response of %.40s is unreadable", id);
			goto done;
		}
		if (!strcmp(str(resp, "result"), "delayed") && str(row, "reply_due"))
			json_object_set(resp, "reply_due", json_object_get(row, "reply_due"));
		json_t *req = json_pack("{s:O, s:O?}", "id", json_object_get(row, "remote_id"), "reference",
		                        json_object_get(body, "reference"));
		doc = json_pack("{s:s, s:s, s:s, s:O, s:o, s:o}", "format", FORMAT, "kind", "response", "created",
		                created, "node", node, "request", req, "response", resp);
	}
signed_doc:
	if (rc)
		goto done;
	if (!doc) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		goto done;
	}
	{
		/* the party the document goes to: the one asked, or the one asking;
		 * a state by its code, another party by its name folded */
		const json_t *party =
		    json_object_get(body, !strcmp(str(row, "direction"), "outgoing") ? "requested" : "requesting");
		char *folded = NULL;
		const char *to = str(party, "state");
		if (!wam_trace_party_is_state(party))
			to = folded = wam_trace_fold_name(str(party, "name"));
		if (!to || !*to) {
			free(folded);
			rc =
			    wam_error_set(WAM_EINTEGRITY, NULL, "trace request %.40s names no state to send it to", id);
			goto done;
		}
		if ((rc = wam_db_begin(db))) {
			free(folded);
			goto done;
		}
		rc = put_head(db, doc, to, id);
		free(folded);
		if (rc || (rc = sign(db, doc))) {
			wam_db_rollback(db);
			goto done;
		}
		if ((rc = wam_db_commit(db)))
			goto done;
	}
	*out = doc;
	doc = NULL;
done:
	json_decref(row);
	json_decref(node);
	json_decref(doc);
	json_decref(rows);
	return rc;
}

/* The trusted peer the document names, checked against its key;
 * WAM_EFORBIDDEN naming "node" otherwise — and, for a peer or a key
 * revoked, saying when and why. */
static int trusted_peer(wam_db *db, json_t **peer, const json_t *node)
{
	json_t *p = NULL, *rev = NULL;
	const char *id = str(node, "node_id"), *pk = str(node, "public_key");
	*peer = NULL;
	if (!id || !pk)
		return wam_error_set(WAM_EINVAL, "node", "the document names no node (node_id and public_key)");
	int rc = peer_row(db, &p, id);
	if (rc)
		return rc;
	if (!p)
		return wam_error_set(WAM_EFORBIDDEN, "node",
		                     "node %.40s is not a trusted peer of this registry (wam peer add)", id);
	if (!json_is_true(json_object_get(p, "active")))
		rc = wam_error_set(WAM_EFORBIDDEN, "node",
		                   "the key of node %.40s was revoked at %s (%s): its documents are no longer accepted",
		                   id, str(p, "revoked_at"), str(p, "revoked_reason") ? str(p, "revoked_reason") : "");
	else if (strcasecmp(str(p, "public_key"), pk)) {
		char key[65];
		snprintf(key, sizeof key, "%s", pk);
		lower(key);
		if (!(rc = key_revocation(db, &rev, key)))
			rc = rev && !strcmp(str(rev, "node_id"), id)
			         ? wam_error_set(WAM_EFORBIDDEN, "node",
			                         "node %.40s signs with a key this registry revoked at %s (%s)", id,
			                         str(rev, "time"), str(rev, "reason") ? str(rev, "reason") : "")
			         : wam_error_set(WAM_EFORBIDDEN, "node",
			                         "node %.40s signs with a key other than the one this registry trusts",
			                         id);
	}
	if (!rc)
		*peer = json_incref(p);
	json_decref(p);
	json_decref(rev);
	return rc;
}

/* The signature covers the canonical document without "signature", checked
 * with the key this registry trusts for the node (not the one the document
 * carries). */
static int verify(const json_t *doc, const char *public_key)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	const char *hex = str(doc, "signature");
	if (!is_hex(hex, 2 * crypto_sign_BYTES) || wam_unhex(sig, sizeof sig, hex))
		return wam_error_set(WAM_EINTEGRITY, "signature",
		                     "the document has no Ed25519 signature (128 hex digits)");
	if (wam_unhex(pk, sizeof pk, public_key))
		return wam_error_set(WAM_EINTEGRITY, "node", "the trusted key of the node is not valid");
	json_t *copy = json_copy((json_t *)doc);
	json_object_del(copy, "signature");
	char *canon = wam_canon(copy);
	json_decref(copy);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	int bad = crypto_sign_verify_detached(sig, (const unsigned char *)canon, strlen(canon), pk);
	free(canon);
	if (bad)
		return wam_error_set(
		    WAM_EINTEGRITY, "signature",
		    "the signature does not match the document: it was altered after signing, or signed by"
		    " another key");
	return 0;
}

/* A document whose head is past `was`, the last head recorded from `node`,
 * must prove its ledger still holds that head: "earlier_heads", the heads
 * of the documents its registry exported to this state before, re-read
 * from its ledger as it is now, must hold {was, was_hash}. A ledger cut back
 * before `was` and grown again has lost that export event or has another
 * event at its seq, so it cannot: WAM_EINTEGRITY naming "head", nothing
 * written. A `was` older than the oldest head listed (more documents were
 * exported since than a document lists) cannot be proven either. */
static int extends_seen(const json_t *doc, const char *node, json_int_t was, const char *was_hash, const char *at)
{
	const json_t *list = json_object_get(doc, "earlier_heads"), *h;
	json_int_t oldest = 0;
	size_t i;
	if (!json_is_array(list))
		return wam_error_set(WAM_EINVAL, "earlier_heads",
		                     "the document lists no earlier heads of its registry (earlier_heads, an array of"
		                     " {seq, hash}): it cannot show that its ledger still holds event %lld, which node"
		                     " %s showed at %s",
		                     (long long)was, node, at);
	json_array_foreach(list, i, h)
	{
		const json_t *sv = json_object_get(h, "seq");
		const char *hash = str(h, "hash");
		if (!json_is_integer(sv) || !is_hex(hash, 64))
			return wam_error_set(
			    WAM_EINVAL, "earlier_heads",
			    "earlier_heads[%zu] is not a head {seq, hash} (a sequence number and 64 hex"
			    " digits)",
			    i);
		json_int_t s = json_integer_value(sv);
		if (!oldest || s < oldest)
			oldest = s;
		if (s != was)
			continue;
		if (strcasecmp(hash, was_hash))
			return wam_error_set(
			    WAM_EINTEGRITY, "head",
			    "node %s's ledger now has another event %lld than the one a document imported"
			    " at %s showed: its ledger was cut back and rewritten since",
			    node, (long long)was, at);
		return 0;
	}
	if (oldest && was < oldest)
		return wam_error_set(WAM_EINTEGRITY, "head",
		                     "node %s's document lists earlier heads back to event %lld only, and the last"
		                     " document imported from it (at %s) showed event %lld: it cannot show that its"
		                     " ledger still holds that event",
		                     node, (long long)oldest, at, (long long)was);
	return wam_error_set(WAM_EINTEGRITY, "head",
	                     "node %s's ledger no longer holds event %lld, which a document imported at %s showed as"
	                     " its head: its ledger was cut back (and grown again) since",
	                     node, (long long)was, at);
}

/* The document (its head past the last head recorded from `peer`, as
 * peer_head checked) proves its ledger still holds that head (extends_seen).
 * Checked once the document was found to be for this registry, so a
 * document addressed elsewhere is refused for that. */
static int peer_extends(const json_t *doc, const json_t *peer)
{
	const json_t *last = json_object_get(peer, "head_seq");
	json_int_t seq = json_integer_value(json_object_get(json_object_get(doc, "head"), "seq"));
	if (!json_is_integer(last) || seq <= json_integer_value(last))
		return 0;
	return extends_seen(doc, str(peer, "node_id"), json_integer_value(last),
	                    str(peer, "head_hash") ? str(peer, "head_hash") : "",
	                    str(peer, "head_at") ? str(peer, "head_at") : "?");
}

/* The peer's head the document carries, checked against the last head
 * recorded from that peer: one behind it (a lower seq), or the same seq with
 * another hash, means the peer's ledger lost or rewrote events it had shown
 * this registry (WAM_EINTEGRITY naming "head"). `*out` is the head {seq,
 * hash} the import's event records (as "peer_head"). */
static int peer_head(json_t **out, const json_t *doc, const json_t *peer)
{
	const json_t *head = json_object_get(doc, "head"), *seqv = json_object_get(head, "seq");
	const char *hash = str(head, "hash"), *node = str(peer, "node_id");
	*out = NULL;
	if (!json_is_object(head) || !json_is_integer(seqv) || json_integer_value(seqv) < 1 || !is_hex(hash, 64))
		return wam_error_set(
		    WAM_EINVAL, "head",
		    "the document carries no ledger head {seq, hash} of its registry (a sequence number"
		    " and 64 hex digits)");
	json_int_t seq = json_integer_value(seqv);
	char lower_hash[65];
	snprintf(lower_hash, sizeof lower_hash, "%s", hash);
	lower(lower_hash);
	const json_t *last = json_object_get(peer, "head_seq");
	if (json_is_integer(last)) {
		json_int_t was = json_integer_value(last);
		const char *at = str(peer, "head_at") ? str(peer, "head_at") : "?";
		if (seq < was)
			return wam_error_set(
			    WAM_EINTEGRITY, "head",
			    "node %s's ledger went back: this document shows its head at event %lld, and a"
			    " document imported at %s showed event %lld; its newest events were cut off (or"
			    " the document is older than one already imported: ask for a new export)",
			    node, (long long)seq, at, (long long)was);
		if (seq == was && strcmp(lower_hash, str(peer, "head_hash") ? str(peer, "head_hash") : ""))
			return wam_error_set(
			    WAM_EINTEGRITY, "head",
			    "node %s's event %lld is not the one it showed before (at %s): its ledger was"
			    " rewritten",
			    node, (long long)seq, at);
	}
	*out = json_pack("{s:I, s:s}", "seq", seq, "hash", lower_hash);
	return *out ? 0 : wam_error_set(WAM_ENOMEM, NULL, "out of memory");
}

static int take_due(json_t *p, const json_t *in, const char *key, const char *field, bool required)
{
	const char *s = str(in, key);
	if (!s && !required)
		return 0;
	if (!s || !wam_date_parse(s, NULL))
		return wam_error_set(WAM_EINVAL, field, "%s must be a date YYYY-MM-DD", field);
	json_object_set_new(p, key, json_string(s));
	return 0;
}

/* A request is imported only by the party it asks: a state's request by
 * the registry of that country, a Panel's, a mission's or a manufacturer's
 * by the registry of that name (as names are compared); another's would
 * wait here for an answer this registry cannot give. WAM_EFORBIDDEN naming
 * "request.requested.state" (or ".name") otherwise. */
static int addressed_here(wam_db *db, const json_t *body)
{
	json_t *self = NULL;
	int rc = wam_trace_node(db, &self);
	if (rc)
		return rc;
	const json_t *asked = json_object_get(body, "requested");
	const char *here = str(self, "country");
	if (wam_trace_party_is(asked, str(self, "name"), here)) {
		json_decref(self);
		return 0;
	}
	if (wam_trace_party_is_state(asked)) {
		const char *to = str(asked, "state");
		rc =
		    wam_error_set(WAM_EFORBIDDEN, "request.requested.state",
		                  "the request asks %s, and this registry is %s's: only the requested state imports it",
		                  to ? to : "no state", here ? here : "of no country");
	} else {
		const char *to = str(asked, "name"), *name = str(self, "name");
		rc = wam_error_set(WAM_EFORBIDDEN, "request.requested.name",
		                   "the request asks the %s '%.80s', and this registry is '%.80s': only the party asked"
		                   " imports it",
		                   wam_trace_party_kind(asked), to ? to : "", name ? name : "");
	}
	json_decref(self);
	return rc;
}

/* A request is imported only from the party it says asks: a trusted
 * registry cannot speak for another state (its country) nor for another
 * Panel, mission or manufacturer (its name, as this registry trusts it).
 * WAM_EFORBIDDEN naming "request.requesting.state" (or ".name") otherwise. */
static int asked_by_peer(const json_t *body, const json_t *peer)
{
	const json_t *asking = json_object_get(body, "requesting");
	const char *peer_country = str(peer, "country");
	if (wam_trace_party_is(asking, str(peer, "name"), peer_country))
		return 0;
	if (!wam_trace_party_is_state(asking)) {
		const char *from = str(asking, "name");
		return wam_error_set(
		    WAM_EFORBIDDEN, "request.requesting.name",
		    "the request says the %s '%.80s' asks, and it comes from the registry '%.80s' (node"
		    " %s): a registry asks only in its own name",
		    wam_trace_party_kind(asking), from ? from : "", str(peer, "name"), str(peer, "node_id"));
	}
	const char *from = str(asking, "state");
	return wam_error_set(WAM_EFORBIDDEN, "request.requesting.state",
	                     "the request says %s asks, and it comes from %s's registry (node %s): a registry asks"
	                     " only for its own state",
	                     from ? from : "no state", peer_country ? peer_country : "a country unknown",
	                     str(peer, "node_id"));
}

static int import_request(wam_db *db, const json_t *doc, const json_t *peer, json_t *head, char id[WAM_ID_LEN + 1])
{
	const json_t *req = json_object_get(doc, "request");
	json_t *in = NULL, *body = NULL, *p = json_object(), *rows = NULL;
	int rc;
	const char *remote_id = str(req, "id");
	if (!json_is_object(req) || !remote_id || !*remote_id || strlen(remote_id) > 40) {
		rc = wam_error_set(WAM_EINVAL, "request.id", "the document's request has no id");
		goto done;
	}
	if ((rc = wam_query_rows(db, &rows, "SELECT id FROM trace_requests WHERE remote_node=?1 AND remote_id=?2",
	                         str(peer, "node_id"), remote_id)))
		goto done;
	if (json_array_size(rows)) {
		rc = wam_error_set(WAM_ECONFLICT, "request.id", "request %.40s of node %s was imported already as %s",
		                   remote_id, str(peer, "node_id"), str(json_array_get(rows, 0), "id"));
		goto done;
	}
	if ((rc = take_due(p, req, "sent", "request.sent", true)) ||
	    (rc = take_due(p, req, "ack_due", "request.ack_due", false)) ||
	    (rc = take_due(p, req, "reply_due", "request.reply_due", false)))
		goto done;
	in = json_copy((json_t *)req);
	static const char *const envelope[] = {"id", "sent", "ack_due", "reply_due", NULL};
	for (const char *const *k = envelope; *k; k++)
		json_object_del(in, *k);
	if (json_object_get(in, "item_id") || json_object_get(in, "notes") || json_object_get(in, "direction") ||
	    json_object_get(json_object_get(in, "recovery"), "recovery_id")) {
		/* those are the sender's own, never part of an exchanged request */
		rc = wam_error_set(WAM_EINVAL, "request",
		                   "an exchanged request carries no item_id, notes, direction or recovery.recovery_id");
		goto done;
	}
	json_object_set_new(in, "direction", json_string("incoming"));
	if ((rc = wam_trace_body(db, &body, in, "request.")) || (rc = addressed_here(db, body)) ||
	    (rc = asked_by_peer(body, peer)))
		goto done;
	json_object_set(p, "body", body);
	json_object_set(p, "remote_node", json_object_get(peer, "node_id"));
	json_object_set_new(p, "remote_id", json_string(remote_id));
	json_object_set(p, "peer_head", head);
	wam_db_new_id(db, id);
	rc = wam_ledger_append(db, "trace.imported", id, p, NULL);
done:
	json_decref(in);
	json_decref(body);
	json_decref(p);
	json_decref(rows);
	return rc;
}

/* The outgoing request `rid` an acknowledgement or a response from `peer`
 * is about: WAM_ENOTFOUND naming "request.id" when there is none, and
 * WAM_EFORBIDDEN naming "node" when it was sent to another party: a
 * state's request answered by another country's registry, a Panel's,
 * mission's or manufacturer's by a registry of another name. */
static int asked_request(wam_db *db, json_t **row, const char *rid, const json_t *peer)
{
	int rc = wam_trace_row(db, row, rid);
	if (rc == WAM_ENOTFOUND || (!rc && strcmp(str(*row, "direction"), "outgoing"))) {
		json_decref(*row);
		*row = NULL;
		return wam_error_set(WAM_ENOTFOUND, "request.id", "no outgoing trace request with id '%.40s'", rid);
	}
	if (rc)
		return rc;
	const json_t *asked = json_object_get(json_object_get(*row, "body"), "requested");
	if (wam_trace_party_is(asked, str(peer, "name"), str(peer, "country")))
		return 0;
	if (wam_trace_party_is_state(asked)) {
		const char *to = str(*row, "requested_state"), *from = str(peer, "country");
		rc =
		    wam_error_set(WAM_EFORBIDDEN, "node", "request %.40s was sent to %s, not to %s (node %s)", rid,
		                  to ? to : "no state", from ? from : "a registry of no country", str(peer, "node_id"));
	} else {
		const char *to = str(asked, "name");
		rc = wam_error_set(WAM_EFORBIDDEN, "node",
		                   "request %.40s was sent to the %s '%.80s', not to the registry '%.80s' (node %s)",
		                   rid, wam_trace_party_kind(asked), to ? to : "", str(peer, "name"),
		                   str(peer, "node_id"));
	}
	json_decref(*row);
	*row = NULL;
	return rc;
}

/* The requested state acknowledged the request: recorded as an
 * acknowledgement given here would be (trace.acknowledged, with the node it
 * came from), on a request still waiting for one. */
static int import_acknowledgement(wam_db *db, const json_t *doc, const json_t *peer, json_t *head,
                                  char id[WAM_ID_LEN + 1])
{
	static const char *const ack_fields[] = {"date", "note", NULL};
	const json_t *req = json_object_get(doc, "request"), *ack = json_object_get(doc, "acknowledgement");
	json_t *row = NULL, *p = json_object();
	int rc;
	const char *rid = str(req, "id");
	if (!rid) {
		rc = wam_error_set(WAM_EINVAL, "request.id", "the acknowledgement names no request (request.id)");
		goto done;
	}
	if (!json_is_object(ack)) {
		rc = wam_error_set(WAM_EINVAL, "acknowledgement", "the document has no acknowledgement");
		goto done;
	}
	if ((rc = asked_request(db, &row, rid, peer)))
		goto done;
	const char *state = str(row, "state");
	if (strcmp(state, "sent")) {
		rc = wam_error_set(WAM_ECONFLICT, "state",
		                   "trace request %.40s is %s: an acknowledgement is recorded only on a sent request",
		                   rid, state);
		goto done;
	}
	/* the other state's date, as it gave it: not held to this registry's clock */
	if ((rc = wam_trace_check_fields(ack, ack_fields, "acknowledgement.")) ||
	    (rc = take_due(p, ack, "date", "acknowledgement.date", true)) ||
	    (rc = wam_take_text(p, ack, "note", "acknowledgement.note", WAM_FIELD_MULTILINE, WAM_MAX_NOTES, 0)))
		goto done;
	json_object_set(p, "remote_node", json_object_get(peer, "node_id"));
	json_object_set(p, "peer_head", head);
	snprintf(id, WAM_ID_LEN + 1, "%s", rid);
	rc = wam_ledger_append(db, "trace.acknowledged", id, p, NULL);
done:
	json_decref(row);
	json_decref(p);
	return rc;
}

static int import_response(wam_db *db, const json_t *doc, const json_t *peer, json_t *head, char id[WAM_ID_LEN + 1])
{
	const json_t *req = json_object_get(doc, "request"), *resp = json_object_get(doc, "response");
	json_t *row = NULL, *in = NULL, *r = NULL, *p = NULL, *due = json_object();
	long days;
	int rc;
	const char *rid = str(req, "id");
	if (!rid) {
		rc = wam_error_set(WAM_EINVAL, "request.id", "the response names no request (request.id)");
		goto done;
	}
	if (!json_is_object(resp)) {
		rc = wam_error_set(WAM_EINVAL, "response", "the document has no response");
		goto done;
	}
	if ((rc = asked_request(db, &row, rid, peer)))
		goto done;
	const char *state = str(row, "state");
	if (strcmp(state, "sent") && strcmp(state, "acknowledged")) {
		rc = wam_error_set(WAM_ECONFLICT, "state",
		                   "trace request %.40s is %s: only a sent or acknowledged request takes a response",
		                   rid, state);
		goto done;
	}
	in = json_copy((json_t *)resp);
	if ((rc = take_due(due, in, "reply_due", "response.reply_due", false)))
		goto done;
	json_object_del(in, "reply_due");
	if ((rc = wam_trace_response_body(db, &r, in, str(json_object_get(row, "body"), "confidentiality"), "response.",
	                                  &days)))
		goto done;
	p = json_pack("{s:O, s:O}", "response", r, "remote_node", json_object_get(peer, "node_id"));
	if (!strcmp(str(r, "result"), "delayed")) {
		char d[11];
		time_t t = 0;
		wam_date_parse(str(r, "date"), &t);
		wam_date_format(d, t + (time_t)WAM_TRACE_REPLY_DAYS * 86400);
		json_object_set_new(p, "reply_due", json_string(str(due, "reply_due") ? str(due, "reply_due") : d));
	}
	json_object_set(p, "peer_head", head);
	snprintf(id, WAM_ID_LEN + 1, "%s", rid);
	rc = wam_ledger_append(db, "trace.response_received", id, p, NULL);
done:
	json_decref(row);
	json_decref(in);
	json_decref(r);
	json_decref(p);
	json_decref(due);
	return rc;
}

int wam_trace_request_import(wam_db *db, json_t **out, const json_t *document)
{
	if (wam_confined(db)) { /* the whole registry, not a site's */
		if (out)
			*out = NULL;
		return wam_confine_national(db, "trace requests");
	}
	json_t *peer = NULL, *head = NULL;
	char id[WAM_ID_LEN + 1] = "";
	int rc;
	if (out)
		*out = NULL;
	if (!json_is_object(document))
		return wam_error_set(WAM_EINVAL, NULL, "an exchange document is a JSON object");
	const char *format = str(document, "format"), *kind = str(document, "kind");
	if (!format || strcmp(format, FORMAT))
		return wam_error_set(WAM_EINVAL, "format", "format '%.30s' is not %s", format ? format : "", FORMAT);
	if (!kind || (strcmp(kind, "request") && strcmp(kind, "acknowledgement") && strcmp(kind, "response")))
		return wam_error_set(WAM_EINVAL, "kind", "kind '%.30s' is not request, acknowledgement or response",
		                     kind ? kind : "");
	if ((rc = wam_db_begin(db)))
		return rc;
	if ((rc = trusted_peer(db, &peer, json_object_get(document, "node"))) ||
	    (rc = verify(document, str(peer, "public_key"))) || (rc = peer_head(&head, document, peer)))
		goto fail;
	rc = !strcmp(kind, "request")           ? import_request(db, document, peer, head, id)
	     : !strcmp(kind, "acknowledgement") ? import_acknowledgement(db, document, peer, head, id)
	                                        : import_response(db, document, peer, head, id);
	if (rc || (rc = peer_extends(document, peer)))
		goto fail;
	if ((rc = wam_db_commit(db)))
		goto done;
	if (out)
		rc = wam_trace_request_get(db, out, id, WAM_TRACE_CONFIDENTIAL);
	goto done;
fail:
	wam_db_rollback(db);
done:
	json_decref(peer);
	json_decref(head);
	return rc;
}

/* The exchange's signing, for the other signed documents of this node
 * (internal.h: the monitoring room's evidence packs). */
int wam_trace_doc_sign(wam_db *db, json_t *doc)
{
	return sign(db, doc);
}

int wam_trace_doc_verify(const json_t *doc, const char *public_key)
{
	return verify(doc, public_key);
}

int wam_trace_doc_signer(wam_db *db, json_t **peer, const json_t *node)
{
	return trusted_peer(db, peer, node);
}
