/* Attachments (attachment.h): uploads into unnamed temporary files (O_TMPFILE: a crash or a
 * killed server leaves nothing behind; a named file in tmp/ where the file system has no such
 * thing), content-addressed storage with reference counts (migrations/track/…/0009), and the
 * sweep. */
#include "track/issue/attachment.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "db/rows.h"
#include "track/account/account.h"
#include "track/issue/attachment_queue.h"
#include "track/issue/issue.h"
#include "track/track_perm.h"
#include "web/multipart.h"

enum { FIELDS_MAX = 16 * 1024 }; /* bytes of plain fields in one upload */

typedef struct upload_file {
	int fd;
	char *named; /* the temporary file's path when it has one (no O_TMPFILE) */
	crypto_hash_sha256_state hash;
	int64_t size;
	char sha256[crypto_hash_sha256_BYTES * 2 + 1];
	const char *filename;
	const char *mime_type;
} upload_file;

typedef enum { PART_SKIP, PART_FILE, PART_FIELD } part_kind;

struct track_upload {
	arena *a;
	int64_t max_size;
	const char *tmp_dir;
	const char *blob_dir;
	web_pairs *form;
	web_multipart_reader *reader;
	upload_file files[TRACK_ATTACHMENT_FILES_MAX];
	size_t nfiles;
	part_kind part;
	const char *field_name;
	buf field;
	size_t field_bytes;
	bool finished;
	int error;
};

/* ---- names and types from outside ---- */

/* The last path component, without control characters, as valid UTF-8 of at most
 * TRACK_ATTACHMENT_NAME_MAX bytes; "attachment" when nothing is left. */
static const char *clean_filename(arena *a, const char *raw)
{
	const char *base = raw;
	for (const char *p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	buf out = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)base; *p; p++)
		if (*p >= 0x20 && *p != 0x7f)
			buf_putc(&out, (char)*p);
	if (!str_is_utf8(out.ptr ? out.ptr : "", out.len))
		for (size_t i = 0; i < out.len; i++)
			if ((unsigned char)out.ptr[i] >= 0x80)
				out.ptr[i] = '_';
	size_t len = out.len < TRACK_ATTACHMENT_NAME_MAX ? out.len : TRACK_ATTACHMENT_NAME_MAX;
	while (len > 0 && len < out.len && ((unsigned char)out.ptr[len] & 0xc0) == 0x80)
		len--; /* not inside a UTF-8 sequence */
	slice name = slice_trim((slice){ out.ptr ? out.ptr : "", len });
	const char *result = arena_slice(a, name);
	buf_dispose(&out);
	if (!*result || strcmp(result, ".") == 0 || strcmp(result, "..") == 0)
		return "attachment";
	return result;
}

static bool is_type_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("!#$&^_.+-", c);
}

/* "type/subtype" of a part's Content-Type, lower case and without parameters; anything else
 * is application/octet-stream. */
static const char *clean_type(arena *a, const char *raw)
{
	const char *fallback = "application/octet-stream";
	if (!raw)
		return fallback;
	const char *semi = strchr(raw, ';');
	slice t = slice_trim((slice){ raw, semi ? (size_t)(semi - raw) : strlen(raw) });
	if (t.len == 0 || t.len > 100)
		return fallback;
	char *type = arena_slice(a, t);
	size_t slashes = 0;
	for (char *p = type; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		if (*p == '/')
			slashes++;
		else if (!is_type_char(*p))
			return fallback;
	}
	if (slashes != 1 || type[0] == '/' || type[t.len - 1] == '/')
		return fallback;
	return type;
}

/* ---- temporary files ---- */

