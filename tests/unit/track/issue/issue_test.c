/* Tests of src/track/issue.c on both engines: summary and label rules, sub-tasks and parents,
 * numbering (never repeated, also after deletes and under concurrent creation from two threads),
 * lookups by key in any case, edits recorded in the history, moves that keep old keys resolving,
 * the full-text index following summaries and descriptions, who may name a reporter, parents
 * the caller may not see, and the Assignable user rule on assignees. */
#include "../issues_env.h"

#include <pthread.h>
#include <string.h>

#include "base/err.h"
#include "track/project/project.h"
#include "track/track_perm.h"

static void summaries_and_labels_have_rules(void **state)
{
	(void)state;
	char long_summary[300];
	memset(long_summary, 'x', sizeof long_summary - 1);
	long_summary[sizeof long_summary - 1] = 0;
	assert_int_equal(track_issue_summary_check("A bug"), 0);
	assert_int_equal(track_issue_summary_check(""), WEFT_EINVALID);
	assert_string_equal(err_msg(), "You must specify a summary of the issue.");
	assert_int_equal(track_issue_summary_check("   "), WEFT_EINVALID);
	assert_int_equal(track_issue_summary_check("two\nlines"), WEFT_EINVALID);
	assert_int_equal(track_issue_summary_check(long_summary), WEFT_EINVALID);
	long_summary[255] = 0;
	assert_int_equal(track_issue_summary_check(long_summary), 0);
	assert_int_equal(track_issue_label_check("backend"), 0);
	assert_int_equal(track_issue_label_check("two words"), WEFT_EINVALID);
	assert_int_equal(track_issue_label_check("tab\there"), WEFT_EINVALID);
	assert_int_equal(track_issue_label_check(""), WEFT_EINVALID);
}

static void issues_are_numbered_per_project(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project a = make_project(&e, "AAA", &alice);
	track_project b = make_project(&e, "BBB", &alice);
	track_issue i1 = make_issue(&e, &a, &alice, "one");
	track_issue i2 = make_issue(&e, &a, &alice, "two");
	track_issue j1 = make_issue(&e, &b, &alice, "other");
	assert_string_equal(i1.key, "AAA-1");
	assert_string_equal(i2.key, "AAA-2");
	assert_string_equal(j1.key, "BBB-1");
	assert_string_equal(i1.status_name, "To Do");
	assert_string_equal(i1.priority_name, "Medium");
	assert_string_equal(i1.type_name, "Task");
	assert_int_equal(i1.reporter_id, alice.id);
	ok(track_issue_delete(e.c, i2.id, false));
	track_issue i3 = make_issue(&e, &a, &alice, "three");
	assert_string_equal(i3.key, "AAA-3");
	track_issue found;
	ok(track_issue_find(e.c, e.a, "aaa-3", &found, NULL));
	assert_int_equal(found.id, i3.id);
	ok(track_issue_find(e.c, e.a, arena_printf(e.a, "%lld", (long long)i1.id), &found, NULL));
	assert_string_equal(found.key, "AAA-1");
	assert_int_equal(track_issue_find(e.c, e.a, "AAA-2", &found, NULL), WEFT_ENOTFOUND);
	assert_string_equal(err_msg(), "Issue does not exist or you do not have permission to see "
	                               "it.");
	end(&e);
}

static void creates_check_their_fields(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue parent = make_issue(&e, &p, &alice, "parent");
	track_issue_fields f = track_issue_fields_none();
	track_issue i;
	const char *field = NULL;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, alice.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "summary");
	f.summary = "sub";
	f.type_id = TRACK_TYPE_SUBTASK;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, alice.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "parent");
	f.parent_id = parent.id;
	ok(track_issue_create(e.c, e.a, p.id, &f, alice.id, &i, &field));
	assert_string_equal(i.parent_key, parent.key);
	assert_true(i.type_subtask);
	track_issue_fields g = track_issue_fields_none();
	g.summary = "sub of sub";
	g.type_id = TRACK_TYPE_SUBTASK;
	g.parent_id = i.id;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &g, alice.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "parent");
	const char *labels[] = { "ok", "not ok" };
	track_issue_fields h = track_issue_fields_none();
	h.summary = "labelled";
	h.labels = labels;
	h.nlabels = 2;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &h, alice.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "labels");
	h.priority_id = 99;
	h.nlabels = 1;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &h, alice.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "priority");
	h.priority_id = 1;
	ok(track_issue_create(e.c, e.a, p.id, &h, alice.id, &i, &field));
	assert_string_equal(i.priority_name, "Highest");
	assert_int_equal(i.nlabels, 1);
	assert_int_equal(track_issue_delete(e.c, parent.id, false), WEFT_ECONFLICT);
	ok(track_issue_delete(e.c, parent.id, true));
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM issues WHERE project_id = $1", db_int(p.id)), 1);
	end(&e);
}

