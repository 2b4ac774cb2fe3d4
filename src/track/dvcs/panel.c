/* Everything linked to an issue's keys (panel.h): each read starts from issue_keys (every key the
 * issue had) through the kind's *_keys primary key, and keeps linked, non-deleted repositories. */
#include "track/dvcs/panel.h"

#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "db/rows.h"
#include "web/escape.h"

/* The repository and account columns every list query starts with. */
#define REPO_COLUMNS "r.id, a.host_kind, a.site_url, a.account, r.slug, r.name, r.is_private"
enum { REPO_NCOLUMNS = 7 };

/* The ids each kind reaches from the issue's keys. */
#define ISSUE_COMMITS                                                                        \
	"(SELECT ck.commit_id FROM issue_keys ik JOIN dvcs_commit_keys ck ON ck.issue_key =" \
	" ik.key WHERE ik.issue_id = $1)"
#define ISSUE_BRANCHES                                                                       \
	"(SELECT bk.branch_id FROM issue_keys ik JOIN dvcs_branch_keys bk ON bk.issue_key =" \
	" ik.key WHERE ik.issue_id = $1)"
#define ISSUE_PULLS                                                                             \
	"(SELECT pk.pull_id FROM issue_keys ik JOIN dvcs_pull_keys pk ON pk.issue_key = ik.key" \
	" WHERE ik.issue_id = $1)"
#define ISSUE_COMMIT_HASHES                                                                    \
	"(SELECT kc.hash FROM issue_keys ik JOIN dvcs_commit_keys ck ON ck.issue_key = ik.key" \
	" JOIN dvcs_commits kc ON kc.id = ck.commit_id WHERE ik.issue_id = $1)"

/* ---- the counts ---- */

static const char summary_commits_sql[] =
        "SELECT COUNT(DISTINCT rc.commit_id),"
        " COUNT(DISTINCT CASE WHEN c.provisional = 1 THEN rc.commit_id END),"
        " COUNT(DISTINCT rc.repo_id), COALESCE(MAX(c.authored_at), 0) FROM dvcs_repo_commits"
        " rc JOIN dvcs_commits c ON c.id = rc.commit_id JOIN dvcs_repos r ON r.id = rc.repo_id"
        " AND r.linked = 1 AND r.deleted = 0 WHERE rc.commit_id IN " ISSUE_COMMITS;

static const char summary_branches_sql[] =
        "SELECT COUNT(*), COALESCE(MAX(b.updated_at), 0) FROM dvcs_branches b JOIN dvcs_repos r"
        " ON r.id = b.repo_id AND r.linked = 1 AND r.deleted = 0 WHERE b.id IN " ISSUE_BRANCHES;

static const char summary_pulls_sql[] =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.state = 'OPEN' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN p.state = 'MERGED' THEN 1 ELSE 0 END), 0),"
        " COALESCE(MAX(p.updated_at), 0) FROM dvcs_pulls p JOIN dvcs_repos r ON r.id ="
        " p.repo_id AND r.linked = 1 AND r.deleted = 0 WHERE p.id IN " ISSUE_PULLS;

static const char summary_builds_sql[] =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN bd.state = 'SUCCESSFUL' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN bd.state = 'FAILED' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN bd.state = 'INPROGRESS' THEN 1 ELSE 0 END), 0),"
        " COALESCE(MAX(bd.updated_at), 0) FROM dvcs_builds bd JOIN dvcs_repos r ON r.id ="
        " bd.repo_id AND r.linked = 1 AND r.deleted = 0 WHERE bd.commit_hash "
        "IN " ISSUE_COMMIT_HASHES;

/* Runs one of the summary queries and copies its columns into out[0 … ncols). */
static int summary_row(db_conn *c, const char *sql, int64_t issue_id, int64_t *const *out,
                       int ncols)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(issue_id));
	if (rc == 0)
		rc = db_step_one(st, "No counts.");
	for (int i = 0; rc == 0 && i < ncols; i++)
		*out[i] = db_col_int(st, i);
	db_done(st);
	return rc;
}

