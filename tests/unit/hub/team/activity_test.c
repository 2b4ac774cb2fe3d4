/* Tests of src/hub/activity.c on both engines: a user's dashboard shows what they did and what
 * happened in their teams, newest first, nothing from teams they are not in, and nothing about
 * a repository they may not read. */
#include "../../db/fixture.h"

#include <stdio.h>
#include <string.h>

#include "db/migrate.h"
#include "hub/team/activity.h"
#include "hub/team/group.h"
#include "hub/team/team.h"

typedef struct world {
	arena *a;
	hub_user alice, bob, carol, sam;
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
	read_ctx *r = ctx;
	hub_user user;
	int rc = hub_account_find_id(c, r->a, r->user_id, &user);
	return rc < 0 ? rc
	              : hub_activity_for_user(c, r->a, user.id, user.is_admin, 10, &r->items,
	                                      &r->n);
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

/* ---- repositories: the items follow hub_perm's read rule ---- */

static int64_t repository_row(db_conn *c, int64_t workspace_id, const char *slug, bool private)
{
	db_stmt *st;
	int64_t id = -1;
	int rc = db_query(&st, c,
	                  "INSERT INTO repositories (uuid, workspace_id, slug, name, is_private,"
	                  " created_at, updated_at) VALUES ($1, $2, $1, $1, $3, 0, 0) RETURNING id",
	                  db_text(slug), db_int(workspace_id), db_int(private));
	if (rc == 0 && db_step_one(st, "no id") == 0)
		id = db_col_int(st, 0);
	db_done(st);
	return id;
}

static int grant(db_conn *c, const char *sql, int64_t a, int64_t b)
{
	int rc = db_exec(c, sql, db_int(a), db_int(b));
	return rc < 0 ? rc : 0;
}

static int created(db_conn *c, const hub_user *actor, const hub_workspace *ws, int64_t repo,
                   const char *slug)
{
	char summary[128];
	snprintf(summary, sizeof summary, "%s created the repository %s/%s", actor->username,
	         ws->slug, slug);
	return hub_activity_record_repository(c, actor->id, ws->id, repo, summary);
}

/* acme (alice administers it; bob and carol are developers, sam a site administrator who is
 * a member too) with: secret (private, nobody's grant), shared (private, the developers
 * group's), bobs (private, bob's own grant), open (public), gone (deleted). */
static int populate_repositories(db_conn *c, void *ctx)
{
	world *w = ctx;
	int rc = populate(c, ctx);
	if (rc == 0)
		rc = make_user(c, w->a, "carol", &w->carol);
	if (rc == 0)
		rc = make_user(c, w->a, "sam", &w->sam);
	if (rc == 0)
		rc = db_exec(c, "UPDATE users SET is_admin = 1 WHERE id = $1", db_int(w->sam.id));
	if (rc >= 0)
		rc = hub_group_add_user(c, w->a, &w->acme, "developers", "carol", NULL);
	if (rc == 0)
		rc = hub_group_add_user(c, w->a, &w->acme, "developers", "sam", NULL);
	const char *slugs[] = { "secret", "shared", "bobs", "open", "gone" };
	int64_t ids[5];
	for (int i = 0; rc == 0 && i < 5; i++) {
		ids[i] = repository_row(c, w->acme.id, slugs[i], i != 3);
		rc = ids[i] > 0 ? created(c, &w->alice, &w->acme, ids[i], slugs[i]) : -1;
	}
	/* hub_team_create's groups are auto_add, but these rows were inserted bare: only what is
	 * granted here holds. */
	if (rc == 0)
		rc = grant(c,
		           "INSERT INTO repository_group_permissions (repository_id, group_id,"
		           " permission) SELECT $1, id, 'write' FROM groups WHERE workspace_id = $2"
		           " AND slug = 'developers'",
		           ids[1], w->acme.id);
	if (rc == 0)
		rc = grant(c,
		           "INSERT INTO repository_user_permissions (repository_id, user_id,"
		           " permission) VALUES ($1, $2, 'read')",
		           ids[2], w->bob.id);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM repositories WHERE id = $1", db_int(ids[4]));
	/* bob did something to secret before he lost access: his own item stays his. */
	if (rc >= 0)
		rc = hub_activity_record_repository(c, w->bob.id, w->acme.id, ids[0],
		                                    "bob pushed to acme/secret");
	return rc;
}

static read_ctx dashboard(const world *w, int64_t user_id, fixture *f)
{
	read_ctx r = { w->a, user_id, NULL, 0 };
	assert_int_equal(db_read(f->d, read_activity, &r), 0);
	return r;
}

static void dashboards_name_only_repositories_the_viewer_may_read(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	world w = { .a = arena_new() };
	assert_int_equal(db_tx(f->d, populate_repositories, &w), 0);

	read_ctx carol = dashboard(&w, w.carol.id, f);
	assert_false(has(&carol, "alice created the repository acme/secret"));
	assert_true(has(&carol, "alice created the repository acme/shared")); /* group grant */
	assert_false(has(&carol, "alice created the repository acme/bobs"));
	assert_true(has(&carol, "alice created the repository acme/open")); /* public */
	assert_false(has(&carol, "alice created the repository acme/gone"));
	assert_false(has(&carol, "bob pushed to acme/secret"));
	assert_true(has(&carol, "carol joined Developers in Acme")); /* no repository: as before */

	read_ctx bob = dashboard(&w, w.bob.id, f);
	assert_true(has(&bob, "alice created the repository acme/bobs")); /* his own grant */
	assert_true(has(&bob, "alice created the repository acme/shared"));
	assert_false(has(&bob, "alice created the repository acme/secret"));
	assert_true(has(&bob, "bob pushed to acme/secret")); /* he did it */

	read_ctx alice = dashboard(&w, w.alice.id, f); /* the team's administrator */
	assert_true(has(&alice, "alice created the repository acme/gone"));
	assert_true(has(&alice, "bob pushed to acme/secret"));

	read_ctx sam = dashboard(&w, w.sam.id, f); /* a site administrator reads everything */
	assert_true(has(&sam, "bob pushed to acme/secret"));
	assert_true(has(&sam, "alice created the repository acme/bobs"));
	arena_free(w.a);
}

/* The page is filtered as it is read: items carol may not see do not take her page's places. */
static int hidden_items(db_conn *c, void *ctx)
{
	world *w = ctx;
	int64_t secret = repository_row(c, w->acme.id, "vault", true);
	int rc = secret > 0 ? 0 : -1;
	for (int i = 0; rc == 0 && i < 12; i++)
		rc = hub_activity_record_repository(c, w->alice.id, w->acme.id, secret,
		                                    "alice pushed to acme/vault");
	return rc;
}

static void hidden_items_do_not_fill_the_page(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	world w = { .a = arena_new() };
	assert_int_equal(db_tx(f->d, populate_repositories, &w), 0);
	assert_int_equal(db_tx(f->d, hidden_items, &w), 0);
	read_ctx carol = dashboard(&w, w.carol.id, f);
	assert_false(has(&carol, "alice pushed to acme/vault"));
	assert_true(has(&carol, "alice created the repository acme/open"));
	assert_true(carol.n >= 3);
	arena_free(w.a);
}

/* Items recorded before repositories were linked name them in their text: the migration links
 * them (by current or old address), and marks those it cannot place so that only the team's
 * administrators see them. It is run again here on items written as the old code wrote them. */
static int old_items(db_conn *c, void *ctx)
{
	world *w = ctx;
	int64_t secret = repository_row(c, w->acme.id, "secret", true);
	int64_t renamed = repository_row(c, w->acme.id, "renamed", true);
	int rc = secret > 0 && renamed > 0 ? 0 : -1;
	if (rc == 0)
		rc = grant(c,
		           "INSERT INTO repository_redirects (workspace_id, slug, repository_id,"
		           " created_at) VALUES ($1, 'before', $2, 0)",
		           w->acme.id, renamed);
	const char *texts[] = { "created the repository acme/secret",
		                "renamed the repository acme/before to renamed",
		                "deleted the repository acme/long-gone",
		                "created the repository acme/secret-two" };
	for (int i = 0; rc == 0 && i < 4; i++)
		rc = hub_activity_record(c, w->alice.id, w->acme.id, texts[i]);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM schema_migrations WHERE version = 11", DB_END);
	if (rc >= 0)
		rc = db_exec(c, "ALTER TABLE activity DROP COLUMN repository_id", DB_END);
	return rc < 0 ? rc : 0;
}

static void the_migration_links_older_items(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	world w = { .a = arena_new() };
	assert_int_equal(db_tx(f->d, populate, &w), 0);
	assert_int_equal(db_tx(f->d, old_items, &w), 0);
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	assert_int_equal(applied, 1);
	read_ctx bob = dashboard(&w, w.bob.id, f);
	assert_false(has(&bob, "created the repository acme/secret"));
	assert_false(has(&bob, "renamed the repository acme/before to renamed"));
	assert_false(has(&bob, "deleted the repository acme/long-gone"));
	assert_false(has(&bob, "created the repository acme/secret-two"));
	assert_true(has(&bob, "alice created the team Acme"));
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM activity a JOIN repositories r"
	                                      " ON r.id = a.repository_id"
	                                      " WHERE r.slug IN ('secret', 'renamed')"),
	                 2);
	assert_int_equal(fixture_scalar(f->d, "SELECT COUNT(*) FROM activity"
	                                      " WHERE repository_id = 0"),
	                 2);
	arena_free(w.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dashboards_show_own_and_team_activity),
		cmocka_unit_test(dashboards_name_only_repositories_the_viewer_may_read),
		cmocka_unit_test(hidden_items_do_not_fill_the_page),
		cmocka_unit_test(the_migration_links_older_items),
	};
	return fixture_run_service_tests("activity", "hub", tests, 4, 4);
}
