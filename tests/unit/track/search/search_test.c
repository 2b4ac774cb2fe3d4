/* Tests of src/track/search.c on both engines: values are bound, never spliced into the SQL;
 * results are restricted to the projects the viewer may browse (and names of other projects do
 * not resolve); hostile ~ values cannot be full-text syntax; comment ~ and text ~ find a
 * restricted comment only for readers of its role; paging and counting. */
#include "../issues_env.h"
#include "../../db/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track/issue/comment.h"
#include "track/search/jql.h"
#include "track/project/project.h"
#include "track/track_perm.h"
#include "track/search/search.h"

static const int64_t now_ms = 1705320000000;

/* The keys jql finds for viewer, comma-separated (asserting success). */
static const char *keys(env *e, const track_user *viewer, const char *jql)
{
	track_search_page page;
	int rc = track_search_run(e->c, e->a, viewer, jql, 0, 100, true, now_ms, &page);
	if (rc != 0)
		fail_msg("%s: %s", jql, err_msg());
	assert_int_equal(page.total, (int64_t)page.n);
	buf b = BUF_INIT;
	for (size_t i = 0; i < page.n; i++) {
		track_issue issue;
		ok(track_issue_get(e->c, e->a, page.ids[i], &issue));
		buf_printf(&b, "%s%s", i ? "," : "", issue.key);
	}
	const char *out = arena_strdup(e->a, buf_cstr(&b));
	buf_dispose(&b);
	return out;
}

static void values_are_bound_never_spliced(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	make_project(&e, "TEST", &alice);
	const char *evil = "x'); DROP TABLE issues; --";
	jql_query *q = NULL;
	char *text = arena_printf(e.a, "summary ~ \"%s\" AND labels = \"%s\"", evil, evil);
	ok(jql_parse(&q, e.a, text));
	track_search_sql sql;
	ok(track_search_compile(e.c, e.a, &alice, q, now_ms, &sql));
	assert_null(strstr(sql.where, "DROP"));
	assert_null(strstr(sql.where, "x'"));
	bool bound = false;
	for (size_t i = 0; i < sql.nargs; i++)
		bound |= sql.args[i].type == 't' && sql.args[i].len == strlen(evil) &&
		         memcmp(sql.args[i].ptr, evil, sql.args[i].len) == 0;
	assert_true(bound);
	assert_string_equal(keys(&e, &alice, text), "");
	assert_true(scalar(&e, "SELECT count(*) FROM issues WHERE id > $1", db_int(-1)) == 0);
	end(&e);
}

static void results_respect_browse_permission(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_user bob = make_user(&e, "bob", false);
	track_user carol = make_user(&e, "carol", false);
	track_project test = make_project(&e, "TEST", &bob);
	track_project priv = make_project(&e, "PRIV", &alice);
	make_issue(&e, &test, &bob, "Disk full");
	make_issue(&e, &priv, &alice, "Disk secret");
	(void)test;
	assert_string_equal(keys(&e, &alice, "summary ~ disk ORDER BY key"), "PRIV-1,TEST-1");
	assert_string_equal(keys(&e, &bob, "summary ~ disk"), "TEST-1");
	assert_string_equal(keys(&e, &carol, "summary ~ disk"), "");
	assert_string_equal(keys(&e, NULL, ""), "");
	/* A project one may not browse does not exist for them, nor do its issues. */
	track_search_page page;
	assert_int_equal(
	        track_search_run(e.c, e.a, &bob, "project = PRIV", 0, 10, true, now_ms, &page),
	        WEFT_EINVALID);
	assert_string_equal(err_msg(), "The value 'PRIV' does not exist for the field 'project'.");
	assert_int_equal(
	        track_search_run(e.c, e.a, &bob, "key = priv-1", 0, 10, true, now_ms, &page),
	        WEFT_EINVALID);
	assert_string_equal(err_msg(),
	                    "An issue with key 'priv-1' does not exist for field 'key'.");
	assert_string_equal(keys(&e, &alice, "project = priv"), "PRIV-1");
	assert_string_equal(keys(&e, &alice, "project = \"Project PRIV\""), "PRIV-1");
	end(&e);
}

/* Whatever a ~ value holds, it is words to the full-text index, never its syntax. */
static void text_values_are_only_words(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true);
	track_project p = make_project(&e, "TEST", &alice);
	make_issue(&e, &p, &alice, "near the column filter");
	make_issue(&e, &p, &alice, "quoted \"words\" here");
	const char *hostile[] = { "near OR filter", "NEAR(a b)", "{summary} : x",
		                  "\"unbalanced",   "a AND",     "col*umn",
		                  "-filter",        "^near",     "\\\"words\\\"" };
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		track_search_page page;
		char *q = arena_printf(e.a, "text ~ '%s'", hostile[i]);
		if (track_search_run(e.c, e.a, &alice, q, 0, 10, true, now_ms, &page) != 0)
			fail_msg("%s: %s", q, err_msg());
	}
	assert_string_equal(keys(&e, &alice, "summary ~ \"near filter\""), "TEST-1");
	assert_string_equal(keys(&e, &alice, "summary ~ \"\\\"column filter\\\"\""), "TEST-1");
	assert_string_equal(keys(&e, &alice, "summary ~ \"\\\"filter column\\\"\""), "");
	assert_string_equal(keys(&e, &alice, "summary ~ \"col*\""), "TEST-1");
	assert_string_equal(keys(&e, &alice, "summary ~ words"), "TEST-2");
	track_search_page page;
	assert_int_equal(
	        track_search_run(e.c, e.a, &alice, "summary ~ '!!'", 0, 10, true, now_ms, &page),
	        WEFT_EINVALID);
	end(&e);
}

