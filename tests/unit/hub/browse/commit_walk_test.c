/* Tests of src/hub/browse/commit_walk.c on real bare repositories built with libgit2: the log
 * walk's order against git log's own, paging by cursor (frontier) and by position, ties of
 * commit time, merges, include / exclude, the path filter, an empty repository and cursor
 * parsing. No database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/err.h"
#include "hub/browse/commit.h"
#include "../history_repo.h"

#define T0 HISTORY_T0

/* What `git log --format=%H ARGS` prints for the test's repository, one hash a row of out (at
 * most max); the count. */
static size_t git_log(history_env *e, const char *args, char (*out)[41], size_t max)
{
	char cmd[512], line[128];
	snprintf(cmd, sizeof cmd, "git --git-dir='%s/r.git' log --format=%%H %s", e->dir, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = 0;
	while (fgets(line, sizeof line, p) && n < max) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(out[n++], 41, "%.40s", line);
	}
	assert_int_equal(pclose(p), 0);
	return n;
}

/* The whole walk of q in one page. */
static size_t whole(history_env *e, hub_log_query q, char (*out)[41], size_t max)
{
	hub_log_page p;
	q.limit = HUB_LOG_LIMIT_MAX;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_false(p.has_more);
	for (size_t i = 0; i < p.count && i < max; i++)
		memcpy(out[i], p.commits[i].hash, 41);
	return p.count;
}

static void assert_same(char (*a)[41], size_t na, char (*b)[41], size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

/* Follows cursors from q to the end, appending hashes to seen; returns the count. */
static size_t follow(history_env *e, hub_log_query q, char (*seen)[41], size_t max)
{
	size_t total = 0;
	for (int guard = 0; guard < 1000; guard++) {
		hub_log_page p;
		assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
		for (size_t i = 0; i < p.count && total < max; i++)
			memcpy(seen[total++], p.commits[i].hash, 41);
		if (!p.has_more)
			return total;
		assert_int_equal(hub_log_cursor_parse(&q, e->a, hub_log_cursor(e->a, &p)), 0);
	}
	fail_msg("the cursors never ended");
	return total;
}

static void test_paging(void **state)
{
	history_env *e = *state;
	char h[25][41], seen[40][41];
	history_linear(e, h, 25);
	const char *include[1] = { "main" };
	hub_log_query q = { .include = include, .ninclude = 1, .limit = 10 };
	hub_log_page p;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_int_equal(p.count, 10);
	assert_true(p.has_more);
	assert_int_equal(p.next_skip, 10);
	/* A linear history carries its one pending commit in the cursor. */
	assert_int_equal(p.next_nfrontier, 1);
	assert_memory_equal(hub_log_cursor(e->a, &p), "f10-", 4);
	assert_int_equal(follow(e, q, seen, 40), 25);
	for (int i = 0; i < 25; i++)
		assert_string_equal(seen[i], h[24 - i]);
	/* By position, the same pages. */
	q.skip = 20;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_int_equal(p.count, 5);
	assert_false(p.has_more);
	assert_string_equal(p.commits[0].hash, h[4]);
	q.skip = 100;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_int_equal(p.count, 0);
	q.skip = 0;
	q.limit = 0;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), WEFT_EINVALID);
}

/* main: r - a1 - a2 - M(a2, b2); feature: r - b1 - b2 - b3, all at the same second, so
 * that only the order met breaks ties. */
