/* The pull request pages and their forms. */
#include "hub/pull/pull_web.h"

#include <ctype.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/form.h"
#include "hub/git/gitrepo.h"
#include "hub/browse/commit_api.h"
#include "hub/browse/commit_web.h"
#include "hub/browse/diff_api.h"
#include "hub/browse/ref_api.h"
#include "hub/browse/ref_web.h"
#include "hub/hook/status.h"
#include "hub/hub.h"
#include "hub/pull/pull_api.h"
#include "hub/pull/pull_merge.h"
#include "hub/pull/pull_view.h"
#include "hub/browse/ref.h"
#include "web/escape.h"
#include "web/markdown.h"

enum {
	PULL_PAGE_COMMITS = 100, /* commits the Commits tab shows */
};

static int64_t viewer_id(const web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	return v ? v->user.id : 0;
}

static const char *user_name(const hub_user *u)
{
	return u ? u->display_name : "a former user";
}

static const char *state_label(const char *state)
{
	return strcmp(state, "OPEN") == 0     ? "Open"
	       : strcmp(state, "MERGED") == 0 ? "Merged"
	                                      : "Declined";
}

/* ---- the list ---- */

static json_t *list_row(web_request *req, const hub_pull_view *v)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
	                 (json_int_t)v->pull.id, "title", v->pull.title, "href",
	                 hub_pull_web_path(req->arena, &v->repo, v->pull.id), "state",
	                 v->pull.state, "source", v->pull.source_branch, "destination",
	                 v->pull.destination_branch, "author", user_name(v->author), "updated",
	                 hub_history_time(req, v->pull.updated_at / 1000), "comment_count",
	                 (json_int_t)v->pull.comment_count);
}

typedef struct list_ctx {
	web_request *req;
	hub_pull_filter filter;
	const hub_repo *repo; /* NULL: each row's own */
	json_t *rows;
} list_ctx;

static void add_row(void *ctx, const hub_pull_view *v)
{
	list_ctx *lc = ctx;
	json_t *row = list_row(lc->req, v);
	json_object_set_new(row, "repo",
	                    json_string(arena_printf(lc->req->arena, "%s/%s",
	                                             v->repo.workspace_slug, v->repo.slug)));
	json_array_append_new(lc->rows, row);
}

static int list_rows(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	return hub_pull_view_each(c, lc->req->arena, &lc->filter, lc->repo, add_row, lc);
}

static json_t *state_tabs(int current)
{
	static const struct {
		const char *name, *label;
		int mask;
	} tabs[] = { { "OPEN", "Open", PULL_STATE_OPEN },
		     { "MERGED", "Merged", PULL_STATE_MERGED },
		     { "DECLINED", "Declined", PULL_STATE_DECLINED },
		     { "ALL", "All", PULL_STATE_OPEN | PULL_STATE_MERGED | PULL_STATE_DECLINED } };
	json_t *out = json_array();
	for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
		json_array_append_new(out,
		                      json_pack("{s:s, s:s, s:b}", "name", tabs[i].name, "label",
		                                tabs[i].label, "current", tabs[i].mask == current));
	return out;
}

int hub_pulls_page(web_request *req, web_response *res)
{
	hub_repo r;
	if (hub_repo_redirected(req, res))
		return 0;
	int rc = hub_request_repo(req, &r);
	if (rc < 0)
		return rc;
	const char *state = web_query(req, "state");
	int states = state && strcasecmp(state, "ALL") == 0
	                     ? PULL_STATE_OPEN | PULL_STATE_MERGED | PULL_STATE_DECLINED
	                     : hub_pull_state_parse(state);
	if (!states)
		states = PULL_STATE_OPEN;
	list_ctx lc = { req, { .repository_id = r.id, .states = states }, &r, json_array() };
	rc = db_read(hub_app_of(req)->d, list_rows, &lc);
	if (rc < 0) {
		json_decref(lc.rows);
		return rc;
	}
	json_t *data = json_pack(
	        "{s:o, s:o, s:b, s:o, s:b, s:s}", "repo", hub_history_repo_json(req, &r), "pulls",
	        lc.rows, "has_pulls", json_array_size(lc.rows) > 0, "states", state_tabs(states),
	        "can_create", hub_viewer_of(req) != NULL, "new_href",
	        arena_printf(req->arena, "%s/pull-requests/new", hub_history_web_path(req, &r)));
	return hub_page(req, res, 200, "hub/pull_list",
	                arena_printf(req->arena, "Pull requests · %s", r.name), data);
}

