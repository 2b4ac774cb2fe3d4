/* The mirror: git fetch in a child process of its own (a clean environment, its own process
 * group, a deadline), the branches through libgit2, and the history streamed from one git log
 * child (faster than libgit2's walk with a tree diff per commit, and parsed as it arrives). */
#include "track/dvcs/mirror.h"

#include <dirent.h>
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
#include "track/dvcs/net_fetch.h"

enum {
	WALK_READ = 64 * 1024, /* git log's output is read in pieces of this size */
	WALK_IDENT_MAX = 256, /* bytes of an author's name or email kept */
	WALK_TIME_MAX = 20, /* digits of an author date */
};

struct dvcs_mirror {
	git_repository *repo;
	git_odb *odb;
	char *path;
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

/* A git child's whole environment; header (an http.extraHeader) may be NULL. */
static char **git_env(arena *a, const char *path, const char *header)
{
	enum { N = 18 };
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
	env[n++] = "GIT_NO_REPLACE_OBJECTS=1";
	env[n++] = "GIT_FLUSH=0"; /* full pipe buffers, not one write per commit */
	if (header) {
		/* no child after the pack: the mirror's housekeeping is dvcs_mirror_tidy's */
		env[n++] = "GIT_CONFIG_COUNT=4";
		env[n++] = "GIT_CONFIG_KEY_0=http.extraHeader";
		env[n++] = arena_printf(a, "GIT_CONFIG_VALUE_0=%s", header);
		env[n++] = "GIT_CONFIG_KEY_1=maintenance.auto";
		env[n++] = "GIT_CONFIG_VALUE_1=false";
		env[n++] = "GIT_CONFIG_KEY_2=gc.auto";
		env[n++] = "GIT_CONFIG_VALUE_2=0";
		env[n++] = "GIT_CONFIG_KEY_3=fetch.writeCommitGraph";
		env[n++] = "GIT_CONFIG_VALUE_3=false";
	}
	env[n] = NULL;
	return env;
}

/* git with argv and env in a process group of its own; its stdin and stdout are in_read and
 * out_write, or /dev/null when -1. */
static int spawn_git(pid_t *pid, char **argv, char **env, int in_read, int out_write, int err_write)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	int e = in_read >= 0 ? posix_spawn_file_actions_adddup2(&fa, in_read, 0)
	                     : posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (e == 0)
		e = out_write >= 0
		            ? posix_spawn_file_actions_adddup2(&fa, out_write, 1)
		            : posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
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

/* Reads the child's stderr (up to the bound; more is drained) until it closes (0) or the
 * deadline passes (1), calling the watch's fn every every_ms meanwhile: its failure is returned
 * at once. */
static int read_stderr(int fd, buf *out, int64_t deadline, const dvcs_fetch_watch *watch)
{
	char chunk[4096];
	int64_t next = watch ? clock_now_ms() + watch->every_ms : INT64_MAX;
	for (;;) {
		int64_t now = clock_now_ms(), left = deadline - now;
		if (left <= 0)
			return 1;
		if (now >= next) {
			int rc = watch->fn(watch->ctx);
			if (rc < 0)
				return rc;
			next = now + watch->every_ms;
		}
		if (next - now < left)
			left = next - now;
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
			return 0;
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
	return dvcs_mirror_fetch_watched(a, path, url, token, timeout_s, NULL);
}

/* Runs git with argv and env until it exits, deadline (epoch ms) passes or the watch (may be
 * NULL) fails: 0 when it exited with 0, else WEFT_ERROR with *end saying how (git's stderr in
 * end->why). */
static int run_git(arena *a, char **argv, char **env, int64_t deadline,
                   const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end)
{
	*end = (dvcs_net_fetch_end){ 0 };
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_fail(WEFT_ERROR, "cannot run git: %s", strerror(errno));
	pid_t pid;
	int rc = spawn_git(&pid, argv, env, -1, -1, fds[1]);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		return rc;
	}
	buf err = BUF_INIT;
	int stop = read_stderr(fds[0], &err, deadline, watch);
	close(fds[0]);
	if (stop != 0)
		kill(-pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*end = (dvcs_net_fetch_end){ .late = stop == 1, .stop = stop < 0 ? stop : 0 };
	rc = stop == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : WEFT_ERROR;
	if (rc < 0)
		end->why = trimmed(a, &err);
	buf_dispose(&err);
	return rc;
}

/* The fetch by a git child: 0, or WEFT_ERROR with *end saying how it ended. */
static int git_fetch(arena *a, const char *path, const char *url, const char *header,
                     int64_t deadline, const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end)
{
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
	return run_git(a, argv, git_env(a, path, header), deadline, watch, end);
}

int dvcs_mirror_fetch_watched(arena *a, const char *path, const char *url, const char *token,
                              int timeout_s, const dvcs_fetch_watch *watch)
{
	int rc = ensure_mirror(path);
	if (rc < 0)
		return rc;
	const char *encoded = "";
	const char *header = token ? auth_header(a, token, &encoded) : "Accept: */*";
	int64_t deadline = clock_now_ms() + (int64_t)timeout_s * 1000;
	dvcs_net_fetch_end end = { 0 };
	rc = dvcs_net_fetch(a, path, url, token ? header : NULL, deadline, watch, &end);
	if (rc == 1)
		rc = git_fetch(a, path, url, header, deadline, watch, &end);
	if (rc == 0)
		return 0;
	if (end.stop < 0)
		return end.stop; /* the watch's error, its message kept */
	const char *text = end.why ? end.why : arena_strdup(a, err_msg());
	if (token)
		text = scrub(a, scrub(a, text, token), encoded);
	if (end.late)
		return err_fail(WEFT_ERROR, "git fetch of %s took longer than %d s: %s", url,
		                timeout_s, text);
	return err_fail(WEFT_ERROR, "git fetch of %s failed: %s", url, text);
}

/* The packs of the mirror at path (0 when it has none, or no pack folder). */
static size_t pack_count(arena *a, const char *path)
{
	DIR *d = opendir(arena_printf(a, "%s/objects/pack", path));
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		n += len > 5 && strcmp(e->d_name + len - 5, ".pack") == 0;
	}
	closedir(d);
	return n;
}

int dvcs_mirror_tidy(arena *a, const char *path, int timeout_s)
{
	if (pack_count(a, path) <= DVCS_MIRROR_PACKS_MAX)
		return 0;
	char *argv[] = { "git",    arena_printf(a, "--git-dir=%s", path),
		         "repack", "-d",
		         "-q",     "--geometric=2",
		         NULL };
	dvcs_net_fetch_end end;
	int rc = run_git(a, argv, git_env(a, path, NULL),
	                 clock_now_ms() + (int64_t)timeout_s * 1000, NULL, &end);
	if (rc < 0 && end.why)
		return err_fail(WEFT_ERROR, "git repack of %s failed: %s", path, end.why);
	return rc;
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
	m->path = strdup(path);
	if (!m->path) {
		dvcs_mirror_close(m);
		return err_fail(WEFT_ERROR, "out of memory");
	}
	*out = m;
	return 0;
}

void dvcs_mirror_close(dvcs_mirror *m)
{
	if (!m)
		return;
	free(m->path);
	git_odb_free(m->odb);
	git_repository_free(m->repo);
	free(m);
}

git_repository *dvcs_mirror_repository(dvcs_mirror *m)
{
	return m->repo;
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

bool dvcs_mirror_descends(dvcs_mirror *m, const char *hash, const char *ancestor)
{
	git_oid id, base;
	if (git_oid_fromstr(&id, hash) < 0 || git_oid_fromstr(&base, ancestor) < 0)
		return false;
	return git_oid_equal(&id, &base) || git_graph_descendant_of(m->repo, &id, &base) == 1;
}

/* ---- a commit's file count ---- */

int dvcs_mirror_count_files(dvcs_mirror *m, const struct git_commit *c, int *count)
{
	git_tree *tree = NULL, *base = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	git_diff_options opt;
	git_diff_options_init(&opt, GIT_DIFF_OPTIONS_VERSION);
	opt.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK;
	int e = git_commit_tree(&tree, c);
	if (e == 0 && git_commit_parentcount(c) > 0)
		e = git_commit_parent(&parent, c, 0);
	if (e == 0 && parent)
		e = git_commit_tree(&base, parent);
	if (e == 0)
		e = git_diff_tree_to_tree(&diff, m->repo, base, tree, &opt);
	if (e == 0)
		*count = (int)git_diff_num_deltas(diff);
	git_diff_free(diff);
	git_tree_free(base);
	git_commit_free(parent);
	git_tree_free(tree);
	return e < 0 ? git_fail("cannot count a commit's files") : 0;
}

int dvcs_mirror_files(dvcs_mirror *m, const char *hash, int *count)
{
	git_oid id;
	git_commit *c = NULL;
	*count = DVCS_FILES_UNKNOWN;
	if (strlen(hash) != DVCS_HASH_LEN || git_oid_fromstr(&id, hash) < 0)
		return err_fail(WEFT_EINVALID, "not a commit id: %.60s", hash);
	int e = git_commit_lookup(&c, m->repo, &id);
	if (e == GIT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "%s lacks %s", m->path, hash);
	int rc = e < 0 ? git_fail("cannot read a commit of the mirror")
	               : dvcs_mirror_count_files(m, c, count);
	git_commit_free(c);
	return rc;
}

/* ---- the walk: one git log, streamed ---- */

/* A record of git log -z with this format is an empty field (its start: no other field that can
 * be empty comes where a record may start), the hash, the parents, the author's name, email and
 * date, the message; git ends it with a NUL of its own (-z). Git cuts every field at a NUL of its
 * own, so no content can shift the fields. */
#define WALK_FORMAT "--format=%x00%H%x00%P%x00%an%x00%ae%x00%at%x00%B"

enum walk_field { W_HASH, W_PARENTS, W_NAME, W_EMAIL, W_TIME, W_MESSAGE, W_END };

/* A field being read, kept up to its bound (the rest is dropped). */
typedef struct walk_text {
	char *p;
	size_t len, max;
	bool cut; /* longer than max */
} walk_text;

/* The parser's state, made once per walk: no allocation per commit. */
typedef struct walk_parse {
	enum walk_field field;
	bool open; /* a record is being read */
	size_t token; /* bytes of the current field so far */
	bool merge; /* a space in the parents */
	walk_text hash, name, email, time, message;
	dvcs_commit_fn fn;
	void *ctx;
} walk_parse;

static walk_text *field_text(walk_parse *w)
{
	switch (w->field) {
	case W_HASH: return &w->hash;
	case W_NAME: return &w->name;
	case W_EMAIL: return &w->email;
	case W_TIME: return &w->time;
	case W_MESSAGE: return &w->message;
	default: return NULL;
	}
}

static void take_bytes(walk_parse *w, const char *p, size_t n)
{
	w->token += n;
	if (w->field == W_PARENTS && memchr(p, ' ', n))
		w->merge = true;
	walk_text *t = field_text(w);
	if (!t)
		return;
	size_t room = t->max - t->len, k = n < room ? n : room;
	memcpy(t->p + t->len, p, k);
	t->len += k;
	t->cut = t->cut || k < n;
}

static int malformed(void)
{
	return err_fail(WEFT_ERROR, "git log gave output that is not a commit list");
}

/* The record read so far, to fn. */
static int emit(walk_parse *w)
{
	dvcs_commit c = { .is_merge = w->merge, .file_count = DVCS_FILES_UNKNOWN };
	if (w->hash.len != DVCS_HASH_LEN || w->hash.cut || w->time.cut)
		return malformed();
	memcpy(c.hash, w->hash.p, DVCS_HASH_LEN);
	int64_t at = 0;
	for (size_t i = 0; i < w->time.len; i++) {
		if (w->time.p[i] < '0' || w->time.p[i] > '9')
			return malformed();
		at = at * 10 + (w->time.p[i] - '0');
	}
	c.authored_at = at * 1000;
	walk_text *texts[] = { &w->name, &w->email, &w->message };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		texts[i]->p[texts[i]->len] = '\0';
	c.author_name = w->name.p;
	c.author_email = w->email.p;
	c.message = w->message.p;
	return w->fn(w->ctx, &c);
}

/* The end of a field (a NUL): the next field, or the next record. */
static int end_field(walk_parse *w)
{
	int rc = 0;
	if (w->field != W_END)
		w->field++;
	else if (w->token > 0)
		rc = malformed();
	else {
		if (w->open)
			rc = emit(w);
		w->open = true;
		w->field = W_HASH;
		w->merge = false;
		w->hash.len = w->name.len = w->email.len = w->time.len = w->message.len = 0;
		w->hash.cut = w->name.cut = w->email.cut = w->time.cut = w->message.cut = false;
	}
	w->token = 0;
	return rc;
}

static int parse_chunk(walk_parse *w, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		take_bytes(w, p, (size_t)((nul ? nul : end) - p));
		if (!nul)
			return 0;
		int rc = end_field(w);
		if (rc != 0)
			return rc;
		p = nul + 1;
	}
	return 0;
}

/* The end of the output: the last record, when one is open and complete. */
static int parse_end(walk_parse *w)
{
	if (w->field == W_MESSAGE && w->open) /* a message git did not end: take it */
		w->field = W_END;
	else if (w->field != W_END || w->token > 0)
		return malformed();
	return w->open ? emit(w) : 0;
}

/* Its texts, in one allocation. */
static int walk_parse_init(walk_parse *w, dvcs_commit_fn fn, void *ctx)
{
	*w = (walk_parse){ .field = W_END, .fn = fn, .ctx = ctx };
	size_t sizes[] = { DVCS_HASH_LEN, WALK_IDENT_MAX, WALK_IDENT_MAX, WALK_TIME_MAX,
		           DVCS_MESSAGE_MAX };
	walk_text *texts[] = { &w->hash, &w->name, &w->email, &w->time, &w->message };
	size_t total = 0;
	for (size_t i = 0; i < 5; i++)
		total += sizes[i] + 1;
	char *p = malloc(total);
	if (!p)
		return err_fail(WEFT_ERROR, "out of memory");
	for (size_t i = 0; i < 5; i++) {
		*texts[i] = (walk_text){ .p = p, .max = sizes[i] };
		p += sizes[i] + 1;
	}
	return 0;
}

/* The revisions for git log --stdin, one a line: from, then ^ and each hidden one the mirror
 * has.
 * WEFT_EINVALID for what is not a commit id; WEFT_ERROR when a from commit is missing. */
static int walk_revisions(dvcs_mirror *m, buf *out, const char *const *from, size_t nfrom,
                          const char *const *hide, size_t nhide)
{
	git_oid id;
	for (size_t i = 0; i < nfrom; i++) {
		if (git_oid_fromstr(&id, from[i]) < 0 || strlen(from[i]) != DVCS_HASH_LEN)
			return err_fail(WEFT_EINVALID, "not a commit id: %.60s", from[i]);
		if (!dvcs_mirror_has(m, from[i]))
			return err_fail(WEFT_ERROR, "cannot walk from a branch head: %s lacks %s",
			                m->path, from[i]);
		buf_printf(out, "%s\n", from[i]);
	}
	for (size_t i = 0; i < nhide; i++) {
		if (git_oid_fromstr(&id, hide[i]) < 0 || strlen(hide[i]) != DVCS_HASH_LEN)
			return err_fail(WEFT_EINVALID, "not a commit id: %.60s", hide[i]);
		if (dvcs_mirror_has(m, hide[i]))
			buf_printf(out, "^%s\n", hide[i]);
	}
	return 0;
}

/* The running git log: its pipes and what it said on stderr. */
typedef struct walk_child {
	pid_t pid;
	int in, out, err;
	buf said;
} walk_child;

static int walk_spawn(walk_child *k, arena *a, dvcs_mirror *m, bool ordered)
{
	char *argv[12];
	size_t n = 0;
	argv[n++] = "git";
	argv[n++] = arena_printf(a, "--git-dir=%s", m->path);
	argv[n++] = "log";
	argv[n++] = "--stdin";
	argv[n++] = "-z";
	argv[n++] = "--no-color";
	argv[n++] = "--no-show-signature";
	argv[n++] = WALK_FORMAT;
	if (ordered) { /* parents before children */
		argv[n++] = "--date-order";
		argv[n++] = "--reverse";
	}
	argv[n] = NULL;
	int fds[6] = { -1, -1, -1, -1, -1, -1 }; /* stdin, stdout and stderr pipes */
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < 6; i += 2)
		if (pipe2(fds + i, O_CLOEXEC) < 0)
			rc = err_fail(WEFT_ERROR, "cannot run git: %s", strerror(errno));
	if (rc == 0)
		rc = spawn_git(&k->pid, argv, git_env(a, m->path, NULL), fds[0], fds[3], fds[5]);
	/* the child's ends, and on failure ours too */
	for (size_t i = 0; i < 6; i++)
		if (fds[i] >= 0 && (rc < 0 || i == 0 || i == 3 || i == 5))
			close(fds[i]);
	if (rc == 0) {
		k->in = fds[1];
		k->out = fds[2];
		k->err = fds[4];
	}
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t put = write(fd, p, n);
		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return err_fail(WEFT_ERROR, "cannot give git log its revisions: %s",
			                strerror(errno));
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

/* Reads stdout into the parser and stderr into k->said (bounded) until both close, or the
 * parser stops (its non-zero code returned). */
static int walk_read(walk_child *k, walk_parse *w)
{
	char *chunk = malloc(WALK_READ);
	if (!chunk)
		return err_fail(WEFT_ERROR, "out of memory");
	int rc = 0;
	while (rc == 0 && (k->out >= 0 || k->err >= 0)) {
		struct pollfd p[2] = { { .fd = k->out, .events = POLLIN },
			               { .fd = k->err, .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno != EINTR)
				rc = err_fail(WEFT_ERROR, "cannot read git log: %s",
				              strerror(errno));
			continue;
		}
		for (size_t i = 0; i < 2 && rc == 0; i++) {
			int *fd = i == 0 ? &k->out : &k->err;
			if (*fd < 0 || !p[i].revents)
				continue;
			ssize_t got = read(*fd, chunk, WALK_READ);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(*fd);
				*fd = -1;
			} else if (i == 0)
				rc = parse_chunk(w, chunk, (size_t)got);
			else if (k->said.len < DVCS_FETCH_STDERR_MAX)
				buf_append(&k->said, chunk, (size_t)got);
		}
	}
	free(chunk);
	return rc;
}

