/* Everything linked to an issue's keys (every key it ever had, issue_keys), for the development
 * panel and the dev-status API: counts, and pages of commits, branches, pull requests and builds,
 * newest first. Only linked repositories that are not deleted count. Each read is one indexed
 * query, whatever the number of repositories; every item carries its repository. */
#ifndef WEFT_TRACK_DVCS_PANEL_H
#define WEFT_TRACK_DVCS_PANEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/dvcs/dvcs.h"
#include "track/dvcs/mirror.h" /* DVCS_FILES_UNKNOWN */

/* The most items one page of the panel's lists holds. */
enum { DVCS_PANEL_PAGE_MAX = 1000 };

typedef enum {
	DVCS_PANEL_COMMITS,
	DVCS_PANEL_BRANCHES,
	DVCS_PANEL_PULLS,
	DVCS_PANEL_BUILDS
} dvcs_panel_kind;

/* The counts of the panel. Dates are epoch ms, 0 when there is nothing. */
typedef struct dvcs_panel_summary {
	int64_t commits; /* distinct commits */
	int64_t commits_provisional; /* of them, stored from a webhook and not yet synchronized */
	int64_t commit_repos; /* repositories holding them */
	int64_t commits_latest; /* the newest commit's author date */
	int64_t branches, branches_updated;
	int64_t pulls, pulls_open, pulls_merged, pulls_declined; /* SUPERSEDED counts as declined */
	int64_t pulls_updated;
	int64_t builds, builds_successful, builds_failed, builds_in_progress, builds_stopped;
	int64_t builds_updated;
} dvcs_panel_summary;

/* The repository an item was found in, with its account. */
typedef struct dvcs_panel_repo {
	int64_t id;
	dvcs_host_kind host_kind;
	const char *site_url, *account, *slug, *name;
	bool is_private;
} dvcs_panel_repo;

typedef struct dvcs_panel_commit {
	dvcs_panel_repo repo;
	const char *hash, *author_name, *author_email, *message;
	int64_t authored_at;
	/* DVCS_FILES_UNKNOWN until counted (dvcs_files_fill counts the page's from the mirror) */
	int64_t file_count;
	bool is_merge;
	/* stored from a push webhook (provisional.h), not yet read from the mirror: its file count
	 * is unknown until the sync confirms it */
	bool provisional;
} dvcs_panel_commit;

typedef struct dvcs_panel_branch {
	dvcs_panel_repo repo;
	const char *name, *head;
	int64_t updated_at;
	/* the head commit when the sync stored it (has_head_commit), else only its hash */
	bool has_head_commit;
	const char *head_author, *head_message;
	int64_t head_authored_at;
	int64_t head_file_count; /* as dvcs_panel_commit's, also when the head commit is not stored */
	bool head_is_merge, head_provisional; /* head_provisional: as dvcs_panel_commit's */
} dvcs_panel_branch;

typedef struct dvcs_panel_pull {
	dvcs_panel_repo repo;
	int64_t number;
	const char *title, *state, *author_name, *source_branch, *destination_branch, *url;
	const char *reviewers; /* JSON text as stored: [{"name": …, "approved": true|false}] */
	int64_t comment_count, updated_at;
} dvcs_panel_pull;

typedef struct dvcs_panel_build {
	dvcs_panel_repo repo;
	const char *commit_hash, *key, *name, *state, *url;
	int64_t updated_at;
} dvcs_panel_build;

/* One page of one kind: items[start … start + n) of total, newest first. Commits are listed
 * once per repository that holds them (total counts those pairs). The array matching kind is
 * set, in the arena. */
typedef struct dvcs_panel_page {
	dvcs_panel_kind kind;
	int64_t start, total;
	size_t n;
	dvcs_panel_commit *commits;
	dvcs_panel_branch *branches;
	dvcs_panel_pull *pulls;
	dvcs_panel_build *builds;
} dvcs_panel_page;

/* A linked account, for "Create branch" (one choice each). */
typedef struct dvcs_panel_host {
	int64_t account_id;
	dvcs_host_kind host_kind;
	const char *site_url, *account;
} dvcs_panel_host;

/* The counts for issue_id: four queries. 0 or the store's error. */
int dvcs_panel_summary_get(db_conn *c, int64_t issue_id, dvcs_panel_summary *out);

/* "OPEN", "MERGED" or "DECLINED": the first of that order among the pull requests (connector.md),
 * NULL when there is none. */
const char *dvcs_panel_pull_badge(const dvcs_panel_summary *s);

/* One page (start >= 0, 0 < max <= DVCS_PANEL_PAGE_MAX, else WEFT_EINVALID) of kind for
 * issue_id, in a: one query. 0 or the store's error. */
int dvcs_panel_page_get(db_conn *c, arena *a, int64_t issue_id, dvcs_panel_kind kind, int64_t start,
                        int64_t max, dvcs_panel_page *out);

/* The accounts that are linked (consent given), oldest first, in a: one query. */
int dvcs_panel_hosts(db_conn *c, arena *a, dvcs_panel_host **out, size_t *n);

/* A pull request's stored reviewers as [{"name": …, "approved": bool}] (new reference); entries
 * without a name, or text that is not a JSON array, are left out. */
json_t *dvcs_panel_reviewers_json(const char *stored);

/* Links to the host (in a): the repository SITE/ACCOUNT/SLUG, a commit …/commits/HASH, a
 * branch …/branch/NAME, "Create pull request" …/pull-requests/new?source=NAME, and the
 * host's create-branch page SITE/branch/create?issueKey=…&issueType=…&issueSummary=…, every
 * part URL-encoded. */
const char *dvcs_panel_repo_url(arena *a, const dvcs_panel_repo *r);
const char *dvcs_panel_commit_url(arena *a, const dvcs_panel_repo *r, const char *hash);
const char *dvcs_panel_branch_url(arena *a, const dvcs_panel_repo *r, const char *branch);
const char *dvcs_panel_new_pull_url(arena *a, const dvcs_panel_repo *r, const char *branch);
const char *dvcs_panel_create_branch_url(arena *a, const char *site_url, const char *issue_key,
                                         const char *issue_type, const char *issue_summary);

/* The host's name as Jira shows it: "Bitbucket Cloud", or "weft hub". */
const char *dvcs_panel_host_name(dvcs_host_kind kind);

/* Every statement the panel runs for an issue, NULL-terminated: the four counts (binding $1, the
 * issue's id), then the four lists (also $2 the limit and $3 the offset). Exposed so that a test
 * pins their plans: each starts from issue_keys and reaches its rows by an index. */
extern const char *const dvcs_panel_statements[];

#endif
