/* Tests of src/track/comment.c on both engines: add, list with paging, edit, delete, empty
 * bodies refused, the full-text index (text ~) following comments, and visibility: restricted
 * comments stored, hidden from readers without the role on list and get, kept out of the public
 * text index, and refused to authors who do not hold the role. */
#include "../issues_env.h"

#include <string.h>

#include "base/err.h"
#include "track/issue/comment.h"
#include "track/project/project.h"
#include "track/track_perm.h"

static int64_t comment_hits(env *e, const char *word)
{
	if (db_conn_engine(e->c) == DB_SQLITE)
		return scalar(e, "SELECT COUNT(*) FROM issue_text WHERE issue_text MATCH $1",
		              db_text(arena_printf(e->a, "{comments} : \"%s\"", word)));
	return scalar(
	        e, "SELECT COUNT(*) FROM comments WHERE body_tsv @@ plainto_tsquery('simple', $1)",
	        db_text(word));
}

static void comments_are_added_edited_and_deleted(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = make_issue(&e, &p, &alice, "talk");
	track_comment c1, c2, got;
	ok(track_comment_add(e.c, e.a, i.id, &alice, "first *word*", 0, &c1));
	ok(track_comment_add(e.c, e.a, i.id, &bob, "second quokka", 0, &c2));
	assert_int_equal(c1.author_id, alice.id);
	assert_int_equal(track_comment_add(e.c, e.a, i.id, &bob, "  \n", 0, &got), WEFT_EINVALID);
	track_comment *list;
	size_t n;
	int64_t total;
	ok(track_comment_list(e.c, e.a, i.id, &alice, 1, 10, &list, &n, &total));
	assert_int_equal(total, 2);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, c2.id);
	assert_int_equal(comment_hits(&e, "quokka"), 1);
	ok(track_comment_edit(e.c, i.id, c2.id, &alice, "second wombat", TRACK_COMMENT_KEEP_ROLE));
	ok(track_comment_get(e.c, e.a, i.id, &alice, c2.id, &got));
	assert_string_equal(got.body, "second wombat");
	assert_int_equal(got.update_author_id, alice.id);
	assert_int_equal(got.author_id, bob.id);
	assert_int_equal(comment_hits(&e, "quokka"), 0);
	assert_int_equal(comment_hits(&e, "wombat"), 1);
	ok(track_comment_delete(e.c, i.id, c2.id));
	assert_int_equal(comment_hits(&e, "wombat"), 0);
	assert_int_equal(track_comment_get(e.c, e.a, i.id, &alice, c2.id, &got), WEFT_ENOTFOUND);
	assert_int_equal(track_comment_delete(e.c, i.id, c2.id), WEFT_ENOTFOUND);
	track_issue other = make_issue(&e, &p, &alice, "elsewhere");
	assert_int_equal(track_comment_get(e.c, e.a, other.id, &alice, c1.id, &got),
	                 WEFT_ENOTFOUND);
	end(&e);
}

/* Rows of comment_text (SQLite's index of restricted comments) or, on PostgreSQL, restricted
 * comments whose body matches word. */
static int64_t restricted_hits(env *e, const char *word)
{
	if (db_conn_engine(e->c) == DB_SQLITE)
		return scalar(e, "SELECT COUNT(*) FROM comment_text WHERE comment_text MATCH $1",
		              db_text(arena_printf(e->a, "\"%s\"", word)));
	return scalar(e,
	              "SELECT COUNT(*) FROM comments WHERE visibility_type IS NOT NULL AND"
	              " body_tsv @@ plainto_tsquery('simple', $1)",
	              db_text(word));
}

