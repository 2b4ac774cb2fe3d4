/* The commits API (Bitbucket's commit object, A.7) and what every history handler shares: the
 * request's repository opened with libgit2, the commits' authors as hub users, and the paths of
 * a repository. The routes in hub.c declare who may call each handler (HUB_PERM_REPO_READ or
 * _WRITE); handlers check nothing themselves. */
#ifndef WEFT_HUB_COMMIT_API_H
#define WEFT_HUB_COMMIT_API_H

#include <git2.h>
#include <jansson.h>

#include "hub/account/account.h"
#include "hub/browse/commit.h"
#include "hub/repo/repo.h"
#include "web/web.h"

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

/* GET and POST /2.0/repositories/{workspace}/{repo_slug}/commits[/{revision}]: include and
 * exclude (repeatable or comma-separated; from the form body for POST), path, page (opaque, as
 * next gives it) and pagelen. */
int hub_api_commits(web_request *req, web_response *res);
/* GET …/commit/{node}: one commit by full or short hash. */
int hub_api_commit(web_request *req, web_response *res);

#endif
