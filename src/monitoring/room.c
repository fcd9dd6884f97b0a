/* The monitoring room: its descriptor, its projector (observation.*,
 * finding.* and evidence.* events into the tables of
 * sql/migrations/0009-monitoring.sql) and what its files share. */
#include <stdlib.h>
#include <string.h>

#include "ledger/room.h"
#include "monitoring/room.h"
#include "wam/embargo.h"
#include "wam/match.h"

const char *mon_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

bool mon_ready(wam_db *db)
{
	return wam_table_exists(db, "finding_links");
}

int mon_national(wam_db *db)
{
	return wam_confined(db) ? wam_confine_national(db, "monitoring") : 0;
}

sqlite3_stmt *mon_stmt(wam_db *db, int slot, const char *sql)
{
	return wam_room_db_stmt(db, &wam_room_monitoring, slot, sql);
}

void mon_name_key(char *out, size_t cap, const char *name)
{
	wam_name nm;
	out[0] = '\0';
	if (!name)
		return;
	if (!wam_name_fold(&nm, name, "actor.name") && nm.ncore > 0)
		wam_name_normalized(out, cap, &nm);
	else if (wam_match_name_key(out, cap, name) < 0)
		out[0] = '\0';
	wam_error_clear();
}

int mon_check_regime(wam_db *db, const char *regime)
{
	json_t *list = NULL, *r = NULL;
	if (!regime)
		return 0;
	/* checked against the embargo room's regimes when it holds any */
	int rc = wam_embargo_regime_list(db, &list, NULL);
	if (!rc && json_array_size(list)) {
		rc = wam_embargo_regime_get(db, &r, regime, NULL);
		if (rc == WAM_ENOTFOUND)
			rc = wam_error_set(WAM_EINVAL, "regime",
			                   "regime '%.64s' is not an arms embargo regime of this registry", regime);
	}
	json_decref(list);
	json_decref(r);
	return rc;
}

/* ---- the projector ---- */

enum {
	S_OBS,
	S_ACTOR,
	S_KEY,
	S_MATCH,
	S_TRACED,
	S_FINDING,
	S_LINK,
	S_UNLINK,
	S_CORROBORATED,
	S_REPORTED,
	S_PACK,
	S_TAG,
	S_TOUCH, /* and S_TOUCH + 1: one per table touched */
};

static int step_one(wam_room_ctx *ctx, sqlite3_stmt *st, int64_t seq, const char *what, const char *id)
{
	return wam_projection_step_one(ctx->conn, st, seq, "event %lld concerns %s %s, which does not exist",
	                               (long long)seq, what, id);
}

static int actor_name(wam_room_ctx *ctx, int64_t seq, const char *id, const char *name)
{
	char key[256];
	mon_name_key(key, sizeof key, name);
	if (!key[0])
		return 0;
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_ACTOR, "INSERT OR IGNORE INTO observation_actors(observation_id,name_key) VALUES(?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	return wam_projection_step(ctx->conn, st, seq);
}

static long long quantity(const json_t *item)
{
	const json_t *q = json_object_get(item, "quantity");
	return json_is_integer(q) ? (long long)json_integer_value(q) : 1;
}

/* Distinct photo hashes named anywhere in `v`. */
static void photo_hashes(const json_t *v, json_t *seen)
{
	size_t i;
	const char *k;
	const json_t *x;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) photo_hashes(x, seen);
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
		{
			if (!strcmp(k, "photos") && json_is_array(x)) {
				const json_t *p;
				json_array_foreach(x, i, p)
				{
					const char *h = json_is_string(p)
					                    ? json_string_value(p)
					                    : json_string_value(json_object_get(p, "hash"));
					if (h)
						json_object_set_new(seen, h, json_true());
				}
			} else {
				photo_hashes(x, seen);
			}
		}
	}
}

