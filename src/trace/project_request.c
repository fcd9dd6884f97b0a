/* The trace request projector: trace.* events into trace_requests and
 * trace_responses, peer.* events into peers. A pure function of the events:
 * the body, the dates and the state all come from the payloads, `created`
 * from the event's time. Each state change names the states it may follow,
 * so a replay of events that say something impossible fails instead of
 * making a different table. */
#include <stdlib.h>
#include <string.h>

#include "trace/project.h"

enum {
	S_INSERT,
	S_BODY,
	S_SENT,
	S_ACK,
	S_RESPONSE,
	S_ANSWERED,
	S_DELAYED,
	S_CLOSED,
	S_PEER,
	S_PEER_REVOKED,
	S_PEER_HEAD,
};

static const json_t *sub(const json_t *o, const char *key)
{
	return json_object_get(o, key);
}

/* The columns lists filter on, from a request body: reference,
 * requesting_state, requested_state, item_id, serial, confidentiality,
 * urgency at parameters `first`.. `first`+6. */
static void bind_columns(sqlite3_stmt *st, int first, const json_t *body)
{
	wam_bind_json_text(st, first, body, "reference");
	wam_bind_json_text(st, first + 1, sub(body, "requesting"), "state");
	wam_bind_json_text(st, first + 2, sub(body, "requested"), "state");
	wam_bind_json_text(st, first + 3, body, "item_id");
	wam_bind_json_text(st, first + 4, sub(body, "item"), "serial");
	wam_bind_json_text(st, first + 5, body, "confidentiality");
	wam_bind_json_text(st, first + 6, body, "urgency");
}

static int changed_one(wam_room_ctx *ctx, int rc, int64_t seq, const char *id, const char *what)
{
	if (!rc && sqlite3_changes(ctx->conn) != 1)
		return wam_error_set(
		    WAM_EINTEGRITY, NULL,
		    "event %lld %s trace request %s, which does not exist or is not in a state that allows it",
		    (long long)seq, what, id);
	return rc;
}

/* A request drafted here or imported from another registry. */
static int inserted(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *body, const json_t *pl,
                    const char *time, bool imported)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_INSERT,
	                                 "INSERT INTO trace_requests(id,direction,state,reference,requesting_state,"
	                                 "requested_state,item_id,serial,confidentiality,urgency,body,created,sent,"
	                                 "ack_due,reply_due,remote_node,remote_id,created_seq,last_seq)"
	                                 " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,coalesce(?9,'restricted'),coalesce(?10,"
	                                 "'routine'),?11,?12,?13,?14,?15,?16,?17,?18,?18)");
	if (!st)
		return WAM_EDB;
	char *canon = wam_canon(body);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	const char *direction = json_string_value(sub(body, "direction"));
	sqlite3_bind_text(st, 2, imported ? "incoming" : direction ? direction : "outgoing", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, imported ? "sent" : "draft", -1, SQLITE_STATIC);
	bind_columns(st, 4, body);
	sqlite3_bind_text(st, 11, canon, -1, free);
	sqlite3_bind_text(st, 12, time, -1, SQLITE_STATIC);
	static const char *const imported_fields[] = {"sent", "ack_due", "reply_due", "remote_node", "remote_id", NULL};
	if (imported)
		wam_bind_json_fields(st, 13, pl, imported_fields);
	sqlite3_bind_int64(st, 18, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int draft_changed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *body)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_BODY,
	                                 "UPDATE trace_requests SET direction=coalesce(?1,direction),reference=?2,"
	                                 "requesting_state=?3,requested_state=?4,item_id=?5,serial=?6,"
	                                 "confidentiality=coalesce(?7,'restricted'),urgency=coalesce(?8,'routine'),"
	                                 "body=?9,last_seq=?10 WHERE id=?11 AND state='draft'");
	if (!st)
		return WAM_EDB;
	char *canon = wam_canon(body);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	wam_bind_json_text(st, 1, body, "direction");
	bind_columns(st, 2, body);
	sqlite3_bind_text(st, 9, canon, -1, free);
	sqlite3_bind_int64(st, 10, seq);
	sqlite3_bind_text(st, 11, id, -1, SQLITE_STATIC);
	return changed_one(ctx, wam_projection_step(ctx->conn, st, seq), seq, id, "changes");
}

