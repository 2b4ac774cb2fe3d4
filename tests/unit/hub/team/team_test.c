/* Tests of src/hub/team.c and src/hub/plan.c on both engines: team IDs, default groups, the
 * last-administrator rule, plan limits, group slugs, members, and invitations (single use, expiry,
 * bound to an address, revoke, resend, accepted on confirmation); refusals leave nothing behind. */
#include "../../db/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/migrate.h"
#include "hub/account/account.h"
#include "hub/account/confirm.h"
#include "hub/hub_perm.h"
#include "hub/team/plan.h"
#include "hub/team/team.h"
#include "mail/mail.h"

#define BASE_URL "http://hub.test"

typedef struct env {
	fixture *f;
	arena *a;
	db_conn *c; /* outside a transaction: each statement commits at once */
} env;

static env begin(void **state)
{
	fixture *f = *state;
	int applied;
	if (db_migrate_up(&applied, f->d, "hub") < 0)
		fail_msg("migrations: %s", err_msg());
	env e = { f, arena_new(), NULL };
	assert_int_equal(db_conn_get(&e.c, f->d), 0);
	return e;
}

static void end(env *e)
{
	db_conn_put(e->c);
	arena_free(e->a);
}

static int64_t scalar(env *e, const char *sql, int64_t arg)
{
	db_stmt *s;
	int64_t v = -1;
	if (db_query(&s, e->c, sql, db_int(arg)) == 0 && db_step(s) == DB_ROW)
		v = db_col_int(s, 0);
	db_done(s);
	return v;
}

/* rc is code and the message contains text. */
static void refused(int rc, int code, const char *text)
{
	if (rc != code)
		fail_msg("expected %s, got %s (%s)", err_name(code), err_name(rc), err_msg());
	if (text && !strstr(err_msg(), text))
		fail_msg("expected a message with '%s', got '%s'", text, err_msg());
}

static void ok(int rc)
{
	if (rc != 0)
		fail_msg("expected success, got %s: %s", err_name(rc), err_msg());
}

static hub_user user(env *e, const char *name, bool confirmed)
{
	char email[128];
	snprintf(email, sizeof email, "%s@example.com", name);
	account_new n = { name, email, "correct horse battery", NULL, confirmed, false };
	hub_user u;
	ok(hub_account_create(e->c, e->a, &n, &u));
	return u;
}

static hub_workspace team(env *e, const hub_user *creator, const char *id,
                          const char *const *members, size_t nmembers)
{
	hub_team_new n = { id, NULL, members, nmembers, BASE_URL };
	hub_workspace ws;
	ok(hub_team_create(e->c, e->a, creator, &n, &ws));
	return ws;
}

static bool is_admin(env *e, const hub_user *u, const hub_workspace *ws)
{
	bool admin = false;
	ok(hub_perm_is_team_admin(e->c, u->id, ws->id, &admin));
	return admin;
}

static int64_t members_of(env *e, const hub_workspace *ws)
{
	return scalar(e, "SELECT COUNT(*) FROM team_members WHERE workspace_id = $1", ws->id);
}

/* The token of the newest mail's link under prefix ("/invitations/"), into out. */
typedef struct link_ctx {
	const char *prefix;
	char *out;
	bool found;
} link_ctx;

static void find_link(void *ctx, const mail_row *m)
{
	link_ctx *lc = ctx;
	const char *p = strstr(m->body, lc->prefix);
	if (lc->found || !p)
		return;
	p += strlen(lc->prefix);
	size_t n = strspn(p, "0123456789abcdef");
	snprintf(lc->out, 65, "%.*s", (int)(n < 64 ? n : 64), p);
	lc->found = true;
}

static void last_link(env *e, const char *prefix, char out[65])
{
	link_ctx lc = { prefix, out, false };
	ok(mail_list(e->f->d, 50, find_link, &lc));
	if (!lc.found)
		fail_msg("no mail with a link %s", prefix);
}

/* ---- rules ---- */

static void team_ids_have_lengths_and_characters(void **state)
{
	(void)state;
	char id[80];
	memset(id, 'a', 62);
	id[62] = '\0';
	ok(hub_team_check_id("a"));
	ok(hub_team_check_id(id));
	ok(hub_team_check_id("dev-ops_2"));
	id[62] = 'a';
	id[63] = '\0';
	refused(hub_team_check_id(id), WEFT_EINVALID, "Team ID: at most 62");
	refused(hub_team_check_id(""), WEFT_EINVALID, "Team ID:");
	refused(hub_team_check_id("Acme"), WEFT_EINVALID, "Team ID: only lowercase");
	refused(hub_team_check_id("ac me"), WEFT_EINVALID, "Team ID:");
	refused(hub_team_check_id("ac.me"), WEFT_EINVALID, "Team ID:");
	refused(hub_team_check_id("acm\xC3\xA9"), WEFT_EINVALID, "Team ID:");
	refused(hub_team_check_id("admin"), WEFT_EINVALID, "reserved");
	refused(hub_team_check_id("teams"), WEFT_EINVALID, "reserved");
	refused(hub_team_check_id("invitations"), WEFT_EINVALID, "reserved");
	ok(hub_team_check_name("Acme Corp. \xC3\xA9"));
	refused(hub_team_check_name(""), WEFT_EINVALID, "Team name:");
	refused(hub_team_check_name("two\nlines"), WEFT_EINVALID, "Team name:");
}

