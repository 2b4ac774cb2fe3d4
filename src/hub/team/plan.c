/* Plans: their rules, storage and assignment to teams (plan.h). */
#include "hub/team/plan.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/hub_perm.h"
#include "hub/team/team.h"

int hub_plan_parse_limit(int64_t *out, const char *field, const char *text)
{
	if (!text || !*text) {
		*out = PLAN_UNLIMITED;
		return 0;
	}
	int64_t v = 0;
	if (str_to_i64(&v, text, 0, PLAN_LIMIT_MAX, field) < 0)
		return err_fail(WEFT_EINVALID,
		                "%s: a whole number from 0 to %d, or empty for no limit.", field,
		                PLAN_LIMIT_MAX);
	*out = v;
	return 0;
}

static int check_name(const char *name)
{
	size_t n = strlen(name), chars = 0;
	if (n == 0)
		return err_fail(WEFT_EINVALID, "Plan name: enter a name.");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		chars += (*p & 0xC0) != 0x80;
		if (*p < 0x20 || *p == 0x7f)
			return err_fail(WEFT_EINVALID, "Plan name: no control characters.");
	}
	if (!str_is_utf8(name, n) || chars > PLAN_NAME_MAX)
		return err_fail(WEFT_EINVALID, "Plan name: at most %d characters of text.",
		                PLAN_NAME_MAX);
	return 0;
}

static int check_limit(const char *field, int64_t limit)
{
	if (limit != PLAN_UNLIMITED && (limit < 0 || limit > PLAN_LIMIT_MAX))
		return err_fail(WEFT_EINVALID, "%s: a whole number from 0 to %d, or no limit.",
		                field, PLAN_LIMIT_MAX);
	return 0;
}

static int check_plan(const char *name, int64_t max_private_repositories, int64_t max_members)
{
	int rc = check_name(name);
	if (rc == 0)
		rc = check_limit("Maximum private repositories", max_private_repositories);
	if (rc == 0)
		rc = check_limit("Maximum members", max_members);
	return rc;
}

static db_arg limit_arg(int64_t limit)
{
	return limit == PLAN_UNLIMITED ? db_null() : db_int(limit);
}

static int taken(int rc, const char *name)
{
	if (rc == WEFT_EEXISTS)
		return err_fail(WEFT_EEXISTS, "Plan name: %s is already taken.", name);
	return rc;
}

#define PLAN_SELECT                                                      \
	"SELECT p.id, p.name, COALESCE(p.max_private_repositories, -1)," \
	" COALESCE(p.max_members, -1), p.created_at,"                    \
	" (SELECT COUNT(*) FROM workspaces w WHERE w.plan_id = p.id) FROM plans p "

static void read_plan(db_stmt *st, arena *a, hub_plan *out)
{
	out->id = db_col_int(st, 0);
	out->name = arena_strdup(a, db_col_text(st, 1));
	out->max_private_repositories = db_col_int(st, 2);
	out->max_members = db_col_int(st, 3);
	out->created_at = db_col_int(st, 4);
	out->teams = db_col_int(st, 5);
}

/* One plan row of a query with one parameter. */
static int find_one(db_conn *c, arena *a, const char *sql, int64_t arg, hub_plan *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, sql, db_int(arg));
	if (rc == 0)
		rc = db_step_one(st, "Plan: there is no such plan.");
	if (rc == 0) {
		read_plan(st, a, out);
	}
	db_done(st);
	return rc;
}

int hub_plan_find(db_conn *c, arena *a, int64_t plan_id, hub_plan *out)
{
	return find_one(c, a, PLAN_SELECT "WHERE p.id = $1", plan_id, out);
}

int hub_plan_of(db_conn *c, arena *a, int64_t workspace_id, hub_plan *out)
{
	return find_one(c, a,
	                PLAN_SELECT "WHERE p.id = (SELECT plan_id FROM workspaces WHERE id = $1)",
	                workspace_id, out);
}

