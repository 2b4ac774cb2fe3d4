/* The delivery job: a lease on the hook makes one sender at a time; the sender posts the oldest
 * pending delivery, records the attempt, and goes on until none is due. */
#include "hub/hook/deliver.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/curlib.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "hub/hook/allow.h"
#include "hub/hook/event.h"
#include "hub/hook/hook_config.h"

enum { HOST_MAX = 256, CLEANUP_EVERY_MS = 60 * 60 * 1000 };

/* The head of a hook's queue. */
typedef struct pending {
	bool found;
	bool active;
	const char *url, *hook_uuid;
	bool skip_verify;
	int64_t id;
	const char *event, *request_uuid, *body, *signature;
	int attempts;
	int64_t created_at, next_attempt_at;
} pending;

/* What one attempt gave. */
typedef struct outcome {
	int64_t started_at, duration_ms;
	long status; /* 0: no response */
	buf request_headers, response_headers, response_body;
	char error[CURL_ERROR_SIZE + 128];
	bool refused; /* the allow list refused the address */
} outcome;

typedef struct sender {
	db *d;
	int64_t hook_id, job_id;
	arena *a;
	CURL *curl; /* kept across the hook's deliveries, so that the connection is reused */
	char host[HOST_MAX];
	pending p;
} sender;

/* ---- the lease ---- */

typedef struct lease_ctx {
	const sender *s;
	bool taken;
} lease_ctx;

static int take_lease(db_conn *c, void *ctx)
{
	lease_ctx *l = ctx;
	int64_t now = clock_now_ms();
	int rc = db_exec(c,
	                 "UPDATE hooks SET sender_job = $2, sender_until = $3 WHERE id = $1 AND"
	                 " (sender_until IS NULL OR sender_until < $4 OR sender_job = $2)",
	                 db_int(l->s->hook_id), db_int(l->s->job_id),
	                 db_int(now + HOOK_SENDER_LEASE_MS), db_int(now));
	l->taken = rc > 0;
	return rc < 0 ? rc : 0;
}

static int release_lease(db_conn *c, void *ctx)
{
	const sender *s = ctx;
	int rc = db_exec(c,
	                 "UPDATE hooks SET sender_job = NULL, sender_until = NULL"
	                 " WHERE id = $1 AND sender_job = $2",
	                 db_int(s->hook_id), db_int(s->job_id));
	return rc < 0 ? rc : 0;
}

/* ---- the head of the queue ---- */

static const char *copy(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int load_hook(db_conn *c, sender *s)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT url, uuid, active, skip_cert_verification FROM hooks WHERE id = $1",
	        db_int(s->hook_id));
	if (rc == 0)
		rc = db_step_one(st, "hook %lld is gone", (long long)s->hook_id);
	if (rc == 0) {
		s->p.url = copy(s->a, db_col_text(st, 0));
		s->p.hook_uuid = copy(s->a, db_col_text(st, 1));
		s->p.active = db_col_int(st, 2) != 0;
		s->p.skip_verify = db_col_int(st, 3) != 0;
	}
	db_done(st);
	return rc;
}