static void group_slugs_are_derived(void **state)
{
	(void)state;
	char slug[TEAM_ID_MAX + 1], name[200];
	ok(hub_group_slug(slug, "Release Managers!"));
	assert_string_equal(slug, "release-managers");
	ok(hub_group_slug(slug, "  --QA__Team  "));
	assert_string_equal(slug, "qa-team");
	ok(hub_group_slug(slug, "Caf\xC3\xA9 au lait"));
	assert_string_equal(slug, "caf-au-lait");
	ok(hub_group_slug(slug, "x"));
	assert_string_equal(slug, "x");
	refused(hub_group_slug(slug, "!!!"), WEFT_EINVALID, "Group name:");
	refused(hub_group_slug(slug, ""), WEFT_EINVALID, "Group name:");
	memset(name, 'b', 100);
	name[100] = '\0';
	ok(hub_group_slug(slug, name));
	assert_int_equal(strlen(slug), TEAM_ID_MAX);
	name[100] = 'b';
	name[101] = '\0';
	refused(hub_group_slug(slug, name), WEFT_EINVALID, "Group name: at most 100");
	/* a cut never ends on '-' */
	memset(name, 'c', 61);
	strcpy(name + 61, " dd");
	ok(hub_group_slug(slug, name));
	assert_int_equal(strlen(slug), 61);
}

/* ---- teams ---- */

static void create_makes_team_with_default_groups(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	const char *members[] = { "bob", "alice", "BOB" };
	hub_team_new n = { "acme", "Acme Corp", members, 3, BASE_URL };
	hub_workspace ws;
	ok(hub_team_create(e.c, e.a, &alice, &n, &ws));
	assert_true(ws.is_team);
	assert_string_equal(ws.slug, "acme");
	assert_string_equal(ws.name, "Acme Corp");
	assert_int_equal(ws.owner_id, 0);
	hub_group *groups;
	size_t ngroups;
	ok(hub_group_list(e.c, e.a, ws.id, &groups, &ngroups));
	assert_int_equal(ngroups, 2);
	assert_string_equal(groups[0].name, "Administrators");
	assert_string_equal(groups[0].slug, TEAM_ADMINS_GROUP);
	assert_int_equal(groups[0].permission, HUB_LEVEL_ADMIN);
	assert_true(groups[0].auto_add);
	assert_int_equal(groups[0].nmembers, 1);
	assert_string_equal(groups[0].members[0].username, "alice");
	assert_string_equal(groups[1].name, "Developers");
	assert_int_equal(groups[1].permission, HUB_LEVEL_WRITE);
	assert_true(groups[1].auto_add);
	assert_int_equal(groups[1].nmembers, 1);
	assert_string_equal(groups[1].members[0].username, "bob");
	assert_true(is_admin(&e, &alice, &ws));
	assert_false(is_admin(&e, &bob, &ws));
	assert_int_equal(members_of(&e, &ws), 2);
	/* the name defaults to the ID */
	hub_workspace other = team(&e, &bob, "other", NULL, 0);
	assert_string_equal(other.name, "other");
	end(&e);
}

typedef struct create_ctx {
	env *e;
	const hub_user *creator;
	hub_team_new n;
} create_ctx;

static int create_fn(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	hub_workspace ws;
	return hub_team_create(c, cc->e->a, cc->creator, &cc->n, &ws);
}

static int create_in_tx(env *e, const hub_user *creator, const char *id, const char *const *members,
                        size_t n)
{
	create_ctx cc = { e, creator, { id, "Name", members, n, BASE_URL } };
	return db_tx(e->f->d, create_fn, &cc);
}

