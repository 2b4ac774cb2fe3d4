/* The permission table: every route of hub's table, called over HTTP as anonymous, a signed-in
 * outsider, team members with read, write and admin groups, and a site administrator, each answer
 * checked against the permission the route declares; then with OAuth access tokens of the team
 * administrator, one holding exactly the scope the route declares and one holding every other
 * scope that does not include it (B.1). It reads the route table itself, so every route a later
 * feature adds is covered without touching this file. */
#include "../db/fixture.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/token.h"
#include "db/migrate.h"
#include "hub/hub.h"
#include "hub/oauth/consumer.h"
#include "hub/oauth/token.h"
#include "hub/repo/repo.h"
#include "hub/repo/repo_storage.h"
#include "web/embedded.h"
#include "web/server.h"
#include "web/template.h"
#include "../web/route_call.h"

typedef enum { ANONYMOUS, OUTSIDER, READER, WRITER, TEAM_ADMIN, SITE_ADMIN, NIDENTITIES } identity;
static const char *const identity_names[] = { "anonymous", "outsider",   "reader",
	                                      "writer",    "team-admin", "site-admin" };
static const char *const usernames[] = { NULL, "olga", "rita", "will", "tina", "sam" };

typedef enum { PASS, NEEDS_SIGN_IN, HIDDEN, FORBIDDEN, TOKEN_REFUSED } outcome;
static const char *const outcome_names[] = { "passes the gate", "is asked to sign in", "gets 404",
	                                     "gets 403", "refuses the token (403)" };

typedef struct world {
	fixture_db fx;
	db *d;
	tmpl_set *templates;
	hub_app app;
	web_server *server;
	char base[64];
	char cookies[NIDENTITIES][128];
	char root[64], repos_dir[96], trash_dir[96];
	int64_t ids[NIDENTITIES];
} world;

static world w;

/* ---- the fixture: users, a team with three groups, a private repository ---- */

static int make_user(db_conn *c, identity who, int64_t *id)
{
	arena *a = arena_new();
	char email[64];
	snprintf(email, sizeof email, "%s@example.com", usernames[who]);
	account_new n = { usernames[who], email, "a long enough password",
		          NULL,           true,  who == SITE_ADMIN };
	hub_user u;
	int rc = hub_account_create(c, a, &n, &u);
	*id = u.id;
	arena_free(a);
	return rc;
}

static int sql(db_conn *c, const char *text, int64_t a, int64_t b)
{
	int rc = db_exec(c, text, db_int(a), db_int(b));
	return rc < 0 ? rc : 0;
}

static int make_team(db_conn *c, const int64_t *ids)
{
	int64_t now = clock_now_ms();
	int rc = db_exec(
	        c,
	        "INSERT INTO workspaces (id, uuid, slug, name, kind, created_at, updated_at)"
	        " VALUES (1000, '00000000-0000-4000-8000-000000001000', 'acme', 'Acme',"
	        " 'team', $1, $1)",
	        db_int(now));
	const char *groups[] = { "readers", "developers", "administrators" };
	const char *levels[] = { "read", "write", "admin" };
	for (int g = 0; rc >= 0 && g < 3; g++)
		rc = db_exec(
		        c,
		        "INSERT INTO groups (id, workspace_id, slug, name, permission, auto_add,"
		        " created_at) VALUES ($1, 1000, $2, $2, $3, 1, $4)",
		        db_int(2000 + g), db_text(groups[g]), db_text(levels[g]), db_int(now));
	for (int g = 0; rc >= 0 && g < 3; g++) {
		rc = sql(c,
		         "INSERT INTO team_members (workspace_id, user_id, created_at)"
		         " VALUES (1000, $1, $2)",
		         ids[READER + g], now);
		if (rc >= 0)
			rc = sql(c,
			         "INSERT INTO group_members (group_id, user_id, created_at)"
			         " VALUES ($1, $2, 0)",
			         2000 + g, ids[READER + g]);
	}
	return rc < 0 ? rc : 0;
}

