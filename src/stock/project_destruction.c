/* The destruction projector: destruction.* events into destructions,
 * destruction_items, destruction_people, destruction_checks and
 * destruction_confirmations. Whether a
 * verification matches the list is derived here, from the serials the event
 * says were read and the list as it stood, so a rebuild judges it the same
 * way. The weapons' own status changes are item.status_changed events of the
 * registry. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stock/project_destruction.h"
#include "wam/match.h"

enum {
	S_OPEN,
	S_TOUCH,
	S_ITEM,
	S_PERSON,
	S_LIST,
	S_CHECK,
	S_CLOSE,
	S_LOT,
	S_LOTS,
	S_CONFIRM,
	S_CURRENT,
	S_RECOVERED,
	S_RECOVERED_LIST,
};

static int touch(wam_room_ctx *ctx, int64_t seq, const char *id, bool items)
{
	sqlite3_stmt *st = wam_room_stmt(ctx, S_TOUCH,
	                                 "UPDATE destructions SET last_seq=?1,"
	                                 " items_seq=CASE WHEN ?2 THEN ?1 ELSE items_seq END WHERE id=?3");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int(st, 2, items);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	return wam_projection_step_one(
	    ctx->conn, st, seq, "event %lld concerns destruction batch %s, which does not exist", (long long)seq, id);
}

static int opened(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_OPEN,
	                  "INSERT INTO destructions(id,method,site,date,notes,state,opened_seq,items_seq,"
	                  "last_seq) VALUES(?1,?2,?3,?4,?5,'open',?6,?6,?6)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"method", "site", "date", "notes", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, wam_bind_json_fields(st, 2, pl, fields), seq);
	return wam_projection_step(ctx->conn, st, seq);
}

static int item_added(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id, true);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_ITEM,
	                                 "INSERT INTO destruction_items(destruction_id,n,item_id) VALUES(?1,"
	                                 "(SELECT count(*)+1 FROM destruction_items WHERE destruction_id=?1),?2)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "item_id");
	return wam_projection_step(ctx->conn, st, seq);
}

static int lot_added(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id, true);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LOT,
	                                 "INSERT INTO destruction_lots(destruction_id,n,lot_id,rounds) VALUES(?1,"
	                                 "(SELECT count(*)+1 FROM destruction_lots WHERE destruction_id=?1),?2,?3)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "lot_id");
	sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(pl, "rounds")));
	return wam_projection_step(ctx->conn, st, seq);
}

/* Rounds of a recovery's ammunition line listed in the batch; the
 * recovery's own event (recovery.ammunition_destroyed) counts them gone. */
static int recovered_added(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id, true);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_RECOVERED,
	                  "INSERT INTO destruction_recovered(destruction_id,n,recovery_id,line,rounds) VALUES(?1,"
	                  "(SELECT count(*)+1 FROM destruction_recovered WHERE destruction_id=?1),?2,?3,?4)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "recovery_id");
	sqlite3_bind_int64(st, 3, json_integer_value(json_object_get(pl, "line")));
	sqlite3_bind_int64(st, 4, json_integer_value(json_object_get(pl, "rounds")));
	return wam_projection_step(ctx->conn, st, seq);
}

static int person_added(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id, false);
	if (rc)
		return rc;
	sqlite3_stmt *st =
	    wam_room_stmt(ctx, S_PERSON,
	                  "INSERT INTO destruction_people(destruction_id,n,role,name,user_id) VALUES(?1,"
	                  "(SELECT count(*)+1 FROM destruction_people WHERE destruction_id=?1),?2,?3,?4)");
	if (!st)
		return WAM_EDB;
	static const char *const fields[] = {"role", "name", "user_id", NULL};
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_fields(st, 2, pl, fields);
	return wam_projection_step(ctx->conn, st, seq);
}

/* The key a read or a listed serial is compared by: the canonical serial
 * key, so case, spaces and dashes do not count; the text as is when no key
 * can be made. */
static void key_of(char *out, size_t cap, const char *s)
{
	if (wam_match_serial_key(out, cap, s) <= 0)
		snprintf(out, cap, "%s", s);
}