static void refused_creates_change_nothing(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	team(&e, &alice, "acme", NULL, 0);
	refused(create_in_tx(&e, &alice, "alice", NULL, 0), WEFT_EEXISTS,
	        "Team ID: alice is already taken");
	refused(create_in_tx(&e, &alice, "acme", NULL, 0), WEFT_EEXISTS, "Team ID:");
	refused(create_in_tx(&e, &alice, "Bad Id", NULL, 0), WEFT_EINVALID, "Team ID:");
	const char *members[] = { "nobody_here" };
	refused(create_in_tx(&e, &alice, "fresh", members, 1), WEFT_ENOTFOUND, "nobody_here");
	const char *bad[] = { "not an address@" };
	refused(create_in_tx(&e, &alice, "fresh", bad, 1), WEFT_EINVALID, "Email:");
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM workspaces WHERE kind = 'team' AND $1 = 1", 1), 1);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM groups WHERE $1 = 1", 1), 2);
	/* a user cannot take a team's slug either */
	account_new n = { "acme", "acme@example.com", "correct horse battery", NULL, true, false };
	hub_user u;
	refused(hub_account_create(e.c, e.a, &n, &u), WEFT_EEXISTS, NULL);
	end(&e);
}

static void teams_are_renamed_and_deleted(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0), found;
	ok(hub_team_rename(e.c, &ws, "Acme Two"));
	ok(hub_workspace_find(e.c, e.a, "acme", &found));
	assert_string_equal(found.name, "Acme Two");
	refused(hub_team_rename(e.c, &ws, ""), WEFT_EINVALID, "Team name:");
	hub_workspace personal;
	ok(hub_workspace_find(e.c, e.a, "alice", &personal));
	refused(hub_team_rename(e.c, &personal, "x"), WEFT_ECONFLICT, "personal");
	refused(hub_team_delete(e.c, &personal), WEFT_ECONFLICT, "personal");
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                         " created_at, updated_at) VALUES ('u1', $1, 'r', 'r', 0, 0)",
	                         db_int(ws.id)),
	                 1);
	refused(hub_team_delete(e.c, &ws), WEFT_ECONFLICT, "repositories");
	assert_int_equal(
	        db_exec(e.c, "DELETE FROM repositories WHERE workspace_id = $1", db_int(ws.id)), 1);
	ok(hub_invitation_create(e.c, &ws, 0, "x@example.com", &alice, BASE_URL, NULL));
	ok(hub_team_delete(e.c, &ws));
	refused(hub_workspace_find(e.c, e.a, "acme", &found), WEFT_ENOTFOUND, NULL);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM groups WHERE $1 = 1", 1), 0);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM team_members WHERE $1 = 1", 1), 0);
	assert_int_equal(scalar(&e, "SELECT COUNT(*) FROM invitations WHERE $1 = 1", 1), 0);
	end(&e);
}