typedef struct creator {
	fixture *f;
	int64_t project_id, user_id;
	int made;
	int failed;
} creator;

static int create_one(db_conn *c, void *p)
{
	creator *cr = p;
	arena *a = arena_new();
	track_issue_fields f = track_issue_fields_none();
	f.summary = "concurrent";
	track_issue i;
	int rc = track_issue_create(c, a, cr->project_id, &f, cr->user_id, &i, NULL);
	arena_free(a);
	return rc;
}

static void *create_many(void *p)
{
	creator *cr = p;
	for (int k = 0; k < 25; k++) {
		if (db_tx(cr->f->d, create_one, cr) == 0)
			cr->made++;
		else
			cr->failed++;
	}
	return NULL;
}

static void concurrent_creators_never_share_a_number(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "RACE", &alice);
	creator one = { e.f, p.id, alice.id, 0, 0 }, two = one;
	pthread_t t1, t2;
	assert_int_equal(pthread_create(&t1, NULL, create_many, &one), 0);
	assert_int_equal(pthread_create(&t2, NULL, create_many, &two), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	assert_int_equal(one.failed + two.failed, 0);
	int64_t made = one.made + two.made;
	assert_int_equal(made, 50);
	assert_int_equal(scalar(&e,
	                        "SELECT COUNT(DISTINCT number) FROM issues WHERE project_id = $1",
	                        db_int(p.id)),
	                 made);
	assert_int_equal(
	        scalar(&e, "SELECT MAX(number) FROM issues WHERE project_id = $1", db_int(p.id)),
	        made);
	assert_int_equal(
	        scalar(&e, "SELECT issue_counter FROM projects WHERE id = $1", db_int(p.id)), made);
	end(&e);
}

static void edits_are_recorded(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_project p = make_project(&e, "TEST", &alice);
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	track_issue i = make_issue(&e, &p, &alice, "before");
	track_issue_fields f = track_issue_fields_none();
	f.summary = "after";
	f.priority_id = 2;
	f.assignee_id = bob.id;
	const char *labels[] = { "x", "y" };
	f.labels = labels;
	f.nlabels = 2;
	f.set_labels = true;
	ok(track_issue_edit(e.c, e.a, i.id, &f, alice.id, NULL));
	track_change *changes;
	size_t n;
	ok(track_changelog_list(e.c, e.a, i.id, &changes, &n));
	assert_int_equal(n, 1);
	assert_int_equal(changes[0].author_id, alice.id);
	assert_int_equal(changes[0].nitems, 4);
	assert_string_equal(changes[0].items[0].field, "summary");
	assert_string_equal(changes[0].items[0].from_string, "before");
	assert_string_equal(changes[0].items[0].to_string, "after");
	assert_string_equal(changes[0].items[1].field, "priority");
	assert_string_equal(changes[0].items[1].from_string, "Medium");
	assert_string_equal(changes[0].items[1].to_string, "High");
	assert_string_equal(changes[0].items[2].field, "assignee");
	assert_null(changes[0].items[2].from_value);
	assert_string_equal(changes[0].items[3].to_string, "x y");
	/* an edit that changes nothing records nothing */
	ok(track_issue_edit(e.c, e.a, i.id, &f, alice.id, NULL));
	ok(track_issue_label_remove(e.c, e.a, i.id, "x", alice.id));
	ok(track_issue_assign(e.c, e.a, i.id, 0, alice.id));
	ok(track_changelog_list(e.c, e.a, i.id, &changes, &n));
	assert_int_equal(n, 3);
	assert_string_equal(changes[1].items[0].to_string, "y");
	assert_string_equal(changes[2].items[0].field, "assignee");
	assert_null(changes[2].items[0].to_value);
	/* a page of the history: the second group alone, with the count of all three */
	int64_t total = 0;
	ok(track_changelog_page(e.c, e.a, i.id, 1, 1, &changes, &n, &total));
	assert_int_equal(n, 1);
	assert_int_equal(total, 3);
	assert_string_equal(changes[0].items[0].to_string, "y");
	ok(track_changelog_page(e.c, e.a, i.id, 3, 10, &changes, &n, &total));
	assert_int_equal(n, 0);
	assert_int_equal(total, 3);
	track_issue now;
	ok(track_issue_get(e.c, e.a, i.id, &now));
	assert_int_equal(now.assignee_id, 0);
	assert_int_equal(now.nlabels, 1);
	const char *field = NULL;
	track_issue_fields bad = track_issue_fields_none();
	bad.summary = "line\nbreak";
	assert_int_equal(track_issue_edit(e.c, e.a, i.id, &bad, alice.id, &field), WEFT_EINVALID);
	assert_string_equal(field, "summary");
	end(&e);
}

/* Only holders of Developers or Administrators may be assigned, on create, edit and assign; an
 * assignee who lost the role stays through edits of other fields. */
