/* A revwalk of the mirror, counted first (a big push goes to git log), then walked with one tree
 * diff per commit for its file count (dvcs_mirror_count_files, the panel's). */
#include "track/dvcs/walk_local.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

enum { IDENT_MAX = 256 }; /* bytes of an author's name or email kept, as dvcs_mirror_walk */

/* What the walk copies out of libgit2 for fn, made once. */
typedef struct walk_texts {
	char name[IDENT_MAX + 1], email[IDENT_MAX + 1];
	char *message; /* DVCS_MESSAGE_MAX + 1 bytes */
} walk_texts;

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();
	return err_fail(WEFT_ERROR, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

static int parse_hash(git_oid *id, const char *hash)
{
	if (strlen(hash) != DVCS_HASH_LEN || git_oid_fromstr(id, hash) < 0)
		return err_fail(WEFT_EINVALID, "not a commit id: %.60s", hash);
	return 0;
}

/* The walk from the from commits, hiding the hidden ones the mirror has, oldest first. */
static int walk_push(git_revwalk *w, git_repository *repo, const char *const *from, size_t nfrom,
                     const char *const *hide, size_t nhide)
{
	git_oid id;
	git_odb *odb = NULL;
	int rc = git_repository_odb(&odb, repo) < 0 ? git_fail("cannot open the mirror's objects")
	                                            : 0;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	for (size_t i = 0; rc == 0 && i < nfrom; i++) {
		rc = parse_hash(&id, from[i]);
		if (rc == 0 && git_revwalk_push(w, &id) < 0)
			rc = err_fail(WEFT_ERROR, "cannot walk from a branch head: %s is missing",
			              from[i]);
	}
	for (size_t i = 0; rc == 0 && i < nhide; i++) {
		rc = parse_hash(&id, hide[i]);
		if (rc == 0 && git_odb_exists(odb, &id) == 1 && git_revwalk_hide(w, &id) < 0)
			rc = git_fail("cannot hide a recorded head");
	}
	git_odb_free(odb);
	return rc;
}

/* Whether the walk brings more than max commits: 1, 0, or an error. */
static int too_many(git_revwalk *w, size_t max)
{
	git_oid id;
	size_t n = 0;
	int e;
	while ((e = git_revwalk_next(&id, w)) == 0)
		if (++n > max)
			return 1;
	return e == GIT_ITEROVER ? 0 : git_fail("cannot walk the mirror");
}

/* src cut at max bytes into dst (max + 1 bytes). */
static const char *cut(char *dst, const char *src, size_t max)
{
	size_t len = strlen(src);
	if (len > max)
		len = max;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return dst;
}

/* The commit id as dvcs_commit has it, to fn. */
static int emit(dvcs_mirror *m, const git_oid *id, walk_texts *t, dvcs_commit_fn fn, void *ctx)
{
	git_commit *c = NULL;
	if (git_commit_lookup(&c, dvcs_mirror_repository(m), id) < 0)
		return git_fail("cannot read a commit of the mirror");
	dvcs_commit out = { .is_merge = git_commit_parentcount(c) > 1 };
	git_oid_tostr(out.hash, sizeof out.hash, id);
	int rc = dvcs_mirror_count_files(m, c, &out.file_count);
	if (rc == 0) {
		const git_signature *author = git_commit_author(c);
		const char *message = git_commit_message(c);
		out.author_name = cut(t->name, author->name, IDENT_MAX);
		out.author_email = cut(t->email, author->email, IDENT_MAX);
		out.authored_at = (int64_t)author->when.time * 1000;
		out.message = cut(t->message, message ? message : "", DVCS_MESSAGE_MAX);
		rc = fn(ctx, &out);
	}
	git_commit_free(c);
	return rc;
}

static int walk_emit(git_revwalk *w, dvcs_mirror *m, dvcs_commit_fn fn, void *ctx)
{
	walk_texts t = { .message = malloc(DVCS_MESSAGE_MAX + 1) };
	if (!t.message)
		return err_fail(WEFT_ERROR, "out of memory");
	git_oid id;
	int e, rc = 0;
	while (rc == 0 && (e = git_revwalk_next(&id, w)) == 0)
		rc = emit(m, &id, &t, fn, ctx);
	if (rc == 0 && e != GIT_ITEROVER)
		rc = git_fail("cannot walk the mirror");
	free(t.message);
	return rc;
}

int dvcs_walk_local(dvcs_mirror *m, const char *const *from, size_t nfrom, const char *const *hide,
                    size_t nhide, size_t max, dvcs_commit_fn fn, void *ctx)
{
	if (nfrom == 0)
		return 0;
	git_repository *repo = dvcs_mirror_repository(m);
	git_revwalk *w = NULL;
	if (git_revwalk_new(&w, repo) < 0)
		return git_fail("cannot walk the mirror");
	int rc = walk_push(w, repo, from, nfrom, hide, nhide);
	if (rc == 0)
		rc = too_many(w, max);
	if (rc == 0) {
		git_revwalk_reset(w);
		rc = walk_push(w, repo, from, nfrom, hide, nhide);
	}
	if (rc == 0)
		rc = walk_emit(w, m, fn, ctx);
	git_revwalk_free(w);
	return rc;
}