/* ---- the create form ---- */

static json_t *branch_options(web_request *req, git_repository *git, const char *source,
                              const char *destination)
{
	hub_ref *refs = NULL;
	size_t n = 0;
	json_t *out = json_array();
	if (hub_ref_list(&refs, &n, req->arena, git, HUB_REF_BRANCH) < 0)
		return out;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		        out, json_pack("{s:s, s:b, s:b}", "name", refs[i].name, "is_source",
		                       source && strcmp(refs[i].name, source) == 0,
		                       "is_destination", strcmp(refs[i].name, destination) == 0));
	return out;
}

static int new_form(web_request *req, web_response *res, int status, const hub_repo *r,
                    const char *error)
{
	git_repository *git = NULL;
	const char *source = hub_form_text(req, "source");
	const char *destination = hub_form_text(req, "destination");
	if (!*source)
		source = web_query(req, "source");
	if (!*destination)
		destination = web_query(req, "destination");
	if (!destination || !*destination)
		destination = r->mainbranch;
	int rc = hub_git_open(&git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, r));
	if (rc < 0)
		return rc;
	json_t *branches = branch_options(req, git, source, destination);
	hub_git_close(git);
	json_t *data = json_pack(
	        "{s:o, s:o, s:b, s:s, s:s?, s:{s:s, s:s, s:s, s:b}}", "repo",
	        hub_history_repo_json(req, r), "branches", branches, "has_branches",
	        json_array_size(branches) > 0, "action",
	        arena_printf(req->arena, "%s/pull-requests/new", hub_history_web_path(req, r)),
	        "error", error, "form", "title", hub_form_text(req, "title"), "description",
	        hub_form_text(req, "description"), "reviewers", hub_form_text(req, "reviewers"),
	        "close_source_branch", hub_form_checked(req, "close_source_branch"));
	return hub_page(req, res, status, "hub/pull_new",
	                arena_printf(req->arena, "Create a pull request · %s", r->name), data);
}

int hub_pull_new_page(web_request *req, web_response *res)
{
	hub_repo r;
	int rc = hub_request_repo(req, &r);
	return rc < 0 ? rc : new_form(req, res, 200, &r, NULL);
}

/* The title a pull request gets when none was typed: the single commit's summary, else the
 * branch name made readable ("feature/new-login" → "Feature/new login"). */
static const char *default_title(web_request *req, const hub_repo *r, const char *source,
                                 const char *destination)
{
	git_repository *git = NULL;
	hub_pull_tips t;
	size_t ahead = 0, behind = 0;
	const char *title = NULL;
	if (hub_git_open(&git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, r)) == 0 &&
	    hub_pull_tips_read(&t, git, source, destination) == 0 &&
	    git_graph_ahead_behind(&ahead, &behind, git, &t.source, &t.destination) == 0 &&
	    ahead == 1) {
		hub_commit c;
		if (hub_commit_get(&c, req->arena, git, t.source_hex) == 0)
			title = c.summary;
	}
	hub_git_close(git);
	if (title && *title)
		return title;
	char *copy = arena_strdup(req->arena, source);
	for (char *p = copy; *p; p++)
		if (*p == '-' || *p == '_')
			*p = ' ';
	copy[0] = (char)toupper((unsigned char)copy[0]);
	return copy;
}

/* "alice, bob carol" → [{"username": "alice"}, …]. */
static json_t *reviewer_list(const char *text)
{
	json_t *out = json_array();
	const char *p = text;
	while (*p) {
		p += strspn(p, ", \t");
		size_t len = strcspn(p, ", \t");
		if (len)
			json_array_append_new(out, json_pack("{s:s%}", "username", p, len));
		p += len;
	}
	return out;
}

