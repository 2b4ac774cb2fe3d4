/* libmicrohttpd glue: a request goes through three phases. When its headers are in: route,
 * header-level limits, authentication and permission (refusals answer before any body is read).
 * While its body arrives: bounded buffering, or streaming to the route. When it is complete: body
 * parsing, CSRF, declared parameters, then the handler. */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/token.h"
#include "db/db.h"
#include "web/server_internal.h"
#include "web/status.h"
#include "web/template.h"

/* The policy is these two halves around the page's form-action targets. */
/* The policy: CSP_BEFORE_FORM_TARGETS, the page's form-action targets, CSP_AFTER_FORM_TARGETS.
 * Most answers name none and send the whole constant. */
#define CSP_BEFORE_FORM_TARGETS                                                           \
	"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " \
	"object-src 'none'; base-uri 'self'; form-action 'self'"
#define CSP_AFTER_FORM_TARGETS "; frame-ancestors 'none'; report-uri /csp-report"
static const char content_security_policy[] = CSP_BEFORE_FORM_TARGETS CSP_AFTER_FORM_TARGETS;

enum {
	DISCARD_LIMIT = 1024 * 1024,
	EARLY_WRITE_MS = 1000, /* how long an early answer may take to write */
	/* After an early answer: what is dropped before closing. More than the socket buffers of
	 * both ends hold, so that a client still sending sees the answer before a reset. */
	LINGER_LIMIT = 16 * 1024 * 1024,
	PARK_RECHECK_S = 30, /* a parked stream is asked again at least this often */
	PARK_DRAIN_MS = 2000, /* at stop: how long resumed streams get to end */
	PARK_BATCH = 64,
};

typedef struct request_state {
	web_request req;
	web_response res;
	char *raw_uri;
	int64_t started_ns;
	uint64_t statements_at_start; /* db_statements_run() then: the log gives the difference */
	size_t body_limit;
	size_t received;
	bool started; /* phase 1 ran */
	bool responded; /* a response was queued */
	bool too_large; /* the body went over the limit; answer 413 when it ends */
	bool chunk_failed; /* the route's body_chunk failed: its answer waits for the body's end */
	bool admit_after_body; /* credentials may be in the body: admit once it is parsed */
	size_t discarded; /* bytes dropped since */
	/* The answer went out on the socket itself (a body that did not end within DISCARD_LIMIT):
	 * the rest is dropped a while longer, then the connection closes. */
	bool answered_early;
	int status_sent;
	size_t bytes_sent;
	/* While parked (its stream had nothing yet): the watcher's list, what it watches, and when it
	 * resumes the connection anyway. */
	bool parked;
	int wait_fd; /* a duplicate of res.stream_wait_fd, this entry's own in the epoll set */
	int client_fd;
	int64_t wake_ns;
	struct request_state *prev, *next;
} request_state;

/* Called by MHD with the raw request URI before it parses anything: the one place that sees the
 * path with its percent-escapes intact and the query string. Its result becomes *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	web_server *s = cls;
	request_state *st = mem_zalloc(sizeof *st);
	st->req.arena = arena_new();
	st->raw_uri = arena_strdup(st->req.arena, uri ? uri : "/");
	st->started_ns = clock_mono_ns();
	st->statements_at_start = db_statements_run();
	st->req.server = s;
	st->req.service = s->service;
	st->req.conn = conn;
	st->req.app = s->app;
	st->res.cacheable = true;
	st->res.stream_wait_fd = -1;
	st->wait_fd = st->client_fd = -1;
	atomic_fetch_add(&s->in_flight, 1);
	return st;
}

static void set_request_id(request_state *st)
{
	const char *given = web_header(&st->req, "X-Request-Id");
	size_t n = given ? strlen(given) : 0;
	if (n >= 8 && n < sizeof st->req.id &&
	    strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n)
		memcpy(st->req.id, given, n + 1);
	else
		token_hex(st->req.id, 8);
}

static void fail_status(request_state *st, int status, const char *message)
{
	web_res_error_status(&st->req, &st->res, status, message);
}

static void fail_code(request_state *st, int code)
{
	web_res_error(&st->req, &st->res, code, err_msg());
}

/* Splits the raw URI and parses the query string; false when it answered 400. */
static bool read_uri(request_state *st, const char *method)
{
	web_request *req = &st->req;
	req->method = method;
	char *q = strchr(st->raw_uri, '?');
	req->query_string = q ? q + 1 : "";
	req->path =
	        q ? arena_strndup(req->arena, st->raw_uri, (size_t)(q - st->raw_uri)) : st->raw_uri;
	if (web_query_parse(&req->query, req->arena, req->query_string, strlen(req->query_string)) <
	    0) {
		fail_status(st, 400, err_msg());
		return false;
	}
	return true;
}

