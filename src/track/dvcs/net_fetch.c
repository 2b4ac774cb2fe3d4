/* A mirror's fetch through libgit2 over sockets of weft's own: libgit2 gives no socket timeout,
 * so its plain streams (and, below its TLS, the sockets of its HTTPS) are this file's, which wait
 * with poll in slices and call the fetch's watch between them. The limits of the fetch running
 * on a thread are that thread's (fetch_limits); a stream without them waits as long as it must. */
#include "track/dvcs/net_fetch.h"

#include <errno.h>
#include <git2.h>
#include <git2/sys/stream.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/gitlib.h"
#include "base/log.h"
#include "track/dvcs/pack_fetch.h"

enum { WAIT_SLICE_MS = 1000 }; /* the longest poll without a look at the clock */

/* The running fetch's deadline and watch. */
typedef struct fetch_limits {
	int64_t deadline; /* epoch ms */
	const dvcs_fetch_watch *watch;
	int64_t next; /* when the watch is due */
	int stop; /* the watch's error */
	bool late;
} fetch_limits;

static _Thread_local fetch_limits *limits;

typedef struct net_stream {
	git_stream parent;
	char *host, *port;
	int fd;
} net_stream;

/* The watch when it is due: 0, or its error (kept in l->stop). */
static int watch_due(fetch_limits *l, int64_t now)
{
	if (!l->watch || now < l->next)
		return 0;
	int rc = l->watch->fn(l->watch->ctx);
	l->next = now + l->watch->every_ms;
	if (rc < 0)
		l->stop = rc;
	return rc < 0 ? rc : 0;
}

/* How long the next poll may wait: -1 with libgit2's error set when the fetch must end now. */
static int poll_slice(void)
{
	fetch_limits *l = limits;
	if (!l)
		return WAIT_SLICE_MS;
	int64_t now = clock_now_ms();
	if (now >= l->deadline) {
		l->late = true;
		git_error_set_str(GIT_ERROR_NET, "the host did not answer in time");
		return -1;
	}
	if (watch_due(l, now) < 0) {
		git_error_set_str(GIT_ERROR_NET, "the fetch was stopped");
		return -1;
	}
	int64_t wait = l->deadline - now;
	if (l->watch && l->next - now < wait)
		wait = l->next - now;
	return wait < WAIT_SLICE_MS ? (int)wait : WAIT_SLICE_MS;
}

/* Waits until fd is ready for events: 0, or -1 with libgit2's error set. */
static int wait_ready(int fd, short events)
{
	for (;;) {
		int wait = poll_slice();
		if (wait < 0)
			return -1;
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, wait);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR) {
			git_error_set(GIT_ERROR_OS, "cannot wait for the host: %s",
			              strerror(errno));
			return -1;
		}
	}
}

/* A non-blocking socket connected to ai: its fd, or -1 with *err (errno) or libgit2's error set
 * (*err 0: the fetch must end). */
