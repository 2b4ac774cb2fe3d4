/* The connector's admin REST API under /rest/bitbucket/1.0/, in the shape of Jira's DVCS
 * connector (dvcs_api.h lists the resources). Each request reads or changes in one transaction. */
#include "track/dvcs/dvcs_api.h"

#include <string.h>

#include "base/array.h"
#include "base/err.h"
#include "base/str.h"
#include "track/dvcs/account.h"
#include "track/dvcs/admin.h"
#include "track/dvcs/dvcs_web.h"

/* ---- the JSON ---- */

static const char *dvcs_type(dvcs_host_kind kind)
{
	return kind == DVCS_HOST_BITBUCKET ? "bitbucket" : "weft";
}

static json_t *sync_json(const dvcs_repo *r)
{
	json_t *j = json_pack(
	        "{s:b, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "finished",
	        !dvcs_admin_sync_busy(r), "state", r->sync_state, "full", r->sync_full,
	        "changesetCount", (json_int_t)r->sync_commits, "pullRequestActivityCount",
	        (json_int_t)r->sync_pulls, "jiraCount", (json_int_t)r->sync_issues,
	        "smartCommitErrors", (json_int_t)r->smart_error_count, "startTime",
	        (json_int_t)r->sync_started_at, "finishTime", (json_int_t)r->sync_finished_at);
	json_object_set_new(j, "error", r->sync_error ? json_string(r->sync_error) : json_null());
	return j;
}

static json_t *repo_json(arena *a, const dvcs_account *acc, const dvcs_repo *r)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:s, s:s, s:I, s:b, "
	                 "s:o}",
	                 "id", (json_int_t)r->id, "orgId", (json_int_t)r->account_id,
	                 "organizationId", (json_int_t)r->account_id, "dvcsType",
	                 dvcs_type(acc->host_kind), "name", r->name, "slug", r->slug, "linked",
	                 r->linked, "deleted", r->deleted, "smartcommitsEnabled", r->smart_commits,
	                 "repositoryUrl",
	                 arena_printf(a, "%s/%s/%s", acc->site_url, acc->account, r->slug),
	                 "orgName", acc->account, "orgHostUrl", acc->site_url, "lastActivityDate",
	                 (json_int_t)r->last_activity_at, "adminPermission",
	                 strcmp(r->hook_status, "no_admin") != 0, "sync", sync_json(r));
}

static json_t *org_json(const dvcs_account *acc, json_t *repos)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:s, s:o}", "id", (json_int_t)acc->id,
	                      "hostUrl", acc->site_url, "name", acc->account, "dvcsType",
	                      dvcs_type(acc->host_kind), "autolinkNewRepos", acc->auto_link,
	                      "smartcommitsOnNewRepos", acc->smart_commits, "status", acc->status,
	                      "repositories", repos);
	json_object_set_new(j, "error",
	                    acc->last_error ? json_string(acc->last_error) : json_null());
	return j;
}

/* ---- reading ---- */

typedef struct api_ctx {
	web_request *req;
	int64_t id;
	bool on, full;
	array accounts; /* dvcs_account */
	array repos; /* dvcs_repo */
	dvcs_account account;
	dvcs_repo repo;
} api_ctx;

static void keep_account(void *ctx, const dvcs_account *account)
{
	api_ctx *ac = ctx;
	*ARRAY_PUSH(ac->req->arena, &ac->accounts, dvcs_account) = *account;
}

static void keep_repo(void *ctx, const dvcs_repo *repo)
{
	api_ctx *ac = ctx;
	*ARRAY_PUSH(ac->req->arena, &ac->repos, dvcs_repo) = *repo;
}

/* Every account and repository (ac->id 0), or one account's. */
static int load_all(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	arena *a = ac->req->arena;
	int rc = ac->id ? dvcs_admin_account(c, a, ac->id, &ac->account)
	                : dvcs_account_list(c, a, keep_account, ac);
	if (rc == 0 && ac->id)
		*ARRAY_PUSH(a, &ac->accounts, dvcs_account) = ac->account;
	return rc < 0 ? rc : dvcs_repo_list(c, a, ac->id, keep_repo, ac);
}

/* The repositories of account (all accounts' when NULL). */
static json_t *repos_json(const api_ctx *ac, const dvcs_account *account)
{
	json_t *items = json_array();
	const dvcs_account *accs = ac->accounts.items;
	const dvcs_repo *r = ac->repos.items;
	for (size_t i = 0; i < ac->repos.n; i++)
		for (size_t k = 0; k < ac->accounts.n; k++)
			if (accs[k].id == r[i].account_id &&
			    (!account || account->id == accs[k].id))
				json_array_append_new(items,
				                      repo_json(ac->req->arena, &accs[k], &r[i]));
	return items;
}

int dvcs_api_repositories(web_request *req, web_response *res)
{
	api_ctx ac = { .req = req };
	int rc = db_read(track_app_of(req)->d, load_all, &ac);
	if (rc == 0)
		web_res_json(res, 200, json_pack("{s:o}", "repositories", repos_json(&ac, NULL)));
	return rc;
}