static void restricted_comments_show_to_their_role_only(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false); /* creates TEST: its administrator */
	track_user bob = make_user(&e, "bob", false);
	track_user carol = make_user(&e, "carol", false);
	track_user root = make_user(&e, "root", true);
	track_project p = make_project(&e, "TEST", &alice);
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	ok(track_project_role_add(e.c, p.id, carol.id, TRACK_ROLE_USERS));
	track_issue i = make_issue(&e, &p, &alice, "secrets");
	track_comment open, admins, devs, got;
	ok(track_comment_add(e.c, e.a, i.id, &carol, "open platypus", 0, &open));
	ok(track_comment_add(e.c, e.a, i.id, &alice, "admins echidna", TRACK_ROLE_ADMINISTRATORS,
	                     &admins));
	assert_int_equal(admins.role, TRACK_ROLE_ADMINISTRATORS);
	ok(track_comment_add(e.c, e.a, i.id, &bob, "devs numbat", TRACK_ROLE_DEVELOPERS, &devs));
	/* carol holds Users only: she may not restrict to Developers */
	assert_int_equal(
	        track_comment_add(e.c, e.a, i.id, &carol, "x", TRACK_ROLE_DEVELOPERS, &got),
	        WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "not a member of the project role: Developers"));
	track_comment *list;
	size_t n;
	int64_t total;
	ok(track_comment_list(e.c, e.a, i.id, &carol, 0, 10, &list, &n, &total));
	assert_int_equal(total, 1);
	assert_int_equal(list[0].id, open.id);
	ok(track_comment_list(e.c, e.a, i.id, &bob, 0, 10, &list, &n, &total));
	assert_int_equal(total, 2); /* open and devs, not the administrators' */
	assert_int_equal(list[1].id, devs.id);
	ok(track_comment_list(e.c, e.a, i.id, &alice, 0, 10, &list, &n, &total));
	assert_int_equal(total, 2); /* an administrator is not a developer */
	ok(track_comment_list(e.c, e.a, i.id, &root, 0, 10, &list, &n, &total));
	assert_int_equal(total, 3); /* site administrators read everything */
	ok(track_comment_list(e.c, e.a, i.id, NULL, 0, 10, &list, &n, &total));
	assert_int_equal(total, 1);
	assert_int_equal(track_comment_get(e.c, e.a, i.id, &carol, admins.id, &got),
	                 WEFT_ENOTFOUND);
	ok(track_comment_get(e.c, e.a, i.id, &alice, admins.id, &got));
	assert_int_equal(got.role, TRACK_ROLE_ADMINISTRATORS);
	/* the public index holds the open comment only; the restricted ones are apart */
	assert_int_equal(comment_hits(&e, "platypus"), 1);
	assert_int_equal(restricted_hits(&e, "echidna"), 1);
	if (db_conn_engine(e.c) == DB_SQLITE)
		assert_int_equal(comment_hits(&e, "echidna"), 0);
	/* lifting the restriction moves it to the public index; keep leaves it */
	ok(track_comment_edit(e.c, i.id, admins.id, &alice, "admins echidna", 0));
	ok(track_comment_get(e.c, e.a, i.id, &carol, admins.id, &got));
	assert_int_equal(got.role, 0);
	assert_int_equal(restricted_hits(&e, "echidna"), 0);
	assert_int_equal(comment_hits(&e, "echidna"), 1);
	ok(track_comment_edit(e.c, i.id, devs.id, &bob, "devs bilby", TRACK_COMMENT_KEEP_ROLE));
	assert_int_equal(track_comment_get(e.c, e.a, i.id, &carol, devs.id, &got), WEFT_ENOTFOUND);
	assert_int_equal(restricted_hits(&e, "bilby"), 1);
	end(&e);
}

static void visibility_names_a_role(void **state)
{
	(void)state;
	unsigned role = 9;
	assert_int_equal(track_comment_visibility_parse(NULL, NULL, &role), 0);
	assert_int_equal(role, 0);
	assert_int_equal(track_comment_visibility_parse("role", "Administrators", &role), 0);
	assert_int_equal(role, TRACK_ROLE_ADMINISTRATORS);
	assert_int_equal(track_comment_visibility_parse("role", "developers", &role), 0);
	assert_int_equal(role, TRACK_ROLE_DEVELOPERS);
	assert_int_equal(track_comment_visibility_parse("role", "Managers", &role), WEFT_EINVALID);
	assert_int_equal(track_comment_visibility_parse("group", "jira-administrators", &role),
	                 WEFT_EINVALID);
	assert_int_equal(track_comment_visibility_parse("team", "x", &role), WEFT_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(comments_are_added_edited_and_deleted),
		cmocka_unit_test(restricted_comments_show_to_their_role_only),
		cmocka_unit_test(visibility_names_a_role),
	};
	return fixture_run_service_tests("track/comment", "track", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
