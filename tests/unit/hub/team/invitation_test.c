/* Tests of src/hub/team/invitation.c: single use, bound to an address, expiry, revoke and resend,
 * and acceptance once an address is confirmed, on both engines. */
#include "team_env.h"

static void invitations_are_single_use_and_bound(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true), mallory = user(&e, "mallory", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_member_add_result r;
	hub_env_ok(hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "new@example.com", &alice,
	                         BASE_URL, &r));
	assert_true(r.invited);
	char token[65];
	last_link(&e, "/invitations/", token);
	assert_int_equal(strlen(token), 64);
	hub_invitation inv;
	hub_env_ok(hub_invitation_find(e.c, e.a, token, &inv));
	assert_string_equal(inv.email, "new@example.com");
	assert_string_equal(inv.workspace_slug, "acme");
	assert_string_equal(inv.group_slug, HUB_GROUP_DEVELOPERS);
	assert_string_equal(inv.invited_by, "alice");
	assert_true(inv.expires_at - inv.created_at >= HUB_INVITATION_LIFETIME_MS - 1000);
	hub_invitation *list;
	size_t n;
	hub_env_ok(hub_invitation_list(e.c, e.a, ws.id, &list, &n));
	assert_int_equal(n, 1);
	/* bound to its address */
	hub_env_refused(hub_invitation_accept(e.c, e.a, token, &mallory, NULL), WEFT_EPERM,
	                "new@example.com");
	hub_user newbie = user(&e, "newbie", false);
	assert_int_equal(db_exec(e.c,
	                         "UPDATE emails SET address = 'new@example.com'"
	                         " WHERE user_id = $1",
	                         db_int(newbie.id)),
	                 1);
	hub_env_refused(hub_invitation_accept(e.c, e.a, token, &newbie, NULL), WEFT_EPERM,
	                "confirm");
	assert_int_equal(db_exec(e.c, "UPDATE emails SET confirmed_at = 1 WHERE user_id = $1",
	                         db_int(newbie.id)),
	                 1);
	hub_env_ok(hub_invitation_accept(e.c, e.a, token, &newbie, &inv));
	hub_member m;
	hub_env_ok(hub_member_find(e.c, e.a, ws.id, "newbie", &m));
	hub_group g;
	hub_env_ok(hub_group_find(e.c, e.a, ws.id, HUB_GROUP_DEVELOPERS, &g));
	assert_int_equal(g.nmembers, 1);
	/* single use */
	hub_env_refused(hub_invitation_accept(e.c, e.a, token, &newbie, NULL), WEFT_ENOTFOUND,
	                NULL);
	hub_env_refused(hub_invitation_find(e.c, e.a, token, &inv), WEFT_ENOTFOUND, NULL);
	hub_env_ok(hub_invitation_list(e.c, e.a, ws.id, &list, &n));
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
	hub_invitation inv;
	hub_env_ok(hub_invitation_create(e.c, &ws, 0, "x@example.com", &alice, BASE_URL, &id));
	last_link(&e, "/invitations/", first);
	hub_env_ok(hub_invitation_resend(e.c, ws.id, id, BASE_URL));
	last_link(&e, "/invitations/", second);
	assert_string_not_equal(first, second);
	hub_env_refused(hub_invitation_find(e.c, e.a, first, &inv), WEFT_ENOTFOUND, NULL);
	hub_env_ok(hub_invitation_find(e.c, e.a, second, &inv));
	assert_null(inv.group_slug);
	/* expired after 7 days */
	assert_int_equal(db_exec(e.c, "UPDATE invitations SET expires_at = $1 WHERE id = $2",
	                         db_int(clock_now_ms() - 1), db_int(id)),
	                 1);
	hub_env_refused(hub_invitation_find(e.c, e.a, second, &inv), WEFT_ENOTFOUND, "expired");
	hub_env_refused(hub_invitation_resend(e.c, ws.id, id, BASE_URL), WEFT_ENOTFOUND, NULL);
	hub_env_refused(hub_invitation_revoke(e.c, ws.id, id), WEFT_ENOTFOUND, NULL);
	/* revoked */
	hub_env_ok(hub_invitation_create(e.c, &ws, 0, "y@example.com", &alice, BASE_URL, &id));
	last_link(&e, "/invitations/", first);
	hub_env_refused(hub_invitation_revoke(e.c, ws.id + 1000, id), WEFT_ENOTFOUND, NULL);
	hub_env_ok(hub_invitation_revoke(e.c, ws.id, id));
	hub_env_refused(hub_invitation_find(e.c, e.a, first, &inv), WEFT_ENOTFOUND, NULL);
	hub_env_refused(hub_invitation_revoke(e.c, ws.id, id), WEFT_ENOTFOUND, NULL);
	hub_env_refused(hub_invitation_create(e.c, &ws, 0, "not-an-address", &alice, BASE_URL, &id),
	                WEFT_EINVALID, "Email:");
	end(&e);
}

