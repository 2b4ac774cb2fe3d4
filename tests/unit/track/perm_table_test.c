/* The permission table: every route of track's table, called over HTTP as anonymous, a signed-in
 * outsider, a member of each project role (Users, Developers, Administrators) and a site
 * administrator, each answer checked against the permission the route declares. It reads the
 * route table itself, so every route a later feature adds is covered without touching this file.
 * Pages are called with a session cookie, the API with a personal access token (and, once more
 * for reading, with an API session's cookie, JSESSIONID). */
#include "../db/fixture.h"
#include "../web/route_call.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/token.h"
#include "db/migrate.h"
#include "track/account/account.h"
#include "track/account/api_session.h"
#include "track/issue/issue.h"
#include "track/project/project.h"
#include "track/account/token.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "web/embedded.h"
#include "web/server.h"
#include "web/template.h"

typedef enum {
	ANONYMOUS,
	OUTSIDER,
	USER,
	DEVELOPER,
	PROJECT_ADMIN,
	SITE_ADMIN,
	NIDENTITIES
} identity;
static const char *const identity_names[] = { "anonymous", "outsider",      "users-role",
	                                      "developer", "project-admin", "site-admin" };
static const char *const usernames[] = { NULL, "olga", "uma", "dev", "padma", "sam" };
static const unsigned roles[] = {
	0, 0, TRACK_ROLE_USERS, TRACK_ROLE_DEVELOPERS, TRACK_ROLE_ADMINISTRATORS, 0
};

typedef enum { PASS, NEEDS_SIGN_IN, HIDDEN, FORBIDDEN } outcome;
static const char *const outcome_names[] = { "passes the gate", "is asked to sign in", "gets 404",
	                                     "gets 403" };

typedef struct world {
	fixture_db fx;
	db *d;
	tmpl_set *templates;
	track_app app;
	web_server *server;
	char base[64];
	char cookies[NIDENTITIES][128];
	char bearer[NIDENTITIES][128];
	char api_cookies[NIDENTITIES][128]; /* JSESSIONID=…: an API session */
	bool via_api_session; /* observe: API routes with api_cookies rather than bearer */
	int64_t ids[NIDENTITIES];
	int64_t project_id;
	char issue_key[32]; /* a fresh issue for each call: some routes delete or change it */
	int64_t issue_id;
} world;

static world w;

/* ---- the fixture: a user per identity, project PERM with one issue ---- */

static int make_user(db_conn *c, arena *a, identity who)
{
	char email[64];
	snprintf(email, sizeof email, "%s@example.com", usernames[who]);
	track_account_new n = { usernames[who], email, "a long enough password", NULL,
		                who == SITE_ADMIN };
	track_user u;
	int rc = track_account_create(c, a, &n, &u);
	w.ids[who] = u.id;
	char token[WEB_TOKEN_LEN + 1], secret[TRACK_TOKEN_SECRET_LEN + 1];
	web_session s;
	track_token t;
	if (rc == 0)
		rc = web_session_create(c, u.id, 3600000, token, &s);
	snprintf(w.cookies[who], sizeof w.cookies[who], "%s=%s", TRACK_SESSION_COOKIE, token);
	if (rc == 0)
		rc = track_token_create(c, a, u.id, TRACK_TOKEN_PAT, "perm", secret, &t);
	snprintf(w.bearer[who], sizeof w.bearer[who], "Authorization: Bearer %s", secret);
	int64_t api_session = 0;
	if (rc == 0)
		rc = track_api_session_create(c, u.id, 3600000, token, &api_session);
	snprintf(w.api_cookies[who], sizeof w.api_cookies[who], "%s=%s", TRACK_API_SESSION_COOKIE,
	         token);
	return rc;
}

static int make_project(db_conn *c, arena *a)
{
	track_project p;
	int rc = track_project_create(c, a, "PERM", "Permissions", "", 0, w.ids[PROJECT_ADMIN], &p);
	w.project_id = p.id;
	for (int who = USER; rc == 0 && who < PROJECT_ADMIN; who++)
		rc = track_project_role_add(c, p.id, w.ids[who], roles[who]);
	return rc;
}