static void memberships_have_roles(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true),
	         carol = user(&e, "carol", true);
	const char *members[] = { "bob" };
	hub_workspace acme = team(&e, &alice, "acme", members, 1);
	team(&e, &bob, "bobs", NULL, 0);
	/* carol is a collaborator of acme: a grant on one repository, no membership */
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                         " created_at, updated_at) VALUES ('u1', $1, 'r', 'r', 0, 0)",
	                         db_int(acme.id)),
	                 1);
	assert_int_equal(db_exec(e.c,
	                         "INSERT INTO repository_user_permissions (repository_id, user_id,"
	                         " permission) SELECT id, $1, 'read' FROM repositories",
	                         db_int(carol.id)),
	                 1);
	hub_membership *m;
	size_t n;
	ok(hub_team_list_for_user(e.c, e.a, bob.id, true, &m, &n));
	assert_int_equal(n, 3);
	assert_string_equal(m[0].ws.slug, "bob");
	assert_int_equal(m[0].role, TEAM_ROLE_OWNER);
	assert_string_equal(m[1].ws.slug, "acme");
	assert_int_equal(m[1].role, TEAM_ROLE_MEMBER);
	assert_string_equal(m[2].ws.slug, "bobs");
	assert_int_equal(m[2].role, TEAM_ROLE_OWNER);
	ok(hub_team_list_for_user(e.c, e.a, bob.id, false, &m, &n));
	assert_int_equal(n, 2);
	ok(hub_team_list_for_user(e.c, e.a, carol.id, false, &m, &n));
	assert_int_equal(n, 1);
	assert_int_equal(m[0].role, TEAM_ROLE_COLLABORATOR);
	assert_string_equal(hub_member_role_name(m[0].role), "collaborator");
	hub_member_role role;
	ok(hub_member_role_of(e.c, alice.id, &acme, &role));
	assert_int_equal(role, TEAM_ROLE_OWNER);
	ok(hub_member_role_of(e.c, 0, &acme, &role));
	assert_int_equal(role, TEAM_ROLE_NONE);
	hub_member *members_list;
	ok(hub_member_list(e.c, e.a, acme.id, &members_list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(members_list[0].user.username, "alice");
	assert_int_equal(members_list[0].role, TEAM_ROLE_OWNER);
	assert_int_equal(members_list[1].role, TEAM_ROLE_MEMBER);
	hub_member one;
	ok(hub_member_find(e.c, e.a, acme.id, "BOB", &one));
	assert_int_equal(one.user.id, bob.id);
	char braced[40];
	snprintf(braced, sizeof braced, "{%s}", bob.uuid);
	ok(hub_member_find(e.c, e.a, acme.id, braced, &one));
	refused(hub_member_find(e.c, e.a, acme.id, "carol", &one), WEFT_ENOTFOUND, NULL);
	end(&e);
}

/* ---- the last administrator ---- */

static void the_last_administrator_stays(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	const char *members[] = { "bob" };
	hub_workspace ws = team(&e, &alice, "acme", members, 1);
	refused(hub_group_remove_user(e.c, ws.id, TEAM_ADMINS_GROUP, "alice"), WEFT_ECONFLICT,
	        "at least one administrator");
	refused(hub_member_remove(e.c, &ws, alice.id), WEFT_ECONFLICT, "administrator");
	hub_group_change demote = { NULL, HUB_LEVEL_WRITE, -1 };
	refused(hub_group_update(e.c, e.a, ws.id, TEAM_ADMINS_GROUP, &demote, NULL), WEFT_ECONFLICT,
	        "administrator");
	refused(hub_group_delete(e.c, ws.id, TEAM_ADMINS_GROUP), WEFT_ECONFLICT, "administrator");
	/* the rule is checked before anything is written */
	assert_true(is_admin(&e, &alice, &ws));
	assert_false(is_admin(&e, &bob, &ws));
	assert_int_equal(members_of(&e, &ws), 2);
	hub_group g;
	ok(hub_group_find(e.c, e.a, ws.id, TEAM_ADMINS_GROUP, &g));
	assert_int_equal(g.permission, HUB_LEVEL_ADMIN);
	/* other changes of the group are fine */
	hub_group_change rename = { "Admins", HUB_LEVEL_ADMIN, 0 };
	ok(hub_group_update(e.c, e.a, ws.id, TEAM_ADMINS_GROUP, &rename, &g));
	assert_string_equal(g.name, "Admins");
	assert_false(g.auto_add);
	end(&e);
}

typedef struct rule_ctx {
	env *e;
	hub_workspace ws;
	int step;
} rule_ctx;

static int rule_fn(db_conn *c, void *ctx)
{
	rule_ctx *rc = ctx;
	hub_group_change demote = { NULL, HUB_LEVEL_WRITE, -1 };
	switch (rc->step) {
	case 0: return hub_group_remove_user(c, rc->ws.id, TEAM_ADMINS_GROUP, "alice");
	case 1: return hub_member_remove(c, &rc->ws, rc->ws.owner_id);
	case 2: return hub_group_update(c, rc->e->a, rc->ws.id, TEAM_ADMINS_GROUP, &demote, NULL);
	default: return hub_group_delete(c, rc->ws.id, TEAM_ADMINS_GROUP);
	}
}

static void refusals_roll_back(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	const char *members[] = { "bob" };
	rule_ctx rc = { &e, team(&e, &alice, "acme", members, 1), 0 };
	rc.ws.owner_id = alice.id; /* the user step 1 removes */
	for (rc.step = 0; rc.step < 4; rc.step++) {
		refused(db_tx(e.f->d, rule_fn, &rc), WEFT_ECONFLICT, "administrator");
		assert_true(is_admin(&e, &alice, &rc.ws));
		assert_int_equal(members_of(&e, &rc.ws), 2);
	}
	hub_group g;
	ok(hub_group_find(e.c, e.a, rc.ws.id, TEAM_ADMINS_GROUP, &g));
	assert_int_equal(g.permission, HUB_LEVEL_ADMIN);
	(void)bob;
	end(&e);
}

static void two_administrators_may_lose_one(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	ok(hub_group_add_user(e.c, e.a, &ws, TEAM_ADMINS_GROUP, "bob", NULL));
	assert_true(is_admin(&e, &bob, &ws));
	ok(hub_group_remove_user(e.c, ws.id, TEAM_ADMINS_GROUP, "alice"));
	assert_false(is_admin(&e, &alice, &ws));
	ok(hub_group_add_user(e.c, e.a, &ws, TEAM_ADMINS_GROUP, "alice", NULL));
	ok(hub_member_remove(e.c, &ws, bob.id));
	assert_int_equal(members_of(&e, &ws), 1);
	/* an admin group of its own keeps a team administered while the default one goes */
	hub_group_new g = { "Owners", HUB_LEVEL_ADMIN, false };
	hub_group made;
	ok(hub_group_create(e.c, e.a, &ws, &g, &made));
	ok(hub_group_add_user(e.c, e.a, &ws, "owners", "alice", NULL));
	ok(hub_group_delete(e.c, ws.id, TEAM_ADMINS_GROUP));
	assert_true(is_admin(&e, &alice, &ws));
	end(&e);
}

/* ---- groups ---- */

static void groups_are_made_changed_and_deleted(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0), personal;
	hub_group_new g = { "QA Team", HUB_LEVEL_READ, false };
	hub_group made;
	ok(hub_group_create(e.c, e.a, &ws, &g, &made));
	assert_string_equal(made.slug, "qa-team");
	assert_int_equal(made.permission, HUB_LEVEL_READ);
	assert_false(made.auto_add);
	hub_group_new clash = { "qa--team", HUB_LEVEL_WRITE, true };
	refused(hub_group_create(e.c, e.a, &ws, &clash, &made), WEFT_EEXISTS, "Group name:");
	hub_group_new none = { "Nobody", HUB_LEVEL_NONE, false };
	refused(hub_group_create(e.c, e.a, &ws, &none, &made), WEFT_EINVALID, "Permission:");
	ok(hub_workspace_find(e.c, e.a, "alice", &personal));
	refused(hub_group_create(e.c, e.a, &personal, &g, &made), WEFT_ECONFLICT, NULL);
	/* another team may have the same slug */
	hub_workspace other = team(&e, &bob, "other", NULL, 0);
	ok(hub_group_create(e.c, e.a, &other, &g, &made));
	hub_group_change ch = { "Quality", HUB_LEVEL_WRITE, 1 };
	hub_group changed;
	ok(hub_group_update(e.c, e.a, ws.id, "qa-team", &ch, &changed));
	assert_string_equal(changed.name, "Quality");
	assert_string_equal(changed.slug, "qa-team");
	assert_int_equal(changed.permission, HUB_LEVEL_WRITE);
	assert_true(changed.auto_add);
	hub_group_change bad = { "", HUB_LEVEL_NONE, -1 };
	refused(hub_group_update(e.c, e.a, ws.id, "qa-team", &bad, NULL), WEFT_EINVALID,
	        "Group name:");
	refused(hub_group_update(e.c, e.a, ws.id, "nope", &ch, NULL), WEFT_ENOTFOUND, NULL);
	ok(hub_group_delete(e.c, ws.id, "qa-team"));
	refused(hub_group_find(e.c, e.a, ws.id, "qa-team", &changed), WEFT_ENOTFOUND, NULL);
	end(&e);
}

