/* Tests of src/track/dvcs/panel.c on both engines, against rows a sync would have written: every
 * key the issue ever had counts (after a move too); unlinked and deleted repositories are hidden;
 * a commit reached by two keys or held by two repositories counts once; lists are newest first
 * and paged, not cut; the pull-request badge is OPEN > MERGED > DECLINED; builds come through
 * their commit's keys; the statement count does not grow with the number of repositories; links
 * to the host are URL-encoded. */
#include "../issues_env.h"
#include "../../db/plan.h"

#include <stdio.h>
#include <stdlib.h>

#include "track/dvcs/panel.h"

static const int64_t t0 = 1705320000000;

/* A statement run through db_exec succeeded (it gives a row count, or an error). */
#define exec_ok(expr) ok((expr) < 0 ? -1 : 0)

static int64_t insert_id(env *e, const char *sql, db_arg a1, db_arg a2, db_arg a3, db_arg a4)
{
	db_stmt *st;
	int64_t id = 0;
	int rc = db_query(&st, e->c, sql, a1, a2, a3, a4);
	if (rc == 0 && (rc = db_step(st)) == DB_ROW)
		id = db_col_int(st, 0);
	db_done(st);
	if (id == 0)
		fail_msg("%s: %s", sql, err_msg());
	return id;
}

static int64_t account(env *e, const char *site, const char *name)
{
	return insert_id(
	        e,
	        "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key,"
	        " oauth_secret, status, created_at, updated_at) VALUES ('weft', $1, $2, $3,"
	        " 'key', 'sealed', $4, 0, 0) RETURNING id",
	        db_text(site), db_text(arena_printf(e->a, "%s/2.0", site)), db_text(name),
	        db_text("ok"));
}

/* A repository of account: linked unless told, deleted when told. */
static int64_t repo(env *e, int64_t account_id, const char *slug, bool linked, bool deleted)
{
	return insert_id(
	        e,
	        "INSERT INTO dvcs_repos (account_id, slug, name, linked, deleted, created_at,"
	        " updated_at) VALUES ($1, $2, $2, $3, $4, 0, 0) RETURNING id",
	        db_int(account_id), db_text(slug), db_int(linked), db_int(deleted));
}

/* A commit with hash, authored at t0 + at seconds, naming key (may be NULL), held by repo_id. */
static int64_t commit(env *e, int64_t repo_id, const char *hash, int64_t at, const char *key)
{
	int64_t id;
	if (db_query_int(&id, e->c, "SELECT id FROM dvcs_commits WHERE hash = $1", db_text(hash)) <
	    0)
		fail_msg("%s", err_msg());
	if (!id)
		id = insert_id(
		        e,
		        "INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at,"
		        " message, file_count) VALUES ($1, 'Ann', 'ann@example.com', $2, $3, $4)"
		        " RETURNING id",
		        db_text(hash), db_int(t0 + at * 1000),
		        db_text(arena_printf(e->a, "<b>%s</b> work", key ? key : "no key")),
		        db_int(3));
	exec_ok(db_exec(
	        e->c,
	        "INSERT INTO dvcs_repo_commits (repo_id, commit_id) VALUES ($1, $2) ON CONFLICT"
	        " DO NOTHING",
	        db_int(repo_id), db_int(id)));
	if (key)
		exec_ok(db_exec(
		        e->c,
		        "INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES ($1, $2) ON"
		        " CONFLICT DO NOTHING",
		        db_text(key), db_int(id)));
	return id;
}

static void pull(env *e, int64_t repo_id, int64_t number, const char *state, const char *key)
{
	int64_t id = insert_id(
	        e,
	        "INSERT INTO dvcs_pulls (repo_id, number, title, state, author_name, source_branch,"
	        " destination_branch, reviewers, url, created_at, updated_at) VALUES ($1, $2, 'A"
	        " change', $3, 'Ann', 'feature/x', 'main', '[{\"name\": \"Bo\", \"approved\": "
	        "true},"
	        " {\"bad\": 1}]', 'https://host/pr', 0, $4) RETURNING id",
	        db_int(repo_id), db_int(number), db_text(state), db_int(t0 + number));
	exec_ok(db_exec(e->c, "INSERT INTO dvcs_pull_keys (issue_key, pull_id) VALUES ($1, $2)",
	                db_text(key), db_int(id)));
}

