/* Tests of src/web/server.c, request.c and response.c through a real socket: a test service on a
 * free port, driven with libcurl. Covers the central checks (hooks, limits, parameters), streamed
 * bodies in both directions, validators, headers and the graceful stop. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/token.h"
#include "base/asset.h"
#include "web/embedded.h"
#include "web/server.h"
#include "web/session.h"
#include "web/template.h"

/* ---- the test service ---- */

static atomic_size_t streamed_bytes;
static atomic_int csrf_checks;

static int echo_json(web_request *req, web_response *res)
{
	json_t *got = req->json ? json_incref(req->json) : json_null();
	web_res_json(res, 200, json_pack("{s:o, s:s}", "got", got, "id", req->id));
	return 0;
}

static int echo_form(web_request *req, web_response *res)
{
	const web_part *file = web_parts_get(&req->parts, "upload");
	web_res_json(res, 200,
	             json_pack("{s:s?, s:s?, s:i}", "title", web_pairs_get(&req->form, "title"),
	                       "file", file ? file->filename : NULL, "size",
	                       file ? (json_int_t)file->len : -1));
	return 0;
}

static int count_chunk(web_request *req, const char *data, size_t len)
{
	(void)req;
	(void)data;
	atomic_fetch_add(&streamed_bytes, len);
	return 0;
}

static int upload_done(web_request *req, web_response *res)
{
	(void)req;
	char text[32];
	snprintf(text, sizeof text, "%zu", atomic_load(&streamed_bytes));
	web_res_text(res, 200, text);
	return 0;
}

typedef struct counter_stream {
	size_t left;
} counter_stream;

static ssize_t produce(void *ctx, uint64_t offset, char *out, size_t max)
{
	(void)offset;
	counter_stream *cs = ctx;
	size_t n = cs->left < max ? cs->left : max;
	memset(out, 'x', n);
	cs->left -= n;
	return (ssize_t)n;
}

static int stream_out(web_request *req, web_response *res)
{
	(void)req;
	counter_stream *cs = malloc(sizeof *cs);
	cs->left = 5 * 1024 * 1024;
	web_res_stream(res, 200, "application/octet-stream", produce, cs, free);
	return 0;
}

/* A streaming route's own state: created by its first chunk or its handler, released by the
 * server when the request ends however it ends. */
static atomic_int states_made, states_released;

static void release_state(void *state)
{
	free(state);
	atomic_fetch_add(&states_released, 1);
}

static void attach_state(web_request *req)
{
	if (req->stream_state)
		return;
	req->stream_state = malloc(1);
	req->stream_release = release_state;
	atomic_fetch_add(&states_made, 1);
}

/* Fails on a chunk that starts with '!', after having taken state. */
static int picky_chunk(web_request *req, const char *data, size_t len)
{
	attach_state(req);
	if (len && data[0] == '!')
		return err_fail(WEFT_EINVALID, "a bang is not welcome here");
	return 0;
}

static ssize_t endless(void *ctx, uint64_t offset, char *out, size_t max)
{
	(void)ctx;
	(void)offset;
	memset(out, 'e', max);
	return (ssize_t)max;
}

static int picky_done(web_request *req, web_response *res)
{
	attach_state(req);
	web_res_stream(res, 200, "application/octet-stream", endless, NULL, NULL);
	return 0;
}

/* A producer with nothing yet: the read end of a pipe that the test writes to later. */
static atomic_int waiting_fd = -1; /* taken by the next GET /waiting */
static atomic_int waits; /* WEB_STREAM_WAIT answers given */

static ssize_t read_pipe(void *ctx, uint64_t offset, char *out, size_t max)
{
	(void)offset;
	ssize_t n = read(*(int *)ctx, out, max);
	if (n < 0 && errno == EAGAIN) {
		atomic_fetch_add(&waits, 1);
		return WEB_STREAM_WAIT;
	}
	return n < 0 ? -1 : n;
}

static void close_pipe(void *ctx)
{
	close(*(int *)ctx);
	free(ctx);
}

static int waiting(web_request *req, web_response *res)
{
	attach_state(req);
	int *fd = malloc(sizeof *fd);
	*fd = atomic_exchange(&waiting_fd, -1);
	web_res_stream(res, 200, "text/plain", read_pipe, fd, close_pipe);
	web_res_stream_wait(res, *fd);
	return 0;
}

