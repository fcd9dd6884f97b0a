/* The screening engine (engine.h; docs/sanctions.md, docs/match.md
 * "Names"). Every name of an entry (its name, its aliases, its name in the
 * original script) is folded by the match room and posted under blocking
 * keys: the skeleton of each compared part and the skeleton with each one
 * of its consonants left out, so a query reaches the entries that share a
 * part with it within one consonant. Each reached name is scored by
 * aligning the parts in any order (best pair first); the entry's last part
 * (the family name of a person) weighs more, a missing middle part little,
 * an extra part of the query some. Secondary fields then raise or lower
 * the score. Deterministic: ties go to the entry added first. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sanctions/engine.h"

#define KEY_LEN WAM_NAME_PART_LEN
/* Two parts are aligned only from this similarity up. */
#define PART_FLOOR 0.65
/* Weights of a person's family name (the last part), of a missing middle
 * part, and of a part the query has and the name has not. */
#define W_FAMILY 1.5
#define W_MISSING_MIDDLE 0.2
#define W_EXTRA 0.8
/* ... and of one when every part of a person's name is met, from W_WELL,
 * in the name's order (or with the family name first): a father's or
 * grandfather's name, a tribal name added to a listed name. When the
 * query's last part is the extra one, the family name is met from
 * W_FAMILY_WELL: not on an Arabic skeleton or Jaro-Winkler alone, which
 * tell a given name Hasan from the family name al-Hassani no better than
 * Hashim from al-Hashimi. An entity's extra word is another company as
 * often as not, and a low-quality alias (a given and a family name, a
 * nickname) too vague to forgive one: they pay in full. */
#define W_EXTRA_COVERED 0.1
#define W_WELL 0.9
#define W_FAMILY_WELL 0.96
/* A low-quality alias is weaker evidence (domain.md §2.12). */
#define LOW_ALIAS 0.9

typedef struct ix_name {
	int entry;
	bool low; /* a low-quality alias */
	const char *text;
	int pid[WAM_NAME_PARTS];            /* each compared part's id among the distinct parts of the index */
	unsigned char core[WAM_NAME_PARTS]; /* the compared parts' indices in `nm` */
	int ncore;
	wam_name nm; /* last: the fields above are what a query reads of most names */
} ix_name;

typedef struct ix_entry {
	json_t *e;
	bool entity;
} ix_entry;

typedef struct posting_key {
	char key[KEY_LEN];
	int *names, n, cap, id;
	struct posting_key *next;
} posting_key;

typedef struct keytab {
	posting_key **buckets;
	size_t nbuckets, nkeys;
} keytab;

struct screen_index {
	ix_entry *entries;
	int nentries, cap_entries;
	ix_name *names;
	int nnames, cap_names;
	keytab keys;  /* blocking key -> names */
	keytab parts; /* script and Latin form of a part -> its id */
	int nparts;
};

static unsigned long hash_key(const char *s)
{
	unsigned long h = 1469598103934665603UL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

static const posting_key *find_key(const keytab *t, const char *key)
{
	for (const posting_key *p = t->buckets[hash_key(key) & (t->nbuckets - 1)]; p; p = p->next)
		if (!strcmp(p->key, key))
			return p;
	return NULL;
}

static int grow_buckets(keytab *t)
{
	size_t n = t->nbuckets * 2;
	posting_key **b = calloc(n, sizeof *b);
	if (!b)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < t->nbuckets; i++)
		for (posting_key *p = t->buckets[i], *next; p; p = next) {
			next = p->next;
			size_t h = hash_key(p->key) & (n - 1);
			p->next = b[h];
			b[h] = p;
		}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
	return 0;
}

