/* The registry and placeholders the fuzz targets share (common.h). */
#include "common.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wam/registry.h"
#include "wam/stock.h"

#define MAX_PLACEHOLDERS 16

static struct {
	char name[24];
	char value[96];
} holders[MAX_PLACEHOLDERS];
static int nholders;
static char path[128];

const char *fuzz_registry_path(void)
{
	return path;
}

void fuzz_placeholder(const char *name, const char *value)
{
	int i = 0;
	while (i < nholders && strcmp(holders[i].name, name))
		i++;
	if (i == MAX_PLACEHOLDERS)
		abort();
	snprintf(holders[i].name, sizeof holders[i].name, "%s", name);
	snprintf(holders[i].value, sizeof holders[i].value, "%s", value ? value : "");
	if (i == nholders)
		nholders++;
}

const char *fuzz_value(const char *name)
{
	for (int i = 0; i < nholders; i++)
		if (!strcmp(holders[i].name, name))
			return holders[i].value;
	return "";
}

/* The "id" of element `i` of `list` (or of list[key]), as a placeholder. */
static void placeholder_from(const char *name, const json_t *list, const char *key, size_t i)
{
	const json_t *a = key ? json_object_get(list, key) : list;
	const char *id = json_string_value(json_object_get(json_array_get(a, i), "id"));
	if (id)
		fuzz_placeholder(name, id);
}

wam_db *fuzz_registry(long demo_items)
{
	/* in memory where there is a tmpfs: a commit's fsync costs nothing there */
	char dir[64];
	wam_db *db;
	snprintf(dir, sizeof dir, "%s/wam-fuzz-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/reg.db", dir);
	wam_init_opts init = {.country = "HT", .name = "fuzz"};
	if (wam_db_create(&db, path, &init) || wam_db_set_actor(db, "fuzz"))
		abort();
	if (demo_items) {
		wam_demo_opts demo = {.items = demo_items, .seed = 1};
		if (wam_registry_demo(db, &demo))
			abort();
	}
	json_t *list = NULL;
	wam_item_filter f = {.limit = 2};
	wam_lot_filter lf = {0};
	if (!wam_registry_site_list(db, &list)) {
		placeholder_from("@SITE@", list, NULL, 0);
		placeholder_from("@SITE2@", list, NULL, 1);
	}
	json_decref(list);
	list = NULL;
	if (!wam_registry_item_list(db, &list, &f)) {
		placeholder_from("@ITEM@", list, "items", 0);
		placeholder_from("@ITEM2@", list, "items", 1);
	}
	json_decref(list);
	list = NULL;
	if (!wam_registry_holder_list(db, &list))
		placeholder_from("@HOLDER@", list, NULL, 0);
	json_decref(list);
	list = NULL;
	if (!wam_stock_lot_list(db, &list, &lf))
		placeholder_from("@LOT@", list, NULL, 0);
	json_decref(list);
	return db;
}

char *fuzz_text(const uint8_t *data, size_t size, size_t *len)
{
	size_t cap = size + 1, n = 0;
	char *out = malloc(cap);
	if (!out)
		abort();
	for (size_t i = 0; i < size;) {
		int k = -1;
		if (data[i] == '@')
			for (int j = 0; j < nholders && k < 0; j++) {
				size_t m = strlen(holders[j].name);
				if (m <= size - i && !memcmp(data + i, holders[j].name, m))
					k = j;
			}
		const char *piece = k >= 0 ? holders[k].value : (const char *)data + i;
		size_t m = k >= 0 ? strlen(holders[k].value) : 1;
		if (n + m + 1 > cap) {
			cap = 2 * (n + m + 1);
			if (!(out = realloc(out, cap)))
				abort();
		}
		memcpy(out + n, piece, m);
		n += m;
		i += k >= 0 ? strlen(holders[k].name) : 1;
	}
	out[n] = '\0';
	*len = n;
	return out;
}

void fuzz_record_input(const uint8_t *data, size_t size, const fuzz_record *records, size_t n)
{
	size_t len;
	char *text = fuzz_text(data, size, &len);
	char *nl = memchr(text, '\n', len);
	if (nl) {
		*nl = '\0';
		for (size_t i = 0; i < n; i++) {
			if (strcmp(text, records[i].name))
				continue;
			json_error_t err;
			json_t *in = json_loadb(nl + 1, len - (size_t)(nl + 1 - text), JSON_REJECT_DUPLICATES, &err),
			       *out = NULL;
			if (in)
				records[i].call(&out, in);
			json_decref(out);
			json_decref(in);
			break;
		}
	}
	free(text);
}