static int make_issue(db_conn *c, void *ctx)
{
	(void)ctx;
	arena *a = arena_new();
	track_issue_fields f = track_issue_fields_none();
	f.summary = "an issue of the permission table";
	track_issue issue;
	const char *field = NULL;
	int rc = track_issue_create(c, a, w.project_id, &f, w.ids[PROJECT_ADMIN], &issue, &field);
	if (rc == 0) {
		snprintf(w.issue_key, sizeof w.issue_key, "%s", issue.key);
		w.issue_id = issue.id;
	}
	arena_free(a);
	return rc;
}

static int populate(db_conn *c, void *ctx)
{
	(void)ctx;
	arena *a = arena_new();
	int rc = 0;
	for (int who = OUTSIDER; rc == 0 && who < NIDENTITIES; who++)
		rc = make_user(c, a, (identity)who);
	if (rc == 0)
		rc = make_project(c, a);
	arena_free(a);
	return rc;
}

static int start(void **state)
{
	(void)state;
	log_setup(LOG_ERROR, LOG_TEXT);
	token_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int applied, fd, port;
	if (fixture_db_create(&w.fx, DB_SQLITE) < 0 || db_open(&w.d, w.fx.url, 8) < 0 ||
	    db_migrate_up(&applied, w.d, "track") < 0 || db_tx(w.d, populate, NULL) < 0 ||
	    web_templates_load(&w.templates) < 0 || web_listen(&fd, &port, "127.0.0.1:0") < 0) {
		fprintf(stderr, "# setup: %s\n", err_msg());
		return -1;
	}
	snprintf(w.base, sizeof w.base, "http://127.0.0.1:%d", port);
	w.app = (track_app){ .d = w.d, .hours_per_day = 8, .days_per_week = 5 };
	web_server_options opt = { .public_url = w.base,
		                   .threads = 4,
		                   .max_header_kib = 32,
		                   .templates = w.templates,
		                   .app = &w.app };
	return web_server_start(&w.server, track_service(), fd, &opt);
}

static int stop(void **state)
{
	(void)state;
	web_server_stop(w.server, 5);
	tmpl_set_free(w.templates);
	db_close(w.d);
	fixture_db_destroy(&w.fx);
	curl_global_cleanup();
	return 0;
}

/* ---- what each route should answer ---- */

static bool has_param(const web_route *r, const char *name)
{
	char braced[64];
	snprintf(braced, sizeof braced, "{%s}", name);
	return strstr(r->pattern, braced) != NULL;
}

static outcome expected(const web_route *r, identity who)
{
	bool signed_in = who != ANONYMOUS;
	if ((r->flags & WEB_NEEDS_USER) && !signed_in)
		return NEEDS_SIGN_IN;
	if (r->permission == TRACK_PERM_NONE)
		return PASS;
	if (!signed_in)
		return NEEDS_SIGN_IN;
	if (r->permission == TRACK_PERM_SITE_ADMIN)
		return who == SITE_ADMIN ? PASS : (r->flags & WEB_API) ? FORBIDDEN : HIDDEN;
	bool site_admin = who == SITE_ADMIN;
	if (track_perm_allows(site_admin, roles[who], r->permission))
		return PASS;
	return track_perm_allows(site_admin, roles[who], TRACK_PERM_BROWSE) ? FORBIDDEN : HIDDEN;
}

/* The route's pattern with a value of the fixture for each parameter. Pages share {key} between
 * projects and issues (as Jira's /browse/KEY does): key_is_issue picks which. */
static void fill_path(char *out, size_t size, const char *pattern, bool key_is_issue)
{
	const route_value values[] = {
		{ "{projectIdOrKey}", "PERM" },
		{ "{key}", key_is_issue ? w.issue_key : "PERM" },
		{ "{issueIdOrKey}", w.issue_key },
		{ "{issue}", w.issue_key },
		{ "{username}", "uma" },
		{ "{path...}", "weft.css" },
		{ "{idOrName}", "1" },
		{ "{issueTypeId}", "10002" },
		{ "{idOrKey}", "2" },
		{ "{id}", "999999" },
		{ "{linkId}", "999999" },
		{ "{issueLinkTypeId}", "999999" },
	};
	route_fill_path(out, size, pattern, values, sizeof values / sizeof values[0]);
	/* The dev-status API names its issue in the query, by id. */
	if (strncmp(pattern, "/rest/dev-status/", 17) == 0) {
		size_t len = strlen(out);
		snprintf(out + len, size - len,
		         "?issueId=%lld&applicationType=bitbucket"
		         "&dataType=repository",
		         (long long)w.issue_id);
	}
}