static bool route_request(request_state *st)
{
	web_request *req = &st->req;
	web_match m;
	switch (web_router_match(&m, req->server->router, req->arena, req->method, req->path)) {
	case WEB_MATCH_OK: break;
	case WEB_MATCH_BAD_PATH: fail_status(st, 400, "The path is malformed."); return false;
	case WEB_MATCH_NO_PATH:
		fail_status(st, 404, "There is nothing at this address.");
		return false;
	case WEB_MATCH_NO_METHOD:
		fail_status(st, 405,
		            arena_printf(req->arena, "%s is not allowed here.", req->method));
		web_res_header(req, &st->res, "Allow", m.allow);
		return false;
	}
	req->route = m.route;
	req->nparams = m.nparams;
	memcpy(req->param_names, m.names, sizeof m.names);
	memcpy(req->param_values, m.values, sizeof m.values);
	req->trailing_slash = m.trailing_slash;
	st->body_limit = m.route->body_limit ? m.route->body_limit : WEB_BODY_LIMIT_DEFAULT;
	return true;
}

static void refuse_too_large(request_state *st)
{
	fail_status(st, 413,
	            arena_printf(st->req.arena, "The request body is larger than %zu bytes.",
	                         st->body_limit));
}

static bool body_fits(request_state *st)
{
	const char *length = web_header(&st->req, "Content-Length");
	if (!length)
		return true;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(length, &end, 10);
	if (errno || *end || n <= st->body_limit)
		return true; /* a malformed length is the HTTP library's to refuse */
	refuse_too_large(st);
	return false;
}

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + 2 + (value ? strlen(value) : 0) + 2;
	return MHD_YES;
}

/* The request line and headers against --max-header-size. The library's memory pool is larger
 * than the limit so that weft, not the library, answers: with its own headers and error body. */
static bool headers_fit(request_state *st)
{
	size_t total = strlen(st->req.method) + strlen(st->raw_uri) + 12;
	MHD_get_connection_values(st->req.conn, MHD_HEADER_KIND, add_header_size, &total);
	if (total <= st->req.server->max_header_bytes)
		return true;
	fail_status(st, 431,
	            arena_printf(st->req.arena, "The request line and headers exceed %zu bytes.",
	                         st->req.server->max_header_bytes));
	return false;
}

/* Authentication and permission: decided before the body is read. */
static bool admit(request_state *st)
{
	web_request *req = &st->req;
	const web_service *svc = req->service;
	bool own_auth = req->route->flags & WEB_OWN_AUTH;
	int rc = svc->authenticate && !own_auth ? svc->authenticate(req) : 0;
	if (rc == 0 && (req->route->flags & WEB_NEEDS_USER) && !req->user)
		rc = err_fail(WEFT_EAUTH, "You need to sign in first.");
	if (rc == 0 && (req->route->flags & WEB_NEEDS_SESSION) && !req->session)
		rc = req->user ? err_fail(WEFT_EPERM,
		                          "This page needs you signed in with the sign-in "
		                          "form, not with credentials in the request.")
		               : err_fail(WEFT_EAUTH, "You need to sign in first.");
	/* The service's hook sees every route (it may limit what some credentials reach); a route
	 * that names a permission is closed while no hook says who holds it. */
	if (rc == 0 && svc->authorize)
		rc = svc->authorize(req);
	else if (rc == 0 && req->route->permission)
		rc = err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
	if (rc < 0) {
		fail_code(st, rc);
		return false;
	}
	return true;
}

/* RFC 6750 §2.2: an API client may send its access token as the access_token field of an
 * urlencoded POST body, which arrives after the headers. Such a request, with no credentials in
 * its headers or query, is admitted once its (size-limited) body is parsed. */
