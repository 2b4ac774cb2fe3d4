/* Tests of src/track/dvcs/pulls.c on both engines: webhook payloads in hub's shapes (A.11, A.12)
 * stored with their keys, merge and decline transitions, stale events ignored, hostile payloads
 * refused; and the sync against a host played from pages in hub's shapes (host.h's two calls
 * answered here), paging newest first until what the last sync saw. */
#include "../issues_env.h"

#include <string.h>

#include "track/dvcs/host.h"
#include "track/dvcs/pulls.h"

#define SITE "http://hub.test"
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccc"

/* ---- the host, played: API paths and the JSON they answer ---- */

typedef struct host_page {
	const char *path, *json;
} host_page;

static const host_page *pages;
static size_t npages;
static char asked[64][512]; /* the paths asked for, in order */
static size_t nasked;

static json_t *answer(const char *path)
{
	if (nasked < sizeof asked / sizeof asked[0])
		snprintf(asked[nasked++], sizeof asked[0], "%s", path);
	for (size_t i = 0; i < npages; i++)
		if (strcmp(pages[i].path, path) == 0)
			return json_loads(pages[i].json, 0, NULL);
	return NULL;
}

int dvcs_host_call(const dvcs_host *h, const char *method, const char *path, json_t *body,
                   json_t **out, dvcs_host_error *err)
{
	assert_string_equal(h->token, "tok");
	assert_string_equal(method, "GET");
	json_decref(body);
	*out = answer(path);
	if (*out)
		return 0;
	*err = (dvcs_host_error){ 404, "no such thing" };
	return err_fail(WEFT_ENOTFOUND, "not found");
}

int dvcs_host_each(const dvcs_host *h, const char *path, int (*fn)(void *ctx, json_t *value),
                   void *ctx, dvcs_host_error *err)
{
	assert_string_equal(h->api_url, SITE "/2.0");
	while (path) {
		json_t *list = NULL;
		int rc = dvcs_host_call(h, "GET", path, NULL, &list, err);
		if (rc < 0)
			return rc;
		size_t i;
		json_t *v;
		bool stop = false;
		json_array_foreach(json_object_get(list, "values"), i, v) if (!stop && fn(ctx, v))
		        stop = true;
		const char *next = json_string_value(json_object_get(list, "next"));
		static char next_path[512];
		path = NULL;
		if (!stop && next) {
			snprintf(next_path, sizeof next_path, "%s", next);
			path = next_path;
		}
		json_decref(list);
	}
	return 0;
}

static bool was_asked(const char *prefix)
{
	for (size_t i = 0; i < nasked; i++)
		if (strncmp(asked[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* ---- payloads in hub's shapes ---- */

static json_t *user_json(const char *name)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:{s:s}}}", "type", "user", "uuid",
	                 "{0b1e4b9e-0000-4000-8000-000000000001}", "display_name", name, "nickname",
	                 name, "account_id", "0b1e4b9e", "links", "html", "href", SITE "/u/");
}

static json_t *endpoint_json(const char *branch, const char *hash)
{
	return json_pack("{s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "branch", "name", branch,
	                 "commit", "type", "commit", "hash", hash, "repository", "type",
	                 "repository", "full_name", "ws/app", "uuid", "{r}");
}

/* A pull request as hub_pull_json makes it. */
static json_t *pull_json(int id, const char *title, const char *state, const char *branch,
                         const char *hash, const char *updated)
{
	json_t *participants = json_pack(
	        "[{s:s, s:o, s:s, s:b, s:s, s:s}, {s:s, s:o, s:s, s:b, s:n, s:n},"
	        " {s:s, s:o, s:s, s:b, s:n, s:n}]",
	        "type", "participant", "user", user_json("Carol Approver"), "role", "PARTICIPANT",
	        "approved", 1, "state", "approved", "participated_on",
	        "2026-12-01T10:00:00.000+00:00", "type", "participant", "user",
	        user_json("Rita Reviewer"), "role", "REVIEWER", "approved", 0, "state",
	        "participated_on", "type", "participant", "user", user_json("Paul Onlooker"),
	        "role", "PARTICIPANT", "approved", 0, "state", "participated_on");
	json_t *pr = json_pack(
	        "{s:s, s:i, s:s, s:s, s:{s:s}, s:s, s:o, s:n, s:s, s:o, s:o, s:n, s:b, s:i, s:i,"
	        " s:s, s:s, s:[o], s:o}",
	        "type", "pullrequest", "id", id, "title", title, "description",
	        "Closes XYZ-9 (descriptions give no keys)", "summary", "raw", "", "state", state,
	        "author", user_json("Alice Author"), "closed_by", "reason", "", "source",
	        endpoint_json(branch, hash), "destination", endpoint_json("main", HASH_C),
	        "merge_commit", "close_source_branch", 0, "comment_count", 3, "task_count", 0,
	        "created_on", "2026-12-01T09:00:00.000+00:00", "updated_on", updated, "reviewers",
	        user_json("Rita Reviewer"), "participants", participants);
	char self[128], html[128];
	snprintf(self, sizeof self, SITE "/2.0/repositories/ws/app/pullrequests/%d", id);
	snprintf(html, sizeof html, SITE "/ws/app/pull-requests/%d", id);
	json_object_set_new(
	        pr, "links",
	        json_pack("{s:{s:s}, s:{s:s}}", "self", "href", self, "html", "href", html));
	return pr;
}

