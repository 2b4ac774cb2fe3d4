/* The web layer's public types: requests, responses, routes and services. A service (hub, track)
 * is a table of routes plus a few hooks; the server and router run every central check (STYLE.md
 * §7) before a handler sees the request, and handlers only fill in a response (STYLE.md §8). */
#ifndef WEFT_WEB_WEB_H
#define WEFT_WEB_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/arena.h"
#include "base/buf.h"
#include "web/form.h"

typedef struct web_request web_request;
typedef struct web_response web_response;
typedef struct web_service web_service;
typedef struct web_route web_route;
typedef struct tmpl_set tmpl_set;

/* A handler fills res and returns 0, or returns an error code (STYLE.md §3) that the server turns
 * into the service's error page or API error body, using err_msg() as the message. */
typedef int (*web_handler)(web_request *req, web_response *res);

/* Route flags. */
enum {
	WEB_API = 1 << 0, /* errors are the service's JSON error body, not an HTML page */
	WEB_BODY_JSON = 1 << 1, /* the body is parsed as JSON into req->json before the handler */
	WEB_BODY_FORM = 1 << 2, /* the body is parsed as a form (urlencoded or multipart) */
	WEB_NEEDS_USER = 1 << 3, /* anonymous callers get 401 */
	WEB_NO_CSRF = 1 << 4, /* a state-changing route that needs no CSRF check at all */
	/* Only a browser session will do, not credentials in the request: a cached Basic login or a
	 * token must not manage the account. */
	WEB_NEEDS_SESSION = 1 << 5,
	/* For non-browser clients that prompt for credentials (git): errors are plain text (which
	 * such clients print), and a caller without credentials gets 401 with the Basic challenge,
	 * never a redirect to the sign-in page. */
	WEB_CHALLENGE = 1 << 6,
	/* The handler authenticates its caller itself (OAuth's token endpoint, whose Basic
	 * credentials are a client's, not a user's): the service's authenticate hook is not called
	 * and req->user stays NULL. */
	WEB_OWN_AUTH = 1 << 7,
};

enum {
	WEB_BODY_LIMIT_DEFAULT = 1024 * 1024, /* for routes that declare no limit */
	/* The limits routes declare, by what their bodies carry. */
	WEB_BODY_LIMIT_FORM = 16 * 1024, /* a form or a JSON object of a few short fields */
	WEB_BODY_LIMIT_OBJECT = 64 * 1024, /* a JSON object with names, settings and lists */
	WEB_BODY_LIMIT_TEXT = 256 * 1024, /* free text: descriptions, comments, lists of refs */
	WEB_PARAMS_MAX = 16, /* path parameters in one pattern */
};

typedef enum { WEB_FROM_PATH, WEB_FROM_QUERY, WEB_FROM_FORM } web_param_source;

/* A declared input: the router validates it before the handler runs, and answers 400 naming the
 * parameter when check fails (check sets the message through err_fail). A parameter may also
 * name what the route acts on (the service's scope: a repository, an issue) or change what the
 * route needs: scope is then the service's own code for that meaning (hub.h's HUB_SCOPE_*,
 * track.h's TRACK_SCOPE_*), which its authorize hook reads from the table before the handler
 * runs, checking the value first; 0 for an ordinary input. */
typedef struct web_param_spec {
	const char *name;
	web_param_source source;
	bool required;
	int (*check)(const char *value);
	int scope;
} web_param_spec;

/* The value of a declared parameter in req, from where it is declared (NULL when absent). A
 * present value is checked: WEFT_EINVALID ("name: why") when check refuses it, and WEFT_EINVALID
 * ("name is required.") for a required parameter that is absent. */
int web_param_read(const web_request *req, const web_param_spec *p, const char **out);

struct web_route {
	const char *method; /* "GET", "POST", …; GET routes also answer HEAD */
	const char
	        *pattern; /* "/2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path...}" */
	web_handler handler;
	unsigned flags;
	int permission; /* the service's permission code; 0 means none is checked */
	size_t body_limit; /* bytes; 0 means WEB_BODY_LIMIT_DEFAULT */
	const web_param_spec *params; /* terminated by an entry with name NULL; may be NULL */
	/* For streamed uploads (git pushes): called with each chunk instead of buffering the body. */
	int (*body_chunk)(web_request *req, const char *data, size_t len);
	/* The scope (Bitbucket's names: "repository:write") that a credential limited to scopes
	 * (an app password, an OAuth token) needs for this route; NULL: no such credential may
	 * call it. The service's authorize hook checks it. */
	const char *scope;
};

