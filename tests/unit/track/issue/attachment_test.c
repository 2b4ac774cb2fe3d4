/* Tests of src/track/issue/attachment.c on both engines: uploads read from multipart bodies into
 * stored files, each content stored once by its SHA-256 with a count of the attachments that
 * refer to it, the sweep removing a file only when nothing refers to it (deleted attachments, a
 * deleted issue), who may read and delete (Delete own attachments, Delete all attachments), the
 * size limit and the number of files, names and types from outside cleaned, and which
 * attachments have a thumbnail. */
#include "../issues_env.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"
#include "track/issue/attachment.h"
#include "track/project/project.h"
#include "track/role.h"
#include "web/form.h"

#define CT "multipart/form-data; boundary=B"
/* SHA-256 of "hello\n" */
#define HELLO_SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

typedef struct files {
	char dir[64];
	track_app app;
} files;

/* begin() with attachments in a fresh folder, of at most max_size bytes each. */
static env begin_files(void **state, files *f, int64_t max_size)
{
	env e = begin(state);
	snprintf(f->dir, sizeof f->dir, "/tmp/weft-attachments-XXXXXX");
	if (!mkdtemp(f->dir))
		fail_msg("mkdtemp: %s", strerror(errno));
	f->app = (track_app){ .d = e.f->d,
		              .attachments_dir = f->dir,
		              .attachment_max_size = max_size };
	return e;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void end_files(env *e, files *f)
{
	nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	end(e);
}

static bool stored(const files *f, const char *sha)
{
	char path[256];
	snprintf(path, sizeof path, "%s/blobs/%.2s/%s", f->dir, sha, sha);
	return access(path, F_OK) == 0;
}

/* One part named "file" for each name and content (NULL-terminated pairs), as a body. */
static const char *body_of(env *e, const char *const *parts)
{
	buf b = BUF_INIT;
	for (size_t i = 0; parts[i]; i += 2)
		buf_printf(
		        &b,
		        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
		        "Content-Type: text/plain\r\n\r\n%s\r\n",
		        parts[i], parts[i + 1]);
	buf_puts(&b, "--B--\r\n");
	const char *out = arena_strdup(e->a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

/* Reads body into a finished upload (the caller frees it). */
static track_upload *upload(env *e, files *f, const char *body)
{
	web_pairs form = { 0 };
	track_upload *u = NULL;
	ok(track_upload_new(&u, &f->app, e->a, CT, &form));
	ok(track_upload_feed(u, body, strlen(body)));
	ok(track_upload_finish(u));
	return u;
}

/* Attaches the files to issue_id as author: the new attachments. */
static track_attachment *attach(env *e, files *f, int64_t issue_id, int64_t author_id,
                                const char *const *parts, size_t *n)
{
	track_upload *u = upload(e, f, body_of(e, parts));
	track_attachment *list = NULL;
	ok(track_attachment_store(e->c, e->a, u, issue_id, author_id, &list, n));
	track_upload_free(u);
	return list;
}

static int64_t refs(env *e, const char *sha)
{
	return scalar(e, "SELECT refs FROM attachment_blobs WHERE sha256 = $1", db_text(sha));
}

/* The same bytes are stored once, whichever issue or name; other bytes apart. */
static void contents_are_stored_once(void **state)
{
	files f;
	env e = begin_files(state, &f, 1024);
	track_user alice = make_user(&e, "alice", true);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue one = make_issue(&e, &p, &alice, "one"),
	            two = make_issue(&e, &p, &alice, "two");
	size_t n;
	track_attachment *a = attach(&e, &f, one.id, alice.id,
	                             (const char *const[]){ "hello.txt", "hello\n", NULL }, &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].sha256, HELLO_SHA);
	assert_int_equal(a[0].size, 6);
	assert_string_equal(a[0].filename, "hello.txt");
	assert_string_equal(a[0].mime_type, "text/plain");
	assert_int_equal(a[0].author.id, alice.id);
	assert_int_equal(a[0].issue_id, one.id);
	assert_true(stored(&f, HELLO_SHA));
	assert_int_equal(refs(&e, HELLO_SHA), 1);
	/* Again, on another issue and under another name, with different bytes beside it. */
	a = attach(&e, &f, two.id, alice.id,
	           (const char *const[]){ "copy.txt", "hello\n", "other.txt", "other\n", NULL },
	           &n);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].filename, "copy.txt");
	assert_string_equal(a[0].sha256, HELLO_SHA);
	assert_string_not_equal(a[1].sha256, HELLO_SHA);
	assert_int_equal(refs(&e, HELLO_SHA), 2);
	assert_int_equal(refs(&e, a[1].sha256), 1);
	assert_int_equal(
	        scalar(&e, "SELECT count(*) FROM attachment_blobs WHERE refs >= $1", db_int(0)), 2);
	assert_true(stored(&f, a[1].sha256));
	/* The stored file holds the bytes. */
	int fd = -1;
	ok(track_attachment_open(&f.app, &a[0], &fd));
	char got[16] = { 0 };
	assert_int_equal(read(fd, got, sizeof got), 6);
	close(fd);
	assert_string_equal(got, "hello\n");
	/* The history says Attachment, and the list is in upload order. */
	track_attachment *list;
	ok(track_attachment_list(e.c, e.a, &two.id, 1, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].filename, "copy.txt");
	assert_string_equal(list[1].filename, "other.txt");
	track_change *changes;
	ok(track_changelog_list(e.c, e.a, two.id, &changes, &n));
	assert_int_equal(n, 1);
	assert_string_equal(changes[0].items[0].field, "Attachment");
	assert_string_equal(changes[0].items[1].to_string, "other.txt");
	end_files(&e, &f);
}