int dvcs_panel_summary_get(db_conn *c, int64_t issue_id, dvcs_panel_summary *out)
{
	dvcs_panel_summary s = { 0 };
	int64_t *const commits[] = { &s.commits, &s.commits_provisional, &s.commit_repos,
		                     &s.commits_latest };
	int64_t *const branches[] = { &s.branches, &s.branches_updated };
	int64_t *const pulls[] = { &s.pulls, &s.pulls_open, &s.pulls_merged, &s.pulls_updated };
	int64_t *const builds[] = { &s.builds, &s.builds_successful, &s.builds_failed,
		                    &s.builds_in_progress, &s.builds_updated };
	int rc = summary_row(c, summary_commits_sql, issue_id, commits, 4);
	if (rc == 0)
		rc = summary_row(c, summary_branches_sql, issue_id, branches, 2);
	if (rc == 0)
		rc = summary_row(c, summary_pulls_sql, issue_id, pulls, 4);
	if (rc == 0)
		rc = summary_row(c, summary_builds_sql, issue_id, builds, 5);
	if (rc < 0)
		return rc;
	s.pulls_declined = s.pulls - s.pulls_open - s.pulls_merged;
	s.builds_stopped = s.builds - s.builds_successful - s.builds_failed - s.builds_in_progress;
	*out = s;
	return 0;
}

const char *dvcs_panel_pull_badge(const dvcs_panel_summary *s)
{
	if (s->pulls_open)
		return "OPEN";
	if (s->pulls_merged)
		return "MERGED";
	return s->pulls_declined ? "DECLINED" : NULL;
}

/* ---- the lists ---- */

static const char commits_sql[] =
        "SELECT " REPO_COLUMNS ", c.hash, c.author_name, c.author_email, c.authored_at, c.message,"
        " c.file_count, c.is_merge, c.provisional, COUNT(*) OVER () FROM dvcs_repo_commits rc"
        " JOIN dvcs_commits c ON c.id = rc.commit_id JOIN dvcs_repos r ON r.id = rc.repo_id"
        " AND r.linked = 1 AND r.deleted = 0 JOIN dvcs_accounts a ON a.id = r.account_id"
        " WHERE rc.commit_id IN " ISSUE_COMMITS
        " ORDER BY c.authored_at DESC, c.id DESC, r.id LIMIT $2 OFFSET $3";

static const char branches_sql[] =
        "SELECT " REPO_COLUMNS ", b.name, b.head, b.updated_at, hc.id, hc.author_name,"
        " hc.message, hc.authored_at, hc.file_count, hc.is_merge, hc.provisional,"
        " COUNT(*) OVER () FROM dvcs_branches b JOIN dvcs_repos r ON r.id = b.repo_id AND"
        " r.linked = 1 AND r.deleted = 0 JOIN dvcs_accounts a ON a.id = r.account_id LEFT JOIN"
        " dvcs_commits hc ON hc.hash = b.head WHERE b.id IN " ISSUE_BRANCHES
        " ORDER BY b.updated_at DESC, b.id DESC LIMIT $2 OFFSET $3";

static const char pulls_sql[] =
        "SELECT " REPO_COLUMNS ", p.number, p.title, p.state, p.author_name, p.source_branch,"
        " p.destination_branch, p.url, p.reviewers, p.comment_count, p.updated_at,"
        " COUNT(*) OVER () FROM dvcs_pulls p JOIN dvcs_repos r ON r.id = p.repo_id AND"
        " r.linked = 1 AND r.deleted = 0 JOIN dvcs_accounts a ON a.id = r.account_id"
        " WHERE p.id IN " ISSUE_PULLS " ORDER BY p.updated_at DESC, p.id DESC LIMIT $2 OFFSET $3";

static const char builds_sql[] =
        "SELECT " REPO_COLUMNS ", bd.commit_hash, bd.key, bd.name, bd.state, bd.url,"
        " bd.updated_at, COUNT(*) OVER () FROM dvcs_builds bd JOIN dvcs_repos r ON r.id ="
        " bd.repo_id AND r.linked = 1 AND r.deleted = 0 JOIN dvcs_accounts a ON a.id ="
        " r.account_id WHERE bd.commit_hash IN " ISSUE_COMMIT_HASHES
        " ORDER BY bd.updated_at DESC, bd.id DESC LIMIT $2 OFFSET $3";

const char *const dvcs_panel_statements[] = {
	summary_commits_sql, summary_branches_sql, summary_pulls_sql,
	summary_builds_sql,  commits_sql,          branches_sql,
	pulls_sql,           builds_sql,           NULL,
};

static const char *text(db_stmt *st, arena *a, int col)
{
	const char *s = db_col_text(st, col);
	return arena_strdup(a, s ? s : "");
}

static void read_repo(db_stmt *st, arena *a, dvcs_panel_repo *r)
{
	r->id = db_col_int(st, 0);
	r->host_kind =
	        strcmp(db_col_text(st, 1), "bitbucket") == 0 ? DVCS_HOST_BITBUCKET : DVCS_HOST_WEFT;
	r->site_url = text(st, a, 2);
	r->account = text(st, a, 3);
	r->slug = text(st, a, 4);
	r->name = text(st, a, 5);
	r->is_private = db_col_int(st, 6) != 0;
}

