/* The mirror: git fetch in a child process of its own (a clean environment, its own process
 * group, a deadline), and libgit2's revision walk for the history. */
#include "track/dvcs/mirror.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/gitlib.h"

enum { TREE_CACHE = 256 }; /* raw trees kept: a commit's tree is its child's parent tree */

struct dvcs_mirror {
	git_repository *repo;
	git_odb *odb;
	git_odb_object *trees[TREE_CACHE]; /* direct-mapped by id */
};

/* ---- fetch ---- */

static int make_dirs(const char *path)
{
	char dir[4096];
	if (strlen(path) >= sizeof dir)
		return err_fail(WEFT_EINVALID, "mirror path too long");
	strcpy(dir, path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return err_fail(WEFT_ERROR, "cannot create %s: %s", dir, strerror(errno));
		*p = '/';
	}
	return 0;
}

/* A bare repository at path, made when missing. */
static int ensure_mirror(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return 0;
	int rc = make_dirs(path);
	if (rc < 0)
		return rc;
	git_repository *repo = NULL;
	gitlib_ready();
	if (git_repository_init(&repo, path, 1) < 0)
		return err_fail(WEFT_ERROR, "cannot create the mirror %s: %s", path,
		                git_error_last() ? git_error_last()->message : "unknown error");
	git_repository_free(repo);
	return 0;
}

/* "Authorization: Basic base64(x-token-auth:TOKEN)", and the base64 part alone (to scrub). */
static const char *auth_header(arena *a, const char *token, const char **encoded)
{
	const char *plain = arena_printf(a, "x-token-auth:%s", token);
	size_t len = strlen(plain);
	size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(a, cap);
	sodium_bin2base64(b64, cap, (const unsigned char *)plain, len,
	                  sodium_base64_VARIANT_ORIGINAL);
	*encoded = b64;
	return arena_printf(a, "Authorization: Basic %s", b64);
}

/* The child's whole environment. */
static char **fetch_env(arena *a, const char *path, const char *header)
{
	enum { N = 12 };
	char **env = arena_alloc(a, N * sizeof *env);
	size_t n = 0;
	const char *p = getenv("PATH");
	env[n++] = arena_printf(a, "PATH=%s", p ? p : "/usr/local/bin:/usr/bin:/bin");
	env[n++] = arena_printf(a, "HOME=%s", path);
	env[n++] = "GIT_CONFIG_NOSYSTEM=1";
	env[n++] = "GIT_CONFIG_GLOBAL=/dev/null";
	env[n++] = "GIT_TERMINAL_PROMPT=0";
	env[n++] = "GIT_ASKPASS=/bin/false";
	env[n++] = "LC_ALL=C";
	env[n++] = "GIT_CONFIG_COUNT=1";
	env[n++] = "GIT_CONFIG_KEY_0=http.extraHeader";
	env[n++] = arena_printf(a, "GIT_CONFIG_VALUE_0=%s", header);
	env[n] = NULL;
	return env;
}

static int spawn_git(pid_t *pid, char **argv, char **env, int err_write)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	int e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_adddup2(&fa, err_write, 2);
	if (e == 0)
		e = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigfillset(&defaults);
	if (e == 0)
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
		                                            POSIX_SPAWN_SETSIGDEF);
	if (e == 0)
		e = posix_spawnattr_setpgroup(&attr, 0);
	if (e == 0)
		e = posix_spawnattr_setsigmask(&attr, &none);
	if (e == 0)
		e = posix_spawnattr_setsigdefault(&attr, &defaults);
	if (e == 0)
		e = posix_spawnp(pid, "git", &fa, &attr, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return e == 0 ? 0 : err_fail(WEFT_ERROR, "cannot run git: %s", strerror(e));
}

/* Reads the child's stderr (up to the bound; more is drained) until it closes or the deadline
 * passes. true when the deadline passed. */
static bool read_stderr(int fd, buf *out, int64_t deadline)
{
	char chunk[4096];
	for (;;) {
		int64_t left = deadline - clock_now_ms();
		if (left <= 0)
			return true;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		if (out->len < DVCS_FETCH_STDERR_MAX)
			buf_append(out, chunk, (size_t)got);
	}
}