/* The private repository "code" of acme, made as the product makes one (hub_repo_create: a
 * bare repository with a README in the test's repos_dir); the three groups are auto_add, so
 * they get read, write and admin on it. */
static int make_repository(const int64_t *ids)
{
	arena *a = arena_new();
	hub_user creator;
	hub_workspace acme;
	hub_repo r;
	hub_repo_dirs dirs = { w.app.repos_dir, w.app.trash_dir, "/bin/true" };
	hub_repo_new n = { .name = "code", .is_private = true, .with_readme = true };
	db_conn *c = NULL;
	int rc = db_conn_get(&c, w.d);
	if (rc == 0)
		rc = hub_account_find_id(c, a, ids[TEAM_ADMIN], &creator);
	if (rc == 0)
		rc = hub_workspace_find(c, a, "acme", &acme);
	db_conn_put(c);
	if (rc == 0)
		rc = hub_repo_create(w.d, a, &dirs, &creator, &acme, &n, &r);
	arena_free(a);
	return rc;
}

/* Puts back what a destructive route (DELETE of a group or of the repository, as the identities
 * allowed to) took away, so that the routes after it meet the same world. */
static int restore_grants(db_conn *c, void *ctx)
{
	(void)ctx;
	const char *groups[] = { "readers", "developers", "administrators" };
	const char *levels[] = { "read", "write", "admin" };
	int rc = 0;
	for (int g = 0; rc >= 0 && g < 3; g++) {
		rc = db_exec(
		        c,
		        "INSERT INTO groups (id, workspace_id, slug, name, permission, auto_add,"
		        " created_at) VALUES ($1, 1000, $2, $2, $3, 1, 0) ON CONFLICT DO NOTHING",
		        db_int(2000 + g), db_text(groups[g]), db_text(levels[g]));
		if (rc >= 0)
			rc = db_exec(c,
			             "INSERT INTO group_members (group_id, user_id, created_at)"
			             " VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
			             db_int(2000 + g), db_int(w.ids[READER + g]));
		if (rc >= 0)
			rc = db_exec(
			        c,
			        "INSERT INTO repository_group_permissions (repository_id, group_id,"
			        " permission) SELECT id, $1, $2 FROM repositories"
			        " WHERE workspace_id = 1000 AND slug = 'code' ON CONFLICT DO "
			        "NOTHING",
			        db_int(2000 + g), db_text(levels[g]));
	}
	return rc < 0 ? rc : 0;
}

static int count_code(db_conn *c, void *ctx)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT COUNT(*) FROM repositories WHERE workspace_id = 1000"
	                  " AND slug = 'code'",
	                  DB_END);
	if (rc == 0)
		rc = db_step_one(st, "no count");
	if (rc == 0)
		*(int64_t *)ctx = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static void restore(void)
{
	int64_t n = 0;
	if (db_read(w.d, count_code, &n) < 0 || (n == 0 && make_repository(w.ids) < 0) ||
	    db_tx(w.d, restore_grants, NULL) < 0)
		fail_msg("cannot restore the fixture: %s", err_msg());
}

static int populate(db_conn *c, void *ctx)
{
	int64_t *ids = ctx;
	int rc = 0;
	for (int who = OUTSIDER; rc == 0 && who < NIDENTITIES; who++)
		rc = make_user(c, (identity)who, &ids[who]);
	if (rc == 0)
		rc = make_team(c, ids);
	for (int who = OUTSIDER; rc == 0 && who < NIDENTITIES; who++) {
		char token[WEB_TOKEN_LEN + 1];
		web_session s;
		rc = web_session_create(c, ids[who], 3600000, token, &s);
		snprintf(w.cookies[who], sizeof w.cookies[who], "%s=%s", HUB_SESSION_COOKIE, token);
	}
	return rc;
}

