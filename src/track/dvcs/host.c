/* The code host's OAuth token endpoint and API 2.0 over HTTP(S): one bounded libcurl easy handle
 * per call, JSON through jansson. Tokens and secrets go only into request headers, never into a
 * message or a log line. */
#include "track/dvcs/host.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/curlib.h"
#include "base/err.h"
#include "base/str.h"

enum {
	HOST_TIMEOUT_MS = 30 * 1000,
	HOST_BODY_MAX = 8 * 1024 * 1024,
	HOST_PAGES_MAX = 1000,
	HOST_MESSAGE_MAX = 400, /* bytes of the host's words kept for a page */
};

/* One request: what goes out and what came back. */
typedef struct exchange {
	const char *method, *url;
	const char *bearer; /* Authorization: Bearer, or NULL */
	const char *user, *password; /* HTTP Basic, or NULL */
	const char *content_type, *body; /* body NULL: none */
	long status; /* 0: no answer */
	buf answer;
	bool too_large;
	char error[CURL_ERROR_SIZE];
} exchange;

static size_t keep_answer(char *data, size_t size, size_t n, void *ctx)
{
	exchange *x = ctx;
	size_t len = size * n;
	if (x->answer.len + len > HOST_BODY_MAX) {
		x->too_large = true;
		return 0; /* curl stops with a write error */
	}
	buf_append(&x->answer, data, len);
	return len;
}

static struct curl_slist *headers_of(const exchange *x)
{
	struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
	h = curl_slist_append(h, "Expect:");
	if (x->content_type) {
		char line[128];
		snprintf(line, sizeof line, "Content-Type: %s", x->content_type);
		h = curl_slist_append(h, line);
	}
	if (x->bearer) {
		buf line = BUF_INIT;
		buf_printf(&line, "Authorization: Bearer %s", x->bearer);
		h = curl_slist_append(h, buf_cstr(&line));
		buf_dispose(&line);
	}
	return h;
}

static void configure(CURL *c, exchange *x, struct curl_slist *headers)
{
	curl_easy_setopt(c, CURLOPT_URL, x->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)HOST_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)HOST_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)HOST_BODY_MAX);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "weft-track-dvcs");
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, x->method);
	if (strcmp(x->method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (x->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(x->body));
	}
	if (x->user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, x->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, x->password);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->error);
}

/* Runs the exchange: 0 when an answer came (any status), WEFT_ERROR with a message when none
 * did or it was too large. */
