/* bench_match's weapons: a seeded generator of N serials with realistic
 * formats, and the two ways the product fills its index with them.
 *
 * Makes are the manufacturers of data/manufacturers.json, ranked by their
 * weight there, followed by derived plant variants of each ("<name> (plant
 * 2)", ...) up to --makes; popularity is Zipf(s) over that ranking. Within a
 * make, the model is drawn by its weight and the serial format uniformly
 * from the model's serial_formats, expanded like src/registry/demo.c (#
 * digit, @ Latin letter, % Cyrillic letter, & Arabic-Indic digit, ~ Persian
 * digit). Raw serials then get random separators, 5% are rendered with
 * Cyrillic look-alike letters or Arabic-Indic digits, and 0.1% repeat the
 * previous serial of the same make (legacy duplicates). Record i depends
 * only on the seed, i and the records of its make before it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/tables.h"
#include "match_bench.h"
#include "wam/match.h"

#define FIXED_CLOCK_MS 1704067200000ULL /* ids sort like registrations from 2024-01-01 */
#define DUP_PER_MILLE 1
#define SCRIPT_PERCENT 5

/* Latin capitals with a Cyrillic look-alike, and that look-alike (UTF-8). */
static const char latin_lookalike[] = "ABEKMHOPCTXY";
static const char *const cyrillic_lookalike[] = {"А", "В", "Е", "К", "М", "Н", "О", "Р", "С", "Т", "Х", "У"};

/* splitmix64 finaliser: spreads a seed or a record number over 64 bits. */
uint64_t mb_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The generator of item `i` of a stream: independent of every other
 * item's draws. */
wam_rng mb_item_rng(uint64_t seed, size_t i, uint64_t stream)
{
	return (wam_rng){mb_mix64(seed * 0x9e3779b97f4a7c15ULL + stream) ^
	                 mb_mix64((uint64_t)i + 0x632be59bd9b4e019ULL)};
}

/* Orders manufacturers by weight, heaviest first (ties keep file order). */
static int by_weight(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t wx = json_integer_value(json_object_get(x, "weight"));
	json_int_t wy = json_integer_value(json_object_get(y, "weight"));
	if (wx != wy)
		return wx < wy ? 1 : -1;
	return (x > y) - (x < y);
}

/* The calibre number of a calibre name, adding it when new; -1 when the
 * table is full. */
static int calibre_of(mb_data *d, const char *name)
{
	char key[256];
	wam_match_name_key(key, sizeof key, name);
	for (size_t i = 0; i < d->ncalibres; i++)
		if (!strcmp(d->calibres[i], key))
			return (int)i;
	if (d->ncalibres == sizeof d->calibres / sizeof d->calibres[0])
		return -1;
	snprintf(d->calibres[d->ncalibres], sizeof d->calibres[0], "%s", key);
	return (int)d->ncalibres++;
}

/* Appends the models of manufacturer `maker` to d->models. */
static int add_models(mb_data *d, const json_t *maker)
{
	const json_t *models = json_object_get(maker, "models");
	for (size_t m = 0; m < json_array_size(models); m++) {
		mb_model *mo = &d->models[d->nmodels++];
		mo->model = json_array_get(models, m);
		wam_match_name_key(mo->key, sizeof mo->key, json_string_value(json_object_get(mo->model, "model")));
		int c = calibre_of(d, json_string_value(json_object_get(mo->model, "calibre")));
		if (c < 0) {
			fprintf(stderr, "bench: more than 64 calibres\n");
			return -1;
		}
		mo->calibre = (uint8_t)c;
	}
	return 0;
}

/* Fills d->makes: the ranked manufacturers, then their plant variants,
 * with Zipf(s) weights by rank. `ranked[b]` starts at model `first[b]`. */
static void name_makes(mb_data *d, json_t **ranked, const size_t *first, size_t nbases, size_t nmakes, double s)
{
	double total = 0;
	for (size_t i = 0; i < nmakes; i++) {
		mb_make *mk = &d->makes[i];
		size_t b = i % nbases;
		const char *name = json_string_value(json_object_get(ranked[b], "name"));
		mk->maker = ranked[b];
		mk->model_first = first[b];
		mk->model_count = json_array_size(json_object_get(ranked[b], "models"));
		if (i < nbases)
			snprintf(mk->name, sizeof mk->name, "%s", name);
		else
			snprintf(mk->name, sizeof mk->name, "%s (plant %zu)", name, i / nbases + 1);
		wam_match_name_key(mk->key, sizeof mk->key, mk->name);
		mk->weight = 1.0 / pow((double)(i + 1), s);
		total += mk->weight;
		d->make_cdf[i] = total;
	}
	d->nmakes = nmakes;
}

