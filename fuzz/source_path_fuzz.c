/* libFuzzer target: the parsers of POST /src's and the src routes' outside input, file paths
 * (hub_source_clean_path) and "Name <email>" authors (hub_source_parse_author), on arbitrary
 * bytes. A path they accept never climbs out of the tree, names no .git folder and has no empty
 * component; an author they accept splits into a name and an email without angle brackets. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/err.h"
#include "hub/browse/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static void check_path(const char *p)
{
	size_t len = strlen(p);
	CHECK(len <= HUB_SOURCE_PATH_MAX);
	CHECK(len == 0 || (p[0] != '/' && p[len - 1] != '/'));
	CHECK(strstr(p, "//") == NULL);
	for (const char *c = p; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		CHECK(n > 0);
		CHECK(!(n == 1 && c[0] == '.') && !(n == 2 && memcmp(c, "..", 2) == 0));
		CHECK(!(n == 4 && strncasecmp(c, ".git", 4) == 0));
		c = slash ? slash + 1 : c + n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	const char *text = arena_strndup(a, (const char *)data, size);
	const char *path = NULL, *name = NULL, *email = NULL;
	int rc = hub_source_clean_path(&path, a, text);
	CHECK(rc == 0 || rc == WEFT_EINVALID);
	if (rc == 0)
		check_path(path);
	rc = hub_source_parse_author(&name, &email, a, text);
	CHECK(rc == 0 || rc == WEFT_EINVALID);
	if (rc == 0) {
		CHECK(name[0] && email[0]);
		CHECK(!strpbrk(email, "<>") && !strchr(name, '<'));
	}
	arena_free(a);
	return 0;
}