/* Replaces every occurrence of secret in text (in a). */
static const char *scrub(arena *a, const char *text, const char *secret)
{
	size_t slen = strlen(secret);
	if (slen == 0)
		return text;
	buf b = BUF_INIT;
	const char *p = text, *hit;
	while ((hit = strstr(p, secret))) {
		buf_append(&b, p, (size_t)(hit - p));
		buf_puts(&b, "***");
		p = hit + slen;
	}
	buf_puts(&b, p);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

static const char *trimmed(arena *a, const buf *b)
{
	size_t len = b->len;
	while (len > 0 &&
	       (b->ptr[len - 1] == '\n' || b->ptr[len - 1] == '\r' || b->ptr[len - 1] == ' '))
		len--;
	return len ? arena_strndup(a, b->ptr, len) : "git gave no reason";
}

int dvcs_mirror_fetch(arena *a, const char *path, const char *url, const char *token, int timeout_s)
{
	int rc = ensure_mirror(path);
	if (rc < 0)
		return rc;
	const char *encoded = "";
	const char *header = token ? auth_header(a, token, &encoded) : "Accept: */*";
	char *argv[] = { "git",
		         arena_printf(a, "--git-dir=%s", path),
		         "fetch",
		         "--prune",
		         "--no-tags",
		         "--quiet",
		         "--no-write-fetch-head",
		         "--",
		         (char *)url,
		         "+refs/heads/*:refs/heads/*",
		         NULL };
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_fail(WEFT_ERROR, "cannot run git: %s", strerror(errno));
	pid_t pid;
	rc = spawn_git(&pid, argv, fetch_env(a, path, header), fds[1]);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		return rc;
	}
	buf err = BUF_INIT;
	bool late = read_stderr(fds[0], &err, clock_now_ms() + (int64_t)timeout_s * 1000);
	close(fds[0]);
	if (late)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!late && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		buf_dispose(&err);
		return 0;
	}
	const char *text = trimmed(a, &err);
	buf_dispose(&err);
	if (token)
		text = scrub(a, scrub(a, text, token), encoded);
	if (late)
		return err_fail(WEFT_ERROR, "git fetch of %s took longer than %d s: %s", url,
		                timeout_s, text);
	return err_fail(WEFT_ERROR, "git fetch of %s failed: %s", url, text);
}

/* ---- reading ---- */