static int start(void **state)
{
	(void)state;
	log_setup(LOG_ERROR, LOG_TEXT);
	token_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int64_t *ids = w.ids;
	int applied, fd, port;
	hub_global_init();
	snprintf(w.root, sizeof w.root, "/tmp/weft-perm-table-XXXXXX");
	if (!mkdtemp(w.root))
		return -1;
	w.app.repos_dir = w.repos_dir;
	w.app.trash_dir = w.trash_dir;
	w.app.weft_path = "/bin/true";
	snprintf(w.repos_dir, sizeof w.repos_dir, "%s/repos", w.root);
	snprintf(w.trash_dir, sizeof w.trash_dir, "%s/trash", w.root);
	if (fixture_db_create(&w.fx, DB_SQLITE) < 0 || db_open(&w.d, w.fx.url, 8) < 0 ||
	    db_migrate_up(&applied, w.d, "hub") < 0 || db_tx(w.d, populate, ids) < 0 ||
	    make_repository(ids) < 0 || web_templates_load(&w.templates) < 0 ||
	    web_listen(&fd, &port, "127.0.0.1:0") < 0) {
		fprintf(stderr, "# setup: %s\n", err_msg());
		return -1;
	}
	snprintf(w.base, sizeof w.base, "http://127.0.0.1:%d", port);
	w.app.d = w.d;
	web_server_options opt = { .public_url = w.base,
		                   .threads = 4,
		                   .max_header_kib = 32,
		                   .templates = w.templates,
		                   .app = &w.app };
	return web_server_start(&w.server, hub_service(), fd, &opt);
}

static int stop(void **state)
{
	(void)state;
	web_server_stop(w.server, 5);
	tmpl_set_free(w.templates);
	db_close(w.d);
	fixture_db_destroy(&w.fx);
	hub_repo_storage_remove_tree(w.root);
	hub_global_shutdown();
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
	hub_level level = HUB_LEVEL_NONE, need = HUB_LEVEL_NONE;
	int permission = r->permission;
	/* A PUT that may create a repository changes an existing one (code): admin on it. */
	if (permission == HUB_PERM_WORKSPACE_MEMBER && strcmp(r->method, "PUT") == 0 &&
	    has_param(r, "repo_slug"))
		permission = HUB_PERM_REPO_ADMIN;
	switch (permission) {
	case HUB_PERM_NONE:
	case HUB_PERM_WORKSPACE_VIEW: return PASS;
	case HUB_PERM_SITE_ADMIN:
		return who == SITE_ADMIN ? PASS : signed_in ? HIDDEN : NEEDS_SIGN_IN;
	case HUB_PERM_WORKSPACE_MEMBER:
		level = who >= READER ? HUB_LEVEL_READ : HUB_LEVEL_NONE;
		need = HUB_LEVEL_READ;
		break;
	case HUB_PERM_WORKSPACE_ADMIN:
		level = who >= TEAM_ADMIN ? HUB_LEVEL_ADMIN : who >= READER ? HUB_LEVEL_READ : 0;
		need = HUB_LEVEL_ADMIN;
		break;
	default: /* repository permissions: the groups hold read, write, admin */
		level = who >= TEAM_ADMIN ? HUB_LEVEL_ADMIN
		        : who == WRITER   ? HUB_LEVEL_WRITE
		        : who == READER   ? HUB_LEVEL_READ
		                          : HUB_LEVEL_NONE;
		need = permission == HUB_PERM_REPO_READ    ? HUB_LEVEL_READ
		       : permission == HUB_PERM_REPO_WRITE ? HUB_LEVEL_WRITE
		                                           : HUB_LEVEL_ADMIN;
	}
	if (level >= need)
		return PASS;
	/* The private repository is missing to whoever may not read it, anonymous callers too;
	 * only git's ref advertisement challenges them, so that git prompts for credentials. */
	bool advertisement = (r->flags & WEB_CHALLENGE) && strcmp(r->method, "GET") == 0;
	if (!signed_in && permission >= HUB_PERM_REPO_READ && level == HUB_LEVEL_NONE)
		return advertisement ? NEEDS_SIGN_IN : HIDDEN;
	return !signed_in ? NEEDS_SIGN_IN : level == HUB_LEVEL_NONE ? HIDDEN : FORBIDDEN;
}