static int challenged(web_request *req, web_response *res)
{
	(void)req;
	web_res_text(res, 200, "in");
	return 0;
}

static atomic_int slow_started;

static int slow(web_request *req, web_response *res)
{
	(void)req;
	atomic_store(&slow_started, 1);
	usleep(600 * 1000);
	web_res_text(res, 200, "slow done");
	return 0;
}

static int fails(web_request *req, web_response *res)
{
	(void)req;
	(void)res;
	return err_fail(WEFT_ECONFLICT, "the thing is in the way");
}

static int crashes_quietly(web_request *req, web_response *res)
{
	(void)req;
	(void)res;
	return err_fail(WEFT_ERROR, "secret internal detail");
}

static int page(web_request *req, web_response *res)
{
	return web_res_page(req, res, 200, "hub/home", "Test",
	                    json_pack("{s:s}", "state", "<RUNNING>"));
}

static int show_params(web_request *req, web_response *res)
{
	web_res_json(res, 200,
	             json_pack("{s:s, s:s?, s:b}", "id", web_param(req, "id"), "q",
	                       web_query(req, "q"), "slash", req->trailing_slash));
	return 0;
}

static int check_small_number(const char *value)
{
	if (strspn(value, "0123456789") != strlen(value) || strlen(value) > 3)
		return err_fail(WEFT_EINVALID, "must be a number below 1000");
	return 0;
}

static const web_param_spec numbered_params[] = {
	{ "id", WEB_FROM_PATH, true, check_small_number, 0 },
	{ "limit", WEB_FROM_QUERY, false, check_small_number, 0 },
	{ NULL, 0, false, NULL, 0 },
};

enum { PERM_SECRET = 1 };

static int authenticate(web_request *req)
{
	const char *auth = web_header(req, "Authorization");
	if (!auth)
		return 0;
	if (strcmp(auth, "Bearer good") != 0)
		return err_fail(WEFT_EAUTH, "Bad credentials.");
	req->user = "alice";
	return 0;
}

static int authorize(web_request *req)
{
	if (req->route->permission == PERM_SECRET && !req->user)
		return err_fail(WEFT_ENOTFOUND, "No such secret.");
	return 0;
}

/* The web layer asks about every state-changing request; this service guards only its forms. */
static int check_csrf(web_request *req)
{
	if (!(req->route->flags & WEB_BODY_FORM))
		return 0;
	atomic_fetch_add(&csrf_checks, 1);
	const char *token = web_pairs_get(&req->form, "csrf");
	if (!token || strcmp(token, "t0k") != 0)
		return err_fail(WEFT_EPERM, "The form has expired; reload the page.");
	return 0;
}

/* Sets a session-style cookie and a Strict one for /rest, as the sign-ins do. */
static int set_cookies(web_request *req, web_response *res)
{
	web_cookie_set(req, res, "sid", "abc", 60);
	web_cookie_set_strict(req, res, "JSESSIONID", "def", "/rest", 60);
	web_res_json(res, 200, json_object());
	return 0;
}

static void render_api_error(web_request *req, web_response *res, int status, const char *msg)
{
	(void)req;
	web_res_json(res, status,
	             json_pack("{s:s, s:{s:s}}", "type", "error", "error", "message", msg));
}

