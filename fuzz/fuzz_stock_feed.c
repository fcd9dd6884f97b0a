/* Fuzz target: `wam stock feed CHECK < reads.txt` — the reads of a stock
 * check, one per line as an RFID reader, a scanner or a typist gives them:
 * weapon ids, serials as read, and for a quantity check "LOT <lot> <rounds>".
 * The first line of an input names the check it goes to: "serial" (a full
 * serial check) or "quantity" (a quantity check); the rest is fed to it
 * (wam_stock_check_feed), by the method the second word names (rfid by
 * default). Both checks are opened once on a demo registry and stay open:
 * reads accumulate, as in a long check. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "wam/auth.h"
#include "wam/error.h"
#include "wam/stock.h"

static wam_db *db;
static char serial_check[64], quantity_check[64];

static void open_check(const char *type, const json_t *checkers, char id[64])
{
	json_t *in = json_pack("{s:s, s:s, s:O}", "site_id", fuzz_value("@SITE@"), "type", type, "checkers", checkers),
	       *out = NULL;
	if (wam_stock_check_open(db, &out, in)) {
		fprintf(stderr, "fuzz_stock_feed: cannot open a %s check: %s\n", type, wam_error_last()->message);
		abort();
	}
	snprintf(id, 64, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(in);
	json_decref(out);
}

static void start(void)
{
	db = fuzz_registry(60);
	json_t *users = NULL, *checkers = json_array();
	if (wam_auth_user_list(db, &users) || json_array_size(users) < 2)
		abort();
	for (size_t i = 0; i < 2; i++)
		json_array_append(checkers, json_object_get(json_array_get(users, i), "name"));
	open_check("FULL_SERIAL", checkers, serial_check);
	open_check("QUANTITY", checkers, quantity_check);
	json_decref(users);
	json_decref(checkers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		start();
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	char first[64];
	snprintf(first, sizeof first, "%.*s", (int)(nl - data) < 63 ? (int)(nl - data) : 63, (const char *)data);
	const char *check = !strncmp(first, "quantity", 8) ? quantity_check : serial_check;
	const char *method = strstr(first, " typed")     ? WAM_READ_TYPED
	                     : strstr(first, " scanned") ? WAM_READ_SCANNED
	                                                 : WAM_READ_RFID;
	size_t rest = size - (size_t)(nl + 1 - data);
	if (!rest)
		return 0;
	FILE *in = fmemopen((void *)(nl + 1), rest, "r");
	if (!in)
		return 0;
	json_t *out = NULL;
	wam_stock_check_feed(db, &out, check, method, in);
	json_decref(out);
	fclose(in);
	return 0;
}