static void read_commit(db_stmt *st, arena *a, void *item)
{
	dvcs_panel_commit *c = item;
	const int k = REPO_NCOLUMNS;
	read_repo(st, a, &c->repo);
	c->hash = text(st, a, k);
	c->author_name = text(st, a, k + 1);
	c->author_email = text(st, a, k + 2);
	c->authored_at = db_col_int(st, k + 3);
	c->message = text(st, a, k + 4);
	c->file_count = db_col_null(st, k + 5) ? DVCS_FILES_UNKNOWN : db_col_int(st, k + 5);
	c->is_merge = db_col_int(st, k + 6) != 0;
	c->provisional = db_col_int(st, k + 7) != 0;
}

static void read_branch(db_stmt *st, arena *a, void *item)
{
	dvcs_panel_branch *b = item;
	const int k = REPO_NCOLUMNS;
	read_repo(st, a, &b->repo);
	b->name = text(st, a, k);
	b->head = text(st, a, k + 1);
	b->updated_at = db_col_int(st, k + 2);
	b->has_head_commit = !db_col_null(st, k + 3);
	b->head_author = text(st, a, k + 4);
	b->head_message = text(st, a, k + 5);
	b->head_authored_at = db_col_int(st, k + 6);
	b->head_file_count = db_col_null(st, k + 7) ? DVCS_FILES_UNKNOWN : db_col_int(st, k + 7);
	b->head_is_merge = db_col_int(st, k + 8) != 0;
	b->head_provisional = db_col_int(st, k + 9) != 0;
}

static void read_pull(db_stmt *st, arena *a, void *item)
{
	dvcs_panel_pull *p = item;
	const int k = REPO_NCOLUMNS;
	read_repo(st, a, &p->repo);
	p->number = db_col_int(st, k);
	p->title = text(st, a, k + 1);
	p->state = text(st, a, k + 2);
	p->author_name = text(st, a, k + 3);
	p->source_branch = text(st, a, k + 4);
	p->destination_branch = text(st, a, k + 5);
	p->url = text(st, a, k + 6);
	p->reviewers = text(st, a, k + 7);
	p->comment_count = db_col_int(st, k + 8);
	p->updated_at = db_col_int(st, k + 9);
}

static void read_build(db_stmt *st, arena *a, void *item)
{
	dvcs_panel_build *b = item;
	const int k = REPO_NCOLUMNS;
	read_repo(st, a, &b->repo);
	b->commit_hash = text(st, a, k);
	b->key = text(st, a, k + 1);
	b->name = text(st, a, k + 2);
	b->state = text(st, a, k + 3);
	b->url = text(st, a, k + 4);
	b->updated_at = db_col_int(st, k + 5);
}

typedef struct kind_query {
	const char *sql;
	size_t size;
	db_row_reader read;
	int count_column; /* COUNT(*) OVER (): the rows of every page */
} kind_query;

static const kind_query kinds[] = {
	[DVCS_PANEL_COMMITS] = { commits_sql, sizeof(dvcs_panel_commit), read_commit,
	                         REPO_NCOLUMNS + 8 },
	[DVCS_PANEL_BRANCHES] = { branches_sql, sizeof(dvcs_panel_branch), read_branch,
	                          REPO_NCOLUMNS + 10 },
	[DVCS_PANEL_PULLS] = { pulls_sql, sizeof(dvcs_panel_pull), read_pull, REPO_NCOLUMNS + 10 },
	[DVCS_PANEL_BUILDS] = { builds_sql, sizeof(dvcs_panel_build), read_build,
	                        REPO_NCOLUMNS + 6 },
};

