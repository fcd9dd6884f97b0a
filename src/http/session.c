/* Browser sessions and the limits on signing in, both kept in the server's
 * memory: a restart signs everyone out, and a session id never touches the
 * disk. A session is found by the BLAKE2b hash of its id, so the table holds
 * nothing a reader of memory could replay as a cookie.
 *
 * Sign-in limits count failures per user name and per client address in a
 * window: past the limit, every attempt — right password or not — waits,
 * which stops guessing without letting anyone lock out a user from their own
 * address for long. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http.h"

#define MAX_SESSIONS 4096
#define SESSION_IDLE_S (60 * 60)       /* signed out after an hour without a request */
#define SESSION_MAX_S (12 * 60 * 60)   /* and after twelve hours in any case */
#define LIMIT_SLOTS 1024
#define LIMIT_WINDOW_S (15 * 60)
#define LIMIT_PER_NAME 5
#define LIMIT_PER_CLIENT 20

typedef struct session {
	unsigned char hash[crypto_generichash_BYTES];
	char user_id[27];
	char csrf[44];
	time_t created, seen;
	bool live;
} session;

typedef struct limit {
	unsigned char key[16];
	int failures;
	time_t since;
} limit;

struct sessions {
	pthread_mutex_t lock;
	session s[MAX_SESSIONS];
	limit l[LIMIT_SLOTS];
};

sessions *sessions_new(void)
{
	sessions *s = calloc(1, sizeof *s);
	if (s)
		pthread_mutex_init(&s->lock, NULL);
	return s;
}

void sessions_free(sessions *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	sodium_memzero(s, sizeof *s);
	free(s);
}

static void random_text(char out[44])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 44, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

static void hash_of(unsigned char out[crypto_generichash_BYTES], const char *sid)
{
	crypto_generichash(out, crypto_generichash_BYTES, (const unsigned char *)sid, strlen(sid), NULL, 0);
}

static bool expired(const session *x, time_t now)
{
	return !x->live || now - x->seen > SESSION_IDLE_S || now - x->created > SESSION_MAX_S;
}

int sessions_start(sessions *s, const char *user_id, char sid[44], char csrf[44])
{
	time_t now = time(NULL);
	random_text(sid);
	random_text(csrf);
	pthread_mutex_lock(&s->lock);
	session *slot = NULL, *oldest = &s->s[0];
	for (int i = 0; i < MAX_SESSIONS && !slot; i++) {
		if (expired(&s->s[i], now))
			slot = &s->s[i];
		else if (s->s[i].seen < oldest->seen)
			oldest = &s->s[i];
	}
	if (!slot)
		slot = oldest; /* full: the least recently used session ends */
	memset(slot, 0, sizeof *slot);
	hash_of(slot->hash, sid);
	snprintf(slot->user_id, sizeof slot->user_id, "%s", user_id);
	memcpy(slot->csrf, csrf, 44);
	slot->created = slot->seen = now;
	slot->live = true;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static session *find(sessions *s, const char *sid, time_t now)
{
	unsigned char h[crypto_generichash_BYTES];
	hash_of(h, sid);
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (s->s[i].live && !memcmp(s->s[i].hash, h, sizeof h))
			return expired(&s->s[i], now) ? NULL : &s->s[i];
	return NULL;
}

bool sessions_find(sessions *s, const char *sid, char user_id[27], char csrf[44])
{
	time_t now = time(NULL);
	if (strlen(sid) != 43)
		return false;
	pthread_mutex_lock(&s->lock);
	session *x = find(s, sid, now);
	if (x) {
		x->seen = now;
		memcpy(user_id, x->user_id, 27);
		memcpy(csrf, x->csrf, 44);
	}
	pthread_mutex_unlock(&s->lock);
	return x != NULL;
}

void sessions_end(sessions *s, const char *sid)
{
	pthread_mutex_lock(&s->lock);
	session *x = find(s, sid, time(NULL));
	if (x)
		memset(x, 0, sizeof *x);
	pthread_mutex_unlock(&s->lock);
}

void sessions_end_user(sessions *s, const char *user_id)
{
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < MAX_SESSIONS; i++)
		if (s->s[i].live && !strcmp(s->s[i].user_id, user_id))
			memset(&s->s[i], 0, sizeof s->s[i]);
	pthread_mutex_unlock(&s->lock);
}

/* ---- sign-in limits ---- */

static limit *limit_slot(sessions *s, const char *kind, const char *what, time_t now, bool create)
{
	unsigned char key[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof key);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)what, strlen(what));
	crypto_generichash_final(&st, key, sizeof key);
	uint32_t h;
	memcpy(&h, key, sizeof h);
	/* a small set-associative table: four places per key, the stalest is reused */
	limit *victim = NULL;
	for (int i = 0; i < 4; i++) {
		limit *l = &s->l[(h + (uint32_t)i) % LIMIT_SLOTS];
		if (!memcmp(l->key, key, sizeof key)) {
			if (now - l->since > LIMIT_WINDOW_S) {
				l->failures = 0;
				l->since = now;
			}
			return l;
		}
		if (!victim || now - l->since > now - victim->since)
			victim = l;
	}
	if (!create)
		return NULL;
	memcpy(victim->key, key, sizeof key);
	victim->failures = 0;
	victim->since = now;
	return victim;
}

static int wait_for(const limit *l, int max, time_t now)
{
	if (!l || l->failures < max)
		return 0;
	long left = LIMIT_WINDOW_S - (long)(now - l->since);
	return left > 0 ? (int)left : 0;
}

int signin_wait(sessions *s, const char *name, const char *client)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&s->lock);
	int a = wait_for(limit_slot(s, "name", name, now, false), LIMIT_PER_NAME, now);
	int b = wait_for(limit_slot(s, "client", client, now, false), LIMIT_PER_CLIENT, now);
	pthread_mutex_unlock(&s->lock);
	return a > b ? a : b;
}

void signin_result(sessions *s, const char *name, const char *client, bool ok)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&s->lock);
	limit *n = limit_slot(s, "name", name, now, !ok);
	if (ok) {
		if (n)
			n->failures = 0;
	} else {
		n->failures++;
		limit_slot(s, "client", client, now, true)->failures++;
	}
	pthread_mutex_unlock(&s->lock);
}