int hub_pull_new_submit(web_request *req, web_response *res)
{
	hub_repo r;
	hub_pull_view v;
	int rc = hub_request_repo(req, &r);
	if (rc < 0)
		return rc;
	const char *source = hub_form_text(req, "source");
	const char *destination = hub_form_text(req, "destination");
	const char *title = hub_form_text(req, "title");
	if (!*source || !*destination)
		return new_form(req, res, 400, &r, "Choose the source and destination branches.");
	hub_pull_new n = { .title = *title ? title : default_title(req, &r, source, destination),
		           .description = hub_form_text(req, "description"),
		           .source_branch = source,
		           .destination_branch = destination,
		           .close_source_branch = hub_form_checked(req, "close_source_branch") };
	json_t *reviewers = reviewer_list(hub_form_text(req, "reviewers"));
	rc = hub_pull_create_checked(req, &r, &n, reviewers, &v);
	json_decref(reviewers);
	if (hub_form_refusal(rc))
		return new_form(req, res, rc == WEFT_EEXISTS ? 409 : 400, &r, err_msg());
	if (rc < 0)
		return rc;
	return hub_form_redirect(req, res, hub_pull_web_path(req->arena, &r, v.pull.id));
}

/* ---- one pull request ---- */

static json_t *person_json(const hub_pull_participant *pp, const hub_user *u)
{
	return json_pack("{s:s, s:b, s:b}", "name", user_name(u), "approved",
	                 pp->state && strcmp(pp->state, "approved") == 0, "changes",
	                 pp->state && strcmp(pp->state, "changes_requested") == 0);
}

static void add_people(json_t *pull, const hub_pull_view *v, int64_t viewer)
{
	json_t *reviewers = json_array(), *others = json_array();
	bool approved = false, changes = false;
	for (size_t i = 0; i < v->nparts; i++) {
		const hub_pull_participant *pp = &v->parts[i];
		bool reviewer = strcmp(pp->role, "REVIEWER") == 0;
		if (reviewer || pp->state)
			json_array_append_new(reviewer ? reviewers : others,
			                      person_json(pp, v->part_users[i]));
		if (pp->user_id == viewer && pp->state) {
			approved = strcmp(pp->state, "approved") == 0;
			changes = !approved;
		}
	}
	json_object_set_new(pull, "has_others", json_boolean(json_array_size(others) > 0));
	json_object_set_new(pull, "reviewers", reviewers);
	json_object_set_new(pull, "others", others);
	json_object_set_new(pull, "viewer_approved", json_boolean(approved));
	json_object_set_new(pull, "viewer_changes", json_boolean(changes));
}

static json_t *strategy_options(const char *selected)
{
	static const char *const names[] = { "merge_commit", "squash", "fast_forward" };
	static const char *const labels[] = { "Merge commit", "Squash", "Fast forward" };
	json_t *out = json_array();
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "name", names[i], "label",
		                                     labels[i], "selected",
		                                     strcmp(names[i], selected) == 0));
	return out;
}

/* What the header needs beyond the row: the conflicts a merge would meet (open only) and the
 * repository's default strategy. */
typedef struct header_extra {
	web_request *req;
	const hub_pull_view *v;
	const char *source_hash;
	const char **conflicts;
	size_t nconflicts;
	const char *strategy;
	hub_status *statuses; /* of the source tip */
	size_t nstatuses;
	const char *tips; /* "SOURCE..DESTINATION" of the conflict check */
	bool checked; /* the record of the check was for these tips */
	const char *check; /* its files, one per line */
} header_extra;

static int read_extras(db_conn *c, void *ctx)
{
	header_extra *x = ctx;
	arena *a = x->req->arena;
	int rc = hub_pull_default_strategy(c, a, x->v->repo.id, &x->strategy);
	if (rc == 0)
		rc = hub_status_list(c, a, x->v->repo.id, x->source_hash, &x->statuses,
		                     &x->nstatuses);
	if (rc == 0)
		rc = hub_pull_merge_check_get(c, a, &x->v->pull, x->tips, &x->checked, &x->check);
	return rc;
}

static int store_check(db_conn *c, void *ctx)
{
	header_extra *x = ctx;
	return hub_pull_merge_check_set(c, &x->v->pull, x->tips, x->check);
}