static const web_route routes[] = {
	WEB_BUILTIN_ROUTES,
	{ "GET", "/", page, 0, 0, 0, NULL, NULL, NULL },
	{ "POST", "/api/echo", echo_json, WEB_API | WEB_BODY_JSON, 0, 1024, NULL, NULL, NULL },
	{ "POST", "/form", echo_form, WEB_BODY_FORM, 0, 0, NULL, NULL, NULL },
	{ "POST", "/upload", upload_done, WEB_API, 0, 8 * 1024 * 1024, NULL, count_chunk, NULL },
	{ "GET", "/stream", stream_out, 0, 0, 0, NULL, NULL, NULL },
	{ "POST", "/picky", picky_done, WEB_CHALLENGE, 0, 8 * 1024 * 1024, NULL, picky_chunk,
	  NULL },
	{ "GET", "/challenged", challenged, WEB_CHALLENGE | WEB_NEEDS_USER, 0, 0, NULL, NULL,
	  NULL },
	{ "GET", "/members", challenged, WEB_NEEDS_USER, 0, 0, NULL, NULL, NULL },
	{ "GET", "/slow", slow, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/waiting", waiting, 0, 0, 0, NULL, NULL, NULL },
	{ "GET", "/api/conflict", fails, WEB_API, 0, 0, NULL, NULL, NULL },
	{ "GET", "/api/broken", crashes_quietly, WEB_API, 0, 0, NULL, NULL, NULL },
	{ "GET", "/api/items/{id}", show_params, WEB_API, 0, 0, numbered_params, NULL, NULL },
	{ "GET", "/api/secret", show_params, WEB_API, PERM_SECRET, 0, NULL, NULL, NULL },
	{ "GET", "/api/me", show_params, WEB_API | WEB_NEEDS_USER, 0, 0, NULL, NULL, NULL },
	{ "GET", "/api/cookies", set_cookies, WEB_API, 0, 0, NULL, NULL, NULL },
};

static const char *const api_prefixes[] = { "/api/", NULL };

static const web_service service = {
	.name = "hub",
	.product = "weft hub",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.api_prefixes = api_prefixes,
	.sign_in_path = "/login",
	.render_api_error = render_api_error,
	.authenticate = authenticate,
	.authorize = authorize,
	.check_csrf = check_csrf,
};

/* ---- the client side ---- */

static web_server *server;
static tmpl_set *templates;
static char base[64];

typedef struct reply {
	long status;
	buf body;
	buf headers;
} reply;

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
	buf_append(userdata, data, size * n);
	return size * n;
}

/* Performs a request; extra headers and a body are optional. */
static reply request(const char *method, const char *path, const char *const *headers,
                     const char *body, long body_len)
{
	reply r = { 0 };
	CURL *c = curl_easy_init();
	char url[512];
	snprintf(url, sizeof url, "%s%s", base, path);
	struct curl_slist *list = NULL;
	for (; headers && *headers; headers++)
		list = curl_slist_append(list, *headers);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, body_len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	char error[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	else
		fprintf(stderr, "# %s %s: %s\n", method, path, error);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return r;
}

static reply get(const char *path)
{
	return request("GET", path, NULL, NULL, 0);
}

static void reply_dispose(reply *r)
{
	buf_dispose(&r->body);
	buf_dispose(&r->headers);
}

/* GET path answers status (its body is not looked at). */
static void get_status(const char *path, long status)
{
	reply r = get(path);
	assert_int_equal(r.status, status);
	reply_dispose(&r);
}

/* The value of a response header (case-insensitive), copied into out. */
static const char *header(const reply *r, const char *name, char *out, size_t size)
{
	const char *p = buf_cstr(&r->headers);
	size_t n = strlen(name);
	for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			size_t len = strcspn(v, "\r\n");
			snprintf(out, size, "%.*s", (int)len, v);
			return out;
		}
	}
	return NULL;
}

static json_t *body_json(const reply *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body.ptr ? r->body.ptr : "", r->body.len, 0, &e);
	if (!j)
		fail_msg("not JSON: %s", buf_cstr(&r->body));
	return j;
}

static const char *error_message(json_t *j)
{
	return json_string_value(json_object_get(json_object_get(j, "error"), "message"));
}