/* Loads data/manufacturers.json into makes and models. */
static int load_makes(mb_data *d, size_t nmakes, double zipf_s)
{
	char path[4096];
	json_error_t err;
	snprintf(path, sizeof path, "%s/manufacturers.json", wam_data_dir());
	json_t *root = json_load_file(path, 0, &err);
	const json_t *list = json_object_get(root, "manufacturers");
	size_t nbases = json_array_size(list), nmodels = 0;
	if (!nbases) {
		fprintf(stderr, "bench: cannot load %s: %s\n", path, root ? "no manufacturers" : err.text);
		json_decref(root);
		return -1;
	}
	d->json = root;
	json_t **ranked = calloc(nbases, sizeof *ranked);
	size_t *first = calloc(nbases, sizeof *first);
	for (size_t i = 0; ranked && i < nbases; i++) {
		ranked[i] = json_array_get(list, i);
		nmodels += json_array_size(json_object_get(ranked[i], "models"));
	}
	d->models = calloc(nmodels, sizeof *d->models);
	d->makes = calloc(nmakes, sizeof *d->makes);
	d->make_cdf = calloc(nmakes, sizeof *d->make_cdf);
	int rc = ranked && first && d->models && d->makes && d->make_cdf ? 0 : -1;
	if (rc)
		fprintf(stderr, "bench: out of memory\n");
	else
		qsort(ranked, nbases, sizeof *ranked, by_weight);
	for (size_t b = 0; !rc && b < nbases; b++) {
		first[b] = d->nmodels;
		rc = add_models(d, ranked[b]);
	}
	if (!rc)
		name_makes(d, ranked, first, nbases, nmakes, zipf_s);
	free(ranked);
	free(first);
	return rc;
}