/* The repository the calls name: the fixture's private "code", or one that does not exist. */
static const char *repository = "code";

/* The route's pattern with a value of the fixture for each parameter. */
static void fill_path(char *out, size_t size, const char *pattern)
{
	const route_value values[] = {
		{ "{workspace}", "acme" },   { "{repo_slug}", repository },
		{ "{username}", "rita" },    { "{selected_user}", "rita" },
		{ "{member}", "rita" },      { "{group_slug}", "readers" },
		{ "{path...}", "weft.css" }, { "{email}", "rita@example.com" },
	};
	route_fill_path(out, size, pattern, values, sizeof values / sizeof values[0]);
}

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
	buf_append(userdata, data, size * n);
	return size * n;
}

/* What the gate did with one call of method path, sent as a route with flags is. */
static outcome observe_path(const char *method, const char *path, unsigned flags, identity who,
                            const char *token, long *status)
{
	char url[600];
	snprintf(url, sizeof url, "%s%s", w.base, path);
	buf body = BUF_INIT, headers = BUF_INIT;
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	/* Pages know callers by their session; the API and git only by credentials in the
	 * request. */
	char credentials[96];
	snprintf(credentials, sizeof credentials, "%s:a long enough password",
	         who != ANONYMOUS ? usernames[who] : "");
	char bearer[128];
	snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", token ? token : "");
	struct curl_slist *headers_out = token ? curl_slist_append(NULL, bearer) : NULL;
	if (token)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers_out);
	else if (who != ANONYMOUS && (flags & (WEB_API | WEB_CHALLENGE)))
		curl_easy_setopt(c, CURLOPT_USERPWD, credentials);
	else if (who != ANONYMOUS)
		curl_easy_setopt(c, CURLOPT_COOKIE, w.cookies[who]);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	*status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers_out);
	const char *text = buf_cstr(&body);
	outcome o = PASS;
	if (*status == 401 || (*status == 303 && strstr(buf_cstr(&headers), "/login?next=")))
		o = NEEDS_SIGN_IN;
	else if (*status == 404 && strstr(text, "There is nothing at this address."))
		o = HIDDEN;
	else if (*status == 403 && strstr(text, "You do not have permission to do this."))
		o = FORBIDDEN;
	else if (*status == 403 && token &&
	         (strstr(text, "scopes") || strstr(text, "tokens work") ||
	          strstr(text, "signed in with the sign-in form")))
		o = TOKEN_REFUSED;
	buf_dispose(&body);
	buf_dispose(&headers);
	return o;
}

/* What the gate did with one call of r. */
static outcome observe(const web_route *r, identity who, const char *token, long *status)
{
	char path[512];
	fill_path(path, sizeof path, r->pattern);
	return observe_path(r->method, path, r->flags, who, token, status);
}

