/* Building repo:push: libgit2 reads each change's commits while the push's transaction is open,
 * so the payload says what the push did, not what the repository holds by the time it is sent. */
#include "hub/hook/push_event.h"

#include <git2.h>
#include <string.h>

#include "base/arena.h"
#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "hub/account/email.h"
#include "hub/browse/commit.h"
#include "hub/git/gitrepo.h"
#include "hub/hook/event.h"
#include "hub/hook/hook_config.h"
#include "hub/hook/payload.h"

typedef struct push_ctx {
	db_conn *c;
	arena *a;
	hub_repo r;
	git_repository *git; /* NULL when the repository cannot be read: changes without commits */
	const char *api; /* /2.0/repositories/{ws}/{slug} */
	const char *web; /* /{ws}/{slug} */
	array authors; /* author_seen: a push has few authors, each looked up once */
} push_ctx;

typedef struct author_seen {
	const char *email;
	const hub_user *user; /* NULL: no active account has that address confirmed */
} author_seen;

/* ---- commits ---- */

static json_t *commit_link(push_ctx *p, const char *hash)
{
	return json_pack("{s:o, s:o}", "self",
	                 hub_payload_href(arena_printf(p->a, "%s/commit/%s", p->api, hash)), "html",
	                 hub_payload_href(arena_printf(p->a, "%s/commits/%s", p->web, hash)));
}

/* The hub account of a commit's author, as Bitbucket fills author.user; NULL when none. */
static const hub_user *author_user(push_ctx *p, const char *email)
{
	author_seen *seen = p->authors.items;
	for (size_t i = 0; i < p->authors.n; i++)
		if (strcmp(seen[i].email, email) == 0)
			return seen[i].user;
	author_seen *one = ARRAY_PUSH(p->a, &p->authors, author_seen);
	one->email = email;
	if (hub_email_author(p->c, p->a, email, &one->user) < 0)
		one->user = NULL; /* the payload goes out without it rather than not at all */
	return one->user;
}

static json_t *author_json(push_ctx *p, const hub_commit *cm)
{
	json_t *author =
	        json_pack("{s:s, s:s}", "type", "author", "raw",
	                  arena_printf(p->a, "%s <%s>", cm->author_name, cm->author_email));
	const hub_user *user = author_user(p, cm->author_email);
	if (user)
		json_object_set_new(author, "user", hub_payload_user(p->a, user));
	return author;
}

static json_t *commit_json(push_ctx *p, const hub_commit *cm)
{
	char date[CLOCK_ISO_LEN];
	clock_format_iso8601(date, cm->author_time * 1000);
	json_t *parents = json_array();
	for (size_t i = 0; i < cm->parent_count; i++)
		json_array_append_new(parents, json_pack("{s:s, s:s, s:o}", "type", "commit",
		                                         "hash", cm->parents[i], "links",
		                                         commit_link(p, cm->parents[i])));
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "type", "commit", "hash", cm->hash,
	                 "date", date, "message", cm->message, "author", author_json(p, cm),
	                 "parents", parents, "links", commit_link(p, cm->hash));
}

/* The commit hash names, peeled through annotated tags; NULL when it is none. */
static git_commit *peel(push_ctx *p, const char *hash)
{
	git_oid oid;
	git_object *obj = NULL, *peeled = NULL;
	if (!p->git || git_oid_fromstr(&oid, hash) < 0 ||
	    git_object_lookup(&obj, p->git, &oid, GIT_OBJECT_ANY) < 0)
		return NULL;
	int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	return rc < 0 ? NULL : (git_commit *)peeled;
}

/* The commit a ref points at, or {type, hash} alone when it cannot be read. */
static json_t *target_json(push_ctx *p, const char *hash)
{
	git_commit *commit = peel(p, hash);
	if (!commit)
		return json_pack("{s:s, s:s, s:o}", "type", "commit", "hash", hash, "links",
		                 commit_link(p, hash));
	hub_commit cm;
	hub_commit_from_git(&cm, p->a, commit);
	git_commit_free(commit);
	return commit_json(p, &cm);
}

/* Hides the tips of every other recorded ref: a new ref's commits are those new to the
 * repository, as Bitbucket lists them. */
