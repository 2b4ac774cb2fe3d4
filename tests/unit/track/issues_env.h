/* Shortcuts for the tests of track's projects, issues, workflows, comments and work logs: a
 * migrated database of either engine, an arena, a connection outside any transaction, users and
 * a project. Header-only: each test file includes it once. */
#ifndef WEFT_TESTS_TRACK_ISSUES_ENV_H
#define WEFT_TESTS_TRACK_ISSUES_ENV_H

#include "../db/fixture.h"

#include "base/arena.h"
#include "base/err.h"
#include "db/migrate.h"
#include "track/account/account.h"
#include "track/issue/issue.h"
#include "track/project/project.h"

typedef struct env {
	fixture *f;
	arena *a;
	db_conn *c; /* outside a transaction: each statement commits at once */
} env;

#define ok(expr)                                                      \
	do {                                                          \
		int rc_ = (expr);                                     \
		if (rc_ != 0)                                         \
			fail_msg("%s: %d %s", #expr, rc_, err_msg()); \
	} while (0)

static inline env begin(void **state)
{
	fixture *f = *state;
	return (env){ f, arena_new(), fixture_migrated_conn(f, "track") };
}

static inline void end(env *e)
{
	db_conn_put(e->c);
	arena_free(e->a);
}

static inline track_user make_user(env *e, const char *username, bool admin)
{
	track_account_new n = { username, arena_printf(e->a, "%s@example.com", username),
		                "a long enough password", NULL, admin };
	track_user u;
	if (track_account_create(e->c, e->a, &n, &u) < 0)
		fail_msg("creating %s: %s", username, err_msg());
	return u;
}

static inline track_project make_project(env *e, const char *key, const track_user *creator)
{
	track_project p;
	ok(track_project_create(e->c, e->a, key, arena_printf(e->a, "Project %s", key), "", 0,
	                        creator->id, &p));
	return p;
}

static inline track_issue make_issue(env *e, const track_project *p, const track_user *u,
                                     const char *summary)
{
	track_issue_fields f = track_issue_fields_none();
	f.summary = summary;
	track_issue i;
	const char *field = NULL;
	ok(track_issue_create(e->c, e->a, p->id, &f, u->id, &i, &field));
	return i;
}

static inline int64_t scalar(env *e, const char *sql, db_arg arg)
{
	return fixture_conn_scalar(e->c, sql, arg);
}

#endif