/* The key's entry in `t`, made when new (its id then -1). */
static posting_key *intern(keytab *t, const char *key)
{
	if (t->nkeys >= t->nbuckets && grow_buckets(t))
		return NULL;
	size_t h = hash_key(key) & (t->nbuckets - 1);
	posting_key *p = t->buckets[h];
	while (p && strcmp(p->key, key))
		p = p->next;
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p) {
			wam_error_set(WAM_ENOMEM, NULL, "out of memory");
			return NULL;
		}
		size_t len = strnlen(key, sizeof p->key - 1);
		memcpy(p->key, key, len);
		p->key[len] = '\0';
		p->id = -1;
		p->next = t->buckets[h];
		t->buckets[h] = p;
		t->nkeys++;
	}
	return p;
}

static int post(screen_index *idx, const char *key, int name)
{
	if (!*key)
		return 0;
	posting_key *p = intern(&idx->keys, key);
	if (!p)
		return WAM_ENOMEM;
	if (p->n && p->names[p->n - 1] == name)
		return 0;
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 4;
		int *a = realloc(p->names, (size_t)cap * sizeof *a);
		if (!a)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		p->names = a;
		p->cap = cap;
	}
	p->names[p->n++] = name;
	return 0;
}

static void keytab_free(keytab *t)
{
	for (size_t i = 0; i < t->nbuckets; i++)
		for (posting_key *p = t->buckets[i], *next; p; p = next) {
			next = p->next;
			free(p->names);
			free(p);
		}
	free(t->buckets);
}

/* The blocking keys of a part: its skeleton (its form when it has no
 * consonant), written each way when a letter is either of two (g: k or
 * j), then, from three consonants, each of those with one consonant left
 * out. Returns how many were written to `keys`; the first `*nfirst` are
 * the skeletons themselves. */
static int keys_of(const wam_name_part *p, char keys[][KEY_LEN], int max, int *nfirst)
{
	char sp[4][WAM_NAME_SPELLING_LEN];
	int ns = wam_name_spellings(p->skel[0] ? p->skel : p->form, sp, 4);
	int k = 0;
	for (int e = 0; e < ns && k < max; e++)
		snprintf(keys[k++], KEY_LEN, "%.*s", KEY_LEN - 1, sp[e]);
	*nfirst = k;
	for (int e = 0; e < ns; e++) {
		const char *s = sp[e];
		size_t n = strlen(s);
		if (n >= 3)
			for (size_t i = 0; i < n && k < max; i++) {
				if (i > 0 && s[i] == s[i - 1])
					continue;
				memcpy(keys[k], s, i);
				memcpy(keys[k] + i, s + i + 1, n - i);
				k++;
			}
	}
	return k;
}

int screen_index_new(screen_index **out)
{
	*out = NULL;
	wam_name probe;
	if (wam_name_fold(&probe, "a", NULL)) /* the tables load, or say why not */
		return wam_error_last()->code;
	screen_index *idx = calloc(1, sizeof *idx);
	if (!idx || !(idx->keys.buckets = calloc(1024, sizeof *idx->keys.buckets)) ||
	    !(idx->parts.buckets = calloc(1024, sizeof *idx->parts.buckets))) {
		if (idx)
			free(idx->keys.buckets);
		free(idx);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
	}
	idx->keys.nbuckets = idx->parts.nbuckets = 1024;
	*out = idx;
	return 0;
}

void screen_index_free(screen_index *idx)
{
	if (!idx)
		return;
	keytab_free(&idx->keys);
	keytab_free(&idx->parts);
	for (int i = 0; i < idx->nentries; i++)
		json_decref(idx->entries[i].e);
	free(idx->entries);
	free(idx->names);
	free(idx);
}

