/* embed: turns templates/ and static/ into a C file of asset entries (src/base/asset.h) at
 * build time, and compiles every template on the way so that a malformed one fails the build.
 * Usage: embed --root SRCDIR --output OUT.c FILE... */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "web/template.h"

#define ETAG_HEX 16 /* hex digits of content hash in an ETag */

typedef struct entry {
	char *path; /* relative to --root */
	size_t len;
	char etag[ETAG_HEX + 3]; /* "\"<hex>\"" and a NUL */
} entry;

typedef struct embed {
	const char *root; /* --root, resolved */
	const char *output; /* --output as given */
	char **files;
	int file_count;
	entry *entries;
	size_t count;
	tmpl_set *templates;
	FILE *out;
} embed;

/* Reads the arguments into e. WEFT_EINVALID with a usage message for anything unexpected. */
static int parse_args(embed *e, int argc, char **argv)
{
	int i = 1;
	for (; i + 1 < argc && str_starts_with(argv[i], "--"); i += 2) {
		if (strcmp(argv[i], "--root") == 0)
			e->root = argv[i + 1];
		else if (strcmp(argv[i], "--output") == 0)
			e->output = argv[i + 1];
		else
			return err_fail(WEFT_EINVALID, "unknown option %s", argv[i]);
	}
	e->files = argv + i;
	e->file_count = argc - i;
	if (!e->root || !e->output)
		return err_fail(WEFT_EINVALID, "usage: embed --root SRCDIR --output OUT.c FILE...");
	return 0;
}

/* Sets *out to file's path relative to root (both resolved): a new string to free. */
static int relative_path(char **out, const char *root, const char *file)
{
	char *real = realpath(file, NULL);
	size_t n = strlen(root);
	int error = 0;
	if (!real) {
		error = err_fail(WEFT_ENOTFOUND, "%s: %s", file, strerror(errno));
		goto done;
	}
	if (strncmp(real, root, n) != 0 || real[n] != '/' || real[n + 1] == '\0') {
		error = err_fail(WEFT_EINVALID, "%s: not under %s", file, root);
		goto done;
	}
	*out = mem_strdup(real + n + 1);
done:
	free(real);
	return error;
}