static bool credentials_may_be_in_body(request_state *st)
{
	const web_request *req = &st->req;
	const char *type = web_header(req, "Content-Type");
	unsigned flags = req->route->flags;
	st->admit_after_body = (flags & WEB_API) && (flags & WEB_BODY_FORM) &&
	                       !(flags & WEB_OWN_AUTH) && !req->route->body_chunk &&
	                       strcmp(req->method, "POST") == 0 && type &&
	                       strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0 &&
	                       !web_header(req, "Authorization") && !web_query(req, "access_token");
	return st->admit_after_body;
}

/* Phase 1; false when a response is ready to be queued. */
static bool start_request(request_state *st, const char *method)
{
	st->started = true;
	set_request_id(st);
	return read_uri(st, method) && route_request(st) && headers_fit(st) && body_fits(st) &&
	       (credentials_may_be_in_body(st) || admit(st));
}

static void take_chunk(request_state *st, const char *data, size_t len)
{
	if (st->too_large || st->chunk_failed) {
		st->discarded += len;
		return;
	}
	if (len > st->body_limit - st->received) {
		st->too_large = true;
		buf_dispose(&st->req.body);
		return;
	}
	st->received += len;
	const web_route *route = st->req.route;
	if (route->body_chunk) {
		int rc = route->body_chunk(&st->req, data, len);
		if (rc < 0) {
			fail_code(st, rc);
			st->chunk_failed = true; /* the answer is ready; the rest is dropped */
		}
		return;
	}
	buf_append(&st->req.body, data, len);
}

static int parse_json_body(web_request *req)
{
	if (req->body.len == 0)
		return 0;
	json_error_t error;
	req->json = json_loadb(req->body.ptr, req->body.len, JSON_DECODE_ANY, &error);
	if (!req->json)
		return err_fail(WEFT_EINVALID, "Malformed JSON: %s (line %d, column %d).",
		                error.text, error.line, error.column);
	return 0;
}

static void append_pair(web_pairs *pairs, arena *a, web_pair pair)
{
	pairs->items = array_room(a, pairs->items, pairs->len, &pairs->cap, sizeof *pairs->items);
	pairs->items[pairs->len++] = pair;
}

/* An urlencoded body, or a multipart one whose plain fields join req->form too. */
static int parse_form_body(web_request *req)
{
	const char *type = web_header(req, "Content-Type");
	if (req->body.len == 0)
		return 0;
	if (!type || strncasecmp(type, "multipart/form-data", 19) != 0)
		return web_query_parse(&req->form, req->arena, req->body.ptr, req->body.len);
	int rc = web_multipart_parse(&req->parts, req->arena, type, req->body.ptr, req->body.len);
	for (size_t i = 0; rc == 0 && i < req->parts.len; i++) {
		const web_part *part = &req->parts.items[i];
		if (!part->filename)
			append_pair(&req->form, req->arena,
			            (web_pair){ part->name, part->data, part->len });
	}
	return rc;
}

static bool is_safe_method(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	       strcmp(method, "OPTIONS") == 0;
}

static int check_params(const web_request *req)
{
	const char *value;
	int rc = 0;
	for (const web_param_spec *p = req->route->params; rc == 0 && p && p->name; p++)
		rc = web_param_read(req, p, &value);
	return rc;
}

/* Phase 3: the body is complete. */
static void finish_request(request_state *st)
{
	web_request *req = &st->req;
	unsigned flags = req->route->flags;
	int rc = 0;
	if (flags & WEB_BODY_JSON)
		rc = parse_json_body(req);
	if (rc == 0 && (flags & WEB_BODY_FORM))
		rc = parse_form_body(req);
	if (rc < 0)
		fail_code(st, rc);
	if (rc < 0 || (st->admit_after_body && !admit(st)))
		return;
	/* Every state-changing request, not only forms: a JSON body can be forged as text/plain. */
	if (rc == 0 && !(flags & WEB_NO_CSRF) && !is_safe_method(req->method) &&
	    req->service->check_csrf)
		rc = req->service->check_csrf(req);
	if (rc == 0)
		rc = check_params(req);
	if (rc == 0)
		rc = req->route->handler(req, &st->res);
	if (rc < 0)
		fail_code(st, rc);
	else if (st->res.status == 0)
		fail_status(st, 500, "the handler produced no response");
}

