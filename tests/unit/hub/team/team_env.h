/* What the tests of src/hub/team/ share: a migrated hub database per engine, a connection outside
 * any transaction, and short ways to make users and teams and to read the outbox's links. */
#ifndef WEFT_TESTS_HUB_TEAM_ENV_H
#define WEFT_TESTS_HUB_TEAM_ENV_H

#include "../hub_env.h"

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
#include "hub/team/group.h"
#include "hub/team/invitation.h"
#include "hub/team/plan.h"
#include "hub/team/team.h"
#include "mail/mail.h"

#define BASE_URL "http://hub.test"

typedef hub_env env;

static inline env begin(void **state)
{
	return hub_env_begin(state);
}

static inline void end(env *e)
{
	hub_env_end(e);
}

static inline int64_t scalar(env *e, const char *sql, int64_t arg)
{
	return hub_env_scalar(e, sql, db_int(arg));
}

static inline hub_user user(env *e, const char *name, bool confirmed)
{
	char email[128];
	snprintf(email, sizeof email, "%s@example.com", name);
	account_new n = { name, email, "correct horse battery", NULL, confirmed, false };
	hub_user u;
	hub_env_ok(hub_account_create(e->c, e->a, &n, &u));
	return u;
}

static inline hub_workspace team(env *e, const hub_user *creator, const char *id,
                                 const char *const *members, size_t nmembers)
{
	hub_team_new n = { id, NULL, members, nmembers, BASE_URL };
	hub_workspace ws;
	hub_env_ok(hub_team_create(e->c, e->a, creator, &n, &ws));
	return ws;
}

static inline bool is_admin(env *e, const hub_user *u, const hub_workspace *ws)
{
	bool admin = false;
	hub_env_ok(hub_perm_is_team_admin(e->c, u->id, ws->id, &admin));
	return admin;
}

static inline int64_t members_of(env *e, const hub_workspace *ws)
{
	return scalar(e, "SELECT COUNT(*) FROM team_members WHERE workspace_id = $1", ws->id);
}

/* The token of the newest mail's link under prefix ("/invitations/"), into out. */
typedef struct link_ctx {
	const char *prefix;
	char *out;
	bool found;
} link_ctx;

static inline void find_link(void *ctx, const mail_row *m)
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

static inline void last_link(env *e, const char *prefix, char out[65])
{
	link_ctx lc = { prefix, out, false };
	hub_env_ok(mail_list(e->f->d, 50, find_link, &lc));
	if (!lc.found)
		fail_msg("no mail with a link %s", prefix);
}

static inline hub_plan plan(env *e, const char *name, int64_t repos, int64_t members)
{
	hub_plan p;
	hub_env_ok(hub_plan_create(e->c, e->a, name, repos, members, &p));
	return p;
}

static inline void insert_repo(env *e, const hub_workspace *ws, const char *slug, bool is_private)
{
	assert_int_equal(db_exec(e->c,
	                         "INSERT INTO repositories (uuid, workspace_id, slug, name,"
	                         " is_private, created_at, updated_at)"
	                         " VALUES ($1, $2, $1, $1, $3, 0, 0)",
	                         db_text(slug), db_int(ws->id), db_int(is_private)),
	                 1);
}

#endif