static void branch(env *e, int64_t repo_id, const char *name, const char *head, const char *key)
{
	int64_t id = insert_id(e,
	                       "INSERT INTO dvcs_branches (repo_id, name, head, updated_at) VALUES"
	                       " ($1, $2, $3, $4) RETURNING id",
	                       db_int(repo_id), db_text(name), db_text(head), db_int(t0));
	exec_ok(db_exec(e->c, "INSERT INTO dvcs_branch_keys (issue_key, branch_id) VALUES ($1, $2)",
	                db_text(key), db_int(id)));
}

static void build(env *e, int64_t repo_id, const char *hash, const char *key, const char *state)
{
	exec_ok(db_exec(
	        e->c,
	        "INSERT INTO dvcs_builds (repo_id, commit_hash, key, name, state, url, updated_at)"
	        " VALUES ($1, $2, $3, $3, $4, 'https://ci/1', $5)",
	        db_int(repo_id), db_text(hash), db_text(key), db_text(state), db_int(t0)));
}

static dvcs_panel_summary summary(env *e, int64_t issue_id)
{
	dvcs_panel_summary s;
	ok(dvcs_panel_summary_get(e->c, issue_id, &s));
	return s;
}

static dvcs_panel_page page(env *e, int64_t issue_id, dvcs_panel_kind kind, int64_t start,
                            int64_t max)
{
	dvcs_panel_page p;
	ok(dvcs_panel_page_get(e->c, e->a, issue_id, kind, start, max, &p));
	return p;
}

static void old_keys_count_after_a_move(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project a = make_project(&e, "OLD", &alice);
	track_project b = make_project(&e, "NEW", &alice);
	track_issue i = make_issue(&e, &a, &alice, "moving");
	track_issue other = make_issue(&e, &a, &alice, "another");
	int64_t r = repo(&e, account(&e, "http://hub", "team"), "app", true, false);
	commit(&e, r, "aaaa0001", 1, "OLD-1");
	commit(&e, r, "aaaa0009", 9, "OLD-2"); /* the other issue's */
	const char *key = NULL;
	ok(track_issue_move(e.c, e.a, i.id, b.id, alice.id, &key));
	assert_string_equal(key, "NEW-1");
	commit(&e, r, "aaaa0002", 2, "NEW-1");
	/* one commit naming both keys of the issue counts once */
	int64_t both = commit(&e, r, "aaaa0003", 3, "OLD-1");
	exec_ok(db_exec(e.c,
	                "INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES ('NEW-1', $1)",
	                db_int(both)));
	dvcs_panel_summary s = summary(&e, i.id);
	assert_int_equal(s.commits, 3);
	assert_int_equal(s.commit_repos, 1);
	assert_int_equal(s.commits_latest, t0 + 3000);
	dvcs_panel_page p = page(&e, i.id, DVCS_PANEL_COMMITS, 0, 10);
	assert_int_equal(p.total, 3);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.commits[0].hash, "aaaa0003");
	assert_string_equal(p.commits[2].hash, "aaaa0001");
	assert_string_equal(p.commits[0].message, "<b>OLD-1</b> work");
	assert_int_equal(p.commits[0].file_count, 3);
	assert_int_equal(summary(&e, other.id).commits, 1);
	end(&e);
}

static void unlinked_and_deleted_repositories_are_hidden(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project proj = make_project(&e, "PROJ", &alice);
	track_issue i = make_issue(&e, &proj, &alice, "hidden things");
	int64_t acc = account(&e, "http://hub", "team");
	int64_t linked = repo(&e, acc, "shown", true, false);
	int64_t unlinked = repo(&e, acc, "unlinked", false, false);
	int64_t gone = repo(&e, acc, "gone", true, true);
	commit(&e, unlinked, "bbbb0001", 1, "PROJ-1");
	commit(&e, gone, "bbbb0002", 2, "PROJ-1");
	/* a fork: the same commit in a hidden and a shown repository */
	commit(&e, gone, "bbbb0003", 3, "PROJ-1");
	commit(&e, linked, "bbbb0003", 3, "PROJ-1");
	branch(&e, unlinked, "feature/PROJ-1", "bbbb0001", "PROJ-1");
	branch(&e, linked, "feature/PROJ-1-x", "bbbb0003", "PROJ-1");
	pull(&e, gone, 1, "OPEN", "PROJ-1");
	build(&e, unlinked, "bbbb0003", "ci", "FAILED");
	build(&e, linked, "bbbb0003", "ci", "SUCCESSFUL");
	dvcs_panel_summary s = summary(&e, i.id);
	assert_int_equal(s.commits, 1);
	assert_int_equal(s.branches, 1);
	assert_int_equal(s.pulls, 0);
	assert_null(dvcs_panel_pull_badge(&s));
	assert_int_equal(s.builds, 1);
	assert_int_equal(s.builds_successful, 1);
	dvcs_panel_page p = page(&e, i.id, DVCS_PANEL_COMMITS, 0, 10);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.commits[0].repo.slug, "shown");
	p = page(&e, i.id, DVCS_PANEL_BRANCHES, 0, 10);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.branches[0].name, "feature/PROJ-1-x");
	assert_true(p.branches[0].has_head_commit);
	assert_string_equal(p.branches[0].head_message, "<b>PROJ-1</b> work");
	assert_int_equal(page(&e, i.id, DVCS_PANEL_PULLS, 0, 10).n, 0);
	p = page(&e, i.id, DVCS_PANEL_BUILDS, 0, 10);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.builds[0].state, "SUCCESSFUL");
	end(&e);
}