static int load_head(db_conn *c, void *ctx)
{
	sender *s = ctx;
	db_stmt *st;
	memset(&s->p, 0, sizeof s->p);
	int rc = load_hook(c, s);
	if (rc < 0)
		return rc;
	rc = db_query(&st, c,
	              "SELECT id, event, request_uuid, body, signature, attempts, created_at,"
	              " next_attempt_at FROM hook_deliveries WHERE hook_id = $1 AND state ="
	              " 'pending' ORDER BY id LIMIT 1",
	              db_int(s->hook_id));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		s->p.found = true;
		s->p.id = db_col_int(st, 0);
		s->p.event = copy(s->a, db_col_text(st, 1));
		s->p.request_uuid = copy(s->a, db_col_text(st, 2));
		s->p.body = copy(s->a, db_col_text(st, 3));
		s->p.signature = copy(s->a, db_col_text(st, 4));
		s->p.attempts = (int)db_col_int(st, 5);
		s->p.created_at = db_col_int(st, 6);
		s->p.next_attempt_at = db_col_int(st, 7);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- one attempt ---- */

static size_t keep_body(char *data, size_t size, size_t n, void *ctx)
{
	buf *b = ctx;
	size_t len = size * n;
	if (b->len < HOOK_RESPONSE_BODY_MAX)
		buf_append(b, data,
		           len < HOOK_RESPONSE_BODY_MAX - b->len ? len
		                                                 : HOOK_RESPONSE_BODY_MAX - b->len);
	return len;
}

static size_t keep_header(char *data, size_t size, size_t n, void *ctx)
{
	buf *b = ctx;
	size_t len = size * n;
	if (b->len + len <= HOOK_RESPONSE_HEADERS_MAX)
		buf_append(b, data, len);
	return len;
}

typedef struct socket_check {
	const char *host;
	bool refused;
} socket_check;

/* Every address curl is about to connect to goes through the allow list: a name that resolves
 * to a refused address, now or after the URL was checked, is never connected to. */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *address)
{
	socket_check *check = ctx;
	(void)purpose;
	if (!hub_hook_address_allowed(check->host, &address->addr)) {
		check->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

static struct curl_slist *request_headers(const sender *s, outcome *o)
{
	struct curl_slist *h = NULL;
	buf_printf(&o->request_headers,
	           "Content-Type: application/json\nUser-Agent: Bitbucket-Webhooks/2.0\n"
	           "X-Event-Key: %s\nX-Hook-UUID: %s\nX-Request-UUID: %s\nX-Attempt-Number: %d\n",
	           s->p.event, s->p.hook_uuid, s->p.request_uuid, s->p.attempts + 1);
	if (s->p.signature)
		buf_printf(&o->request_headers, "X-Hub-Signature: %s\n", s->p.signature);
	char *lines = arena_strdup(s->a, buf_cstr(&o->request_headers));
	for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n"))
		h = curl_slist_append(h, line);
	return curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
}

static void configure(sender *s, outcome *o, struct curl_slist *headers, socket_check *check)
{
	CURL *h = s->curl;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, s->p.url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)HOOK_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)HOOK_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, s->p.skip_verify ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, s->p.skip_verify ? 0L : 2L);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, s->p.body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(s->p.body));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &o->response_body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, keep_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &o->response_headers);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, check);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, o->error);
}

static void attempt(sender *s, outcome *o)
{
	socket_check check = { s->host, false };
	struct curl_slist *headers = request_headers(s, o);
	configure(s, o, headers, &check);
	o->started_at = clock_now_ms();
	CURLcode code = curl_easy_perform(s->curl);
	o->duration_ms = clock_now_ms() - o->started_at;
	if (code == CURLE_OK)
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &o->status);
	if (check.refused)
		snprintf(o->error, sizeof o->error,
		         "the address of %s is not allowed for webhooks (--webhook-allowed-hosts)",
		         s->host);
	else if (code != CURLE_OK && !o->error[0])
		snprintf(o->error, sizeof o->error, "%s", curl_easy_strerror(code));
	else if (code != CURLE_OK && code == CURLE_OPERATION_TIMEDOUT)
		snprintf(o->error, sizeof o->error, "no answer within %d s",
		         HOOK_TIMEOUT_MS / 1000);
	else if (code == CURLE_OK && (o->status < 200 || o->status > 299))
		snprintf(o->error, sizeof o->error, "the receiver answered %ld", o->status);
	curl_slist_free_all(headers);
}

static bool succeeded(const outcome *o)
{
	return o->status >= 200 && o->status <= 299;
}

/* ---- recording ---- */

int64_t hub_hook_retry_delay(int attempt)
{
	int64_t delay = hub_hook_config_get()->retry_base_ms;
	for (int i = 1; i < attempt && delay < 60 * 60 * 1000; i++)
		delay *= 2;
	return delay < 60 * 60 * 1000 ? delay : 60 * 60 * 1000;
}

typedef struct record_ctx {
	sender *s;
	outcome *o;
	int64_t retry_in; /* out: > 0 when the delivery waits for a retry */
} record_ctx;

