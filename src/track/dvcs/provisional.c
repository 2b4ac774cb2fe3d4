/* Provisional commits: written by the webhook one commit at a time (a push names a handful),
 * confirmed by found.c's batches, removed here when the sync that should have found them did
 * not. */
#include "track/dvcs/provisional.h"

#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "track/dvcs/keys.h"

/* The commit's row, added as provisional with its keys when there is none; *id either way. */
static int commit_row(db_conn *c, const dvcs_commit *m, const array *keys, int64_t *id)
{
	*id = 0;
	int rc = db_query_int(id, c,
	                      "INSERT INTO dvcs_commits (hash, author_name, author_email,"
	                      " authored_at, message, file_count, is_merge, provisional)"
	                      " VALUES ($1, $2, $3, $4, $5, NULL, $6, 1)"
	                      " ON CONFLICT (hash) DO NOTHING RETURNING id",
	                      db_text(m->hash), db_text(m->author_name), db_text(m->author_email),
	                      db_int(m->authored_at), db_text(m->message),
	                      db_int(m->is_merge ? 1 : 0));
	if (rc < 0)
		return rc;
	if (*id == 0)
		return db_query_int(id, c, "SELECT id FROM dvcs_commits WHERE hash = $1",
		                    db_text(m->hash));
	const char *const *found = keys->items;
	for (size_t k = 0; rc >= 0 && k < keys->n; k++)
		rc = db_exec(c,
		             "INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES ($1, $2)"
		             " ON CONFLICT DO NOTHING",
		             db_text(found[k]), db_int(*id));
	return rc < 0 ? rc : 0;
}

int dvcs_provisional_store(db_conn *c, arena *a, int64_t repo_id, const dvcs_commit *commits,
                           size_t n, int64_t *stored)
{
	int64_t now = clock_now_ms();
	*stored = 0;
	for (size_t i = 0; i < n; i++) {
		array keys = ARRAY_INIT;
		dvcs_keys_find(a, commits[i].message, strlen(commits[i].message), &keys);
		if (keys.n == 0)
			continue; /* the panel would not show it */
		int64_t id = 0;
		int rc = commit_row(c, &commits[i], &keys, &id);
		if (rc == 0)
			rc = db_exec(
			        c,
			        "INSERT INTO dvcs_repo_commits (repo_id, commit_id, provisional_at)"
			        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			        db_int(repo_id), db_int(id), db_int(now));
		if (rc < 0)
			return rc;
		*stored += rc;
	}
	return 0;
}

/* Removes a provisional commit nothing links any more, its keys first: the link tables have no
 * foreign keys (0016). */
static int settle_commit(db_conn *c, int64_t id)
{
	int rc = db_exec(c,
	                 "DELETE FROM dvcs_commit_keys WHERE commit_id = $1 AND EXISTS (SELECT 1"
	                 " FROM dvcs_commits WHERE id = $1 AND provisional = 1) AND NOT EXISTS"
	                 " (SELECT 1 FROM dvcs_repo_commits WHERE commit_id = $1)",
	                 db_int(id));
	if (rc >= 0)
		rc = db_exec(c,
		             "DELETE FROM dvcs_commits WHERE id = $1 AND provisional = 1 AND NOT"
		             " EXISTS (SELECT 1 FROM dvcs_repo_commits WHERE commit_id = $1)",
		             db_int(id));
	return rc < 0 ? rc : 0;
}

int dvcs_provisional_settle(db_conn *c, int64_t repo_id, int64_t started_at, int64_t *removed)
{
	db_stmt *st = NULL;
	array ids = ARRAY_INIT;
	arena *a = arena_new();
	*removed = 0;
	if (!a)
		return err_fail(WEFT_ERROR, "out of memory");
	int rc = db_query(&st, c,
	                  "DELETE FROM dvcs_repo_commits WHERE repo_id = $1 AND provisional_at IS"
	                  " NOT NULL AND provisional_at <= $2 RETURNING commit_id",
	                  db_int(repo_id), db_int(started_at));
	while (rc >= 0 && (rc = db_step(st)) == DB_ROW)
		*ARRAY_PUSH(a, &ids, int64_t) = db_col_int(st, 0);
	db_done(st);
	const int64_t *id = ids.items;
	for (size_t i = 0; rc >= 0 && i < ids.n; i++)
		rc = settle_commit(c, id[i]);
	size_t n = ids.n;
	arena_free(a);
	if (rc < 0)
		return rc;
	*removed = (int64_t)n;
	return 0;
}