static int connect_one(const struct addrinfo *ai, int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	                ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	int e = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
	if (e == EINPROGRESS) {
		socklen_t len = sizeof e;
		if (wait_ready(fd, POLLOUT) < 0) {
			close(fd);
			*err = 0;
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
	}
	if (e != 0) {
		close(fd);
		*err = e;
		return -1;
	}
	/* libgit2 writes a request's headers and body apart: no Nagle wait between them */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int net_connect(git_stream *stream)
{
	net_stream *s = (net_stream *)stream;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *found = NULL;
	int e = getaddrinfo(s->host, s->port, &hints, &found);
	if (e != 0) {
		git_error_set(GIT_ERROR_NET, "cannot resolve %s: %s", s->host, gai_strerror(e));
		return -1;
	}
	int err = ECONNREFUSED;
	for (const struct addrinfo *ai = found; ai && s->fd < 0 && err != 0; ai = ai->ai_next)
		s->fd = connect_one(ai, &err);
	freeaddrinfo(found);
	if (s->fd >= 0)
		return 0;
	if (err != 0)
		git_error_set(GIT_ERROR_NET, "cannot connect to %s: %s", s->host, strerror(err));
	return -1;
}

/* After a recv or send that failed: 0 to try again (interrupted, or fd ready now), or -1 with
 * libgit2's error set. */
static int again(const net_stream *s, short events, const char *what)
{
	if (errno == EINTR)
		return 0;
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		git_error_set(GIT_ERROR_NET, "cannot %s %s: %s", what, s->host, strerror(errno));
		return -1;
	}
	return wait_ready(s->fd, events);
}

static ssize_t net_read(git_stream *stream, void *data, size_t len)
{
	net_stream *s = (net_stream *)stream;
	for (;;) {
		ssize_t got = recv(s->fd, data, len, 0);
		if (got >= 0)
			return got;
		if (again(s, POLLIN, "read from") < 0)
			return -1;
	}
}

static ssize_t net_write(git_stream *stream, const char *data, size_t len, int flags)
{
	(void)flags;
	net_stream *s = (net_stream *)stream;
	size_t done = 0;
	while (done < len) {
		ssize_t put = send(s->fd, data + done, len - done, MSG_NOSIGNAL);
		if (put >= 0)
			done += (size_t)put;
		else if (again(s, POLLOUT, "write to") < 0)
			return -1;
	}
	return (ssize_t)len;
}

static int net_close(git_stream *stream)
{
	net_stream *s = (net_stream *)stream;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return 0;
}

static void net_free(git_stream *stream)
{
	net_stream *s = (net_stream *)stream;
	net_close(stream);
	free(s->host);
	free(s->port);
	free(s);
}

static int net_stream_new(git_stream **out, const char *host, const char *port)
{
	net_stream *s = calloc(1, sizeof *s);
	if (s) {
		s->host = strdup(host);
		s->port = strdup(port);
	}
	if (!s || !s->host || !s->port) {
		if (s)
			net_free(&s->parent);
		git_error_set_oom();
		return -1;
	}
	s->fd = -1;
	s->parent = (git_stream){ .version = GIT_STREAM_VERSION,
		                  .connect = net_connect,
		                  .read = net_read,
		                  .write = net_write,
		                  .close = net_close,
		                  .free = net_free };
	*out = &s->parent;
	return 0;
}

/* Whether the repository has a branch: 1, 0, or -1. */
static int has_branch(git_repository *repo)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	if (git_reference_iterator_glob_new(&it, repo, "refs/heads/*") < 0)
		return -1;
	int e = git_reference_next(&ref, it);
	git_reference_free(ref);
	git_reference_iterator_free(it);
	return e == 0 ? 1 : e == GIT_ITEROVER ? 0 : -1;
}

/* The names of the host's branches (refs/heads/…), in a. */
static int remote_branches(git_remote *remote, arena *a, array *names)
{
	const git_remote_head **heads = NULL;
	size_t n = 0;
	if (git_remote_ls(&heads, &n, remote) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strncmp(heads[i]->name, "refs/heads/", strlen("refs/heads/")) == 0)
			*ARRAY_PUSH(a, names, const char *) = arena_strdup(a, heads[i]->name);
	return 0;
}

static bool named(const array *names, const char *name)
{
	const char *const *items = names->items;
	for (size_t i = 0; i < names->n; i++)
		if (strcmp(items[i], name) == 0)
			return true;
	return false;
}

/* Deletes the mirror's branches that are not among names (the host deleted them). */
static int prune(git_repository *repo, const array *names)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	if (git_reference_iterator_glob_new(&it, repo, "refs/heads/*") < 0)
		return -1;
	int e;
	while ((e = git_reference_next(&ref, it)) == 0) {
		if (!named(names, git_reference_name(ref)))
			e = git_reference_delete(ref);
		git_reference_free(ref);
		if (e < 0)
			break;
	}
	git_reference_iterator_free(it);
	return e == GIT_ITEROVER ? 0 : -1;
}