/* Response text kept as valid UTF-8 (bytes that are not become '?'), so both engines store it. */
static const char *text_of(arena *a, const buf *b)
{
	char *t = arena_strndup(a, b->ptr ? b->ptr : "", b->len);
	for (size_t i = 0; i < b->len; i++)
		if (t[i] == '\0')
			t[i] = '?';
	if (!str_is_utf8(t, b->len))
		for (size_t i = 0; i < b->len; i++)
			if ((unsigned char)t[i] >= 0x80)
				t[i] = '?';
	return t;
}

static int insert_attempt(db_conn *c, const record_ctx *r)
{
	const outcome *o = r->o;
	int rc = db_exec(c,
	                 "INSERT INTO hook_attempts (delivery_id, attempt, started_at, duration_ms,"
	                 " request_headers, status, response_headers, response_body, error)"
	                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
	                 db_int(r->s->p.id), db_int(r->s->p.attempts + 1), db_int(o->started_at),
	                 db_int(o->duration_ms), db_text(buf_cstr(&o->request_headers)),
	                 db_int(o->status), db_text(text_of(r->s->a, &o->response_headers)),
	                 db_text(text_of(r->s->a, &o->response_body)), db_text(o->error));
	return rc < 0 ? rc : 0;
}

static int record(db_conn *c, void *ctx)
{
	record_ctx *r = ctx;
	const pending *p = &r->s->p;
	int64_t now = clock_now_ms();
	int attempts = p->attempts + 1;
	bool ok = succeeded(r->o);
	bool give_up = !ok && now - p->created_at >= hub_hook_config_get()->retry_window_ms;
	r->retry_in = ok || give_up ? 0 : hub_hook_retry_delay(attempts);
	int rc = insert_attempt(c, r);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE hook_deliveries SET attempts = $2, state = $3,"
		             " next_attempt_at = $4, finished_at = $5 WHERE id = $1",
		             db_int(p->id), db_int(attempts),
		             db_text(ok        ? "delivered"
		                     : give_up ? "failed"
		                               : "pending"),
		             db_int(now + r->retry_in), r->retry_in ? db_null() : db_int(now));
	if (rc >= 0)
		rc = db_exec(c,
		             "UPDATE hooks SET sender_until = $3 WHERE id = $1 AND sender_job = $2",
		             db_int(r->s->hook_id), db_int(r->s->job_id),
		             db_int(now + HOOK_SENDER_LEASE_MS));
	if (rc >= 0 && r->retry_in)
		rc = hub_hook_schedule(c, r->s->hook_id, r->retry_in);
	if (rc >= 0 && r->retry_in)
		rc = release_lease(c, r->s);
	return rc < 0 ? rc : 0;
}

static void outcome_dispose(outcome *o)
{
	buf_dispose(&o->request_headers);
	buf_dispose(&o->response_headers);
	buf_dispose(&o->response_body);
}

/* Sends the head delivery and records it; *more is false when the sender stops (a retry is
 * scheduled and the lease released). */
static int send_head(sender *s, bool *more)
{
	outcome o = { 0 };
	record_ctx r = { s, &o, 0 };
	attempt(s, &o);
	int rc = db_tx(s->d, record, &r);
	if (rc == 0 && !succeeded(&o))
		log_info("webhook %s: %s delivery %lld attempt %d failed: %s", s->p.hook_uuid,
		         s->p.event, (long long)s->p.id, s->p.attempts + 1, o.error);
	*more = rc == 0 && r.retry_in == 0;
	outcome_dispose(&o);
	return rc;
}

/* ---- the job ---- */

typedef struct wait_ctx {
	sender *s;
	int64_t delay_ms;
} wait_ctx;

static int wait_for_head(db_conn *c, void *ctx)
{
	wait_ctx *w = ctx;
	int rc = hub_hook_schedule(c, w->s->hook_id, w->delay_ms);
	return rc < 0 ? rc : release_lease(c, w->s);
}

/* Releases the lease, then looks again: a delivery stored while this sender was finishing has
 * its own job, which may have found the lease still taken and left the work to this sender. */
static int stop_or_continue(sender *s, bool *more)
{
	lease_ctx l = { s, false };
	int rc = db_tx(s->d, release_lease, s);
	if (rc == 0)
		rc = db_read(s->d, load_head, s);
	*more = false;
	if (rc < 0 || !s->p.found || !s->p.active)
		return rc == WEFT_ENOTFOUND ? 0 : rc;
	rc = db_tx(s->d, take_lease, &l);
	*more = rc == 0 && l.taken;
	return rc;
}