static void group_members_join_the_team(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	user(&e, "carol", false);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_member_add_result r;
	ok(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "bob", &alice, BASE_URL, &r));
	assert_false(r.invited);
	assert_int_equal(r.user.id, bob.id);
	assert_int_equal(members_of(&e, &ws), 2);
	refused(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "bob", &alice, BASE_URL, &r),
	        WEFT_EEXISTS, "already");
	refused(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "ghost", &alice, BASE_URL, &r),
	        WEFT_ENOTFOUND, "Member: there is no user");
	refused(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "a b", &alice, BASE_URL, &r),
	        WEFT_EINVALID, "Member:");
	refused(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "", &alice, BASE_URL, &r),
	        WEFT_EINVALID, "Member:");
	/* an account's confirmed address adds that account */
	ok(hub_group_add(e.c, e.a, &ws, TEAM_ADMINS_GROUP, "BOB@example.com", &alice, BASE_URL,
	                 &r));
	assert_false(r.invited);
	assert_true(is_admin(&e, &bob, &ws));
	/* an unconfirmed address is only an invitation */
	ok(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "carol@example.com", &alice,
	                 BASE_URL, &r));
	assert_true(r.invited);
	assert_int_equal(members_of(&e, &ws), 2);
	/* leaving the team leaves every group */
	ok(hub_member_remove(e.c, &ws, bob.id));
	assert_false(is_admin(&e, &bob, &ws));
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM group_members WHERE user_id = $1", bob.id), 0);
	refused(hub_member_remove(e.c, &ws, bob.id), WEFT_ENOTFOUND, NULL);
	/* leaving a group keeps the team */
	ok(hub_group_add_user(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "bob", NULL));
	ok(hub_group_remove_user(e.c, ws.id, TEAM_DEVELOPERS_GROUP, "bob"));
	assert_int_equal(members_of(&e, &ws), 2);
	refused(hub_group_remove_user(e.c, ws.id, TEAM_DEVELOPERS_GROUP, "bob"), WEFT_ENOTFOUND,
	        NULL);
	end(&e);
}

/* ---- plans ---- */

static hub_plan plan(env *e, const char *name, int64_t repos, int64_t members)
{
	hub_plan p;
	ok(hub_plan_create(e->c, e->a, name, repos, members, &p));
	return p;
}