static void assignees_need_the_assignable_permission(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_user bob = make_user(&e, "bob", false);
	track_user carol = make_user(&e, "carol", false);
	track_user dave = make_user(&e, "dave", false);
	track_project p = make_project(&e, "TEST", &alice);
	ok(track_project_role_add(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	ok(track_project_role_add(e.c, p.id, carol.id, TRACK_ROLE_USERS));
	track_issue i = make_issue(&e, &p, &alice, "work");
	const char *field = NULL;
	track_issue_fields f = track_issue_fields_none();
	f.summary = "new";
	f.assignee_id = carol.id;
	track_issue made;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, alice.id, &made, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "assignee");
	assert_string_equal(err_msg(), "User 'carol' cannot be assigned issues.");
	assert_int_equal(track_issue_assign(e.c, e.a, i.id, dave.id, alice.id), WEFT_EINVALID);
	assert_string_equal(err_msg(), "User 'dave' cannot be assigned issues.");
	ok(track_issue_assign(e.c, e.a, i.id, bob.id, alice.id));
	ok(track_issue_assign(e.c, e.a, i.id, alice.id, alice.id)); /* Administrators */
	ok(track_issue_assign(e.c, e.a, i.id, bob.id, alice.id));
	ok(track_project_role_remove(e.c, p.id, bob.id, TRACK_ROLE_DEVELOPERS));
	track_issue_fields g = track_issue_fields_none();
	g.summary = "renamed";
	g.assignee_id = bob.id; /* unchanged: allowed although bob lost the role */
	ok(track_issue_edit(e.c, e.a, i.id, &g, alice.id, &field));
	track_user *users;
	size_t n;
	ok(track_perm_assignable_users(e.c, e.a, p.id, NULL, 100, &users, &n));
	assert_int_equal(n, 1);
	assert_string_equal(users[0].username, "alice");
	ok(track_perm_assignable_users(e.c, e.a, p.id, "bo", 100, &users, &n));
	assert_int_equal(n, 0);
	end(&e);
}

static void moves_give_new_keys_and_keep_old_ones(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project a = make_project(&e, "OLD", &alice);
	track_project b = make_project(&e, "NEW", &alice);
	make_issue(&e, &b, &alice, "already there");
	track_issue i = make_issue(&e, &a, &alice, "moving");
	track_issue_fields f = track_issue_fields_none();
	f.summary = "sub";
	f.type_id = TRACK_TYPE_SUBTASK;
	f.parent_id = i.id;
	track_issue sub;
	ok(track_issue_create(e.c, e.a, a.id, &f, alice.id, &sub, NULL));
	const char *key = NULL;
	ok(track_issue_move(e.c, e.a, i.id, b.id, alice.id, &key));
	assert_string_equal(key, "NEW-2");
	track_issue found;
	const char *old = NULL;
	ok(track_issue_find(e.c, e.a, "OLD-1", &found, &old));
	assert_string_equal(found.key, "NEW-2");
	assert_string_equal(old, "OLD-1");
	ok(track_issue_find(e.c, e.a, "NEW-2", &found, &old));
	assert_null(old);
	ok(track_issue_find(e.c, e.a, "OLD-2", &found, NULL));
	assert_string_equal(found.key, "NEW-3");
	assert_int_equal(found.project_id, b.id);
	/* the old project's numbers are not given again */
	track_issue next = make_issue(&e, &a, &alice, "next");
	assert_string_equal(next.key, "OLD-3");
	assert_int_equal(track_issue_move(e.c, e.a, found.id, a.id, alice.id, NULL), WEFT_EINVALID);
	end(&e);
}

static int64_t text_hits(env *e, const char *word)
{
	if (db_conn_engine(e->c) == DB_SQLITE)
		return scalar(e, "SELECT COUNT(*) FROM issue_text WHERE issue_text MATCH $1",
		              db_text(arena_printf(e->a, "{summary description} : \"%s\"", word)));
	return scalar(
	        e,
	        "SELECT COUNT(*) FROM issues WHERE summary_tsv @@ plainto_tsquery('simple', $1)"
	        " OR description_tsv @@ plainto_tsquery('simple', $1)",
	        db_text(word));
}

static void the_text_index_follows_edits(void **state)
{
	env e = begin(state);
	track_user alice = make_user(&e, "alice", false);
	track_project p = make_project(&e, "TEST", &alice);
	track_issue i = make_issue(&e, &p, &alice, "frobnicate the widget");
	assert_int_equal(text_hits(&e, "frobnicate"), 1);
	track_issue_fields f = track_issue_fields_none();
	f.summary = "polish the widget";
	f.description = "now with *zanzibar*";
	ok(track_issue_edit(e.c, e.a, i.id, &f, alice.id, NULL));
	assert_int_equal(text_hits(&e, "frobnicate"), 0);
	assert_int_equal(text_hits(&e, "polish"), 1);
	assert_int_equal(text_hits(&e, "zanzibar"), 1);
	ok(track_issue_delete(e.c, i.id, false));
	assert_int_equal(text_hits(&e, "polish"), 0);
	end(&e);
}

/* Modify reporter is the Administrators' (and site administrators'): a member of the Users or
 * Developers role files and edits issues as themselves only, with Jira's field error. */
static void only_administrators_name_another_reporter(void **state)
{
	env e = begin(state);
	track_user lead = make_user(&e, "lead", false);
	track_user uma = make_user(&e, "uma", false);
	track_user dev = make_user(&e, "dev", false);
	track_user root = make_user(&e, "root", true);
	track_project p = make_project(&e, "TEST", &lead);
	ok(track_project_role_add(e.c, p.id, uma.id, TRACK_ROLE_USERS));
	ok(track_project_role_add(e.c, p.id, dev.id, TRACK_ROLE_DEVELOPERS));
	track_issue_fields f = track_issue_fields_none();
	f.summary = "filed as the lead";
	f.reporter_id = lead.id;
	track_issue i;
	const char *field = NULL;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, uma.id, &i, &field), WEFT_EINVALID);
	assert_string_equal(field, "reporter");
	assert_string_equal(err_msg(), "Field 'reporter' cannot be set. It is not on the "
	                               "appropriate screen, or unknown.");
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, dev.id, &i, &field), WEFT_EINVALID);
	f.reporter_id = uma.id; /* naming oneself changes nothing */
	ok(track_issue_create(e.c, e.a, p.id, &f, uma.id, &i, &field));
	assert_int_equal(i.reporter_id, uma.id);
	/* an edit by a developer may not change it either; the lead and a site admin may */
	track_issue_fields g = track_issue_fields_none();
	g.reporter_id = dev.id;
	assert_int_equal(track_issue_edit(e.c, e.a, i.id, &g, dev.id, &field), WEFT_EINVALID);
	assert_string_equal(field, "reporter");
	g.reporter_id = uma.id; /* the current reporter: no change */
	ok(track_issue_edit(e.c, e.a, i.id, &g, dev.id, &field));
	g.reporter_id = dev.id;
	ok(track_issue_edit(e.c, e.a, i.id, &g, lead.id, &field));
	f.reporter_id = dev.id;
	ok(track_issue_create(e.c, e.a, p.id, &f, root.id, &i, &field));
	assert_int_equal(i.reporter_id, dev.id);
	end(&e);
}