/* Appends the whole content of path to content. */
static int read_file(buf *content, const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int error = 0;
	if (!f)
		return err_fail(WEFT_ENOTFOUND, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(content, chunk, n);
	if (ferror(f))
		error = err_fail(WEFT_ERROR, "%s: read error", path);
	fclose(f);
	return error;
}

/* Writes the strong ETag of data into etag: a quoted prefix of its BLAKE2b hash in hex. */
static void make_etag(char etag[ETAG_HEX + 3], const char *data, size_t len)
{
	unsigned char hash[crypto_generichash_BYTES_MIN];
	char hex[sizeof hash * 2 + 1];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(etag, ETAG_HEX + 3, "\"%.*s\"", ETAG_HEX, hex);
}

/* Writes s as a C string literal: quotes and backslashes escaped, '?' (trigraphs) and anything
 * but printable ASCII in octal. */
static void put_c_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '?' || *p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\%03o", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Writes the bytes of asset k as a static array, with the terminating NUL. */
static void put_bytes(FILE *out, size_t k, const buf *content)
{
	const unsigned char *p = (const unsigned char *)buf_cstr(content);
	fprintf(out, "static const unsigned char asset_%zu[%zu] = {", k, content->len + 1);
	for (size_t i = 0; i <= content->len; i++)
		fprintf(out, "%s0x%02x,", i % 16 ? " " : "\n\t", i < content->len ? p[i] : 0);
	fputs("\n};\n\n", out);
}

/* The template name of an asset path ("templates/hub/home.html" gives "hub/home"), or NULL when
 * the asset is not a template. A new string to free. */
static char *template_name(const char *path)
{
	static const char prefix[] = "templates/", suffix[] = ".html";
	size_t n = strlen(path);
	if (!str_starts_with(path, prefix) || !str_ends_with(path, suffix) ||
	    n <= strlen(prefix) + strlen(suffix))
		return NULL;
	return mem_strndup(path + strlen(prefix), n - strlen(prefix) - strlen(suffix));
}

/* Compiles a template asset into e->templates; other assets pass untouched. */
static int add_template(embed *e, const char *path, const buf *content)
{
	char *name = template_name(path);
	int error = 0;
	if (name)
		error = tmpl_add(e->templates, name, buf_cstr(content), content->len);
	free(name);
	return error;
}

/* Reads, hashes, compiles and writes the k-th file of the command line. */
static int add_file(embed *e, size_t k)
{
	entry *en = &e->entries[k];
	buf content = BUF_INIT;
	int error;
	if ((error = relative_path(&en->path, e->root, e->files[k])) < 0)
		goto done;
	for (size_t i = 0; i < k; i++)
		if (strcmp(e->entries[i].path, en->path) == 0) {
			error = err_fail(WEFT_EEXISTS, "%s: listed twice", en->path);
			goto done;
		}
	if ((error = read_file(&content, e->files[k])) < 0)
		goto done;
	en->len = content.len;
	make_etag(en->etag, buf_cstr(&content), content.len);
	if ((error = add_template(e, en->path, &content)) < 0)
		goto done;
	put_bytes(e->out, k, &content);
done:
	buf_dispose(&content);
	return error;
}

/* Writes the assets table and its count after the arrays. */
static void put_table(const embed *e)
{
	fputs("const asset assets[] = {\n", e->out);
	for (size_t k = 0; k < e->count; k++) {
		fputs("\t{ ", e->out);
		put_c_string(e->out, e->entries[k].path);
		fprintf(e->out, ", asset_%zu, %zu, ", k, e->entries[k].len);
		put_c_string(e->out, e->entries[k].etag);
		fputs(" },\n", e->out);
	}
	/* ISO C has no empty arrays: an installation without assets gets one unused entry. */
	if (e->count == 0)
		fputs("\t{ 0 },\n", e->out);
	fprintf(e->out, "};\n\nconst size_t assets_count = %zu;\n", e->count);
}

/* Rewrites the engine's message "NAME:LINE:COL: …" as "templates/NAME.html:LINE:COL: …". */
static void name_template_file(const embed *e)
{
	buf msg = BUF_INIT;
	size_t best = 0;
	const char *best_path = NULL;
	buf_puts(&msg, err_msg());
	for (size_t k = 0; k < e->count && e->entries[k].path; k++) {
		char *name = template_name(e->entries[k].path);
		size_t n = name ? strlen(name) : 0;
		if (name && n > best && strncmp(msg.ptr, name, n) == 0 && msg.ptr[n] == ':') {
			best = n;
			best_path = e->entries[k].path;
		}
		free(name);
	}
	if (best_path)
		err_set("%s%s", best_path, msg.ptr + best);
	buf_dispose(&msg);
}

/* Writes every asset to e->out, then the table, once every template has compiled and the
 * partials check out. */
static int write_assets(embed *e)
{
	int error = 0;
	fputs("/* Generated by tools/embed from templates/ and static/: do not edit. */\n"
	      "#include \"base/asset.h\"\n\n",
	      e->out);
	for (size_t k = 0; error == 0 && k < e->count; k++)
		error = add_file(e, k);
	if (error == 0)
		error = tmpl_check(e->templates);
	if (error < 0)
		name_template_file(e);
	else
		put_table(e);
	return error;
}

/* Closes e->out, reporting any write error that stdio kept until now. */
static int close_output(embed *e, const char *path)
{
	bool failed = fflush(e->out) != 0 || ferror(e->out);
	failed = fclose(e->out) != 0 || failed;
	e->out = NULL;
	return failed ? err_fail(WEFT_ERROR, "%s: write error: %s", path, strerror(errno)) : 0;
}

/* Writes the output next to its final place, then renames it over, so that an interrupted
 * build never leaves a half-written file behind. */
static int write_atomically(embed *e)
{
	buf tmp = BUF_INIT;
	int fd = -1, error = 0;
	bool created = false;
	buf_printf(&tmp, "%s.XXXXXX", e->output);
	if ((fd = mkstemp(tmp.ptr)) < 0) {
		error = err_fail(WEFT_ERROR, "%s: cannot create a temporary file: %s", e->output,
		                 strerror(errno));
		goto done;
	}
	created = true;
	if (fchmod(fd, 0644) != 0 || !(e->out = fdopen(fd, "w"))) {
		error = err_fail(WEFT_ERROR, "%s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if ((error = write_assets(e)) < 0 || (error = close_output(e, tmp.ptr)) < 0)
		goto done;
	if (rename(tmp.ptr, e->output) != 0)
		error = err_fail(WEFT_ERROR, "%s: %s", e->output, strerror(errno));
done:
	if (e->out)
		fclose(e->out);
	if (fd >= 0)
		close(fd);
	if (error < 0 && created)
		unlink(tmp.ptr);
	buf_dispose(&tmp);
	return error;
}

int main(int argc, char **argv)
{
	embed e = { 0 };
	char *root = NULL;
	int error;
	if ((error = parse_args(&e, argc, argv)) < 0)
		goto done;
	if (sodium_init() < 0) {
		error = err_fail(WEFT_ERROR, "libsodium failed to start");
		goto done;
	}
	if (!(root = realpath(e.root, NULL))) {
		error = err_fail(WEFT_ENOTFOUND, "%s: %s", e.root, strerror(errno));
		goto done;
	}
	e.root = root;
	e.count = (size_t)e.file_count;
	e.entries = mem_zalloc(mem_mul(e.count, sizeof(entry)));
	e.templates = tmpl_set_new();
	error = write_atomically(&e);
done:
	for (size_t k = 0; k < e.count; k++)
		free(e.entries[k].path);
	free(e.entries);
	tmpl_set_free(e.templates);
	free(root);
	if (error < 0)
		fprintf(stderr, "embed: %s\n", err_msg());
	return error < 0 ? 1 : 0;
}
