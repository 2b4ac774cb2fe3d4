/* Files embedded in the binary at build time (templates/, static/, migrations/), so that the
 * binary is the whole installation. tools/embed generates the table; this header reads it. */
#ifndef WEFT_BASE_ASSET_H
#define WEFT_BASE_ASSET_H

#include <stddef.h>

typedef struct asset {
	const char *path; /* relative to the source tree: "templates/hub/home.html" */
	const unsigned char *data; /* followed by a NUL that len does not count */
	size_t len;
	const char *etag; /* a quoted strong validator computed from the content at build time */
} asset;

extern const asset assets[];
extern const size_t assets_count;

/* The asset at path, or NULL. */
const asset *asset_find(const char *path);

#endif
