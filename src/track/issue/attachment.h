/* Files attached to issues: uploads read as they arrive into an unnamed temporary file while
 * their SHA-256 is computed, stored once per content under DATA/attachments/blobs/, their
 * records (with the issue's history), who may read and delete them, and the sweep job that
 * removes a file once no attachment refers to it. */
#ifndef WEFT_TRACK_ISSUE_ATTACHMENT_H
#define WEFT_TRACK_ISSUE_ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/jobs.h"
#include "track/track.h"
#include "web/form.h"

#define TRACK_ATTACHMENT_MAX_SIZE_DEFAULT ((int64_t)100 * 1024 * 1024)

enum {
	TRACK_ATTACHMENT_FILES_MAX = 16, /* files in one upload */
	TRACK_ATTACHMENT_NAME_MAX = 255, /* bytes of a stored file name */
	/* An image up to this size is its own thumbnail (weft makes no smaller copies). */
	TRACK_ATTACHMENT_THUMBNAIL_MAX = 5 * 1024 * 1024,
};

typedef struct track_attachment {
	int64_t id;
	int64_t issue_id;
	int64_t project_id;
	const char *filename; /* sanitized: no path, no control characters, valid UTF-8 */
	const char *mime_type; /* "type/subtype", lower case; application/octet-stream if unknown */
	int64_t size;
	const char *sha256; /* hex */
	int64_t created_at;
	track_user author; /* id 0 when the author's account is gone */
} track_attachment;

/* ---- uploads ---- */

typedef struct track_upload track_upload;

/* Starts reading a multipart/form-data body (content_type names its boundary) into temporary
 * files under app->attachments_dir: each part named "file" with a filename becomes one
 * attachment, other parts with a filename are dropped, plain fields (a form's CSRF token) are
 * added to form, in a (at most 16 KiB of them). WEFT_EINVALID for a body that is not multipart;
 * -1 when attachments are off or the folder cannot be made. Free with track_upload_free. */
int track_upload_new(track_upload **out, const track_app *app, arena *a, const char *content_type,
                     web_pairs *form);
/* Reads the next bytes of the body. WEFT_ETOOLARGE ("The field file exceeds its maximum
 * permitted size of N bytes.") past app->attachment_max_size in one file or
 * TRACK_ATTACHMENT_FILES_MAX files; WEFT_EINVALID for a malformed body; -1 when the disk fails.
 * After an error the upload keeps that error. */
int track_upload_feed(track_upload *u, const char *data, size_t len);
/* The body ended: checks that it was complete and makes the files durable. The same errors,
 * and WEFT_EINVALID when it held no file. */
int track_upload_finish(track_upload *u);
/* Releases the temporary files (nothing is left of an upload that was not stored) and u. For
 * web_request.stream_release. */
void track_upload_free(void *u);

/* Records the files of a finished upload as attachments of issue_id by author_id, in c's
 * transaction: each content is placed under blobs/ unless already there (the same bytes are
 * stored once), one history group says "Attachment" for each, and the issue is updated. *out is
 * an arena array of *n attachments (the author filled in). Store and disk errors. */
int track_attachment_store(db_conn *c, arena *a, track_upload *u, int64_t issue_id,
                           int64_t author_id, track_attachment **out, size_t *n);
/* After track_attachment_store failed (its transaction rolled back): lets the sweep remove the
 * files it may have placed. */
void track_attachment_store_failed(db *d, track_upload *u);

/* ---- records ---- */

/* The attachment id, if user may browse its issue; WEFT_ENOTFOUND ("The attachment with id 'N'
 * does not exist.") otherwise, so that one cannot tell. */
int track_attachment_get(db_conn *c, arena *a, const track_user *user, int64_t id,
                         track_attachment *out);
/* Deletes the attachment id for user: its author needs Delete own attachments, anyone else Delete
 * all attachments (WEFT_EPERM); WEFT_ENOTFOUND as track_attachment_get. Records the change in
 * the history and queues the sweep. */
int track_attachment_delete(db_conn *c, arena *a, const track_user *user, int64_t id);
/* Whether user may delete a (for pages, which offer the button only then). */
int track_attachment_may_delete(db_conn *c, const track_user *user, const track_attachment *a,
                                bool *out);
/* The attachments of the issues ids (n of them, any number), oldest first within an issue, in
 * one statement per DB_ROWS_IDS_MAX issues: *out an arena array of *count. Store errors. */
int track_attachment_list(db_conn *c, arena *a, const int64_t *ids, size_t n,
                          track_attachment **out, size_t *count);

/* ---- the stored bytes ---- */

/* Opens the attachment's content for reading: *fd a descriptor the caller closes. -1 when the
 * file is missing. */
int track_attachment_open(const track_app *app, const track_attachment *a, int *fd);
/* Whether the attachment is an image that browsers may show inline (PNG, JPEG, GIF, WebP, BMP,
 * never SVG, which can carry script). */
bool track_attachment_is_image(const track_attachment *a);
/* Whether it has a thumbnail: an inline image of at most TRACK_ATTACHMENT_THUMBNAIL_MAX. */
bool track_attachment_has_thumbnail(const track_attachment *a);

/* The sweep job: deletes the stored files no attachment refers to any more. Registers it. */
void track_attachment_jobs_start(job_queue *q, const track_app *app);
/* Runs the sweep now, in its own transaction: the number of files removed. For the job and
 * tests. */
int track_attachment_sweep(db *d, const char *attachments_dir, int *removed);

#endif
