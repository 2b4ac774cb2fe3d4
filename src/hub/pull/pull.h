/* hub's pull requests: creating them between two branches of a repository, reading and listing
 * them, editing, reviews (approve, request changes), comments (general and inline), decline, the
 * record of a merge, the activity of each, and what a push to a source branch does to them.
 * Domain only: every function that writes runs inside the caller's transaction; the git side
 * (branches, merges) is pull_git.h. */
#ifndef WEFT_HUB_PULL_PULL_H
#define WEFT_HUB_PULL_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/git/push_update.h"

enum {
	PULL_TITLE_MAX = 255,
	PULL_DESCRIPTION_MAX = 64 * 1024,
	PULL_COMMENT_MAX = 32 * 1024,
	PULL_REASON_MAX = 2000,
	PULL_REVIEWERS_MAX = 50,
	PULL_LIST_MAX = 1000, /* pull requests one list reads */
	PULL_COMMENTS_MAX = 5000, /* comments one pull request shows */
};

/* The states a list may ask for, as a mask. */
enum {
	PULL_STATE_OPEN = 1 << 0,
	PULL_STATE_MERGED = 1 << 1,
	PULL_STATE_DECLINED = 1 << 2,
	PULL_STATE_SUPERSEDED = 1 << 3, /* Bitbucket's fourth state: nothing here is ever in it */
};

/* A pull request row. Strings in the arena of the reader. */
typedef struct hub_pull {
	int64_t row_id; /* the table's key */
	int64_t id; /* the number within its repository (Bitbucket's id) */
	int64_t repository_id;
	const char *title;
	const char *description;
	const char *state; /* "OPEN", "MERGED", "DECLINED" */
	const char *reason; /* why it was declined; "" */
	int64_t author_id; /* 0: deleted */
	int64_t closed_by_id; /* 0: open, or a deleted user */
	const char *source_branch;
	const char *source_hash; /* the tip when last seen (at creation, each push, the merge) */
	const char *destination_branch;
	const char *destination_hash;
	const char *merge_hash; /* NULL unless merged */
	bool close_source_branch;
	int64_t comment_count; /* comments not deleted */
	int64_t created_at; /* epoch ms */
	int64_t updated_at;
} hub_pull;

/* A participant: a reviewer, or someone who approved, asked for changes or commented. */
typedef struct hub_pull_participant {
	int64_t user_id;
	const char *role; /* "REVIEWER" or "PARTICIPANT" */
	const char *state; /* "approved", "changes_requested", or NULL */
	int64_t participated_on; /* epoch ms; 0 when never */
} hub_pull_participant;

/* A comment. */
typedef struct hub_pull_comment {
	int64_t id;
	int64_t pull_row_id;
	int64_t user_id;
	int64_t parent_id; /* 0: top level */
	const char *body; /* Markdown; "" once deleted */
	const char *inline_path; /* NULL for a general comment */
	int64_t inline_from; /* the old side's line; 0: none */
	int64_t inline_to; /* the new side's line; 0: none */
	const char *line_text; /* the text of that line when the comment was written */
	bool deleted;
	int64_t created_at;
	int64_t updated_at;
} hub_pull_comment;

/* An activity item (comments are listed from their own table). */
typedef struct hub_pull_event {
	int64_t id;
	const char *kind; /* "update", "push", "approval", "unapproval", "changes_requested",
	                     "changes_request_removed" */
	int64_t actor_id;
	const char *state; /* update: the state it left the pull request in */
	const char *reason;
	const char *old_hash; /* push: the tips before and after */
	const char *new_hash;
	int64_t created_at;
} hub_pull_event;

/* ---- rules ---- */

/* A title: 1 to PULL_TITLE_MAX bytes, no control characters. WEFT_EINVALID "title: …". */
int hub_pull_check_title(const char *title);

/* "OPEN" → PULL_STATE_OPEN, …; 0 for anything else (case-insensitive). */
int hub_pull_state_parse(const char *state);

/* ---- creating and reading ---- */

typedef struct hub_pull_new {
	const char *title;
	const char *description; /* NULL: "" */
	const char *source_branch;
	const char *source_hash;
	const char *destination_branch;
	const char *destination_hash;
	bool close_source_branch;
	const int64_t *reviewers; /* user ids; the author among them is left out */
	size_t nreviewers;
} hub_pull_new;

/* Creates a pull request in repository_id by author_id, with the next number of the repository
 * and an "update" activity. WEFT_EINVALID for a bad title or too many reviewers; WEFT_EEXISTS
 * ("There is already an open pull request …") when one is open for the same pair. */
int hub_pull_create(db_conn *c, arena *a, int64_t repository_id, int64_t author_id,
                    const hub_pull_new *n, hub_pull *out);

/* Pull request number id of repository_id. WEFT_ENOTFOUND when there is none. */
int hub_pull_get(db_conn *c, arena *a, int64_t repository_id, int64_t id, hub_pull *out);

/* The pull request whose table key is row_id. WEFT_ENOTFOUND when there is none. */
int hub_pull_get_row(db_conn *c, arena *a, int64_t row_id, hub_pull *out);

/* What a list asks for: one repository's, or one author's, or those user_id reviews (open
 * only); states is a mask of PULL_STATE_* (0: open). Newest update first; at most
 * PULL_LIST_MAX. With check_reader, only pull requests of repositories that reader_id may read
 * now (hub_perm's rule, in the query; 0: anonymous, public repositories only), unless
 * reader_is_admin (a site administrator reads all). */
