/* Tests of src/track/dvcs/account.c and discover.c's storage on both engines: the link request's
 * rules, the pending account (secret sealed, consent state kept as its digest), already linked,
 * defaults, Reset OAuth settings, a pending account having no token, repositories (linking queues
 * discovery and a full sync), and Delete (the unlink job queued with sealed credentials, the rows
 * gone, commits other accounts hold kept). */
#include "../../db/fixture.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/password.h"
#include "base/token.h"
#include "db/migrate.h"
#include "track/dvcs/account.h"
#include "track/dvcs/dvcs.h"
#include "track/dvcs/secret.h"

typedef struct env {
	arena *a;
	db_conn *c;
	track_app app;
} env;

static env begin(void **state)
{
	fixture *f = *state;
	int applied;
	if (db_migrate_up(&applied, f->d, "track") < 0)
		fail_msg("migrations: %s", err_msg());
	assert_int_equal(token_init(), 0);
	env e = { arena_new(),
		  NULL,
		  { .d = f->d,
		    .dvcs_dir = "/data/dvcs",
		    .has_secret_key = true,
		    .public_url = "http://track.test/" } };
	randombytes_buf(e.app.secret_key, sizeof e.app.secret_key);
	assert_int_equal(db_conn_get(&e.c, f->d), 0);
	return e;
}

static void end(env *e)
{
	db_conn_put(e->c);
	arena_free(e->a);
}

static const char *text(env *e, const char *sql, int64_t id)
{
	db_stmt *st;
	const char *v = NULL;
	if (db_query(&st, e->c, sql, db_int(id)) == 0 && db_step(st) == DB_ROW &&
	    db_col_text(st, 0))
		v = arena_strdup(e->a, db_col_text(st, 0));
	db_done(st);
	return v;
}

static int64_t count(env *e, const char *sql, int64_t id)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(&n, e->c, sql, db_int(id)), 0);
	return n;
}

/* Forgets that track's migrations from version on were applied and applies them again: what is
 * pending is what comes after the newest applied one. */
static void migrate_again_from(env *e, db *d, int version)
{
	int64_t rerun = 0;
	assert_int_equal(db_query_int(&rerun, e->c,
	                              "SELECT count(*) FROM schema_migrations WHERE service ="
	                              " 'track' AND version >= $1",
	                              db_int(version)),
	                 0);
	assert_true(rerun >= 1);
	assert_int_equal(db_exec(e->c,
	                         "DELETE FROM schema_migrations WHERE service = 'track' AND"
	                         " version >= $1",
	                         db_int(version)),
	                 rerun);
	int applied;
	db_conn_put(e->c); /* the migration wants the pool's two connections on PostgreSQL */
	assert_int_equal(db_migrate_up(&applied, d, "track"), 0);
	assert_int_equal(db_conn_get(&e->c, d), 0);
	assert_int_equal(applied, rerun);
}

static dvcs_link_request request(const char *site, const char *account)
{
	return (dvcs_link_request){ DVCS_HOST_WEFT, site, account, "the-key",
		                    "the-secret",   true, false,   0 };
}

static void link_requests_follow_the_rules(void **state)
{
	env e = begin(state);
	int64_t id;
	const char *s;
	const struct {
		const char *site, *account, *message;
	} bad[] = {
		{ "", "ops", "Host URL: enter" },
		{ "ftp://hub", "ops", "Host URL: must start with http" },
		{ "http://u:p@hub", "ops", "no user name or password" },
		{ "http://hub/?q=1", "ops", "no query or fragment" },
		{ "http://", "ops", "no host name" },
		{ "http://hub", "", "Team or user account: enter" },
		{ "http://hub", "a b", "Invalid user/team account" },
		{ "http://hub", "a/b", "Invalid user/team account" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dvcs_link_request r = request(bad[i].site, bad[i].account);
		assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s),
		                 WEFT_EINVALID);
		if (!strstr(err_msg(), bad[i].message))
			fail_msg("%s / %s: %s", bad[i].site, bad[i].account, err_msg());
	}
	dvcs_link_request r = request("http://hub", "ops");
	r.oauth_secret = "";
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "OAuth secret"));
	e.app.has_secret_key = false;
	r = request("http://hub", "ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "secret key"));
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_accounts WHERE id > $1", 0), 0);
	end(&e);
}