static void restricted_comments_match_for_their_readers_only(void **state)
{
	env e = begin(state);
	track_user root = make_user(&e, "root", true);
	track_user alice = make_user(&e, "alice", false);
	track_user carol = make_user(&e, "carol", false);
	track_project p = make_project(&e, "TEST", &alice); /* alice administers TEST */
	ok(track_project_role_add(e.c, p.id, carol.id, TRACK_ROLE_USERS));
	track_issue i = make_issue(&e, &p, &alice, "plain");
	track_issue j = make_issue(&e, &p, &alice, "other");
	track_comment cm;
	ok(track_comment_add(e.c, e.a, i.id, &alice, "secret quokka", TRACK_ROLE_ADMINISTRATORS,
	                     &cm));
	ok(track_comment_add(e.c, e.a, j.id, &carol, "public quokka", 0, &cm));
	assert_string_equal(keys(&e, &carol, "comment ~ quokka"), j.key);
	assert_string_equal(keys(&e, &carol, "text ~ secret"), "");
	assert_string_equal(keys(&e, &carol, "comment ~ \"secret quokka\""), "");
	assert_string_equal(keys(&e, &carol, "comment !~ secret ORDER BY key"),
	                    arena_printf(e.a, "%s,%s", i.key, j.key));
	assert_string_equal(keys(&e, &alice, "comment ~ secret"), i.key);
	assert_string_equal(keys(&e, &alice, "text ~ secret"), i.key);
	assert_string_equal(keys(&e, &root, "comment ~ quokka ORDER BY key"),
	                    arena_printf(e.a, "%s,%s", i.key, j.key));
	end(&e);
}

static void pages_and_counts(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	for (int i = 0; i < 5; i++)
		make_issue(&e, &p, &alice, "an issue");
	track_search_page page;
	ok(track_search_run(e.c, e.a, &alice, "project = TEST ORDER BY key", 1, 2, true, now_ms,
	                    &page));
	assert_int_equal(page.total, 5);
	assert_int_equal(page.n, 2);
	assert_true(page.more);
	ok(track_search_run(e.c, e.a, &alice, "project = TEST ORDER BY key", 3, 2, false, now_ms,
	                    &page));
	assert_int_equal(page.total, -1);
	assert_int_equal(page.n, 2);
	assert_false(page.more);
	/* maxResults past the cap is the cap. */
	ok(track_search_run(e.c, e.a, &alice, "", 0, 1000, false, now_ms, &page));
	assert_int_equal(page.n, 5);
	/* No ORDER BY: newest first. */
	assert_string_equal(keys(&e, &alice, "project = TEST"),
	                    "TEST-5,TEST-4,TEST-3,TEST-2,TEST-1");
	assert_string_equal(keys(&e, &alice, "key > TEST-3 ORDER BY key DESC"), "TEST-5,TEST-4");
	end(&e);
}

/* args, then extra (DB_END-terminated, at most 2), in a. */
static const db_arg *with_args(env *e, const track_search_sql *s, db_arg x, db_arg y)
{
	db_arg *args = arena_array(e->a, s->nargs + 3, sizeof *args);
	memcpy(args, s->args, s->nargs * sizeof *args);
	args[s->nargs] = x;
	args[s->nargs + 1] = y;
	args[s->nargs + 2] = DB_END;
	return args;
}

/* The searches boards and filters run most read issues by an index, as a Users-role member sees
 * them (the browse restriction included): a project and a status in an order, a project in an
 * order, the viewer's own issues, words of a summary; each page and its count, never a scan of
 * every issue. */
static void hot_searches_read_issues_by_an_index(void **state)
{
	static const char *const queries[] = {
		"project = TEST AND status = \"To Do\" ORDER BY updated DESC",
		"project = TEST ORDER BY created ASC",
		"project = TEST AND assignee = currentUser() ORDER BY priority DESC",
		"assignee = currentUser() ORDER BY updated DESC",
		"project = TEST AND summary ~ \"first\"",
		"key = TEST-1",
	};
	env e = begin(state);
	track_user alice = make_user(&e, "alice", true), bob = make_user(&e, "bob", false);
	track_project p = make_project(&e, "TEST", &alice);
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_USERS));
	make_issue(&e, &p, &alice, "a first issue");
	db_engine engine = db_engine_of(e.f->d);
	int failures = 0;
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		jql_query *q = NULL;
		track_search_sql s;
		ok(jql_parse(&q, e.a, queries[i]));
		ok(track_search_compile(e.c, e.a, &bob, q, now_ms, &s));
		const char *sql[] = { track_search_page_sql(e.a, &s),
			              track_search_count_sql(e.a, &s) };
		const db_arg *args[] = { with_args(&e, &s, db_int(51), db_int(0)),
			                 with_args(&e, &s, DB_END, DB_END) };
		for (int k = 0; k < 2; k++) {
			char *plan = NULL;
			ok(plan_explain(e.f->d, sql[k], args[k], &plan));
			if (plan_scans(engine, plan, "issues", "i")) {
				failures++;
				fprintf(stderr, "# %s (%s) scans issues:\n%s\n", queries[i],
				        k ? "count" : "page", plan);
			}
			free(plan);
		}
	}
	assert_int_equal(failures, 0);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_are_bound_never_spliced),
		cmocka_unit_test(results_respect_browse_permission),
		cmocka_unit_test(text_values_are_only_words),
		cmocka_unit_test(restricted_comments_match_for_their_readers_only),
		cmocka_unit_test(pages_and_counts),
		cmocka_unit_test(hot_searches_read_issues_by_an_index),
	};
	return fixture_run_service_tests("track/search", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