static int sent(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_SENT,
	                                 "UPDATE trace_requests SET state='sent',sent=?1,ack_due=?2,reply_due=?3,"
	                                 "last_seq=?4 WHERE id=?5 AND state='draft'");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	wam_bind_json_text(st, 2, pl, "ack_due");
	wam_bind_json_text(st, 3, pl, "reply_due");
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, id, -1, SQLITE_STATIC);
	return changed_one(ctx, wam_projection_step(ctx->conn, st, seq), seq, id, "sends");
}

static int acknowledged(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ACK,
	                                 "UPDATE trace_requests SET state='acknowledged',acknowledged=?1,last_seq=?2"
	                                 " WHERE id=?3 AND state='sent'");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return changed_one(ctx, wam_projection_step(ctx->conn, st, seq), seq, id, "acknowledges");
}

/* A response given here or received from the requested state: the next in
 * the list, and the request answered (or, delayed, acknowledged with a new
 * reply date). */
static int responded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *remote)
{
	const json_t *r = sub(pl, "response");
	const char *result = json_string_value(sub(r, "result"));
	if (!json_is_object(r) || !result)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has no response result", (long long)seq);
	bool delayed = !strcmp(result, "delayed");
	sqlite3_stmt *st = delayed ? wam_room_stmt(ctx, S_DELAYED,
	                                           "UPDATE trace_requests SET state='acknowledged',"
	                                           "acknowledged=coalesce(acknowledged,?1),reply_due=coalesce(?2,"
	                                           "reply_due),last_seq=?3 WHERE id=?4 AND state IN ('sent',"
	                                           "'acknowledged')")
	                           : wam_room_stmt(ctx, S_ANSWERED,
	                                           "UPDATE trace_requests SET state='answered',answered=?1,last_seq=?3"
	                                           " WHERE id=?4 AND state IN ('sent','acknowledged')");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, r, "date");
	wam_bind_json_text(st, 2, pl, "reply_due");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	int rc = changed_one(ctx, wam_projection_step(ctx->conn, st, seq), seq, id, "answers");
	if (rc)
		return rc;
	if (!(st = wam_room_stmt(ctx, S_RESPONSE,
	                         "INSERT INTO trace_responses(request_id,n,result,date,confidentiality,point_category,"
	                         "body,remote_node,seq) VALUES(?1,(SELECT count(*)+1 FROM trace_responses WHERE"
	                         " request_id=?1),?2,?3,coalesce(?4,'restricted'),?5,?6,?7,?8)")))
		return WAM_EDB;
	char *canon = wam_canon(r);
	if (!canon)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, r, "result");
	wam_bind_json_text(st, 3, r, "date");
	wam_bind_json_text(st, 4, r, "confidentiality");
	wam_bind_json_text(st, 5, sub(r, "point_of_diversion"), "category");
	sqlite3_bind_text(st, 6, canon, -1, free);
	if (remote)
		sqlite3_bind_text(st, 7, remote, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int closed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_CLOSED,
	                                 "UPDATE trace_requests SET state='closed',closed=?1,close_reason=?2,"
	                                 "last_seq=?3 WHERE id=?4 AND state<>'closed'");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	wam_bind_json_text(st, 2, pl, "reason");
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	return changed_one(ctx, wam_projection_step(ctx->conn, st, seq), seq, id, "closes");
}

/* A peer trusted: a new node id, or a revoked one trusted again with a new
 * key (re-keyed), which replaces its key and clears the revocation. A
 * peer.added for a node still trusted says something impossible. */
