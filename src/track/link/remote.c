/* Remote links of issues (remote.h): the checks, the upsert by global id, the history. */
#include "track/link/remote.h"

#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "track/issue/issue.h"
#include "track/link/link.h"

#define REMOTE_COLUMNS                                                                           \
	"id, issue_id, global_id, relationship, application_type, application_name, url, title," \
	" summary, icon_url, icon_title"

/* ---- checks ---- */

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* An absolute http(s) URL with a host and no spaces or control characters. */
static bool web_url(const char *url)
{
	size_t scheme = strncasecmp(url, "https://", 8) == 0  ? 8
	                : strncasecmp(url, "http://", 7) == 0 ? 7
	                                                      : 0;
	if (!scheme || !url[scheme] || strchr("/?#", url[scheme]))
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

static int bounded(const char *value, const char *field, size_t max, const char **out_field)
{
	if (value && strlen(value) > max) {
		*out_field = field;
		return err_fail(WEFT_EINVALID, "'%s' is longer than %zu bytes.", field, max);
	}
	return 0;
}

static int url_field(const char *url, const char *field, bool required, const char **out_field)
{
	int rc = bounded(url, field, TRACK_REMOTE_URL_MAX, out_field);
	if (rc == 0 && (url ? *url && !web_url(url) : required)) {
		*out_field = field;
		rc = err_fail(WEFT_EINVALID,
		              url ? "'%s' must be an http or https URL." : "'%s' is required.",
		              field);
	}
	return rc;
}

int track_remote_link_check(const track_remote_link *in, const char **out_field)
{
	const struct {
		const char *value, *field;
	} texts[] = {
		{ in->global_id, "globalId" },
		{ in->relationship, "relationship" },
		{ in->application_type, "application.type" },
		{ in->application_name, "application.name" },
		{ in->icon_title, "icon.title" },
	};
	*out_field = NULL;
	int rc = url_field(in->url, "url", true, out_field);
	if (rc == 0 && (!in->title || !*in->title)) {
		*out_field = "title";
		rc = err_fail(WEFT_EINVALID, "'title' is required.");
	}
	if (rc == 0)
		rc = bounded(in->title, "title", TRACK_REMOTE_TEXT_MAX, out_field);
	if (rc == 0)
		rc = bounded(in->summary, "summary", TRACK_REMOTE_SUMMARY_MAX, out_field);
	for (size_t i = 0; rc == 0 && i < sizeof texts / sizeof texts[0]; i++)
		rc = bounded(texts[i].value, texts[i].field, TRACK_REMOTE_TEXT_MAX, out_field);
	if (rc == 0)
		rc = url_field(in->icon_url, "icon.url16x16", false, out_field);
	return rc;
}

/* ---- reading ---- */

static const char *text_at(db_stmt *st, arena *a, int col)
{
	const char *s = db_col_text(st, col);
	return s ? arena_strdup(a, s) : NULL;
}

static void read_remote(db_stmt *st, arena *a, void *item)
{
	track_remote_link *l = item;
	l->id = db_col_int(st, 0);
	l->issue_id = db_col_int(st, 1);
	l->global_id = text_at(st, a, 2);
	l->relationship = text_at(st, a, 3);
	l->application_type = text_at(st, a, 4);
	l->application_name = text_at(st, a, 5);
	l->url = text_at(st, a, 6);
	l->title = text_at(st, a, 7);
	l->summary = text_at(st, a, 8);
	l->icon_url = text_at(st, a, 9);
	l->icon_title = text_at(st, a, 10);
}

int track_remote_link_list(db_conn *c, arena *a, int64_t issue_id, const char *global_id,
                           track_remote_link **out, size_t *n)
{
	db_stmt *st = NULL;
	int rc = global_id ? db_query(&st, c,
	                              "SELECT " REMOTE_COLUMNS " FROM remote_links"
	                              " WHERE issue_id = $1 AND global_id = $2",
	                              db_int(issue_id), db_text(global_id))
	                   : db_query(&st, c,
	                              "SELECT " REMOTE_COLUMNS " FROM remote_links"
	                              " WHERE issue_id = $1 ORDER BY id LIMIT $2",
	                              db_int(issue_id), db_int(TRACK_REMOTE_LINKS_MAX));
	*out = NULL;
	*n = 0;
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_remote);
}