/* A parent in a project the caller may not browse is answered as one that does not exist;
 * one the caller may see in another project is named as such. */
static void hidden_parents_are_missing_parents(void **state)
{
	env e = begin(state);
	track_user lead = make_user(&e, "lead", false);
	track_user other = make_user(&e, "other", false);
	track_project p = make_project(&e, "TEST", &lead);
	track_project hidden = make_project(&e, "HIDE", &other);
	track_project seen = make_project(&e, "SEEN", &other);
	ok(track_project_role_add(e.c, seen.id, lead.id, TRACK_ROLE_USERS));
	track_issue secret = make_issue(&e, &hidden, &other, "secret");
	track_issue visible = make_issue(&e, &seen, &other, "visible");
	track_issue_fields f = track_issue_fields_none();
	f.summary = "sub";
	f.type_id = TRACK_TYPE_SUBTASK;
	f.parent_id = secret.id;
	track_issue i;
	const char *field = NULL;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, lead.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(field, "parent");
	assert_string_equal(err_msg(), "Could not find issue by id or key.");
	f.parent_id = visible.id;
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, lead.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(err_msg(), "The parent must be an issue of the same project that is "
	                               "not a sub-task.");
	f.parent_id = secret.id + visible.id + 1000; /* no such issue */
	assert_int_equal(track_issue_create(e.c, e.a, p.id, &f, lead.id, &i, &field),
	                 WEFT_EINVALID);
	assert_string_equal(err_msg(), "Could not find issue by id or key.");
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(summaries_and_labels_have_rules),
		cmocka_unit_test(issues_are_numbered_per_project),
		cmocka_unit_test(creates_check_their_fields),
		cmocka_unit_test(concurrent_creators_never_share_a_number),
		cmocka_unit_test(edits_are_recorded),
		cmocka_unit_test(assignees_need_the_assignable_permission),
		cmocka_unit_test(moves_give_new_keys_and_keep_old_ones),
		cmocka_unit_test(the_text_index_follows_edits),
		cmocka_unit_test(only_administrators_name_another_reporter),
		cmocka_unit_test(hidden_parents_are_missing_parents),
	};
	return fixture_run_service_tests("track/issue", "track", tests,
	                                 sizeof tests / sizeof tests[0], 4);
}