/* FNV-1a: a fast, stable validator for in-memory bodies (not a security boundary). */
static void body_etag(char out[20], const buf *body)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < body->len; i++)
		h = (h ^ (unsigned char)body->ptr[i]) * 1099511628211ULL;
	snprintf(out, 20, "\"%016llx\"", (unsigned long long)h);
}

static bool etag_matches(const char *if_none_match, const char *etag)
{
	if (strcmp(if_none_match, "*") == 0)
		return true;
	const char *found = strstr(if_none_match, etag);
	return found != NULL;
}

/* Adds the ETag and turns a matching conditional request into a 304. */
static void apply_validator(request_state *st)
{
	web_request *req = &st->req;
	web_response *res = &st->res;
	if (!res->cacheable || res->stream || res->status != 200 ||
	    (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
		return;
	char computed[20];
	const char *etag = res->etag;
	if (!etag) {
		body_etag(computed, &res->body);
		etag = computed;
	}
	web_res_header(req, res, "ETag", etag);
	const char *inm = web_header(req, "If-None-Match");
	if (inm && etag_matches(inm, etag)) {
		res->status = 304;
		buf_clear(&res->body);
	}
}

/* ---- parked streams ----
 * A stream with nothing to send yet must not hold its worker thread: every other connection the
 * library gave that thread would wait with it. Its connection is suspended and handed to one
 * watcher thread, which resumes it when the producer's descriptor is readable, the client hangs
 * up, PARK_RECHECK_S pass (so that the producer can check its own time limit), or the server
 * stops. The library does not watch a suspended connection at all, hence the client's socket
 * here. */
typedef struct web_parking {
	pthread_mutex_t lock; /* the list, the epoll set and stopping */
	request_state *head;
	int epoll_fd;
	int wake_fd; /* an eventfd: wakes the watcher for the first parked stream, or to stop */
	bool stopping;
	pthread_t thread;
} web_parking;

/* Under the lock: takes st out of the list and the epoll set; resuming it is the caller's. */
static void unpark(web_parking *p, request_state *st)
{
	epoll_ctl(p->epoll_fd, EPOLL_CTL_DEL, st->wait_fd, NULL);
	epoll_ctl(p->epoll_fd, EPOLL_CTL_DEL, st->client_fd, NULL);
	close(st->wait_fd);
	st->wait_fd = -1;
	if (st->prev)
		st->prev->next = st->next;
	else
		p->head = st->next;
	if (st->next)
		st->next->prev = st->prev;
	st->prev = st->next = NULL;
	st->parked = false;
}

/* Under the lock: watches st's descriptors; false when they cannot be watched. */
static bool watch(web_parking *p, request_state *st)
{
	struct epoll_event in = { .events = EPOLLIN, .data.ptr = st };
	struct epoll_event hup = { .events = EPOLLRDHUP, .data.ptr = st };
	/* A duplicate: two streams may wait on one description, and epoll keys on the number. */
	st->wait_fd = fcntl(st->res.stream_wait_fd, F_DUPFD_CLOEXEC, 0);
	if (st->wait_fd >= 0 && epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, st->wait_fd, &in) == 0) {
		if (epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, st->client_fd, &hup) == 0)
			return true;
		epoll_ctl(p->epoll_fd, EPOLL_CTL_DEL, st->wait_fd, NULL);
	}
	log_error("cannot wait for a stream: %s", strerror(errno));
	if (st->wait_fd >= 0)
		close(st->wait_fd);
	st->wait_fd = -1;
	return false;
}

/* Suspends st's connection until its stream may have news; false when it cannot wait (the
 * server is stopping, or the descriptors cannot be watched). Called by the content reader, the
 * one place besides the request handler where the library allows a suspension. */