static int perform(exchange *x)
{
	curlib_ready();
	CURL *c = curl_easy_init();
	if (!c)
		return err_fail(WEFT_ERROR, "cannot start an HTTP request");
	struct curl_slist *headers = headers_of(x);
	configure(c, x, headers);
	CURLcode code = curl_easy_perform(c);
	if (code == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x->status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	if (x->too_large || code == CURLE_FILESIZE_EXCEEDED)
		return err_fail(WEFT_ERROR, "the host's answer is larger than %d MiB",
		                HOST_BODY_MAX / (1024 * 1024));
	if (code == CURLE_OPERATION_TIMEDOUT)
		return err_fail(WEFT_ERROR, "the host did not answer within %d s",
		                HOST_TIMEOUT_MS / 1000);
	if (code != CURLE_OK)
		return err_fail(WEFT_ERROR, "cannot reach the host: %s",
		                x->error[0] ? x->error : curl_easy_strerror(code));
	return 0;
}

/* A string the host sent, bounded and cleaned of control characters for a page, in a. */
static const char *words_of(arena *a, const char *s)
{
	size_t len = strnlen(s, HOST_MESSAGE_MAX);
	char *out = arena_strndup(a, s, len);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return str_is_utf8(out, strlen(out)) ? out : "(not UTF-8)";
}

/* The host's message in its answer: API 2.0's error.message, OAuth's error_description or
 * error, or the status alone. */
static const char *message_of(arena *a, const exchange *x, json_t *answer)
{
	json_t *error = json_object_get(answer, "error");
	const char *text = json_string_value(json_object_get(error, "message"));
	if (!text)
		text = json_string_value(json_object_get(answer, "error_description"));
	if (!text)
		text = json_string_value(error);
	if (text)
		return words_of(a, text);
	return arena_printf(a, "the host answered %ld", x->status);
}

static int code_of_status(long status)
{
	switch (status) {
	case 401: return WEFT_EAUTH;
	case 403: return WEFT_EPERM;
	case 404: return WEFT_ENOTFOUND;
	default: return WEFT_ERROR;
	}
}

/* Parses x's answer: *out the JSON (NULL for an empty answer). WEFT_ERROR when it is not JSON. */
static int parse_answer(const exchange *x, json_t **out)
{
	*out = NULL;
	if (x->answer.len == 0)
		return 0;
	json_error_t e;
	*out = json_loadb(x->answer.ptr, x->answer.len, JSON_REJECT_DUPLICATES, &e);
	return *out ? 0
	            : err_fail(WEFT_ERROR, "the host's answer is not JSON (status %ld)", x->status);
}

/* Runs x, and for a status outside 2xx fills err and returns its code. *out the parsed
 * answer of a success (may be NULL). err's message lives in a. */
static int exchange_json(arena *a, exchange *x, json_t **out, dvcs_host_error *err)
{
	*out = NULL;
	*err = (dvcs_host_error){ 0, NULL };
	int rc = perform(x);
	json_t *answer = NULL;
	if (rc == 0 && x->status >= 200 && x->status <= 299)
		rc = parse_answer(x, &answer);
	else if (rc == 0) {
		json_error_t e;
		json_t *body = json_loadb(x->answer.ptr ? x->answer.ptr : "", x->answer.len, 0, &e);
		err->status = x->status;
		err->message = message_of(a, x, body);
		json_decref(body);
		rc = err_fail(code_of_status(x->status), "%s", err->message);
	}
	if (rc < 0 && !err->message) {
		err->status = x->status;
		err->message = arena_strdup(a, err_msg());
	}
	buf_dispose(&x->answer);
	if (rc == 0)
		*out = answer;
	return rc;
}

/* ---- OAuth ---------------------------------------------------------------------------- */

/* name=value&… form encoding (pairs end with a NULL name), in a. */
static const char *form_of(arena *a, const char *const *pairs)
{
	buf b = BUF_INIT;
	for (size_t i = 0; pairs[i]; i += 2) {
		char *value = curl_easy_escape(NULL, pairs[i + 1], 0);
		buf_printf(&b, "%s%s=%s", i ? "&" : "", pairs[i], value ? value : "");
		curl_free(value);
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

static const char *string_in(arena *a, json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));
	return s ? arena_strdup(a, s) : NULL;
}

static int read_tokens(arena *a, json_t *answer, dvcs_host_tokens *out)
{
	*out = (dvcs_host_tokens){ 0 };
	out->access = string_in(a, answer, "access_token");
	out->refresh = string_in(a, answer, "refresh_token");
	out->scopes = string_in(a, answer, "scopes");
	json_int_t expires_in = json_integer_value(json_object_get(answer, "expires_in"));
	if (!out->access || !*out->access || strlen(out->access) > 4096)
		return err_fail(WEFT_ERROR, "the host's token endpoint gave no access token");
	if (expires_in <= 0 || expires_in > 10 * 365 * 24 * 3600)
		expires_in = 3600;
	out->expires_at = clock_now_ms() + (int64_t)expires_in * 1000;
	return 0;
}

static int token_call(arena *a, const char *site_url, const char *key, const char *secret,
                      const char *const *form, dvcs_host_tokens *out, dvcs_host_error *err)
{
	exchange x = { .method = "POST",
		       .url = arena_printf(a, "%s/site/oauth2/access_token", site_url),
		       .user = key,
		       .password = secret,
		       .content_type = "application/x-www-form-urlencoded",
		       .body = form_of(a, form) };
	json_t *answer = NULL;
	int rc = exchange_json(a, &x, &answer, err);
	/* RFC 6749 §5.2: a refused grant or client is 400 or 401; both are the host saying no. */
	if (rc < 0 && (x.status == 400 || x.status == 401))
		rc = err_fail(WEFT_EAUTH, "%s", err->message);
	if (rc == 0 && (rc = read_tokens(a, answer, out)) < 0)
		*err = (dvcs_host_error){ x.status, arena_strdup(a, err_msg()) };
	json_decref(answer);
	return rc;
}

const char *dvcs_host_authorize_url(arena *a, const char *site_url, const char *key,
                                    const char *callback, const char *state)
{
	const char *const query[] = { "client_id", key,     "response_type", "code", "redirect_uri",
		                      callback,    "state", state,           NULL };
	return arena_printf(a, "%s/site/oauth2/authorize?%s", site_url, form_of(a, query));
}

int dvcs_host_token_code(arena *a, const char *site_url, const char *key, const char *secret,
                         const char *code, const char *callback, dvcs_host_tokens *out,
                         dvcs_host_error *err)
{
	const char *const form[] = { "grant_type", "authorization_code", "code",
		                     code,         "redirect_uri",       callback,
		                     NULL };
	return token_call(a, site_url, key, secret, form, out, err);
}

int dvcs_host_token_refresh(arena *a, const char *site_url, const char *key, const char *secret,
                            const char *refresh, dvcs_host_tokens *out, dvcs_host_error *err)
{
	const char *const form[] = { "grant_type", "refresh_token", "refresh_token", refresh,
		                     NULL };
	return token_call(a, site_url, key, secret, form, out, err);
}

int dvcs_host_token_client(arena *a, const char *site_url, const char *key, const char *secret,
                           dvcs_host_tokens *out, dvcs_host_error *err)
{
	const char *const form[] = { "grant_type", "client_credentials", NULL };
	return token_call(a, site_url, key, secret, form, out, err);
}

/* ---- API 2.0 -------------------------------------------------------------------------- */

const char *dvcs_host_escape(arena *a, const char *s)
{
	char *escaped = curl_easy_escape(NULL, s, 0);
	const char *out = arena_strdup(a, escaped ? escaped : "");
	curl_free(escaped);
	return out;
}

/* One call to a full URL; messages live in a. */
static int call_url(arena *a, const dvcs_host *h, const char *method, const char *url, json_t *body,
                    json_t **out, dvcs_host_error *err)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	exchange x = { .method = method,
		       .url = url,
		       .bearer = h->token,
		       .content_type = text ? "application/json" : NULL,
		       .body = text };
	int rc = exchange_json(a, &x, out, err);
	free(text);
	return rc;
}