/* A pullrequest:* delivery as hub sends it: { pullrequest, actor, repository }. */
static json_t *event_json(json_t *pr)
{
	return json_pack("{s:o, s:o, s:{s:s, s:s, s:s}}", "pullrequest", pr, "actor",
	                 user_json("Alice Author"), "repository", "type", "repository", "full_name",
	                 "ws/app", "uuid", "{r}");
}

/* A repo:commit_status_* delivery as hub's status.c sends it. */
static json_t *status_json(const char *hash, const char *key, const char *state,
                           const char *updated)
{
	char commit[256];
	snprintf(commit, sizeof commit, SITE "/2.0/repositories/ws/app/commit/%s", hash);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:n,"
	                 " s:{s:{s:s}, s:{s:s}}, s:{s:s, s:s, s:{s:{s:s}}}}",
	                 "type", "build", "uuid", "{b}", "key", key, "name", "Build #7", "state",
	                 state, "url", "https://ci.example.com/7", "description", "", "created_on",
	                 "2026-12-01T09:00:00.000+00:00", "updated_on", updated, "refname", "links",
	                 "self", "href", commit, "commit", "href", commit, "commit", "type",
	                 "commit", "hash", hash, "links", "self", "href", commit);
}

/* ---- the store ---- */

static int64_t make_repo(env *e)
{
	int64_t id = 0;
	ok(db_query_int(
	        &id, e->c,
	        "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key,"
	        " oauth_secret, created_at, updated_at) VALUES ('weft', $1, $2, 'ws', 'k',"
	        " 's', 1, 1) RETURNING id",
	        db_text(SITE), db_text(SITE "/2.0")));
	ok(db_query_int(&id, e->c,
	                "INSERT INTO dvcs_repos (account_id, slug, name, linked, created_at,"
	                " updated_at) VALUES ($1, 'app', 'App', 1, 1, 1) RETURNING id",
	                db_int(id)));
	return id;
}

static const char *text(env *e, const char *sql, db_arg arg)
{
	db_stmt *st;
	const char *v = NULL;
	if (db_query(&st, e->c, sql, arg) == 0 && db_step(st) == DB_ROW)
		v = arena_strdup(e->a, db_col_text(st, 0) ? db_col_text(st, 0) : "(null)");
	db_done(st);
	return v;
}

/* The keys of pull request number, comma-separated in order. */
static const char *keys_of(env *e, int64_t number)
{
	db_stmt *st;
	buf b = BUF_INIT;
	ok(db_query(&st, e->c,
	            "SELECT k.issue_key FROM dvcs_pull_keys k JOIN dvcs_pulls p ON p.id = k.pull_id"
	            " WHERE p.number = $1 ORDER BY k.issue_key",
	            db_int(number)));
	while (db_step(st) == DB_ROW) {
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, db_col_text(st, 0));
	}
	db_done(st);
	const char *out = arena_strdup(e->a, b.len ? buf_cstr(&b) : "");
	buf_dispose(&b);
	return out;
}

static int apply(env *e, int64_t repo, const char *event, json_t *payload)
{
	int rc = dvcs_pulls_apply_event(e->c, e->a, repo, event, payload);
	json_decref(payload);
	return rc;
}

static int apply_build(env *e, int64_t repo, json_t *payload)
{
	int rc = dvcs_builds_apply_event(e->c, e->a, repo, payload);
	json_decref(payload);
	return rc;
}