static int hide_others(push_ctx *p, git_revwalk *walk, const char *ref)
{
	db_stmt *st;
	int rc = db_query(&st, p->c,
	                  "SELECT hash FROM repository_refs WHERE repository_id = $1 AND ref <> $2",
	                  db_int(p->r.id), db_text(ref));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		git_commit *tip = peel(p, db_col_text(st, 0));
		if (tip)
			git_revwalk_hide(walk, git_commit_id(tip));
		git_commit_free(tip);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The newest commits of the change (at most HUB_PUSH_EVENT_COMMITS) into commits, and whether
 * there were more. */
static int change_commits(push_ctx *p, const push_update *u, json_t *commits, bool *truncated)
{
	git_revwalk *walk = NULL;
	git_commit *tip = peel(p, u->new_hash), *base = NULL;
	int rc = 0;
	*truncated = false;
	if (!tip || git_revwalk_new(&walk, p->git) < 0)
		goto done;
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	git_revwalk_push(walk, git_commit_id(tip));
	if (hub_push_update_is_zero(u->old_hash))
		rc = hide_others(p, walk, u->ref);
	else if ((base = peel(p, u->old_hash)))
		git_revwalk_hide(walk, git_commit_id(base));
	git_oid oid;
	size_t n = 0;
	while (rc == 0 && git_revwalk_next(&oid, walk) == 0) {
		if (n++ == HUB_PUSH_EVENT_COMMITS) {
			*truncated = true;
			break;
		}
		git_commit *cm = NULL;
		if (git_commit_lookup(&cm, p->git, &oid) < 0)
			continue;
		hub_commit one;
		hub_commit_from_git(&one, p->a, cm);
		json_array_append_new(commits, commit_json(p, &one));
		git_commit_free(cm);
	}
done:
	git_revwalk_free(walk);
	git_commit_free(base);
	git_commit_free(tip);
	return rc;
}

/* ---- changes ---- */

static json_t *ref_json(push_ctx *p, bool tag, const char *name, const char *hash)
{
	const char *self = hub_payload_path(p->a, p->api, NULL);
	self = arena_printf(p->a, "%s%s", self, tag ? "/refs/tags/" : "/refs/branches/");
	self = hub_payload_path(p->a, self, name, NULL);
	const char *commits =
	        hub_payload_path(p->a, arena_printf(p->a, "%s/commits/", p->api), name, NULL);
	const char *html = hub_payload_path(
	        p->a, arena_printf(p->a, "%s%s", p->web, tag ? "/commits/tag/" : "/branch/"), name,
	        NULL);
	return json_pack("{s:s, s:s, s:o, s:{s:o, s:o, s:o}}", "type", tag ? "tag" : "branch",
	                 "name", name, "target", target_json(p, hash), "links", "self",
	                 hub_payload_href(self), "commits", hub_payload_href(commits), "html",
	                 hub_payload_href(html));
}

static json_t *change_links(push_ctx *p, const push_update *u, bool created, bool closed)
{
	json_t *links = json_object();
	if (!created && !closed) {
		const char *spec = arena_printf(p->a, "%s..%s", u->new_hash, u->old_hash);
		json_object_set_new(links, "html",
		                    hub_payload_href(arena_printf(p->a, "%s/branches/compare/%s",
		                                                  p->web, spec)));
		json_object_set_new(
		        links, "diff",
		        hub_payload_href(arena_printf(p->a, "%s/diff/%s", p->api, spec)));
	}
	if (!closed)
		json_object_set_new(
		        links, "commits",
		        hub_payload_href(arena_printf(
		                p->a, "%s/commits?include=%s%s%s", p->api, u->new_hash,
		                created ? "" : "&exclude=", created ? "" : u->old_hash)));
	return links;
}

static bool is_forced(push_ctx *p, const push_update *u)
{
	git_commit *old = peel(p, u->old_hash), *new = peel(p, u->new_hash);
	bool forced = old && new && !git_oid_equal(git_commit_id(old), git_commit_id(new)) &&
	              git_graph_descendant_of(p->git, git_commit_id(new), git_commit_id(old)) != 1;
	git_commit_free(old);
	git_commit_free(new);
	return forced;
}

static int change_json(push_ctx *p, const push_update *u, json_t **out)
{
	bool tag = strncmp(u->ref, "refs/tags/", 10) == 0;
	const char *name = u->ref + (tag ? 10 : 11);
	bool created = hub_push_update_is_zero(u->old_hash),
	     closed = hub_push_update_is_zero(u->new_hash);
	bool truncated = false;
	json_t *commits = json_array();
	int rc = closed || !p->git ? 0 : change_commits(p, u, commits, &truncated);
	if (rc < 0) {
		json_decref(commits);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:b}", "new",
	                 closed ? json_null() : ref_json(p, tag, name, u->new_hash), "old",
	                 created ? json_null() : ref_json(p, tag, name, u->old_hash), "links",
	                 change_links(p, u, created, closed), "created", created, "closed", closed,
	                 "forced", !created && !closed && is_forced(p, u), "commits", commits,
	                 "truncated", truncated);
	return 0;
}

static bool is_branch_or_tag(const char *ref)
{
	return (strncmp(ref, "refs/heads/", 11) == 0 && ref[11]) ||
	       (strncmp(ref, "refs/tags/", 10) == 0 && ref[10]);
}

static int build_changes(push_ctx *p, const push_update *updates, size_t n, json_t *changes)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *change = NULL;
		if (!is_branch_or_tag(updates[i].ref))
			continue;
		rc = change_json(p, &updates[i], &change);
		if (rc == 0)
			json_array_append_new(changes, change);
	}
	return rc;
}

int hub_push_event_emit(db_conn *c, int64_t repository_id, int64_t actor_id,
                        const push_update *updates, size_t n)
{
	push_ctx p = { .c = c, .a = arena_new() };
	json_t *changes = NULL;
	bool wanted = false;
	int rc = hub_repo_get(c, p.a, repository_id, &p.r);
	if (rc == 0)
		rc = hub_event_wanted(c, p.r.workspace_id, p.r.id, "repo:push", &wanted);
	if (rc < 0 || !wanted)
		goto done;
	if (hub_git_open(&p.git, hub_repo_git_dir(p.a, hub_hook_config_get()->repos_dir, &p.r)) < 0)
		p.git = NULL; /* the event still says which refs moved where */
	p.api = hub_payload_path(p.a, "/2.0/repositories/", p.r.workspace_slug, p.r.slug, NULL);
	p.web = hub_payload_path(p.a, "/", p.r.workspace_slug, p.r.slug, NULL);
	changes = json_array();
	rc = build_changes(&p, updates, n, changes);
	if (rc == 0 && json_array_size(changes) > 0) {
		hub_event ev = { "repo:push", p.r.workspace_id, p.r.id, actor_id,
			         json_pack("{s:{s:O}}", "push", "changes", changes) };
		rc = hub_event_emit(c, p.a, &ev);
	}
done:
	json_decref(changes);
	hub_git_close(p.git);
	arena_free(p.a);
	return rc == WEFT_ENOTFOUND ? 0 : rc;
}