/* A file stays while any attachment refers to it; the sweep removes it after the last one went,
 * deleted by itself or with its issue. */
static void references_decide_the_sweep(void **state)
{
	files f;
	env e = begin_files(state, &f, 1024);
	track_user alice = make_user(&e, "alice", true);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue one = make_issue(&e, &p, &alice, "one"),
	            two = make_issue(&e, &p, &alice, "two");
	size_t n;
	track_attachment *a = attach(&e, &f, one.id, alice.id,
	                             (const char *const[]){ "a.txt", "hello\n", NULL }, &n);
	track_attachment *b = attach(&e, &f, two.id, alice.id,
	                             (const char *const[]){ "b.txt", "hello\n", NULL }, &n);
	int removed = -1;
	ok(track_attachment_sweep(e.f->d, f.dir, &removed));
	assert_int_equal(removed, 0);
	ok(track_attachment_delete(e.c, e.a, &alice, a[0].id));
	assert_int_equal(refs(&e, HELLO_SHA), 1);
	ok(track_attachment_sweep(e.f->d, f.dir, &removed));
	assert_int_equal(removed, 0);
	assert_true(stored(&f, HELLO_SHA));
	track_attachment gone;
	assert_int_equal(track_attachment_get(e.c, e.a, &alice, a[0].id, &gone), WEFT_ENOTFOUND);
	/* The issue goes, and its attachment with it. */
	ok(track_issue_delete(e.c, two.id, true));
	assert_int_equal(refs(&e, HELLO_SHA), 0);
	assert_int_equal(track_attachment_get(e.c, e.a, &alice, b[0].id, &gone), WEFT_ENOTFOUND);
	ok(track_attachment_sweep(e.f->d, f.dir, &removed));
	assert_int_equal(removed, 1);
	assert_false(stored(&f, HELLO_SHA));
	assert_int_equal(refs(&e, HELLO_SHA), -1); /* the row is gone too */
	/* The same bytes again are stored anew. */
	attach(&e, &f, one.id, alice.id, (const char *const[]){ "c.txt", "hello\n", NULL }, &n);
	assert_true(stored(&f, HELLO_SHA));
	assert_int_equal(refs(&e, HELLO_SHA), 1);
	end_files(&e, &f);
}