static int add_name(screen_index *idx, int entry, const char *text, bool low)
{
	if (!text || !*text)
		return 0;
	if (idx->nnames == idx->cap_names) {
		int cap = idx->cap_names ? idx->cap_names * 2 : 64;
		ix_name *a = realloc(idx->names, (size_t)cap * sizeof *a);
		if (!a)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		idx->names = a;
		idx->cap_names = cap;
	}
	ix_name *n = &idx->names[idx->nnames];
	if (wam_name_fold(&n->nm, text, "name")) {
		/* A name of the list with no letter in it (or odd bytes) is not
		 * screened under that name; the entry's other names still are. */
		if (wam_error_last()->code == WAM_EINVAL)
			return 0;
		return wam_error_last()->code;
	}
	n->entry = entry;
	n->low = low;
	n->text = text;
	n->ncore = 0;
	for (int i = 0; i < n->nm.n; i++) {
		if (n->nm.part[i].role != WAM_NAME_CORE)
			continue;
		n->core[n->ncore] = (unsigned char)i;
		char pk[KEY_LEN + 2];
		snprintf(pk, sizeof pk, "%c%.*s", '0' + n->nm.part[i].script, KEY_LEN - 2, n->nm.part[i].latin);
		posting_key *d = intern(&idx->parts, pk);
		if (!d)
			return WAM_ENOMEM;
		if (d->id < 0)
			d->id = idx->nparts++;
		n->pid[n->ncore++] = d->id;
		char keys[KEY_LEN][KEY_LEN];
		int nfirst, k = keys_of(&n->nm.part[i], keys, KEY_LEN, &nfirst);
		for (int j = 0; j < k; j++)
			if (post(idx, keys[j], idx->nnames))
				return WAM_ENOMEM;
	}
	idx->nnames++;
	return 0;
}

int screen_index_add(screen_index *idx, json_t *entry)
{
	if (!json_is_object(entry))
		return wam_error_set(WAM_EINVAL, "entry", "must be an object");
	if (idx->nentries == idx->cap_entries) {
		int cap = idx->cap_entries ? idx->cap_entries * 2 : 64;
		ix_entry *a = realloc(idx->entries, (size_t)cap * sizeof *a);
		if (!a)
			return wam_error_set(WAM_ENOMEM, NULL, "out of memory");
		idx->entries = a;
		idx->cap_entries = cap;
	}
	int id = idx->nentries;
	const char *kind = json_string_value(json_object_get(entry, "kind"));
	idx->entries[id].e = json_incref(entry);
	idx->entries[id].entity = kind && !strcmp(kind, "entity");
	idx->nentries++;
	int rc = add_name(idx, id, json_string_value(json_object_get(entry, "name")), false);
	if (!rc)
		rc = add_name(idx, id, json_string_value(json_object_get(entry, "name_original_script")), false);
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(entry, "names"), i, n)
	{
		const char *q = json_string_value(json_object_get(n, "quality"));
		if (!rc)
			rc = add_name(idx, id, json_string_value(json_object_get(n, "name")), q && !strcmp(q, "low"));
	}
	return rc;
}

/* ---- one name against another ---- */

typedef struct aligned {
	int q, e; /* part indices; -1 when missing or extra */
	double sim;
	wam_name_how how;
} aligned;

typedef struct name_match {
	double score;
	aligned al[2 * WAM_NAME_PARTS];
	int nal;
} name_match;

/* The similarities of the query's parts to each distinct part of the
 * index met so far: a part shared by many names is compared once. */
typedef struct memo {
	int *slot; /* per distinct part: 0 not yet, else its row + 1 */
	double (*sim)[WAM_NAME_PARTS];
	unsigned char (*how)[WAM_NAME_PARTS];
	int n, cap;
} memo;

/* Aligns the query's compared parts with the name's, best pair first, and
 * scores: the sum of the name's aligned parts' weights times their
 * similarity, over those weights plus what is missing and extra. `mm`
 * (with `pid`, the name's part ids) remembers similarities; NULL: none. */
