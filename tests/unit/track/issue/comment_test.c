/* Tests of src/track/comment.c on both engines: add, list with paging, edit, delete, empty
 * bodies refused, and the full-text index (text ~) following comments. */
#include "../issues_env.h"

#include "track/issue/comment.h"

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
	ok(track_comment_add(e.c, e.a, i.id, alice.id, "first *word*", &c1));
	ok(track_comment_add(e.c, e.a, i.id, bob.id, "second quokka", &c2));
	assert_int_equal(c1.author_id, alice.id);
	assert_int_equal(track_comment_add(e.c, e.a, i.id, bob.id, "  \n", &got), WEFT_EINVALID);
	track_comment *list;
	size_t n;
	int64_t total;
	ok(track_comment_list(e.c, e.a, i.id, 1, 10, &list, &n, &total));
	assert_int_equal(total, 2);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, c2.id);
	assert_int_equal(comment_hits(&e, "quokka"), 1);
	ok(track_comment_edit(e.c, i.id, c2.id, alice.id, "second wombat"));
	ok(track_comment_get(e.c, e.a, i.id, c2.id, &got));
	assert_string_equal(got.body, "second wombat");
	assert_int_equal(got.update_author_id, alice.id);
	assert_int_equal(got.author_id, bob.id);
	assert_int_equal(comment_hits(&e, "quokka"), 0);
	assert_int_equal(comment_hits(&e, "wombat"), 1);
	ok(track_comment_delete(e.c, i.id, c2.id));
	assert_int_equal(comment_hits(&e, "wombat"), 0);
	assert_int_equal(track_comment_get(e.c, e.a, i.id, c2.id, &got), WEFT_ENOTFOUND);
	assert_int_equal(track_comment_delete(e.c, i.id, c2.id), WEFT_ENOTFOUND);
	track_issue other = make_issue(&e, &p, &alice, "elsewhere");
	assert_int_equal(track_comment_get(e.c, e.a, other.id, c1.id, &got), WEFT_ENOTFOUND);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(comments_are_added_edited_and_deleted),
	};
	return fixture_run_engine_tests("track/comment", tests, sizeof tests / sizeof tests[0], 2);
}