static bool park(request_state *st)
{
	web_parking *p = st->req.server->parking;
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(st->req.conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	bool ok = false;
	pthread_mutex_lock(&p->lock);
	if (p->stopping || !info)
		goto done;
	st->client_fd = info->connect_fd;
	if (!watch(p, st))
		goto done;
	if (!p->head) /* the watcher sleeps without a timeout while none is parked */
		eventfd_write(p->wake_fd, 1);
	st->next = p->head;
	if (p->head)
		p->head->prev = st;
	p->head = st;
	st->parked = true;
	st->wake_ns = clock_mono_ns() + (int64_t)PARK_RECHECK_S * 1000000000;
	MHD_suspend_connection(st->req.conn);
	ok = true;
done:
	pthread_mutex_unlock(&p->lock);
	return ok;
}

/* Takes off the list what an epoll batch and the clock say is due, and only then resumes it: a
 * resumed request may end and be freed at once, while the batch can name it twice (both its
 * descriptors). */
static void resume_due(web_parking *p, const struct epoll_event *ev, int n)
{
	struct MHD_Connection *due[2 * PARK_BATCH];
	size_t ndue = 0;
	for (int i = 0; i < n; i++) {
		request_state *st = ev[i].data.ptr;
		eventfd_t ignored;
		if (!st)
			eventfd_read(p->wake_fd, &ignored);
		else if (st->parked) {
			unpark(p, st);
			due[ndue++] = st->req.conn;
		}
	}
	int64_t now = clock_mono_ns();
	for (request_state *st = p->head, *next; st && ndue < 2 * PARK_BATCH; st = next) {
		next = st->next;
		if (st->wake_ns <= now) {
			unpark(p, st);
			due[ndue++] = st->req.conn;
		}
	}
	for (size_t i = 0; i < ndue; i++)
		MHD_resume_connection(due[i]);
}

static void *watch_parked(void *arg)
{
	web_parking *p = arg;
	for (;;) {
		struct epoll_event ev[PARK_BATCH];
		/* The clock matters only while a stream is parked (park wakes this for the first). */
		pthread_mutex_lock(&p->lock);
		int timeout_ms = p->head ? 1000 : -1;
		pthread_mutex_unlock(&p->lock);
		int n = epoll_wait(p->epoll_fd, ev, PARK_BATCH, timeout_ms);
		pthread_mutex_lock(&p->lock);
		bool stopping = p->stopping; /* then the events may name freed requests */
		if (!stopping)
			resume_due(p, ev, n > 0 ? n : 0);
		pthread_mutex_unlock(&p->lock);
		if (stopping)
			return NULL;
	}
}

static void parking_free(web_parking *p)
{
	if (p->epoll_fd >= 0)
		close(p->epoll_fd);
	if (p->wake_fd >= 0)
		close(p->wake_fd);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int parking_start(web_parking **out)
{
	web_parking *p = mem_zalloc(sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	p->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event wake = { .events = EPOLLIN, .data.ptr = NULL };
	if (p->epoll_fd < 0 || p->wake_fd < 0 ||
	    epoll_ctl(p->epoll_fd, EPOLL_CTL_ADD, p->wake_fd, &wake) < 0 ||
	    pthread_create(&p->thread, NULL, watch_parked, p) != 0) {
		int rc = err_fail(WEFT_ERROR, "cannot start the stream watcher: %s",
		                  strerror(errno));
		parking_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Resumes every parked connection (their streams, asked again, cannot park any more and end
 * with an error) and ends the watcher: the library must not be stopped with a connection
 * suspended. p itself stays: a resumed stream asks park() again on a worker thread, possibly
 * long after this returns (a loaded machine), so it is freed only once the library stopped. */
static void parking_stop(web_parking *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	while (p->head) {
		struct MHD_Connection *conn = p->head->req.conn;
		unpark(p, p->head);
		MHD_resume_connection(conn);
	}
	pthread_mutex_unlock(&p->lock);
	eventfd_write(p->wake_fd, 1);
	pthread_join(p->thread, NULL);
}

/* Whether the client has closed its side: then a stream that waits is abandoned, not parked. */
static bool client_gone(const request_state *st)
{
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(st->req.conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!info)
		return true;
	struct pollfd p = { info->connect_fd, POLLRDHUP, 0 };
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *out, size_t max)
{
	request_state *st = cls;
	ssize_t n = st->res.stream(st->res.stream_ctx, pos, out, max);
	/* 0 with the connection suspended: the library asks again once it is resumed. */
	if (n == WEB_STREAM_WAIT && st->res.stream_wait_fd >= 0 && !client_gone(st) && park(st))
		return 0;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	st->bytes_sent += (size_t)n;
	return n;
}

static struct MHD_Response *make_mhd_response(request_state *st)
{
	web_response *res = &st->res;
	if (res->stream)
		return MHD_create_response_from_callback(res->stream_length ? res->stream_length
		                                                            : MHD_SIZE_UNKNOWN,
		                                         64 * 1024, stream_reader, st, NULL);
	size_t len = res->body.len;
	st->bytes_sent = len;
	return MHD_create_response_from_buffer(len, buf_detach(&res->body), MHD_RESPMEM_MUST_FREE);
}

/* Calls put for each header of st's response: the content type, the headers every answer
 * carries, then the handler's. */
static void each_header(const request_state *st,
                        void (*put)(void *ctx, const char *name, const char *value), void *ctx)
{
	const web_response *res = &st->res;
	if (res->content_type)
		put(ctx, "Content-Type", res->content_type);
	put(ctx, "Content-Security-Policy",
	    res->content_security_policy ? res->content_security_policy
	    : res->form_targets ? arena_printf(st->req.arena, "%s %s%s", CSP_BEFORE_FORM_TARGETS,
	                                       res->form_targets, CSP_AFTER_FORM_TARGETS)
	                        : content_security_policy);
	put(ctx, "X-Content-Type-Options", "nosniff");
	put(ctx, "X-Frame-Options", "DENY");
	put(ctx, "Referrer-Policy", "same-origin");
	put(ctx, "X-Request-Id", st->req.id);
	for (size_t i = 0; i < res->nheaders; i++)
		put(ctx, res->headers[i].name, res->headers[i].value);
}

static void put_mhd_header(void *ctx, const char *name, const char *value)
{
	MHD_add_response_header(ctx, name, value);
}

static void put_raw_header(void *ctx, const char *name, const char *value)
{
	buf_printf(ctx, "%s: %s\r\n", name, value);
}

/* Writes all of b to the connection's socket (non-blocking), waiting at most EARLY_WRITE_MS in
 * all. false when it could not. */
static bool write_all(int fd, const buf *b)
{
	size_t done = 0;
	int64_t deadline = clock_mono_ns() + (int64_t)EARLY_WRITE_MS * 1000000;
	while (done < b->len) {
		ssize_t n = send(fd, b->ptr + done, b->len - done, MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		int64_t left_ms = (deadline - clock_mono_ns()) / 1000000;
		if (n < 0 && errno == EINTR)
			continue;
		if ((n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || left_ms <= 0)
			return false;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, (int)left_ms) < 0 && errno != EINTR)
			return false;
	}
	return true;
}

/* The answer to a request whose body is still arriving, written on the socket itself:
 * libmicrohttpd takes a response only before the body or after its end, and this body has gone
 * on too long to wait for (a client still sending would otherwise see its connection reset and
 * never the answer). Connection: close; the write side is shut after it. false when it could not
 * be written (the connection is then closed as it is). */
static bool answer_early(request_state *st, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	web_response *res = &st->res;
	if (!info || res->stream)
		return false;
	const char *reason = MHD_get_reason_phrase_for((unsigned)res->status);
	buf out = BUF_INIT;
	buf_printf(&out, "HTTP/1.1 %d %s\r\n", res->status, reason && *reason ? reason : "Error");
	each_header(st, put_raw_header, &out);
	buf_printf(&out, "Content-Length: %zu\r\nConnection: close\r\n\r\n", res->body.len);
	buf_append(&out, res->body.ptr, res->body.len);
	bool ok = write_all(info->connect_fd, &out);
	buf_dispose(&out);
	if (ok)
		shutdown(info->connect_fd, SHUT_WR);
	st->answered_early = ok;
	st->responded = true;
	st->status_sent = res->status;
	st->bytes_sent = ok ? res->body.len : 0;
	st->discarded = 0;
	return ok;
}

static enum MHD_Result queue(request_state *st, struct MHD_Connection *conn)
{
	apply_validator(st);
	struct MHD_Response *r = make_mhd_response(st);
	if (!r)
		return MHD_NO;
	each_header(st, put_mhd_header, r);
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)st->res.status, r);
	MHD_destroy_response(r);
	st->responded = true;
	st->status_sent = st->res.status;
	return ok;
}

/* A body over the limit (or one whose streaming route failed) is read and dropped until it
 * ends, so that the client, still sending, gets its 413 (or the route's error) as a normal
 * answer; but not forever: past DISCARD_LIMIT more bytes (a body that goes on and on) the answer
 * goes out at once (answer_early), the rest is dropped for up to LINGER_LIMIT more bytes (so
 * that a client still sending reads the answer rather than a reset connection), then the
 * connection closes. */
static enum MHD_Result drop_or_answer(request_state *st, struct MHD_Connection *conn)
{
	if (st->answered_early)
		return st->discarded > LINGER_LIMIT ? MHD_NO : MHD_YES;
	if (!(st->too_large || st->chunk_failed) || st->responded || st->discarded <= DISCARD_LIMIT)
		return MHD_YES;
	if (st->too_large)
		refuse_too_large(st);
	return answer_early(st, conn) ? MHD_YES : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)version;
	request_state *st = *con_cls;
	enum MHD_Result result = MHD_YES;
	log_set_request_id(st->req.id[0] ? st->req.id : NULL);
	if (!st->started) {
		if (!start_request(st, method))
			result = queue(st, conn);
		log_set_request_id(st->req.id);
	} else if (*upload_data_size) {
		if (!st->responded)
			take_chunk(st, upload_data, *upload_data_size);
		else if (st->answered_early)
			st->discarded += *upload_data_size;
		*upload_data_size = 0;
		result = drop_or_answer(st, conn);
	} else if (st->answered_early) {
		result = MHD_NO; /* the body ended after the answer: close, as it said */
	} else if (!st->responded) {
		if (st->too_large)
			refuse_too_large(st);
		else if (!st->chunk_failed)
			finish_request(st);
		result = queue(st, conn);
	}
	log_set_request_id(NULL);
	return result;
}

static void log_access(const request_state *st, enum MHD_RequestTerminationCode toe)
{
	char status[16], bytes[24], duration[32], statements[24];
	snprintf(status, sizeof status, "%d", st->status_sent);
	snprintf(statements, sizeof statements, "%llu",
	         (unsigned long long)(db_statements_run() - st->statements_at_start));
	snprintf(bytes, sizeof bytes, "%zu", st->bytes_sent);
	snprintf(duration, sizeof duration, "%.3f",
	         (double)(clock_mono_ns() - st->started_ns) / 1e6);
	log_field fields[] = {
		{ "method", st->req.method },
		{ "path", st->req.path ? st->req.path : st->raw_uri },
		{ "status", st->status_sent ? status : "-" },
		{ "bytes", bytes },
		{ "duration_ms", duration },
		{ "statements", statements },
		{ "aborted", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "true" },
	};
	log_set_request_id(st->req.id[0] ? st->req.id : NULL);
	log_fields(LOG_INFO, "request", fields, 7);
	log_set_request_id(NULL);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	web_server *s = cls;
	request_state *st = *con_cls;
	if (!st)
		return;
	log_access(st, toe);
	if (st->res.stream_free)
		st->res.stream_free(st->res.stream_ctx);
	if (st->req.stream_release)
		st->req.stream_release(st->req.stream_state);
	json_decref(st->req.json);
	buf_dispose(&st->req.body);
	buf_dispose(&st->res.body);
	arena_free(st->req.arena);
	free(st);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	buf msg = BUF_INIT;
	buf_vprintf(&msg, fmt, ap);
	while (msg.len && msg.ptr[msg.len - 1] == '\n')
		buf_truncate(&msg, msg.len - 1);
	log_warn("http: %s", buf_cstr(&msg));
	buf_dispose(&msg);
}

static unsigned thread_count(int configured)
{
	if (configured > 0)
		return (unsigned)configured;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 0 ? (unsigned)cpus * 2 : 2;
}

static struct MHD_Daemon *start_daemon(web_server *s, int fd, const web_server_options *opt)
{
	/* The connection's memory pool holds the request line, the headers and the read buffer.
	 * Twice the header limit plus room to read: headers_fit answers what passes the limit, the
	 * library only what is far beyond it. */
	size_t memory = s->max_header_bytes * 2 + 16 * 1024;
	unsigned threads = thread_count(opt->threads);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem options[] = {
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL },
		{ MHD_OPTION_LISTEN_SOCKET, fd, NULL },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, s },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)memory, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL },
		/* MHD refuses a pool of one thread: one thread is then the polling thread itself. */
		{ threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, options,
	                        MHD_OPTION_END);
}