typedef struct hub_pull_filter {
	int64_t repository_id; /* 0: any */
	int64_t author_id; /* 0: any */
	int64_t reviewer_id; /* 0: any */
	int states;
	bool check_reader;
	int64_t reader_id;
	bool reader_is_admin;
} hub_pull_filter;

int hub_pull_list(db_conn *c, arena *a, const hub_pull_filter *f, hub_pull **out, size_t *n);

/* The participants of p, reviewers first, then by when they took part. */
int hub_pull_participants(db_conn *c, arena *a, const hub_pull *p, hub_pull_participant **out,
                          size_t *n);

/* ---- changing ---- */

/* What hub_pull_update changes: NULL keeps a field; reviewers replace the list when set. */
typedef struct hub_pull_change {
	const char *title;
	const char *description;
	const char *destination_branch;
	const char *destination_hash; /* with destination_branch */
	const int64_t *reviewers;
	size_t nreviewers;
	bool set_reviewers;
} hub_pull_change;

/* Edits p (open only: WEFT_EINVALID otherwise) by actor_id, recording an "update" activity.
 * *p is the row afterwards. */
int hub_pull_update(db_conn *c, arena *a, hub_pull *p, int64_t actor_id, const hub_pull_change *ch);

typedef enum { PULL_REVIEW_APPROVE, PULL_REVIEW_CHANGES } hub_pull_review_kind;

/* Sets (on) or clears actor_id's approval or request for changes on p, making them a
 * participant. WEFT_EINVALID on one's own pull request ("You cannot approve your own pull
 * request.") or one that is not open. *out is the participant afterwards. Approving clears a
 * request for changes and the other way round. */
int hub_pull_review(db_conn *c, arena *a, const hub_pull *p, int64_t actor_id,
                    hub_pull_review_kind kind, bool on, hub_pull_participant *out);

/* Declines p (open only) by actor_id with reason ("" allowed; at most PULL_REASON_MAX). */
int hub_pull_decline(db_conn *c, arena *a, hub_pull *p, int64_t actor_id, const char *reason);

/* Records the merge of p by actor_id: state MERGED, the merge commit, the tips merged. */
int hub_pull_mark_merged(db_conn *c, arena *a, hub_pull *p, int64_t actor_id,
                         const char *merge_hash, const char *source_hash,
                         const char *destination_hash);

/* The conflicts recorded for p when its last check was made for tips ("SOURCE..DESTINATION"):
 * *found tells whether it was; *files (in a) is one file per line, "" for a clean merge. */
int hub_pull_merge_check_get(db_conn *c, arena *a, const hub_pull *p, const char *tips, bool *found,
                             const char **files);

/* Records the result of a conflict check of p for tips. */
int hub_pull_merge_check_set(db_conn *c, const hub_pull *p, const char *tips, const char *files);

/* ---- comments ---- */

typedef struct hub_pull_comment_new {
	const char *body;
	int64_t parent_id; /* 0: none; else a comment of the same pull request */
	const char *inline_path; /* NULL: general */
	int64_t inline_from;
	int64_t inline_to;
	const char *line_text;
} hub_pull_comment_new;

/* Adds a comment to p by user_id (a reply to an inline comment is inline on the same line).
 * WEFT_EINVALID for an empty or too long body, a parent of another pull request. */
int hub_pull_comment_add(db_conn *c, arena *a, const hub_pull *p, int64_t user_id,
                         const hub_pull_comment_new *n, hub_pull_comment *out);

/* Comment id of p. WEFT_ENOTFOUND when there is none. */
int hub_pull_comment_get(db_conn *c, arena *a, const hub_pull *p, int64_t id,
                         hub_pull_comment *out);

/* The comments of p, oldest first (at most PULL_COMMENTS_MAX). */
int hub_pull_comments(db_conn *c, arena *a, const hub_pull *p, hub_pull_comment **out, size_t *n);

/* Edits (body) or deletes (body NULL) comment cm by actor_id: its author, or anyone when
 * is_admin (the caller decides: repository administrators). WEFT_EPERM otherwise,
 * WEFT_EINVALID for a deleted comment. *cm is the row afterwards. */
int hub_pull_comment_change(db_conn *c, arena *a, hub_pull_comment *cm, int64_t actor_id,
                            bool is_admin, const char *body);

/* ---- activity ---- */

/* The activity of p, oldest first. */
int hub_pull_events(db_conn *c, arena *a, const hub_pull *p, hub_pull_event **out, size_t *n);

/* ---- pushes ---- */

/* The open pull requests of repository_id whose source is branch: row ids and their recorded
 * source tips, arrays in a. */
int hub_pull_open_from(db_conn *c, arena *a, int64_t repository_id, const char *branch,
                       int64_t **ids, const char ***hashes, size_t *n);

/* The source branch of the pull request with row row_id moved from old_hash to new_hash by
 * actor_id (0: unknown): new commits move its source_hash and add a "push" activity (approvals
 * stay); a hash of zeros (the branch deleted) declines it ("The source branch was deleted.").
 * In c's transaction; its event is the caller's (hub_pull_on_push). */
int hub_pull_source_moved(db_conn *c, int64_t row_id, int64_t actor_id, const char *old_hash,
                          const char *new_hash);

/* ---- settings ---- */

/* The repository's default merge strategy: "merge_commit" (the default), "squash" or
 * "fast_forward". */
int hub_pull_default_strategy(db_conn *c, arena *a, int64_t repository_id, const char **out);

/* Sets it; WEFT_EINVALID for another name. */
int hub_pull_set_default_strategy(db_conn *c, int64_t repository_id, const char *strategy);

/* Whether strategy is one of the three names. */
bool hub_pull_strategy_valid(const char *strategy);

#endif
