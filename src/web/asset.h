/* Files embedded in the binary at build time (templates/, static/), so that the binary is the
 * whole installation. tools/embed generates the table; this header reads it. */
#ifndef WEFT_WEB_ASSET_H
#define WEFT_WEB_ASSET_H

#include <stddef.h>

typedef struct web_asset {
	const char *path;         /* relative to the source tree: "templates/hub/home.html" */
	const unsigned char *data; /* followed by a NUL that len does not count */
	size_t len;
	const char *etag;         /* a quoted strong validator computed from the content at build time */
} web_asset;

extern const web_asset web_assets[];
extern const size_t web_assets_count;

/* The asset at path, or NULL. */
const web_asset *web_asset_find(const char *path);

typedef struct tmpl_set tmpl_set;
/* Compiles every embedded templates/NAME.html as template NAME into a new set (free it with
 * tmpl_set_free). The build already refused malformed templates, so an error here is a bug. */
int web_templates_load(tmpl_set **out);

#endif
