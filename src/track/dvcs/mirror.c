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

struct dvcs_mirror {
	git_repository *repo;
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
	while (len > 0 && (b->ptr[len - 1] == '\n' || b->ptr[len - 1] == '\r' ||
	                   b->ptr[len - 1] == ' '))
		len--;
	return len ? arena_strndup(a, b->ptr, len) : "git gave no reason";
}

int dvcs_mirror_fetch(arena *a, const char *path, const char *url, const char *token,
                      int timeout_s)
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
	int e = git_repository_open_bare(&repo, path);
	if (e == GIT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "no mirror at %s", path);
	if (e < 0)
		return git_fail("cannot open the mirror");
	dvcs_mirror *m = calloc(1, sizeof *m);
	if (!m) {
		git_repository_free(repo);
		return err_fail(WEFT_ERROR, "out of memory");
	}
	m->repo = repo;
	*out = m;
	return 0;
}

void dvcs_mirror_close(dvcs_mirror *m)
{
	if (!m)
		return;
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
	git_odb *odb = NULL;
	if (git_oid_fromstr(&id, hash) < 0 || git_repository_odb(&odb, m->repo) < 0)
		return false;
	bool has = git_odb_exists(odb, &id) == 1;
	git_odb_free(odb);
	return has;
}

/* Files changed between the commit and its first parent (the empty tree for a root). */
static int file_count(git_repository *repo, git_commit *commit, int *count)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	int rc = -1;
	if (git_commit_tree(&tree, commit) < 0)
		goto done;
	if (git_commit_parentcount(commit) > 0 && (git_commit_parent(&parent, commit, 0) < 0 ||
	                                           git_commit_tree(&parent_tree, parent) < 0))
		goto done;
	git_diff_options opt;
	git_diff_options_init(&opt, GIT_DIFF_OPTIONS_VERSION);
	opt.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(&diff, repo, parent_tree, tree, &opt) < 0)
		goto done;
	*count = (int)git_diff_num_deltas(diff);
	rc = 0;
done:
	git_diff_free(diff);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	git_tree_free(tree);
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

static int visit(git_repository *repo, const git_oid *id, bool with_files, dvcs_commit_fn fn,
                 void *ctx)
{
	git_commit *commit = NULL;
	if (git_commit_lookup(&commit, repo, id) < 0)
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
	int rc = with_files ? file_count(repo, commit, &c.file_count) : 0;
	if (rc == 0)
		rc = fn(ctx, &c);
	git_commit_free(commit);
	return rc;
}

int dvcs_mirror_walk(dvcs_mirror *m, const char *const *from, size_t nfrom,
                     const char *const *hide, size_t nhide, bool ordered, bool with_files,
                     dvcs_commit_fn fn, void *ctx)
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
		rc = visit(m->repo, &id, with_files, fn, ctx);
	if (rc == 0 && e != GIT_ITEROVER)
		rc = git_fail("cannot walk the mirror");
	git_revwalk_free(w);
	return rc;
}