/* The files of a recorded check, one per line, as a list in a. */
static void split_check(header_extra *x, arena *a)
{
	size_t n = 0;
	for (const char *p = x->check; *p; p++)
		n += *p == '\n';
	x->conflicts = arena_array(a, n ? n : 1, sizeof *x->conflicts);
	x->nconflicts = 0;
	for (const char *p = x->check; *p;) {
		size_t len = strcspn(p, "\n");
		x->conflicts[x->nconflicts++] = arena_strndup(a, p, len);
		p += len + (p[len] == '\n');
	}
}

/* Checks the merge with libgit2 (costly on large pull requests) only when the tips moved since
 * the last check, and records the result. */
static int check_conflicts(web_request *req, git_repository *git, const hub_pull_tips *t,
                           header_extra *x)
{
	if (x->checked) {
		split_check(x, req->arena);
		return 0;
	}
	int rc = hub_pull_conflicts(&x->conflicts, &x->nconflicts, req->arena, git, t);
	if (rc < 0)
		return rc;
	buf files = BUF_INIT;
	for (size_t i = 0; i < x->nconflicts; i++) {
		buf_puts(&files, x->conflicts[i]);
		buf_putc(&files, '\n');
	}
	x->check = arena_strdup(req->arena, buf_cstr(&files));
	buf_dispose(&files);
	return db_tx(hub_app_of(req)->d, store_check, x);
}

static int header_extras(web_request *req, const hub_pull_view *v, git_repository *git,
                         const hub_pull_tips *t, header_extra *out)
{
	out->req = req;
	out->v = v;
	out->source_hash = t->source_hex;
	out->tips = hub_pull_view_spec(req, t);
	int rc = db_read(hub_app_of(req)->d, read_extras, out);
	if (rc == 0 && strcmp(v->pull.state, "OPEN") == 0)
		rc = check_conflicts(req, git, t, out);
	return rc;
}

static json_t *pull_page_json(web_request *req, const hub_pull_view *v, const header_extra *x)
{
	const hub_pull *p = &v->pull;
	int64_t viewer = viewer_id(req);
	bool open = strcmp(p->state, "OPEN") == 0;
	hub_level level = hub_scope_of(req)->level;
	bool may_change = viewer && (viewer == p->author_id || level >= HUB_LEVEL_WRITE);
	const char *href = hub_pull_web_path(req->arena, &v->repo, p->id);
	json_t *conflicts = json_array();
	for (size_t i = 0; i < x->nconflicts; i++)
		json_array_append_new(conflicts, json_string(x->conflicts[i]));
	json_t *pull = json_pack(
	        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:b, s:b, s:b, s:b}",
	        "id", (json_int_t)p->id, "title", p->title, "state", p->state, "state_class",
	        state_label(p->state), "author", user_name(v->author), "source", p->source_branch,
	        "destination", p->destination_branch, "href", href, "description_html",
	        *p->description
	                ? web_markdown_html(req->arena, p->description, strlen(p->description))
	                : "",
	        "is_open", open, "conflicts", conflicts, "has_conflicts", x->nconflicts > 0,
	        "can_review", viewer && viewer != p->author_id, "can_merge",
	        level >= HUB_LEVEL_WRITE, "can_decline", may_change, "close_source_branch",
	        p->close_source_branch);
	json_object_set_new(pull, "reason", json_string(p->reason));
	json_object_set_new(pull, "description", json_string(p->description));
	json_object_set_new(pull, "can_edit", json_boolean(may_change));
	if (p->merge_hash) {
		json_object_set_new(pull, "merge_hash", json_string(p->merge_hash));
		json_object_set_new(pull, "merge_href",
		                    json_string(arena_printf(req->arena, "%s/commits/%s",
		                                             hub_history_web_path(req, &v->repo),
		                                             p->merge_hash)));
	}
	json_object_set_new(pull, "strategies", strategy_options(x->strategy));
	json_object_set_new(
	        pull, "merge_message",
	        json_string(arena_printf(req->arena, "Merged in %s (pull request #%lld)\n\n%s",
	                                 p->source_branch, (long long)p->id, p->title)));
	json_t *statuses = json_array();
	for (size_t i = 0; i < x->nstatuses; i++)
		json_array_append_new(statuses,
		                      json_pack("{s:s, s:s}", "name",
		                                x->statuses[i].name && *x->statuses[i].name
		                                        ? x->statuses[i].name
		                                        : x->statuses[i].key,
		                                "state", x->statuses[i].state));
	json_object_set_new(pull, "statuses", statuses);
	add_people(pull, v, viewer);
	return pull;
}