static int start(void **state)
{
	(void)state;
	log_setup(LOG_ERROR, LOG_TEXT);
	assert_int_equal(token_init(), 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	assert_int_equal(web_templates_load(&templates), 0);
	int fd, port;
	assert_int_equal(web_listen(&fd, &port, "127.0.0.1:0"), 0);
	assert_true(port > 0);
	snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
	web_server_options opt = { .public_url = base,
		                   .other_url = "http://other.example",
		                   .threads = 4,
		                   .max_header_kib = 8,
		                   .templates = templates };
	return web_server_start(&server, &service, fd, &opt);
}

static int stop(void **state)
{
	(void)state;
	web_server_stop(server, 5);
	tmpl_set_free(templates);
	curl_global_cleanup();
	return 0;
}

/* ---- tests ---- */

static void status_and_security_headers(void **state)
{
	(void)state;
	reply r = get("/status");
	char v[512];
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "{\"state\":\"RUNNING\"}");
	assert_non_null(strstr(header(&r, "Content-Security-Policy", v, sizeof v),
	                       "frame-ancestors 'none'"));
	assert_string_equal(header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
	assert_non_null(header(&r, "Referrer-Policy", v, sizeof v));
	assert_int_equal(strlen(header(&r, "X-Request-Id", v, sizeof v)), 16);
	assert_non_null(strstr(header(&r, "Content-Type", v, sizeof v), "application/json"));
	reply_dispose(&r);
}

static void request_id_is_taken_when_sane(void **state)
{
	(void)state;
	const char *good[] = { "X-Request-Id: trace-1234abcd", NULL };
	reply r = request("POST", "/api/echo", good, "{}", 2);
	json_t *j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "trace-1234abcd");
	json_decref(j);
	reply_dispose(&r);
	const char *bad[] = { "X-Request-Id: <script>alert(1)</script>", NULL };
	r = request("POST", "/api/echo", bad, "{}", 2);
	j = body_json(&r);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "id"))), 16);
	json_decref(j);
	reply_dispose(&r);
}

static void not_found_and_method_not_allowed(void **state)
{
	(void)state;
	reply r = get("/api/nothing");
	assert_int_equal(r.status, 404);
	json_t *j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "type")), "error");
	json_decref(j);
	reply_dispose(&r);
	r = get("/nothing");
	char v[256];
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(header(&r, "Content-Type", v, sizeof v), "text/html"));
	assert_non_null(strstr(buf_cstr(&r.body), "Not Found"));
	reply_dispose(&r);
	r = request("DELETE", "/status", NULL, NULL, 0);
	assert_int_equal(r.status, 405);
	assert_string_equal(header(&r, "Allow", v, sizeof v), "GET, HEAD");
	reply_dispose(&r);
	get_status("/api/items/%zz", 400);
}

static void json_bodies(void **state)
{
	(void)state;
	reply r = request("POST", "/api/echo", NULL, "{\"a\":[1,2]}", -1);
	assert_int_equal(r.status, 200);
	json_t *j = body_json(&r);
	assert_int_equal(json_integer_value(json_array_get(
	                         json_object_get(json_object_get(j, "got"), "a"), 1)),
	                 2);
	json_decref(j);
	reply_dispose(&r);
	r = request("POST", "/api/echo", NULL, "{\"a\":", -1);
	assert_int_equal(r.status, 400);
	j = body_json(&r);
	assert_non_null(strstr(error_message(j), "Malformed JSON"));
	json_decref(j);
	reply_dispose(&r);
	/* no body at all is allowed (http-rules.md §7) */
	r = request("POST", "/api/echo", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
}

static void body_limits(void **state)
{
	(void)state;
	char big[2048];
	memset(big, ' ', sizeof big);
	reply r = request("POST", "/api/echo", NULL, big, sizeof big);
	assert_int_equal(r.status, 413);
	json_t *j = body_json(&r);
	assert_non_null(strstr(error_message(j), "1024"));
	json_decref(j);
	reply_dispose(&r);
	/* chunked: no Content-Length, the limit is enforced while the body arrives */
	const char *chunked[] = { "Transfer-Encoding: chunked", NULL };
	r = request("POST", "/api/echo", chunked, big, sizeof big);
	assert_int_equal(r.status, 413);
	reply_dispose(&r);
}

static void streamed_upload_and_download(void **state)
{
	(void)state;
	size_t size = 3 * 1024 * 1024 + 17;
	char *data = malloc(size);
	memset(data, 'u', size);
	atomic_store(&streamed_bytes, 0);
	reply r = request("POST", "/upload", NULL, data, (long)size);
	assert_int_equal(r.status, 200);
	char expected[32];
	snprintf(expected, sizeof expected, "%zu", size);
	assert_string_equal(buf_cstr(&r.body), expected);
	reply_dispose(&r);
	free(data);
	r = get("/stream");
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 5 * 1024 * 1024);
	char v[64];
	assert_null(header(&r, "ETag", v, sizeof v));
	reply_dispose(&r);
}

