/* What the pull request API and pages share: loading the route's pull request with the users it
 * names, its tips and diff spec, and Bitbucket's objects (the merge: pull_merge.h). */
#ifndef WEFT_HUB_PULL_PULL_VIEW_H
#define WEFT_HUB_PULL_PULL_VIEW_H

#include <git2.h>
#include <jansson.h>

#include "hub/account/account.h"
#include "hub/pull/pull.h"
#include "hub/pull/pull_git.h"
#include "hub/repo/repo.h"
#include "web/web.h"

/* A pull request as a handler shows it: the row, its participants with their users, and the
 * users it names (NULL for deleted ones). Everything in the request's arena. */
typedef struct hub_pull_view {
	hub_repo repo;
	hub_pull pull;
	hub_pull_participant *parts;
	size_t nparts;
	const hub_user **part_users;
	const hub_user *author;
	const hub_user *closed_by;
} hub_pull_view;

/* The users with these ids (0 or a deleted user: NULL), read in c's transaction, into an array
 * of a. */
int hub_pull_users(db_conn *c, arena *a, const int64_t *ids, size_t n, const hub_user ***out);

/* Fills v for pull p of repository r in c's transaction (participants and users). */
int hub_pull_view_fill(db_conn *c, arena *a, const hub_repo *r, const hub_pull *p,
                       hub_pull_view *v);

/* Calls fn with the view of each pull request f lists, in c's transaction: the API's lists and
 * the pages' share it. repo, when not NULL, is every row's repository (a list within one
 * repository); otherwise each row's own is read. */
int hub_pull_view_each(db_conn *c, arena *a, const hub_pull_filter *f, const hub_repo *repo,
                       void (*fn)(void *ctx, const hub_pull_view *v), void *ctx);

/* Loads the route's repository and the pull request its {pull_request_id} names, in one read.
 * WEFT_ENOTFOUND for a number that is not one. */
int hub_pull_view_load(web_request *req, hub_pull_view *v);

/* The tips to diff and merge: the branches' current tips while the pull request is open, the
 * recorded ones once it is closed. */
int hub_pull_view_tips(hub_pull_tips *out, git_repository *git, const hub_pull *p);

/* "SOURCE..DESTINATION" (hashes, Bitbucket's way round) for the diff against the merge base. */
const char *hub_pull_view_spec(web_request *req, const hub_pull_tips *t);

/* Limits f to the repositories the caller of req may read (anonymous: public ones only), so that
 * a list across repositories drops those the caller lost access to, in its one query. */
void hub_pull_view_readable(hub_pull_filter *f, const web_request *req);

/* Where the objects' links point: under the request's base URL (API answers), or, with req NULL,
 * under hub's configured public URL (webhook payloads, built outside any request). Strings in a. */
typedef struct hub_pull_out {
	arena *a;
	web_request *req;
} hub_pull_out;

#define HUB_PULL_OUT(request) (&(hub_pull_out){ (request)->arena, (request) })

/* {"href": base + path}, and the account object (null for NULL). */
json_t *hub_pull_href(const hub_pull_out *o, const char *path);
json_t *hub_pull_user_json(const hub_pull_out *o, const hub_user *u);

/* Bitbucket's pullrequest object (A.10). */
json_t *hub_pull_json(const hub_pull_out *o, const hub_pull_view *v);

/* Bitbucket's participant object. */
json_t *hub_pull_participant_json(const hub_pull_out *o, const hub_pull_participant *pp,
                                  const hub_user *u);

/* The pull request as comments and activity name it: {type, id, title, links}. */
json_t *hub_pull_ref_json(const hub_pull_out *o, const hub_pull_view *v);

/* Bitbucket's pullrequest_comment object. */
json_t *hub_pull_comment_json(const hub_pull_out *o, const hub_pull_view *v,
                              const hub_pull_comment *cm, const hub_user *u);

/* "/2.0/repositories/{ws}/{slug}/pullrequests/{id}" and the page's "/{ws}/{slug}/pull-requests/
 * {id}" (segments escaped), in a. */
const char *hub_pull_api_path(arena *a, const hub_repo *r, int64_t id);
const char *hub_pull_web_path(arena *a, const hub_repo *r, int64_t id);

/* Loads the participants and users of v again after a change (in the request's arena). */
int hub_pull_view_reload(web_request *req, hub_pull_view *v);

#endif