static int git_fail(const char *what)
{
	const git_error *e = git_error_last();
	return err_fail(WEFT_ERROR, "%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

int dvcs_mirror_open(dvcs_mirror **out, const char *path)
{
	git_repository *repo = NULL;
	gitlib_ready();
	int e = git_repository_open_bare(&repo, path);
	if (e == GIT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "no mirror at %s", path);
	if (e < 0)
		return git_fail("cannot open the mirror");
	git_odb *odb = NULL;
	if (git_repository_odb(&odb, repo) < 0) {
		git_repository_free(repo);
		return git_fail("cannot open the mirror's objects");
	}
	dvcs_mirror *m = calloc(1, sizeof *m);
	if (!m) {
		git_odb_free(odb);
		git_repository_free(repo);
		return err_fail(WEFT_ERROR, "out of memory");
	}
	m->repo = repo;
	m->odb = odb;
	*out = m;
	return 0;
}

void dvcs_mirror_close(dvcs_mirror *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < TREE_CACHE; i++)
		git_odb_object_free(m->trees[i]);
	git_odb_free(m->odb);
	git_repository_free(m->repo);
	free(m);
}

int dvcs_head_compare(const void *x, const void *y)
{
	return strcmp(((const dvcs_head *)x)->name, ((const dvcs_head *)y)->name);
}

int dvcs_mirror_heads(dvcs_mirror *m, arena *a, dvcs_head **heads, size_t *n)
{
	git_reference_iterator *it = NULL;
	if (git_reference_iterator_glob_new(&it, m->repo, "refs/heads/*") < 0)
		return git_fail("cannot list the mirror's branches");
	array list = ARRAY_INIT;
	git_reference *ref = NULL;
	int e, rc = 0;
	while ((e = git_reference_next(&ref, it)) == 0) {
		git_object *target = NULL;
		if (git_reference_peel(&target, ref, GIT_OBJECT_COMMIT) == 0) {
			dvcs_head *h = ARRAY_PUSH(a, &list, dvcs_head);
			h->name = arena_strdup(a, git_reference_name(ref) + strlen("refs/heads/"));
			git_oid_tostr(h->hash, sizeof h->hash, git_object_id(target));
			git_object_free(target);
		}
		git_reference_free(ref);
	}
	if (e != GIT_ITEROVER)
		rc = git_fail("cannot list the mirror's branches");
	git_reference_iterator_free(it);
	if (rc < 0)
		return rc;
	if (list.n > 1)
		qsort(list.items, list.n, sizeof(dvcs_head), dvcs_head_compare);
	*heads = list.items;
	*n = list.n;
	return 0;
}

bool dvcs_mirror_has(dvcs_mirror *m, const char *hash)
{
	git_oid id;
	return git_oid_fromstr(&id, hash) == 0 && git_odb_exists(m->odb, &id) == 1;
}

/* A raw tree object read entry by entry ("<mode> <name>\0<20-byte id>"): no parsed git_tree,
 * whose allocations cost more than the diff itself. */
typedef struct raw_tree {
	git_odb_object *obj;
	const unsigned char *p, *end;
} raw_tree;

typedef struct raw_entry {
	const char *name;
	bool is_tree;
	unsigned mode;
	git_oid id;
} raw_entry;

/* A tree's object, from the cache or read (and cached); the caller frees its reference. */
static int tree_object(dvcs_mirror *m, const git_oid *id, git_odb_object **out)
{
	git_odb_object **slot = &m->trees[((size_t)id->id[0] << 8 | id->id[1]) % TREE_CACHE];
	if (*slot && git_oid_equal(git_odb_object_id(*slot), id))
		return git_odb_object_dup(out, *slot);
	git_odb_object *obj = NULL;
	if (git_odb_read(&obj, m->odb, id) < 0)
		return -1;
	if (git_odb_object_type(obj) != GIT_OBJECT_TREE) {
		git_odb_object_free(obj);
		return -1;
	}
	git_odb_object_free(*slot);
	*slot = obj;
	return git_odb_object_dup(out, obj);
}

static int raw_open(raw_tree *t, dvcs_mirror *m, const git_oid *id)
{
	*t = (raw_tree){ 0 };
	if (!id)
		return 0;
	if (tree_object(m, id, &t->obj) < 0)
		return -1;
	t->p = git_odb_object_data(t->obj);
	t->end = t->p + git_odb_object_size(t->obj);
	return 0;
}

/* 1 with the next entry in e, 0 at the end, -1 for a malformed tree. */
static int raw_next(raw_tree *t, raw_entry *e)
{
	if (t->p >= t->end)
		return 0;
	unsigned mode = 0;
	while (t->p < t->end && *t->p >= '0' && *t->p <= '7')
		mode = mode * 8 + (unsigned)(*t->p++ - '0');
	if (t->p >= t->end || *t->p++ != ' ')
		return -1;
	const unsigned char *nul = memchr(t->p, 0, (size_t)(t->end - t->p));
	if (!nul || t->end - nul < 1 + GIT_OID_RAWSZ)
		return -1;
	e->name = (const char *)t->p;
	e->mode = mode;
	e->is_tree = (mode & 0170000) == 0040000;
	git_oid_fromraw(&e->id, nul + 1);
	t->p = nul + 1 + GIT_OID_RAWSZ;
	return 1;
}

static void raw_close(raw_tree *t)
{
	git_odb_object_free(t->obj);
}

static int count_changes(dvcs_mirror *m, const git_oid *old_id, const git_oid *new_id, int *count);

/* Files under one side's entry: 1, or every file of a folder added or removed as a whole. */
static int count_side(dvcs_mirror *m, const raw_entry *e, bool old_side, int *count)
{
	if (!e->is_tree) {
		(*count)++;
		return 0;
	}
	return old_side ? count_changes(m, &e->id, NULL, count)
	                : count_changes(m, NULL, &e->id, count);
}

/* Git orders tree entries by name with a folder's name read as if it ended in '/'. */
static int entry_cmp(const raw_entry *a, const raw_entry *b)
{
	const unsigned char *x = (const unsigned char *)a->name,
	                    *y = (const unsigned char *)b->name;
	while (*x && *x == *y)
		x++, y++;
	unsigned cx = *x ? *x : a->is_tree ? '/' : 0;
	unsigned cy = *y ? *y : b->is_tree ? '/' : 0;
	return (int)cx - (int)cy;
}

/* Files that differ between two trees (either id NULL: the empty tree), by a merge of their
 * entries that skips every sub-tree whose id is unchanged: what git diff --name-only counts. */
static int count_changes(dvcs_mirror *m, const git_oid *old_id, const git_oid *new_id, int *count)
{
	if (old_id && new_id && git_oid_equal(old_id, new_id))
		return 0;
	raw_tree o, n;
	if (raw_open(&o, m, old_id) < 0)
		return -1;
	if (raw_open(&n, m, new_id) < 0) {
		raw_close(&o);
		return -1;
	}
	raw_entry eo, en;
	int ho = raw_next(&o, &eo), hn = raw_next(&n, &en), rc = 0;
	while (rc == 0 && ho >= 0 && hn >= 0 && (ho || hn)) {
		int cmp = !ho ? 1 : !hn ? -1 : entry_cmp(&eo, &en);
		if (cmp < 0) {
			rc = count_side(m, &eo, true, count);
			ho = raw_next(&o, &eo);
		} else if (cmp > 0) {
			rc = count_side(m, &en, false, count);
			hn = raw_next(&n, &en);
		} else {
			if (eo.is_tree && en.is_tree)
				rc = count_changes(m, &eo.id, &en.id, count);
			else if (eo.is_tree || en.is_tree)
				rc = count_side(m, &eo, true, count) < 0
				             ? -1
				             : count_side(m, &en, false, count);
			else if (!git_oid_equal(&eo.id, &en.id) || eo.mode != en.mode)
				(*count)++;
			ho = raw_next(&o, &eo);
			hn = raw_next(&n, &en);
		}
	}
	raw_close(&o);
	raw_close(&n);
	return rc < 0 || ho < 0 || hn < 0 ? -1 : 0;
}

/* Files changed between the commit and its first parent (the empty tree for a root). */
static int file_count(dvcs_mirror *m, git_commit *commit, int *count)
{
	const git_oid *parent_tree = NULL;
	git_commit *parent = NULL;
	int rc = 0;
	if (git_commit_parentcount(commit) > 0) {
		rc = git_commit_parent(&parent, commit, 0);
		if (rc == 0)
			parent_tree = git_commit_tree_id(parent);
	}
	*count = 0;
	if (rc == 0)
		rc = count_changes(m, parent_tree, git_commit_tree_id(commit), count);
	git_commit_free(parent);
	return rc < 0 ? git_fail("cannot read a commit's changes") : 0;
}

static int push_hashes(git_revwalk *w, const char *const *hashes, size_t n, bool hide)
{
	for (size_t i = 0; i < n; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, hashes[i]) < 0)
			return err_fail(WEFT_EINVALID, "not a commit id: %.60s", hashes[i]);
		int e = hide ? git_revwalk_hide(w, &id) : git_revwalk_push(w, &id);
		if (e == GIT_ENOTFOUND && hide) {
			git_error_clear();
			continue;
		}
		if (e < 0)
			return git_fail(hide ? "cannot walk from a recorded head"
			                     : "cannot walk from a branch head");
	}
	return 0;
}

