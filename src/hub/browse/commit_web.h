/* The commits pages (a page of commits, one commit with its diff) and what the history pages
 * share: the repository header's object, times for people, escaped path segments. */
#ifndef WEFT_HUB_COMMIT_WEB_H
#define WEFT_HUB_COMMIT_WEB_H

#include <jansson.h>
#include <git2.h>
#include <stdint.h>

#include "base/arena.h"
#include "hub/repo/repo.h"
#include "web/web.h"

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

#endif