struct web_service {
	const char *name; /* "hub" */
	const char *product; /* "weft hub" */
	const web_route *routes;
	size_t nroutes;
	/* Paths under these prefixes get JSON errors even when no route matched. NULL-terminated. */
	const char *const *api_prefixes;
	/* Where a browser that must sign in is sent (with ?next=), instead of a 401 page. */
	const char *sign_in_path;
	/* Writes the API's error body (Bitbucket's or Jira's shape) for status and message. */
	void (*render_api_error)(web_request *req, web_response *res, int status,
	                         const char *message);
	/* Optional hooks of the central checks; NULL means "nothing to check". authenticate
	 * identifies the caller (req->user) and returns WEFT_EAUTH for wrong credentials; authorize
	 * decides req->route->permission (WEFT_ENOTFOUND to hide, WEFT_EPERM to refuse); check_csrf
	 * verifies a state-changing form. */
	int (*authenticate)(web_request *req);
	int (*authorize)(web_request *req);
	int (*check_csrf)(web_request *req);
};

struct web_request {
	arena *arena;
	const char *method;
	const char *path; /* the raw path, percent-escapes intact */
	const char *query_string; /* the raw query string, "" when none */
	char id[33]; /* the request id, also in X-Request-Id and every log line */
	const web_route *route;
	const web_service *service;
	const struct web_server *server;
	const char *param_names[WEB_PARAMS_MAX];
	const char *param_values[WEB_PARAMS_MAX]; /* decoded */
	size_t nparams;
	bool trailing_slash; /* the path ended in '/' (the root "/" excepted) */
	web_pairs query;
	web_pairs form; /* urlencoded fields, and multipart fields without a filename */
	web_parts parts; /* every multipart part */
	json_t *json; /* the parsed JSON body of a WEB_BODY_JSON route; NULL when the body was empty */
	buf body; /* the raw body, unless the route streams it */
	web_pairs cookies; /* parsed on first use by web_cookie */
	bool cookies_parsed;
	void *user; /* set by the service's authenticate hook */
	void *session; /* likewise, when the caller came with a session cookie */
	void *app; /* the service's state (its database, settings), from the server */
	void *scope; /* what the authorize hook checked the route's permission against */
	int64_t retry_after_s; /* for a 429: when to come back (0: the default minute) */
	void *conn; /* the HTTP library's connection, for web_header */
	/* A streaming route's own state (set by its body_chunk or handler): stream_release is
	 * called with it exactly once when the request ends, completed or aborted by the client,
	 * so that what it holds (child processes, descriptors) never outlives the request. */
	void *stream_state;
	void (*stream_release)(void *state);
};

/* A request header, or NULL. Names are case-insensitive. */
const char *web_header(const web_request *req, const char *name);
/* A path parameter by name, or NULL. */
const char *web_param(const web_request *req, const char *name);
/* The first non-empty query value of name, or NULL. */
const char *web_query(const web_request *req, const char *name);
/* A cookie's value, or NULL. */
const char *web_cookie(web_request *req, const char *name);
/* The client's IP address as text ("127.0.0.1", "::1"); "" when unknown. In the arena. */
const char *web_client_address(web_request *req);
/* The public base URL of the service handling req ("http://127.0.0.1:7990", no trailing '/'). */
const char *web_base_url(const web_request *req);

/* Credentials of an "Authorization: Basic base64(login:password)" header, split in the request's
 * arena. WEFT_ENOTFOUND (no message) when the request has no Basic header; WEFT_EAUTH when it is
 * malformed. */
int web_basic_credentials(web_request *req, const char **login, const char **password);
/* The token of an "Authorization: Bearer TOKEN" header, or NULL. */
const char *web_bearer_token(const web_request *req);
/* Whether a browser says the request comes from another site (Sec-Fetch-Site, else Origin).
 * API clients send neither. */
bool web_cross_site(const web_request *req);
/* next when it is a path of this site to return to after signing in, fallback otherwise (no open
 * redirect): one leading '/', then no second '/' or '\\' that a browser could read as another
 * host, and no control character (browsers drop tabs and newlines: "/\t/evil" becomes
 * "//evil"). */
const char *web_local_path(const char *next, const char *fallback);

typedef struct web_header_field {
	const char *name;
	const char *value;
} web_header_field;

/* Produces a streamed body: writes at most max bytes into out and returns how many, 0 at the
 * end, -1 on an error (the connection is then closed), or WEB_STREAM_WAIT when nothing is ready
 * yet. It must not block: the worker thread that calls it serves other connections too. */