static void lists_are_newest_first_and_paged(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project proj = make_project(&e, "PROJ", &alice);
	track_issue i = make_issue(&e, &proj, &alice, "busy");
	int64_t r = repo(&e, account(&e, "http://hub", "team"), "app", true, false);
	for (int k = 0; k < 120; k++)
		commit(&e, r, arena_printf(e.a, "c%07d", k), k, "PROJ-1");
	dvcs_panel_page p = page(&e, i.id, DVCS_PANEL_COMMITS, 0, 50);
	assert_int_equal(p.total, 120);
	assert_int_equal(p.n, 50);
	assert_string_equal(p.commits[0].hash, "c0000119");
	assert_string_equal(p.commits[49].hash, "c0000070");
	p = page(&e, i.id, DVCS_PANEL_COMMITS, 100, 50);
	assert_int_equal(p.n, 20);
	assert_int_equal(p.total, 120);
	assert_string_equal(p.commits[19].hash, "c0000000");
	p = page(&e, i.id, DVCS_PANEL_COMMITS, 500, 50);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.total, 120);
	assert_int_equal(dvcs_panel_page_get(e.c, e.a, i.id, DVCS_PANEL_COMMITS, 0,
	                                     DVCS_PANEL_PAGE_MAX + 1, &p),
	                 WEFT_EINVALID);
	assert_int_equal(dvcs_panel_page_get(e.c, e.a, i.id, DVCS_PANEL_COMMITS, -1, 5, &p),
	                 WEFT_EINVALID);
	end(&e);
}

static void the_badge_is_open_then_merged_then_declined(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project proj = make_project(&e, "PROJ", &alice);
	track_issue i = make_issue(&e, &proj, &alice, "reviewed");
	int64_t r = repo(&e, account(&e, "http://hub", "team"), "app", true, false);
	pull(&e, r, 1, "DECLINED", "PROJ-1");
	pull(&e, r, 2, "SUPERSEDED", "PROJ-1");
	dvcs_panel_summary s = summary(&e, i.id);
	assert_string_equal(dvcs_panel_pull_badge(&s), "DECLINED");
	assert_int_equal(s.pulls_declined, 2);
	pull(&e, r, 3, "MERGED", "PROJ-1");
	s = summary(&e, i.id);
	assert_string_equal(dvcs_panel_pull_badge(&s), "MERGED");
	pull(&e, r, 4, "OPEN", "PROJ-1");
	s = summary(&e, i.id);
	assert_string_equal(dvcs_panel_pull_badge(&s), "OPEN");
	assert_int_equal(s.pulls, 4);
	assert_int_equal(s.pulls_open, 1);
	assert_int_equal(s.pulls_merged, 1);
	assert_int_equal(s.pulls_updated, t0 + 4);
	dvcs_panel_page p = page(&e, i.id, DVCS_PANEL_PULLS, 0, 10);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.pulls[0].number, 4);
	json_t *reviewers = dvcs_panel_reviewers_json(p.pulls[0].reviewers);
	assert_int_equal(json_array_size(reviewers), 1);
	assert_true(json_is_true(json_object_get(json_array_get(reviewers, 0), "approved")));
	json_decref(reviewers);
	reviewers = dvcs_panel_reviewers_json("{not json");
	assert_int_equal(json_array_size(reviewers), 0);
	json_decref(reviewers);
	end(&e);
}

