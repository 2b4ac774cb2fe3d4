/* Streaming a blob out of `git cat-file`, without blocking a server thread. */
#include "hub/browse/blob_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "web/web.h"

enum { SNIFF_TIMEOUT_MS = 10000 };

extern char **environ;

struct hub_blob_stream {
	pid_t pid;
	int fd;
	int64_t size, sent;
	char head[HUB_BLOB_SNIFF];
	size_t head_len;
};

static int spawn_cat_file(hub_blob_stream *s, const char *git_dir, const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1], dir_arg[4200];
	git_oid_tostr(hex, sizeof hex, oid);
	if (snprintf(dir_arg, sizeof dir_arg, "--git-dir=%s", git_dir) >= (int)sizeof dir_arg)
		return err_fail(WEFT_ERROR, "repository path too long");
	char *argv[] = { "git", dir_arg, "cat-file", "blob", hex, NULL };
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return err_fail(WEFT_ERROR, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	int e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (e == 0)
		e = posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (e == 0)
		e = posix_spawnp(&s->pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (e != 0) {
		close(out[0]);
		s->pid = 0;
		return err_fail(WEFT_ERROR, "cannot run git cat-file: %s", strerror(e));
	}
	s->fd = out[0];
	return 0;
}

/* Reads the head with a bounded wait: the type must be known before the answer starts. */
static int read_head(hub_blob_stream *s)
{
	size_t want = s->size < HUB_BLOB_SNIFF ? (size_t)s->size : HUB_BLOB_SNIFF;
	while (s->head_len < want) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int ready = poll(&p, 1, SNIFF_TIMEOUT_MS);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			return err_fail(WEFT_ERROR, "git cat-file gave nothing in time");
		ssize_t n = read(s->fd, s->head + s->head_len, want - s->head_len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return err_fail(WEFT_ERROR, "git cat-file ended early");
		s->head_len += (size_t)n;
	}
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	return 0;
}

int hub_blob_stream_open(hub_blob_stream **out, const char *git_dir, const git_oid *oid,
                         int64_t size, const void **head, size_t *head_len)
{
	hub_blob_stream *s = mem_zalloc(sizeof *s);
	s->fd = -1;
	s->size = size;
	int rc = spawn_cat_file(s, git_dir, oid);
	if (rc == 0)
		rc = read_head(s);
	if (rc < 0) {
		hub_blob_stream_free(s);
		return rc;
	}
	*head = s->head;
	*head_len = s->head_len;
	*out = s;
	return 0;
}

int hub_blob_stream_fd(const hub_blob_stream *s)
{
	return s->fd;
}

/* True when git exited cleanly; reaps it. */
static bool reaped_cleanly(hub_blob_stream *s)
{
	int status = 0;
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

ssize_t hub_blob_stream_read(void *stream, uint64_t offset, char *out, size_t max)
{
	hub_blob_stream *s = stream;
	if (offset < s->head_len) {
		size_t n = s->head_len - (size_t)offset < max ? s->head_len - (size_t)offset : max;
		memcpy(out, s->head + offset, n);
		s->sent = (int64_t)(offset + n);
		return (ssize_t)n;
	}
	ssize_t n = read(s->fd, out, max);
	if (n > 0) {
		s->sent += n;
		return s->sent > s->size ? -1 : n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return WEB_STREAM_WAIT;
	if (n == 0 && s->sent == s->size && reaped_cleanly(s))
		return 0;
	log_warn("git cat-file stopped after %lld of %lld bytes", (long long)s->sent,
	         (long long)s->size);
	return -1;
}

void hub_blob_stream_free(void *stream)
{
	hub_blob_stream *s = stream;
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	free(s);
}
