/* Git over smart HTTP. Each request runs one `git upload-pack` or `git receive-pack
 * --stateless-rpc` in a clean environment and its own process group. The request body is fed to
 * its stdin while its stdout is watched: output that comes before the body is all written goes to
 * a bounded buffer that overflows into an unlinked temporary file, so neither side can block the
 * other, and memory never grows with the size of a pack. The process is reaped when the response
 * ends, and killed when the client goes away or the time limit passes. While git computes (counting
 * objects, resolving deltas) the response waits without holding its worker thread
 * (WEB_STREAM_WAIT on its stdout). The one exception is upload-pack's protocol v0 ref
 * advertisement (no version in Git-Protocol: every v0 client, and track's connector), which
 * advertise.c writes in process as git would, unless the repository needs git's own answer. */
#include "hub/git/git_http.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "hub/git/advertise.h"
#include "hub/hook/hook_config.h"
#include "hub/hub.h"
#include "hub/repo/repo.h"
#include "hub/git/push.h"
#include "web/escape.h"

enum {
	SPILL_MEMORY = 64 * 1024, /* child output held in memory before a temporary file takes it */
	IO_CHUNK = 32 * 1024,
	ENV_MAX = 16,
	GIT_PROTOCOL_MAX = 256,
	HOOK_LOG_FD = 3, /* the server's stderr, for the hook's server-side log line */
	PIPE_SIZE = 1024 * 1024, /* Linux's default /proc/sys/fs/pipe-max-size */
};

typedef struct git_rpc {
	pid_t pid; /* the child, leader of its own process group; 0 once reaped */
	int in_fd; /* its stdin; -1 once closed */
	int out_fd; /* its stdout; -1 once it ended */
	int lock_fd; /* receive-pack: the shared push lock; -1 otherwise */
	db *wake; /* receive-pack: whose job workers to wake once the hook has run; else NULL */
	int64_t deadline_ns;
	const char *service; /* "upload-pack" or "receive-pack" */
	bool gzip; /* the body is gzip-encoded: z inflates it */
	bool z_end;
	z_stream z;
	size_t inflated; /* body bytes after inflating, bounded like the body */
	bool input_dropped; /* the child stopped reading: the rest of the body is discarded */
	/* Output that came while the body was still being written: memory, then a file. */
	char *spill;
	size_t spill_len, spill_pos;
	int spill_fd;
	off_t spill_file_len, spill_file_pos;
} git_rpc;