int hub_plan_create(db_conn *c, arena *a, const char *name, int64_t max_private_repositories,
                    int64_t max_members, hub_plan *out)
{
	int rc = check_plan(name, max_private_repositories, max_members);
	if (rc < 0)
		return rc;
	db_stmt *st;
	int64_t id = 0;
	rc = db_query(&st, c,
	              "INSERT INTO plans (name, max_private_repositories, max_members, created_at)"
	              " VALUES ($1, $2, $3, $4) RETURNING id",
	              db_text(name), limit_arg(max_private_repositories), limit_arg(max_members),
	              db_int(clock_now_ms()));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		id = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? taken(rc, name) : hub_plan_find(c, a, id, out);
}

int hub_plan_update(db_conn *c, int64_t plan_id, const char *name, int64_t max_private_repositories,
                    int64_t max_members)
{
	int rc = check_plan(name, max_private_repositories, max_members);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE plans SET name = $1, max_private_repositories = $2,"
		             " max_members = $3 WHERE id = $4",
		             db_text(name), limit_arg(max_private_repositories),
		             limit_arg(max_members), db_int(plan_id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "Plan: there is no such plan.");
	return rc < 0 ? taken(rc, name) : 0;
}

int hub_plan_delete(db_conn *c, int64_t plan_id)
{
	arena *a = arena_new();
	hub_plan p;
	int rc = hub_plan_find(c, a, plan_id, &p);
	if (rc == 0 && p.teams > 0)
		rc = err_fail(WEFT_ECONFLICT,
		              "Plan: %s is the plan of %lld team(s); give them another plan first.",
		              p.name, (long long)p.teams);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM plans WHERE id = $1", db_int(plan_id));
	arena_free(a);
	return rc < 0 ? rc : 0;
}

int hub_plan_list(db_conn *c, arena *a, hub_plan **out, size_t *n)
{
	db_stmt *st;
	size_t count = 0, cap = 0;
	hub_plan *plans = NULL;
	int rc = db_query(&st, c, PLAN_SELECT "ORDER BY lower(p.name)", DB_END);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		if (count == cap) {
			size_t grown = cap ? cap * 2 : 8;
			plans = arena_grow(a, plans, cap * sizeof *plans, grown * sizeof *plans);
			cap = grown;
		}
		read_plan(st, a, &plans[count++]);
		rc = 0;
	}
	db_done(st);
	*out = plans;
	*n = count;
	return rc < 0 ? rc : 0;
}

/* Refuses a plan that the team's present use already exceeds. */
static int fits(db_conn *c, const hub_workspace *ws, const hub_plan *p)
{
	int64_t members = 0, repos = 0;
	int rc = hub_plan_usage(c, ws->id, &members, &repos);
	if (rc == 0 && p->max_members != PLAN_UNLIMITED && members > p->max_members)
		rc = err_fail(WEFT_ELIMIT,
		              "Plan: %s allows at most %lld members, and team %s has %lld (pending "
		              "invitations count).",
		              p->name, (long long)p->max_members, ws->slug, (long long)members);
	if (rc == 0 && p->max_private_repositories != PLAN_UNLIMITED &&
	    repos > p->max_private_repositories)
		rc = err_fail(WEFT_ELIMIT,
		              "Plan: %s allows at most %lld private repositories, and team %s has "
		              "%lld.",
		              p->name, (long long)p->max_private_repositories, ws->slug,
		              (long long)repos);
	return rc;
}

int hub_plan_assign(db_conn *c, const char *team_slug, int64_t plan_id)
{
	arena *a = arena_new();
	hub_workspace ws;
	hub_plan p;
	int rc = hub_workspace_find(c, a, team_slug, &ws);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "Team: there is no team %s.", team_slug);
	if (rc == 0 && !ws.is_team)
		rc = err_fail(WEFT_ECONFLICT, "Team: %s is a personal workspace, not a team.",
		              ws.slug);
	if (rc == 0 && plan_id)
		rc = hub_plan_find(c, a, plan_id, &p);
	if (rc == 0 && plan_id)
		rc = fits(c, &ws, &p);
	if (rc == 0)
		rc = db_exec(c, "UPDATE workspaces SET plan_id = $1, updated_at = $2 WHERE id = $3",
		             plan_id ? db_int(plan_id) : db_null(), db_int(clock_now_ms()),
		             db_int(ws.id));
	arena_free(a);
	return rc < 0 ? rc : 0;
}