/* A route that names its issue or project in the query (a parameter declared with a
 * TRACK_SCOPE_* code) gets the fixture's, unless the path already carries a query. */
static void add_declared_scope(char *out, size_t size, const web_route *r)
{
	size_t len = strlen(out);
	for (const web_param_spec *p = r->params; p && p->name && !strchr(out, '?'); p++)
		if (p->scope && p->source == WEB_FROM_QUERY)
			snprintf(out + len, size - len, "?%s=%s", p->name,
			         p->scope == TRACK_SCOPE_ISSUE ? w.issue_key : "PERM");
}

/* How the gate answered, told apart from what a handler answers once past it by the messages
 * only the gate gives. */
static outcome classify(long status, const char *headers, const char *text)
{
	if (status == 401 || (status == 303 && strstr(headers, "/login?next=")))
		return NEEDS_SIGN_IN;
	if (status == 404 && (strstr(text, "There is nothing at this address.") ||
	                      strstr(text, TRACK_ISSUE_HIDDEN) ||
	                      strstr(text, "No project could be found with key")))
		return HIDDEN;
	if (status == 403 && (strstr(text, "You do not have permission") ||
	                      strstr(text, "You must be a site administrator")))
		return FORBIDDEN;
	return PASS;
}

static outcome observe(const web_route *r, identity who, bool key_is_issue, long *status)
{
	char path[512], url[600];
	if (db_tx(w.d, make_issue, NULL) < 0)
		fail_msg("creating an issue: %s", err_msg());
	fill_path(path, sizeof path, r->pattern, key_is_issue);
	add_declared_scope(path, sizeof path, r);
	snprintf(url, sizeof url, "%s%s", w.base, path);
	buf body = BUF_INIT, headers = BUF_INIT;
	bool api = r->flags & WEB_API;
	const char *cookie = who == ANONYMOUS    ? NULL
	                     : !api              ? w.cookies[who]
	                     : w.via_api_session ? w.api_cookies[who]
	                                         : NULL;
	*status = route_call(r->method, url, cookie,
	                     who != ANONYMOUS && api && !w.via_api_session ? w.bearer[who] : NULL,
	                     &headers, &body);
	outcome o = classify(*status, buf_cstr(&headers), buf_cstr(&body));
	buf_dispose(&body);
	buf_dispose(&headers);
	return o;
}

static void every_route_answers_as_declared(void **state)
{
	(void)state;
	const web_service *svc = track_service();
	int failures = 0, checked = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		for (int who = ANONYMOUS; who < NIDENTITIES; who++) {
			long status;
			outcome want = expected(r, (identity)who),
			        got = observe(r, (identity)who, false, &status);
			/* The gate answers alike for a project and its issue; a handler of issue
			 * pages only finds the issue. */
			if (got != want && has_param(r, "key"))
				got = observe(r, (identity)who, true, &status);
			checked++;
			if (got == want)
				continue;
			failures++;
			fprintf(stderr, "# %s %s as %s: %s, but it %s (status %ld)\n", r->method,
			        r->pattern, identity_names[who], outcome_names[want],
			        outcome_names[got], status);
		}
	}
	fprintf(stderr, "# %d calls to %zu routes checked\n", checked, svc->nroutes);
	assert_int_equal(failures, 0);
}

/* An API session's cookie signs in every API route a GET reaches with its user's permissions,
 * as a token does (the pages are called with theirs, as above). */
