/* Tests of src/track/link/link.c and remote.c on both engines: the seeded types and their
 * phrases; links need browse on both issues and Link issues on the from issue, are made once,
 * recorded in both histories, read only where both issues are visible and go with an issue;
 * the batched reader; remote links' checks and the upsert by global id. */
#include "../issues_env.h"

#include <string.h>

#include "base/err.h"
#include "track/link/link.h"
#include "track/link/remote.h"
#include "track/project/project.h"
#include "track/track_perm.h"

static void types_are_seeded_and_found_by_phrase(void **state)
{
	env e = begin(state);
	track_link_type *types = NULL;
	size_t n = 0;
	ok(track_link_types(e.c, e.a, &types, &n));
	assert_int_equal(n, 4);
	assert_string_equal(types[0].name, "Blocks");
	assert_string_equal(types[3].inward, "relates to");
	track_link_type t;
	bool outward = false;
	ok(track_link_type_of_phrase(e.c, e.a, "IS BLOCKED BY", &t, &outward));
	assert_int_equal(t.id, 10000);
	assert_false(outward);
	ok(track_link_type_of_phrase(e.c, e.a, "relates to", &t, &outward));
	assert_true(outward);
	assert_int_equal(track_link_type_of_phrase(e.c, e.a, "explodes", &t, &outward),
	                 WEFT_ENOTFOUND);
	ok(track_link_type_find(e.c, e.a, "duplicate", &t));
	assert_int_equal(t.id, 10002);
	ok(track_link_type_find(e.c, e.a, "10001", &t));
	assert_string_equal(t.name, "Cloners");
	const char *field = NULL;
	track_link_type in = { .name = "blocks", .inward = "a", .outward = "b" };
	assert_int_equal(track_link_type_create(e.c, e.a, &in, &t, &field), WEFT_EEXISTS);
	assert_string_equal(field, "name");
	in = (track_link_type){ .name = "Causes", .inward = "  ", .outward = "causes" };
	assert_int_equal(track_link_type_create(e.c, e.a, &in, &t, &field), WEFT_EINVALID);
	assert_string_equal(field, "inward");
	end(&e);
}

typedef struct world {
	track_user admin, dev, user, outsider;
	track_project p, hidden;
	track_issue a, b, secret;
} world;

static world make_world(env *e)
{
	world w;
	w.admin = make_user(e, "alice", true);
	w.dev = make_user(e, "bob", false);
	w.user = make_user(e, "carol", false);
	w.outsider = make_user(e, "dave", false);
	w.p = make_project(e, "TEST", &w.admin);
	w.hidden = make_project(e, "HIDE", &w.admin);
	ok(track_project_role_add(e->c, w.p.id, w.dev.id, TRACK_ROLE_DEVELOPERS));
	ok(track_project_role_add(e->c, w.p.id, w.user.id, TRACK_ROLE_USERS));
	w.a = make_issue(e, &w.p, &w.dev, "A");
	w.b = make_issue(e, &w.p, &w.dev, "B");
	w.secret = make_issue(e, &w.hidden, &w.admin, "Secret");
	return w;
}

static int link_count(env *e, const char *field, int64_t issue_id)
{
	track_change *list = NULL;
	size_t n = 0;
	int count = 0;
	ok(track_changelog_list(e->c, e->a, issue_id, &list, &n));
	for (size_t k = 0; k < n; k++)
		for (size_t m = 0; m < list[k].nitems; m++)
			count += strcmp(list[k].items[m].field, field) == 0;
	return count;
}

static void links_follow_the_rules(void **state)
{
	env e = begin(state);
	world w = make_world(&e);
	track_link l, again;
	track_link_new in = { 10000, w.a.id, w.b.id, w.b.id };
	assert_int_equal(track_link_add(e.c, e.a, &w.user, &in, &l), WEFT_EPERM);
	assert_int_equal(track_link_add(e.c, e.a, &w.outsider, &in, &l), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), TRACK_ISSUE_HIDDEN);
	ok(track_link_add(e.c, e.a, &w.dev, &in, &l));
	ok(track_link_add(e.c, e.a, &w.dev, &in, &again));
	assert_int_equal(again.id, l.id);
	assert_int_equal(link_count(&e, "Link", w.a.id), 1);
	assert_int_equal(link_count(&e, "Link", w.b.id), 1);
	track_link_new self = { 10000, w.a.id, w.a.id, w.a.id };
	assert_int_equal(track_link_add(e.c, e.a, &w.dev, &self, &again), WEFT_EINVALID);
	track_link_new unknown = { 4242, w.a.id, w.b.id, w.a.id };
	assert_int_equal(track_link_add(e.c, e.a, &w.dev, &unknown, &again), WEFT_EINVALID);
	track_link_new hidden = { 10003, w.a.id, w.secret.id, w.a.id };
	assert_int_equal(track_link_add(e.c, e.a, &w.dev, &hidden, &again), WEFT_ENOTFOUND);
	ok(track_link_add(e.c, e.a, &w.admin, &hidden, &again));
	assert_int_equal(track_link_get(e.c, e.a, &w.dev, again.id, &l), WEFT_ENOTFOUND);
	assert_int_equal(track_link_remove(e.c, e.a, &w.dev, again.id), WEFT_ENOTFOUND);
	ok(track_link_get(e.c, e.a, &w.user, l.id, &l));
	assert_int_equal(l.source_id, w.a.id);
	assert_string_equal(l.type.outward, "blocks");
	assert_int_equal(track_link_remove(e.c, e.a, &w.user, l.id), WEFT_EPERM);
	ok(track_link_remove(e.c, e.a, &w.dev, l.id));
	assert_int_equal(link_count(&e, "Link", w.b.id), 2);
	assert_int_equal(track_link_get(e.c, e.a, &w.dev, l.id, &l), WEFT_ENOTFOUND);
	end(&e);
}