static void every_route_answers_as_declared(void **state)
{
	(void)state;
	const web_service *svc = hub_service();
	int failures = 0, checked = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		for (int who = ANONYMOUS; who < NIDENTITIES; who++) {
			long status;
			outcome want = expected(r, (identity)who),
			        got = observe(r, (identity)who, NULL, &status);
			restore();
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

/* Whoever may not read the private repository cannot tell it from a missing one: every route
 * that names a repository answers both alike (status and kind of answer), anonymous callers and
 * outsiders (git's ref advertisement challenges anonymous callers for both). */
static void private_repositories_answer_as_missing_ones(void **state)
{
	(void)state;
	const web_service *svc = hub_service();
	int failures = 0, checked = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		if (!has_param(r, "repo_slug"))
			continue;
		for (int who = ANONYMOUS; who <= OUTSIDER; who++) {
			long private_status, missing_status;
			repository = "code";
			outcome private_outcome = observe(r, (identity)who, NULL, &private_status);
			restore();
			repository = "missing";
			outcome missing_outcome = observe(r, (identity)who, NULL, &missing_status);
			repository = "code";
			checked++;
			if (private_status == missing_status && private_outcome == missing_outcome)
				continue;
			failures++;
			fprintf(stderr,
			        "# %s %s as %s: the private repository answers %ld (it %s), a "
			        "missing one %ld (it %s)\n",
			        r->method, r->pattern, identity_names[who], private_status,
			        outcome_names[private_outcome], missing_status,
			        outcome_names[missing_outcome]);
		}
	}
	fprintf(stderr, "# %d routes × identities compared\n", checked);
	assert_true(checked > 0);
	assert_int_equal(failures, 0);
}

/* ---- OAuth tokens: the scope each route declares ---- */

typedef struct token_ctx {
	const char *name, *scopes;
	char access[OAUTH_SECRET_LEN + 1];
} token_ctx;

/* A private consumer of the team administrator's own workspace with scopes, and an access token
 * of its client_credentials grant (which acts as the team administrator). */
static int make_token(db_conn *c, void *ctx)
{
	token_ctx *tc = ctx;
	arena *a = arena_new();
	oauth_consumer_fields f = { tc->name, "", "https://example.com/cb", "", true, tc->scopes };
	char secret[OAUTH_SECRET_LEN + 1];
	oauth_consumer consumer;
	oauth_token_pair pair;
	int rc = hub_oauth_consumer_create_in(c, a, "tina", &f, secret, &consumer);
	if (rc == 0)
		rc = hub_oauth_client_credentials(c, &consumer, &pair);
	if (rc == 0)
		memcpy(tc->access, pair.access, sizeof pair.access);
	arena_free(a);
	return rc;
}

/* Every scope a consumer may hold that does not include needed, space-separated. */
static void others_than(char *out, size_t size, const char *needed)
{
	size_t n = 0;
	out[0] = '\0';
	for (const oauth_scope *s = hub_oauth_scopes; s->name; s++)
		if (!hub_scopes_cover(s->name, needed))
			n += (size_t)snprintf(out + n, size - n, "%s%s", n ? " " : "", s->name);
}

/* The token holding scopes, made once per distinct list (the tokens array caches them). */
static const char *token_for(token_ctx *tokens, size_t *ntokens, const char *scopes)
{
	for (size_t i = 0; i < *ntokens; i++)
		if (strcmp(tokens[i].scopes, scopes) == 0)
			return tokens[i].access;
	token_ctx *tc = &tokens[(*ntokens)++];
	tc->scopes = strdup(scopes);
	tc->name = tc->scopes;
	if (db_tx(w.d, make_token, tc) < 0)
		fail_msg("cannot make a token with %s: %s", scopes, err_msg());
	return tc->access;
}

/* With a token: the route's own scope reaches what the team administrator may; no other scope
 * that lacks it gets past the scope check. Routes without a scope (pages) refuse tokens; the
 * token endpoint authenticates its own clients. */
static outcome expected_with_token(const web_route *r, bool has_scope)
{
	if (r->flags & WEB_OWN_AUTH)
		return PASS;
	if (!r->scope || !has_scope || (r->flags & WEB_NEEDS_SESSION))
		return TOKEN_REFUSED;
	return expected(r, TEAM_ADMIN);
}

static int check_token_call(const web_route *r, const char *token, const char *scopes,
                            bool has_scope)
{
	long status;
	outcome want = expected_with_token(r, has_scope),
	        got = observe(r, TEAM_ADMIN, token, &status);
	if (strcmp(r->method, "GET") != 0)
		restore(); /* only a change can have taken something away */
	if (got == want)
		return 0;
	fprintf(stderr, "# %s %s with a token of [%s]: %s, but it %s (status %ld)\n", r->method,
	        r->pattern, scopes, outcome_names[want], outcome_names[got], status);
	return 1;
}

static void tokens_reach_what_their_scopes_cover(void **state)
{
	(void)state;
	const web_service *svc = hub_service();
	token_ctx tokens[64] = { 0 };
	size_t ntokens = 0;
	int failures = 0, checked = 0;
	char others[1024];
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		const char *own = r->scope ? r->scope : "account";
		others_than(others, sizeof others, own);
		failures += check_token_call(r, token_for(tokens, &ntokens, own), own,
		                             r->scope != NULL);
		if (r->scope)
			failures += check_token_call(r, token_for(tokens, &ntokens, others), others,
			                             false);
		checked += r->scope ? 2 : 1;
	}
	for (size_t i = 0; i < ntokens; i++)
		free((char *)tokens[i].scopes);
	fprintf(stderr, "# %d calls with tokens to %zu routes checked\n", checked, svc->nroutes);
	assert_int_equal(failures, 0);
}