/* Draws a make by its Zipf weight. */
size_t mb_pick_make(const mb_data *d, wam_rng *r)
{
	double u = (double)(wam_rng_next(r) >> 11) / 9007199254740992.0 * d->make_cdf[d->nmakes - 1];
	size_t lo = 0, hi = d->nmakes - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->make_cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Draws a model of make `m` by the models' weights. */
size_t mb_pick_model(const mb_data *d, size_t m, wam_rng *r)
{
	const mb_make *mk = &d->makes[m];
	uint32_t total = 0;
	for (size_t i = 0; i < mk->model_count; i++)
		total += (uint32_t)json_integer_value(json_object_get(d->models[mk->model_first + i].model, "weight"));
	uint32_t x = wam_rng_below(r, total ? total : 1);
	for (size_t i = 0; i < mk->model_count; i++) {
		uint32_t w =
		    (uint32_t)json_integer_value(json_object_get(d->models[mk->model_first + i].model, "weight"));
		if (x < w)
			return mk->model_first + i;
		x -= w;
	}
	return mk->model_first;
}


/* Draws a new raw serial for a weapon of make `m` (model into `*model`). */
void mb_draw_serial(const mb_data *d, size_t m, wam_rng *r, wam_buf *out, size_t *model)
{
	*model = mb_pick_model(d, m, r);
	const json_t *formats = json_object_get(d->models[*model].model, "serial_formats");
	const char *fmt =
	    json_string_value(json_array_get(formats, wam_rng_below(r, (uint32_t)json_array_size(formats))));
	wam_demo_expand_serial(r, fmt ? fmt : "######", out);
}

/* True for the ASCII separators the formats use and the generator adds. */
static bool is_sep(char c)
{
	return c == ' ' || c == '-' || c == '/';
}

/* Rewrites the separators of `s`: most keep the format's own, some have
 * them swapped for another separator (or none), some get one more inside. */
void mb_vary_separators(wam_rng *r, wam_buf *s)
{
	static const char *const seps[] = {"-", " ", "/", ""};
	uint32_t roll = wam_rng_below(r, 100);
	if (roll < 70 || !s->n)
		return;
	wam_buf out = {0};
	const char *swap = seps[wam_rng_below(r, 4)];
	size_t starts = 0, at;
	for (size_t i = 1; i < s->n; i++)
		starts += ((unsigned char)s->p[i] & 0xc0) != 0x80;
	at = starts ? 1 + wam_rng_below(r, (uint32_t)starts) : 0;
	for (size_t i = 0, cp = 0; i < s->n; i++) {
		bool start = ((unsigned char)s->p[i] & 0xc0) != 0x80;
		if (roll < 85 && is_sep(s->p[i])) {
			wam_buf_puts(&out, swap);
			continue;
		}
		if (roll >= 85 && start && cp++ == at && !is_sep(s->p[i]) && !is_sep(s->p[i - 1]))
			wam_buf_puts(&out, seps[wam_rng_below(r, 3)]);
		wam_buf_putc(&out, s->p[i]);
	}
	wam_buf_reset(s);
	wam_buf_put(s, out.p ? out.p : "", out.n);
	wam_buf_free(&out);
}

/* Renders the ASCII letters of `s` that have a Cyrillic look-alike in
 * Cyrillic (`cyrillic`), or its ASCII digits as Arabic-Indic digits. */
void mb_render_script(wam_buf *s, bool cyrillic)
{
	wam_buf out = {0};
	for (size_t i = 0; i < s->n; i++) {
		char c = s->p[i];
		const char *hit = c ? strchr(latin_lookalike, c >= 'a' && c <= 'z' ? c - 32 : c) : NULL;
		if (cyrillic && hit)
			wam_buf_puts(&out, cyrillic_lookalike[hit - latin_lookalike]);
		else if (!cyrillic && c >= '0' && c <= '9')
			wam_buf_put(&out, (const char[]){(char)0xd9, (char)(0xa0 + (c - '0'))}, 2);
		else
			wam_buf_putc(&out, c);
	}
	wam_buf_reset(s);
	wam_buf_put(s, out.p ? out.p : "", out.n);
	wam_buf_free(&out);
}

/* True when `s` has an ASCII letter with a Cyrillic look-alike. */
bool mb_has_lookalike(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z' && strchr(latin_lookalike, *s))
			return true;
	return false;
}

/* Appends a raw serial to the raw arena. */
static int keep_raw(mb_data *d, size_t i, const char *s, size_t n)
{
	if (d->raw_n + n + 1 > d->raw_cap) {
		size_t cap = d->raw_cap ? d->raw_cap * 2 : (size_t)1 << 20;
		while (cap < d->raw_n + n + 1)
			cap *= 2;
		char *p = realloc(d->raw, cap);
		if (!p)
			return -1;
		d->raw = p;
		d->raw_cap = cap;
	}
	d->raw_off[i] = d->raw_n;
	memcpy(d->raw + d->raw_n, s, n);
	d->raw[d->raw_n + n] = '\0';
	d->raw_n += n + 1;
	return 0;
}

/* Generates the raw serial, make and model of record `i`. `last` holds
 * the latest record of each make (for legacy duplicates). */
static int generate_record(mb_data *d, size_t i, uint32_t *last, wam_buf *serial)
{
	wam_rng r = mb_item_rng(d->seed, i, 1);
	size_t m = mb_pick_make(d, &r), model;
	mb_draw_serial(d, m, &r, serial, &model);
	if (last[m] != MB_NONE && wam_rng_below(&r, 1000) < DUP_PER_MILLE) {
		const char *prev = d->raw + d->raw_off[last[m]];
		wam_buf_reset(serial);
		wam_buf_puts(serial, prev);
		d->ndup++;
	} else {
		mb_vary_separators(&r, serial);
		if (wam_rng_below(&r, 100) < SCRIPT_PERCENT) {
			bool cyr = mb_has_lookalike(serial->p) && wam_rng_below(&r, 2);
			mb_render_script(serial, cyr);
			d->nscript++;
		}
	}
	d->make[i] = (uint16_t)m;
	d->model[i] = (uint16_t)model;
	last[m] = (uint32_t)i;
	return keep_raw(d, i, serial->p, serial->n);
}

int mb_data_generate(mb_data *d, size_t n, uint64_t seed, size_t nmakes, double zipf_s)
{
	memset(d, 0, sizeof *d);
	d->n = n;
	d->seed = seed;
	if (load_makes(d, nmakes, zipf_s))
		return -1;
	d->canon = calloc(n, MB_KEYW);
	d->skel = calloc(n, MB_KEYW);
	d->alt = calloc(n, MB_KEYW);
	d->altskel = calloc(n, MB_KEYW);
	d->make = calloc(n, sizeof *d->make);
	d->model = calloc(n, sizeof *d->model);
	d->raw_off = calloc(n, sizeof *d->raw_off);
	uint32_t *last = malloc(nmakes * sizeof *last);
	wam_buf serial = {0};
	int rc = d->canon && d->skel && d->alt && d->altskel && d->make && d->model && d->raw_off && last ? 0 : -1;
	if (last)
		memset(last, 0xff, nmakes * sizeof *last);
	for (size_t i = 0; !rc && i < n; i++)
		rc = generate_record(d, i, last, &serial);
	if (rc)
		fprintf(stderr, "bench: out of memory generating %zu weapons\n", n);
	free(last);
	wam_buf_free(&serial);
	return rc;
}

void mb_fold(char *out, const char *canonical, size_t cap)
{
	const wam_match_tables *t = wam_match_tables_get();
	size_t i = 0;
	for (; canonical[i] && i + 1 < cap; i++)
		out[i] = t ? (char)t->fold[(unsigned char)canonical[i] & 0x7f] : canonical[i];
	out[i] = '\0';
}

/* Adds record `i` to `ix` with the keys in the columns, as the product
 * does from the store's items (search.c, index_row). */
static int add_record(const mb_data *d, wam_match_index *ix, size_t i)
{
	char id[WAM_ID_LEN + 1];
	wam_rng idr = mb_item_rng(d->seed, i, 2);
	wam_ulid(id, FIXED_CLOCK_MS + i / 1000, &idr);
	const mb_make *mk = &d->makes[d->make[i]];
	const mb_model *mo = &d->models[d->model[i]];
	const char *country = json_string_value(json_object_get(mk->maker, "country"));
	return wam_match_index_add(ix, id, d->canon[i], d->alt[i], mk->key, mo->key, d->calibres[mo->calibre],
	                           country) < 0
	           ? -1
	           : 0;
}

/* Normalizes raw serial `i` into the key columns; -1 when it fails or a
 * key does not fit a column. */
static int normalize_record(mb_data *d, size_t i)
{
	wam_serial_keys k;
	const char *raw = d->raw + d->raw_off[i];
	if (wam_serial_normalize(&k, raw, NULL)) {
		fprintf(stderr, "bench: cannot normalize serial %zu '%s'\n", i, raw);
		return -1;
	}
	if (strlen(k.canonical) >= MB_KEYW || strlen(k.translit) >= MB_KEYW) {
		fprintf(stderr, "bench: serial %zu '%s' has a key longer than %d characters\n", i, raw, MB_KEYW - 1);
		return -1;
	}
	memcpy(d->canon[i], k.canonical, strlen(k.canonical) + 1);
	memcpy(d->skel[i], k.skeleton, strlen(k.skeleton) + 1);
	memcpy(d->alt[i], k.translit, strlen(k.translit) + 1);
	mb_fold(d->altskel[i], k.translit, MB_KEYW);
	d->nalt += k.translit[0] != '\0';
	return 0;
}

int mb_data_build(mb_data *d, wam_match_index *ix)
{
	d->nalt = 0;
	for (size_t i = 0; i < d->n; i++)
		if (normalize_record(d, i) || add_record(d, ix, i)) {
			fprintf(stderr, "bench: building the index failed at weapon %zu\n", i);
			return -1;
		}
	free(d->raw);
	free(d->raw_off);
	d->raw = NULL;
	d->raw_off = NULL;
	return 0;
}

int mb_data_open(const mb_data *d, wam_match_index *ix)
{
	for (size_t i = 0; i < d->n; i++)
		if (add_record(d, ix, i)) {
			fprintf(stderr, "bench: opening the index failed at weapon %zu\n", i);
			return -1;
		}
	return 0;
}

void mb_data_attrs(mb_data *d, const wam_match_index *ix)
{
	for (size_t m = 0; m < d->nmakes; m++)
		d->makes[m].attr = wam_match_index_attr(ix, WAM_ATTR_MAKE, d->makes[m].key);
	for (size_t c = 0; c < d->ncalibres; c++)
		d->calibre_attr[c] = wam_match_index_attr(ix, WAM_ATTR_CALIBRE, d->calibres[c]);
}

void mb_data_free(mb_data *d)
{
	free(d->canon);
	free(d->skel);
	free(d->alt);
	free(d->altskel);
	free(d->make);
	free(d->model);
	free(d->raw);
	free(d->raw_off);
	free(d->makes);
	free(d->make_cdf);
	free(d->models);
	json_decref(d->json);
	memset(d, 0, sizeof *d);
}
