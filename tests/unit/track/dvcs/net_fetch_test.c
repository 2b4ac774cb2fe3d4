/* Tests of src/track/dvcs/net_fetch.c through dvcs_mirror_fetch_watched, against a listener of
 * this test's: the token goes as a header only and is in no error; a refused token says
 * "authorization failed"; a host that never answers meets the deadline; a failing watch stops the
 * fetch with its own error; a refused connection; an empty mirror is left to git. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/dvcs/mirror.h"

#define TOKEN "s3cret-token"

/* The listener: answers one connection's request with reply (NULL: never answers), and keeps
 * what it was sent. */
typedef struct listener {
	int fd, port;
	const char *reply;
	char request[4096];
	pthread_t thread;
} listener;

static void *serve(void *ctx)
{
	listener *l = ctx;
	int c = accept(l->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	size_t n = 0;
	while (n < sizeof l->request - 1 && !strstr(l->request, "\r\n\r\n")) {
		ssize_t got = read(c, l->request + n, sizeof l->request - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
		l->request[n] = '\0';
	}
	if (l->reply)
		(void)!write(c, l->reply, strlen(l->reply));
	else
		while (read(c, l->request + n, 1) > 0) /* until the client hangs up */
			;
	close(c);
	return NULL;
}

/* Answers the requests of one keep-alive connection with replies[0..n) in turn, keeping them
 * all (bodies by Content-Length) in l->request. */
typedef struct conversation {
	listener l;
	const char *const *replies;
	const size_t *lengths; /* of each reply (they may hold NULs) */
	size_t n;
} conversation;

static void *converse(void *ctx)
{
	conversation *k = ctx;
	listener *l = &k->l;
	int c = accept(l->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	size_t n = 0, start = 0;
	for (size_t i = 0; i < k->n; i++) {
		char *end = NULL;
		while (n < sizeof l->request - 1 &&
		       !(end = strstr(l->request + start, "\r\n\r\n"))) {
			ssize_t got = read(c, l->request + n, sizeof l->request - 1 - n);
			if (got <= 0)
				break;
			n += (size_t)got;
			l->request[n] = '\0';
		}
		if (!end)
			break;
		const char *length = strstr(l->request + start, "Content-Length: ");
		size_t body = length && length < end ? strtoul(length + 16, NULL, 10) : 0;
		size_t want = (size_t)(end + 4 - l->request) + body;
		while (n < want && n < sizeof l->request - 1) {
			ssize_t got = read(c, l->request + n, sizeof l->request - 1 - n);
			if (got <= 0)
				break;
			n += (size_t)got;
			l->request[n] = '\0';
		}
		start = want;
		(void)!write(c, k->replies[i], k->lengths[i]);
	}
	close(c);
	return NULL;
}

/* A listener on a free port of 127.0.0.1, not accepting yet. */
static void listen_open(listener *l, const char *reply)
{
	*l = (listener){ .reply = reply };
	struct sockaddr_in addr = { .sin_family = AF_INET,
		                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof addr;
	l->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l->fd >= 0);
	assert_int_equal(bind(l->fd, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(l->fd, 4), 0);
	assert_int_equal(getsockname(l->fd, (struct sockaddr *)&addr, &len), 0);
	l->port = ntohs(addr.sin_port);
}

static void listen_start(listener *l, const char *reply)
{
	listen_open(l, reply);
	assert_int_equal(pthread_create(&l->thread, NULL, serve, l), 0);
}

static void listen_stop(listener *l)
{
	shutdown(l->fd, SHUT_RDWR);
	pthread_join(l->thread, NULL);
	close(l->fd);
}

static char dir[256], mirror[300], empty[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/weft-net-fetch-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(mirror, sizeof mirror, "%s/mirror.git", dir);
	snprintf(empty, sizeof empty, "%s/empty.git", dir);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "cd %s && git init -q -b main work && cd work && git -c user.name=A -c"
	         " user.email=a@example.com commit -q --allow-empty -m one && git init -q --bare"
	         " ../mirror.git && git push -q ../mirror.git main 2>/dev/null",
	         dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *url_of(arena *a, const listener *l)
{
	return arena_printf(a, "http://127.0.0.1:%d/ops/r1.git", l->port);
}

static void refused_token(void **state)
{
	(void)state;
	arena *a = arena_new();
	listener l;
	listen_start(&l, "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"hub\"\r\n"
	                 "Content-Length: 0\r\nConnection: close\r\n\r\n");
	int rc = dvcs_mirror_fetch(a, mirror, url_of(a, &l), TOKEN, 30);
	listen_stop(&l);
	assert_int_equal(rc, WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "git fetch of http://127.0.0.1:"));
	assert_non_null(strstr(err_msg(), "authorization failed"));
	assert_null(strstr(err_msg(), TOKEN));
	/* as a header of the request, base64 of x-token-auth:TOKEN, never in its line */
	assert_non_null(strstr(l.request, "GET /ops/r1.git/info/refs?service=git-upload-pack"));
	assert_non_null(
	        strstr(l.request, "Authorization: Basic eC10b2tlbi1hdXRoOnMzY3JldC10b2tlbg=="));
	assert_null(strstr(l.request, TOKEN));
	arena_free(a);
}

/* The advertisement of a branch the mirror lacks, then a refused token on the POST that asks for
 * it: the header went with both requests, the token in neither line nor body. */
static void refused_token_on_the_pack(void **state)
{
	(void)state;
	arena *a = arena_new();
	static const char advertisement[] =
	        "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\n"
	        "Content-Length: 113\r\n\r\n"
	        "001e# service=git-upload-pack\n0000"
	        "004b1111111111111111111111111111111111111111 refs/heads/main\0side-band-64k\n0000";
	const char *replies[] = { advertisement,
		                  "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n" };
	size_t lengths[] = { sizeof advertisement - 1, strlen(replies[1]) };
	conversation k = { .replies = replies, .lengths = lengths, .n = 2 };
	listen_open(&k.l, NULL);
	assert_int_equal(pthread_create(&k.l.thread, NULL, converse, &k), 0);
	int rc = dvcs_mirror_fetch(a, mirror, url_of(a, &k.l), TOKEN, 30);
	listen_stop(&k.l);
	assert_int_equal(rc, WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "authorization failed"));
	assert_null(strstr(err_msg(), TOKEN));
	const char *post = strstr(k.l.request, "POST /ops/r1.git/git-upload-pack HTTP/1.1");
	assert_non_null(post);
	assert_non_null(strstr(post, "Authorization: Basic eC10b2tlbi1hdXRoOnMzY3JldC10b2tlbg=="));
	assert_non_null(strstr(post, "0057want 1111111111111111111111111111111111111111 "));
	assert_null(strstr(k.l.request, TOKEN));
	arena_free(a);
}

static void silent_host_meets_the_deadline(void **state)
{
	(void)state;
	arena *a = arena_new();
	listener l;
	listen_start(&l, NULL);
	int rc = dvcs_mirror_fetch(a, mirror, url_of(a, &l), TOKEN, 1);
	listen_stop(&l);
	assert_int_equal(rc, WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "took longer than 1 s: the host did not answer in time"));
	arena_free(a);
}

static int watched;

static int failing_watch(void *ctx)
{
	(void)ctx;
	watched++;
	return err_fail(WEFT_ECONFLICT, "the lease went to another worker");
}

static void failing_watch_stops_it(void **state)
{
	(void)state;
	arena *a = arena_new();
	listener l;
	listen_start(&l, NULL);
	dvcs_fetch_watch w = { .every_ms = 100, .fn = failing_watch };
	int rc = dvcs_mirror_fetch_watched(a, mirror, url_of(a, &l), TOKEN, 30, &w);
	listen_stop(&l);
	assert_int_equal(rc, WEFT_ECONFLICT);
	assert_string_equal(err_msg(), "the lease went to another worker");
	assert_int_equal(watched, 1);
	arena_free(a);
}

static void refused_connection(void **state)
{
	(void)state;
	arena *a = arena_new();
	listener l;
	listen_start(&l, "");
	listen_stop(&l); /* its port is free again: nothing listens there */
	int rc = dvcs_mirror_fetch(a, mirror, url_of(a, &l), TOKEN, 30);
	assert_int_equal(rc, WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "failed: cannot connect to 127.0.0.1"));
	arena_free(a);
}

static void empty_mirror_is_left_to_git(void **state)
{
	(void)state;
	arena *a = arena_new();
	char url[512];
	snprintf(url, sizeof url, "file://%s", mirror);
	/* no branch yet: the first fetch, of the whole history, is git's */
	assert_int_equal(dvcs_mirror_fetch(a, empty, url, NULL, 30), 0);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "test \"$(git --git-dir=%s rev-parse main)\" = \"$(git --git-dir=%s rev-parse "
	         "main)\"",
	         empty, mirror);
	assert_int_equal(system(cmd), 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_token),
		cmocka_unit_test(refused_token_on_the_pack),
		cmocka_unit_test(silent_host_meets_the_deadline),
		cmocka_unit_test(failing_watch_stops_it),
		cmocka_unit_test(refused_connection),
		cmocka_unit_test(empty_mirror_is_left_to_git),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
