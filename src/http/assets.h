/* The web console's files, built into the binary (tools/embed_assets.py). */
#ifndef WAM_HTTP_ASSETS_H
#define WAM_HTTP_ASSETS_H

#include <stddef.h>

typedef struct wam_asset {
	const char *path; /* "/index.html" */
	const char *type;
	const char *etag; /* quoted, as sent */
	const unsigned char *data;
	size_t size;
	const unsigned char *gzip; /* the same bytes gzipped, or NULL */
	size_t gzip_size;
} wam_asset;

/* Ends with a NULL path. */
extern const wam_asset wam_http_assets[];

#endif