/* The data every tab starts with; *git and *t are the repository and tips for the tab. */
static int page_base(web_request *req, hub_pull_view *v, git_repository **git, hub_pull_tips *t,
                     json_t **out, const char *tab)
{
	header_extra x = { 0 };
	int rc = hub_pull_view_load(req, v);
	if (rc == 0)
		rc = hub_git_open(
		        git, hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &v->repo));
	if (rc == 0)
		rc = hub_pull_view_tips(t, *git, &v->pull);
	if (rc == 0)
		rc = header_extras(req, v, *git, t, &x);
	if (rc < 0)
		return rc;
	json_t *pull = pull_page_json(req, v, &x);
	json_object_set_new(pull, tab, json_true());
	*out = json_pack("{s:o, s:o, s:b, s:s, s:s?}", "repo", hub_history_repo_json(req, &v->repo),
	                 "pull", pull, "signed_in", hub_viewer_of(req) != NULL, "pull_href",
	                 hub_pull_web_path(req->arena, &v->repo, v->pull.id), "error",
	                 web_query(req, "error"));
	return 0;
}

static const char *page_title(web_request *req, const hub_pull_view *v)
{
	return arena_printf(req->arena, "%s · Pull request #%lld · %s", v->pull.title,
	                    (long long)v->pull.id, v->repo.name);
}

/* ---- comments and activity as the pages show them ---- */

typedef struct thread_ctx {
	web_request *req;
	hub_pull_view *v;
	hub_pull_comment *comments;
	size_t ncomments;
	const hub_user **comment_users;
	hub_pull_event *events;
	size_t nevents;
	const hub_user **event_users;
} thread_ctx;

static int load_thread(db_conn *c, void *ctx)
{
	thread_ctx *tc = ctx;
	arena *a = tc->req->arena;
	int rc = hub_pull_comments(c, a, &tc->v->pull, &tc->comments, &tc->ncomments);
	if (rc == 0)
		rc = hub_pull_events(c, a, &tc->v->pull, &tc->events, &tc->nevents);
	int64_t *ids = arena_array(a, tc->ncomments + tc->nevents + 1, sizeof *ids);
	for (size_t i = 0; i < tc->ncomments; i++)
		ids[i] = tc->comments[i].user_id;
	for (size_t i = 0; i < tc->nevents; i++)
		ids[tc->ncomments + i] = tc->events[i].actor_id;
	const hub_user **users = NULL;
	if (rc == 0)
		rc = hub_pull_users(c, a, ids, tc->ncomments + tc->nevents, &users);
	if (rc == 0) {
		tc->comment_users = users;
		tc->event_users = users + tc->ncomments;
	}
	return rc;
}

static json_t *comment_view(web_request *req, const hub_pull_comment *cm, const hub_user *u,
                            bool outdated)
{
	bool mine = viewer_id(req) && cm->user_id == viewer_id(req);
	bool admin = hub_scope_of(req)->level >= HUB_LEVEL_ADMIN;
	const char *where = NULL;
	if (cm->inline_path)
		where = arena_printf(req->arena, "%s line %lld%s", cm->inline_path,
		                     (long long)(cm->inline_to ? cm->inline_to : cm->inline_from),
		                     cm->inline_to ? "" : " (old)");
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s?}", "id",
	                 (json_int_t)cm->id, "author", user_name(u), "date",
	                 hub_history_time(req, cm->created_at / 1000), "raw", cm->body, "html",
	                 web_markdown_html(req->arena, cm->body, strlen(cm->body)), "deleted",
	                 cm->deleted, "edited", cm->updated_at != cm->created_at && !cm->deleted,
	                 "can_edit", mine || admin, "outdated", outdated, "where", where);
}

