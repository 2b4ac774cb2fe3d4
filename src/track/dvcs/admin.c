/* The actions the DVCS accounts page and the admin REST API share, and the smart-commit errors
 * they list. */
#include "track/dvcs/admin.h"

#include <string.h>

#include "base/err.h"
#include "track/dvcs/account.h"

int dvcs_admin_account(db_conn *c, arena *a, int64_t id, dvcs_account *out)
{
	int rc = dvcs_account_get(c, a, id, out);
	return rc == WEFT_ENOTFOUND
	               ? err_fail(WEFT_ENOTFOUND, "No linked account with id %lld.", (long long)id)
	               : rc;
}

int dvcs_admin_repo(db_conn *c, arena *a, int64_t id, dvcs_repo *out)
{
	int rc = dvcs_repo_get(c, a, id, out);
	return rc == WEFT_ENOTFOUND
	               ? err_fail(WEFT_ENOTFOUND, "No repository with id %lld.", (long long)id)
	               : rc;
}

bool dvcs_admin_sync_busy(const dvcs_repo *repo)
{
	return strcmp(repo->sync_state, "queued") == 0 || strcmp(repo->sync_state, "running") == 0;
}

int dvcs_admin_sync(db_conn *c, arena *a, int64_t id, bool full, dvcs_repo *out)
{
	int rc = dvcs_admin_repo(c, a, id, out);
	if (rc == 0 && out->deleted)
		return err_fail(WEFT_ECONFLICT,
		                "The repository %s is gone from the host: it cannot synchronize.",
		                out->name);
	if (rc == 0 && !out->linked)
		return err_fail(WEFT_ECONFLICT, "The repository %s is not linked: link it first.",
		                out->name);
	if (rc == 0)
		rc = dvcs_sync_enqueue(c, id, full);
	return rc < 0 ? rc : dvcs_admin_repo(c, a, id, out);
}

int dvcs_admin_set_repo(db_conn *c, arena *a, int64_t id, const bool *linked, const bool *smart,
                        dvcs_repo *out)
{
	int rc = dvcs_admin_repo(c, a, id, out);
	if (rc == 0 && linked && out->linked != *linked)
		rc = dvcs_repo_set_linked(c, id, *linked);
	if (rc == 0 && smart && out->smart_commits != *smart)
		rc = dvcs_repo_set_smart_commits(c, id, *smart);
	return rc < 0 ? rc : dvcs_admin_repo(c, a, id, out);
}

int dvcs_admin_refresh(db_conn *c, arena *a, int64_t id)
{
	dvcs_account acc;
	int rc = dvcs_admin_account(c, a, id, &acc);
	if (rc == 0 && strcmp(acc.status, "pending") == 0)
		return err_fail(
		        WEFT_ECONFLICT,
		        "The account %s is still waiting for access to be granted: use Reset "
		        "OAuth settings.",
		        acc.account);
	if (rc == 0 && strcmp(acc.status, "auth_failed") == 0)
		return err_fail(WEFT_ECONFLICT,
		                "The host refused the access of the account %s: use Reset OAuth "
		                "settings.",
		                acc.account);
	return rc < 0 ? rc : dvcs_discover_enqueue(c, id);
}

static void read_smart_error(db_stmt *st, arena *a, dvcs_smart_error *e)
{
	e->created_at = db_col_int(st, 0);
	e->commit_hash = arena_strdup(a, db_col_text(st, 1));
	e->issue_key = arena_strdup(a, db_col_text(st, 2));
	e->command = arena_strdup(a, db_col_text(st, 3));
	e->error = arena_strdup(a, db_col_null(st, 4) ? "" : db_col_text(st, 4));
	e->repo_name = db_col_null(st, 5) ? NULL : arena_strdup(a, db_col_text(st, 5));
}

int dvcs_admin_smart_errors(db_conn *c, arena *a, int64_t start, int64_t max, int64_t *total,
                            void (*fn)(void *ctx, const dvcs_smart_error *e), void *ctx)
{
	db_stmt *st;
	int rc = db_query_int(total, c, "SELECT count(*) FROM dvcs_smart_runs WHERE outcome = $1",
	                      db_text("error"));
	if (rc == 0)
		rc = db_query(&st, c,
		              "SELECT s.created_at, s.commit_hash, s.issue_key, s.command, s.error,"
		              " r.name FROM dvcs_smart_runs s LEFT JOIN dvcs_repos r ON r.id ="
		              " s.repo_id WHERE s.outcome = $1 ORDER BY s.created_at DESC,"
		              " s.commit_hash, s.issue_key, s.command_index LIMIT $2 OFFSET $3",
		              db_text("error"), db_int(max), db_int(start));
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		dvcs_smart_error e;
		read_smart_error(st, a, &e);
		fn(ctx, &e);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