/* Counts what a download received and stops it after limit bytes (the client goes away). */
typedef struct partial {
	size_t got, limit;
} partial;

static size_t take_some(char *data, size_t size, size_t n, void *userdata)
{
	(void)data;
	partial *p = userdata;
	p->got += size * n;
	return p->got >= p->limit ? 0 : size * n;
}

/* Waits up to 5 s for the server to release as many states as were made. */
static int settled_releases(void)
{
	for (int i = 0; i < 500 && atomic_load(&states_released) != atomic_load(&states_made); i++)
		usleep(10 * 1000);
	return atomic_load(&states_released);
}

static void stream_state_is_released_on_every_path(void **state)
{
	(void)state;
	atomic_store(&states_made, 0);
	atomic_store(&states_released, 0);
	/* a chunk that fails: the route's error, once the body is in */
	size_t size = 256 * 1024;
	char *data = malloc(size);
	memset(data, '!', size);
	reply r = request("POST", "/picky", NULL, data, (long)size);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "a bang is not welcome here"));
	char v[128];
	assert_non_null(strstr(header(&r, "Content-Type", v, sizeof v), "text/plain"));
	reply_dispose(&r);
	assert_int_equal(settled_releases(), 1);
	/* an endless response whose client goes away */
	memset(data, 'o', size);
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof url, "%s/picky", base);
	partial p = { 0, 3 * 1024 * 1024 };
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)size);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_some);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &p);
	assert_int_equal(curl_easy_perform(c), CURLE_WRITE_ERROR);
	curl_easy_cleanup(c);
	assert_true(p.got >= p.limit);
	assert_int_equal(settled_releases(), 2);
	assert_int_equal(atomic_load(&states_made), 2);
	free(data);
}

static void challenge_routes_answer_401_not_a_redirect(void **state)
{
	(void)state;
	reply r = get("/members");
	assert_int_equal(r.status, 303); /* a page: to the sign-in form */
	reply_dispose(&r);
	r = get("/challenged");
	assert_int_equal(r.status, 401);
	char v[128];
	assert_string_equal(header(&r, "WWW-Authenticate", v, sizeof v), "Basic realm=\"weft\"");
	assert_non_null(strstr(header(&r, "Content-Type", v, sizeof v), "text/plain"));
	assert_string_equal(buf_cstr(&r.body), "You need to sign in first.");
	reply_dispose(&r);
	const char *good[] = { "Authorization: Bearer good", NULL };
	r = request("GET", "/challenged", good, NULL, 0);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
}

static void forms_and_csrf(void **state)
{
	(void)state;
	atomic_store(&csrf_checks, 0);
	const char *urlencoded[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	reply r = request("POST", "/form", urlencoded, "title=a+b%21&csrf=t0k", -1);
	assert_int_equal(r.status, 200);
	json_t *j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "a b!");
	json_decref(j);
	reply_dispose(&r);
	r = request("POST", "/form", urlencoded, "title=x", -1);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(buf_cstr(&r.body), "expired"));
	reply_dispose(&r);
	assert_int_equal(atomic_load(&csrf_checks), 2);
	const char *multipart[] = { "Content-Type: multipart/form-data; boundary=XyZ", NULL };
	const char *body =
	        "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
	        "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nt0k\r\n"
	        "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; "
	        "filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	        "\x01\x02\x03\r\n--XyZ--\r\n";
	r = request("POST", "/form", multipart, body, -1);
	assert_int_equal(r.status, 200);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "title")), "hello");
	assert_string_equal(json_string_value(json_object_get(j, "file")), "a.bin");
	assert_int_equal(json_integer_value(json_object_get(j, "size")), 3);
	json_decref(j);
	reply_dispose(&r);
}

static void declared_parameters(void **state)
{
	(void)state;
	reply r = get("/api/items/12/?q=a+b&q=c");
	assert_int_equal(r.status, 200);
	json_t *j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "12");
	assert_string_equal(json_string_value(json_object_get(j, "q")), "a b");
	assert_true(json_is_true(json_object_get(j, "slash")));
	json_decref(j);
	reply_dispose(&r);
	r = get("/api/items/abc");
	assert_int_equal(r.status, 400);
	j = body_json(&r);
	assert_string_equal(error_message(j), "id: must be a number below 1000");
	json_decref(j);
	reply_dispose(&r);
	get_status("/api/items/1?limit=5000", 400);
	get_status("/api/items/1?q=%zz", 400);
}