/* A page past the end has no row to carry the count: the total then comes from the first row. */
static int count_past_end(db_conn *c, const kind_query *q, int64_t issue_id, int64_t *total)
{
	db_stmt *st;
	int rc = db_query(&st, c, q->sql, db_int(issue_id), db_int(1), db_int(0));
	*total = 0;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*total = db_col_int(st, q->count_column);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void set_items(dvcs_panel_page *p, void *items)
{
	switch (p->kind) {
	case DVCS_PANEL_COMMITS: p->commits = items; break;
	case DVCS_PANEL_BRANCHES: p->branches = items; break;
	case DVCS_PANEL_PULLS: p->pulls = items; break;
	case DVCS_PANEL_BUILDS: p->builds = items; break;
	}
}

int dvcs_panel_page_get(db_conn *c, arena *a, int64_t issue_id, dvcs_panel_kind kind, int64_t start,
                        int64_t max, dvcs_panel_page *out)
{
	if ((unsigned)kind > DVCS_PANEL_BUILDS || start < 0 || max <= 0 ||
	    max > DVCS_PANEL_PAGE_MAX)
		return err_fail(WEFT_EINVALID, "No such page of the development panel.");
	const kind_query *q = &kinds[kind];
	dvcs_panel_page p = { .kind = kind, .start = start };
	array rows = ARRAY_INIT;
	db_stmt *st;
	int rc = db_query(&st, c, q->sql, db_int(issue_id), db_int(max), db_int(start));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		q->read(st, a, array_push(a, &rows, q->size));
		p.total = db_col_int(st, q->count_column);
		rc = 0;
	}
	db_done(st);
	if (rc == 0 && rows.n == 0 && start > 0)
		rc = count_past_end(c, q, issue_id, &p.total);
	if (rc < 0)
		return rc;
	p.n = rows.n;
	set_items(&p, rows.items);
	*out = p;
	return 0;
}

/* ---- the hosts ---- */

static void read_host(db_stmt *st, arena *a, void *item)
{
	dvcs_panel_host *h = item;
	h->account_id = db_col_int(st, 0);
	h->host_kind =
	        strcmp(db_col_text(st, 1), "bitbucket") == 0 ? DVCS_HOST_BITBUCKET : DVCS_HOST_WEFT;
	h->site_url = text(st, a, 2);
	h->account = text(st, a, 3);
}

int dvcs_panel_hosts(db_conn *c, arena *a, dvcs_panel_host **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, host_kind, site_url, account FROM dvcs_accounts WHERE status"
	                  " <> 'pending' ORDER BY id",
	                  DB_END);
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_host);
}

json_t *dvcs_panel_reviewers_json(const char *stored)
{
	json_t *in = json_loads(stored, 0, NULL), *out = json_array(), *r;
	size_t i;
	json_array_foreach(in, i, r)
	{
		const char *name = json_string_value(json_object_get(r, "name"));
		if (name)
			json_array_append_new(
			        out, json_pack("{s:s, s:b}", "name", name, "approved",
			                       json_is_true(json_object_get(r, "approved"))));
	}
	json_decref(in);
	return out;
}

/* ---- links to the host ---- */

static const char *repo_link(arena *a, const dvcs_panel_repo *r, const char *what,
                             const char *value, bool query)
{
	buf b = BUF_INIT;
	buf_puts(&b, r->site_url);
	buf_putc(&b, '/');
	esc_url_segment(&b, r->account, strlen(r->account));
	buf_putc(&b, '/');
	esc_url_segment(&b, r->slug, strlen(r->slug));
	if (what) {
		buf_puts(&b, what);
		if (query)
			esc_url_query(&b, value, strlen(value));
		else
			esc_url_segment(&b, value, strlen(value));
	}
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return s;
}

const char *dvcs_panel_repo_url(arena *a, const dvcs_panel_repo *r)
{
	return repo_link(a, r, NULL, NULL, false);
}

const char *dvcs_panel_commit_url(arena *a, const dvcs_panel_repo *r, const char *hash)
{
	return repo_link(a, r, "/commits/", hash, false);
}

const char *dvcs_panel_branch_url(arena *a, const dvcs_panel_repo *r, const char *branch)
{
	return repo_link(a, r, "/branch/", branch, false);
}

const char *dvcs_panel_new_pull_url(arena *a, const dvcs_panel_repo *r, const char *branch)
{
	return repo_link(a, r, "/pull-requests/new?source=", branch, true);
}

const char *dvcs_panel_create_branch_url(arena *a, const char *site_url, const char *issue_key,
                                         const char *issue_type, const char *issue_summary)
{
	buf b = BUF_INIT;
	buf_puts(&b, site_url);
	buf_puts(&b, "/branch/create?issueKey=");
	esc_url_query(&b, issue_key, strlen(issue_key));
	buf_puts(&b, "&issueType=");
	esc_url_query(&b, issue_type, strlen(issue_type));
	buf_puts(&b, "&issueSummary=");
	esc_url_query(&b, issue_summary, strlen(issue_summary));
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return s;
}

const char *dvcs_panel_host_name(dvcs_host_kind kind)
{
	return kind == DVCS_HOST_BITBUCKET ? "Bitbucket Cloud" : "weft hub";
}