static void test_ties_and_merges(void **state)
{
	history_env *e = *state;
	char r[41], a1[41], a2[41], b1[41], b2[41], b3[41], m[41];
	const char *p0[1] = { r };
	assert_int_equal(history_commit(e, r, "refs/heads/main", NULL, 0, "f", "r", T0, "r"), 0);
	assert_int_equal(history_commit(e, a1, NULL, p0, 1, "a", "1", T0, "a1"), 0);
	assert_int_equal(history_commit(e, b1, NULL, p0, 1, "b", "1", T0, "b1"), 0);
	const char *pa1[1] = { a1 }, *pb1[1] = { b1 };
	assert_int_equal(history_commit(e, a2, NULL, pa1, 1, "a", "2", T0, "a2"), 0);
	assert_int_equal(history_commit(e, b2, NULL, pb1, 1, "b", "2", T0, "b2"), 0);
	const char *pm[2] = { a2, b2 }, *pb2[1] = { b2 };
	assert_int_equal(history_commit(e, m, NULL, pm, 2, "a", "2", T0, "merge"), 0);
	assert_int_equal(history_commit(e, b3, NULL, pb2, 1, "b", "3", T0, "b3"), 0);
	assert_int_equal(history_set_ref(e, "refs/heads/main", m), 0);
	assert_int_equal(history_set_ref(e, "refs/heads/feature", b3), 0);

	/* The whole walk of every ref at once, then one commit a page: the same, no repeats. */
	hub_log_query all = { .limit = 100 };
	hub_log_page whole;
	assert_int_equal(hub_commit_log(&whole, e->a, e->repo, &all), 0);
	assert_int_equal(whole.count, 7);
	char seen[10][41];
	all.limit = 1;
	assert_int_equal(follow(e, all, seen, 10), 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(seen[i], whole.commits[i].hash);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	/* With ties at a page's end the cursor goes by position. */
	all.limit = 2;
	hub_log_page p;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &all), 0);
	assert_int_equal(p.next_nfrontier, 0);
	assert_string_equal(hub_log_cursor(e->a, &p), "c2");
}

static void test_include_exclude(void **state)
{
	history_env *e = *state;
	char h[4][41], f1[41], f2[41];
	history_linear(e, h, 4);
	const char *p1[1] = { h[1] };
	assert_int_equal(history_commit(e, f1, NULL, p1, 1, "f", "1", T0 + 1000, "f1"), 0);
	const char *pf1[1] = { f1 };
	assert_int_equal(history_commit(e, f2, NULL, pf1, 1, "f", "2", T0 + 1100, "f2"), 0);
	assert_int_equal(history_set_ref(e, "refs/heads/feature/x", f2), 0);

	const char *inc[1] = { "feature/x" }, *exc[1] = { "main" };
	hub_log_query q = {
		.include = inc, .ninclude = 1, .exclude = exc, .nexclude = 1, .limit = 10
	};
	hub_log_page p;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_int_equal(p.count, 2);
	assert_string_equal(p.commits[0].hash, f2);
	assert_string_equal(p.commits[1].hash, f1);
	assert_false(p.has_more);
	/* The other way round: main's own commits. */
	const char *inc2[1] = { "main" }, *exc2[1] = { f2 };
	hub_log_query q2 = {
		.include = inc2, .ninclude = 1, .exclude = exc2, .nexclude = 1, .limit = 1
	};
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q2), 0);
	assert_int_equal(p.count, 1);
	assert_string_equal(p.commits[0].hash, h[3]);
	assert_true(p.has_more);
	assert_string_equal(hub_log_cursor(e->a, &p), "c1"); /* exclusions page by position */
	q2.skip = 1;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q2), 0);
	assert_string_equal(p.commits[0].hash, h[2]);
	assert_false(p.has_more);
	/* Two includes: the union, newest first. */
	const char *both[2] = { "main", "feature/x" };
	hub_log_query q3 = { .include = both, .ninclude = 2, .limit = 10 };
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q3), 0);
	assert_int_equal(p.count, 6);
	assert_string_equal(p.commits[0].hash, f2);
	/* Errors: unknown revisions, a frontier with exclude. */
	const char *bad[1] = { "nope" };
	q3.include = bad;
	q3.ninclude = 1;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q3), WEFT_ENOTFOUND);
	q.exclude = bad;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), WEFT_ENOTFOUND);
	git_oid id;
	git_oid_fromstr(&id, h[0]);
	q2.frontier = &id;
	q2.nfrontier = 1;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q2), WEFT_EINVALID);
}

static void test_path(void **state)
{
	history_env *e = *state;
	char h[6][41];
	history_linear(e, h, 6); /* odd commits change odd.txt, even ones even.txt */
	const char *include[1] = { "main" };
	hub_log_query q = { .include = include, .ninclude = 1, .path = "odd.txt", .limit = 10 };
	hub_log_page p;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_int_equal(p.count, 3);
	assert_string_equal(p.commits[0].hash, h[5]);
	assert_string_equal(p.commits[1].hash, h[3]);
	assert_string_equal(p.commits[2].hash, h[1]);
	q.path = "even.txt";
	q.limit = 2;
	char seen[10][41];
	assert_int_equal(follow(e, q, seen, 10), 3);
	assert_string_equal(seen[2], h[0]); /* the root commit added it */
	q.path = "missing";
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), 0);
	assert_int_equal(p.count, 0);
}