static int verified(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = touch(ctx, seq, id, false);
	if (rc)
		return rc;
	const json_t *reads = json_object_get(pl, "serials");
	size_t nread = json_array_size(reads), i;
	bool *matched = calloc(nread ? nread : 1, sizeof *matched);
	json_t *missing = json_array(), *unexpected = json_array();
	char key[1024], rkey[1024];
	/* a weapon is read by its serial, by a serial marking (a national
	 * marking added since), or by its registry id when nothing is legible */
	sqlite3_stmt *st = wam_room_stmt(ctx, S_LIST,
	                                 "SELECT d.item_id, coalesce(i.serial,''), d.n, 0"
	                                 " FROM destruction_items d LEFT JOIN items i ON i.id=d.item_id"
	                                 " WHERE d.destruction_id=?1"
	                                 " UNION ALL SELECT d.item_id, m.text, d.n, 1 FROM destruction_items d"
	                                 " JOIN markings m ON m.item_id=d.item_id AND m.kind='serial'"
	                                 " AND m.legibility<>'obliterated' WHERE d.destruction_id=?1 ORDER BY 3, 4");
	if (!st || !matched) {
		rc = st ? wam_error_set(WAM_ENOMEM, NULL, "out of memory") : WAM_EDB;
		goto done;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	char item[WAM_ID_LEN + 1] = "", shown[256] = "";
	bool found = true;
	int r;
	do {
		r = sqlite3_step(st);
		const char *row_item = r == SQLITE_ROW ? wam_col_text(st, 0) : "";
		if (strcmp(row_item, item) != 0) {
			/* the rows of one weapon are done */
			if (item[0] && !found)
				json_array_append_new(missing, json_string(shown[0] ? shown : item));
			snprintf(item, sizeof item, "%s", row_item);
			shown[0] = '\0';
			found = false;
		}
		if (r != SQLITE_ROW)
			break;
		/* a mismatch is named by what can be read on the weapon: a legible
		 * serial marking rather than a serial recorded as obliterated */
		const char *text = wam_col_text(st, 1);
		if (text[0] && (!shown[0] || sqlite3_column_int(st, 3) == 1))
			snprintf(shown, sizeof shown, "%s", text);
		key[0] = '\0';
		if (text[0])
			key_of(key, sizeof key, text);
		for (i = 0; i < nread; i++) {
			const char *rd = json_string_value(json_array_get(reads, i));
			key_of(rkey, sizeof rkey, rd);
			if ((key[0] && !strcmp(rkey, key)) || !strcmp(rd, item)) {
				matched[i] = true;
				found = true;
			}
		}
	} while (1);
	sqlite3_reset(st);
	/* a lot is read by its lot number (as printed on its packages) or its
	 * id, and a read ticks off every listed lot bearing it, as it always
	 * has (each lot takes its id's reads and one of its number's as its
	 * own); recovered rounds by the lot marks of their line or as
	 * RECOVERY/LINE, one read each, from the reads no lot took: a lot taken
	 * in from a recovery line bears the line's marks, so a batch listing both
	 * needs the marks read twice (or the lot id and RECOVERY/LINE). */
	size_t nent = 0, cap = 0;
	struct entry {
		char ref[128];  /* lot id or RECOVERY/LINE */
		char mark[256]; /* lot number or the line's lot marks, as recorded */
		bool recovered, seen;
	} *ent = NULL;
	if (!(st = wam_room_stmt(ctx, S_LOTS,
	                         "SELECT d.lot_id, coalesce(l.lot_number,''), 0 FROM destruction_lots d"
	                         " LEFT JOIN lots l ON l.id=d.lot_id WHERE d.destruction_id=? ORDER BY d.n"))) {
		rc = WAM_EDB;
		goto done;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && !(st = wam_room_stmt(ctx, S_RECOVERED_LIST,
		                                      "SELECT d.recovery_id || '/' || d.line, coalesce(a.lot,''), 1"
		                                      " FROM destruction_recovered d LEFT JOIN recovery_ammunition a"
		                                      " ON a.recovery_id=d.recovery_id AND a.line=d.line"
		                                      " WHERE d.destruction_id=? ORDER BY d.n"))) {
			rc = WAM_EDB;
			goto entries_done;
		}
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (nent == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				struct entry *grown = realloc(ent, ncap * sizeof *ent);
				if (!grown) {
					sqlite3_reset(st);
					rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
					goto entries_done;
				}
				ent = grown;
				cap = ncap;
			}
			struct entry *e = &ent[nent++];
			snprintf(e->ref, sizeof e->ref, "%s", wam_col_text(st, 0));
			snprintf(e->mark, sizeof e->mark, "%s", wam_col_text(st, 1));
			e->recovered = sqlite3_column_int(st, 2) != 0;
			e->seen = false;
		}
		sqlite3_reset(st);
	}
	{
		bool *used = calloc(nread ? nread : 1, sizeof *used);
		if (!used) {
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			goto entries_done;
		}
		for (size_t k = 0; k < nent; k++) {
			if (ent[k].recovered)
				continue;
			bool took = false; /* one read of its number is the lot's own */
			for (i = 0; i < nread; i++) {
				const char *rd = json_string_value(json_array_get(reads, i));
				if (!strcmp(rd, ent[k].ref)) {
					used[i] = matched[i] = ent[k].seen = true;
				} else if (ent[k].mark[0] && !strcasecmp(rd, ent[k].mark)) {
					matched[i] = ent[k].seen = true;
					if (!took && !used[i])
						used[i] = took = true;
				}
			}
		}
		for (size_t k = 0; k < nent; k++)
			for (i = 0; ent[k].recovered && i < nread && !ent[k].seen; i++)
				if (!used[i] && !strcmp(json_string_value(json_array_get(reads, i)), ent[k].ref))
					used[i] = matched[i] = ent[k].seen = true;
		/* a line's marks are compared as they are (any case), or by their
		 * key, so that "3-84" reads a line recorded as "٣-٨٤" */
		for (size_t k = 0; k < nent; k++) {
			if (!ent[k].recovered || ent[k].seen || !ent[k].mark[0])
				continue;
			key_of(key, sizeof key, ent[k].mark);
			for (i = 0; i < nread && !ent[k].seen; i++) {
				const char *rd = json_string_value(json_array_get(reads, i));
				if (used[i])
					continue;
				key_of(rkey, sizeof rkey, rd);
				if (!strcasecmp(rd, ent[k].mark) || !strcmp(rkey, key))
					used[i] = matched[i] = ent[k].seen = true;
			}
		}
		free(used);
		/* an entry not read is named by what a verifier can read: a lot by
		 * its number, recovered rounds by RECOVERY/LINE */
		for (size_t k = 0; k < nent; k++) {
			if (ent[k].seen)
				continue;
			char what[300];
			if (ent[k].recovered)
				snprintf(what, sizeof what, "%s", ent[k].ref);
			else
				snprintf(what, sizeof what, "lot %s", ent[k].mark[0] ? ent[k].mark : ent[k].ref);
			json_array_append_new(missing, json_string(what));
		}
	}