#define T1 "2026-12-01T10:00:00.000+00:00"
#define T2 "2026-12-01T11:00:00.000+00:00"
#define T3 "2026-12-01T12:00:00.000+00:00"

static void created_event_stores_the_pull_request_and_its_keys(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	ok(apply(&e, repo, "pullrequest:created",
	         event_json(pull_json(1, "abc-1: fix the login", "OPEN", "feature/ABC-2-login",
	                              HASH_A, T1))));
	assert_string_equal(
	        text(&e, "SELECT title FROM dvcs_pulls WHERE repo_id = $1", db_int(repo)),
	        "abc-1: fix the login");
	assert_string_equal(text(&e, "SELECT state FROM dvcs_pulls WHERE number = $1", db_int(1)),
	                    "OPEN");
	assert_string_equal(text(&e,
	                         "SELECT author_name || '|' || source_branch || '|' ||"
	                         " destination_branch || '|' || url FROM dvcs_pulls"
	                         " WHERE number = $1",
	                         db_int(1)),
	                    "Alice Author|feature/ABC-2-login|main|" SITE
	                    "/ws/app/pull-requests/1");
	assert_string_equal(
	        text(&e, "SELECT reviewers FROM dvcs_pulls WHERE number = $1", db_int(1)),
	        "[{\"name\":\"Carol Approver\",\"approved\":true},"
	        "{\"name\":\"Rita Reviewer\",\"approved\":false}]");
	assert_int_equal(
	        scalar(&e, "SELECT comment_count FROM dvcs_pulls WHERE number = $1", db_int(1)), 3);
	assert_int_equal(
	        scalar(&e, "SELECT updated_at FROM dvcs_pulls WHERE number = $1", db_int(1)),
	        1796119200000);
	/* The description names XYZ-9: descriptions give no keys. */
	assert_string_equal(keys_of(&e, 1), "ABC-1,ABC-2");
	assert_int_equal(
	        scalar(&e, "SELECT last_activity_at FROM dvcs_repos WHERE id = $1", db_int(repo)),
	        1796119200000);
	/* A webhook is no sync: the count of the last run stays. */
	assert_int_equal(
	        scalar(&e, "SELECT sync_pulls FROM dvcs_repos WHERE id = $1", db_int(repo)), 0);
	end(&e);
}

static void merge_and_decline_move_the_state_and_stale_events_do_not(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	ok(apply(&e, repo, "pullrequest:created",
	         event_json(pull_json(1, "ABC-1 one", "OPEN", "b1", HASH_A, T1))));
	ok(apply(&e, repo, "pullrequest:created",
	         event_json(pull_json(2, "ABC-2 two", "OPEN", "b2", HASH_B, T1))));
	ok(apply(&e, repo, "pullrequest:fulfilled",
	         event_json(pull_json(1, "ABC-1 one, renamed ABC-3", "MERGED", "b1", HASH_A, T2))));
	ok(apply(&e, repo, "pullrequest:rejected",
	         event_json(pull_json(2, "ABC-2 two", "DECLINED", "b2", HASH_B, T2))));
	assert_string_equal(text(&e, "SELECT state FROM dvcs_pulls WHERE number = $1", db_int(1)),
	                    "MERGED");
	assert_string_equal(text(&e, "SELECT state FROM dvcs_pulls WHERE number = $1", db_int(2)),
	                    "DECLINED");
	/* A delivery retried late, older than what is stored, changes nothing. */
	ok(apply(&e, repo, "pullrequest:updated",
	         event_json(pull_json(1, "old title ZZZ-5", "OPEN", "b1", HASH_A, T1))));
	assert_string_equal(text(&e, "SELECT state FROM dvcs_pulls WHERE number = $1", db_int(1)),
	                    "MERGED");
	assert_string_equal(keys_of(&e, 1), "ABC-1,ABC-3");
	/* The same delivery twice: one row, the same keys. */
	ok(apply(&e, repo, "pullrequest:fulfilled",
	         event_json(pull_json(1, "ABC-1 one, renamed ABC-3", "MERGED", "b1", HASH_A, T2))));
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM dvcs_pulls WHERE repo_id = $1", db_int(repo)), 2);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM dvcs_pull_keys WHERE $1 = 1", db_int(1)),
	                 3);
	end(&e);
}