static void builds_come_through_their_commit(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project proj = make_project(&e, "PROJ", &alice);
	track_issue i = make_issue(&e, &proj, &alice, "built");
	int64_t r = repo(&e, account(&e, "http://hub", "team"), "app", true, false);
	commit(&e, r, "dddd0001", 1, "PROJ-1");
	commit(&e, r, "dddd0002", 2, NULL);
	build(&e, r, "dddd0001", "unit", "SUCCESSFUL");
	build(&e, r, "dddd0001", "lint", "FAILED");
	build(&e, r, "dddd0001", "e2e", "INPROGRESS");
	build(&e, r, "dddd0001", "old", "STOPPED");
	build(&e, r, "dddd0002", "unit", "FAILED"); /* a commit naming no key */
	dvcs_panel_summary s = summary(&e, i.id);
	assert_int_equal(s.builds, 4);
	assert_int_equal(s.builds_successful, 1);
	assert_int_equal(s.builds_failed, 1);
	assert_int_equal(s.builds_in_progress, 1);
	assert_int_equal(s.builds_stopped, 1);
	end(&e);
}

/* Everything on the panel, and how many statements it took. */
static uint64_t statements_for_everything(env *e, int64_t issue_id)
{
	uint64_t before = db_statements_run();
	summary(e, issue_id);
	for (int kind = DVCS_PANEL_COMMITS; kind <= DVCS_PANEL_BUILDS; kind++)
		page(e, issue_id, (dvcs_panel_kind)kind, 0, 100);
	dvcs_panel_host *hosts;
	size_t n;
	ok(dvcs_panel_hosts(e->c, e->a, &hosts, &n));
	return db_statements_run() - before;
}

/* n repositories, each with a commit, a branch, a pull request and a build for PROJ-issue. */
/* A commit a push webhook stored (provisional.h) is counted and listed, marked as such, as is a
 * branch whose head it is; the flag goes once the sync confirms it. */
static void provisional_commits_are_marked(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project proj = make_project(&e, "PROJ", &alice);
	track_issue i = make_issue(&e, &proj, &alice, "pushed");
	int64_t r = repo(&e, account(&e, "http://hub", "team"), "app", true, false);
	commit(&e, r, "aaaa0001", 1, "PROJ-1");
	int64_t pushed = commit(&e, r, "aaaa0002", 2, "PROJ-1");
	exec_ok(db_exec(e.c,
	                "UPDATE dvcs_commits SET provisional = 1, file_count = 0 WHERE id = $1",
	                db_int(pushed)));
	branch(&e, r, "feature/PROJ-1", "aaaa0002", "PROJ-1");
	dvcs_panel_summary s = summary(&e, i.id);
	assert_int_equal(s.commits, 2);
	assert_int_equal(s.commits_provisional, 1);
	dvcs_panel_page p = page(&e, i.id, DVCS_PANEL_COMMITS, 0, 10);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.commits[0].hash, "aaaa0002");
	assert_true(p.commits[0].provisional);
	assert_false(p.commits[1].provisional);
	dvcs_panel_page b = page(&e, i.id, DVCS_PANEL_BRANCHES, 0, 10);
	assert_int_equal(b.n, 1);
	assert_true(b.branches[0].head_provisional);
	exec_ok(db_exec(e.c,
	                "UPDATE dvcs_commits SET provisional = 0, file_count = 4 WHERE id = $1",
	                db_int(pushed)));
	assert_int_equal(summary(&e, i.id).commits_provisional, 0);
	p = page(&e, i.id, DVCS_PANEL_COMMITS, 0, 10);
	assert_false(p.commits[0].provisional);
	assert_int_equal(p.commits[0].file_count, 4);
	end(&e);
}

static void fill_repositories(env *e, int64_t acc, int first, int n, const char *key)
{
	for (int k = first; k < first + n; k++) {
		int64_t r = repo(e, acc, arena_printf(e->a, "repo%d", k), true, false);
		const char *hash = arena_printf(e->a, "e%07d", k);
		commit(e, r, hash, k, key);
		branch(e, r, arena_printf(e->a, "%s-b", key), hash, key);
		pull(e, r, k + 1, "OPEN", key);
		build(e, r, hash, "ci", "SUCCESSFUL");
	}
}

static void statements_do_not_grow_with_repositories(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project proj = make_project(&e, "PROJ", &alice);
	track_issue one = make_issue(&e, &proj, &alice, "one repository");
	track_issue twenty = make_issue(&e, &proj, &alice, "twenty repositories");
	int64_t acc = account(&e, "http://hub", "team");
	fill_repositories(&e, acc, 0, 1, "PROJ-1");
	fill_repositories(&e, acc, 1, 20, "PROJ-2");
	assert_int_equal(summary(&e, twenty.id).commit_repos, 20);
	assert_int_equal(page(&e, twenty.id, DVCS_PANEL_BUILDS, 0, 100).n, 20);
	uint64_t for_one = statements_for_everything(&e, one.id);
	uint64_t for_twenty = statements_for_everything(&e, twenty.id);
	assert_int_equal(for_one, for_twenty);
	assert_int_equal(for_one, 9);
	end(&e);
}