static void plans_are_defined_and_checked(void **state)
{
	env e = begin(state);
	int64_t v;
	ok(hub_plan_parse_limit(&v, "Maximum members", ""));
	assert_int_equal(v, PLAN_UNLIMITED);
	ok(hub_plan_parse_limit(&v, "Maximum members", "0"));
	assert_int_equal(v, 0);
	refused(hub_plan_parse_limit(&v, "Maximum members", "-1"), WEFT_EINVALID,
	        "Maximum members:");
	refused(hub_plan_parse_limit(&v, "Maximum members", "2x"), WEFT_EINVALID,
	        "Maximum members:");
	hub_plan free_plan = plan(&e, "Free", 1, 2), p;
	assert_int_equal(free_plan.max_private_repositories, 1);
	refused(hub_plan_create(e.c, e.a, "FREE", 1, 1, &p), WEFT_EEXISTS, "Plan name:");
	refused(hub_plan_create(e.c, e.a, "", 1, 1, &p), WEFT_EINVALID, "Plan name:");
	hub_plan open = plan(&e, "Open", PLAN_UNLIMITED, PLAN_UNLIMITED);
	ok(hub_plan_update(e.c, open.id, "Unlimited", PLAN_UNLIMITED, 5));
	ok(hub_plan_find(e.c, e.a, open.id, &p));
	assert_string_equal(p.name, "Unlimited");
	assert_int_equal(p.max_members, 5);
	assert_int_equal(p.max_private_repositories, PLAN_UNLIMITED);
	refused(hub_plan_update(e.c, open.id, "Free", 1, 1), WEFT_EEXISTS, NULL);
	hub_user alice = user(&e, "alice", true);
	team(&e, &alice, "acme", NULL, 0);
	ok(hub_plan_assign(e.c, "acme", free_plan.id));
	refused(hub_plan_assign(e.c, "alice", free_plan.id), WEFT_ECONFLICT, NULL);
	refused(hub_plan_assign(e.c, "nope", free_plan.id), WEFT_ENOTFOUND, "Team:");
	refused(hub_plan_delete(e.c, free_plan.id), WEFT_ECONFLICT, "Free");
	hub_plan *plans;
	size_t n;
	ok(hub_plan_list(e.c, e.a, &plans, &n));
	assert_int_equal(n, 2);
	assert_string_equal(plans[0].name, "Free");
	assert_int_equal(plans[0].teams, 1);
	ok(hub_plan_assign(e.c, "acme", 0));
	ok(hub_plan_delete(e.c, free_plan.id));
	refused(hub_plan_find(e.c, e.a, free_plan.id, &p), WEFT_ENOTFOUND, NULL);
	end(&e);
}

static void member_limits_name_limit_and_plan(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	user(&e, "carol", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_plan small = plan(&e, "Small", PLAN_UNLIMITED, 2);
	ok(hub_plan_assign(e.c, "acme", small.id));
	ok(hub_plan_check_member_limit(e.c, ws.id, 1));
	ok(hub_group_add_user(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "bob", NULL));
	refused(hub_group_add_user(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "carol", NULL),
	        WEFT_ELIMIT, "at most 2 members");
	assert_non_null(strstr(err_msg(), "Small"));
	refused(hub_invitation_create(e.c, &ws, 0, "dave@example.com", &alice, BASE_URL, NULL),
	        WEFT_ELIMIT, "Small");
	/* a pending invitation counts */
	ok(hub_member_remove(e.c, &ws, bob.id));
	ok(hub_invitation_create(e.c, &ws, 0, "dave@example.com", &alice, BASE_URL, NULL));
	refused(hub_group_add_user(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "bob", NULL), WEFT_ELIMIT,
	        "Members:");
	/* inviting the same address again replaces it, and fits */
	ok(hub_invitation_create(e.c, &ws, 0, "dave@example.com", &alice, BASE_URL, NULL));
	/* a plan the team already exceeds cannot be given */
	hub_plan tiny = plan(&e, "Tiny", PLAN_UNLIMITED, 1);
	refused(hub_plan_assign(e.c, "acme", tiny.id), WEFT_ELIMIT, "Tiny");
	/* no plan: no limit */
	ok(hub_plan_assign(e.c, "acme", 0));
	ok(hub_group_add_user(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "bob", NULL));
	ok(hub_group_add_user(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "carol", NULL));
	end(&e);
}

static void insert_repo(env *e, const hub_workspace *ws, const char *slug, bool is_private)
{
	assert_int_equal(db_exec(e->c,
	                         "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                         " is_private, created_at, updated_at)"
	                         " VALUES ($1, $2, $1, $1, $3, 0, 0)",
	                         db_text(slug), db_int(ws->id), db_int(is_private)),
	                 1);
}