static int observation_recorded(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	long long weapons = 0, rounds = 0;
	size_t i;
	const json_t *it, *place = json_object_get(pl, "place"), *actor = json_object_get(pl, "actor");
	char on[11];
	int rc;
	json_array_foreach(json_object_get(pl, "items"), i, it)
	{
		if (!strcmp(json_string_value(json_object_get(it, "kind")), "ammunition"))
			rounds += quantity(it);
		else
			weapons += quantity(it);
	}
	json_t *seen = json_object();
	if (!seen)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	photo_hashes(pl, seen);
	size_t photos = json_object_size(seen);
	json_decref(seen);
	snprintf(on, sizeof on, "%.10s", json_string_value(json_object_get(pl, "observed_at")));
	sqlite3_stmt *st = wam_room_stmt(ctx, S_OBS,
	                                 "INSERT INTO observations(id,kind,observed_at,observed_on,country,admin_area,"
	                                 "actor,regime,unit,weapons,rounds,documents,photos,sources,body,recorded_by,"
	                                 "recorded_at,recorded_seq,last_seq)"
	                                 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "kind");
	wam_bind_json_text(st, 3, pl, "observed_at");
	sqlite3_bind_text(st, 4, on, -1, SQLITE_TRANSIENT);
	wam_bind_json_text(st, 5, place, "country");
	wam_bind_json_text(st, 6, place, "admin_area");
	wam_bind_json_text(st, 7, actor, "name");
	wam_bind_json_text(st, 8, pl, "regime");
	wam_bind_json_text(st, 9, pl, "unit");
	sqlite3_bind_int64(st, 10, weapons);
	sqlite3_bind_int64(st, 11, rounds);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)json_array_size(json_object_get(pl, "documents")));
	sqlite3_bind_int64(st, 13, (sqlite3_int64)photos);
	sqlite3_bind_int64(st, 14, (sqlite3_int64)json_array_size(json_object_get(pl, "sources")));
	/* the body keeps no identity tag: the tags have a table of their own */
	json_t *body = json_deep_copy(pl);
	const json_t *src;
	if (!body)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	json_array_foreach(json_object_get(body, "sources"), i, src) json_object_del((json_t *)src, "identity_tag");
	rc = wam_bind_canon(st, 15, body);
	json_decref(body);
	if (rc || (rc = wam_bind_canon(st, 16, json_object_get(pl, "recorded_by"))))
		return rc;
	sqlite3_bind_text(st, 17, time, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 18, seq);
	sqlite3_bind_int64(st, 19, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	json_array_foreach(json_object_get(pl, "sources"), i, src)
	{
		const char *tag = json_string_value(json_object_get(src, "identity_tag"));
		if (!tag)
			continue;
		if (!(st = wam_room_stmt(
		          ctx, S_TAG, "INSERT INTO observation_source_tags(observation_id,source,tag) VALUES(?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, tag, -1, SQLITE_STATIC);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	if (actor) {
		const json_t *a;
		if ((rc = actor_name(ctx, seq, id, json_string_value(json_object_get(actor, "name")))))
			return rc;
		json_array_foreach(json_object_get(actor, "aliases"), i, a)
		{
			if ((rc = actor_name(ctx, seq, id, json_string_value(a))))
				return rc;
		}
	}
	json_array_foreach(json_object_get(pl, "items"), i, it)
	{
		char key[512];
		const char *why = mon_item_key(it, key, sizeof key);
		if (!why)
			continue;
		if (!(st = wam_room_stmt(ctx, S_KEY,
		                         "INSERT OR IGNORE INTO observation_keys(observation_id,item,why,key)"
		                         " VALUES(?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	json_array_foreach(json_object_get(pl, "matches"), i, it)
	{
		if (!(st = wam_room_stmt(ctx, S_MATCH,
		                         "INSERT OR IGNORE INTO observation_matches(observation_id,item,item_id,serial,"
		                         "make,class,score,seq) VALUES(?,?,?,?,?,?,?,?)")))
			return WAM_EDB;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		wam_bind_json_number(st, 2, it, "item");
		wam_bind_json_text(st, 3, it, "item_id");
		wam_bind_json_text(st, 4, it, "serial");
		wam_bind_json_text(st, 5, it, "make");
		wam_bind_json_text(st, 6, it, "class");
		wam_bind_json_number(st, 7, it, "score");
		sqlite3_bind_int64(st, 8, seq);
		if ((rc = wam_projection_step(ctx->conn, st, seq)))
			return rc;
	}
	return 0;
}

static int touch(wam_room_ctx *ctx, int64_t seq, const char *table, const char *id)
{
	char sql[96];
	snprintf(sql, sizeof sql, "UPDATE %s SET last_seq=? WHERE id=?", table);
	/* one slot per table: the statement's text differs */
	sqlite3_stmt *st = wam_room_stmt(ctx, S_TOUCH + (table[0] == 'f'), sql);
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, table[0] == 'f' ? "finding" : "observation", id);
}

static int observation_traced(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st = wam_room_stmt(
	    ctx, S_TRACED, "INSERT INTO observation_traces(observation_id,item,request_id,seq) VALUES(?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_number(st, 2, pl, "item");
	wam_bind_json_text(st, 3, pl, "request_id");
	sqlite3_bind_int64(st, 4, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	return touch(ctx, seq, "observations", id);
}

static int finding_drafted(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	int rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_FINDING,
	                                 "INSERT INTO findings(id,state,statement,regime,actor,country,body,supersedes,"
	                                 "created,created_by,created_seq,last_seq)"
	                                 " VALUES(?1,'draft',?2,?3,?4,?5,?6,?7,?8,?9,?10,?10)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "statement");
	wam_bind_json_text(st, 3, pl, "regime");
	wam_bind_json_text(st, 4, json_object_get(pl, "actor"), "name");
	wam_bind_json_text(st, 5, pl, "country");
	if ((rc = wam_bind_canon(st, 6, pl)))
		return rc;
	wam_bind_json_text(st, 7, pl, "supersedes");
	sqlite3_bind_text(st, 8, time, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 9, pl, "created_by");
	sqlite3_bind_int64(st, 10, seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int finding_linked(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_LINK, "INSERT INTO finding_links(finding_id,target,kind,note,seq) VALUES(?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "target");
	wam_bind_json_text(st, 3, pl, "kind");
	wam_bind_json_text(st, 4, pl, "note");
	sqlite3_bind_int64(st, 5, seq);
	if ((rc = wam_projection_step(ctx->conn, st, seq)))
		return rc;
	return touch(ctx, seq, "findings", id);
}

static int finding_unlinked(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_UNLINK, "DELETE FROM finding_links WHERE finding_id=? AND target=?");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "target");
	if ((rc = step_one(ctx, st, seq, "the link of finding", id)))
		return rc;
	return touch(ctx, seq, "findings", id);
}

static int finding_corroborated(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_CORROBORATED,
	                  "UPDATE findings SET state='corroborated', corroborated=?, verdict=?, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "date");
	if ((rc = wam_bind_canon(st, 2, json_object_get(pl, "rule"))))
		return rc;
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "finding", id);
}

static int finding_reported(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_REPORTED, "UPDATE findings SET state='reported', reported=?, last_seq=? WHERE id=?");
	if (!st)
		return WAM_EDB;
	if ((rc = wam_bind_canon(st, 1, pl)))
		return rc;
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return step_one(ctx, st, seq, "finding", id);
}

static int evidence_packed(wam_room_ctx *ctx, int64_t seq, const json_t *pl, const char *time)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_PACK,
	                                 "INSERT INTO evidence_packs(seq,finding_id,manifest_hash,redacted,files,time)"
	                                 " VALUES(?,?,?,?,?,?)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	wam_bind_json_text(st, 2, pl, "finding_id");
	wam_bind_json_text(st, 3, pl, "manifest_hash");
	sqlite3_bind_int(st, 4, json_is_true(json_object_get(pl, "redacted")));
	wam_bind_json_number(st, 5, pl, "files");
	sqlite3_bind_text(st, 6, time, -1, SQLITE_STATIC);
	return wam_projection_step(ctx->conn, st, seq);
}

static int apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *pl,
                 const char *time)
{
	if (!strcmp(type, "observation.recorded"))
		return observation_recorded(ctx, seq, subject, pl, time);
	if (!strcmp(type, "observation.traced"))
		return observation_traced(ctx, seq, subject, pl);
	if (!strcmp(type, "finding.drafted"))
		return finding_drafted(ctx, seq, subject, pl, time);
	if (!strcmp(type, "finding.linked"))
		return finding_linked(ctx, seq, subject, pl);
	if (!strcmp(type, "finding.unlinked"))
		return finding_unlinked(ctx, seq, subject, pl);
	if (!strcmp(type, "finding.corroborated"))
		return finding_corroborated(ctx, seq, subject, pl);
	if (!strcmp(type, "finding.reported"))
		return finding_reported(ctx, seq, subject, pl);
	if (!strcmp(type, "evidence.packed"))
		return evidence_packed(ctx, seq, pl, time);
	return 0;
}

static const struct wam_room_table tables[] = {
    {"observations", "id", "d.last_seq"},
    {"observation_actors", "observation_id", NULL},
    {"observation_keys", "observation_id", NULL},
    {"observation_source_tags", "observation_id", NULL},
    {"observation_matches", "observation_id", "d.seq"},
    {"observation_traces", "observation_id", "d.seq"},
    {"findings", "id", "d.last_seq"},
    {"finding_links", "finding_id", "d.seq"},
    {"evidence_packs", "finding_id", "d.seq"},
    {NULL, NULL, NULL},
};

const struct wam_room wam_room_monitoring = {
    .name = "monitoring",
    .version = 0, /* its tables came by migration 0009: an older registry is read as it is */
    .apply = apply,
    .tables = tables,
    .schema = (const char *const[]){wam_sql_monitoring, NULL},
};