int dvcs_api_organizations(web_request *req, web_response *res)
{
	api_ctx ac = { .req = req };
	int rc = db_read(track_app_of(req)->d, load_all, &ac);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	const dvcs_account *accs = ac.accounts.items;
	for (size_t i = 0; i < ac.accounts.n; i++)
		json_array_append_new(items, org_json(&accs[i], repos_json(&ac, &accs[i])));
	web_res_json(res, 200, json_pack("{s:o}", "organizations", items));
	return 0;
}

int dvcs_api_organization(web_request *req, web_response *res)
{
	api_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_read(track_app_of(req)->d, load_all, &ac);
	if (rc == 0)
		web_res_json(res, 200, org_json(&ac.account, repos_json(&ac, &ac.account)));
	return rc;
}

static int load_repo(db_conn *c, api_ctx *ac)
{
	int rc = dvcs_admin_repo(c, ac->req->arena, ac->id, &ac->repo);
	return rc < 0 ? rc : dvcs_account_get(c, ac->req->arena, ac->repo.account_id, &ac->account);
}

static int read_repo(db_conn *c, void *ctx)
{
	return load_repo(c, ctx);
}

int dvcs_api_repository(web_request *req, web_response *res)
{
	api_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_read(track_app_of(req)->d, read_repo, &ac);
	if (rc == 0)
		web_res_json(res, 200, repo_json(req->arena, &ac.account, &ac.repo));
	return rc;
}

/* ---- changing ---- */

static int sync_repo(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	int rc = dvcs_admin_sync(c, ac->req->arena, ac->id, ac->full, &ac->repo);
	return rc < 0 ? rc : load_repo(c, ac);
}

static int sync(web_request *req, web_response *res, bool full)
{
	api_ctx ac = { .req = req, .id = dvcs_web_id(req), .full = full };
	int rc = db_tx(track_app_of(req)->d, sync_repo, &ac);
	if (rc == 0)
		web_res_json(res, 200, repo_json(req->arena, &ac.account, &ac.repo));
	return rc;
}

int dvcs_api_softsync(web_request *req, web_response *res)
{
	return sync(req, res, false);
}

int dvcs_api_fullsync(web_request *req, web_response *res)
{
	return sync(req, res, true);
}

/* Jira's SentData: {"payload": true|false}, the boolean as JSON or as the text Jira's page
 * sends. */
static int payload(const web_request *req, bool *out)
{
	json_t *p = json_is_object(req->json) ? json_object_get(req->json, "payload") : NULL;
	const char *text = json_string_value(p);
	if (json_is_boolean(p))
		*out = json_is_true(p);
	else if (text && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
		*out = strcmp(text, "true") == 0;
	else
		return err_fail(WEFT_EINVALID,
		                "The body must be {\"payload\": true} or {\"payload\": false}.");
	return 0;
}

static int set_linked(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	int rc = dvcs_admin_set_repo(c, ac->req->arena, ac->id, &ac->on, NULL, &ac->repo);
	return rc < 0 ? rc : load_repo(c, ac);
}

/* The webhook the connector installs on a linked repository (the sync's target). */
static const char *callback_url(const web_request *req, int64_t id)
{
	const char *base = track_app_of(req)->public_url;
	return arena_printf(req->arena, "%s/rest/bitbucket/1.0/repository/%lld/sync",
	                    base ? base : web_base_url(req), (long long)id);
}

int dvcs_api_autolink(web_request *req, web_response *res)
{
	api_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = payload(req, &ac.on);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, set_linked, &ac);
	if (rc < 0)
		return rc;
	web_res_json(res, 200,
	             json_pack("{s:o, s:s, s:b}", "repository",
	                       repo_json(req->arena, &ac.account, &ac.repo), "callBackUrl",
	                       callback_url(req, ac.id), "callBackUrlInstalled",
	                       strcmp(ac.repo.hook_status, "ok") == 0));
	return 0;
}

static int set_smarts(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	return dvcs_admin_set_repo(c, ac->req->arena, ac->id, NULL, &ac->on, &ac->repo);
}

/* Runs fn in a transaction once the payload is read; 204 when it succeeds. */
static int change(web_request *req, web_response *res, db_fn fn)
{
	api_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = payload(req, &ac.on);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, fn, &ac);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

int dvcs_api_smarts(web_request *req, web_response *res)
{
	return change(req, res, set_smarts);
}

static int set_org_autolink(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	int rc = dvcs_admin_account(c, ac->req->arena, ac->id, &ac->account);
	return rc < 0 ? rc
	              : dvcs_account_set_defaults(c, ac->id, ac->on, ac->account.smart_commits);
}

static int set_org_smarts(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	int rc = dvcs_admin_account(c, ac->req->arena, ac->id, &ac->account);
	return rc < 0 ? rc : dvcs_account_set_defaults(c, ac->id, ac->account.auto_link, ac->on);
}

int dvcs_api_org_autolink(web_request *req, web_response *res)
{
	return change(req, res, set_org_autolink);
}

int dvcs_api_org_smarts(web_request *req, web_response *res)
{
	return change(req, res, set_org_smarts);
}

static int refresh(db_conn *c, void *ctx)
{
	api_ctx *ac = ctx;
	return dvcs_admin_refresh(c, ac->req->arena, ac->id);
}

int dvcs_api_sync_repo_list(web_request *req, web_response *res)
{
	api_ctx ac = { .req = req, .id = dvcs_web_id(req) };
	int rc = db_tx(track_app_of(req)->d, refresh, &ac);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}
