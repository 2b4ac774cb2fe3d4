/* Tests of src/hub/activity.c on both engines: a user's dashboard shows what they did and what
 * happened in their teams, newest first, and nothing from teams they are not in. */
#include "../../db/fixture.h"

#include <stdio.h>
#include <string.h>

#include "db/migrate.h"
#include "hub/team/activity.h"
#include "hub/team/team.h"

typedef struct world {
	arena *a;
	hub_user alice, bob;
	hub_workspace acme, other;
} world;

static int make_user(db_conn *c, arena *a, const char *name, hub_user *out)
{
	char email[64];
	snprintf(email, sizeof email, "%s@example.com", name);
	account_new n = { name, email, "a long enough password", NULL, true, false };
	return hub_account_create(c, a, &n, out);
}

static int populate(db_conn *c, void *ctx)
{
	world *w = ctx;
	int rc = make_user(c, w->a, "alice", &w->alice);
	if (rc == 0)
		rc = make_user(c, w->a, "bob", &w->bob);
	hub_team_new acme = { "acme", "Acme", NULL, 0, NULL };
	hub_team_new other = { "other", "Other", NULL, 0, NULL };
	if (rc == 0)
		rc = hub_team_create(c, w->a, &w->alice, &acme, &w->acme);
	if (rc == 0)
		rc = hub_team_create(c, w->a, &w->bob, &other, &w->other);
	if (rc == 0)
		rc = hub_group_add_user(c, w->a, &w->acme, "developers", "bob", NULL);
	return rc;
}

typedef struct read_ctx {
	arena *a;
	int64_t user_id;
	activity_item *items;
	size_t n;
} read_ctx;

static int read_activity(db_conn *c, void *ctx)
{
	read_ctx *rc = ctx;
	return hub_activity_for_user(c, rc->a, rc->user_id, 10, &rc->items, &rc->n);
}

static bool has(const read_ctx *r, const char *summary)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i].summary, summary) == 0)
			return true;
	return false;
}

static void dashboards_show_own_and_team_activity(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	world w = { .a = arena_new() };
	assert_int_equal(db_tx(f->d, populate, &w), 0);
	read_ctx alice = { w.a, w.alice.id, NULL, 0 };
	assert_int_equal(db_read(f->d, read_activity, &alice), 0);
	assert_true(has(&alice, "alice joined weft hub"));
	assert_true(has(&alice, "alice created the team Acme"));
	assert_true(has(&alice, "bob joined Developers in Acme")); /* in alice's team */
	assert_false(has(&alice, "bob created the team Other")); /* not hers */
	assert_false(has(&alice, "bob joined weft hub"));
	assert_string_equal(alice.items[0].summary, "bob joined Developers in Acme"); /* newest */
	assert_string_equal(alice.items[0].workspace, "acme");
	read_ctx bob = { w.a, w.bob.id, NULL, 0 };
	assert_int_equal(db_read(f->d, read_activity, &bob), 0);
	assert_true(has(&bob, "bob created the team Other"));
	assert_true(has(&bob, "alice created the team Acme")); /* bob is in Acme now */
	arena_free(w.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dashboards_show_own_and_team_activity),
	};
	return fixture_run_engine_tests("activity", tests, 1, 4);
}