/* Each payload is one change to a valid one. */
static json_t *spoiled(int which)
{
	json_t *pr = pull_json(1, "ABC-1", "OPEN", "b", HASH_A, T1);
	char long_title[3000];
	memset(long_title, 'x', sizeof long_title - 1);
	long_title[sizeof long_title - 1] = 0;
	switch (which) {
	case 0: json_object_del(pr, "id"); break;
	case 1: json_object_set_new(pr, "id", json_string("1")); break;
	case 2: json_object_set_new(pr, "state", json_string("MERGING")); break;
	case 3: json_object_set_new(pr, "title", json_integer(5)); break;
	case 4: json_object_set_new(pr, "title", json_string(long_title)); break;
	case 5: json_object_set_new(pr, "title", json_stringn("A\0B", 3)); break;
	case 6:
		json_object_set_new(pr, "links",
		                    json_pack("{s:{s:s}}", "html", "href", "javascript:alert(1)"));
		break;
	case 7: json_object_del(json_object_get(pr, "source"), "branch"); break;
	case 8: json_object_set_new(pr, "updated_on", json_string("yesterday")); break;
	case 9: json_object_set_new(pr, "participants", json_pack("[s]", "x")); break;
	case 10: json_object_set_new(pr, "comment_count", json_integer(-1)); break;
	case 11: json_object_set_new(pr, "destination", json_null()); break;
	default: json_object_set_new(pr, "participants", json_string("all")); break;
	}
	return pr;
}

static void hostile_pull_payloads_are_refused(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	for (int i = 0; i <= 12; i++)
		assert_int_equal(apply(&e, repo, "pullrequest:created", event_json(spoiled(i))),
		                 WEFT_EINVALID);
	assert_int_equal(apply(&e, repo, "pullrequest:created", json_pack("{s:i}", "x", 1)),
	                 WEFT_EINVALID);
	assert_int_equal(apply(&e, repo, "pullrequest:created", json_pack("[]")), WEFT_EINVALID);
	assert_int_equal(apply(&e, repo, "repo:push",
	                       event_json(pull_json(1, "ABC-1", "OPEN", "b", HASH_A, T1))),
	                 WEFT_EINVALID);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM dvcs_pulls WHERE $1 = 1", db_int(1)), 0);
	end(&e);
}

static void build_events_are_stored_per_commit_and_key(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	ok(apply_build(
	        &e, repo,
	        json_pack("{s:o}", "commit_status", status_json(HASH_A, "ci", "INPROGRESS", T1))));
	ok(apply_build(
	        &e, repo,
	        json_pack("{s:o}", "commit_status", status_json(HASH_A, "ci", "SUCCESSFUL", T2))));
	ok(apply_build(
	        &e, repo,
	        json_pack("{s:o}", "commit_status", status_json(HASH_A, "lint", "FAILED", T1))));
	/* Bitbucket's payload names its commit by link only; a hash in capitals is the same. */
	json_t *bb = status_json("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "ci", "STOPPED", T1);
	json_object_del(bb, "commit");
	json_object_del(bb, "name");
	ok(apply_build(&e, repo, json_pack("{s:o}", "commit_status", bb)));
	/* Late and older: ignored. */
	ok(apply_build(
	        &e, repo,
	        json_pack("{s:o}", "commit_status", status_json(HASH_A, "ci", "FAILED", T1))));
	assert_string_equal(text(&e,
	                         "SELECT state || '|' || name || '|' || url FROM dvcs_builds WHERE"
	                         " commit_hash = $1 AND key = 'ci'",
	                         db_text(HASH_A)),
	                    "SUCCESSFUL|Build #7|https://ci.example.com/7");
	assert_string_equal(text(&e,
	                         "SELECT state || '|' || name FROM dvcs_builds WHERE"
	                         " commit_hash = $1",
	                         db_text(HASH_B)),
	                    "STOPPED|ci");
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM dvcs_builds WHERE repo_id = $1", db_int(repo)), 3);
	end(&e);
}

static void hostile_build_payloads_are_refused(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	const char *bad_hashes[] = { "abc123", HASH_A "a",
		                     "gggggggggggggggggggggggggggggggggggggggg" };
	for (size_t i = 0; i < 3; i++) {
		json_t *s = status_json(bad_hashes[i], "ci", "FAILED", T1);
		assert_int_equal(apply_build(&e, repo, json_pack("{s:o}", "commit_status", s)),
		                 WEFT_EINVALID);
	}
	json_t *s = status_json(HASH_A, "ci", "BROKEN", T1);
	assert_int_equal(apply_build(&e, repo, json_pack("{s:o}", "commit_status", s)),
	                 WEFT_EINVALID);
	s = status_json(HASH_A, "ci", "FAILED", T1);
	json_object_set_new(s, "url", json_string("javascript:alert(1)"));
	assert_int_equal(apply_build(&e, repo, json_pack("{s:o}", "commit_status", s)),
	                 WEFT_EINVALID);
	s = status_json(HASH_A, "ci", "FAILED", T1);
	json_object_del(s, "key");
	assert_int_equal(apply_build(&e, repo, json_pack("{s:o}", "commit_status", s)),
	                 WEFT_EINVALID);
	s = status_json(HASH_A, "ci", "FAILED", T1);
	json_object_del(s, "updated_on");
	json_object_del(s, "created_on");
	assert_int_equal(apply_build(&e, repo, json_pack("{s:o}", "commit_status", s)),
	                 WEFT_EINVALID);
	assert_int_equal(apply_build(&e, repo, json_pack("{s:s}", "commit_status", "x")),
	                 WEFT_EINVALID);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM dvcs_builds WHERE $1 = 1", db_int(1)), 0);
	end(&e);
}

/* ---- syncing ---- */

#define LIST                                                                       \
	"/repositories/ws/app/pullrequests?state=OPEN&state=MERGED&state=DECLINED" \
	"&state=SUPERSEDED&sort=-updated_on&pagelen=50"

static const char *dump(env *e, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);
	const char *out = arena_strdup(e->a, s);
	free(s);
	json_decref(v);
	return out;
}