/* What the server owns besides its daemon and parking, and the server itself. */
static void free_server(web_server *s)
{
	web_router_free(s->router);
	cidr_list_dispose(&s->trusted_proxies);
	free(s->public_url);
	free(s->other_url);
	free(s);
}

int web_server_start(web_server **out, const web_service *svc, int listen_fd,
                     const web_server_options *opt)
{
	web_server *s = mem_zalloc(sizeof *s);
	s->service = svc;
	s->templates = opt->templates;
	s->public_url = opt->public_url ? mem_strdup(opt->public_url) : NULL;
	s->other_url = opt->other_url ? mem_strdup(opt->other_url) : NULL;
	s->max_header_bytes = (size_t)(opt->max_header_kib > 0 ? opt->max_header_kib : 32) * 1024;
	s->app = opt->app;
	int rc = web_router_new(&s->router, svc->routes, svc->nroutes);
	if (rc == 0)
		rc = cidr_list_parse(&s->trusted_proxies, opt->trusted_proxies);
	if (rc == 0)
		rc = parking_start(&s->parking);
	if (rc == 0) {
		s->daemon = start_daemon(s, listen_fd, opt);
		if (!s->daemon)
			rc = err_fail(WEFT_ERROR, "%s: the HTTP server could not start", svc->name);
	}
	if (rc < 0) {
		close(listen_fd);
		if (s->parking) {
			parking_stop(s->parking);
			parking_free(s->parking);
		}
		free_server(s);
		return rc;
	}
	*out = s;
	return 0;
}