static const char *event_text(web_request *req, const hub_pull_event *e, const hub_user *u)
{
	const char *who = u ? u->display_name : "Someone";
	if (strcmp(e->kind, "push") == 0)
		return arena_printf(req->arena, "%s pushed new commits (now at %.12s).", who,
		                    e->new_hash ? e->new_hash : "");
	if (strcmp(e->kind, "approval") == 0)
		return arena_printf(req->arena, "%s approved.", who);
	if (strcmp(e->kind, "unapproval") == 0)
		return arena_printf(req->arena, "%s removed their approval.", who);
	if (strcmp(e->kind, "changes_requested") == 0)
		return arena_printf(req->arena, "%s requested changes.", who);
	if (strcmp(e->kind, "changes_request_removed") == 0)
		return arena_printf(req->arena, "%s removed their request for changes.", who);
	const char *state = e->state ? e->state : "OPEN";
	if (strcmp(state, "MERGED") == 0)
		return arena_printf(req->arena, "%s merged the pull request.", who);
	if (strcmp(state, "DECLINED") == 0)
		return arena_printf(req->arena, "%s declined the pull request%s%s", who,
		                    e->reason && *e->reason ? ": " : ".",
		                    e->reason && *e->reason ? e->reason : "");
	return arena_printf(req->arena, "%s updated the pull request.", who);
}

/* Comments and events merged by time, oldest first. */
static json_t *activity_json(web_request *req, const thread_ctx *tc)
{
	json_t *out = json_array();
	size_t i = 0, j = 0;
	while (i < tc->ncomments || j < tc->nevents) {
		bool comment = j == tc->nevents ||
		               (i < tc->ncomments &&
		                tc->comments[i].created_at <= tc->events[j].created_at);
		if (comment) {
			json_array_append_new(out,
			                      json_pack("{s:o}", "comment",
			                                comment_view(req, &tc->comments[i],
			                                             tc->comment_users[i], false)));
			i++;
		} else {
			const hub_pull_event *e = &tc->events[j];
			json_array_append_new(
			        out, json_pack("{s:{s:s, s:s}}", "event", "text",
			                       event_text(req, e, tc->event_users[j]), "date",
			                       hub_history_time(req, e->created_at / 1000)));
			j++;
		}
	}
	return out;
}

int hub_pull_page(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_tips t;
	git_repository *git = NULL;
	json_t *data = NULL;
	if (hub_repo_redirected(req, res))
		return 0;
	int rc = page_base(req, &v, &git, &t, &data, "tab_overview");
	hub_git_close(git);
	thread_ctx tc = { .req = req, .v = &v };
	if (rc == 0)
		rc = db_read(hub_app_of(req)->d, load_thread, &tc);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	json_object_set_new(data, "activity", activity_json(req, &tc));
	return hub_page(req, res, 200, "hub/pull", page_title(req, &v), data);
}

int hub_pull_commits_page(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_tips t;
	git_repository *git = NULL;
	json_t *data = NULL;
	hub_log_page log = { 0 };
	int rc = page_base(req, &v, &git, &t, &data, "tab_commits");
	const char *include[1] = { t.source_hex }, *exclude[1] = { t.destination_hex };
	hub_log_query q = { .include = include,
		            .ninclude = 1,
		            .exclude = exclude,
		            .nexclude = 1,
		            .limit = PULL_PAGE_COMMITS };
	if (rc == 0)
		rc = hub_commit_log(&log, req->arena, git, &q);
	hub_git_close(git);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	const char *base = hub_history_web_path(req, &v.repo);
	json_t *commits = json_array();
	for (size_t i = 0; i < log.count; i++) {
		const hub_commit *c = &log.commits[i];
		json_array_append_new(
		        commits,
		        json_pack("{s:s, s:s%, s:s, s:s, s:s, s:s}", "hash", c->hash, "short",
		                  c->hash, (size_t)12, "summary", c->summary, "author",
		                  c->author_name, "date", hub_history_time(req, c->author_time),
		                  "href",
		                  arena_printf(req->arena, "%s/commits/%s", base, c->hash)));
	}
	json_object_set_new(data, "commits", commits);
	json_object_set_new(data, "more", json_boolean(log.has_more));
	json_object_set_new(data, "shown", json_integer(PULL_PAGE_COMMITS));
	return hub_page(req, res, 200, "hub/pull_commits", page_title(req, &v), data);
}

/* ---- the diff with inline comments ---- */