static const char *list_page(env *e, json_t *values, const char *next)
{
	json_t *page = json_pack("{s:o, s:i, s:i}", "values", values, "pagelen", 50, "page", 1);
	if (next)
		json_object_set_new(page, "next", json_string(next));
	return dump(e, page);
}

static json_t *commit_json(const char *message, int nparents)
{
	json_t *parents = json_array();
	for (int i = 0; i < nparents; i++)
		json_array_append_new(parents, json_pack("{s:s}", "hash", HASH_C));
	return json_pack("{s:s, s:s, s:s, s:o}", "type", "commit", "hash", HASH_B, "message",
	                 message, "parents", parents);
}

typedef struct sync_env {
	track_app app;
	dvcs_account account;
	dvcs_repo repo;
} sync_env;

static sync_env sync_env_of(env *e, int64_t repo)
{
	sync_env s = { .app = { .d = e->f->d } };
	s.account = (dvcs_account){
		.id = 1, .site_url = SITE, .api_url = SITE "/2.0", .account = "ws"
	};
	s.repo = (dvcs_repo){ .id = repo, .slug = "app", .name = "App" };
	return s;
}

static void sync_reads_pulls_commits_and_builds_then_only_what_is_newer(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	json_t *bitbucket_style =
	        pull_json(1, "No key here", "DECLINED", "feature/GHI-4", HASH_A, T1);
	json_object_del(bitbucket_style, "participants");
	host_page first[] = {
		{ LIST,
		  list_page(&e,
		            json_pack("[o, o]",
		                      pull_json(3, "DEF-1 newest", "OPEN", "topic", HASH_A, T3),
		                      pull_json(2, "two", "MERGED", "abc-2", HASH_B, T2)),
		            LIST "&page=2") },
		{ LIST "&page=2", list_page(&e, json_pack("[o]", bitbucket_style), NULL) },
		{ "/repositories/ws/app/pullrequests/1",
		  dump(&e, pull_json(1, "No key here", "DECLINED", "feature/GHI-4", HASH_A, T1)) },
		{ "/repositories/ws/app/pullrequests/3/commits?pagelen=50",
		  list_page(&e,
		            json_pack("[o, o]",
		                      commit_json("Merge branch 'main' into topic XYZ-7", 2),
		                      commit_json("def-8: the work", 1)),
		            NULL) },
		{ "/repositories/ws/app/pullrequests/1/commits?pagelen=50",
		  list_page(&e, json_pack("[o]", commit_json("nothing", 1)), NULL) },
		{ "/repositories/ws/app/commit/" HASH_A "/statuses?pagelen=50",
		  list_page(&e, json_pack("[o]", status_json(HASH_A, "ci", "SUCCESSFUL", T2)),
		            NULL) },
	};
	pages = first;
	npages = sizeof first / sizeof first[0];
	nasked = 0;
	sync_env s = sync_env_of(&e, repo);
	const char *heads[] = { HASH_C };
	int64_t n = 0;
	ok(dvcs_pulls_sync(&s.app, e.a, &s.account, &s.repo, "tok", false, heads, 1, &n));
	assert_int_equal(n, 3);
	assert_string_equal(keys_of(&e, 3), "DEF-1,DEF-8");
	assert_string_equal(keys_of(&e, 2), "ABC-2"); /* its commits are gone: 404 */
	assert_string_equal(keys_of(&e, 1), "GHI-4");
	assert_string_equal(
	        text(&e, "SELECT reviewers FROM dvcs_pulls WHERE number = $1", db_int(1)),
	        "[{\"name\":\"Carol Approver\",\"approved\":true},"
	        "{\"name\":\"Rita Reviewer\",\"approved\":false}]");
	assert_string_equal(
	        text(&e, "SELECT state FROM dvcs_builds WHERE commit_hash = $1", db_text(HASH_A)),
	        "SUCCESSFUL");
	assert_true(was_asked("/repositories/ws/app/commit/" HASH_B "/statuses"));
	assert_true(was_asked("/repositories/ws/app/commit/" HASH_C "/statuses"));
	assert_int_equal(
	        scalar(&e, "SELECT pulls_synced_at FROM dvcs_repos WHERE id = $1", db_int(repo)),
	        1796119200000 + 2 * 3600000);

	/* The next soft sync asks for what changed since, and stops at the first older one. */
	host_page second[] = {
		{ LIST "&q=updated_on%20%3E%3D%202026-12-01T12%3A00%3A00.000%2B00%3A00",
		  list_page(&e,
		            json_pack("[o, o]",
		                      pull_json(3, "DEF-1 newest", "MERGED", "topic", HASH_A, T3),
		                      pull_json(2, "two", "MERGED", "abc-2", HASH_B, T2)),
		            NULL) },
		{ "/repositories/ws/app/pullrequests/3/commits?pagelen=50",
		  list_page(&e, json_pack("[o]", commit_json("def-8: the work", 1)), NULL) },
	};
	pages = second;
	npages = sizeof second / sizeof second[0];
	nasked = 0;
	ok(dvcs_pulls_sync(&s.app, e.a, &s.account, &s.repo, "tok", false, NULL, 0, &n));
	assert_int_equal(n, 1);
	assert_false(was_asked("/repositories/ws/app/pullrequests/2/"));
	assert_string_equal(text(&e, "SELECT state FROM dvcs_pulls WHERE number = $1", db_int(3)),
	                    "MERGED");
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM dvcs_pull_keys WHERE $1 = 1", db_int(1)),
	                 4);
	end(&e);
}