static void private_repository_limits(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	ok(hub_plan_check_private_repo_limit(e.c, ws.id)); /* no plan */
	hub_plan p = plan(&e, "Starter", 2, PLAN_UNLIMITED);
	ok(hub_plan_assign(e.c, "acme", p.id));
	insert_repo(&e, &ws, "one", true);
	insert_repo(&e, &ws, "pub", false);
	insert_repo(&e, &ws, "pub2", false);
	ok(hub_plan_check_private_repo_limit(e.c, ws.id));
	insert_repo(&e, &ws, "two", true);
	refused(hub_plan_check_private_repo_limit(e.c, ws.id), WEFT_ELIMIT,
	        "at most 2 private repositories");
	assert_non_null(strstr(err_msg(), "Starter"));
	hub_plan none = plan(&e, "No private", 0, PLAN_UNLIMITED);
	refused(hub_plan_assign(e.c, "acme", none.id), WEFT_ELIMIT, "private repositories");
	ok(hub_plan_update(e.c, p.id, "Starter", PLAN_UNLIMITED, PLAN_UNLIMITED));
	ok(hub_plan_check_private_repo_limit(e.c, ws.id));
	end(&e);
}

/* ---- invitations ---- */

static void invitations_are_single_use_and_bound(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), mallory = user(&e, "mallory", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_member_add_result r;
	ok(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "new@example.com", &alice, BASE_URL,
	                 &r));
	assert_true(r.invited);
	char token[65];
	last_link(&e, "/invitations/", token);
	assert_int_equal(strlen(token), 64);
	team_invitation inv;
	ok(hub_invitation_find(e.c, e.a, token, &inv));
	assert_string_equal(inv.email, "new@example.com");
	assert_string_equal(inv.workspace_slug, "acme");
	assert_string_equal(inv.group_slug, TEAM_DEVELOPERS_GROUP);
	assert_string_equal(inv.invited_by, "alice");
	assert_true(inv.expires_at - inv.created_at >= TEAM_INVITATION_LIFETIME_MS - 1000);
	team_invitation *list;
	size_t n;
	ok(hub_invitation_list(e.c, e.a, ws.id, &list, &n));
	assert_int_equal(n, 1);
	/* bound to its address */
	refused(hub_invitation_accept(e.c, e.a, token, &mallory, NULL), WEFT_EPERM,
	        "new@example.com");
	hub_user newbie = user(&e, "newbie", false);
	assert_int_equal(db_exec(e.c,
	                         "UPDATE emails SET address = 'new@example.com'"
	                         " WHERE user_id = $1",
	                         db_int(newbie.id)),
	                 1);
	refused(hub_invitation_accept(e.c, e.a, token, &newbie, NULL), WEFT_EPERM, "confirm");
	assert_int_equal(db_exec(e.c, "UPDATE emails SET confirmed_at = 1 WHERE user_id = $1",
	                         db_int(newbie.id)),
	                 1);
	ok(hub_invitation_accept(e.c, e.a, token, &newbie, &inv));
	hub_member m;
	ok(hub_member_find(e.c, e.a, ws.id, "newbie", &m));
	hub_group g;
	ok(hub_group_find(e.c, e.a, ws.id, TEAM_DEVELOPERS_GROUP, &g));
	assert_int_equal(g.nmembers, 1);
	/* single use */
	refused(hub_invitation_accept(e.c, e.a, token, &newbie, NULL), WEFT_ENOTFOUND, NULL);
	refused(hub_invitation_find(e.c, e.a, token, &inv), WEFT_ENOTFOUND, NULL);
	ok(hub_invitation_list(e.c, e.a, ws.id, &list, &n));
	assert_int_equal(n, 0);
	end(&e);
}

static void invitations_expire_revoke_and_resend(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	int64_t id = 0;
	char first[65], second[65];
	team_invitation inv;
	ok(hub_invitation_create(e.c, &ws, 0, "x@example.com", &alice, BASE_URL, &id));
	last_link(&e, "/invitations/", first);
	ok(hub_invitation_resend(e.c, ws.id, id, BASE_URL));
	last_link(&e, "/invitations/", second);
	assert_string_not_equal(first, second);
	refused(hub_invitation_find(e.c, e.a, first, &inv), WEFT_ENOTFOUND, NULL);
	ok(hub_invitation_find(e.c, e.a, second, &inv));
	assert_null(inv.group_slug);
	/* expired after 7 days */
	assert_int_equal(db_exec(e.c, "UPDATE invitations SET expires_at = $1 WHERE id = $2",
	                         db_int(clock_now_ms() - 1), db_int(id)),
	                 1);
	refused(hub_invitation_find(e.c, e.a, second, &inv), WEFT_ENOTFOUND, "expired");
	refused(hub_invitation_resend(e.c, ws.id, id, BASE_URL), WEFT_ENOTFOUND, NULL);
	refused(hub_invitation_revoke(e.c, ws.id, id), WEFT_ENOTFOUND, NULL);
	/* revoked */
	ok(hub_invitation_create(e.c, &ws, 0, "y@example.com", &alice, BASE_URL, &id));
	last_link(&e, "/invitations/", first);
	refused(hub_invitation_revoke(e.c, ws.id + 1000, id), WEFT_ENOTFOUND, NULL);
	ok(hub_invitation_revoke(e.c, ws.id, id));
	refused(hub_invitation_find(e.c, e.a, first, &inv), WEFT_ENOTFOUND, NULL);
	refused(hub_invitation_revoke(e.c, ws.id, id), WEFT_ENOTFOUND, NULL);
	refused(hub_invitation_create(e.c, &ws, 0, "not-an-address", &alice, BASE_URL, &id),
	        WEFT_EINVALID, "Email:");
	end(&e);
}

