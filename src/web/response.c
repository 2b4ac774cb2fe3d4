/* Building responses: JSON, text, redirects, pages in the layout, error pages and error bodies,
 * and the handlers every service mounts (status, static files, CSP reports). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/asset.h"
#include "web/escape.h"
#include "web/server_internal.h"
#include "web/status.h"
#include "web/template.h"
#include "web/web.h"

void web_res_header(web_request *req, web_response *res, const char *name, const char *value)
{
	for (size_t i = 0; i < res->nheaders; i++) {
		if (str_eq_nocase(res->headers[i].name, name)) {
			res->headers[i].value = arena_strdup(req->arena, value);
			return;
		}
	}
	web_res_header_add(req, res, name, value);
}

void web_res_header_add(web_request *req, web_response *res, const char *name, const char *value)
{
	if (res->nheaders == sizeof res->headers / sizeof res->headers[0]) {
		log_error("response header %s dropped: too many headers", name);
		return;
	}
	res->headers[res->nheaders].name = arena_strdup(req->arena, name);
	res->headers[res->nheaders++].value = arena_strdup(req->arena, value);
}

static const char *find_header(const web_response *res, const char *name)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (str_eq_nocase(res->headers[i].name, name))
			return res->headers[i].value;
	return NULL;
}

static void reset_body(web_response *res, int status, const char *content_type)
{
	if (res->stream_free)
		res->stream_free(res->stream_ctx);
	res->stream = NULL;
	res->stream_ctx = NULL;
	res->stream_free = NULL;
	res->stream_wait_fd = -1;
	res->etag = NULL;
	buf_clear(&res->body);
	res->status = status;
	res->content_type = content_type;
}

void web_res_json(web_response *res, int status, json_t *value)
{
	reset_body(res, status, "application/json; charset=utf-8");
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text) {
		buf_puts(&res->body, text);
		free(text);
	}
	json_decref(value);
}

void web_res_text(web_response *res, int status, const char *text)
{
	reset_body(res, status, "text/plain; charset=utf-8");
	buf_puts(&res->body, text);
}

void web_res_redirect(web_request *req, web_response *res, int status, const char *location)
{
	web_res_text(res, status, "");
	web_res_header(req, res, "Location", location);
}

void web_res_stream(web_response *res, int status, const char *content_type, web_stream_fn fn,
                    void *ctx, void (*free_ctx)(void *ctx))
{
	reset_body(res, status, content_type);
	res->stream = fn;
	res->stream_ctx = ctx;
	res->stream_free = free_ctx;
}

void web_res_stream_wait(web_response *res, int fd)
{
	res->stream_wait_fd = fd;
}

/* The length of url's origin (scheme://host[:port]), or 0 when it is not an http(s) URL whose
 * host is plain letters, digits, dots, hyphens, a port or a bracketed IPv6 address: nothing that
 * could end the policy's directive or add a source of another kind. */
static size_t origin_length(const char *url)
{
	size_t scheme = str_starts_with(url, "https://")  ? 8
	                : str_starts_with(url, "http://") ? 7
	                                                  : 0;
	if (!scheme)
		return 0;
	size_t n = scheme;
	for (; url[n] && !strchr("/?#", url[n]); n++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]",
		            url[n]))
			return 0;
	return n > scheme ? n : 0;
}

void web_res_form_target(web_request *req, web_response *res, const char *url)
{
	size_t n = url ? origin_length(url) : 0;
	if (!n)
		return;
	res->form_targets = res->form_targets ? arena_printf(req->arena, "%s %.*s",
	                                                     res->form_targets, (int)n, url)
	                                      : arena_strndup(req->arena, url, n);
}

/* The keys every page and the layout can use. */
static void add_common_keys(web_request *req, json_t *data, const char *title)
{
	const web_service *svc = req->service;
	json_object_set_new(data, "service", json_string(svc->name));
	json_object_set_new(data, "product", json_string(svc->product));
	json_object_set_new(data, "title", json_string(title));
	json_object_set_new(data, "version", json_string(WEFT_VERSION));
	json_object_set_new(data, "base_url", json_string(web_base_url(req)));
	json_object_set_new(data, "request_id", json_string(req->id));
	json_object_set_new(data, strcmp(svc->name, "hub") == 0 ? "is_hub" : "is_track",
	                    json_true());
	if (req->server && req->server->other_url)
		json_object_set_new(data, "other_url", json_string(req->server->other_url));
}

int web_res_page(web_request *req, web_response *res, int status, const char *page,
                 const char *title, json_t *data)
{
	buf content = BUF_INIT;
	add_common_keys(req, data, title);
	const tmpl_set *templates = req->server ? req->server->templates : NULL;
	int rc = templates ? tmpl_render(&content, templates, page, data)
	                   : err_fail(WEFT_ERROR, "no templates loaded");
	if (rc == 0) {
		json_object_set_new(data, "content",
		                    json_stringn(content.ptr ? content.ptr : "", content.len));
		reset_body(res, status, "text/html; charset=utf-8");
		rc = tmpl_render(&res->body, templates, "layout", data);
	}
	buf_dispose(&content);
	json_decref(data);
	return rc;
}