/* Reading needs Browse projects; deleting one's own needs Delete own attachments (every role),
 * anyone else's Delete all attachments (Administrators, site administrators). */
static void who_may_read_and_delete(void **state)
{
	files f;
	env e = begin_files(state, &f, 1024);
	track_user root = make_user(&e, "root", true);
	track_user uma = make_user(&e, "uma", false), dev = make_user(&e, "dev", false),
	           padma = make_user(&e, "padma", false), olga = make_user(&e, "olga", false);
	track_project p = make_project(&e, "TEST", &root);
	ok(track_project_role_add(e.c, p.id, uma.id, TRACK_ROLE_USERS));
	ok(track_project_role_add(e.c, p.id, dev.id, TRACK_ROLE_DEVELOPERS));
	ok(track_project_role_add(e.c, p.id, padma.id, TRACK_ROLE_ADMINISTRATORS));
	track_issue i = make_issue(&e, &p, &root, "files");
	size_t n;
	const char *const parts[] = { "x.txt", "x\n", "y.txt", "y\n", "z.txt", "z\n", NULL };
	track_attachment *by_dev = attach(&e, &f, i.id, dev.id, parts, &n);
	track_attachment *by_uma = attach(&e, &f, i.id, uma.id, parts, &n);
	track_attachment seen;
	bool may = true;
	/* olga has no role: the attachment does not exist for her. */
	assert_int_equal(track_attachment_get(e.c, e.a, &olga, by_dev[0].id, &seen),
	                 WEFT_ENOTFOUND);
	assert_int_equal(track_attachment_delete(e.c, e.a, &olga, by_dev[0].id), WEFT_ENOTFOUND);
	ok(track_attachment_get(e.c, e.a, &uma, by_dev[0].id, &seen));
	assert_int_equal(seen.author.id, dev.id);
	/* uma (Users) may delete her own, not dev's. */
	ok(track_attachment_may_delete(e.c, &uma, &seen, &may));
	assert_false(may);
	assert_int_equal(track_attachment_delete(e.c, e.a, &uma, by_dev[0].id), WEFT_EPERM);
	assert_non_null(strstr(err_msg(), "permission to delete attachment"));
	ok(track_attachment_get(e.c, e.a, &uma, by_uma[0].id, &seen));
	ok(track_attachment_may_delete(e.c, &uma, &seen, &may));
	assert_true(may);
	ok(track_attachment_delete(e.c, e.a, &uma, by_uma[0].id));
	/* dev (Developers) deletes his own, not uma's. */
	assert_int_equal(track_attachment_delete(e.c, e.a, &dev, by_uma[1].id), WEFT_EPERM);
	ok(track_attachment_delete(e.c, e.a, &dev, by_dev[0].id));
	/* padma (Administrators) and root (site administrator) delete anyone's. */
	ok(track_attachment_delete(e.c, e.a, &padma, by_uma[1].id));
	ok(track_attachment_delete(e.c, e.a, &root, by_dev[1].id));
	ok(track_attachment_delete(e.c, e.a, &padma, by_uma[2].id));
	assert_int_equal(track_attachment_delete(e.c, e.a, &padma, 999999), WEFT_ENOTFOUND);
	ok(track_attachment_list(e.c, e.a, &i.id, 1, &by_dev, &n));
	assert_int_equal(n, 1); /* dev's z.txt */
	end_files(&e, &f);
}

/* A file over the limit is refused as it arrives, and the error sticks; at the limit it passes.
 * At most TRACK_ATTACHMENT_FILES_MAX files in one upload; an upload needs one. */