static void a_host_failure_fails_the_sync_and_keeps_the_mark(void **state)
{
	env e = begin(state);
	int64_t repo = make_repo(&e);
	host_page none[] = { { "/nothing", "{}" } };
	pages = none;
	npages = 1;
	sync_env s = sync_env_of(&e, repo);
	int64_t n = -1;
	assert_int_equal(
	        dvcs_pulls_sync(&s.app, e.a, &s.account, &s.repo, "tok", true, NULL, 0, &n),
	        WEFT_ENOTFOUND);
	assert_non_null(strstr(err_msg(), "no such thing"));
	assert_int_equal(n, 0);
	assert_int_equal(scalar(&e,
	                        "SELECT COUNT(*) FROM dvcs_repos WHERE id = $1 AND"
	                        " pulls_synced_at IS NULL",
	                        db_int(repo)),
	                 1);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(created_event_stores_the_pull_request_and_its_keys),
		cmocka_unit_test(merge_and_decline_move_the_state_and_stale_events_do_not),
		cmocka_unit_test(hostile_pull_payloads_are_refused),
		cmocka_unit_test(build_events_are_stored_per_commit_and_key),
		cmocka_unit_test(hostile_build_payloads_are_refused),
		cmocka_unit_test(sync_reads_pulls_commits_and_builds_then_only_what_is_newer),
		cmocka_unit_test(a_host_failure_fails_the_sync_and_keeps_the_mark),
	};
	return fixture_run_service_tests("track/dvcs/pulls", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