entries_done:
	free(ent);
	if (rc)
		goto done;
	for (i = 0; i < nread; i++)
		if (!matched[i])
			json_array_append(unexpected, json_array_get(reads, i));
	char *s_reads = wam_canon(reads), *s_missing = wam_canon(missing), *s_unexpected = wam_canon(unexpected);
	if (!(st = wam_room_stmt(ctx, S_CHECK,
	                         "INSERT INTO destruction_checks(destruction_id,n,serials,missing,unexpected,ok,seq)"
	                         " VALUES(?1,(SELECT count(*)+1 FROM destruction_checks WHERE destruction_id=?1),"
	                         "?2,?3,?4,?5,?6)"))) {
		rc = WAM_EDB;
	} else if (!s_reads || !s_missing || !s_unexpected) {
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	} else {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s_reads, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, s_missing, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, s_unexpected, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, !json_array_size(missing) && !json_array_size(unexpected));
		sqlite3_bind_int64(st, 6, seq);
		rc = wam_projection_step(ctx->conn, st, seq);
	}
	free(s_reads);
	free(s_missing);
	free(s_unexpected);
done:
	free(matched);
	json_decref(missing);
	json_decref(unexpected);
	return rc;
}

/* A verifier's confirmation, with the time of its event: whether it still
 * stands is read against the batch's items_seq and its last reading. */