static void api_sessions_read_with_their_users_permissions(void **state)
{
	(void)state;
	const web_service *svc = track_service();
	int failures = 0;
	w.via_api_session = true;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		if (!(r->flags & WEB_API) || strcmp(r->method, "GET") != 0)
			continue;
		for (int who = OUTSIDER; who < NIDENTITIES; who++) {
			long status;
			outcome want = expected(r, (identity)who),
			        got = observe(r, (identity)who, false, &status);
			if (got == want)
				continue;
			failures++;
			fprintf(stderr, "# GET %s as %s with an API session: %s, but it %s (%ld)\n",
			        r->pattern, identity_names[who], outcome_names[want],
			        outcome_names[got], status);
		}
	}
	w.via_api_session = false;
	assert_int_equal(failures, 0);
}

/* Each cookie signs in its own surface only, and an API session's POST passes Jira's XSRF check
 * only with a JSON body or X-Atlassian-Token: no-check. */
static void each_cookie_signs_in_its_own_surface(void **state)
{
	(void)state;
	const struct {
		const char *method, *path;
		bool api_cookie;
		const char *header;
		long status;
		const char *text;
	} cases[] = {
		{ "GET", "/rest/api/2/myself", true, NULL, 200, "\"name\":\"dev\"" },
		{ "GET", "/rest/auth/1/session", true, NULL, 200, "\"name\":\"dev\"" },
		{ "GET", "/rest/api/2/myself", false, NULL, 401, "" },
		{ "GET", "/rest/auth/1/session", false, NULL, 401, "" },
		{ "GET", "/dashboard", true, NULL, 303, "" },
		{ "POST", "/rest/api/2/issue", true, NULL, 403, "XSRF check failed" },
		{ "POST", "/rest/api/2/issue", true, "X-Atlassian-Token: no-check", 400, "" },
		{ "POST", "/rest/api/2/issue", true, "Content-Type: application/json", 400, "" },
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char url[256];
		snprintf(url, sizeof url, "%s%s", w.base, cases[i].path);
		buf body = BUF_INIT, headers = BUF_INIT;
		long status = route_call(cases[i].method, url,
		                         cases[i].api_cookie ? w.api_cookies[DEVELOPER]
		                                             : w.cookies[DEVELOPER],
		                         cases[i].header, &headers, &body);
		if (status != cases[i].status || !strstr(buf_cstr(&body), cases[i].text)) {
			failures++;
			fprintf(stderr, "# %s %s with the %s cookie%s%s: %ld %s\n", cases[i].method,
			        cases[i].path, cases[i].api_cookie ? "API session's" : "page's",
			        cases[i].header ? " and " : "",
			        cases[i].header ? cases[i].header : "", status, buf_cstr(&body));
		}
		buf_dispose(&body);
		buf_dispose(&headers);
	}
	assert_int_equal(failures, 0);
}

/* A route that names a project or an issue must say who may reach it. */
static void routes_on_projects_declare_a_permission(void **state)
{
	(void)state;
	const web_service *svc = track_service();
	int failures = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		bool scoped = has_param(r, "projectIdOrKey") || has_param(r, "key") ||
		              has_param(r, "issueIdOrKey") || has_param(r, "issue");
		if (scoped && r->permission < TRACK_PERM_BROWSE) {
			failures++;
			fprintf(stderr,
			        "# %s %s names a project or issue but declares no permission\n",
			        r->method, r->pattern);
		}
	}
	assert_int_equal(failures, 0);
}

/* The administrators' area (/admin), the connector's DVCS accounts pages and its admin REST
 * API; the webhook target repository/{id}/sync answers hosts, not administrators. */
static bool is_admin_route(const web_route *r)
{
	if (strncmp(r->pattern, "/admin", 6) == 0 || strncmp(r->pattern, "/secure/admin/", 14) == 0)
		return true;
	return strncmp(r->pattern, "/rest/bitbucket/1.0/", 20) == 0 &&
	       strcmp(r->pattern, "/rest/bitbucket/1.0/repository/{id}/sync") != 0;
}

/* The administrators' routes are all declared as such, the connector's among them. */
static void admin_routes_need_a_site_administrator(void **state)
{
	(void)state;
	const web_service *svc = track_service();
	int failures = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		if (is_admin_route(r) && r->permission != TRACK_PERM_SITE_ADMIN) {
			failures++;
			fprintf(stderr, "# %s %s is not declared TRACK_PERM_SITE_ADMIN\n",
			        r->method, r->pattern);
		}
	}
	assert_int_equal(failures, 0);
}