static json_t *find_file(json_t *files, const char *path)
{
	for (size_t i = 0; i < json_array_size(files); i++) {
		json_t *f = json_array_get(files, i);
		if (strcmp(json_string_value(json_object_get(f, "path")), path) == 0)
			return f;
	}
	return NULL;
}

/* The diff line a comment sits on, when that line still reads as it did. */
static json_t *find_line(json_t *file, const hub_pull_comment *cm)
{
	const char *side = cm->inline_to ? "new" : "old";
	int64_t number = cm->inline_to ? cm->inline_to : cm->inline_from;
	json_t *hunks = json_object_get(file, "hunks");
	for (size_t h = 0; h < json_array_size(hunks); h++) {
		json_t *lines = json_object_get(json_array_get(hunks, h), "lines");
		for (size_t i = 0; i < json_array_size(lines); i++) {
			json_t *line = json_array_get(lines, i);
			if (json_integer_value(json_object_get(line, side)) != number)
				continue;
			const char *text = json_string_value(json_object_get(line, "text"));
			return !cm->line_text || strcmp(cm->line_text, text) == 0 ? line : NULL;
		}
	}
	return NULL;
}

static void place_comments(web_request *req, json_t *data, const thread_ctx *tc)
{
	json_t *files = json_object_get(data, "files"), *outdated = json_array();
	for (size_t i = 0; i < tc->ncomments; i++) {
		const hub_pull_comment *cm = &tc->comments[i];
		if (!cm->inline_path)
			continue;
		json_t *file = find_file(files, cm->inline_path);
		json_t *line = file ? find_line(file, cm) : NULL;
		json_t *view = comment_view(req, cm, tc->comment_users[i], line == NULL);
		if (!line) {
			json_array_append_new(outdated, view);
			continue;
		}
		json_t *list = json_object_get(line, "line_comments");
		if (!list) {
			list = json_array();
			json_object_set_new(line, "line_comments", list);
		}
		json_array_append_new(list, view);
	}
	json_object_set_new(data, "has_outdated", json_boolean(json_array_size(outdated) > 0));
	json_object_set_new(data, "outdated", outdated);
}

int hub_pull_diff_page(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_tips t;
	git_repository *git = NULL;
	json_t *data = NULL;
	int rc = page_base(req, &v, &git, &t, &data, "tab_diff");
	if (rc == 0)
		rc = hub_history_diff_json(data, req->arena, git, hub_pull_view_spec(req, &t));
	hub_git_close(git);
	thread_ctx tc = { .req = req, .v = &v };
	if (rc == 0)
		rc = db_read(hub_app_of(req)->d, load_thread, &tc);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	place_comments(req, data, &tc);
	json_object_set_new(data, "can_comment", json_boolean(hub_viewer_of(req) != NULL));
	return hub_page(req, res, 200, "hub/pull_diff", page_title(req, &v), data);
}

/* ---- forms ---- */

/* Back to the pull request's page (or tab), with a refusal's message to show. */
static int back(web_request *req, web_response *res, const hub_pull_view *v, int rc,
                const char *tab)
{
	const char *href = hub_pull_web_path(req->arena, &v->repo, v->pull.id);
	if (tab)
		href = arena_printf(req->arena, "%s/%s", href, tab);
	if (hub_form_refusal(rc)) {
		buf q = BUF_INIT;
		buf_puts(&q, href);
		buf_puts(&q, "?error=");
		esc_url_query(&q, err_msg(), strlen(err_msg()));
		href = arena_strdup(req->arena, buf_cstr(&q));
		buf_dispose(&q);
		rc = 0;
	}
	return rc < 0 ? rc : hub_form_redirect(req, res, href);
}

static int64_t form_int(web_request *req, const char *name)
{
	int64_t n = 0;
	const char *v = hub_form_text(req, name);
	return *v && str_to_i64(&n, v, 1, INT64_MAX / 2, name) == 0 ? n : 0;
}