static void confirming_an_address_accepts_invitations(void **state)
{
	env e = begin(state);
	hub_user alice = user(&e, "alice", true);
	hub_workspace ws = team(&e, &alice, "acme", NULL, 0);
	hub_workspace full = team(&e, &alice, "full", NULL, 0);
	hub_env_ok(hub_invitation_create(e.c, &ws, 0, "Zed@example.com", &alice, BASE_URL, NULL));
	hub_member_add_result r;
	hub_env_ok(hub_group_add(e.c, e.a, &ws, HUB_GROUP_DEVELOPERS, "zed@example.com", &alice,
	                         BASE_URL, &r));
	hub_env_ok(hub_invitation_create(e.c, &full, 0, "zed@example.com", &alice, BASE_URL, NULL));
	hub_plan p = plan(&e, "Two", PLAN_UNLIMITED, 2);
	hub_env_ok(hub_plan_assign(e.c, "full", p.id));
	/* someone fills the full team while the invitation waits */
	assert_int_equal(
	        db_exec(e.c, "UPDATE plans SET max_members = 1 WHERE id = $1", db_int(p.id)), 1);
	account_new n = { "zed", "zed@example.com", "correct horse battery", NULL, false, false };
	hub_user zed;
	hub_env_ok(hub_account_create(e.c, e.a, &n, &zed));
	hub_env_ok(hub_invitation_accept_all_for(e.c, zed.id, NULL)); /* not confirmed: nothing */
	assert_int_equal(members_of(&e, &ws), 1);
	hub_env_ok(hub_confirm_send(e.c, &zed, BASE_URL));
	char token[65];
	last_link(&e, "/confirm/", token);
	int64_t user_id = 0;
	hub_env_ok(hub_confirm_follow(e.c, token, &user_id));
	assert_int_equal(user_id, zed.id);
	hub_member m;
	hub_env_ok(hub_member_find(e.c, e.a, ws.id, "zed", &m));
	hub_group g;
	hub_env_ok(hub_group_find(e.c, e.a, ws.id, HUB_GROUP_DEVELOPERS, &g));
	assert_int_equal(g.nmembers, 1);
	assert_int_equal(members_of(&e, &full), 1); /* the full team's invitation waits */
	hub_invitation *list;
	size_t count;
	hub_env_ok(hub_invitation_list(e.c, e.a, full.id, &list, &count));
	assert_int_equal(count, 1);
	hub_env_ok(hub_invitation_list(e.c, e.a, ws.id, &list, &count));
	assert_int_equal(count, 0);
	end(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invitations_are_single_use_and_bound),
		cmocka_unit_test(invitations_expire_revoke_and_resend),
		cmocka_unit_test(confirming_an_address_accepts_invitations),
	};
	return fixture_run_service_tests("hub/team/invitation", "hub", tests,
	                                 sizeof tests / sizeof tests[0], 2);
}