static void a_pending_account_keeps_secrets_sealed(void **state)
{
	env e = begin(state);
	int64_t id;
	const char *s;
	dvcs_link_request r = request("http://hub:8080/", "Ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s), 0);
	assert_int_equal(strlen(s), 64);
	char digest[65];
	password_token_digest(digest, s, strlen(s));
	assert_string_equal(text(&e, "SELECT oauth_state FROM dvcs_accounts WHERE id = $1", id),
	                    digest);
	const char *sealed = text(&e, "SELECT oauth_secret FROM dvcs_accounts WHERE id = $1", id);
	assert_string_not_equal(sealed, "the-secret");
	const char *plain;
	assert_int_equal(dvcs_secret_open(e.a, e.app.secret_key, sealed, &plain), 0);
	assert_string_equal(plain, "the-secret");
	dvcs_account acc;
	assert_int_equal(dvcs_account_get(e.c, e.a, id, &acc), 0);
	assert_string_equal(acc.site_url, "http://hub:8080");
	assert_string_equal(acc.api_url, "http://hub:8080/2.0");
	assert_string_equal(acc.status, "pending");
	assert_true(acc.auto_link);
	assert_false(acc.smart_commits);
	assert_string_equal(dvcs_callback_url(e.a, &e.app),
	                    "http://track.test/secure/admin/dvcs/callback");
	/* The same account on the same host, in any case, is linked already. */
	r = request("http://hub:8080", "OPS");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s), WEFT_EEXISTS);
	assert_string_equal(err_msg(), "Account is already integrated");
	r = request("https://bitbucket.org", "ops");
	r.host_kind = DVCS_HOST_BITBUCKET;
	int64_t bb;
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &bb, &s), 0);
	assert_int_equal(dvcs_account_get(e.c, e.a, bb, &acc), 0);
	assert_string_equal(acc.api_url, "https://api.bitbucket.org/2.0");
	/* No token until access is granted. */
	const char *token;
	assert_int_equal(dvcs_account_access_token(&e.app, e.a, id, &token), WEFT_EAUTH);
	assert_int_equal(dvcs_account_access_token(&e.app, e.a, 999, &token), WEFT_ENOTFOUND);
	end(&e);
}