static void score_name(const wam_name *q, const ix_name *en, memo *mm, bool entity, name_match *m, bool want_alignment)
{
	double sim[WAM_NAME_PARTS][WAM_NAME_PARTS];
	wam_name_how how[WAM_NAME_PARTS][WAM_NAME_PARTS];
	const wam_name *e = &en->nm;
	const unsigned char *ei = en->core;
	int qi[WAM_NAME_PARTS], nq = 0, ne = en->ncore;
	for (int i = 0; i < q->n; i++)
		if (q->part[i].role == WAM_NAME_CORE)
			qi[nq++] = i;
	for (int b = 0; b < ne; b++) {
		int *slot = mm ? &mm->slot[en->pid[b]] : NULL;
		if (slot && !*slot && mm->n < mm->cap) {
			for (int a = 0; a < nq; a++) {
				wam_name_how h;
				mm->sim[mm->n][a] =
				    (float)wam_name_part_similarity(&q->part[qi[a]], &e->part[ei[b]], &h);
				mm->how[mm->n][a] = (unsigned char)h;
			}
			*slot = ++mm->n;
		}
		for (int a = 0; a < nq; a++)
			if (slot && *slot) {
				sim[a][b] = mm->sim[*slot - 1][a];
				how[a][b] = (wam_name_how)mm->how[*slot - 1][a];
			} else {
				sim[a][b] = wam_name_part_similarity(&q->part[qi[a]], &e->part[ei[b]], &how[a][b]);
			}
	}
	bool qused[WAM_NAME_PARTS] = {false}, eused[WAM_NAME_PARTS] = {false};
	int e_of[WAM_NAME_PARTS];         /* the name's part each query part met */
	double met[WAM_NAME_PARTS] = {0}; /* how well each part of the name was met */
	double num = 0, den = 0;
	m->nal = 0;
	for (;;) {
		int ba = -1, bb = -1;
		double best = PART_FLOOR;
		for (int a = 0; a < nq; a++)
			for (int b = 0; b < ne && !qused[a]; b++)
				if (!eused[b] && sim[a][b] >= best && (ba < 0 || sim[a][b] > best)) {
					best = sim[a][b];
					ba = a;
					bb = b;
				}
		if (ba < 0)
			break;
		qused[ba] = eused[bb] = true;
		e_of[ba] = bb;
		/* a part met on an Arabic skeleton alone (محمود and Muhammad,
		 * حسين and Hasan) does not count as met well */
		met[bb] = how[ba][bb] == WAM_NAME_TRANSLIT && best < 0.96 ? best - 0.1 : best;
		double w = !entity && ne >= 2 && bb == ne - 1 ? W_FAMILY : 1.0;
		/* An initial says little: it counts as a middle part does. */
		if (how[ba][bb] == WAM_NAME_INITIAL && bb > 0 && bb < ne - 1)
			w = W_MISSING_MIDDLE * 2;
		num += w * best;
		den += w;
		if (want_alignment)
			m->al[m->nal++] = (aligned){qi[ba], ei[bb], best, how[ba][bb]};
	}
	for (int b = 0; b < ne; b++)
		if (!eused[b]) {
			bool middle = !entity && b > 0 && b < ne - 1;
			den += middle ? W_MISSING_MIDDLE : !entity && ne >= 2 && b == ne - 1 ? W_FAMILY : 1.0;
			if (want_alignment)
				m->al[m->nal++] = (aligned){-1, ei[b], 0, WAM_NAME_DIFFERENT};
		}
	/* Every part met well, the query's first part the name's first (or
	 * its family name), the others in the name's order. */
	bool covered = !entity && !en->low && ne >= 2 && nq > ne && qused[0] && (e_of[0] == 0 || e_of[0] == ne - 1) &&
	               met[ne - 1] >= (qused[nq - 1] ? W_WELL : W_FAMILY_WELL);
	for (int b = 0; covered && b < ne; b++)
		covered = met[b] >= W_WELL;
	for (int a = 1, last = -1; covered && a < nq; a++)
		if (qused[a]) {
			covered = e_of[a] > last && e_of[a] != e_of[0];
			last = e_of[a];
		}
	for (int a = 0; a < nq; a++)
		if (!qused[a]) {
			den += covered ? W_EXTRA_COVERED : W_EXTRA;
			if (want_alignment)
				m->al[m->nal++] = (aligned){qi[a], -1, 0, WAM_NAME_DIFFERENT};
		}
	m->score = den > 0 ? num / den : 0;
}