/* Closes what is open, kills the child when it still runs (stop), and waits for it: 0 when it
 * exited with 0. */
static int walk_reap(walk_child *k, bool stop)
{
	int fds[] = { k->in, k->out, k->err };
	for (size_t i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (k->pid <= 0)
		return -1;
	if (stop)
		kill(-k->pid, SIGKILL);
	int status = 0;
	while (waitpid(k->pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int dvcs_mirror_walk(dvcs_mirror *m, const char *const *from, size_t nfrom, const char *const *hide,
                     size_t nhide, bool ordered, dvcs_commit_fn fn, void *ctx)
{
	if (nfrom == 0)
		return 0;
	arena *a = arena_new();
	buf revs = BUF_INIT;
	walk_parse w = { 0 };
	walk_child k = { .pid = -1, .in = -1, .out = -1, .err = -1 };
	int rc = a ? walk_revisions(m, &revs, from, nfrom, hide, nhide)
	           : err_fail(WEFT_ERROR, "out of memory");
	if (rc == 0)
		rc = walk_parse_init(&w, fn, ctx);
	if (rc == 0)
		rc = walk_spawn(&k, a, m, ordered);
	/* git reads all of its revisions before it writes a line */
	if (rc == 0)
		rc = write_all(k.in, revs.ptr, revs.len);
	if (k.in >= 0)
		close(k.in);
	k.in = -1;
	if (rc == 0)
		rc = walk_read(&k, &w);
	bool stopped = rc != 0;
	int exit_rc = walk_reap(&k, stopped);
	if (rc == 0 && exit_rc < 0)
		rc = err_fail(WEFT_ERROR, "git log of %s failed: %s", m->path, trimmed(a, &k.said));
	if (rc == 0)
		rc = parse_end(&w);
	free(w.hash.p);
	buf_dispose(&k.said);
	buf_dispose(&revs);
	arena_free(a);
	return rc;
}
