/* The build statuses API (A.12): statuses of a commit that {node} names. */
#include <git2.h>
#include <string.h>

#include "base/err.h"
#include "hub/api.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/history.h"
#include "hub/hook/hook_api.h"
#include "hub/hook/status.h"
#include "hub/hub.h"

typedef struct status_ctx {
	web_request *req;
	hub_repo r;
	char hash[GIT_OID_HEXSZ + 1];
	hub_status_input in;
	hub_status status;
	bool created;
	json_t *out;
} status_ctx;

/* The route's repository and the full hash of the commit {node} names. */
static int load_commit(status_ctx *sc)
{
	git_repository *git = NULL;
	git_commit *commit = NULL;
	int rc = hub_history_open(sc->req, &sc->r, &git);
	if (rc == 0)
		rc = hub_git_resolve_commit(&commit, git, web_param(sc->req, "node"));
	if (rc == 0)
		git_oid_tostr(sc->hash, sizeof sc->hash, git_commit_id(commit));
	git_commit_free(commit);
	git_repository_free(git);
	return rc;
}

static int read_member(const json_t *body, const char *name, const char **out)
{
	const json_t *v = json_object_get(body, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return err_fail(WEFT_EINVALID, "%s: must be a string.", name);
	*out = json_string_value(v);
	return 0;
}

static int read_body(status_ctx *sc, const json_t *body)
{
	if (!json_is_object(body))
		return err_fail(WEFT_EINVALID, "The body must be a JSON object.");
	int rc = read_member(body, "key", &sc->in.key);
	if (rc == 0)
		rc = read_member(body, "state", &sc->in.state);
	if (rc == 0)
		rc = read_member(body, "name", &sc->in.name);
	if (rc == 0)
		rc = read_member(body, "description", &sc->in.description);
	if (rc == 0)
		rc = read_member(body, "url", &sc->in.url);
	if (rc == 0)
		rc = read_member(body, "refname", &sc->in.refname);
	return rc;
}

static json_t *status_json(status_ctx *sc, const hub_status *s)
{
	return hub_status_json(sc->req->arena, web_base_url(sc->req), &sc->r, s);
}

static int set_tx(db_conn *c, void *ctx)
{
	status_ctx *sc = ctx;
	const hub_viewer *v = hub_viewer_of(sc->req);
	int rc = hub_status_set(c, sc->req->arena, &sc->r, v ? v->user.id : 0, sc->hash, &sc->in,
	                        &sc->status, &sc->created);
	if (rc == 0)
		sc->out = status_json(sc, &sc->status);
	return rc;
}

int hub_api_status_create(web_request *req, web_response *res)
{
	status_ctx sc = { .req = req };
	int rc = read_body(&sc, req->json);
	if (rc == 0)
		rc = load_commit(&sc);
	if (rc == 0)
		rc = hub_api_run(&sc.out, req, set_tx, &sc, true);
	if (rc == 0)
		web_res_json(res, 201, sc.out);
	return rc;
}

static int get_tx(db_conn *c, void *ctx)
{
	status_ctx *sc = ctx;
	int rc = hub_status_get(c, sc->req->arena, sc->r.id, sc->hash, web_param(sc->req, "key"),
	                        &sc->status);
	if (rc == 0)
		sc->out = status_json(sc, &sc->status);
	return rc;
}

int hub_api_status(web_request *req, web_response *res)
{
	status_ctx sc = { .req = req };
	int rc = load_commit(&sc);
	if (rc == 0)
		rc = hub_api_run(&sc.out, req, get_tx, &sc, false);
	if (rc == 0)
		web_res_json(res, 200, sc.out);
	return rc;
}

static int update_tx(db_conn *c, void *ctx)
{
	status_ctx *sc = ctx;
	const hub_viewer *v = hub_viewer_of(sc->req);
	int rc = hub_status_update(c, sc->req->arena, &sc->r, v ? v->user.id : 0, sc->hash,
	                           web_param(sc->req, "key"), &sc->in, &sc->status);
	if (rc == 0)
		sc->out = status_json(sc, &sc->status);
	return rc;
}

int hub_api_status_update(web_request *req, web_response *res)
{
	status_ctx sc = { .req = req };
	int rc = read_body(&sc, req->json);
	if (rc == 0)
		rc = load_commit(&sc);
	if (rc == 0)
		rc = hub_api_run(&sc.out, req, update_tx, &sc, true);
	if (rc == 0)
		web_res_json(res, 200, sc.out);
	return rc;
}

static int list_tx(db_conn *c, void *ctx)
{
	status_ctx *sc = ctx;
	hub_status *items = NULL;
	size_t n = 0;
	int rc = hub_status_list(c, sc->req->arena, sc->r.id, sc->hash, &items, &n);
	sc->out = json_array();
	for (size_t i = 0; rc == 0 && i < n; i++)
		json_array_append_new(sc->out, status_json(sc, &items[i]));
	return rc;
}

int hub_api_statuses(web_request *req, web_response *res)
{
	status_ctx sc = { .req = req };
	int rc = load_commit(&sc);
	if (rc == 0)
		rc = hub_api_run(&sc.out, req, list_tx, &sc, false);
	if (rc < 0)
		return rc;
	static const char *const fields[] = { "key",        "name",    "state", "created_on",
		                              "updated_on", "refname", NULL };
	return hub_api_respond_list(req, res, sc.out, fields);
}
