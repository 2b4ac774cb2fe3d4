/* Merging a pull request: on disk under the push lock, then recorded in one transaction. */
#include "hub/pull/pull_merge.h"

#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "hub/git/gitrepo.h"
#include "hub/git/push.h"
#include "hub/hub.h"
#include "hub/pull/pull_event.h"

typedef struct merge_ctx {
	web_request *req;
	hub_pull_view *v;
	const char *strategy;
	const char *merge_hash;
	hub_pull_tips tips;
	push_update updates[2];
	size_t nupdates;
} merge_ctx;

static int read_strategy(db_conn *c, void *ctx)
{
	merge_ctx *mc = ctx;
	return hub_pull_default_strategy(c, mc->req->arena, mc->v->repo.id, &mc->strategy);
}

static int record_merge(db_conn *c, void *ctx)
{
	merge_ctx *mc = ctx;
	web_request *req = mc->req;
	const hub_viewer *viewer = hub_viewer_of(req);
	int64_t actor = viewer ? viewer->user.id : 0;
	hub_pull p;
	int rc = hub_pull_get(c, req->arena, mc->v->repo.id, mc->v->pull.id, &p);
	if (rc == 0)
		rc = hub_pull_mark_merged(c, req->arena, &p, actor, mc->merge_hash,
		                          mc->tips.source_hex, mc->tips.destination_hex);
	if (rc == 0)
		rc = hub_push_record(c, mc->v->repo.id, actor, false, clock_now_ms(), mc->updates,
		                     mc->nupdates, NULL);
	if (rc == 0)
		rc = hub_pull_view_fill(c, req->arena, &mc->v->repo, &p, mc->v);
	if (rc == 0)
		rc = hub_pull_emit(c, req->arena, mc->v, actor, "fulfilled", NULL, NULL);
	return rc;
}

static const char *default_message(web_request *req, const hub_pull *p)
{
	return arena_printf(req->arena, "Merged in %s (pull request #%lld)\n\n%s\n",
	                    p->source_branch, (long long)p->id, p->title);
}

static int signature_of(git_signature **out, web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	const char *name = v && *v->user.display_name ? v->user.display_name : "weft";
	const char *email = v && v->user.email ? v->user.email : "weft@localhost";
	return git_signature_now(out, name, email) < 0
	               ? hub_git_fail(WEFT_EINVALID, "cannot sign the merge commit")
	               : 0;
}

/* The ref changes on disk, under the push lock: the merge commit, the destination moved, the
 * source deleted when asked. */
static int merge_on_disk(merge_ctx *mc, git_repository *git, hub_pull_strategy strategy,
                         const char *message, bool close_source)
{
	web_request *req = mc->req;
	const hub_pull *p = &mc->v->pull;
	git_signature *who = NULL;
	git_oid merged;
	bool deleted = false;
	int rc = signature_of(&who, req);
	if (rc == 0)
		rc = hub_pull_merge_commit(&merged, git, &mc->tips, strategy, message, who);
	if (rc == 0)
		rc = hub_pull_move_branch(git, p->destination_branch, &mc->tips.destination,
		                          &merged);
	git_signature_free(who);
	if (rc < 0)
		return rc;
	char *hex = arena_alloc(req->arena, GIT_OID_HEXSZ + 1);
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &merged);
	mc->merge_hash = hex;
	mc->updates[mc->nupdates++] =
	        (push_update){ arena_printf(req->arena, "refs/heads/%s", p->destination_branch),
		               mc->tips.destination_hex, hex };
	if (close_source &&
	    hub_pull_delete_branch(git, p->source_branch, &mc->tips.source, &deleted) == 0 &&
	    deleted)
		mc->updates[mc->nupdates++] =
		        (push_update){ arena_printf(req->arena, "refs/heads/%s", p->source_branch),
			               mc->tips.source_hex,
			               "0000000000000000000000000000000000000000" };
	return 0;
}

static int check_merge_request(const hub_pull_view *v, const hub_pull_merge_req *m)
{
	if (strcmp(v->pull.state, "OPEN") != 0)
		return err_fail(WEFT_EINVALID, "Pull request #%lld is %s: only an open one merges.",
		                (long long)v->pull.id, v->pull.state);
	if (m->strategy && hub_pull_strategy_parse(m->strategy) < 0)
		return err_fail(WEFT_EINVALID,
		                "merge_strategy: one of merge_commit, squash, fast_forward.");
	if (m->message && strlen(m->message) > PULL_MESSAGE_MAX)
		return err_fail(WEFT_EINVALID, "message: at most %d bytes.", PULL_MESSAGE_MAX);
	return 0;
}

int hub_pull_merge_run(web_request *req, hub_pull_view *v, const hub_pull_merge_req *m)
{
	merge_ctx mc = { .req = req, .v = v, .strategy = m->strategy };
	git_repository *git = NULL;
	int fd = -1;
	int rc = check_merge_request(v, m);
	if (rc == 0 && !mc.strategy)
		rc = db_read(hub_app_of(req)->d, read_strategy, &mc);
	if (rc == 0)
		rc = hub_git_open(
		        &git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &v->repo));
	if (rc == 0 && (fd = hub_push_lock(req->arena, hub_app_of(req)->repos_dir, &v->repo)) < 0)
		rc = fd;
	if (rc == 0)
		rc = hub_pull_tips_read(&mc.tips, git, v->pull.source_branch,
		                        v->pull.destination_branch);
	if (rc == 0)
		rc = merge_on_disk(
		        &mc, git, (hub_pull_strategy)hub_pull_strategy_parse(mc.strategy),
		        m->message && *m->message ? m->message : default_message(req, &v->pull),
		        m->close_source_branch < 0 ? v->pull.close_source_branch
		                                   : m->close_source_branch != 0);
	/* The refs moved: a failure to record is the reconcile job's to mend, as for pushes. */
	if (rc == 0 && (rc = db_tx(hub_app_of(req)->d, record_merge, &mc)) < 0)
		log_error("the merge of pull request #%lld of repository %lld is not recorded: %s",
		          (long long)v->pull.id, (long long)v->repo.id, err_msg());
	if (fd >= 0)
		close(fd);
	hub_git_close(git);
	return rc;
}
