/* The branches page: each branch with its last commit and how far it is ahead of and behind
 * the main branch, a page at a time, and the tags. */
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/browse/history.h"
#include "hub/git/gitrepo.h"
#include "hub/hub.h"
#include "hub/browse/ref.h"
#include "web/escape.h"

enum {
	BRANCHES_PER_PAGE = 25, /* each costs an ahead / behind count */
	TAGS_SHOWN = 100,
};

static json_t *ref_row(web_request *req, const char *base, const hub_ref *ref)
{
	const hub_commit *c = &ref->target;
	return json_pack("{s:s, s:s, s:s, s:s%, s:s, s:s, s:s, s:s}", "name", ref->name, "href",
	                 arena_printf(req->arena, "%s/commits/branch/%s", base,
	                              hub_history_segment(req, ref->name)),
	                 "hash", c->hash, "short", c->hash, (size_t)12, "commit_href",
	                 arena_printf(req->arena, "%s/commits/%s", base, c->hash), "summary",
	                 c->summary, "author", c->author_name, "date",
	                 hub_history_time(req, c->author_time));
}

/* Adds ahead / behind against main (NULL when the main branch does not exist). */
static int compare(json_t *row, git_repository *git, const hub_ref *ref, const hub_ref *main)
{
	size_t ahead = 0, behind = 0;
	if (!main)
		return 0;
	if (strcmp(ref->name, main->name) == 0) {
		json_object_set_new(row, "is_main", json_true());
		return 0;
	}
	git_oid a, b;
	git_oid_fromstr(&a, ref->target.hash);
	git_oid_fromstr(&b, main->target.hash);
	int rc = hub_commit_ahead_behind(&ahead, &behind, git, &a, &b);
	if (rc < 0)
		return rc;
	json_object_set_new(row, "ahead", json_integer((json_int_t)ahead));
	json_object_set_new(row, "behind", json_integer((json_int_t)behind));
	return 0;
}

static const hub_ref *find(const hub_ref *refs, size_t n, hub_ref_kind kind, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (refs[i].kind == kind && strcmp(refs[i].name, name) == 0)
			return &refs[i];
	return NULL;
}

static int branches_data(json_t *data, web_request *req, const hub_repo *r, git_repository *git,
                         int64_t page)
{
	hub_ref *refs = NULL;
	size_t n = 0, nbranches = 0;
	int rc = hub_ref_list(&refs, &n, req->arena, git, HUB_REF_BRANCH | HUB_REF_TAG);
	if (rc < 0)
		return rc;
	while (nbranches < n && refs[nbranches].kind == HUB_REF_BRANCH)
		nbranches++;
	const hub_ref *main = find(refs, n, HUB_REF_BRANCH, r->mainbranch);
	const char *base = hub_history_web_path(req, r);
	size_t first = (size_t)(page - 1) * BRANCHES_PER_PAGE;
	json_t *branches = json_array(), *tags = json_array();
	json_object_set_new(data, "branches", branches);
	json_object_set_new(data, "tags", tags);
	for (size_t i = first; rc == 0 && i < nbranches && i < first + BRANCHES_PER_PAGE; i++) {
		json_t *row = ref_row(req, base, &refs[i]);
		json_array_append_new(branches, row);
		rc = compare(row, git, &refs[i], main);
	}
	for (size_t i = nbranches; i < n && i < nbranches + TAGS_SHOWN; i++)
		json_array_append_new(tags, ref_row(req, base, &refs[i]));
	json_object_set_new(data, "has_branches", json_boolean(nbranches > 0));
	json_object_set_new(data, "has_tags", json_boolean(n > nbranches));
	json_object_set_new(data, "tag_count", json_integer((json_int_t)(n - nbranches)));
	json_object_set_new(data, "more_tags", json_boolean(n - nbranches > TAGS_SHOWN));
	if (first + BRANCHES_PER_PAGE < nbranches)
		json_object_set_new(data, "next_page", json_integer(page + 1));
	if (page > 1)
		json_object_set_new(data, "previous_page", json_integer(page - 1));
	return rc;
}

int hub_branches_page(web_request *req, web_response *res)
{
	hub_repo r;
	git_repository *git = NULL;
	json_t *data = NULL;
	int64_t page = 1;
	const char *p = web_query(req, "page");
	if (p && str_to_i64(&page, p, 1, 100000, "page") < 0)
		return err_fail(WEFT_EINVALID, "page must be a whole number from 1 to 100000.");
	int rc = hub_history_open(req, &r, &git);
	if (rc == 0) {
		data = json_pack("{s:o, s:s}", "repo", hub_history_repo_json(req, &r), "mainbranch",
		                 r.mainbranch);
		rc = branches_data(data, req, &r, git, page);
	}
	hub_git_close(git);
	if (rc < 0) {
		json_decref(data);
		return rc;
	}
	return hub_page(req, res, 200, "hub/branches",
	                arena_printf(req->arena, "Branches · %s", r.name), data);
}