/* The route "METHOD PATTERN" of svc when it is in the table with this permission, else NULL. */
static const web_route *route_declared(const web_service *svc, const char *route, int permission)
{
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		char line[256];
		snprintf(line, sizeof line, "%s %s", r->method, r->pattern);
		if (strcmp(line, route) == 0 && r->permission == permission)
			return r;
	}
	return NULL;
}

/* The connector's pages and admin REST API are in the table (so the call above reached them). */
static void the_connectors_admin_routes_are_in_the_table(void **state)
{
	(void)state;
	static const char *const wanted[] = {
		"GET /secure/admin/dvcs",
		"GET /secure/admin/dvcs/progress",
		"GET /secure/admin/dvcs/callback",
		"POST /secure/admin/dvcs/accounts",
		"POST /secure/admin/dvcs/accounts/{id}/defaults",
		"POST /secure/admin/dvcs/accounts/{id}/refresh",
		"POST /secure/admin/dvcs/accounts/{id}/oauth",
		"GET /secure/admin/dvcs/accounts/{id}/delete",
		"POST /secure/admin/dvcs/accounts/{id}/delete",
		"POST /secure/admin/dvcs/repos/{id}",
		"POST /secure/admin/dvcs/repos/{id}/sync",
		"POST /secure/admin/dvcs/left-hooks/{id}/forget",
		"GET /rest/bitbucket/1.0/repositories",
		"GET /rest/bitbucket/1.0/repository/{id}",
		"POST /rest/bitbucket/1.0/repository/{id}/softsync",
		"POST /rest/bitbucket/1.0/repository/{id}/fullsync",
		"POST /rest/bitbucket/1.0/repository/{id}/autolink",
		"POST /rest/bitbucket/1.0/repository/{id}/smarts",
		"POST /rest/bitbucket/1.0/repo/{id}/autolink",
		"POST /rest/bitbucket/1.0/repo/{id}/smart",
		"GET /rest/bitbucket/1.0/organizations",
		"GET /rest/bitbucket/1.0/organization/{id}",
		"POST /rest/bitbucket/1.0/organization/{id}/syncRepoList",
		"POST /rest/bitbucket/1.0/org/{id}/autolink",
		"POST /rest/bitbucket/1.0/org/{id}/globalsmarts",
	};
	const web_service *svc = track_service();
	int missing = 0;
	for (size_t k = 0; k < sizeof wanted / sizeof wanted[0]; k++) {
		if (!route_declared(svc, wanted[k], TRACK_PERM_SITE_ADMIN)) {
			missing++;
			fprintf(stderr,
			        "# %s is not in the table as a site administrator's route\n",
			        wanted[k]);
		}
	}
	assert_int_equal(missing, 0);
}

/* ---- routes that name their issue or project in the query (track.h's TRACK_SCOPE_*) ---- */

typedef struct gate_case {
	const char *path; /* {key} and {id} stand for the fixture issue's key and id */
	identity who;
	long status;
	const char *text; /* what the answer's body holds */
} gate_case;

/* The declared parameter is resolved, checked and refused as a path's {issue} or {key} is: the
 * first one present decides, a missing or malformed one is 400 before any lookup. */
