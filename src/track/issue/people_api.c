/* Jira's watchers and votes (people_api.h). */
#include "track/issue/people_api.h"

#include "base/err.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/issue/issue.h"
#include "track/issue/people.h"
#include "track/jira.h"
#include "track/track.h"
#include "track/track_perm.h"

typedef struct people_ctx {
	web_request *req;
	const track_scope *scope;
	const track_user *viewer;
	track_people_kind kind;
	const json_t *who; /* the user a watcher change names; NULL: the caller */
	json_t *out;
} people_ctx;

static int run(web_request *req, web_response *res, track_people_kind kind, bool write, db_fn fn,
               const json_t *who)
{
	bool v3;
	const track_viewer *v = track_viewer_of(req);
	people_ctx ctx = { req, track_scope_of(req), v ? &v->user : NULL, kind, who, NULL };
	int rc = track_jira_version(req, &v3);
	if (rc == 0 && write)
		rc = db_tx(track_app_of(req)->d, fn, &ctx);
	else if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, fn, &ctx, &ctx.out);
	if (rc == 0 && write)
		web_res_text(res, 204, "");
	return rc;
}

static int list_tx(db_conn *c, void *p)
{
	people_ctx *ctx = p;
	web_request *req = ctx->req;
	track_user *users = NULL;
	size_t n = 0;
	int64_t count = 0;
	bool mine = false;
	int rc = track_people_list(c, req->arena, ctx->kind, ctx->scope->issue_id, &users, &n);
	if (rc == 0)
		rc = track_people_count(c, ctx->kind, ctx->scope->issue_id, ctx->viewer->id, &count,
		                        &mine);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, track_user_json(req, &users[i]));
	bool watchers = ctx->kind == TRACK_WATCHERS;
	ctx->out = json_pack("{s:s, s:b, s:I, s:o}", "self",
	                     track_jira_self(req, "issue/%s/%s", ctx->scope->issue_key,
	                                     watchers ? "watchers" : "votes"),
	                     watchers ? "isWatching" : "hasVoted", mine,
	                     watchers ? "watchCount" : "votes", (json_int_t)count,
	                     watchers ? "watchers" : "voters", list);
	return 0;
}

int track_api_watchers(web_request *req, web_response *res)
{
	return run(req, res, TRACK_WATCHERS, false, list_tx, NULL);
}

int track_api_votes(web_request *req, web_response *res)
{
	return run(req, res, TRACK_VOTERS, false, list_tx, NULL);
}

/* The watcher a change names: the caller, or another user whom only a project administrator
 * may add or remove and who must be able to browse the issue. */
static int watcher_of(db_conn *c, people_ctx *ctx, int64_t *out)
{
	const track_scope *s = ctx->scope;
	*out = ctx->viewer->id;
	if (!ctx->who)
		return 0;
	int rc = track_jira_user_ref(c, ctx->req->arena, ctx->who, out);
	if (rc == 0 && *out == 0)
		rc = err_fail(WEFT_EINVALID, "Name a user to watch the issue.");
	if (rc == 0 && !track_scope_author_or_admin(s, *out, ctx->viewer->id))
		return err_fail(WEFT_EPERM, "You do not have the permission to manage the watcher "
		                            "list.");
	track_user u;
	bool browse = false;
	if (rc == 0)
		rc = track_account_find_id(c, ctx->req->arena, *out, &u);
	if (rc == 0)
		rc = track_perm_check(c, &u, s->project_id, TRACK_PERM_BROWSE, &browse);
	if (rc == 0 && !browse)
		rc = err_fail(WEFT_EINVALID,
		              "The user '%s' does not have permission to view this "
		              "issue.",
		              u.username);
	return rc;
}

static int watcher_add_tx(db_conn *c, void *p)
{
	people_ctx *ctx = p;
	int64_t user = 0;
	int rc = watcher_of(c, ctx, &user);
	return rc == 0 ? track_people_add(c, TRACK_WATCHERS, ctx->scope->issue_id, user) : rc;
}

