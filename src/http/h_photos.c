/* /api/v1/photos: the photo store (include/wam/store.h) for records that
 * name photos by their SHA-256, as a trace request does. A photo is posted
 * as its own bytes with an image content type, which must be what the
 * bytes are; the server hashes them and answers with the hash. Read back
 * by hash only: the store has no other names, so no path can be asked. */
#include <stdlib.h>
#include <string.h>

#include "http.h"

void h_photo_add(wam_request *r)
{
	static const char *const types[] = {"image/jpeg", "image/png", "image/webp", "image/gif", NULL};
	const char *type = request_content_type(r);
	bool known = false;
	for (const char *const *t = types; type && *t && !known; t++)
		known = !strcmp(type, *t);
	if (!known) {
		reply_error(r, 415, "unsupported_media_type", NULL,
		            "a photo is sent as image/jpeg, image/png, image/webp or image/gif, not %.60s",
		            type ? type : "nothing");
		return;
	}
	json_t *out = NULL;
	int rc = wam_photo_add(r->db, &out, r->body, r->body_len, type);
	if (!rc)
		reply_header(
		    r, "Location",
		    arena_printf(&r->mem, "/api/v1/photos/%s", json_string_value(json_object_get(out, "hash"))));
	reply_result(r, rc, 201, &out);
}

void h_photo_get(wam_request *r)
{
	unsigned char *bytes = NULL;
	size_t n = 0;
	char type[32];
	int rc = wam_photo_get(r->db, &bytes, &n, type, r->params[0]);
	if (rc) {
		reply_wam(r, rc);
		return;
	}
	reply_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	reply_header(r, "X-Content-Type-Options", "nosniff");
	reply_bytes(r, 200, arena_strdup(&r->mem, type), bytes, n);
	free(bytes);
}