static void declared_query_scopes_gate_like_the_path(void **state)
{
	(void)state;
	static const gate_case cases[] = {
		{ "/rest/api/2/user/assignable/search?project=PERM", OUTSIDER, 404,
		  "No project could be found with key 'PERM'." },
		{ "/rest/api/2/user/assignable/search?project=PERM", USER, 200,
		  "\"name\":\"dev\"" },
		{ "/rest/api/2/user/assignable/search?project=NOPE", SITE_ADMIN, 404,
		  "No project could be found with key 'NOPE'." },
		{ "/rest/api/2/user/assignable/search?issueKey={key}", OUTSIDER, 404,
		  TRACK_ISSUE_HIDDEN },
		{ "/rest/api/2/user/assignable/search?issueKey={id}", DEVELOPER, 200,
		  "\"name\":\"padma\"" },
		{ "/rest/api/2/user/assignable/search?issueKey={key}&project=NOPE", DEVELOPER, 200,
		  "\"name\":\"dev\"" },
		{ "/rest/api/2/user/assignable/search", DEVELOPER, 400,
		  "issueKey or project is required." },
		{ "/rest/dev-status/1.0/issue/summary", DEVELOPER, 400, "issueId is required." },
		{ "/rest/dev-status/1.0/issue/summary?issueId={key}", DEVELOPER, 400,
		  "issueId: must be the numeric id of an issue." },
		{ "/rest/dev-status/1.0/issue/summary?issueId={id}", DEVELOPER, 200,
		  "\"summary\"" },
		{ "/rest/dev-status/1.0/issue/summary?issueId={id}", USER, 403,
		  "You do not have permission to view development tools" },
		{ "/rest/dev-status/1.0/issue/summary?issueId={id}", OUTSIDER, 404,
		  TRACK_ISSUE_HIDDEN },
		{ "/rest/dev-status/1.0/issue/summary?issueId=999999999", SITE_ADMIN, 404,
		  TRACK_ISSUE_HIDDEN },
		{ "/rest/dev-status/latest/issue/detail?issueId={id}&dataType=branch",
		  PROJECT_ADMIN, 200, "\"detail\"" },
	};
	if (db_tx(w.d, make_issue, NULL) < 0)
		fail_msg("creating an issue: %s", err_msg());
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)w.issue_id);
	const route_value values[] = { { "{key}", w.issue_key }, { "{id}", id } };
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const gate_case *k = &cases[i];
		char path[256], url[400];
		route_fill_path(path, sizeof path, k->path, values, 2);
		snprintf(url, sizeof url, "%s%s", w.base, path);
		buf body = BUF_INIT, headers = BUF_INIT;
		long status = route_call("GET", url, NULL, w.bearer[k->who], &headers, &body);
		if (status != k->status || !strstr(buf_cstr(&body), k->text)) {
			failures++;
			fprintf(stderr, "# %s as %s: %ld %s, not %ld with %s\n", path,
			        identity_names[k->who], status, buf_cstr(&body), k->status,
			        k->text);
		}
		buf_dispose(&body);
		buf_dispose(&headers);
	}
	assert_int_equal(failures, 0);
}

/* ---- attachments: their routes name no issue, so the domain decides ---- */

/* An attachment by the developer on a fresh issue (its content need not exist: only its record
 * is read or deleted here). */
static int make_attachment(db_conn *c, void *ctx)
{
	static const char sha[] =
	        "0000000000000000000000000000000000000000000000000000000000000001";
	int64_t *id = ctx;
	int rc = make_issue(c, NULL);
	if (rc == 0)
		rc = db_exec(c,
		             "INSERT INTO attachment_blobs (sha256, size, refs) VALUES ($1, 1, 1)"
		             " ON CONFLICT (sha256) DO UPDATE SET refs = attachment_blobs.refs + 1",
		             db_text(sha));
	if (rc >= 0)
		rc = db_query_int(
		        id, c,
		        "INSERT INTO attachments (issue_id, author_id, filename, mime_type,"
		        " size, sha256, created_at) VALUES ($1, $2, 'a.txt', 'text/plain',"
		        " 1, $3, 1) RETURNING id",
		        db_int(w.issue_id), db_int(w.ids[DEVELOPER]), db_text(sha));
	return rc < 0 ? rc : 0;
}

static long call_on_attachment(const char *method, identity who)
{
	int64_t id = 0;
	if (db_tx(w.d, make_attachment, &id) < 0)
		fail_msg("creating an attachment: %s", err_msg());
	char url[256];
	snprintf(url, sizeof url, "%s/rest/api/2/attachment/%lld", w.base, (long long)id);
	buf body = BUF_INIT, headers = BUF_INIT;
	long status = route_call(method, url, NULL, who != ANONYMOUS ? w.bearer[who] : NULL,
	                         &headers, &body);
	buf_dispose(&body);
	buf_dispose(&headers);
	return status;
}

/* Reading needs Browse projects (404 otherwise, as for the issue); deleting needs Delete own
 * attachments for its author (the developer) and Delete all attachments (Administrators) for
 * anyone else. */