static int peer_added(wam_room_ctx *ctx, int64_t seq, const char *node_id, const json_t *pl)
{
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_PEER,
	    "INSERT INTO peers(node_id,name,country,public_key,seq) VALUES(?1,?2,?3,?4,?5)"
	    " ON CONFLICT(node_id) DO UPDATE SET name=excluded.name,country=excluded.country,"
	    "public_key=excluded.public_key,seq=excluded.seq,revoked_seq=NULL,revoked_at=NULL,revoked_reason=NULL"
	    " WHERE peers.revoked_seq IS NOT NULL");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, node_id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "name");
	wam_bind_json_text(st, 3, pl, "country");
	wam_bind_json_text(st, 4, pl, "public_key");
	sqlite3_bind_int64(st, 5, seq);
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld trusts peer %s, which is trusted already",
	                               (long long)seq, node_id);
}

/* A peer no longer trusted: the row stays, with when and why. */
static int peer_revoked(wam_room_ctx *ctx, int64_t seq, const char *node_id, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_PEER_REVOKED,
	                                 "UPDATE peers SET revoked_seq=?1,revoked_at=?2,revoked_reason=?3"
	                                 " WHERE node_id=?4 AND revoked_seq IS NULL AND public_key=?5");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, time, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 3, pl, "reason");
	sqlite3_bind_text(st, 4, node_id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 5, pl, "public_key");
	return wam_projection_step_one(ctx->conn, st, seq,
	                               "event %lld revokes peer %s, which is not trusted with the key it names",
	                               (long long)seq, node_id);
}

/* The ledger head a peer's document showed: recorded so that a later
 * document showing a head behind it (the peer's newest events cut off) is
 * refused. A head never goes back. Carried as "peer_head" {seq, hash} by
 * the event of an imported document. */
static int peer_head_seen(wam_room_ctx *ctx, int64_t seq, const char *node_id, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_PEER_HEAD,
	                                 "UPDATE peers SET head_seq=?1,head_hash=?2,head_at=?3"
	                                 " WHERE node_id=?4 AND coalesce(head_seq,0)<=?1");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, json_integer_value(sub(pl, "seq")));
	wam_bind_json_text(st, 2, pl, "hash");
	sqlite3_bind_text(st, 3, time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, node_id, -1, SQLITE_STATIC);
	return wam_projection_step_one(ctx->conn, st, seq,
	                               "event %lld records a head of peer %s behind the one recorded before",
	                               (long long)seq, node_id);
}

static int apply_request(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                         const json_t *payload, const char *time);

/* An imported document's event also records the head its peer showed. */
int wam_trace_request_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                            const json_t *payload, const char *time)
{
	int rc = apply_request(ctx, seq, type, subject, payload, time);
	const json_t *head = sub(payload, "peer_head");
	const char *node = json_string_value(sub(payload, "remote_node"));
	if (!rc && head && node)
		rc = peer_head_seen(ctx, seq, node, head, time);
	return rc;
}

static int apply_request(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject,
                         const json_t *payload, const char *time)
{
	if (!strcmp(type, "trace.drafted"))
		return inserted(ctx, seq, subject, payload, payload, time, false);
	if (!strcmp(type, "trace.imported")) {
		if (!json_is_object(sub(payload, "body")))
			return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld imports no request body",
			                     (long long)seq);
		return inserted(ctx, seq, subject, sub(payload, "body"), payload, time, true);
	}
	if (!strcmp(type, "trace.draft_changed"))
		return draft_changed(ctx, seq, subject, payload);
	if (!strcmp(type, "trace.sent"))
		return sent(ctx, seq, subject, payload);
	if (!strcmp(type, "trace.acknowledged"))
		return acknowledged(ctx, seq, subject, payload);
	if (!strcmp(type, "trace.responded"))
		return responded(ctx, seq, subject, payload, NULL);
	if (!strcmp(type, "trace.response_received"))
		return responded(ctx, seq, subject, payload, json_string_value(sub(payload, "remote_node")));
	if (!strcmp(type, "trace.closed"))
		return closed(ctx, seq, subject, payload);
	if (!strcmp(type, "trace.exported"))
		return 0; /* the head a document carried: read from the ledger, nothing projected */
	if (!strcmp(type, "peer.added"))
		return peer_added(ctx, seq, subject, payload);
	if (!strcmp(type, "peer.revoked"))
		return peer_revoked(ctx, seq, subject, payload, time);

	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}