void web_server_stop(web_server *s, int timeout_seconds)
{
	if (!s)
		return;
	int fd = (int)MHD_quiesce_daemon(s->daemon);
	if (fd >= 0)
		close(fd);
	int64_t deadline = clock_mono_ns() + (int64_t)timeout_seconds * 1000000000;
	while (atomic_load(&s->in_flight) > 0 && clock_mono_ns() < deadline)
		usleep(10 * 1000);
	if (atomic_load(&s->in_flight) > 0)
		log_warn("%s: %d requests still running after %d s; closing them", s->service->name,
		         atomic_load(&s->in_flight), timeout_seconds);
	parking_stop(s->parking);
	/* The connections just resumed end on the workers' next turn (their streams may no longer
	 * wait); stopping the library before that would leave them half-closed. */
	deadline = clock_mono_ns() + (int64_t)PARK_DRAIN_MS * 1000000;
	while (atomic_load(&s->in_flight) > 0 && clock_mono_ns() < deadline)
		usleep(5 * 1000);
	MHD_stop_daemon(s->daemon);
	/* Only now: until the library stopped, a resumed stream may still call park(), which finds
	 * the parking stopping and ends the stream (freed earlier, it hung on a freed lock). */
	parking_free(s->parking);
	free_server(s);
}

int web_server_in_flight(const web_server *s)
{
	return atomic_load(&((web_server *)s)->in_flight);
}