/* ---- secondary evidence ---- */

typedef struct date_parts {
	int y, m, d; /* 0: not given */
} date_parts;

static date_parts parse_date(const char *s)
{
	date_parts p = {0, 0, 0};
	if (!s)
		return p;
	char *end;
	long y = strtol(s, &end, 10);
	if (end - s != 4)
		return p;
	p.y = (int)y;
	if (*end == '-') {
		const char *ms = end + 1;
		long mo = strtol(ms, &end, 10);
		if (end - ms == 2) {
			p.m = (int)mo;
			if (*end == '-') {
				const char *ds = end + 1;
				long d = strtol(ds, &end, 10);
				if (end - ds == 2)
					p.d = (int)d;
			}
		}
	}
	return p;
}

static int json_year(const json_t *v)
{
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	return parse_date(json_string_value(v)).y;
}

typedef struct evidence_ctx {
	json_t *list;
	double delta;
	int rc;
} evidence_ctx;

static void evidence(evidence_ctx *x, const char *field, bool for_, double weight, json_t *message)
{
	if (!message || json_object_set_new(message, "field", json_string(field)) ||
	    json_object_set_new(message, "effect", json_string(for_ ? "for" : "against")) ||
	    json_object_set_new(message, "weight", json_real(weight)) || json_array_append_new(x->list, message)) {
		json_decref(message);
		x->rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory weighing a candidate");
		return;
	}
	x->delta += for_ ? weight : -weight;
}

/* The date of birth: the same date is evidence for, the same year (or a
 * year inside the listed range) a little; a different exact date is
 * strong evidence against, a different year too. */
static void weigh_dob(evidence_ctx *x, const json_t *entry, const char *dob)
{
	date_parts q = parse_date(dob);
	const json_t *dobs = json_object_get(entry, "dobs");
	if (!q.y || !json_array_size(dobs))
		return;
	int best = 0; /* 3 same date, 2 same year, 1 year within one of an approximate one */
	bool exact_differs = false;
	const char *listed = NULL;
	char listed_buf[32];
	size_t i;
	json_t *d;
	json_array_foreach(dobs, i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		date_parts e = parse_date(json_string_value(json_object_get(d, "date")));
		int y = e.y ? e.y : json_year(json_object_get(d, "year"));
		int from = json_year(json_object_get(d, "from")), to = json_year(json_object_get(d, "to"));
		int r = 0;
		if (e.y && e.m && e.d && q.m && q.d) {
			if (e.y == q.y && e.m == q.m && e.d == q.d)
				r = 3;
			else
				exact_differs = true;
		}
		if (!r && y && y == q.y && !(e.m && q.m && e.m != q.m))
			r = 2;
		if (!r && from && to && q.y >= from && q.y <= to)
			r = 2;
		if (!r && y && kind && !strcmp(kind, "approximately") && abs(y - q.y) <= 1)
			r = 1;
		if (!listed || r > best) {
			if (json_string_value(json_object_get(d, "date")))
				snprintf(listed_buf, sizeof listed_buf, "%s",
				         json_string_value(json_object_get(d, "date")));
			else if (from && to)
				snprintf(listed_buf, sizeof listed_buf, "%d-%d", from, to);
			else
				snprintf(listed_buf, sizeof listed_buf, "%d", y);
			listed = listed_buf;
		}
		if (r > best)
			best = r;
	}
	if (best == 3)
		evidence(x, "dob", true, 0.08, wam_message_json("the date of birth %s is the listed one", dob));
	else if (best == 2 && !exact_differs)
		evidence(x, "dob", true, 0.04,
		         wam_message_json("the year of birth of %s fits the listed %s", dob, listed));
	else if (best == 1)
		return;
	else if (exact_differs)
		evidence(x, "dob", false, 0.35,
		         wam_message_json("the date of birth %s differs from the listed %s", dob, listed));
	else
		evidence(x, "dob", false, 0.25,
		         wam_message_json("the year of birth of %s differs from the listed %s", dob, listed));
}