static int visit(dvcs_mirror *m, const git_oid *id, bool with_files, dvcs_commit_fn fn, void *ctx)
{
	git_commit *commit = NULL;
	if (git_commit_lookup(&commit, m->repo, id) < 0)
		return git_fail("cannot read a commit");
	dvcs_commit c = { .is_merge = git_commit_parentcount(commit) > 1 };
	git_oid_tostr(c.hash, sizeof c.hash, id);
	const git_signature *author = git_commit_author(commit);
	c.author_name = author->name ? author->name : "";
	c.author_email = author->email ? author->email : "";
	c.authored_at = (int64_t)author->when.time * 1000;
	c.message = git_commit_message(commit);
	if (!c.message)
		c.message = "";
	int rc = with_files ? file_count(m, commit, &c.file_count) : 0;
	if (rc == 0)
		rc = fn(ctx, &c);
	git_commit_free(commit);
	return rc;
}

int dvcs_mirror_walk(dvcs_mirror *m, const char *const *from, size_t nfrom, const char *const *hide,
                     size_t nhide, bool ordered, bool with_files, dvcs_commit_fn fn, void *ctx)
{
	if (nfrom == 0)
		return 0;
	git_revwalk *w = NULL;
	if (git_revwalk_new(&w, m->repo) < 0)
		return git_fail("cannot walk the mirror");
	git_revwalk_sorting(w, ordered ? GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE
	                               : GIT_SORT_NONE);
	int rc = push_hashes(w, from, nfrom, false);
	if (rc == 0)
		rc = push_hashes(w, hide, nhide, true);
	git_oid id;
	int e = 0;
	while (rc == 0 && (e = git_revwalk_next(&id, w)) == 0)
		rc = visit(m, &id, with_files, fn, ctx);
	if (rc == 0 && e != GIT_ITEROVER)
		rc = git_fail("cannot walk the mirror");
	git_revwalk_free(w);
	return rc;
}