static void defaults_and_reset_oauth(void **state)
{
	env e = begin(state);
	int64_t id;
	const char *s, *s2;
	dvcs_link_request r = request("http://hub", "ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s), 0);
	assert_int_equal(dvcs_account_set_defaults(e.c, id, false, true), 0);
	dvcs_account acc;
	assert_int_equal(dvcs_account_get(e.c, e.a, id, &acc), 0);
	assert_false(acc.auto_link);
	assert_true(acc.smart_commits);
	assert_int_equal(dvcs_account_set_defaults(e.c, 999, false, true), WEFT_ENOTFOUND);
	assert_int_equal(db_exec(e.c,
	                         "UPDATE dvcs_accounts SET status = 'auth_failed', access_token"
	                         " = 'x' WHERE id = $1",
	                         db_int(id)),
	                 1);
	assert_int_equal(dvcs_account_reset_oauth(e.c, e.a, &e.app, id, "new-key", "", &s2),
	                 WEFT_EINVALID);
	assert_int_equal(
	        dvcs_account_reset_oauth(e.c, e.a, &e.app, id, "new-key", "new-secret", &s2), 0);
	assert_string_not_equal(s, s2);
	assert_int_equal(dvcs_account_get(e.c, e.a, id, &acc), 0);
	assert_string_equal(acc.status, "pending");
	assert_string_equal(acc.oauth_key, "new-key");
	assert_null(text(&e, "SELECT access_token FROM dvcs_accounts WHERE id = $1", id));
	assert_int_equal(dvcs_account_reset_oauth(e.c, e.a, &e.app, 999, "k", "s", &s2),
	                 WEFT_ENOTFOUND);
	/* A state never issued, or replaced, finds nothing. */
	int64_t got;
	assert_int_equal(dvcs_account_finish_consent(&e.app, e.a, s, "code", &got), WEFT_ENOTFOUND);
	end(&e);
}

static int64_t add_repo(env *e, int64_t account, const char *slug)
{
	int64_t id = 0;
	db_stmt *st;
	assert_int_equal(db_query(&st, e->c,
	                          "INSERT INTO dvcs_repos (account_id, slug, name, created_at,"
	                          " updated_at) VALUES ($1, $2, $2, 1, 1) RETURNING id",
	                          db_int(account), db_text(slug)),
	                 0);
	assert_int_equal(db_step(st), DB_ROW);
	id = db_col_int(st, 0);
	db_done(st);
	return id;
}

static void repositories_link_and_queue_their_work(void **state)
{
	env e = begin(state);
	int64_t id;
	const char *s;
	dvcs_link_request r = request("http://hub", "ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &id, &s), 0);
	int64_t repo = add_repo(&e, id, "r1");
	dvcs_repo got;
	assert_int_equal(dvcs_repo_get(e.c, e.a, repo, &got), 0);
	assert_false(got.linked);
	assert_string_equal(got.hook_status, "none");
	assert_string_equal(got.sync_state, "never");
	assert_int_equal(dvcs_repo_set_linked(e.c, repo, true), 0);
	assert_int_equal(dvcs_repo_get(e.c, e.a, repo, &got), 0);
	assert_true(got.linked);
	assert_string_equal(got.sync_state, "queued");
	assert_true(got.sync_full);
	assert_int_equal(count(&e,
	                       "SELECT count(*) FROM jobs WHERE kind = 'dvcs.discover' AND"
	                       " payload LIKE '%' || $1 || '%'",
	                       id),
	                 1);
	assert_int_equal(dvcs_repo_set_linked(e.c, repo, false), 0);
	assert_int_equal(count(&e,
	                       "SELECT count(*) FROM jobs WHERE kind = 'dvcs.discover' AND"
	                       " id > $1",
	                       0),
	                 1); /* de-duplicated per account */
	assert_int_equal(dvcs_repo_set_linked(e.c, 999, true), WEFT_ENOTFOUND);
	assert_int_equal(dvcs_repo_set_smart_commits(e.c, repo, false), 0);
	assert_int_equal(dvcs_repo_set_smart_commits(e.c, 999, false), WEFT_ENOTFOUND);
	dvcs_account acc;
	assert_int_equal(dvcs_account_get(e.c, e.a, id, &acc), 0);
	assert_int_equal(dvcs_repo_get(e.c, e.a, repo, &got), 0);
	assert_false(got.smart_commits);
	assert_string_equal(dvcs_repo_clone_url(e.a, &acc, &got), "http://hub/ops/r1.git");
	char want[64];
	snprintf(want, sizeof want, "/data/dvcs/%lld.git", (long long)repo);
	assert_string_equal(dvcs_repo_mirror_path(e.a, &e.app, repo), want);
	const char *secret;
	assert_int_equal(dvcs_repo_hook_secret(&e.app, e.c, e.a, repo, &secret), WEFT_ENOTFOUND);
	assert_int_equal(db_exec(e.c, "UPDATE dvcs_repos SET hook_secret = $2 WHERE id = $1",
	                         db_int(repo),
	                         db_text(dvcs_secret_seal(e.a, e.app.secret_key, "hs"))),
	                 1);
	assert_int_equal(dvcs_repo_hook_secret(&e.app, e.c, e.a, repo, &secret), 0);
	assert_string_equal(secret, "hs");
	end(&e);
}

static void deleting_an_account_queues_its_clean_up(void **state)
{
	env e = begin(state);
	int64_t ops, other;
	const char *s;
	dvcs_link_request r = request("http://hub", "ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &ops, &s), 0);
	r = request("http://hub", "other");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &other, &s), 0);
	int64_t r1 = add_repo(&e, ops, "r1"), r2 = add_repo(&e, other, "r2");
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_commits (hash, author_name, author_email,"
	                         " authored_at, message) VALUES ('a', 'n', 'e', 1, 'm'),"
	                         " ('b', 'n', 'e', 1, 'm')",
	                         DB_END),
	                 2);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_repo_commits (repo_id, commit_id) SELECT $1,"
	                         " id FROM dvcs_commits",
	                         db_int(r1)),
	                 2);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_repo_commits (repo_id, commit_id) SELECT $1,"
	                         " id FROM dvcs_commits WHERE hash = 'b'",
	                         db_int(r2)),
	                 1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_commit_keys (issue_key, commit_id) SELECT"
	                         " 'OPS-1', id FROM dvcs_commits",
	                         DB_END),
	                 2);
	assert_int_equal(dvcs_account_unlink(e.c, e.a, ops), 0);
	assert_int_equal(dvcs_account_unlink(e.c, e.a, ops), WEFT_ENOTFOUND);
	/* The link tables have no foreign keys (0016): nothing refers to a row that is gone. */
	assert_int_equal(count(&e,
	                       "SELECT count(*) FROM dvcs_repo_commits l WHERE l.repo_id > $1 AND"
	                       " (NOT EXISTS (SELECT 1 FROM dvcs_repos r WHERE r.id = l.repo_id)"
	                       " OR NOT EXISTS (SELECT 1 FROM dvcs_commits c WHERE c.id ="
	                       " l.commit_id))",
	                       0),
	                 0);
	assert_int_equal(
	        count(&e,
	              "SELECT count(*) FROM dvcs_commit_keys k WHERE k.commit_id > $1 AND"
	              " NOT EXISTS (SELECT 1 FROM dvcs_commits c WHERE c.id = k.commit_id)",
	              0),
	        0);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repo_commits WHERE repo_id = $1", r2),
	                 1);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_commit_keys WHERE commit_id > $1", 0),
	                 1);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_accounts WHERE id = $1", ops), 0);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repos WHERE account_id = $1", ops),
	                 0);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_commits WHERE id > $1", 0), 1);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repos WHERE id = $1", r2), 1);
	const char *payload = text(&e,
	                           "SELECT payload FROM jobs WHERE kind = 'dvcs.unlink' AND"
	                           " id > $1",
	                           0);
	assert_non_null(payload);
	json_error_t je;
	json_t *p = json_loads(payload, 0, &je);
	assert_non_null(p);
	assert_int_equal(json_integer_value(json_object_get(p, "account")), ops);
	assert_string_equal(json_string_value(json_object_get(p, "name")), "ops");
	const char *sealed = json_string_value(json_object_get(p, "oauth_secret")), *plain;
	assert_int_equal(dvcs_secret_open(e.a, e.app.secret_key, sealed, &plain), 0);
	assert_string_equal(plain, "the-secret");
	assert_null(strstr(payload, "the-secret"));
	json_t *repo = json_array_get(json_object_get(p, "repos"), 0);
	assert_int_equal(json_integer_value(json_object_get(repo, "id")), r1);
	json_decref(p);
	end(&e);
}