static void size_and_count_limits(void **state)
{
	files f;
	env e = begin_files(state, &f, 10);
	web_pairs form = { 0 };
	track_upload *u = NULL;
	const char *at_limit = body_of(&e, (const char *const[]){ "ten.txt", "0123456789", NULL });
	ok(track_upload_new(&u, &f.app, e.a, CT, &form));
	/* fed in pieces */
	for (const char *p = at_limit; *p; p++)
		ok(track_upload_feed(u, p, 1));
	ok(track_upload_finish(u));
	track_upload_free(u);
	const char *over = body_of(&e, (const char *const[]){ "eleven.txt", "0123456789A", NULL });
	ok(track_upload_new(&u, &f.app, e.a, CT, &form));
	assert_int_equal(track_upload_feed(u, over, strlen(over)), WEFT_ETOOLARGE);
	assert_non_null(strstr(err_msg(), "maximum permitted size of 10 bytes"));
	assert_int_equal(track_upload_feed(u, "", 0), WEFT_ETOOLARGE);
	assert_int_equal(track_upload_finish(u), WEFT_ETOOLARGE);
	track_upload_free(u);
	/* 17 files */
	const char *many[2 * (TRACK_ATTACHMENT_FILES_MAX + 1) + 1] = { 0 };
	for (int i = 0; i <= TRACK_ATTACHMENT_FILES_MAX; i++) {
		many[2 * i] = arena_printf(e.a, "f%d.txt", i);
		many[2 * i + 1] = "x";
	}
	const char *body = body_of(&e, many);
	ok(track_upload_new(&u, &f.app, e.a, CT, &form));
	assert_int_equal(track_upload_feed(u, body, strlen(body)), WEFT_ETOOLARGE);
	track_upload_free(u);
	/* No file, only a field: refused at the end; a cut-off body too. */
	const char *field =
	        "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nt\r\n--B--";
	ok(track_upload_new(&u, &f.app, e.a, CT, &form));
	ok(track_upload_feed(u, field, strlen(field)));
	assert_int_equal(track_upload_finish(u), WEFT_EINVALID);
	assert_int_equal(form.len, 1);
	assert_string_equal(web_pairs_get(&form, "csrf"), "t");
	track_upload_free(u);
	ok(track_upload_new(&u, &f.app, e.a, CT, &form));
	ok(track_upload_feed(u, at_limit, strlen(at_limit) - 6));
	assert_int_equal(track_upload_finish(u), WEFT_EINVALID);
	track_upload_free(u);
	/* Not multipart; attachments off. */
	assert_int_equal(track_upload_new(&u, &f.app, e.a, "text/plain", &form), WEFT_EINVALID);
	track_app off = { .d = e.f->d };
	assert_true(track_upload_new(&u, &off, e.a, CT, &form) < 0);
	/* Nothing of the refused uploads stayed behind. */
	ok(track_attachment_sweep(e.f->d, f.dir, NULL));
	assert_int_equal(scalar(&e, "SELECT count(*) FROM attachments WHERE id > $1", db_int(0)),
	                 0);
	end_files(&e, &f);
}

/* Names lose their path and control characters (and invalid UTF-8); types are type/subtype in
 * lower case, else application/octet-stream. */