/* B.1's implications, written out: which granted scope includes which needed one. */
static void scopes_include_as_b1_says(void **state)
{
	(void)state;
	static const struct {
		const char *granted, *needed;
		bool covers;
	} table[] = {
		{ "repository", "repository", true },
		{ "repository:write", "repository", true },
		{ "repository:admin", "repository", false },
		{ "repository:admin", "repository:write", false },
		{ "repository:delete", "repository", false },
		{ "repository", "repository:write", false },
		{ "pullrequest", "repository", true },
		{ "pullrequest", "repository:write", false },
		{ "pullrequest:write", "pullrequest", true },
		{ "pullrequest:write", "repository:write", true },
		{ "pullrequest:write", "repository", true },
		{ "project", "repository", true },
		{ "project:admin", "project", false },
		{ "project:admin", "repository", false },
		{ "account", "email", true },
		{ "email", "account", false },
		{ "account:write", "account", true },
		{ "team:write", "team", true },
		{ "team", "team:write", false },
		{ "webhook", "repository", false },
		{ "repository:read", "repository", true }, /* app passwords' name */
		{ "account webhook", "repository", false },
		{ "account webhook repository:write", "repository", true },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (hub_scopes_cover(table[i].granted, table[i].needed) != table[i].covers)
			fail_msg("[%s] %s %s", table[i].granted,
			         table[i].covers ? "should include" : "should not include",
			         table[i].needed);
}

/* A route that names a workspace or repository must say who may reach it. */
static void routes_on_workspaces_declare_a_permission(void **state)
{
	(void)state;
	const web_service *svc = hub_service();
	int failures = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		bool scoped = has_param(r, "workspace") || has_param(r, "repo_slug");
		bool declared = r->permission >= HUB_PERM_WORKSPACE_VIEW;
		if (scoped && !declared) {
			failures++;
			fprintf(stderr, "# %s %s names a workspace but declares no permission\n",
			        r->method, r->pattern);
		}
	}
	assert_int_equal(failures, 0);
}

/* ---- parameters that change what a route needs (hub.h's HUB_SCOPE_*) ---- */

/* The routes the model above raises are the ones that declare it: git's ref advertisement
 * declares ?service=, and the PUT that may create a repository declares its {repo_slug}. */
static void raised_permissions_are_declared(void **state)
{
	(void)state;
	const web_service *svc = hub_service();
	int failures = 0, advertisements = 0, creating = 0;
	for (size_t i = 0; i < svc->nroutes; i++) {
		const web_route *r = &svc->routes[i];
		int want = 0, got = 0;
		if ((r->flags & WEB_CHALLENGE) && strcmp(r->method, "GET") == 0)
			want = HUB_SCOPE_GIT_SERVICE, advertisements++;
		if (r->permission == HUB_PERM_WORKSPACE_MEMBER && strcmp(r->method, "PUT") == 0 &&
		    has_param(r, "repo_slug"))
			want = HUB_SCOPE_REPO_CREATED, creating++;
		for (const web_param_spec *p = r->params; p && p->name; p++)
			got = p->scope ? p->scope : got;
		if (want == got)
			continue;
		failures++;
		fprintf(stderr, "# %s %s declares scope code %d, not %d\n", r->method, r->pattern,
		        got, want);
	}
	assert_int_equal(advertisements, 2);
	assert_int_equal(creating, 1);
	assert_int_equal(failures, 0);
}