static git_rpc *rpc_new(const char *service)
{
	git_rpc *rpc = mem_zalloc(sizeof *rpc);
	rpc->in_fd = rpc->out_fd = rpc->lock_fd = rpc->spill_fd = -1;
	rpc->service = service;
	rpc->deadline_ns = clock_mono_ns() + (int64_t)GIT_HTTP_TIME_LIMIT_S * 1000000000;
	return rpc;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Waits for the child; logs an unusual end. */
static void reap(git_rpc *rpc)
{
	int status = 0;
	if (rpc->pid <= 0)
		return;
	while (waitpid(rpc->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		log_warn("git %s ended by signal %d", rpc->service, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_warn("git %s exited with status %d", rpc->service, WEXITSTATUS(status));
	rpc->pid = 0;
	/* The hook enqueued its deliveries from another process: on SQLite nothing else would tell
	 * this process's workers before their next poll. */
	if (rpc->wake)
		db_wake(rpc->wake);
}

/* The request is over, however it ended: a child still running (the client went away, or the
 * time ran out) is killed with its whole process group, then reaped. */
static void rpc_release(void *state)
{
	git_rpc *rpc = state;
	if (!rpc)
		return;
	close_fd(&rpc->in_fd);
	close_fd(&rpc->out_fd);
	if (rpc->pid > 0) {
		kill(-rpc->pid, SIGKILL);
		reap(rpc);
	}
	close_fd(&rpc->lock_fd);
	close_fd(&rpc->spill_fd);
	if (rpc->gzip)
		inflateEnd(&rpc->z);
	free(rpc->spill);
	free(rpc);
}

static int remaining_ms(const git_rpc *rpc)
{
	int64_t left = (rpc->deadline_ns - clock_mono_ns()) / 1000000;
	return left <= 0 ? 0 : left > 60 * 60 * 1000 ? 60 * 60 * 1000 : (int)left;
}

static int timed_out(const git_rpc *rpc)
{
	return err_fail(WEFT_ERROR, "git %s ran over its time limit of %d s", rpc->service,
	                GIT_HTTP_TIME_LIMIT_S);
}

/* ---- spawning ---- */

/* The Git-Protocol header, when it is plain "key=value:key" text (it becomes GIT_PROTOCOL). */
static const char *git_protocol(const web_request *req)
{
	const char *p = web_header(req, "Git-Protocol");
	if (!p || !*p || strlen(p) > GIT_PROTOCOL_MAX)
		return NULL;
	const char *allowed =
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=:._-,";
	return strspn(p, allowed) == strlen(p) ? p : NULL;
}

static bool wants_v2(const web_request *req)
{
	const char *p = git_protocol(req);
	return p && strstr(p, "version=2") != NULL;
}

/* Protocol v0: no version asked for (v1 starts with a "version 1" line of its own). */
static bool speaks_v0(const web_request *req)
{
	const char *p = git_protocol(req);
	return !p || strstr(p, "version=") == NULL;
}

/* The repository's page, for the hook's "Create pull request" hint. */
static const char *repository_url(web_request *req)
{
	const hub_scope *s = hub_scope_of(req);
	buf url = BUF_INIT;
	buf_puts(&url, web_base_url(req));
	buf_puts(&url, "/");
	esc_url_segment(&url, s->ws.slug, strlen(s->ws.slug));
	buf_puts(&url, "/");
	esc_url_segment(&url, s->repository_slug, strlen(s->repository_slug));
	const char *out = arena_strdup(req->arena, buf_cstr(&url));
	buf_dispose(&url);
	return out;
}

/* The child's whole environment: nothing of the server's leaks in but PATH. A push also tells
 * the hook (weft hook post-receive) where the database is and who pushed to what. */
static char **child_env(web_request *req, const char *service, int64_t repository_id)
{
	const hub_app *app = hub_app_of(req);
	const hub_viewer *v = hub_viewer_of(req);
	char **env = arena_alloc(req->arena, ENV_MAX * sizeof *env);
	size_t n = 0;
	const char *path = getenv("PATH");
	env[n++] =
	        arena_printf(req->arena, "PATH=%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
	env[n++] = arena_printf(req->arena, "HOME=%s", app->repos_dir);
	env[n++] = "GIT_CONFIG_NOSYSTEM=1";
	env[n++] = "GIT_TERMINAL_PROMPT=0";
	const char *protocol = git_protocol(req);
	if (protocol)
		env[n++] = arena_printf(req->arena, "GIT_PROTOCOL=%s", protocol);
	if (strcmp(service, "receive-pack") == 0) {
		env[n++] = arena_printf(req->arena, "WEFT_PROGRAM=%s", app->weft_path);
		env[n++] = arena_printf(req->arena, "WEFT_HUB_DB=%s", app->db_url);
		env[n++] = arena_printf(req->arena, "WEFT_REPOSITORY_ID=%lld",
		                        (long long)repository_id);
		if (v)
			env[n++] = arena_printf(req->arena, "WEFT_PUSH_ACTOR=%lld",
			                        (long long)v->user.id);
		env[n++] = arena_printf(req->arena, "WEFT_LOG_FD=%d", HOOK_LOG_FD);
		env[n++] = arena_printf(req->arena, "WEFT_REPOSITORY_URL=%s", repository_url(req));
		env[n++] = arena_printf(req->arena, "WEFT_HOOK_BASE_URL=%s",
		                        hub_hook_config_get()->base_url);
		env[n++] = arena_printf(req->arena, "WEFT_REPOS_DIR=%s", app->repos_dir);
	}
	env[n] = NULL;
	return env;
}

/* stdin from in_read (or /dev/null), stdout to out_write, stderr and (for the hook's log)
 * descriptor 3 to the server's stderr; every other descriptor closed. */
static int child_files(posix_spawn_file_actions_t *fa, int in_read, int out_write, bool hook_log)
{
	int rc = in_read >= 0 ? posix_spawn_file_actions_adddup2(fa, in_read, 0)
	                      : posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(fa, out_write, 1);
	if (rc == 0 && hook_log)
		rc = posix_spawn_file_actions_adddup2(fa, 2, HOOK_LOG_FD);
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(fa, hook_log ? HOOK_LOG_FD + 1 : 3);
	return rc;
}

/* Its own process group (so that killing it ends pack-objects and hooks too), default signal
 * dispositions (the server ignores SIGPIPE; git must not). */
static int child_attributes(posix_spawnattr_t *attr)
{
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	int rc = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                                                POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnattr_setpgroup(attr, 0);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(attr, &none);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(attr, &defaults);
	return rc;
}

/* Runs `git <service> --stateless-rpc [--advertise-refs] <dir>`; with_input gives it a pipe for
 * the request body, otherwise /dev/null. */
static int spawn_git(git_rpc *rpc, char **env, const char *dir, bool advertise, bool with_input)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	char *argv[] = { "git",
		         (char *)rpc->service,
		         "--stateless-rpc",
		         advertise ? "--advertise-refs" : (char *)dir,
		         advertise ? (char *)dir : NULL,
		         NULL };
	int rc = 0;
	if ((with_input && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0) {
		rc = err_fail(WEFT_ERROR, "pipe: %s", strerror(errno));
		goto done;
	}
	bool hook_log = strcmp(rpc->service, "receive-pack") == 0;
	int e = child_files(&fa, in[0], out[1], hook_log);
	if (e == 0)
		e = child_attributes(&attr);
	if (e == 0)
		e = posix_spawnp(&rpc->pid, "git", &fa, &attr, argv, env);
	if (e != 0) {
		rpc->pid = 0;
		rc = err_fail(WEFT_ERROR, "cannot run git %s: %s", rpc->service, strerror(e));
		goto done;
	}
	rpc->in_fd = in[1];
	rpc->out_fd = out[0];
	in[1] = out[0] = -1;
	/* Larger pipes mean fewer wake-ups per pack on both sides; the default is kept when the
	 * system refuses. */
	if (rpc->in_fd >= 0) {
		fcntl(rpc->in_fd, F_SETFL, O_NONBLOCK);
		fcntl(rpc->in_fd, F_SETPIPE_SZ, PIPE_SIZE);
	}
	fcntl(rpc->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(rpc->out_fd, F_SETPIPE_SZ, PIPE_SIZE);
done:
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* ---- the repository ---- */

typedef struct repo_ctx {
	web_request *req;
	hub_repo repo;
} repo_ctx;

static int load_repo(db_conn *c, void *ctx)
{
	repo_ctx *rc = ctx;
	return hub_repo_get(c, rc->req->arena, hub_scope_of(rc->req)->repository_id, &rc->repo);
}

/* The bare repository the authorize hook resolved, as a path in the request's arena. */
static int repo_dir(web_request *req, const char **dir, int64_t *repository_id)
{
	repo_ctx ctx = { .req = req };
	if (!hub_scope_of(req))
		return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	int rc = db_read(hub_app_of(req)->d, load_repo, &ctx);
	if (rc < 0)
		return rc;
	*dir = hub_repo_git_dir(req->arena, hub_app_of(req)->repos_dir, &ctx.repo);
	*repository_id = ctx.repo.id;
	return 0;
}

/* A push holds a shared lock on the repository for as long as receive-pack runs. */
static int take_push_lock(git_rpc *rpc, web_request *req, const char *dir)
{
	const char *path = arena_printf(req->arena, "%s/%s", dir, HUB_PUSH_LOCK);
	rpc->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (rpc->lock_fd < 0 || flock(rpc->lock_fd, LOCK_SH) < 0)
		return err_fail(WEFT_ERROR, "cannot lock %s: %s", path, strerror(errno));
	return 0;
}

/* ---- output held back while the body is written ---- */

static int open_spill_file(git_rpc *rpc)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	rpc->spill_fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (rpc->spill_fd >= 0)
		return 0;
	char name[4096];
	snprintf(name, sizeof name, "%s/weft-git-XXXXXX", dir);
	rpc->spill_fd = mkostemp(name, O_CLOEXEC);
	if (rpc->spill_fd < 0)
		return err_fail(WEFT_ERROR, "cannot create a temporary file in %s: %s", dir,
		                strerror(errno));
	unlink(name);
	return 0;
}

static int spill_append(git_rpc *rpc, const char *data, size_t len)
{
	if (rpc->spill_fd < 0 && rpc->spill_len + len <= SPILL_MEMORY) {
		if (!rpc->spill)
			rpc->spill = mem_alloc(SPILL_MEMORY);
		memcpy(rpc->spill + rpc->spill_len, data, len);
		rpc->spill_len += len;
		return 0;
	}
	if (rpc->spill_fd < 0 && open_spill_file(rpc) < 0)
		return WEFT_ERROR;
	while (len > 0) {
		ssize_t n = pwrite(rpc->spill_fd, data, len, rpc->spill_file_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_fail(WEFT_ERROR, "temporary file: %s", strerror(errno));
		rpc->spill_file_len += n;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads what the child has written so far into the spill. */
static int drain_output(git_rpc *rpc)
{
	char chunk[IO_CHUNK];
	ssize_t n = read(rpc->out_fd, chunk, sizeof chunk);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR
		               ? 0
		               : err_fail(WEFT_ERROR, "reading from git: %s", strerror(errno));
	if (n == 0) {
		close_fd(&rpc->out_fd);
		return 0;
	}
	return spill_append(rpc, chunk, (size_t)n);
}

/* ---- the request body ---- */

/* Writes data to the child's stdin, reading its stdout meanwhile. A child that stops reading
 * (it has answered, or failed) makes the rest of the body irrelevant, not an error: its answer
 * says what happened. */
static int write_input(git_rpc *rpc, const char *data, size_t len)
{
	while (len > 0 && !rpc->input_dropped) {
		struct pollfd p[2] = { { rpc->in_fd, POLLOUT, 0 }, { rpc->out_fd, POLLIN, 0 } };
		int n = poll(p, 2, remaining_ms(rpc));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_fail(WEFT_ERROR, "poll: %s", strerror(errno));
		if (n == 0)
			return timed_out(rpc);
		if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && drain_output(rpc) < 0)
			return WEFT_ERROR;
		if (p[0].revents & (POLLERR | POLLHUP)) {
			rpc->input_dropped = true;
			break;
		}
		if (!(p[0].revents & POLLOUT))
			continue;
		ssize_t w = write(rpc->in_fd, data, len);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w < 0 && errno == EPIPE) {
			rpc->input_dropped = true;
			break;
		}
		if (w < 0)
			return err_fail(WEFT_ERROR, "writing to git: %s", strerror(errno));
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

static int inflate_input(git_rpc *rpc, const char *data, size_t len)
{
	rpc->z.next_in = (Bytef *)data;
	rpc->z.avail_in = (uInt)len;
	while (!rpc->z_end) {
		char out[IO_CHUNK];
		rpc->z.next_out = (Bytef *)out;
		rpc->z.avail_out = sizeof out;
		int zr = inflate(&rpc->z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return err_fail(WEFT_EINVALID,
			                "The gzip-encoded request body is malformed.");
		size_t got = sizeof out - rpc->z.avail_out;
		rpc->inflated += got;
		if (rpc->inflated > GIT_HTTP_BODY_LIMIT)
			return err_fail(WEFT_ETOOLARGE,
			                "The request body inflates to more than %d MiB.",
			                GIT_HTTP_BODY_LIMIT_MIB);
		int rc = write_input(rpc, out, got);
		if (rc < 0)
			return rc;
		rpc->z_end = zr == Z_STREAM_END;
		if (zr == Z_BUF_ERROR || (rpc->z.avail_in == 0 && rpc->z.avail_out != 0))
			break;
	}
	return 0;
}

/* The service a POST route serves, from its pattern's last segment. */
static const char *route_service(const web_request *req)
{
	return str_ends_with(req->route->pattern, "git-receive-pack") ? "receive-pack"
	                                                              : "upload-pack";
}

static int check_content_type(web_request *req, const char *service)
{
	const char *type = web_header(req, "Content-Type");
	const char *wanted = arena_printf(req->arena, "application/x-git-%s-request", service);
	if (!type || strcmp(type, wanted) != 0)
		return err_fail(WEFT_EINVALID, "Expected a body of type %s.", wanted);
	return 0;
}

static int check_encoding(git_rpc *rpc, web_request *req)
{
	const char *encoding = web_header(req, "Content-Encoding");
	if (!encoding || !*encoding || str_eq_nocase(encoding, "identity"))
		return 0;
	if (!str_eq_nocase(encoding, "gzip") && !str_eq_nocase(encoding, "x-gzip"))
		return err_fail(WEFT_EINVALID, "The Content-Encoding %s is not supported.",
		                encoding);
	if (inflateInit2(&rpc->z, 16 + MAX_WBITS) != Z_OK)
		return err_fail(WEFT_ERROR, "zlib: cannot start inflating");
	rpc->gzip = true;
	return 0;
}

/* Starts the git process of a POST, once per request (first chunk, or the handler when the
 * body was empty); it belongs to the request from then on (stream_release). */
static int start_rpc(git_rpc **out, web_request *req)
{
	const char *service = route_service(req);
	const char *dir = NULL;
	int64_t repository_id = 0;
	int rc = check_content_type(req, service);
	if (rc == 0)
		rc = repo_dir(req, &dir, &repository_id);
	if (rc < 0)
		return rc;
	git_rpc *rpc = rpc_new(service);
	req->stream_state = rpc;
	req->stream_release = rpc_release;
	rc = check_encoding(rpc, req);
	if (rc == 0 && strcmp(service, "receive-pack") == 0) {
		rpc->wake = hub_app_of(req)->d;
		rc = take_push_lock(rpc, req, dir);
	}
	if (rc == 0)
		rc = spawn_git(rpc, child_env(req, rpc->service, repository_id), dir, false, true);
	if (rc == 0)
		*out = rpc;
	return rc;
}

int hub_git_rpc_chunk(web_request *req, const char *data, size_t len)
{
	git_rpc *rpc = req->stream_state;
	int rc = rpc ? 0 : start_rpc(&rpc, req);
	if (rc < 0)
		return rc;
	return rpc->gzip ? inflate_input(rpc, data, len) : write_input(rpc, data, len);
}

/* ---- the response ---- */

static ssize_t read_spill(git_rpc *rpc, char *out, size_t max)
{
	if (rpc->spill_pos < rpc->spill_len) {
		size_t n = rpc->spill_len - rpc->spill_pos;
		n = n < max ? n : max;
		memcpy(out, rpc->spill + rpc->spill_pos, n);
		rpc->spill_pos += n;
		return (ssize_t)n;
	}
	if (rpc->spill_fd < 0 || rpc->spill_file_pos >= rpc->spill_file_len)
		return 0;
	ssize_t n = pread(rpc->spill_fd, out, max, rpc->spill_file_pos);
	if (n <= 0) {
		log_error("git %s: reading back its output: %s", rpc->service,
		          n < 0 ? strerror(errno) : "short file");
		return -1;
	}
	rpc->spill_file_pos += n;
	return n;
}

/* The web layer's stream function: the spill first, then the child's stdout to its end. It never
 * waits: with nothing to read yet (git still counting objects) it asks the web layer to call again
 * once stdout is readable, so that the worker thread serves other connections meanwhile. */
static ssize_t read_output(void *ctx, uint64_t offset, char *out, size_t max)
{
	(void)offset;
	git_rpc *rpc = ctx;
	ssize_t n = read_spill(rpc, out, max);
	if (n != 0 || rpc->out_fd < 0)
		goto done;
	if (remaining_ms(rpc) == 0) {
		timed_out(rpc);
		log_error("%s", err_msg());
		return -1;
	}
	n = read(rpc->out_fd, out, max);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return WEB_STREAM_WAIT;
	if (n < 0)
		return -1;
	if (n == 0)
		close_fd(&rpc->out_fd);
done:
	if (n == 0)
		reap(rpc);
	return n;
}

static void no_cache(web_request *req, web_response *res)
{
	res->cacheable = false;
	web_res_header(req, res, "Cache-Control", "no-cache, max-age=0, must-revalidate");
	web_res_header(req, res, "Expires", "Fri, 01 Jan 1980 00:00:00 GMT");
	web_res_header(req, res, "Pragma", "no-cache");
}

static void answer_stream(web_request *req, web_response *res, git_rpc *rpc, const char *kind)
{
	const char *type = arena_printf(req->arena, "application/x-git-%s-%s", rpc->service, kind);
	web_res_stream(res, 200, type, read_output, rpc, NULL);
	web_res_stream_wait(res, rpc->out_fd);
	no_cache(req, res);
}

int hub_git_rpc(web_request *req, web_response *res)
{
	git_rpc *rpc = req->stream_state;
	int rc = rpc ? 0 : start_rpc(&rpc, req);
	if (rc < 0)
		return rc;
	if (rpc->gzip && rpc->inflated > 0 && !rpc->z_end)
		return err_fail(WEFT_EINVALID, "The gzip-encoded request body is truncated.");
	close_fd(&rpc->in_fd);
	answer_stream(req, res, rpc, "result");
	return 0;
}

/* "001e# service=git-upload-pack\n0000": the smart-HTTP preamble of protocol v0 and v1, in
 * head (80 bytes); returns its length. */
static size_t preamble(char *head, const char *service)
{
	char line[64];
	int len = snprintf(line, sizeof line, "# service=git-%s\n", service);
	return (size_t)snprintf(head, 80, "%04x%s0000", len + 4, line);
}

static void service_preamble(git_rpc *rpc)
{
	char head[80];
	spill_append(rpc, head, preamble(head, rpc->service));
}

/* upload-pack's v0 advertisement written in process (advertise.h), as git would write it;
 * WEFT_ENOTFOUND when git must write it. */
static int advertise_in_process(web_request *req, web_response *res, const char *dir,
                                int64_t repository_id)
{
	char head[80];
	buf body = BUF_INIT;
	buf_append(&body, head, preamble(head, "upload-pack"));
	int rc = hub_git_advertise(&body, req->arena, dir,
	                           child_env(req, "upload-pack", repository_id));
	if (rc == 0) {
		web_res_text(res, 200, "");
		res->content_type = "application/x-git-upload-pack-advertisement";
		buf_append(&res->body, body.ptr, body.len);
		no_cache(req, res);
	}
	buf_dispose(&body);
	return rc;
}

int hub_git_info_refs(web_request *req, web_response *res)
{
	const char *service = web_query(req, "service");
	if (!service ||
	    (strcmp(service, "git-upload-pack") != 0 && strcmp(service, "git-receive-pack") != 0))
		return err_fail(WEFT_EINVALID, "Only smart HTTP is served: ask for "
		                               "?service=git-upload-pack or git-receive-pack.");
	const char *dir = NULL;
	int64_t repository_id = 0;
	int rc = repo_dir(req, &dir, &repository_id);
	if (rc < 0)
		return rc;
	if (strcmp(service, "git-upload-pack") == 0 && speaks_v0(req) &&
	    advertise_in_process(req, res, dir, repository_id) == 0)
		return 0;
	git_rpc *rpc = rpc_new(service + 4);
	req->stream_state = rpc;
	req->stream_release = rpc_release;
	/* Protocol v2 starts with its own capability advertisement, as git http-backend does. */
	if (strcmp(rpc->service, "receive-pack") == 0 || !wants_v2(req))
		service_preamble(rpc);
	rc = spawn_git(rpc, child_env(req, rpc->service, repository_id), dir, true, false);
	if (rc < 0)
		return rc;
	answer_stream(req, res, rpc, "advertisement");
	return 0;
}