static void names_and_types_are_cleaned(void **state)
{
	files f;
	env e = begin_files(state, &f, 1024);
	track_user alice = make_user(&e, "alice", true);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = make_issue(&e, &p, &alice, "names");
	static const struct {
		const char *sent_name, *sent_type, *name, *type;
	} cases[] = {
		{ "C:\\\\Users\\\\eve\\\\report.pdf", "Application/PDF", "report.pdf",
		  "application/pdf" },
		{ "../../etc/passwd", "text/plain; charset=utf-8", "passwd", "text/plain" },
		{ "r\xc3\xa9sum\xc3\xa9 v1.txt", "text/x-\xff", "r\xc3\xa9sum\xc3\xa9 v1.txt",
		  "application/octet-stream" },
		{ "bad\xff\xfe.txt", "nonsense", "bad__.txt", "application/octet-stream" },
		{ "tab\there\x7f.txt", "a/b/c", "tabhere.txt", "application/octet-stream" },
		{ "..", "image/PNG", "attachment", "image/png" },
		{ "dir/", "", "attachment", "application/octet-stream" },
		{ "say \\\"hi\\\".txt", "text/plain", "say \"hi\".txt", "text/plain" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const char *body = arena_printf(
		        e.a,
		        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
		        "Content-Type: %s\r\n\r\ndata\r\n--B--",
		        cases[k].sent_name, cases[k].sent_type);
		track_upload *u = upload(&e, &f, body);
		track_attachment *list;
		size_t n;
		ok(track_attachment_store(e.c, e.a, u, i.id, alice.id, &list, &n));
		track_upload_free(u);
		if (strcmp(list[0].filename, cases[k].name) ||
		    strcmp(list[0].mime_type, cases[k].type))
			fail_msg("case %zu: \"%s\" %s, not \"%s\" %s", k, list[0].filename,
			         list[0].mime_type, cases[k].name, cases[k].type);
	}
	/* A name of 302 bytes keeps at most 255, not cutting a UTF-8 sequence (the 256th byte is
	 * the second of one: 254). */
	buf longname = BUF_INIT;
	buf_puts(&longname, "ab");
	for (int k = 0; k < 150; k++)
		buf_puts(&longname, "\xc3\xa9");
	const char *body = arena_printf(e.a,
	                                "--B\r\nContent-Disposition: form-data; name=\"file\"; "
	                                "filename=\"%s\"\r\n\r\nd\r\n--B--",
	                                buf_cstr(&longname));
	buf_dispose(&longname);
	track_upload *u = upload(&e, &f, body);
	track_attachment *list;
	size_t n;
	ok(track_attachment_store(e.c, e.a, u, i.id, alice.id, &list, &n));
	track_upload_free(u);
	assert_int_equal(strlen(list[0].filename), 254);
	assert_true(str_is_utf8(list[0].filename, 254));
	end_files(&e, &f);
}

/* Only PNG, JPEG, GIF, WebP and BMP show inline; those of at most 5 MiB have a thumbnail (the
 * image itself); SVG, which can carry script, never. */
static void thumbnails_only_for_small_inline_images(void **state)
{
	(void)state;
	const int64_t bound = TRACK_ATTACHMENT_THUMBNAIL_MAX;
	static const struct {
		const char *type;
		int64_t size;
		bool image, thumbnail;
	} cases[] = {
		{ "image/png", 100, true, true },
		{ "image/jpeg", TRACK_ATTACHMENT_THUMBNAIL_MAX, true, true },
		{ "image/gif", 1, true, true },
		{ "image/webp", 1, true, true },
		{ "image/bmp", 1, true, true },
		{ "image/png", TRACK_ATTACHMENT_THUMBNAIL_MAX + 1, true, false },
		{ "image/svg+xml", 100, false, false },
		{ "text/html", 100, false, false },
		{ "application/octet-stream", 100, false, false },
	};
	assert_int_equal(bound, 5 * 1024 * 1024);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		track_attachment a = { .mime_type = cases[k].type, .size = cases[k].size };
		if (track_attachment_is_image(&a) != cases[k].image ||
		    track_attachment_has_thumbnail(&a) != cases[k].thumbnail)
			fail_msg("%s of %lld bytes", cases[k].type, (long long)cases[k].size);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contents_are_stored_once),
		cmocka_unit_test(references_decide_the_sweep),
		cmocka_unit_test(who_may_read_and_delete),
		cmocka_unit_test(size_and_count_limits),
		cmocka_unit_test(names_and_types_are_cleaned),
		cmocka_unit_test(thumbnails_only_for_small_inline_images),
	};
	return fixture_run_service_tests("track/attachment", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