static int open_temp(upload_file *f, arena *a, const char *tmp_dir)
{
	f->fd = open(tmp_dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (f->fd >= 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return err_fail(WEFT_ERROR, "cannot make a temporary file in %s: %s", tmp_dir,
		                strerror(errno));
	char *path = arena_printf(a, "%s/upload-XXXXXX", tmp_dir);
	f->fd = mkostemp(path, O_CLOEXEC);
	if (f->fd < 0)
		return err_fail(WEFT_ERROR, "cannot make a temporary file in %s: %s", tmp_dir,
		                strerror(errno));
	f->named = path;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_fail(WEFT_ERROR, "cannot write an attachment: %s",
			                strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_fail(WEFT_ERROR, "cannot make %s: %s", path, strerror(errno));
	return 0;
}

/* ---- the multipart sink ---- */

static int too_large(const track_upload *u)
{
	return err_fail(WEFT_ETOOLARGE,
	                "The field file exceeds its maximum permitted size of %lld bytes.",
	                (long long)u->max_size);
}

static int begin_file(track_upload *u, const web_part *part)
{
	if (u->nfiles == TRACK_ATTACHMENT_FILES_MAX)
		return err_fail(WEFT_ETOOLARGE, "At most %d files can be attached at once.",
		                TRACK_ATTACHMENT_FILES_MAX);
	upload_file *f = &u->files[u->nfiles];
	*f = (upload_file){ .fd = -1 };
	int rc = open_temp(f, u->a, u->tmp_dir);
	if (rc < 0)
		return rc;
	u->nfiles++;
	crypto_hash_sha256_init(&f->hash);
	f->filename = clean_filename(u->a, part->filename);
	f->mime_type = clean_type(u->a, part->content_type);
	u->part = PART_FILE;
	return 0;
}

static int on_begin(void *ctx, const web_part *part)
{
	track_upload *u = ctx;
	if (part->filename && strcmp(part->name, "file") == 0)
		return begin_file(u, part);
	u->part = part->filename ? PART_SKIP : PART_FIELD;
	u->field_name = part->name;
	buf_clear(&u->field);
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	track_upload *u = ctx;
	if (u->part == PART_FIELD) {
		u->field_bytes += len;
		if (u->field_bytes > FIELDS_MAX)
			return err_fail(WEFT_ETOOLARGE, "The form fields exceed %d bytes.",
			                FIELDS_MAX);
		buf_append(&u->field, data, len);
		return 0;
	}
	if (u->part != PART_FILE)
		return 0;
	upload_file *f = &u->files[u->nfiles - 1];
	if ((int64_t)len > u->max_size - f->size)
		return too_large(u);
	f->size += (int64_t)len;
	crypto_hash_sha256_update(&f->hash, (const unsigned char *)data, len);
	return write_all(f->fd, data, len);
}

static int on_end(void *ctx)
{
	track_upload *u = ctx;
	if (u->part == PART_FIELD)
		return web_pairs_push(
		        u->form, u->a, u->field_name,
		        arena_strndup(u->a, u->field.ptr ? u->field.ptr : "", u->field.len),
		        u->field.len);
	if (u->part == PART_FILE) {
		upload_file *f = &u->files[u->nfiles - 1];
		unsigned char digest[crypto_hash_sha256_BYTES];
		crypto_hash_sha256_final(&f->hash, digest);
		sodium_bin2hex(f->sha256, sizeof f->sha256, digest, sizeof digest);
	}
	u->part = PART_SKIP;
	return 0;
}

int track_upload_new(track_upload **out, const track_app *app, arena *a, const char *content_type,
                     web_pairs *form)
{
	if (!app->attachments_dir)
		return err_fail(WEFT_ERROR, "Attachments are not enabled on this server.");
	track_upload *u = mem_zalloc(sizeof *u);
	u->a = a;
	u->form = form;
	u->max_size = app->attachment_max_size;
	u->tmp_dir = arena_printf(a, "%s/tmp", app->attachments_dir);
	u->blob_dir = arena_printf(a, "%s/blobs", app->attachments_dir);
	web_multipart_sink sink = { u, on_begin, on_data, on_end };
	int rc = make_dir(app->attachments_dir);
	if (rc == 0)
		rc = make_dir(u->tmp_dir);
	if (rc == 0)
		rc = make_dir(u->blob_dir);
	if (rc == 0)
		rc = web_multipart_reader_new(&u->reader, a, content_type, &sink);
	if (rc < 0) {
		track_upload_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

int track_upload_feed(track_upload *u, const char *data, size_t len)
{
	if (u->error == 0)
		u->error = web_multipart_reader_feed(u->reader, data, len);
	return u->error;
}

int track_upload_finish(track_upload *u)
{
	int rc = u->error;
	if (rc == 0)
		rc = web_multipart_reader_finish(u->reader);
	if (rc == 0 && u->nfiles == 0)
		rc = err_fail(WEFT_EINVALID, "No file was attached: send it as the multipart field "
		                             "'file'.");
	/* Durable before any row names it. */
	for (size_t i = 0; rc == 0 && i < u->nfiles; i++)
		if (fsync(u->files[i].fd) < 0)
			rc = err_fail(WEFT_ERROR, "cannot write an attachment: %s",
			              strerror(errno));
	u->error = rc;
	u->finished = rc == 0;
	return rc;
}

void track_upload_free(void *state)
{
	track_upload *u = state;
	if (!u)
		return;
	for (size_t i = 0; i < u->nfiles; i++) {
		if (u->files[i].fd >= 0)
			close(u->files[i].fd);
		if (u->files[i].named)
			unlink(u->files[i].named);
	}
	web_multipart_reader_free(u->reader);
	buf_dispose(&u->field);
	free(u);
}

/* ---- storage ---- */

static const char *blob_path(arena *a, const char *blob_dir, const char *sha256)
{
	return arena_printf(a, "%s/%.2s/%s", blob_dir, sha256, sha256);
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Gives the temporary file f its name under blobs/, unless that content is there already. */
static int place(track_upload *u, const upload_file *f)
{
	const char *dir = arena_printf(u->a, "%s/%.2s", u->blob_dir, f->sha256);
	const char *path = blob_path(u->a, u->blob_dir, f->sha256);
	if (access(path, F_OK) == 0)
		return 0;
	int rc = make_dir(dir);
	if (rc < 0)
		return rc;
	char from[64];
	snprintf(from, sizeof from, "/proc/self/fd/%d", f->fd);
	int linked = f->named ? link(f->named, path)
	                      : linkat(AT_FDCWD, from, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
	if (linked < 0 && errno != EEXIST)
		return err_fail(WEFT_ERROR, "cannot store an attachment: %s", strerror(errno));
	sync_dir(dir);
	return 0;
}

#define ATTACHMENT_SELECT                                                      \
	"SELECT " TRACK_USER_COLUMNS(                                          \
	        "u.") ", a.id, a.issue_id, i.project_id, a.filename,"          \
	              " a.mime_type, a.size, a.sha256, a.created_at"           \
	              " FROM attachments a JOIN issues i ON i.id = a.issue_id" \
	              " LEFT JOIN users u ON u.id = a.author_id "

static void read_attachment(db_stmt *st, arena *a, void *item)
{
	track_attachment *out = item;
	if (!db_col_null(st, 0))
		track_account_read_row(st, a, &out->author);
	out->id = db_col_int(st, 8);
	out->issue_id = db_col_int(st, 9);
	out->project_id = db_col_int(st, 10);
	out->filename = arena_strdup(a, db_col_text(st, 11));
	out->mime_type = arena_strdup(a, db_col_text(st, 12));
	out->size = db_col_int(st, 13);
	out->sha256 = arena_strdup(a, db_col_text(st, 14));
	out->created_at = db_col_int(st, 15);
}

static int find(db_conn *c, arena *a, int64_t id, track_attachment *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, ATTACHMENT_SELECT "WHERE a.id = $1", db_int(id));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*out = (track_attachment){ 0 };
		read_attachment(st, a, out);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = err_fail(WEFT_ENOTFOUND, "The attachment with id '%lld' does not exist.",
		              (long long)id);
	}
	db_done(st);
	return rc;
}

static int touch_issue(db_conn *c, int64_t issue_id)
{
	int rc = db_exec(c, "UPDATE issues SET updated_at = $1 WHERE id = $2",
	                 db_int(clock_now_ms()), db_int(issue_id));
	return rc < 0 ? rc : 0;
}

static int store_one(db_conn *c, track_upload *u, const upload_file *f, int64_t issue_id,
                     int64_t author_id, int64_t group, int64_t now, int64_t *id)
{
	int rc = db_exec(c,
	                 "INSERT INTO attachment_blobs (sha256, size, refs) VALUES ($1, $2, 1)"
	                 " ON CONFLICT (sha256) DO UPDATE SET refs = attachment_blobs.refs + 1",
	                 db_text(f->sha256), db_int(f->size));
	if (rc >= 0)
		rc = place(u, f);
	if (rc >= 0)
		rc = db_query_int(
		        id, c,
		        "INSERT INTO attachments (issue_id, author_id, filename, mime_type,"
		        " size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		        " RETURNING id",
		        db_int(issue_id), author_id ? db_int(author_id) : db_null(),
		        db_text(f->filename), db_text(f->mime_type), db_int(f->size),
		        db_text(f->sha256), db_int(now));
	if (rc >= 0)
		rc = track_changelog_item(c, group, "Attachment", NULL, NULL,
		                          arena_printf(u->a, "%lld", (long long)*id), f->filename);
	return rc < 0 ? rc : 0;
}

int track_attachment_store(db_conn *c, arena *a, track_upload *u, int64_t issue_id,
                           int64_t author_id, track_attachment **out, size_t *n)
{
	if (!u->finished)
		return err_fail(WEFT_ERROR, "the upload is not finished");
	int64_t group = 0, now = clock_now_ms();
	int64_t *ids = arena_array(a, u->nfiles, sizeof *ids);
	int rc = track_changelog_begin(c, issue_id, author_id, &group);
	for (size_t i = 0; rc == 0 && i < u->nfiles; i++)
		rc = store_one(c, u, &u->files[i], issue_id, author_id, group, now, &ids[i]);
	if (rc == 0)
		rc = touch_issue(c, issue_id);
	if (rc == 0)
		rc = track_attachment_list(c, a, &issue_id, 1, out, n);
	if (rc < 0)
		return rc;
	/* Only this upload's, in its order. */
	track_attachment *mine = arena_array(a, u->nfiles, sizeof *mine);
	for (size_t i = 0; i < u->nfiles; i++)
		for (size_t k = 0; k < *n; k++)
			if ((*out)[k].id == ids[i])
				mine[i] = (*out)[k];
	*out = mine;
	*n = u->nfiles;
	return 0;
}

typedef struct failed_ctx {
	track_upload *u;
} failed_ctx;

/* A row for each content (refs unchanged, 0 for a new one), and the sweep to judge them. */
static int claim_for_sweep(db_conn *c, void *ctx)
{
	track_upload *u = ((failed_ctx *)ctx)->u;
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < u->nfiles; i++)
		rc = db_exec(c,
		             "INSERT INTO attachment_blobs (sha256, size, refs) VALUES ($1, $2, 0)"
		             " ON CONFLICT (sha256) DO UPDATE SET refs = attachment_blobs.refs",
		             db_text(u->files[i].sha256), db_int(u->files[i].size));
	if (rc >= 0)
		rc = track_attachment_sweep_enqueue(c);
	return rc < 0 ? rc : 0;
}

void track_attachment_store_failed(db *d, track_upload *u)
{
	if (!u || !u->finished)
		return;
	failed_ctx ctx = { u };
	if (db_tx(d, claim_for_sweep, &ctx) < 0)
		log_warn("attachments: an upload failed and its files wait for the next sweep: %s",
		         err_msg());
}

/* ---- records ---- */

int track_attachment_get(db_conn *c, arena *a, const track_user *user, int64_t id,
                         track_attachment *out)
{
	track_attachment found;
	bool browse = false;
	int rc = find(c, a, id, &found);
	if (rc == 0)
		rc = track_perm_check(c, user, found.project_id, TRACK_PERM_BROWSE, &browse);
	if (rc == 0 && !browse)
		rc = err_fail(WEFT_ENOTFOUND, "The attachment with id '%lld' does not exist.",
		              (long long)id);
	if (rc == 0)
		*out = found;
	return rc;
}

int track_attachment_may_delete(db_conn *c, const track_user *user, const track_attachment *a,
                                bool *out)
{
	*out = false;
	bool own = user && a->author.id == user->id, allowed = false;
	int rc = 0;
	if (own)
		rc = track_perm_check(c, user, a->project_id, TRACK_PERM_DELETE_OWN_ATTACHMENTS,
		                      &allowed);
	if (rc == 0 && !allowed)
		rc = track_perm_check(c, user, a->project_id, TRACK_PERM_DELETE_ALL_ATTACHMENTS,
		                      &allowed);
	*out = rc == 0 && allowed;
	return rc;
}

int track_attachment_delete(db_conn *c, arena *a, const track_user *user, int64_t id)
{
	track_attachment at;
	bool allowed = false;
	int64_t group = 0;
	int rc = track_attachment_get(c, a, user, id, &at);
	if (rc == 0)
		rc = track_attachment_may_delete(c, user, &at, &allowed);
	if (rc == 0 && !allowed)
		return err_fail(WEFT_EPERM,
		                "You do not have permission to delete attachment with id '%lld'.",
		                (long long)id);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM attachments WHERE id = $1", db_int(id));
	if (rc >= 0)
		rc = track_changelog_begin(c, at.issue_id, user->id, &group);
	if (rc == 0)
		rc = track_changelog_item(c, group, "Attachment",
		                          arena_printf(a, "%lld", (long long)id), at.filename, NULL,
		                          NULL);
	if (rc == 0)
		rc = touch_issue(c, at.issue_id);
	if (rc == 0)
		rc = track_attachment_sweep_enqueue(c);
	return rc;
}

int track_attachment_list(db_conn *c, arena *a, const int64_t *ids, size_t n,
                          track_attachment **out, size_t *count)
{
	track_attachment *all = NULL;
	size_t total = 0;
	for (size_t start = 0; start < n; start += DB_ROWS_IDS_MAX) {
		size_t chunk = n - start < DB_ROWS_IDS_MAX ? n - start : DB_ROWS_IDS_MAX;
		db_stmt *st = NULL;
		void *rows = NULL;
		size_t got = 0;
		int rc = db_rows_query_ids(&st, c, a, ATTACHMENT_SELECT "WHERE a.issue_id IN (",
		                           ") ORDER BY a.created_at, a.id", ids + start, chunk);
		rc = db_rows_read(&rows, &got, st, rc, a, sizeof(track_attachment),
		                  read_attachment);
		if (rc < 0)
			return rc;
		if (got == 0)
			continue;
		track_attachment *grown = arena_array(a, total + got, sizeof *grown);
		if (total)
			memcpy(grown, all, total * sizeof *grown);
		memcpy(grown + total, rows, got * sizeof *grown);
		all = grown;
		total += got;
	}
	*out = all;
	*count = total;
	return 0;
}

/* ---- the stored bytes ---- */

int track_attachment_open(const track_app *app, const track_attachment *a, int *fd)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/blobs/%.2s/%s",
	         app->attachments_dir ? app->attachments_dir : "", a->sha256, a->sha256);
	int f = app->attachments_dir ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (f < 0)
		return err_fail(WEFT_ERROR, "the content of attachment %lld is missing",
		                (long long)a->id);
	*fd = f;
	return 0;
}

bool track_attachment_is_image(const track_attachment *a)
{
	static const char *const inline_types[] = { "image/png", "image/jpeg", "image/gif",
		                                    "image/webp", "image/bmp" };
	for (size_t i = 0; i < sizeof inline_types / sizeof inline_types[0]; i++)
		if (strcmp(a->mime_type, inline_types[i]) == 0)
			return true;
	return false;
}

bool track_attachment_has_thumbnail(const track_attachment *a)
{
	return track_attachment_is_image(a) && a->size <= TRACK_ATTACHMENT_THUMBNAIL_MAX;
}

/* ---- the sweep ---- */

typedef struct sweep_ctx {
	const char *blob_dir;
	arena *a;
	int removed;
} sweep_ctx;

/* Inside the transaction, while the rows are locked: an upload of the same content waits for
 * it, then finds the file gone and places it again. */
static int sweep_tx(db_conn *c, void *ctx)
{
	sweep_ctx *s = ctx;
	db_stmt *st;
	s->removed = 0;
	int rc = db_query(&st, c, "DELETE FROM attachment_blobs WHERE refs <= 0 RETURNING sha256",
	                  DB_END);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		const char *sha = db_col_text(st, 0);
		if (strlen(sha) == crypto_hash_sha256_BYTES * 2 &&
		    strspn(sha, "0123456789abcdef") == strlen(sha) &&
		    unlink(blob_path(s->a, s->blob_dir, sha)) == 0)
			s->removed++;
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int track_attachment_sweep(db *d, const char *attachments_dir, int *removed)
{
	arena *a = arena_new();
	sweep_ctx s = { arena_printf(a, "%s/blobs", attachments_dir), a, 0 };
	int rc = db_tx(d, sweep_tx, &s);
	if (removed)
		*removed = s.removed;
	arena_free(a);
	return rc;
}

static int sweep_job(void *ctx, const job *j)
{
	(void)j;
	const track_app *app = ctx;
	int removed = 0;
	if (!app->attachments_dir)
		return 0;
	int rc = track_attachment_sweep(app->d, app->attachments_dir, &removed);
	if (rc == 0 && removed)
		log_info("attachments: removed %d stored files no attachment refers to", removed);
	return rc;
}

void track_attachment_jobs_start(job_queue *q, const track_app *app)
{
	job_queue_register(q, TRACK_ATTACHMENT_SWEEP_JOB, sweep_job, (void *)app);
}
