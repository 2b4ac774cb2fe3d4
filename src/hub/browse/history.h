/* The history routes' handlers (commits, refs, diffs: API and pages) and what they share: the
 * request's repository opened with libgit2, and Bitbucket's commit object. The routes in hub.c
 * declare who may call each handler (HUB_PERM_REPO_READ or _WRITE); handlers check nothing
 * themselves. */
#ifndef WEFT_HUB_HISTORY_H
#define WEFT_HUB_HISTORY_H

#include <git2.h>
#include <jansson.h>

#include "hub/account/account.h"
#include "hub/browse/commit.h"
#include "hub/repo/repo.h"
#include "web/web.h"

/* ---- shared (commit_api.c) ---- */

/* Loads the route's repository (hub_request_repo) and opens it; free *git with
 * hub_git_close. */
int hub_history_open(web_request *req, hub_repo *r, git_repository **git);

/* The hub users whose confirmed email is each commit's author email, in one read of the
 * database: (*users)[i] is NULL for a commit whose author is nobody known. Arrays in the
 * request's arena. */
int hub_history_authors(web_request *req, const hub_commit *commits, size_t n,
                        const hub_user ***users);

/* "/2.0/repositories/{workspace}/{repo_slug}" (segments escaped), in the request's arena. */
const char *hub_history_api_path(web_request *req, const hub_repo *r);

/* "/{workspace}/{repo_slug}" for the pages, escaped likewise. */
const char *hub_history_web_path(web_request *req, const hub_repo *r);

/* Bitbucket's commit object (A.7); author_user may be NULL. */
json_t *hub_history_commit_json(web_request *req, const hub_repo *r, const hub_commit *c,
                                const hub_user *author_user);

/* ---- API (commit_api.c, ref_api.c, diff_api.c) ---- */

/* GET and POST /2.0/repositories/{workspace}/{repo_slug}/commits[/{revision}]: include and
 * exclude (repeatable or comma-separated; from the form body for POST), path, page (opaque, as
 * next gives it) and pagelen. */
int hub_api_commits(web_request *req, web_response *res);
/* GET …/commit/{node}: one commit by full or short hash. */
int hub_api_commit(web_request *req, web_response *res);

/* GET …/refs, …/refs/branches, …/refs/tags: q, sort, page, pagelen. */
int hub_api_refs(web_request *req, web_response *res);
int hub_api_branches(web_request *req, web_response *res);
int hub_api_tags(web_request *req, web_response *res);
/* GET …/refs/branches/{name} and …/refs/tags/{name}. */
int hub_api_branch(web_request *req, web_response *res);
int hub_api_tag(web_request *req, web_response *res);
/* POST …/refs/branches and …/refs/tags: {name, target: {hash}[, message]} → 201. */
int hub_api_branch_create(web_request *req, web_response *res);
int hub_api_tag_create(web_request *req, web_response *res);
/* DELETE …/refs/branches/{name} and …/refs/tags/{name} → 204. */
int hub_api_branch_delete(web_request *req, web_response *res);
int hub_api_tag_delete(web_request *req, web_response *res);

/* GET …/diff/{spec}: the raw diff (text/plain); …/patch/{spec}: the same as a mail-style patch
 * of a single commit; …/diffstat/{spec}: paginated diffstat objects; …/merge-base/{spec}: the
 * commit object of the best common ancestor of A..B. */
int hub_api_diff(web_request *req, web_response *res);
int hub_api_patch(web_request *req, web_response *res);
int hub_api_diffstat(web_request *req, web_response *res);
int hub_api_merge_base(web_request *req, web_response *res);

/* ---- pages (commit_web.c, ref_web.c) ---- */

/* The "repo" object of the repository pages' header (templates/hub/source_header.html). */
json_t *hub_history_repo_json(web_request *req, const hub_repo *r);

/* A time for people to read ("2026-11-28 16:05 UTC"), in the request's arena. */
const char *hub_history_time(web_request *req, int64_t epoch_s);

/* s escaped as one URL path segment, in the request's arena. */
const char *hub_history_segment(web_request *req, const char *s);

/* The diff of spec (hub_diff_resolve, topic: "A..B" against the merge base) as the commit page
 * shows it, into data: "files" (path, status, added, removed, hunks of lines with old / new
 * numbers; large files collapsed, the whole bounded), "file_count" and "truncated". For the
 * hub/diff_files template. */
int hub_history_diff_json(json_t *data, arena *a, git_repository *git, const char *spec);

/* /{workspace}/{repo_slug}/commits, …/commits/branch/{branch} (or ?branch=): a page of commits;
 * ?page= for older ones. */
int hub_commits_page(web_request *req, web_response *res);
/* /{workspace}/{repo_slug}/commits/{hash}: one commit with its message, parents and diff. */
int hub_commit_page(web_request *req, web_response *res);
/* /{workspace}/{repo_slug}/branches: branches with ahead / behind against the main branch, and
 * tags. */
int hub_branches_page(web_request *req, web_response *res);

#endif