static void attachments_answer_as_the_scheme_says(void **state)
{
	(void)state;
	static const long get[NIDENTITIES] = { 401, 404, 200, 200, 200, 200 };
	static const long del[NIDENTITIES] = { 401, 404, 403, 204, 204, 204 };
	int failures = 0;
	for (int who = ANONYMOUS; who < NIDENTITIES; who++) {
		long got_get = call_on_attachment("GET", (identity)who);
		long got_del = call_on_attachment("DELETE", (identity)who);
		if (got_get != get[who] || got_del != del[who]) {
			failures++;
			fprintf(stderr,
			        "# attachment/{id} as %s: GET %ld (want %ld), DELETE %ld (want "
			        "%ld)\n",
			        identity_names[who], got_get, get[who], got_del, del[who]);
		}
	}
	assert_int_equal(failures, 0);
}

/* Issue links, link types and remote links are in the table with the permission each needs:
 * the issueLink routes check browse and Link issues in the domain (their issues come in the
 * body), so they only need a user; the link types are written by site administrators. */
static void link_routes_declare_their_permissions(void **state)
{
	(void)state;
	static const struct {
		const char *route;
		int permission;
	} wanted[] = {
		{ "GET /rest/api/2/issueLinkType", TRACK_PERM_NONE },
		{ "POST /rest/api/2/issueLinkType", TRACK_PERM_SITE_ADMIN },
		{ "GET /rest/api/3/issueLinkType/{issueLinkTypeId}", TRACK_PERM_NONE },
		{ "PUT /rest/api/latest/issueLinkType/{issueLinkTypeId}", TRACK_PERM_SITE_ADMIN },
		{ "DELETE /rest/api/2/issueLinkType/{issueLinkTypeId}", TRACK_PERM_SITE_ADMIN },
		{ "POST /rest/api/2/issueLink", TRACK_PERM_NONE },
		{ "GET /rest/api/3/issueLink/{linkId}", TRACK_PERM_NONE },
		{ "DELETE /rest/api/latest/issueLink/{linkId}", TRACK_PERM_NONE },
		{ "GET /rest/api/2/issue/{issueIdOrKey}/remotelink", TRACK_PERM_BROWSE },
		{ "POST /rest/api/2/issue/{issueIdOrKey}/remotelink", TRACK_PERM_LINK_ISSUES },
		{ "DELETE /rest/api/3/issue/{issueIdOrKey}/remotelink", TRACK_PERM_LINK_ISSUES },
		{ "GET /rest/api/2/issue/{issueIdOrKey}/remotelink/{linkId}", TRACK_PERM_BROWSE },
		{ "PUT /rest/api/2/issue/{issueIdOrKey}/remotelink/{linkId}",
		  TRACK_PERM_LINK_ISSUES },
		{ "DELETE /rest/api/2/issue/{issueIdOrKey}/remotelink/{linkId}",
		  TRACK_PERM_LINK_ISSUES },
		{ "POST /browse/{issue}/links", TRACK_PERM_LINK_ISSUES },
		{ "POST /browse/{issue}/links/{id}/delete", TRACK_PERM_LINK_ISSUES },
	};
	const web_service *svc = track_service();
	int missing = 0;
	for (size_t k = 0; k < sizeof wanted / sizeof wanted[0]; k++) {
		const web_route *r = route_declared(svc, wanted[k].route, wanted[k].permission);
		if (!r || !(r->flags & WEB_NEEDS_USER)) {
			missing++;
			fprintf(stderr, "# %s is not in the table as declared\n", wanted[k].route);
		}
	}
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_on_projects_declare_a_permission),
		cmocka_unit_test(admin_routes_need_a_site_administrator),
		cmocka_unit_test(the_connectors_admin_routes_are_in_the_table),
		cmocka_unit_test(link_routes_declare_their_permissions),
		cmocka_unit_test(every_route_answers_as_declared),
		cmocka_unit_test(declared_query_scopes_gate_like_the_path),
		cmocka_unit_test(attachments_answer_as_the_scheme_says),
		cmocka_unit_test(api_sessions_read_with_their_users_permissions),
		cmocka_unit_test(each_cookie_signs_in_its_own_surface),
	};
	return cmocka_run_group_tests(tests, start, stop);
}