static void confirming_an_address_accepts_invitations(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_workspace full = team(&e, &alice, "full", NULL, 0);
	ok(hub_invitation_create(e.c, &ws, 0, "Zed@example.com", &alice, BASE_URL, NULL));
	hub_member_add_result r;
	ok(hub_group_add(e.c, e.a, &ws, TEAM_DEVELOPERS_GROUP, "zed@example.com", &alice, BASE_URL,
	                 &r));
	ok(hub_invitation_create(e.c, &full, 0, "zed@example.com", &alice, BASE_URL, NULL));
	hub_plan p = plan(&e, "Two", PLAN_UNLIMITED, 2);
	ok(hub_plan_assign(e.c, "full", p.id));
	/* someone fills the full team while the invitation waits */
	assert_int_equal(
	        db_exec(e.c, "UPDATE plans SET max_members = 1 WHERE id = $1", db_int(p.id)), 1);
	account_new n = { "zed", "zed@example.com", "correct horse battery", NULL, false, false };
	hub_user zed;
	ok(hub_account_create(e.c, e.a, &n, &zed));
	ok(hub_invitation_accept_all_for(e.c, zed.id, NULL)); /* not confirmed: nothing */
	assert_int_equal(members_of(&e, &ws), 1);
	ok(hub_confirm_send(e.c, &zed, BASE_URL));
	char token[65];
	last_link(&e, "/confirm/", token);
	int64_t user_id = 0;
	ok(hub_confirm_follow(e.c, token, &user_id));
	assert_int_equal(user_id, zed.id);
	hub_member m;
	ok(hub_member_find(e.c, e.a, ws.id, "zed", &m));
	hub_group g;
	ok(hub_group_find(e.c, e.a, ws.id, TEAM_DEVELOPERS_GROUP, &g));
	assert_int_equal(g.nmembers, 1);
	assert_int_equal(members_of(&e, &full), 1); /* the full team's invitation waits */
	team_invitation *list;
	size_t count;
	ok(hub_invitation_list(e.c, e.a, full.id, &list, &count));
	assert_int_equal(count, 1);
	ok(hub_invitation_list(e.c, e.a, ws.id, &list, &count));
	assert_int_equal(count, 0);
	end(&e);
}

static void pages_show_what_the_viewer_may_read(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), bob = user(&e, "bob", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	insert_repo(&e, &ws, "secret", true);
	insert_repo(&e, &ws, "open", false);
	team_repository *repos;
	size_t n;
	ok(hub_team_visible_repositories(e.c, e.a, NULL, &ws, &repos, &n));
	assert_int_equal(n, 1);
	assert_string_equal(repos[0].slug, "open");
	ok(hub_team_visible_repositories(e.c, e.a, &bob, &ws, &repos, &n));
	assert_int_equal(n, 1);
	ok(hub_team_visible_repositories(e.c, e.a, &alice, &ws, &repos, &n));
	assert_int_equal(n, 2);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(team_ids_have_lengths_and_characters),
		cmocka_unit_test(group_slugs_are_derived),
		cmocka_unit_test(create_makes_team_with_default_groups),
		cmocka_unit_test(refused_creates_change_nothing),
		cmocka_unit_test(teams_are_renamed_and_deleted),
		cmocka_unit_test(memberships_have_roles),
		cmocka_unit_test(the_last_administrator_stays),
		cmocka_unit_test(refusals_roll_back),
		cmocka_unit_test(two_administrators_may_lose_one),
		cmocka_unit_test(groups_are_made_changed_and_deleted),
		cmocka_unit_test(group_members_join_the_team),
		cmocka_unit_test(plans_are_defined_and_checked),
		cmocka_unit_test(member_limits_name_limit_and_plan),
		cmocka_unit_test(private_repository_limits),
		cmocka_unit_test(invitations_are_single_use_and_bound),
		cmocka_unit_test(invitations_expire_revoke_and_resend),
		cmocka_unit_test(confirming_an_address_accepts_invitations),
		cmocka_unit_test(pages_show_what_the_viewer_may_read),
	};
	return fixture_run_engine_tests("hub/team", tests, sizeof tests / sizeof tests[0], 2);
}