static void authentication_and_permission_hooks(void **state)
{
	(void)state;
	reply r = get("/api/secret");
	assert_int_equal(r.status, 404);
	reply_dispose(&r);
	const char *good[] = { "Authorization: Bearer good", NULL };
	r = request("GET", "/api/secret", good, NULL, 0);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
	const char *bad[] = { "Authorization: Bearer bad", NULL };
	r = request("GET", "/api/secret", bad, NULL, 0);
	assert_int_equal(r.status, 401);
	char v[128];
	assert_string_equal(header(&r, "WWW-Authenticate", v, sizeof v), "Basic realm=\"weft\"");
	reply_dispose(&r);
	get_status("/api/me", 401);
	/* refused before the body is read: an upload to a hidden route is never accepted */
	r = request("POST", "/api/me", good, "{}", 2);
	assert_int_equal(r.status, 405);
	reply_dispose(&r);
}

static void handler_errors_map_to_statuses(void **state)
{
	(void)state;
	reply r = get("/api/conflict");
	assert_int_equal(r.status, 409);
	json_t *j = body_json(&r);
	assert_string_equal(error_message(j), "the thing is in the way");
	json_decref(j);
	reply_dispose(&r);
	r = get("/api/broken");
	assert_int_equal(r.status, 500);
	assert_null(strstr(buf_cstr(&r.body), "secret internal detail"));
	assert_non_null(strstr(buf_cstr(&r.body), "request id"));
	reply_dispose(&r);
}

static void etags_and_head(void **state)
{
	(void)state;
	reply r = get("/static/weft.css");
	char etag[64], v[128];
	assert_int_equal(r.status, 200);
	assert_non_null(header(&r, "ETag", etag, sizeof etag));
	assert_non_null(strstr(header(&r, "Content-Type", v, sizeof v), "text/css"));
	size_t css_len = r.body.len;
	reply_dispose(&r);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *conditional[] = { inm, NULL };
	r = request("GET", "/static/weft.css", conditional, NULL, 0);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	reply_dispose(&r);
	r = request("HEAD", "/static/weft.css", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_int_equal(atoi(header(&r, "Content-Length", v, sizeof v)), (int)css_len);
	reply_dispose(&r);
	r = get("/");
	assert_non_null(header(&r, "ETag", etag, sizeof etag));
	reply_dispose(&r);
	get_status("/static/nothing.css", 404);
	get_status("/static/..%2F..%2Fetc%2Fpasswd", 404);
}

static void pages_escape_and_link_the_other_service(void **state)
{
	(void)state;
	reply r = get("/");
	assert_int_equal(r.status, 200);
	const char *html = buf_cstr(&r.body);
	assert_non_null(strstr(html, "&lt;RUNNING&gt;"));
	assert_null(strstr(html, "<RUNNING>"));
	assert_non_null(strstr(html, "http://other.example"));
	assert_non_null(strstr(html, "/static/weft.css"));
	reply_dispose(&r);
}

static void oversized_headers_are_refused(void **state)
{
	(void)state;
	static char line[20000];
	memset(line, 'a', sizeof line - 1);
	memcpy(line, "X-Big: ", 7);
	const char *headers[] = { line, NULL };
	reply r = request("GET", "/status", headers, NULL, 0);
	assert_int_equal(r.status, 431);
	reply_dispose(&r);
}

static void *slow_request(void *arg)
{
	reply *r = arg;
	*r = get("/slow");
	return NULL;
}

static void graceful_stop_finishes_requests_in_flight(void **state)
{
	(void)state;
	reply slow_reply;
	pthread_t t;
	atomic_store(&slow_started, 0);
	pthread_create(&t, NULL, slow_request, &slow_reply);
	/* Stop only once the handler runs: then the request is certainly in flight. */
	for (int i = 0; i < 2000 && !atomic_load(&slow_started); i++)
		usleep(5 * 1000);
	assert_true(atomic_load(&slow_started));
	assert_true(web_server_in_flight(server) >= 1);
	web_server_stop(server, 10);
	server = NULL;
	pthread_join(t, NULL);
	assert_int_equal(slow_reply.status, 200);
	assert_string_equal(buf_cstr(&slow_reply.body), "slow done");
	reply_dispose(&slow_reply);
	reply after = get("/status");
	assert_int_equal(after.status, 0); /* nobody listens any more */
	reply_dispose(&after);
	/* start again for the group teardown */
	int fd, port;
	assert_int_equal(web_listen(&fd, &port, "127.0.0.1:0"), 0);
	web_server_options opt = { .threads = 1, .max_header_kib = 8, .templates = templates };
	assert_int_equal(web_server_start(&server, &service, fd, &opt), 0);
}

/* A server of its own with ONE worker thread: a stream that held it would stall everything. */
static web_server *start_single(int *port)
{
	int fd;
	assert_int_equal(web_listen(&fd, port, "127.0.0.1:0"), 0);
	web_server_options opt = { .threads = 1, .max_header_kib = 8, .templates = templates };
	web_server *s = NULL;
	assert_int_equal(web_server_start(&s, &service, fd, &opt), 0);
	return s;
}

/* Opens the pipe the next GET /waiting streams from; returns its write end. */
static int prepare_waiting(void)
{
	int p[2];
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	atomic_store(&waiting_fd, p[0]);
	return p[1];
}

/* Sends GET /waiting (HTTP/1.0: the server closes when the body ends) and returns the socket
 * once the stream has said it has nothing yet. */
static int start_waiting(int port)
{
	int before = atomic_load(&waits);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof a), 0);
	const char *line = "GET /waiting HTTP/1.0\r\n\r\n";
	assert_int_equal(write(s, line, strlen(line)), (ssize_t)strlen(line));
	for (int i = 0; i < 2000 && atomic_load(&waits) == before; i++)
		usleep(5 * 1000);
	assert_true(atomic_load(&waits) > before);
	return s;
}