/* One step of the sender: the head is loaded; send it, wait for it, or stop. */
static int step(sender *s, bool *more)
{
	if (!s->p.found || !s->p.active)
		return stop_or_continue(s, more);
	int64_t now = clock_now_ms();
	if (s->p.next_attempt_at > now) {
		wait_ctx w = { s, s->p.next_attempt_at - now };
		*more = false;
		return db_tx(s->d, wait_for_head, &w);
	}
	if (!hub_hook_url_host(s->p.url, s->host))
		s->host[0] = '\0';
	return send_head(s, more);
}

static int parse_hook_id(const job *j, int64_t *id)
{
	json_t *payload = json_loads(j->payload, 0, NULL);
	json_int_t value = json_integer_value(json_object_get(payload, "hook"));
	json_decref(payload);
	if (value <= 0)
		return err_fail(WEFT_EINVALID, "a delivery job without a hook: %.80s", j->payload);
	*id = value;
	return 0;
}

static int deliver_job(void *ctx, const job *j)
{
	sender s = { .d = ctx, .job_id = j->id };
	lease_ctx l = { &s, false };
	int rc = parse_hook_id(j, &s.hook_id);
	if (rc == 0)
		rc = db_tx(s.d, take_lease, &l);
	if (rc < 0 || !l.taken)
		return rc; /* another sender has the hook; it looks again before it stops */
	curlib_ready();
	s.curl = curl_easy_init();
	if (!s.curl)
		return err_fail(WEFT_ERROR, "libcurl: cannot start a transfer");
	bool more = true;
	while (rc == 0 && more) {
		s.a = arena_new();
		rc = db_read(s.d, load_head, &s);
		if (rc == 0)
			rc = step(&s, &more);
		arena_free(s.a);
	}
	curl_easy_cleanup(s.curl);
	return rc == WEFT_ENOTFOUND ? 0 : rc; /* the hook was deleted: nothing left to send */
}

/* ---- cleanup ---- */

typedef struct cleanup_ctx {
	int64_t before;
	int64_t deleted;
} cleanup_ctx;

static int cleanup_tx(db_conn *c, void *ctx)
{
	cleanup_ctx *cc = ctx;
	int rc = db_exec(c,
	                 "DELETE FROM hook_deliveries WHERE created_at < $1 AND state <> 'pending'",
	                 db_int(cc->before));
	if (rc >= 0)
		cc->deleted = rc;
	if (rc >= 0)
		rc = db_exec(c,
		             "DELETE FROM hooks WHERE repository_id IS NOT NULL AND NOT EXISTS"
		             " (SELECT 1 FROM repositories r WHERE r.id = hooks.repository_id)"
		             " AND NOT EXISTS (SELECT 1 FROM hook_deliveries d WHERE d.hook_id ="
		             " hooks.id AND d.state = 'pending')",
		             DB_END);
	return rc < 0 ? rc : 0;
}

int hub_hook_cleanup(db *d, int64_t older_than_ms, int64_t *deleted)
{
	cleanup_ctx cc = { clock_now_ms() - older_than_ms, 0 };
	int rc = db_tx(d, cleanup_tx, &cc);
	*deleted = rc == 0 ? cc.deleted : 0;
	return rc;
}

static int cleanup_job(void *ctx, const job *j)
{
	(void)j;
	int64_t deleted = 0;
	int rc = hub_hook_cleanup(ctx, hub_hook_config_get()->log_retention_ms, &deleted);
	int scheduled = jobs_schedule_periodic_now(ctx, HUB_HOOK_CLEANUP_JOB, CLEANUP_EVERY_MS);
	return rc < 0 ? rc : scheduled;
}

int hub_hook_jobs_start(job_queue *q, db *d)
{
	job_queue_register(q, HUB_HOOK_DELIVER_JOB, deliver_job, d);
	job_queue_register(q, HUB_HOOK_CLEANUP_JOB, cleanup_job, d);
	return jobs_schedule_periodic_now(d, HUB_HOOK_CLEANUP_JOB, 0);
}