/* A deleted repository's id never comes back (the id names its webhook on the host, and a hook
 * left there, 0013): SQLite's AUTOINCREMENT since 0014, PostgreSQL's identity column. 0014 run
 * again over a table with rows keeps every row that refers to a repository, and on SQLite starts
 * the next id above every left hook's. */
static void repository_ids_are_never_used_again(void **state)
{
	fixture *f = *state;
	env e = begin(state);
	int64_t ops;
	const char *s;
	dvcs_link_request r = request("http://hub", "ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &ops, &s), 0);
	int64_t r1 = add_repo(&e, ops, "r1"), r2 = add_repo(&e, ops, "r2");
	assert_int_equal(db_exec(e.c, "DELETE FROM dvcs_repos WHERE id = $1", db_int(r2)), 1);
	int64_t r3 = add_repo(&e, ops, "r3");
	assert_true(r3 > r2);

	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_commits (hash, author_name, author_email,"
	                         " authored_at, message) VALUES ('a', 'n', 'e', 1, 'm')",
	                         DB_END),
	                 1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_repo_commits (repo_id, commit_id) SELECT $1,"
	                         " id FROM dvcs_commits",
	                         db_int(r1)),
	                 1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_smart_runs (commit_hash, issue_key,"
	                         " command_index, repo_id, command, outcome, created_at)"
	                         " VALUES ('a', 'K-1', 0, $1, 'comment', 'done', 1)",
	                         db_int(r3)),
	                 1);
	int64_t left = r3 + 5;
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_left_hooks (repo_id, site_url, account, slug,"
	                         " hook_url, reason, created_at) VALUES ($1, 'http://hub', 'ops',"
	                         " 'gone', 'http://track/x', 'why', 1)",
	                         db_int(left)),
	                 1);
	/* 0014 runs again, and so do the migrations after it: what is pending is what comes after
	 * the newest applied one */
	migrate_again_from(&e, f->d, 14);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repo_commits WHERE repo_id = $1", r1),
	                 1);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_smart_runs WHERE repo_id = $1", r3),
	                 1);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repos WHERE account_id = $1", ops),
	                 2);
	int64_t r4 = add_repo(&e, ops, "r4");
	assert_true(r4 > r3);
	if (db_engine_of(f->d) == DB_SQLITE)
		assert_true(r4 > left);
	/* The account's delete still takes its repositories and their rows with it. */
	assert_int_equal(dvcs_account_unlink(e.c, e.a, ops), 0);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repo_commits WHERE repo_id > $1", 0),
	                 0);
	assert_int_equal(count(&e,
	                       "SELECT count(*) FROM dvcs_smart_runs WHERE repo_id IS NULL"
	                       " AND command_index = $1",
	                       0),
	                 1);
	end(&e);
}