/* Nationality: a listed one the same is evidence for; when every listed
 * one is a country's code (a name resolved at import, nationality_codes,
 * or a code as the list wrote it) and none is the query's, evidence
 * against. A name no country was found for adds nothing. */
static void weigh_nationality(evidence_ctx *x, const json_t *entry, const char *cc)
{
	const json_t *list = json_object_get(entry, "nationalities");
	const json_t *codes = json_object_get(entry, "nationality_codes");
	if (!cc || !*cc || !json_array_size(list))
		return;
	bool all_codes = true;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v), *code = json_string_value(json_array_get(codes, i));
		if (!code && s && strlen(s) == 2)
			code = s;
		if (code && !strcasecmp(code, cc)) {
			evidence(x, "nationality", true, 0.04,
			         wam_message_json("the nationality %s is a listed one", code));
			return;
		}
		all_codes = all_codes && code;
	}
	if (all_codes)
		evidence(x, "nationality", false, 0.2,
		         wam_message_json("the nationality %s is none of the listed ones", cc));
}

/* A document number compared on its letters and digits alone. */
static void document_key(char *out, size_t n, const char *s)
{
	size_t k = 0;
	for (; s && *s && k + 1 < n; s++)
		if (isalnum((unsigned char)*s))
			out[k++] = (char)toupper((unsigned char)*s);
	out[k] = '\0';
}

static void weigh_document(evidence_ctx *x, const json_t *entry, const char *document)
{
	char q[64], e[64];
	document_key(q, sizeof q, document);
	if (!*q)
		return;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(entry, "documents"), i, d)
	{
		document_key(e, sizeof e, json_string_value(json_object_get(d, "number")));
		if (!strcmp(q, e)) {
			evidence(x, "document", true, 0.2,
			         wam_message_json("the document %s is a listed one", document));
			return;
		}
	}
}

static void weigh_kind(evidence_ctx *x, const ix_entry *e, const wam_sanctions_query *q, const wam_name *qn)
{
	const char *listed = e->entity ? "entity" : "individual";
	if (q->kind && *q->kind) {
		if (strcmp(q->kind, listed))
			evidence(x, "kind", false, 0.3,
			         wam_message_json("the name is of an %s, the entry of an %s", q->kind, listed));
	} else if (qn->legal_form && !e->entity) {
		evidence(x, "kind", false, 0.15,
		         wam_message_json("the name has a legal form, the entry is an individual"));
	}
}

/* ---- a query ---- */

typedef struct cand {
	int entry, name;
	double name_score, score;
	json_t *ev;
} cand;