int track_remote_link_get(db_conn *c, arena *a, int64_t issue_id, int64_t id,
                          track_remote_link *out)
{
	db_stmt *st = NULL;
	int rc = db_query(&st, c,
	                  "SELECT " REMOTE_COLUMNS
	                  " FROM remote_links WHERE issue_id = $1 AND id = $2",
	                  db_int(issue_id), db_int(id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		read_remote(st, a, out);
	db_done(st);
	if (rc == DB_DONE)
		return err_fail(WEFT_ENOTFOUND,
		                "No remote link with id '%lld' exists on this issue.",
		                (long long)id);
	return rc < 0 ? rc : 0;
}

/* ---- writing ---- */

/* The history entry: "RemoteIssueLink", the link's id and "This issue links to "title"". */
static int record(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t id,
                  const char *title, bool added)
{
	return track_link_record(c, issue_id, author_id, "RemoteIssueLink",
	                         arena_printf(a, "%lld", (long long)id),
	                         arena_printf(a, "This issue links to \"%s\"", title), added);
}

static int global_taken(int rc, const char **out_field)
{
	if (rc != WEFT_EEXISTS)
		return rc;
	*out_field = "globalId";
	return err_fail(WEFT_EINVALID, "Another remote link of this issue has that globalId.");
}

static int write_fields(db_conn *c, int64_t id, const track_remote_link *in)
{
	int rc = db_exec(
	        c,
	        "UPDATE remote_links SET global_id = $1, relationship = $2,"
	        " application_type = $3, application_name = $4, url = $5, title = $6,"
	        " summary = $7, icon_url = $8, icon_title = $9, updated_at = $10"
	        " WHERE id = $11",
	        in->global_id && *in->global_id ? db_text(in->global_id) : db_null(),
	        db_text(or_empty(in->relationship)), db_text(or_empty(in->application_type)),
	        db_text(or_empty(in->application_name)), db_text(in->url), db_text(in->title),
	        db_text(or_empty(in->summary)), db_text(or_empty(in->icon_url)),
	        db_text(or_empty(in->icon_title)), db_int(clock_now_ms()), db_int(id));
	return rc < 0 ? rc : 0;
}

static int insert(db_conn *c, int64_t issue_id, int64_t *id)
{
	int64_t count = 0;
	int rc = db_rows_count(&count, c, "SELECT COUNT(*) FROM remote_links WHERE issue_id = $1",
	                       issue_id);
	if (rc == 0 && count >= TRACK_REMOTE_LINKS_MAX)
		return err_fail(WEFT_EINVALID, "An issue has at most %d remote links.",
		                TRACK_REMOTE_LINKS_MAX);
	db_stmt *st = NULL;
	int64_t now = clock_now_ms();
	if (rc == 0)
		rc = db_query(
		        &st, c,
		        "INSERT INTO remote_links (issue_id, url, title, created_at, updated_at)"
		        " VALUES ($1, '', '', $2, $2) RETURNING id",
		        db_int(issue_id), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "The remote link was not created.");
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

int track_remote_link_save(db_conn *c, arena *a, int64_t issue_id, int64_t author_id,
                           const track_remote_link *in, track_remote_link *out, bool *created,
                           const char **out_field)
{
	track_remote_link *same = NULL;
	size_t n = 0;
	int64_t id = 0;
	int rc = track_remote_link_check(in, out_field);
	if (rc == 0 && in->global_id && *in->global_id)
		rc = track_remote_link_list(c, a, issue_id, in->global_id, &same, &n);
	*created = rc == 0 && n == 0;
	if (rc == 0)
		rc = n ? (id = same[0].id, 0) : insert(c, issue_id, &id);
	if (rc == 0)
		rc = global_taken(write_fields(c, id, in), out_field);
	if (rc == 0)
		rc = record(c, a, issue_id, author_id, id, in->title, true);
	if (rc == 0)
		rc = track_remote_link_get(c, a, issue_id, id, out);
	return rc;
}

int track_remote_link_update(db_conn *c, arena *a, int64_t issue_id, int64_t id, int64_t author_id,
                             const track_remote_link *in, const char **out_field)
{
	track_remote_link old = { 0 };
	int rc = track_remote_link_get(c, a, issue_id, id, &old);
	if (rc == 0)
		rc = track_remote_link_check(in, out_field);
	if (rc == 0)
		rc = global_taken(write_fields(c, id, in), out_field);
	if (rc == 0)
		rc = record(c, a, issue_id, author_id, id, in->title, true);
	return rc;
}

int track_remote_link_delete(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, int64_t id,
                             const char *global_id)
{
	track_remote_link *found = NULL;
	size_t n = 0;
	int rc = 0;
	if (id == 0) {
		rc = track_remote_link_list(c, a, issue_id, global_id, &found, &n);
		if (rc == 0 && n == 0)
			rc = err_fail(WEFT_ENOTFOUND,
			              "No remote link with globalId '%s' exists on this issue.",
			              global_id);
	} else {
		found = arena_alloc(a, sizeof *found);
		rc = track_remote_link_get(c, a, issue_id, id, found);
	}
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM remote_links WHERE id = $1", db_int(found->id));
	if (rc >= 0)
		rc = record(c, a, issue_id, author_id, found->id, found->title, false);
	return rc;
}