static int watcher_remove_tx(db_conn *c, void *p)
{
	people_ctx *ctx = p;
	int64_t user = 0;
	int rc = watcher_of(c, ctx, &user);
	return rc == 0 ? track_people_remove(c, TRACK_WATCHERS, ctx->scope->issue_id, user) : rc;
}

int track_api_watcher_add(web_request *req, web_response *res)
{
	/* jira.js sends the accountId unquoted: digits, which JSON reads as a number */
	const char *id =
	        json_is_integer(req->json) ? track_jira_id_text(req->arena, req->json) : NULL;
	json_t *who = id ? json_string(id) : json_incref(req->json);
	int rc = run(req, res, TRACK_WATCHERS, true, watcher_add_tx, who);
	json_decref(who);
	return rc;
}

int track_api_watcher_remove(web_request *req, web_response *res)
{
	const char *name = web_query(req, "accountId");
	if (!name)
		name = web_query(req, "username");
	json_t *who = name ? json_string(name) : NULL;
	int rc = run(req, res, TRACK_WATCHERS, true, watcher_remove_tx, who);
	json_decref(who);
	return rc;
}

static int vote_add_tx(db_conn *c, void *p)
{
	people_ctx *ctx = p;
	return track_issue_vote_add(c, ctx->req->arena, ctx->scope->issue_id, ctx->viewer->id);
}

static int vote_remove_tx(db_conn *c, void *p)
{
	people_ctx *ctx = p;
	return track_people_remove(c, TRACK_VOTERS, ctx->scope->issue_id, ctx->viewer->id);
}

int track_api_vote_add(web_request *req, web_response *res)
{
	return run(req, res, TRACK_VOTERS, true, vote_add_tx, NULL);
}

int track_api_vote_remove(web_request *req, web_response *res)
{
	return run(req, res, TRACK_VOTERS, true, vote_remove_tx, NULL);
}

/* fields.watches and fields.votes from the counts. */
static void people_fields_json(web_request *req, const char *key, int64_t watchers, bool watching,
                               int64_t voters, bool voted, json_t **watches, json_t **votes)
{
	*watches =
	        json_pack("{s:s, s:I, s:b}", "self", track_jira_self(req, "issue/%s/watchers", key),
	                  "watchCount", (json_int_t)watchers, "isWatching", watching);
	*votes = json_pack("{s:s, s:I, s:b}", "self", track_jira_self(req, "issue/%s/votes", key),
	                   "votes", (json_int_t)voters, "hasVoted", voted);
}

int track_api_people_fields(db_conn *c, web_request *req, int64_t issue_id, const char *key,
                            json_t **watches, json_t **votes)
{
	const track_viewer *v = track_viewer_of(req);
	int64_t watchers = 0, voters = 0;
	bool watching = false, voted = false;
	int64_t me = v ? v->user.id : 0;
	int rc = track_people_count(c, TRACK_WATCHERS, issue_id, me, &watchers, &watching);
	if (rc == 0)
		rc = track_people_count(c, TRACK_VOTERS, issue_id, me, &voters, &voted);
	if (rc < 0)
		return rc;
	people_fields_json(req, key, watchers, watching, voters, voted, watches, votes);
	return 0;
}

/* How many of pairs belong to issue_id, and whether me is one of them. */
static int64_t tally(const track_people_pair *pairs, size_t n, int64_t issue_id, int64_t me,
                     bool *is_one)
{
	int64_t count = 0;
	*is_one = false;
	for (size_t k = 0; k < n; k++) {
		if (pairs[k].issue_id != issue_id)
			continue;
		count++;
		*is_one = *is_one || (me && pairs[k].user_id == me);
	}
	return count;
}

void track_api_people_fields_of(web_request *req, int64_t issue_id, const char *key,
                                const track_people_pair *watchers, size_t nwatchers,
                                const track_people_pair *voters, size_t nvoters, json_t **watches,
                                json_t **votes)
{
	const track_viewer *v = track_viewer_of(req);
	int64_t me = v ? v->user.id : 0;
	bool watching, voted;
	int64_t nw = tally(watchers, nwatchers, issue_id, me, &watching);
	int64_t nv = tally(voters, nvoters, issue_id, me, &voted);
	people_fields_json(req, key, nw, watching, nv, voted, watches, votes);
}