static int confirmed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl, const char *time)
{
	int rc = touch(ctx, seq, id, false);
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_CONFIRM,
	                                 "INSERT INTO destruction_confirmations(destruction_id,n,user_id,name,seq,time)"
	                                 " VALUES(?1,(SELECT count(*)+1 FROM destruction_confirmations"
	                                 " WHERE destruction_id=?1),?2,?3,?4,?5)");
	if (!st)
		return WAM_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	wam_bind_json_text(st, 2, pl, "user_id");
	wam_bind_json_text(st, 3, pl, "name");
	sqlite3_bind_int64(st, 4, seq);
	sqlite3_bind_text(st, 5, time ? time : "", -1, SQLITE_STATIC);
	return wam_projection_step(ctx->conn, st, seq);
}

/* A batch closes only on two current confirmations by distinct verifiers
 * of the batch, as the events before the closing one record them: a
 * destruction.closed event without them (a forged ledger, or rows written
 * behind wam's back) is refused, so replay and rebuild fail rather than
 * destroy weapons nobody confirmed. */
static int confirmed_twice(wam_room_ctx *ctx, int64_t seq, const char *id)
{
	sqlite3_stmt *cur = wam_room_stmt(
	    ctx, S_CURRENT,
	    "SELECT count(DISTINCT c.user_id) FROM destruction_confirmations c JOIN destructions d ON"
	    " d.id=c.destruction_id WHERE c.destruction_id=?1 AND c.seq > d.items_seq AND c.seq > coalesce((SELECT"
	    " max(seq) FROM destruction_checks k WHERE k.destruction_id=?1),0) AND c.user_id IN (SELECT p.user_id FROM"
	    " destruction_people p WHERE p.destruction_id=?1 AND p.role='verifier')");
	if (!cur)
		return WAM_EDB;
	sqlite3_bind_text(cur, 1, id, -1, SQLITE_STATIC);
	int64_t n = sqlite3_step(cur) == SQLITE_ROW ? sqlite3_column_int64(cur, 0) : 0;
	sqlite3_reset(cur);
	return n >= 2 ? 0
	              : wam_error_set(WAM_EINTEGRITY, NULL,
	                              "event %lld closes destruction batch %s with current confirmations by %lld of "
	                              "its verifiers: a batch closes only once two distinct verifiers confirmed it",
	                              (long long)seq, id, (long long)n);
}

/* A closing event without `confirmed_by` was recorded before verifiers
 * confirmed for themselves, under the rule of its time (two named
 * verifiers), and is replayed as it was. */
static int closed(wam_room_ctx *ctx, int64_t seq, const char *id, const json_t *pl)
{
	int rc = json_object_get(pl, "confirmed_by") ? confirmed_twice(ctx, seq, id) : 0;
	if (rc)
		return rc;
	sqlite3_stmt *st = wam_room_stmt(ctx, S_CLOSE,
	                                 "UPDATE destructions SET state='closed', certificate=?1, closed_seq=?2,"
	                                 " last_seq=?2 WHERE id=?3 AND state='open'");
	if (!st)
		return WAM_EDB;
	wam_bind_json_text(st, 1, pl, "certificate");
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	rc = wam_projection_step(ctx->conn, st, seq);
	if (!rc && sqlite3_changes(ctx->conn) != 1)
		return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld closes destruction batch %s, which is not open",
		                     (long long)seq, id);
	return rc;
}

int wam_destruction_apply(wam_room_ctx *ctx, int64_t seq, const char *type, const char *subject, const json_t *payload,
                          const char *time)
{
	if (!strcmp(type, "destruction.opened"))
		return opened(ctx, seq, subject, payload);
	if (!strcmp(type, "destruction.item_added"))
		return item_added(ctx, seq, subject, payload);
	if (!strcmp(type, "destruction.lot_added"))
		return lot_added(ctx, seq, subject, payload);
	if (!strcmp(type, "destruction.person_added"))
		return person_added(ctx, seq, subject, payload);
	if (!strcmp(type, "destruction.recovered_added"))
		return recovered_added(ctx, seq, subject, payload);
	if (!strcmp(type, "destruction.verified"))
		return verified(ctx, seq, subject, payload);
	if (!strcmp(type, "destruction.confirmed"))
		return confirmed(ctx, seq, subject, payload, time);
	if (!strcmp(type, "destruction.closed"))
		return closed(ctx, seq, subject, payload);
	return wam_error_set(WAM_EINTEGRITY, NULL, "event %lld has unknown type '%s'", (long long)seq, type);
}