static void links_to_the_host_are_encoded(void **state)
{
	env e = begin(state);
	dvcs_panel_repo r = { .site_url = "https://hub.example",
		              .account = "my team",
		              .slug = "app" };
	assert_string_equal(dvcs_panel_repo_url(e.a, &r), "https://hub.example/my%20team/app");
	assert_string_equal(dvcs_panel_commit_url(e.a, &r, "abc123"),
	                    "https://hub.example/my%20team/app/commits/abc123");
	assert_string_equal(dvcs_panel_new_pull_url(e.a, &r, "feature/A&B"),
	                    "https://hub.example/my%20team/app/pull-requests/new?source="
	                    "feature%2FA%26B");
	assert_string_equal(dvcs_panel_branch_url(e.a, &r, "feature/x"),
	                    "https://hub.example/my%20team/app/branch/feature%2Fx");
	assert_string_equal(
	        dvcs_panel_create_branch_url(e.a, "https://hub.example", "PROJ-12", "Bug",
	                                     "Fix <it> & \"go\"?"),
	        "https://hub.example/branch/create?issueKey=PROJ-12&issueType=Bug&issueSummary="
	        "Fix%20%3Cit%3E%20%26%20%22go%22%3F");
	end(&e);
}

static void hosts_are_the_consented_accounts(void **state)
{
	env e = begin(state);
	account(&e, "http://hub", "team");
	exec_ok(db_exec(
	        e.c,
	        "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key,"
	        " oauth_secret, status, created_at, updated_at) VALUES ('bitbucket',"
	        " 'https://bitbucket.org', 'https://api.bitbucket.org/2.0', 'waiting', 'k', 's',"
	        " 'pending', 0, 0)",
	        DB_END));
	dvcs_panel_host *hosts;
	size_t n;
	ok(dvcs_panel_hosts(e.c, e.a, &hosts, &n));
	assert_int_equal(n, 1);
	assert_string_equal(hosts[0].account, "team");
	assert_int_equal(hosts[0].host_kind, DVCS_HOST_WEFT);
	end(&e);
}

/* Every statement of the panel reaches the connector's big tables by an index, starting from the
 * issue's keys: no scan of commits, their links to repositories and keys, branches, pull
 * requests, builds or issue keys (repositories and accounts are few, and may be read whole). */
static void statements_read_the_big_tables_by_an_index(void **state)
{
	static const struct {
		const char *table, *alias;
	} big[] = {
		{ "dvcs_commits", "c" },      { "dvcs_commits", "kc" },
		{ "dvcs_commits", "hc" },     { "dvcs_repo_commits", "rc" },
		{ "dvcs_commit_keys", "ck" }, { "dvcs_branches", "b" },
		{ "dvcs_branch_keys", "bk" }, { "dvcs_pulls", "p" },
		{ "dvcs_pull_keys", "pk" },   { "dvcs_builds", "bd" },
		{ "issue_keys", "ik" },
	};
	env e = begin(state);
	db_engine engine = db_engine_of(e.f->d);
	const db_arg counts[] = { db_int(1), DB_END };
	const db_arg lists[] = { db_int(1), db_int(51), db_int(0), DB_END };
	int failures = 0, n = 0;
	for (const char *const *sql = dvcs_panel_statements; *sql; sql++, n++) {
		char *plan = NULL;
		ok(plan_explain(e.f->d, *sql, n < 4 ? counts : lists, &plan));
		for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
			if (plan_scans(engine, plan, big[i].table, big[i].alias)) {
				failures++;
				fprintf(stderr, "# statement %d scans %s:\n%s\n", n, big[i].table,
				        plan);
			}
		free(plan);
	}
	assert_int_equal(n, 8);
	assert_int_equal(failures, 0);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_keys_count_after_a_move),
		cmocka_unit_test(unlinked_and_deleted_repositories_are_hidden),
		cmocka_unit_test(lists_are_newest_first_and_paged),
		cmocka_unit_test(the_badge_is_open_then_merged_then_declined),
		cmocka_unit_test(builds_come_through_their_commit),
		cmocka_unit_test(provisional_commits_are_marked),
		cmocka_unit_test(statements_do_not_grow_with_repositories),
		cmocka_unit_test(links_to_the_host_are_encoded),
		cmocka_unit_test(hosts_are_the_consented_accounts),
		cmocka_unit_test(statements_read_the_big_tables_by_an_index),
	};
	return fixture_run_service_tests("track/dvcs/panel", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
