/* Browser sessions and the limits on signing in, both kept in the server's
 * memory: a restart signs everyone out, and a session id never touches the
 * disk. A session is found by the BLAKE2b hash of its id, so the table holds
 * nothing a reader of memory could replay as a cookie.
 *
 * A session remembers its user's credential generation (the last event that
 * set the password or changed the role, sites or disabled flag): the
 * request path compares it with the registry's on every request, so a
 * change made by another process (the CLI) ends the session too.
 *
 * Sign-in limits slow guessing without letting anyone lock a user out:
 * failures are counted per (name, address), and past a few each further try
 * from that address for that name waits twice as long as the last, up to a
 * cap; someone else's failures from another address never stop the right
 * password. An address that fails too often, whatever the names, waits
 * until its window ends. Counters are found by a keyed hash, with a key
 * drawn at start, so no one can aim at a counter to push it out. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"

#define MAX_SESSIONS 4096
#define SESSION_IDLE_S (60 * 60)     /* signed out after an hour without a request */
#define SESSION_MAX_S (12 * 60 * 60) /* and after twelve hours in any case */
#define LIMIT_SLOTS 4096
#define LIMIT_FREE 3                /* failures for a name from an address before any wait */
#define LIMIT_DELAY_CAP_S (10 * 60) /* the longest wait between two tries */
#define LIMIT_FORGET_S (60 * 60)    /* a name's count is forgotten an hour after its last failure */
#define LIMIT_WINDOW_S (15 * 60)    /* the window of an address's count */
#define LIMIT_PER_CLIENT 100        /* failures from one address, any names, in a window */

typedef struct session {
	unsigned char hash[crypto_generichash_BYTES];
	char user_id[27];
	int64_t generation; /* the user's credential generation at sign-in */
	char csrf[44];
	time_t created, seen;
	bool live;
} session;

typedef struct limit {
	unsigned char key[16];
	int failures;
	int64_t since_ms; /* start of the window (an address's count) */
	int64_t last_ms;  /* the last failure */
} limit;

struct sessions {
	pthread_mutex_t lock;
	session s[MAX_SESSIONS];
	limit l[LIMIT_SLOTS];
	unsigned char limit_key[crypto_generichash_KEYBYTES];
};

sessions *sessions_new(void)
{
	sessions *s = calloc(1, sizeof *s);
	if (s) {
		pthread_mutex_init(&s->lock, NULL);
		randombytes_buf(s->limit_key, sizeof s->limit_key);
	}
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

int sessions_start(sessions *s, const char *user_id, int64_t generation, char sid[44], char csrf[44])
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
	slot->generation = generation;
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

bool sessions_find(sessions *s, const char *sid, char user_id[27], int64_t *generation, char csrf[44])
{
	time_t now = time(NULL);
	if (strlen(sid) != 43)
		return false;
	pthread_mutex_lock(&s->lock);
	session *x = find(s, sid, now);
	if (x) {
		x->seen = now;
		memcpy(user_id, x->user_id, 27);
		*generation = x->generation;
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

/* Milliseconds on a clock that only goes forward. */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static limit *limit_slot(sessions *s, const char *kind, const char *name, const char *client, int64_t now, bool create)
{
	unsigned char key[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, s->limit_key, sizeof s->limit_key, sizeof key);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)name, strlen(name) + 1);
	crypto_generichash_update(&st, (const unsigned char *)client, strlen(client));
	crypto_generichash_final(&st, key, sizeof key);
	uint32_t h;
	memcpy(&h, key, sizeof h);
	/* a small set-associative table: four places per key, the stalest is reused */
	limit *victim = NULL;
	for (int i = 0; i < 4; i++) {
		limit *l = &s->l[(h + (uint32_t)i) % LIMIT_SLOTS];
		if (!memcmp(l->key, key, sizeof key))
			return l;
		if (!victim || l->last_ms < victim->last_ms)
			victim = l;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	memcpy(victim->key, key, sizeof key);
	victim->since_ms = victim->last_ms = now;
	return victim;
}

/* Milliseconds before `name` may try again from `client`: none for the
 * first LIMIT_FREE failures, then 2, 4, 8 ... seconds up to
 * LIMIT_DELAY_CAP_S after the last failure. An hour without a failure
 * forgets them. */
static int64_t pair_wait(limit *l, int64_t now)
{
	if (!l)
		return 0;
	if (now - l->last_ms > LIMIT_FORGET_S * 1000LL)
		l->failures = 0;
	if (l->failures <= LIMIT_FREE)
		return 0;
	int n = l->failures - LIMIT_FREE;
	int64_t delay = n >= 20 ? LIMIT_DELAY_CAP_S : 1LL << n;
	if (delay > LIMIT_DELAY_CAP_S)
		delay = LIMIT_DELAY_CAP_S;
	int64_t left = l->last_ms + delay * 1000 - now;
	return left > 0 ? left : 0;
}

/* Milliseconds before `client` may try any name again: until its window
 * ends, once it holds LIMIT_PER_CLIENT failures. */
static int64_t client_wait(limit *l, int64_t now)
{
	if (!l)
		return 0;
	if (now - l->since_ms >= LIMIT_WINDOW_S * 1000LL) {
		l->failures = 0;
		l->since_ms = now;
	}
	if (l->failures < LIMIT_PER_CLIENT)
		return 0;
	int64_t left = l->since_ms + LIMIT_WINDOW_S * 1000LL - now;
	return left > 0 ? left : 0;
}

int signin_wait(sessions *s, const char *name, const char *client)
{
	int64_t now = now_ms();
	pthread_mutex_lock(&s->lock);
	limit *pair = limit_slot(s, "pair", name, client, now, true);
	limit *c = limit_slot(s, "client", "", client, now, true);
	int64_t a = pair_wait(pair, now), b = client_wait(c, now);
	if (a == 0 && b == 0) {
		/* the try counts as a failure until it is known to be right, so
		 * tries sent side by side cannot all pass the same check */
		pair->failures++;
		pair->last_ms = now;
		c->failures++;
		c->last_ms = now;
	}
	pthread_mutex_unlock(&s->lock);
	int64_t ms = a > b ? a : b;
	return (int)((ms + 999) / 1000); /* whole seconds, rounded up: Retry-After */
}

void signin_result(sessions *s, const char *name, const char *client, bool ok)
{
	int64_t now = now_ms();
	pthread_mutex_lock(&s->lock);
	limit *pair = limit_slot(s, "pair", name, client, now, false);
	limit *c = limit_slot(s, "client", "", client, now, false);
	if (!ok) {
		/* already counted; the wait runs from when the answer is known */
		if (pair)
			pair->last_ms = now;
	} else {
		if (pair)
			pair->failures = 0;
		if (c && c->failures > 0)
			c->failures--;
	}
	pthread_mutex_unlock(&s->lock);
}