/* Reads what the server sent until it closes the connection. */
static void read_to_end(int s, buf *out)
{
	char chunk[4096];
	ssize_t n;
	/* A server that never closes fails the test instead of hanging it. */
	struct timeval limit = { .tv_sec = 20 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
	while ((n = read(s, chunk, sizeof chunk)) > 0)
		buf_append(out, chunk, (size_t)n);
}

static void waiting_stream_frees_its_worker_thread(void **state)
{
	(void)state;
	int port;
	web_server *one = start_single(&port);
	atomic_store(&states_made, 0);
	atomic_store(&states_released, 0);
	int feed = prepare_waiting();
	int s = start_waiting(port);
	/* The only worker thread answers another request while the stream waits... */
	char saved[sizeof base];
	memcpy(saved, base, sizeof base);
	snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
	reply r = get("/status");
	memcpy(base, saved, sizeof base);
	assert_int_equal(r.status, 200);
	reply_dispose(&r);
	/* ...whose response has not ended (no EOF yet)... */
	struct pollfd p = { s, POLLIN, 0 };
	if (poll(&p, 1, 0) > 0) {
		char peek[4096];
		assert_true(recv(s, peek, sizeof peek, MSG_PEEK | MSG_DONTWAIT) > 0);
	}
	/* ...and goes on once its producer has something. */
	assert_int_equal(write(feed, "hello, ", 7), 7);
	assert_int_equal(write(feed, "world", 5), 5);
	close(feed);
	buf got = BUF_INIT;
	read_to_end(s, &got);
	close(s);
	assert_true(strncmp(buf_cstr(&got), "HTTP/1.", 7) == 0);
	assert_non_null(strstr(buf_cstr(&got), " 200 "));
	assert_non_null(strstr(buf_cstr(&got), "\r\n\r\nhello, world"));
	assert_true(str_ends_with(buf_cstr(&got), "hello, world"));
	buf_dispose(&got);
	/* A client that goes away while its stream waits: the request still ends and releases. */
	feed = prepare_waiting();
	s = start_waiting(port);
	close(s);
	assert_int_equal(settled_releases(), 2);
	close(feed);
	web_server_stop(one, 5);
}

static void stop_ends_a_waiting_stream(void **state)
{
	(void)state;
	int port;
	web_server *one = start_single(&port);
	atomic_store(&states_made, 0);
	atomic_store(&states_released, 0);
	int feed = prepare_waiting();
	int s = start_waiting(port);
	web_server_stop(one, 1); /* returns, though the stream never gets its data */
	assert_int_equal(atomic_load(&states_released), 1);
	buf got = BUF_INIT;
	read_to_end(s, &got); /* the server closed the connection */
	assert_null(strstr(buf_cstr(&got), "hello"));
	buf_dispose(&got);
	close(s);
	close(feed);
}

/* The cookies of sign-ins carry Secure exactly when the service's public URL is https (TLS ends
 * at a proxy in front of weft: the request itself comes over http). */
static void cookies_are_secure_under_an_https_base_url(void **state)
{
	(void)state;
	reply r = get("/api/cookies");
	const char *h = buf_cstr(&r.headers);
	assert_int_equal(r.status, 200);
	assert_non_null(
	        strstr(h, "Set-Cookie: sid=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax\r\n"));
	assert_non_null(strstr(h, "Set-Cookie: JSESSIONID=def; Path=/rest; Max-Age=60; HttpOnly;"
	                          " SameSite=Strict\r\n"));
	assert_null(strstr(h, "Secure"));
	reply_dispose(&r);

	int fd, port;
	assert_int_equal(web_listen(&fd, &port, "127.0.0.1:0"), 0);
	web_server_options opt = { .public_url = "https://weft.example",
		                   .threads = 1,
		                   .max_header_kib = 8,
		                   .templates = templates };
	web_server *https_server;
	assert_int_equal(web_server_start(&https_server, &service, fd, &opt), 0);
	char http_base[sizeof base];
	memcpy(http_base, base, sizeof base);
	snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
	r = get("/api/cookies");
	memcpy(base, http_base, sizeof base);
	web_server_stop(https_server, 5);
	h = buf_cstr(&r.headers);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h, "Set-Cookie: sid=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax;"
	                          " Secure\r\n"));
	assert_non_null(strstr(h, "Set-Cookie: JSESSIONID=def; Path=/rest; Max-Age=60; HttpOnly;"
	                          " SameSite=Strict; Secure\r\n"));
	reply_dispose(&r);
}