static void test_cursor_parse(void **state)
{
	history_env *e = *state;
	hub_log_query q = { 0 };
	assert_int_equal(hub_log_cursor_parse(&q, e->a, "c42"), 0);
	assert_int_equal(q.skip, 42);
	assert_int_equal(q.nfrontier, 0);
	const char *ok = "f7-0123456789abcdef0123456789abcdef01234567";
	assert_int_equal(hub_log_cursor_parse(&q, e->a, ok), 0);
	assert_int_equal(q.skip, 7);
	assert_int_equal(q.nfrontier, 1);
	hub_log_page p = { .next_skip = 7,
		           .next_frontier = (git_oid *)q.frontier,
		           .next_nfrontier = 1 };
	assert_string_equal(hub_log_cursor(e->a, &p), ok);
	static const char *const bad[] = {
		"",
		"c",
		"c-1",
		"c1x",
		"x1",
		"f1",
		"f1-",
		"f1-0123",
		"c1234567890123456",
		"f1-0123456789abcdef0123456789abcdef0123456z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(hub_log_cursor_parse(&q, e->a, bad[i]), WEFT_EINVALID);
}

/* main and feature grow side by side, one minute apart, and meet in two merges; v1 tags an old
 * commit. Returns main's tip in tip. */
static void two_branches(history_env *e, char tip[41])
{
	char r[41], m1[41], f1[41], m2[41], f2[41], x1[41], f3[41], m3[41], x2[41];
	assert_int_equal(history_commit(e, r, NULL, NULL, 0, "a", "r\n", T0, "root"), 0);
	const char *pr[1] = { r };
	assert_int_equal(history_commit(e, m1, NULL, pr, 1, "a", "m1\n", T0 + 60, "m1"), 0);
	assert_int_equal(history_commit(e, f1, NULL, pr, 1, "b", "f1\n", T0 + 120, "f1"), 0);
	const char *pm1[1] = { m1 }, *pf1[1] = { f1 };
	assert_int_equal(history_commit(e, m2, NULL, pm1, 1, "a", "m2\n", T0 + 180, "m2"), 0);
	assert_int_equal(history_commit(e, f2, NULL, pf1, 1, "b", "f2\n", T0 + 240, "f2"), 0);
	const char *px1[2] = { m2, f2 };
	assert_int_equal(history_commit(e, x1, NULL, px1, 2, "b", "f2\n", T0 + 300, "merge 1"), 0);
	const char *pf2[1] = { f2 };
	assert_int_equal(history_commit(e, f3, NULL, pf2, 1, "b", "f3\n", T0 + 360, "f3"), 0);
	const char *px2[2] = { x1, f3 };
	assert_int_equal(history_commit(e, m3, NULL, px2, 2, "b", "f3\n", T0 + 420, "merge 2"), 0);
	const char *pm3[1] = { m3 };
	assert_int_equal(history_commit(e, x2, NULL, pm3, 1, "a", "x2\n", T0 + 480, "x2"), 0);
	assert_int_equal(history_set_ref(e, "refs/heads/main", x2), 0);
	assert_int_equal(history_set_ref(e, "refs/heads/feature", f3), 0);
	assert_int_equal(history_set_ref(e, "refs/tags/v1", m1), 0);
	memcpy(tip, x2, 41);
}

/* The walk gives git log's order, for every ref, one branch, and a branch less another; its
 * pages, of any size, put together give the same. */
static void test_order_is_git_logs(void **state)
{
	history_env *e = *state;
	char tip[41], want[20][41], got[20][41];
	two_branches(e, tip);
	hub_log_query all = { 0 };
	size_t n = git_log(e, "--all", want, 20);
	assert_int_equal(n, 9);
	assert_same(got, whole(e, all, got, 20), want, n);
	for (size_t limit = 1; limit <= 4; limit++) {
		all.limit = limit;
		assert_same(got, follow(e, all, got, 20), want, n);
	}
	const char *main_only[1] = { "main" };
	hub_log_query q = { .include = main_only, .ninclude = 1 };
	n = git_log(e, "main", want, 20);
	assert_same(got, whole(e, q, got, 20), want, n);
	const char *feature[1] = { "feature" }, *not_main[1] = { "v1" };
	hub_log_query q2 = {
		.include = feature, .ninclude = 1, .exclude = not_main, .nexclude = 1
	};
	n = git_log(e, "feature ^v1", want, 20);
	assert_int_equal(n, 3); /* f3 f2 f1: v1 hides the root */
	assert_same(got, whole(e, q2, got, 20), want, n);
	q2.limit = 1;
	assert_same(got, follow(e, q2, got, 20), want, n);
}

/* A merge that takes one side's version of a file did not change it; one that writes a third
 * version did. Every commit that changed the file is found, on either side. */
static void test_path_through_merges(void **state)
{
	history_env *e = *state;
	char r[41], a[41], s[41], m1[41], b[41], m2[41];
	assert_int_equal(history_commit(e, r, NULL, NULL, 0, "f", "0\n", T0, "root"), 0);
	const char *pr[1] = { r };
	assert_int_equal(history_commit(e, a, NULL, pr, 1, "g", "a\n", T0 + 60, "a: g only"), 0);
	assert_int_equal(history_commit(e, s, NULL, pr, 1, "f", "s\n", T0 + 120, "s: f"), 0);
	const char *pm1[2] = { a, s };
	assert_int_equal(history_commit(e, m1, NULL, pm1, 2, "f", "s\n", T0 + 180, "take s"), 0);
	assert_int_equal(history_commit(e, b, NULL, pr, 1, "f", "b\n", T0 + 240, "b: f"), 0);
	const char *pm2[2] = { m1, b };
	assert_int_equal(history_commit(e, m2, NULL, pm2, 2, "f", "both\n", T0 + 300, "resolve"),
	                 0);
	assert_int_equal(history_set_ref(e, "refs/heads/main", m2), 0);
	const char *main_only[1] = { "main" };
	hub_log_query q = { .include = main_only, .ninclude = 1, .path = "f" };
	char got[10][41];
	size_t n = whole(e, q, got, 10);
	assert_int_equal(n, 4);
	assert_string_equal(got[0], m2); /* a third version */
	assert_string_equal(got[1], b);
	assert_string_equal(got[2], s); /* m1 took it unchanged; a never touched it */
	assert_string_equal(got[3], r);
	q.limit = 1;
	char paged[10][41];
	assert_same(paged, follow(e, q, paged, 10), got, n);
	q.path = "g";
	assert_int_equal(whole(e, q, got, 10), 1);
	assert_string_equal(got[0], a);
}

/* More pending branches than a cursor carries: the pages go on by position, and still give
 * git log's order. */
static void test_wide_walks_page_by_position(void **state)
{
	history_env *e = *state;
	char r[41], tips[HUB_LOG_FRONTIER_MAX + 4][41], want[40][41], got[40][41];
	assert_int_equal(history_commit(e, r, "refs/heads/main", NULL, 0, "f", "r\n", T0, "root"),
	                 0);
	const char *pr[1] = { r };
	for (int i = 0; i < HUB_LOG_FRONTIER_MAX + 4; i++) {
		char ref[32], content[16];
		snprintf(ref, sizeof ref, "refs/heads/b%02d", i);
		snprintf(content, sizeof content, "%d\n", i);
		assert_int_equal(
		        history_commit(e, tips[i], ref, pr, 1, "f", content, T0 + 60 + i, ref), 0);
	}
	hub_log_query all = { .limit = 2 };
	hub_log_page p;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &all), 0);
	assert_true(p.has_more);
	assert_int_equal(p.next_nfrontier, 0);
	assert_string_equal(hub_log_cursor(e->a, &p), "c2");
	size_t n = git_log(e, "--all", want, 40);
	assert_int_equal(n, HUB_LOG_FRONTIER_MAX + 5);
	assert_same(got, follow(e, all, got, 40), want, n);
}

/* An empty repository has an empty walk; a revision it lacks is not found. */
static void test_empty_repository(void **state)
{
	history_env *e = *state;
	hub_log_query all = { .limit = 10 };
	hub_log_page p;
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &all), 0);
	assert_int_equal(p.count, 0);
	assert_false(p.has_more);
	const char *main_only[1] = { "main" };
	hub_log_query q = { .include = main_only, .ninclude = 1, .limit = 10 };
	assert_int_equal(hub_commit_log(&p, e->a, e->repo, &q), WEFT_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paging, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_ties_and_merges, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_include_exclude, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_path, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_cursor_parse, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_order_is_git_logs, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_path_through_merges, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_wide_walks_page_by_position, history_setup,
		                                history_teardown),
		cmocka_unit_test_setup_teardown(test_empty_repository, history_setup,
		                                history_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
