/* libgit2 access for hub's readers. */
#include "hub/git/gitrepo.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"

int hub_git_fail(int code, const char *doing)
{
	const git_error *e = git_error_last();
	return err_fail(code, "%s: %s", doing, e && e->message ? e->message : "libgit2 failed");
}

int hub_git_code(int git_rc, const char *doing)
{
	if (git_rc >= 0)
		return 0;
	switch (git_rc) {
	case GIT_ENOTFOUND: return hub_git_fail(WEFT_ENOTFOUND, doing);
	case GIT_EAMBIGUOUS:
	case GIT_EINVALIDSPEC: return hub_git_fail(WEFT_EINVALID, doing);
	default: return hub_git_fail(WEFT_ERROR, doing);
	}
}

int hub_git_open(git_repository **out, const char *repos_dir, const hub_repo *r)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s/%s.git", repos_dir, r->workspace_uuid, r->uuid);
	if (n < 0 || (size_t)n >= sizeof path)
		return err_fail(WEFT_ERROR, "the repositories' folder path is too long");
	/* NO_SEARCH: the path is the repository, never a folder inside another one. */
	if (git_repository_open_ext(
	            out, path, GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0)
		return hub_git_fail(WEFT_ERROR, "cannot open the repository");
	return 0;
}

static bool is_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* The commit a reference points at, tags peeled. */
static int commit_of_ref(git_commit **out, git_repository *repo, const char *name)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int rc = git_reference_lookup(&ref, repo, name);
	if (rc == 0)
		rc = git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT);
	git_reference_free(ref);
	if (rc < 0)
		return rc;
	*out = (git_commit *)obj;
	return 0;
}

static int commit_of_hash(git_commit **out, git_repository *repo, const char *rev, size_t len)
{
	git_oid oid;
	git_object *obj = NULL;
	int rc = git_oid_fromstrn(&oid, rev, len);
	if (rc == 0)
		rc = git_object_lookup_prefix(&obj, repo, &oid, len, GIT_OBJECT_ANY);
	if (rc < 0)
		return rc;
	git_object *peeled = NULL;
	rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc == 0)
		*out = (git_commit *)peeled;
	return rc;
}

int hub_git_resolve_commit(git_commit **out, git_repository *repo, const char *rev)
{
	size_t len = strlen(rev);
	if (len == 0 || len > 255 || strstr(rev, "..") || rev[0] == '-')
		return err_fail(WEFT_EINVALID, "'%.80s' is not a revision", rev);
	if (strcmp(rev, "HEAD") == 0)
		return hub_git_code(commit_of_ref(out, repo, "HEAD"), "HEAD");
	char name[300];
	snprintf(name, sizeof name, "refs/heads/%s", rev);
	int rc = commit_of_ref(out, repo, name);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		snprintf(name, sizeof name, "refs/tags/%s", rev);
		rc = commit_of_ref(out, repo, name);
	}
	if ((rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) && len >= 4 && len <= GIT_OID_HEXSZ &&
	    is_hex(rev, len))
		rc = commit_of_hash(out, repo, rev, len);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
		return err_fail(WEFT_ENOTFOUND, "Commit not found: %.80s", rev);
	if (rc == GIT_EAMBIGUOUS)
		return err_fail(WEFT_EINVALID, "'%.80s' is an ambiguous short hash", rev);
	return hub_git_code(rc, "cannot resolve the revision");
}

bool hub_git_is_empty(git_repository *repo)
{
	/* Not git_repository_is_empty: it also wants HEAD to name init.defaultBranch (or "master"),
	 * and hub's repositories start on their own main branch. */
	if (git_repository_head_unborn(repo) != 1)
		return false;
	git_branch_iterator *it = NULL;
	git_reference *ref = NULL;
	git_branch_t type;
	bool empty = git_branch_iterator_new(&it, repo, GIT_BRANCH_LOCAL) == 0 &&
	             git_branch_next(&ref, &type, it) == GIT_ITEROVER;
	git_reference_free(ref);
	git_branch_iterator_free(it);
	return empty;
}
