/* Tests of src/track/dvcs/host.c against a one-shot HTTP server in a child process: the
 * authorize URL, escaping, the token endpoint (Basic, the grant's form, refusals as WEFT_EAUTH
 * with the host's words), API calls (Bearer, status codes, error.message), paging with "next"
 * kept on the API's host, and an unreachable host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/dvcs/host.h"

/* A server answering `count` requests with the responses given, in a child; the requests it
 * saw come back through a pipe. */
typedef struct fake {
	pid_t pid;
	int port;
	int requests; /* read end */
	char base[64];
} fake;

static void answer(int fd, const char *response, int out, int port)
{
	char req[8192];
	size_t got = 0;
	ssize_t n;
	/* Headers, then a body of Content-Length bytes. */
	while (got < sizeof req - 1 && (n = read(fd, req + got, sizeof req - 1 - got)) > 0) {
		got += (size_t)n;
		req[got] = '\0';
		char *end = strstr(req, "\r\n\r\n");
		if (!end)
			continue;
		const char *cl = strcasestr(req, "Content-Length: ");
		size_t want = (size_t)(end + 4 - req) + (cl ? strtoul(cl + 16, NULL, 10) : 0);
		if (got >= want)
			break;
	}
	if (write(out, req, got) < 0 || write(out, "\n----\n", 6) < 0)
		_exit(1);
	/* "BASE" in a response is the server's own URL (a next page on the same host); the
	 * Content-Length then grows by the difference. */
	const char *base = strstr(response, "BASE");
	char fixed[8192];
	if (base) {
		char url[64];
		snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
		const char *body = strstr(response, "\r\n\r\n") + 4;
		size_t body_len = strlen(body) - 4 + strlen(url);
		char head[512];
		snprintf(head, sizeof head, "%.*s",
		         (int)(strstr(response, "Content-Length: ") - response), response);
		snprintf(fixed, sizeof fixed,
		         "%sContent-Length: %zu\r\nConnection: close\r\n\r\n%.*s%s%s", head,
		         body_len, (int)(base - body), body, url, base + 4);
		response = fixed;
	}
	if (write(fd, response, strlen(response)) < 0)
		_exit(1);
	close(fd);
}

static fake serve(const char *const *responses, size_t count)
{
	fake f = { 0 };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = { .sin_family = AF_INET,
		                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof addr;
	assert_int_equal(bind(s, (struct sockaddr *)&addr, sizeof addr), 0);
	assert_int_equal(listen(s, 8), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&addr, &len), 0);
	f.port = ntohs(addr.sin_port);
	snprintf(f.base, sizeof f.base, "http://127.0.0.1:%d", f.port);
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	f.pid = fork();
	if (f.pid == 0) {
		close(pipefd[0]);
		for (size_t i = 0; i < count; i++) {
			int fd = accept(s, NULL, NULL);
			if (fd < 0)
				_exit(1);
			answer(fd, responses[i], pipefd[1], f.port);
		}
		_exit(0);
	}
	close(s);
	close(pipefd[1]);
	f.requests = pipefd[0];
	return f;
}

/* Waits for the server and returns what it saw (malloc'd). */
static char *seen(fake *f)
{
	int status;
	waitpid(f->pid, &status, 0);
	char *all = calloc(1, 65536);
	size_t got = 0;
	ssize_t n;
	while (got < 65535 && (n = read(f->requests, all + got, 65535 - got)) > 0)
		got += (size_t)n;
	close(f->requests);
	return all;
}

static const char *json_response(arena *a, int status, const char *body)
{
	return arena_printf(a,
	                    "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: "
	                    "%zu\r\nConnection: close\r\n\r\n%s",
	                    status, strlen(body), body);
}

static void authorize_urls_and_escaping(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_string_equal(dvcs_host_authorize_url(a, "http://h", "k y", "http://t/cb?x=1", "s&t"),
	                    "http://h/site/oauth2/authorize?client_id=k%20y&response_type=code&"
	                    "redirect_uri=http%3A%2F%2Ft%2Fcb%3Fx%3D1&state=s%26t");
	assert_string_equal(dvcs_host_escape(a, "{ab-c}/d"), "%7Bab-c%7D%2Fd");
	arena_free(a);
}

static void the_token_endpoint_uses_basic_and_reads_tokens(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *responses[] = {
		json_response(a, 200,
		              "{\"access_token\": \"AT\", \"refresh_token\": \"RT\","
		              " \"expires_in\": 7200, \"scopes\": \"webhook\"}"),
		json_response(a, 400,
		              "{\"error\": \"invalid_grant\", \"error_description\":"
		              " \"The refresh token is unknown.\"}"),
	};
	fake f = serve(responses, 2);
	dvcs_host_tokens t;
	dvcs_host_error err;
	assert_int_equal(dvcs_host_token_client(a, f.base, "key", "secret", &t, &err), 0);
	assert_string_equal(t.access, "AT");
	assert_string_equal(t.refresh, "RT");
	assert_string_equal(t.scopes, "webhook");
	assert_true(t.expires_at > 0);
	assert_int_equal(dvcs_host_token_refresh(a, f.base, "key", "secret", "R T", &t, &err),
	                 WEFT_EAUTH);
	assert_int_equal(err.status, 400);
	assert_string_equal(err.message, "The refresh token is unknown.");
	char *req = seen(&f);
	assert_non_null(strstr(req, "POST /site/oauth2/access_token HTTP/1.1"));
	assert_non_null(strstr(req, "Authorization: Basic a2V5OnNlY3JldA=="));
	assert_non_null(strstr(req, "grant_type=client_credentials"));
	assert_non_null(strstr(req, "grant_type=refresh_token&refresh_token=R%20T"));
	free(req);
	arena_free(a);
}

