/* The web console's files, served from the copies built into the binary:
 * looked up by exact path in the table (so no request can name a file
 * outside it, whatever dots or slashes it holds), with an ETag so a browser
 * revalidates cheaply and never runs a stale script after an upgrade. */
#include <string.h>

#include "assets.h"
#include "http.h"

bool static_serve(wam_request *r)
{
	const char *path = !strcmp(r->path, "/") ? "/index.html" : r->path;
	for (const wam_asset *a = wam_http_assets; a->path; a++) {
		if (strcmp(a->path, path) != 0)
			continue;
		r->status = 200;
		r->answered = true;
		r->out_type = a->type;
		reply_header(r, "ETag", a->etag);
		reply_header(r, "Cache-Control", "no-cache");
		const char *seen = request_header(r, "If-None-Match");
		if (seen && !strcmp(seen, a->etag)) {
			r->status = 304;
			r->out_type = NULL;
			r->out_len = 0;
			r->out_static = "";
			return true;
		}
		reply_header(r, "Vary", "Accept-Encoding");
		const char *accept = request_header(r, "Accept-Encoding");
		if (a->gzip && accept && strstr(accept, "gzip")) {
			reply_header(r, "Content-Encoding", "gzip");
			r->out_static = a->gzip;
			r->out_len = a->gzip_size;
			return true;
		}
		r->out_static = a->data;
		r->out_len = a->size;
		return true;
	}
	return false;
}