typedef struct gate_case {
	const char *method, *path;
	unsigned flags;
	identity who;
	const char *scopes; /* an OAuth token of the team administrator with these, or NULL */
	outcome want;
} gate_case;

/* Git's ref advertisement for a push needs write, and a credential's repository:write; for a
 * fetch, read. A PUT on an absent repository needs membership of the workspace (it creates);
 * on an existing one, admin on it. */
static void declared_parameters_raise_what_a_call_needs(void **state)
{
	(void)state;
	static const gate_case cases[] = {
		{ "GET", "/acme/code.git/info/refs?service=git-receive-pack", WEB_CHALLENGE, READER,
		  NULL, FORBIDDEN },
		{ "GET", "/acme/code/info/refs?service=git-receive-pack", WEB_CHALLENGE, READER,
		  NULL, FORBIDDEN },
		{ "GET", "/acme/code.git/info/refs?service=git-receive-pack", WEB_CHALLENGE, WRITER,
		  NULL, PASS },
		{ "GET", "/acme/code.git/info/refs?service=git-receive-pack", WEB_CHALLENGE,
		  ANONYMOUS, NULL, NEEDS_SIGN_IN },
		{ "GET", "/acme/code.git/info/refs?service=git-receive-pack", WEB_CHALLENGE,
		  OUTSIDER, NULL, HIDDEN },
		{ "GET", "/acme/code.git/info/refs?service=git-upload-pack", WEB_CHALLENGE, READER,
		  NULL, PASS },
		{ "GET", "/acme/code.git/info/refs?service=git-receive-pack", WEB_CHALLENGE,
		  TEAM_ADMIN, "repository", TOKEN_REFUSED },
		{ "GET", "/acme/code.git/info/refs?service=git-receive-pack", WEB_CHALLENGE,
		  TEAM_ADMIN, "repository:write", PASS },
		{ "GET", "/acme/code.git/info/refs?service=git-upload-pack", WEB_CHALLENGE,
		  TEAM_ADMIN, "repository", PASS },
		{ "PUT", "/2.0/repositories/acme/fresh", WEB_API, READER, NULL, PASS },
		{ "PUT", "/2.0/repositories/acme/fresh", WEB_API, OUTSIDER, NULL, HIDDEN },
		{ "PUT", "/2.0/repositories/acme/code", WEB_API, WRITER, NULL, FORBIDDEN },
		{ "PUT", "/2.0/repositories/acme/code", WEB_API, TEAM_ADMIN, NULL, PASS },
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const gate_case *k = &cases[i];
		long status;
		char name[64];
		snprintf(name, sizeof name, "case %zu", i); /* a consumer's name is unique */
		token_ctx tc = { name, k->scopes, "" };
		if (k->scopes && db_tx(w.d, make_token, &tc) < 0)
			fail_msg("cannot make a token with %s: %s", k->scopes, err_msg());
		const char *token = k->scopes ? tc.access : NULL;
		outcome got = observe_path(k->method, k->path, k->flags, k->who, token, &status);
		restore();
		if (got == k->want)
			continue;
		failures++;
		fprintf(stderr, "# %s %s as %s%s%s: %s, but it %s (status %ld)\n", k->method,
		        k->path, identity_names[k->who], k->scopes ? " with a token of " : "",
		        k->scopes ? k->scopes : "", outcome_names[k->want], outcome_names[got],
		        status);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_on_workspaces_declare_a_permission),
		cmocka_unit_test(every_route_answers_as_declared),
		cmocka_unit_test(private_repositories_answer_as_missing_ones),
		cmocka_unit_test(scopes_include_as_b1_says),
		cmocka_unit_test(tokens_reach_what_their_scopes_cover),
		cmocka_unit_test(raised_permissions_are_declared),
		cmocka_unit_test(declared_parameters_raise_what_a_call_needs),
	};
	return cmocka_run_group_tests(tests, start, stop);
}