static void the_batched_reader_shows_what_the_reader_may_browse(void **state)
{
	env e = begin(state);
	world w = make_world(&e);
	track_link l;
	track_link_new ab = { 10000, w.a.id, w.b.id, w.b.id };
	track_link_new secret = { 10002, w.secret.id, w.a.id, w.a.id };
	ok(track_link_add(e.c, e.a, &w.dev, &ab, &l));
	ok(track_link_add(e.c, e.a, &w.admin, &secret, &l));
	const int64_t ids[] = { w.a.id, w.b.id };
	track_issue_link *rows = NULL;
	size_t n = 0;
	ok(track_link_of_issues(e.c, e.a, &w.user, ids, 2, &rows, &n));
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].issue_id, w.a.id);
	assert_true(rows[0].outward);
	assert_string_equal(track_issue_link_phrase(&rows[0]), "blocks");
	assert_string_equal(rows[0].other_key, w.b.key);
	assert_string_equal(rows[1].other_key, w.a.key);
	assert_string_equal(track_issue_link_phrase(&rows[1]), "is blocked by");
	ok(track_link_of_issues(e.c, e.a, &w.admin, ids, 2, &rows, &n));
	assert_int_equal(n, 3);
	assert_string_equal(track_issue_link_phrase(&rows[1]), "is duplicated by");
	ok(track_link_of_issues(e.c, e.a, NULL, ids, 2, &rows, &n));
	assert_int_equal(n, 0);
	ok(track_issue_delete(e.c, w.b.id, false));
	ok(track_link_of_issues(e.c, e.a, &w.admin, ids, 1, &rows, &n));
	assert_int_equal(n, 1);
	end(&e);
}

static void remote_links_are_checked_and_saved_by_global_id(void **state)
{
	env e = begin(state);
	world w = make_world(&e);
	const char *field = NULL;
	track_remote_link in = { .url = "javascript:alert(1)", .title = "x" };
	assert_int_equal(track_remote_link_check(&in, &field), WEFT_EINVALID);
	assert_string_equal(field, "url");
	in = (track_remote_link){ .url = "HTTPS://example.com/a b", .title = "x" };
	assert_int_equal(track_remote_link_check(&in, &field), WEFT_EINVALID);
	in = (track_remote_link){ .url = "https://example.com/", .title = "" };
	assert_int_equal(track_remote_link_check(&in, &field), WEFT_EINVALID);
	assert_string_equal(field, "title");
	in = (track_remote_link){ .url = "https://example.com/", .title = "x", .icon_url = "x:y" };
	assert_int_equal(track_remote_link_check(&in, &field), WEFT_EINVALID);
	assert_string_equal(field, "icon.url16x16");
	track_remote_link out, second;
	bool created = false;
	in = (track_remote_link){ .url = "https://example.com/1",
		                  .title = "One",
		                  .global_id = "g" };
	ok(track_remote_link_save(e.c, e.a, w.a.id, w.dev.id, &in, &out, &created, &field));
	assert_true(created);
	in.title = "One again";
	ok(track_remote_link_save(e.c, e.a, w.a.id, w.dev.id, &in, &second, &created, &field));
	assert_false(created);
	assert_int_equal(second.id, out.id);
	assert_string_equal(second.title, "One again");
	assert_string_equal(second.summary, "");
	track_remote_link *list = NULL;
	size_t n = 0;
	ok(track_remote_link_list(e.c, e.a, w.a.id, NULL, &list, &n));
	assert_int_equal(n, 1);
	assert_int_equal(track_remote_link_get(e.c, e.a, w.b.id, out.id, &second), WEFT_ENOTFOUND);
	assert_int_equal(link_count(&e, "RemoteIssueLink", w.a.id), 2);
	ok(track_remote_link_delete(e.c, e.a, w.a.id, w.dev.id, 0, "g"));
	assert_int_equal(track_remote_link_delete(e.c, e.a, w.a.id, w.dev.id, out.id, NULL),
	                 WEFT_ENOTFOUND);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types_are_seeded_and_found_by_phrase),
		cmocka_unit_test(links_follow_the_rules),
		cmocka_unit_test(the_batched_reader_shows_what_the_reader_may_browse),
		cmocka_unit_test(remote_links_are_checked_and_saved_by_global_id),
	};
	return fixture_run_service_tests("track/link/link", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