static int cmp_cand(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A part's text as it is in `name`. */
static json_t *part_text(const char *name, const wam_name_part *p)
{
	return json_stringn(name + p->bstart, (size_t)(p->bend - p->bstart));
}

static json_t *explanation(const wam_sanctions_query *q, const wam_name *qn, const ix_name *en, bool entity)
{
	name_match m;
	score_name(qn, en, NULL, entity, &m, true);
	json_t *list = json_array();
	for (int i = 0; list && i < qn->n; i++)
		if (qn->part[i].role != WAM_NAME_CORE &&
		    json_array_append_new(list, json_pack("{s:o, s:n, s:s, s:f, s:[i,i]}", "query_part",
		                                          part_text(q->name, &qn->part[i]), "entry_part", "how",
		                                          "particle_ignored", "score", 0.0, "at", qn->part[i].start,
		                                          qn->part[i].end)))
			goto fail;
	for (int k = 0; list && k < m.nal; k++) {
		const aligned *a = &m.al[k];
		json_t *o;
		if (a->q >= 0 && a->e >= 0)
			o = json_pack("{s:o, s:o, s:s, s:f, s:[i,i]}", "query_part",
			              part_text(q->name, &qn->part[a->q]), "entry_part",
			              part_text(en->text, &en->nm.part[a->e]), "how", wam_name_how_word(a->how),
			              "score", a->sim, "at", qn->part[a->q].start, qn->part[a->q].end);
		else if (a->e >= 0)
			o = json_pack("{s:n, s:o, s:s, s:f, s:n}", "query_part", "entry_part",
			              part_text(en->text, &en->nm.part[a->e]), "how", "missing", "score", 0.0, "at");
		else
			o = json_pack("{s:o, s:n, s:s, s:f, s:[i,i]}", "query_part",
			              part_text(q->name, &qn->part[a->q]), "entry_part", "how", "extra", "score", 0.0,
			              "at", qn->part[a->q].start, qn->part[a->q].end);
		if (json_array_append_new(list, o))
			goto fail;
	}
	return list;
fail:
	json_decref(list);
	return NULL;
}

static json_t *candidate(const screen_index *idx, const cand *c, const wam_sanctions_query *q, const wam_name *qn,
                         json_t *ev)
{
	const ix_entry *e = &idx->entries[c->entry];
	const ix_name *n = &idx->names[c->name];
	json_t *o = json_pack("{s:{s:o, s:o, s:o, s:o, s:o}, s:f, s:f, s:s, s:O}", "entry", "id",
	                      string_or_null(json_string_value(json_object_get(e->e, "id"))), "reference",
	                      string_or_null(json_string_value(json_object_get(e->e, "reference"))), "name",
	                      string_or_null(json_string_value(json_object_get(e->e, "name"))), "list_type",
	                      string_or_null(json_string_value(json_object_get(e->e, "list_type"))), "regime",
	                      string_or_null(json_string_value(json_object_get(e->e, "regime"))), "score", c->score,
	                      "name_score", c->name_score, "matched_name", n->text, "evidence", ev);
	if (o && q->explain) {
		json_t *x = explanation(q, qn, n, e->entity);
		if (!x || json_object_set_new(o, "explanation", x)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int weigh(const screen_index *idx, cand *c, const wam_sanctions_query *q, const wam_name *qn, json_t **ev)
{
	const ix_entry *e = &idx->entries[c->entry];
	evidence_ctx x = {json_array(), 0, 0};
	if (!x.list)
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory weighing a candidate");
	if (idx->names[c->name].low)
		evidence(&x, "name", false, c->name_score * (1 - LOW_ALIAS),
		         wam_message_json("the name matched is a low-quality alias"));
	weigh_kind(&x, e, q, qn);
	weigh_dob(&x, e->e, q->dob);
	weigh_nationality(&x, e->e, q->nationality);
	weigh_document(&x, e->e, q->document);
	if (x.rc) {
		json_decref(x.list);
		return x.rc;
	}
	double s = c->name_score + x.delta;
	c->score = s < 0 ? 0 : s > 1 ? 1 : s;
	*ev = x.list;
	return 0;
}

int screen_run(const screen_index *idx, json_t **candidates, const wam_sanctions_query *q)
{
	*candidates = NULL;
	wam_name qn;
	if (wam_name_fold(&qn, q->name, "name"))
		return wam_error_last()->code;
	double threshold = q->threshold > 0 ? q->threshold : WAM_SANCTIONS_THRESHOLD;
	int limit = q->limit > 0 ? q->limit : 5;
	/* The names reached through the query's keys: a part's skeleton, or
	 * when no name has it, the skeleton with one consonant left out. A key
	 * most names share (the skeleton of Muhammad, of Trading) is followed
	 * only when the query has no rarer one. */
	const posting_key *hits[WAM_NAME_PARTS * KEY_LEN];
	int nhits = 0, rare = 0, common = idx->nnames / 16 > 64 ? idx->nnames / 16 : 64;
	for (int i = 0; i < qn.n; i++) {
		if (qn.part[i].role != WAM_NAME_CORE)
			continue;
		char keys[KEY_LEN][KEY_LEN];
		int nfirst, k = keys_of(&qn.part[i], keys, KEY_LEN, &nfirst);
		for (int j = 0; j < k; j++) {
			const posting_key *p = find_key(&idx->keys, keys[j]);
			if (p && j < nfirst) /* the part is on the list as it is: no need of its neighbours */
				k = nfirst;
			if (p) {
				hits[nhits++] = p;
				rare += p->n <= common;
			}
		}
	}
	unsigned char *seen = calloc((size_t)idx->nnames + 1, 1);
	memo mm = {calloc((size_t)idx->nparts + 1, sizeof(int)), NULL, NULL, 0,
	           idx->nparts < 512 ? idx->nparts + 1 : 512};
	mm.sim = malloc((size_t)mm.cap * sizeof *mm.sim);
	mm.how = malloc((size_t)mm.cap * sizeof *mm.how);
	if (!seen || !mm.slot || !mm.sim || !mm.how) {
		free(seen);
		free(mm.slot);
		free(mm.sim);
		free(mm.how);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a name");
	}
	int lo = idx->nnames, hi = -1;
	for (int h = 0; h < nhits; h++) {
		if (rare && hits[h]->n > common)
			continue;
		for (int j = 0; j < hits[h]->n; j++) {
			int n = hits[h]->names[j];
			seen[n] = 1;
			lo = n < lo ? n : lo;
			hi = n > hi ? n : hi;
		}
	}
	/* Each entry's best name (a low-quality alias counts for less); names
	 * are in entry order. The secondary fields the query gives can add at
	 * most `boost`: an entry whose name scores below the threshold by
	 * more cannot reach it. */
	double boost = (q->dob ? 0.08 : 0) + (q->nationality ? 0.04 : 0) + (q->document ? 0.2 : 0);
	cand *c = NULL;
	double *eff = NULL;
	int nc = 0, rc = 0, nreached = hi - lo + 1;
	if (nreached > 0 &&
	    (!(c = malloc((size_t)nreached * sizeof *c)) || !(eff = malloc((size_t)nreached * sizeof *eff)))) {
		free(seen);
		free(c);
		free(mm.slot);
		free(mm.sim);
		free(mm.how);
		return wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a name");
	}
	for (int i = lo; i <= hi; i++) {
		if (!seen[i])
			continue;
		const ix_name *n = &idx->names[i];
		name_match m;
		score_name(&qn, n, &mm, idx->entries[n->entry].entity, &m, false);
		double s = n->low ? m.score * LOW_ALIAS : m.score;
		if (s + boost < threshold)
			continue;
		if (nc && c[nc - 1].entry == n->entry) {
			if (s > eff[nc - 1]) {
				c[nc - 1].name = i;
				c[nc - 1].name_score = m.score;
				eff[nc - 1] = s;
			}
			continue;
		}
		eff[nc] = s;
		c[nc++] = (cand){n->entry, i, m.score, 0, NULL};
	}
	free(seen);
	free(mm.slot);
	free(mm.sim);
	free(mm.how);
	free(eff);
	for (int i = 0; i < nc && !rc; i++)
		rc = weigh(idx, &c[i], q, &qn, &c[i].ev);
	if (!rc && nc)
		qsort(c, (size_t)nc, sizeof *c, cmp_cand);
	json_t *out = rc ? NULL : json_array();
	if (!rc && !out)
		rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a name");
	for (int i = 0; !rc && i < nc && (int)json_array_size(out) < limit && c[i].score >= threshold; i++) {
		json_t *o = candidate(idx, &c[i], q, &qn, c[i].ev);
		if (!o || json_array_append_new(out, o))
			rc = wam_error_set(WAM_ENOMEM, NULL, "out of memory screening a name");
	}
	for (int i = 0; i < nc; i++)
		json_decref(c[i].ev);
	free(c);
	if (rc) {
		json_decref(out);
		return rc;
	}
	*candidates = out;
	return 0;
}