static int open_socket(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	                ai->ai_protocol);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int bound_port(int fd)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof addr;
	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
		return -1;
	if (addr.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
	return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

int web_listen(int *out_fd, int *out_port, const char *listen)
{
	char host[256], port_text[8];
	int port;
	if (config_split_listen(listen, host, &port) < 0)
		return WEFT_EINVALID;
	snprintf(port_text, sizeof port_text, "%d", port);
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
		                  .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	int gai = getaddrinfo(host, port_text, &hints, &ai);
	if (gai != 0)
		return err_fail(WEFT_EINVALID, "cannot listen on %s: %s", listen,
		                gai_strerror(gai));
	int fd = open_socket(ai);
	int saved = errno;
	freeaddrinfo(ai);
	if (fd < 0)
		return err_fail(WEFT_ERROR, "cannot listen on %s: %s", listen, strerror(saved));
	*out_fd = fd;
	*out_port = bound_port(fd);
	return 0;
}

char *web_url_for_listen(const char *listen, int port)
{
	char host[256];
	int ignored;
	if (config_split_listen(listen, host, &ignored) < 0)
		return NULL;
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0 || strcmp(host, "*") == 0)
		return NULL;
	buf url = BUF_INIT;
	if (strchr(host, ':'))
		buf_printf(&url, "http://[%s]:%d", host, port);
	else
		buf_printf(&url, "http://%s:%d", host, port);
	return buf_detach(&url);
}