static void busy_address_is_refused(void **state)
{
	(void)state;
	int fd, port, fd2, port2;
	assert_int_equal(web_listen(&fd, &port, "127.0.0.1:0"), 0);
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
	assert_int_equal(web_listen(&fd2, &port2, addr), WEFT_ERROR);
	assert_non_null(strstr(err_msg(), addr));
	close(fd);
	assert_int_equal(web_listen(&fd2, &port2, "no-such-host.invalid:1"), WEFT_EINVALID);
	char *url = web_url_for_listen("0.0.0.0:80", 80);
	assert_null(url);
	url = web_url_for_listen("[::1]:0", 4242);
	assert_string_equal(url, "http://[::1]:4242");
	free(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_and_security_headers),
		cmocka_unit_test(request_id_is_taken_when_sane),
		cmocka_unit_test(not_found_and_method_not_allowed),
		cmocka_unit_test(json_bodies),
		cmocka_unit_test(body_limits),
		cmocka_unit_test(streamed_upload_and_download),
		cmocka_unit_test(stream_state_is_released_on_every_path),
		cmocka_unit_test(challenge_routes_answer_401_not_a_redirect),
		cmocka_unit_test(forms_and_csrf),
		cmocka_unit_test(declared_parameters),
		cmocka_unit_test(authentication_and_permission_hooks),
		cmocka_unit_test(handler_errors_map_to_statuses),
		cmocka_unit_test(etags_and_head),
		cmocka_unit_test(pages_escape_and_link_the_other_service),
		cmocka_unit_test(oversized_headers_are_refused),
		cmocka_unit_test(cookies_are_secure_under_an_https_base_url),
		cmocka_unit_test(graceful_stop_finishes_requests_in_flight),
		cmocka_unit_test(waiting_stream_frees_its_worker_thread),
		cmocka_unit_test(stop_ends_a_waiting_stream),
		cmocka_unit_test(busy_address_is_refused),
	};
	return cmocka_run_group_tests(tests, start, stop);
}