typedef ssize_t (*web_stream_fn)(void *ctx, uint64_t offset, char *out, size_t max);

/* "Nothing yet": the server parks the connection, freeing its worker thread, until the
 * response's stream_wait_fd is readable (or has hung up), the client goes away, or a while has
 * passed; then it calls the stream function again. Only for a response that named that
 * descriptor (web_res_stream_wait); otherwise it counts as an error. */
enum { WEB_STREAM_WAIT = -2 };

struct web_response {
	int status;
	const char *content_type;
	buf body;
	web_header_field headers[24];
	size_t nheaders;
	web_stream_fn stream; /* set for streamed responses (no ETag) */
	/* A streamed body's length when known in advance (a stored file): sent as Content-Length,
	 * and the stream must give exactly that many bytes. 0: unknown, sent chunked. */
	uint64_t stream_length;
	void *stream_ctx;
	void (*stream_free)(void *ctx);
	int stream_wait_fd; /* readable when a WEB_STREAM_WAIT has news; -1: none */
	const char *etag; /* a precomputed validator (static assets); otherwise hashed from body */
	bool cacheable; /* 200 answers to GET/HEAD get an ETag and honour If-None-Match */
	/* Origins, space-separated, that this page's forms may also send to (web_res_form_target);
	 * NULL: only the page's own. */
	const char *form_targets;
	/* Replaces the pages' Content-Security-Policy (form_targets then do not apply): for bytes
	 * that are not weft's own, such as an attachment served for download. NULL: the pages'. */
	const char *content_security_policy;
};

/* Adds a response header; name and value are copied into the request's arena. */
void web_res_header(web_request *req, web_response *res, const char *name, const char *value);
/* Adds a header line even when one of that name exists (Set-Cookie). */
void web_res_header_add(web_request *req, web_response *res, const char *name, const char *value);
/* A JSON body (value is stolen), with status. */
void web_res_json(web_response *res, int status, json_t *value);
/* A plain-text body; an empty 201/204 still carries text/plain (http-rules.md §1). */
void web_res_text(web_response *res, int status, const char *text);
/* A redirect to location (absolute or starting with '/'). */
void web_res_redirect(web_request *req, web_response *res, int status, const char *location);
/* Renders the page template inside "layout" (data is stolen and gets the common keys: service,
 * product, title, version, base_url, other_url, request_id, is_hub / is_track). */
int web_res_page(web_request *req, web_response *res, int status, const char *page,
                 const char *title, json_t *data);
/* A streamed body of unknown length; ctx is released with free_ctx when the response is done. */
void web_res_stream(web_response *res, int status, const char *content_type, web_stream_fn fn,
                    void *ctx, void (*free_ctx)(void *ctx));
/* Names the descriptor a streamed response waits on when its function returns WEB_STREAM_WAIT;
 * it must stay open for as long as the function may return that. */
void web_res_stream_wait(web_response *res, int fd);

/* Lets the page's forms reach url's origin as well as its own: the Content-Security-Policy's
 * form-action, which browsers also apply to the redirects that answer a form (an OAuth consent
 * sends its Grant to the client's callback; track's link form goes on to the code host's consent
 * page). Only http(s) origins of plain host characters are added; anything else is ignored. */
void web_res_form_target(web_request *req, web_response *res, const char *url);

/* Turns an error code and err_msg() into the service's error page or API error body. */
void web_res_error(web_request *req, web_response *res, int code, const char *message);
/* The same for an HTTP status that no error code stands for (405, 431). */
void web_res_error_status(web_request *req, web_response *res, int status, const char *message);

/* Built-in handlers every service mounts: GET /status, GET /static/{path...}, POST /csp-report. */
int web_status_handler(web_request *req, web_response *res);
int web_static_handler(web_request *req, web_response *res);
int web_csp_report_handler(web_request *req, web_response *res);

/* The routes of those handlers, for the top of each service's table. */
#define WEB_BUILTIN_ROUTES                                                                     \
	{ "GET", "/status", web_status_handler, WEB_API, 0, 0, NULL, NULL, NULL },             \
	        { "GET", "/static/{path...}", web_static_handler, 0, 0, 0, NULL, NULL, NULL }, \
	{                                                                                      \
		"POST", "/csp-report", web_csp_report_handler, WEB_API | WEB_BODY_JSON, 0,     \
		        64 * 1024, NULL, NULL, NULL                                            \
	}

#endif