static bool wants_json_errors(const web_request *req)
{
	if (req->route && (req->route->flags & WEB_API))
		return true;
	/* A path under an API prefix answers JSON even when a page's pattern matched it too
	 * ("/2.0/nothing" fits hub's "/{workspace}/{repo_slug}"). */
	const char *const *prefix = req->service->api_prefixes;
	for (; prefix && *prefix; prefix++)
		if (str_starts_with(req->path, *prefix))
			return true;
	return false;
}

/* The HTML error page; a plain-text fallback if even the template fails. */
static void render_error_page(web_request *req, web_response *res, int status, const char *message)
{
	json_t *data = json_pack("{s:i, s:s, s:s}", "status", status, "reason",
	                         web_status_reason(status), "message", message);
	if (web_res_page(req, res, status, "error", web_status_reason(status), data) < 0) {
		log_error("error page could not be rendered: %s", err_msg());
		web_res_text(res, status, message);
	}
}

/* A browser asked for a page it must sign in for: to the sign-in page, and back afterwards. */
static void redirect_to_sign_in(web_request *req, web_response *res)
{
	buf location = BUF_INIT;
	buf_puts(&location, req->service->sign_in_path);
	buf_puts(&location, "?next=");
	esc_url_query(&location, req->path, strlen(req->path));
	/* The query too: the page signed in for may be one its query describes (OAuth's consent). */
	if (req->query_string && *req->query_string) {
		esc_url_query(&location, "?", 1);
		esc_url_query(&location, req->query_string, strlen(req->query_string));
	}
	web_res_redirect(req, res, 303, buf_cstr(&location));
	buf_dispose(&location);
}

/* Statuses whose clients need particular headers (http-rules.md §6, §8). */
static void add_status_headers(web_request *req, web_response *res, int status)
{
	if (status == 401 && !find_header(res, "WWW-Authenticate"))
		web_res_header(req, res, "WWW-Authenticate", "Basic realm=\"weft\"");
	if (status == 429 && !find_header(res, "Retry-After")) {
		int64_t wait = req->retry_after_s > 0 ? req->retry_after_s : 60;
		web_res_header(req, res, "Retry-After",
		               arena_printf(req->arena, "%lld", (long long)wait));
		web_res_header(req, res, "X-RateLimit-Limit", "60");
		web_res_header(req, res, "X-RateLimit-Interval-Seconds", "60");
		web_res_header(req, res, "X-RateLimit-FillRate", "1");
	}
}

void web_res_error_status(web_request *req, web_response *res, int status, const char *message)
{
	if (status >= 500) {
		log_error("%s %s failed: %s", req->method, req->path, message);
		message = arena_printf(req->arena,
		                       "Something went wrong on our side. Quote request id %s when "
		                       "you report it.",
		                       req->id);
	}
	if (wants_json_errors(req))
		req->service->render_api_error(req, res, status, message);
	else if (req->route && (req->route->flags & WEB_CHALLENGE))
		web_res_text(res, status, message);
	else if (status == 401 && req->service->sign_in_path && strcmp(req->method, "GET") == 0)
		redirect_to_sign_in(req, res);
	else
		render_error_page(req, res, status, message);
	res->cacheable = false;
	add_status_headers(req, res, res->status); /* not for the redirect to sign in */
}

void web_res_error(web_request *req, web_response *res, int code, const char *message)
{
	web_res_error_status(req, res, web_status_for_error(code), message);
}

int web_status_handler(web_request *req, web_response *res)
{
	(void)req;
	web_res_json(res, 200, json_pack("{s:s}", "state", "RUNNING"));
	res->cacheable = false;
	return 0;
}

static const char *content_type_for(const char *path)
{
	static const struct {
		const char *suffix, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (str_ends_with(path, types[i].suffix))
			return types[i].type;
	return "application/octet-stream";
}

int web_static_handler(web_request *req, web_response *res)
{
	const char *name = web_param(req, "path");
	const char *path = arena_printf(req->arena, "static/%s", name ? name : "");
	const asset *file = asset_find(path);
	if (!file || req->trailing_slash)
		return err_fail(WEFT_ENOTFOUND, "There is no file %s.", path);
	reset_body(res, 200, content_type_for(path));
	buf_append(&res->body, file->data, file->len);
	res->etag = file->etag;
	res->cacheable = true;
	web_res_header(req, res, "Cache-Control", "no-cache");
	return 0;
}

/* A few fields of a violation report, for the log line. */
static const char *report_field(json_t *report, const char *key)
{
	json_t *body = json_object_get(report, "csp-report");
	if (!body)
		body = json_object_get(report, "body");
	const char *value = json_string_value(json_object_get(body ? body : report, key));
	return value;
}

int web_csp_report_handler(web_request *req, web_response *res)
{
	json_t *report = req->json;
	if (!report || !(json_is_object(report) || json_is_array(report)))
		return err_fail(WEFT_EINVALID, "A report must be a JSON object or array.");
	if (json_is_array(report))
		report = json_array_get(report, 0);
	log_field fields[] = {
		{ "document", report_field(report, "document-uri") },
		{ "directive", report_field(report, "violated-directive") },
		{ "blocked", report_field(report, "blocked-uri") },
	};
	log_fields(LOG_WARN, "content security policy violation", fields, 3);
	web_res_text(res, 204, "");
	return 0;
}