int hub_pull_comment_submit(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_comment cm;
	const hub_user *user = NULL;
	int rc = hub_pull_view_load(req, &v);
	if (rc < 0)
		return rc;
	const char *path = hub_form_text(req, "path");
	int64_t line = form_int(req, "line");
	bool old_side = strcmp(hub_form_text(req, "side"), "old") == 0;
	hub_pull_comment_new n = { .body = hub_form_text(req, "text"),
		                   .parent_id = form_int(req, "parent"),
		                   .inline_path = *path ? path : NULL,
		                   .inline_from = *path && old_side ? line : 0,
		                   .inline_to = *path && !old_side ? line : 0 };
	rc = hub_pull_comment_post(req, &v, &n, &cm, &user);
	return back(req, res, &v, rc, cm.inline_path && rc == 0 ? "diff" : NULL);
}

static int change_comment(web_request *req, web_response *res, const char *body)
{
	hub_pull_view v;
	hub_pull_comment cm;
	const hub_user *user = NULL;
	int64_t id = 0;
	const char *param = web_param(req, "comment_id");
	if (!param || str_to_i64(&id, param, 1, INT64_MAX / 2, "comment_id") < 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such comment.");
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_comment_modify(req, &v, id, true, body, &cm, &user);
	return rc == WEFT_ENOTFOUND ? rc : back(req, res, &v, rc, NULL);
}

int hub_pull_comment_edit_submit(web_request *req, web_response *res)
{
	return change_comment(req, res, hub_form_text(req, "text"));
}

int hub_pull_comment_delete_submit(web_request *req, web_response *res)
{
	return change_comment(req, res, NULL);
}

int hub_pull_review_submit(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_participant part;
	const hub_user *user = NULL;
	const char *action = hub_form_text(req, "action");
	bool approve = strcmp(action, "approve") == 0, unapprove = strcmp(action, "unapprove") == 0;
	bool request = strcmp(action, "request-changes") == 0;
	bool remove = strcmp(action, "remove-request") == 0;
	if (!approve && !unapprove && !request && !remove)
		return err_fail(WEFT_EINVALID, "action: approve, unapprove, request-changes or "
		                               "remove-request.");
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_review_run(
		        req, &v, approve || unapprove ? PULL_REVIEW_APPROVE : PULL_REVIEW_CHANGES,
		        approve || request, &part, &user);
	return rc == WEFT_ENOTFOUND ? rc : back(req, res, &v, rc, NULL);
}

int hub_pull_merge_submit(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_merge_req m = { .strategy = hub_form_text(req, "strategy"),
		                 .message = hub_form_text(req, "message"),
		                 .close_source_branch =
		                         hub_form_checked(req, "close_source_branch") };
	if (!*m.strategy)
		m.strategy = NULL;
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_merge_run(req, &v, &m);
	return rc == WEFT_ENOTFOUND ? rc : back(req, res, &v, rc, NULL);
}

int hub_pull_decline_submit(web_request *req, web_response *res)
{
	hub_pull_view v;
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_decline_run(req, &v, hub_form_text(req, "reason"));
	return rc == WEFT_ENOTFOUND ? rc : back(req, res, &v, rc, NULL);
}

int hub_pull_edit_submit(web_request *req, web_response *res)
{
	hub_pull_view v;
	hub_pull_change ch = { .title = hub_form_text(req, "title"),
		               .description = hub_form_text(req, "description") };
	int rc = hub_pull_view_load(req, &v);
	if (rc == 0)
		rc = hub_pull_update_checked(req, &v, &ch, NULL);
	return rc == WEFT_ENOTFOUND ? rc : back(req, res, &v, rc, NULL);
}

/* ---- the dashboard ---- */

int hub_pull_dashboard(db_conn *c, web_request *req, int64_t user_id, json_t **mine,
                       json_t **review)
{
	hub_pull_filter readable = { .states = PULL_STATE_OPEN };
	hub_pull_view_readable(&readable, req);
	list_ctx own = { req, readable, NULL, json_array() };
	list_ctx reviews = { req, readable, NULL, json_array() };
	own.filter.author_id = user_id;
	reviews.filter.reviewer_id = user_id;
	int rc = list_rows(c, &own);
	if (rc == 0)
		rc = list_rows(c, &reviews);
	if (rc < 0) {
		json_decref(own.rows);
		json_decref(reviews.rows);
		return rc;
	}
	*mine = own.rows;
	*review = reviews.rows;
	return 0;
}
