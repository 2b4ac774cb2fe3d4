/* libgit2 access for hub's readers. */
#include "hub/git/gitrepo.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/gitlib.h"

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

/* ---- the pool of open repositories ---- */

typedef struct pool_slot {
	git_repository *repo; /* NULL: a free slot */
	char *path;
	dev_t dev; /* the folder it was opened from: a replaced folder is another repository */
	ino_t ino;
	int64_t idle_since_ns;
	bool lent;
} pool_slot;

static struct {
	pthread_mutex_t lock;
	bool on;
	pool_slot slots[HUB_GIT_POOL_MAX];
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Empties slot s; its repository goes to dead[*ndead] for freeing outside the lock. */
static void slot_clear(pool_slot *s, git_repository **dead, size_t *ndead)
{
	dead[(*ndead)++] = s->repo;
	free(s->path);
	*s = (pool_slot){ 0 };
}

static void free_all(git_repository **dead, size_t n)
{
	for (size_t i = 0; i < n; i++)
		git_repository_free(dead[i]);
}

/* An idle repository opened from path (the folder st), lent to the caller; NULL when there is
 * none. Drops idle ones that waited too long or whose folder changed on the way. */
static git_repository *pool_take(const char *path, const struct stat *st)
{
	git_repository *dead[HUB_GIT_POOL_MAX], *found = NULL;
	size_t ndead = 0;
	int64_t now = clock_mono_ns();
	pthread_mutex_lock(&pool.lock);
	for (size_t i = 0; pool.on && i < HUB_GIT_POOL_MAX; i++) {
		pool_slot *s = &pool.slots[i];
		if (!s->repo || s->lent)
			continue;
		bool same = strcmp(s->path, path) == 0;
		if ((same && (s->dev != st->st_dev || s->ino != st->st_ino)) ||
		    now - s->idle_since_ns > (int64_t)HUB_GIT_POOL_IDLE_S * 1000000000) {
			slot_clear(s, dead, &ndead);
		} else if (same && !found) {
			s->lent = true;
			found = s->repo;
		}
	}
	pthread_mutex_unlock(&pool.lock);
	free_all(dead, ndead);
	return found;
}

/* Keeps repo (just opened from path, the folder st, and lent) in the pool when there is room,
 * making room by freeing the idle one that waited longest. */
static void pool_adopt(git_repository *repo, const char *path, const struct stat *st)
{
	git_repository *dead[1];
	size_t ndead = 0;
	char *copy = strdup(path);
	pool_slot *slot = NULL;
	pthread_mutex_lock(&pool.lock);
	for (size_t i = 0; copy && pool.on && i < HUB_GIT_POOL_MAX; i++) {
		pool_slot *s = &pool.slots[i];
		if (!s->repo) {
			slot = s;
			break;
		}
		if (!s->lent && (!slot || s->idle_since_ns < slot->idle_since_ns))
			slot = s;
	}
	if (slot && slot->repo)
		slot_clear(slot, dead, &ndead);
	if (slot) {
		*slot = (pool_slot){ .repo = repo,
			             .path = copy,
			             .dev = st->st_dev,
			             .ino = st->st_ino,
			             .lent = true };
		copy = NULL;
	}
	pthread_mutex_unlock(&pool.lock);
	free(copy);
	free_all(dead, ndead);
}

void hub_git_close(git_repository *repo)
{
	bool kept = false;
	if (!repo)
		return;
	pthread_mutex_lock(&pool.lock);
	for (size_t i = 0; i < HUB_GIT_POOL_MAX && !kept; i++) {
		pool_slot *s = &pool.slots[i];
		if (s->repo == repo) {
			s->lent = false;
			s->idle_since_ns = clock_mono_ns();
			kept = true;
		}
	}
	pthread_mutex_unlock(&pool.lock);
	if (!kept)
		git_repository_free(repo);
}

void hub_git_pool_init(void)
{
	pthread_mutex_lock(&pool.lock);
	pool.on = true;
	pthread_mutex_unlock(&pool.lock);
}

void hub_git_pool_shutdown(void)
{
	git_repository *dead[HUB_GIT_POOL_MAX];
	size_t ndead = 0;
	pthread_mutex_lock(&pool.lock);
	pool.on = false;
	for (size_t i = 0; i < HUB_GIT_POOL_MAX; i++)
		if (pool.slots[i].repo)
			slot_clear(&pool.slots[i], dead, &ndead);
	pthread_mutex_unlock(&pool.lock);
	free_all(dead, ndead);
}

size_t hub_git_pool_size(void)
{
	size_t n = 0;
	pthread_mutex_lock(&pool.lock);
	for (size_t i = 0; i < HUB_GIT_POOL_MAX; i++)
		n += pool.slots[i].repo != NULL;
	pthread_mutex_unlock(&pool.lock);
	return n;
}

int hub_git_open(git_repository **out, const char *path)
{
	struct stat st;
	bool pooled = stat(path, &st) == 0;
	if (pooled && (*out = pool_take(path, &st)) != NULL)
		return 0;
	gitlib_ready();
	/* NO_SEARCH: the path is the repository, never a folder inside another one. */
	if (git_repository_open_ext(
	            out, path, GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0)
		return hub_git_fail(WEFT_ERROR, "cannot open the repository");
	if (pooled)
		pool_adopt(*out, path, &st);
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