int dvcs_host_call(const dvcs_host *h, const char *method, const char *path, json_t *body,
                   json_t **out, dvcs_host_error *err)
{
	arena *a = arena_new();
	const char *url = arena_printf(a, "%s%s", h->api_url, path);
	dvcs_host_error e = { 0 };
	json_t *answer = NULL;
	int rc = call_url(a, h, method, url, body, &answer, &e);
	if (out)
		*out = answer;
	else
		json_decref(answer);
	/* The message must outlive this call's arena: it lives in the thread's error text. */
	if (rc < 0) {
		err_set("%s", e.message ? e.message : "");
		*err = (dvcs_host_error){ e.status, err_msg() };
	} else
		*err = (dvcs_host_error){ 0, NULL };
	arena_free(a);
	return rc;
}

/* The scheme, host and port of url with the slash after them ("https://h:1/"), its length. */
static size_t origin_len(const char *url)
{
	const char *host = strstr(url, "://");
	if (!host)
		return 0;
	const char *slash = strchr(host + 3, '/');
	return slash ? (size_t)(slash - url) + 1 : 0;
}

static bool same_origin(const char *api_url, const char *next)
{
	size_t n = origin_len(api_url);
	if (n == 0)
		return false;
	return strncmp(api_url, next, n) == 0 ||
	       (strlen(api_url) == n - 1 && strncmp(api_url, next, n - 1) == 0 &&
	        next[n - 1] == '/');
}

/* Calls fn on every value of one page; *next the next page's URL (in a) or NULL. */
static int walk_page(arena *a, json_t *page, const char *api_url,
                     int (*fn)(void *ctx, json_t *value), void *ctx, const char **next)
{
	json_t *values = json_object_get(page, "values");
	if (!json_is_array(values))
		return err_fail(WEFT_ERROR, "the host's list has no values");
	*next = NULL;
	size_t i;
	json_t *value;
	json_array_foreach(values, i, value)
	{
		int rc = fn(ctx, value);
		if (rc != 0)
			return rc;
	}
	const char *link = json_string_value(json_object_get(page, "next"));
	if (link && !same_origin(api_url, link))
		return err_fail(WEFT_ERROR, "the host's next page is on another host");
	*next = link ? arena_strdup(a, link) : NULL;
	return 0;
}

int dvcs_host_each(const dvcs_host *h, const char *path, int (*fn)(void *ctx, json_t *value),
                   void *ctx, dvcs_host_error *err)
{
	arena *a = arena_new();
	const char *url = arena_printf(a, "%s%s", h->api_url, path);
	dvcs_host_error e = { 0 };
	int rc = 0, pages = 0;
	while (rc == 0 && url) {
		if (++pages > HOST_PAGES_MAX) {
			rc = err_fail(WEFT_ERROR, "the host's list goes on past %d pages",
			              HOST_PAGES_MAX);
			break;
		}
		json_t *page = NULL;
		rc = call_url(a, h, "GET", url, NULL, &page, &e);
		if (rc == 0)
			rc = walk_page(a, page, h->api_url, fn, ctx, &url);
		json_decref(page);
	}
	*err = (dvcs_host_error){ rc < 0 ? (e.status ? e.status : 0) : 0,
		                  rc < 0 ? err_msg() : NULL };
	arena_free(a);
	return rc;
}