/* Connect, download, update the branches, prune: libgit2's steps, with the host's branches read
 * while connected (git_remote_prune would prune by the remote's configured refspecs, and an
 * anonymous remote has none). */
static int fetch_steps(git_repository *repo, arena *a, const char *url, const char *header)
{
	git_remote *remote = NULL;
	char *spec = "+refs/heads/*:refs/heads/*";
	git_strarray specs = { &spec, 1 };
	char *headers[] = { (char *)header };
	git_remote_connect_options connect;
	git_remote_connect_options_init(&connect, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	connect.custom_headers = (git_strarray){ headers, header ? 1 : 0 };
	git_fetch_options fetch;
	git_fetch_options_init(&fetch, GIT_FETCH_OPTIONS_VERSION);
	fetch.custom_headers = connect.custom_headers;
	fetch.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fetch.prune = GIT_FETCH_NO_PRUNE;
	fetch.update_fetchhead = 0;
	/* An anonymous remote that skips url.*.insteadOf: the mirror's URL is the one the account
	 * gave, and libgit2 1.5 leaks a regex match per remote when it looks those up. */
	git_remote_create_options create;
	git_remote_create_options_init(&create, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	create.repository = repo;
	create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	array names = ARRAY_INIT;
	int e = git_remote_create_with_opts(&remote, url, &create);
	if (e == 0)
		e = git_remote_connect_ext(remote, GIT_DIRECTION_FETCH, &connect);
	if (e == 0)
		e = remote_branches(remote, a, &names);
	if (e == 0)
		e = git_remote_download(remote, &specs, &fetch);
	if (e == 0)
		e = git_remote_update_tips(remote, &fetch.callbacks, 0,
		                           GIT_REMOTE_DOWNLOAD_TAGS_NONE, NULL);
	if (e == 0)
		e = prune(repo, &names);
	git_remote_free(remote);
	return e;
}

/* libgit2's last words, in a; a refused token said so. */
static const char *why(arena *a, int e)
{
	const git_error *g = git_error_last();
	const char *text = g && g->message ? g->message : "libgit2 error";
	if (e == GIT_EAUTH)
		return arena_printf(a, "authorization failed: the host refused the token (%s)",
		                    text);
	return arena_strdup(a, text);
}

/* libgit2's fetch, through this file's streams: 0, or WEFT_ERROR with *end saying how. */
static int libgit2_fetch(arena *a, git_repository *repo, const char *url, const char *header,
                         int64_t deadline, const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end)
{
	git_stream_registration reg = { .version = GIT_STREAM_VERSION, .init = net_stream_new };
	fetch_limits l = { .deadline = deadline,
		           .watch = watch,
		           .next = watch ? clock_now_ms() + watch->every_ms : 0 };
	int e = git_stream_register(GIT_STREAM_STANDARD, &reg);
	if (e == 0) {
		limits = &l;
		e = fetch_steps(repo, a, url, header);
		limits = NULL;
	}
	if (e == 0)
		return 0;
	end->late = l.late;
	end->stop = l.stop;
	end->why = why(a, e);
	return WEFT_ERROR;
}

int dvcs_net_fetch(arena *a, const char *path, const char *url, const char *header,
                   int64_t deadline, const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end)
{
	*end = (dvcs_net_fetch_end){ 0 };
	git_repository *repo = NULL;
	gitlib_ready();
	int e = git_repository_open_bare(&repo, path);
	int branches = e == 0 ? has_branch(repo) : -1;
	int rc = branches == 0 ? 1 : 0;
	const char *skipped = NULL;
	if (branches == 1)
		rc = dvcs_pack_fetch(a, repo, url, header, deadline, watch, end, &skipped);
	if (branches == 1 && rc == 1) {
		log_debug("dvcs fetch of %s by libgit2: %s", url, skipped);
		rc = libgit2_fetch(a, repo, url, header, deadline, watch, end);
	}
	if (branches < 0) {
		end->why = why(a, e);
		rc = WEFT_ERROR;
	}
	git_repository_free(repo);
	return rc;
}