/* 0016 over a store with rows: every link row and key is kept, and the link tables no longer
 * refuse a row whose commit or repository is missing (the code keeps them whole, not a key). */
static void the_link_tables_lose_their_keys_and_keep_their_rows(void **state)
{
	fixture *f = *state;
	env e = begin(state);
	int64_t ops;
	const char *s;
	dvcs_link_request r = request("http://hub", "ops");
	assert_int_equal(dvcs_account_create_pending(e.c, e.a, &e.app, &r, &ops, &s), 0);
	int64_t r1 = add_repo(&e, ops, "r1"), r2 = add_repo(&e, ops, "r2");
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_commits (hash, author_name, author_email,"
	                         " authored_at, message) VALUES ('a', 'n', 'e', 1, 'm'),"
	                         " ('b', 'n', 'e', 1, 'm'), ('c', 'n', 'e', 1, 'm')",
	                         DB_END),
	                 3);
	assert_int_equal(
	        db_exec(e.c,
	                "INSERT INTO dvcs_repo_commits (repo_id, commit_id, provisional_at)"
	                " SELECT $1, id, CASE WHEN hash = 'c' THEN 7 END FROM dvcs_commits",
	                db_int(r1)),
	        3);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_repo_commits (repo_id, commit_id) SELECT $1,"
	                         " id FROM dvcs_commits WHERE hash = 'a'",
	                         db_int(r2)),
	                 1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_commit_keys (issue_key, commit_id) SELECT"
	                         " 'OPS-' || hash, id FROM dvcs_commits WHERE hash <> $1",
	                         db_text("c")),
	                 2);
	migrate_again_from(&e, f->d, 16);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repo_commits WHERE repo_id = $1", r1),
	                 3);
	assert_int_equal(count(&e, "SELECT count(*) FROM dvcs_repo_commits WHERE repo_id = $1", r2),
	                 1);
	assert_int_equal(count(&e,
	                       "SELECT count(*) FROM dvcs_repo_commits WHERE repo_id = $1 AND"
	                       " provisional_at = 7",
	                       r1),
	                 1);
	assert_int_equal(count(&e,
	                       "SELECT count(*) FROM dvcs_commit_keys k JOIN dvcs_commits c ON"
	                       " c.id = k.commit_id WHERE k.issue_key = 'OPS-' || c.hash AND"
	                       " k.commit_id > $1",
	                       0),
	                 2);
	/* no key refuses a row that refers to nothing */
	int64_t none = r2 + 1000;
	assert_int_equal(
	        db_exec(e.c, "INSERT INTO dvcs_repo_commits (repo_id, commit_id) VALUES ($1, $1)",
	                db_int(none)),
	        1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES"
	                         " ('OPS-9', $1)",
	                         db_int(none)),
	                 1);
	assert_int_equal(
	        db_exec(e.c, "DELETE FROM dvcs_repo_commits WHERE repo_id = $1", db_int(none)), 1);
	assert_int_equal(
	        db_exec(e.c, "DELETE FROM dvcs_commit_keys WHERE commit_id = $1", db_int(none)), 1);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_requests_follow_the_rules),
		cmocka_unit_test(a_pending_account_keeps_secrets_sealed),
		cmocka_unit_test(defaults_and_reset_oauth),
		cmocka_unit_test(repositories_link_and_queue_their_work),
		cmocka_unit_test(deleting_an_account_queues_its_clean_up),
		cmocka_unit_test(repository_ids_are_never_used_again),
		cmocka_unit_test(the_link_tables_lose_their_keys_and_keep_their_rows),
	};
	return fixture_run_service_tests("track/dvcs/account", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