static void api_calls_use_bearer_and_map_statuses(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *responses[] = {
		json_response(a, 200, "{\"username\": \"alice\"}"),
		json_response(a, 403,
		              "{\"type\": \"error\", \"error\": {\"message\": \"No admin\"}}"),
		json_response(a, 404, "{\"type\": \"error\", \"error\": {\"message\": \"Gone\"}}"),
		json_response(a, 401, "{\"type\": \"error\", \"error\": {\"message\": \"Bad\"}}"),
		"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n",
	};
	fake f = serve(responses, 5);
	char api[96];
	snprintf(api, sizeof api, "%s/2.0", f.base);
	dvcs_host h = { f.base, api, "TOKEN" };
	dvcs_host_error err;
	json_t *out = NULL;
	assert_int_equal(dvcs_host_call(&h, "GET", "/user", NULL, &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(out, "username")), "alice");
	json_decref(out);
	assert_int_equal(dvcs_host_call(&h, "POST", "/x", json_pack("{s:s}", "a", "b"), &out, &err),
	                 WEFT_EPERM);
	assert_int_equal(err.status, 403);
	assert_string_equal(err.message, "No admin");
	assert_int_equal(dvcs_host_call(&h, "GET", "/y", NULL, &out, &err), WEFT_ENOTFOUND);
	assert_int_equal(dvcs_host_call(&h, "GET", "/z", NULL, &out, &err), WEFT_EAUTH);
	assert_int_equal(dvcs_host_call(&h, "DELETE", "/w", NULL, NULL, &err), 0);
	char *req = seen(&f);
	assert_non_null(strstr(req, "GET /2.0/user HTTP/1.1"));
	assert_non_null(strstr(req, "Authorization: Bearer TOKEN"));
	assert_non_null(strstr(req, "POST /2.0/x HTTP/1.1"));
	assert_non_null(strstr(req, "{\"a\":\"b\"}"));
	assert_non_null(strstr(req, "DELETE /2.0/w HTTP/1.1"));
	free(req);
	arena_free(a);
}

static int count_values(void *ctx, json_t *value)
{
	(void)value;
	++*(int *)ctx;
	return 0;
}

static void pages_are_followed_on_the_same_host_only(void **state)
{
	(void)state;
	arena *a = arena_new();
	int n = 0;
	const char *evil[] = { json_response(
		a, 200, "{\"values\": [1, 2], \"next\": \"http://evil.example/2.0/r?page=2\"}") };
	fake f = serve(evil, 1);
	char api[96];
	snprintf(api, sizeof api, "%s/2.0", f.base);
	dvcs_host h = { f.base, api, "T" };
	dvcs_host_error err;
	assert_int_equal(dvcs_host_each(&h, "/r", count_values, &n, &err), WEFT_ERROR);
	assert_int_equal(n, 2);
	assert_non_null(strstr(err.message, "another host"));
	free(seen(&f));
	arena_free(a);
}

static void pages_follow_next_to_the_end(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *pages[] = {
		json_response(a, 200, "{\"values\": [1, 2], \"next\": \"BASE/2.0/r?page=2\"}"),
		json_response(a, 200, "{\"values\": [3]}"),
	};
	fake f = serve(pages, 2);
	char api[96];
	snprintf(api, sizeof api, "%s/2.0", f.base);
	dvcs_host h = { f.base, api, "T" };
	dvcs_host_error err;
	int n = 0;
	assert_int_equal(dvcs_host_each(&h, "/r?pagelen=100", count_values, &n, &err), 0);
	assert_int_equal(n, 3);
	char *req = seen(&f);
	assert_non_null(strstr(req, "GET /2.0/r?pagelen=100 HTTP/1.1"));
	assert_non_null(strstr(req, "GET /2.0/r?page=2 HTTP/1.1"));
	free(req);
	arena_free(a);
}

static void an_unreachable_host_is_an_error_without_status(void **state)
{
	(void)state;
	arena *a = arena_new();
	dvcs_host h = { "http://127.0.0.1:1", "http://127.0.0.1:1/2.0", "T" };
	dvcs_host_error err;
	json_t *out = NULL;
	assert_int_equal(dvcs_host_call(&h, "GET", "/user", NULL, &out, &err), WEFT_ERROR);
	assert_int_equal(err.status, 0);
	assert_non_null(strstr(err.message, "cannot reach the host"));
	dvcs_host_tokens t;
	assert_int_equal(dvcs_host_token_client(a, h.site_url, "k", "s", &t, &err), WEFT_ERROR);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(authorize_urls_and_escaping),
		cmocka_unit_test(the_token_endpoint_uses_basic_and_reads_tokens),
		cmocka_unit_test(api_calls_use_bearer_and_map_statuses),
		cmocka_unit_test(pages_are_followed_on_the_same_host_only),
		cmocka_unit_test(pages_follow_next_to_the_end),
		cmocka_unit_test(an_unreachable_host_is_an_error_without_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
