/* What a sync found, stored in multi-row statements. Row counts per statement are powers of two
 * up to CHUNK, so a connection prepares at most a handful of texts per statement and reuses them
 * for every batch, on SQLite and PostgreSQL alike; a run writes each text once. */
#include "track/dvcs/found.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "track/dvcs/dvcs.h"
#include "db/rows.h"
#include "track/dvcs/keys.h"

/* Rows per statement at most: 7 × 256 parameters, far below both engines' bounds (SQLite
 * 32766, PostgreSQL 65535). */
enum { CHUNK = 256 };

/* ---- the run's key set ---- */

int dvcs_found_run_init(dvcs_found_run *r, int64_t repo_id, bool smart, bool incremental)
{
	*r = (dvcs_found_run){ .repo_id = repo_id, .smart = smart, .incremental = incremental };
	r->keys_arena = arena_new();
	return r->keys_arena ? 0 : err_fail(WEFT_ERROR, "out of memory");
}

void dvcs_found_run_dispose(dvcs_found_run *r)
{
	free(r->keys);
	arena_free(r->keys_arena);
	*r = (dvcs_found_run){ 0 };
}

static uint64_t hash_of(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int keys_grow(dvcs_found_run *r)
{
	size_t cap = r->keys_cap ? r->keys_cap * 2 : 256;
	const char **slots = calloc(cap, sizeof *slots);
	if (!slots)
		return err_fail(WEFT_ERROR, "out of memory");
	for (size_t i = 0; i < r->keys_cap; i++) {
		if (!r->keys[i])
			continue;
		size_t k = hash_of(r->keys[i]) & (cap - 1);
		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = r->keys[i];
	}
	free(r->keys);
	r->keys = slots;
	r->keys_cap = cap;
	return 0;
}

/* 1 when key is new to the run, 0 when it was met already, WEFT_ERROR. */
static int keys_add(dvcs_found_run *r, const char *key)
{
	if ((r->nkeys + 1) * 2 > r->keys_cap && keys_grow(r) < 0)
		return WEFT_ERROR;
	size_t k = hash_of(key) & (r->keys_cap - 1);
	while (r->keys[k]) {
		if (strcmp(r->keys[k], key) == 0)
			return 0;
		k = (k + 1) & (r->keys_cap - 1);
	}
	r->keys[k] = arena_strdup(r->keys_arena, key);
	r->nkeys++;
	return 1;
}

/* ---- statements ---- */

/* Rows for the next statement: the largest power of two that is at most n (n > 0) and CHUNK. */
static size_t chunk_of(size_t n)
{
	size_t k = CHUNK;
	while (k > n)
		k /= 2;
	return k;
}

/* The slot of a run's text for rows (a power of two up to CHUNK) of statement kind. */
static const char **text_slot(dvcs_found_run *r, enum dvcs_found_text kind, size_t rows)
{
	size_t level = 0;
	while (((size_t)1 << level) < rows)
		level++;
	return &r->texts[kind][level];
}

/* head, then rows groups of cols placeholders ("($1, $2), ($3, $4)"), then tail, in a. */
static const char *values_sql(arena *a, const char *head, size_t cols, size_t rows,
                              const char *tail)
{
	buf b = BUF_INIT;
	buf_puts(&b, head);
	size_t p = 1;
	for (size_t r = 0; r < rows; r++) {
		buf_puts(&b, r ? ", (" : " (");
		for (size_t k = 0; k < cols; k++)
			buf_printf(&b, k ? ", $%zu" : "$%zu", p++);
		buf_putc(&b, ')');
	}
	buf_puts(&b, tail);
	const char *sql = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return sql;
}

/* "head $1, $2, … $n tail" for an IN list, in a. */
static const char *list_sql(arena *a, const char *head, size_t first, size_t n, const char *tail)
{
	buf b = BUF_INIT;
	buf_puts(&b, head);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, i ? ", $%zu" : "$%zu", first + i);
	buf_puts(&b, tail);
	const char *sql = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return sql;
}

/* ---- storing commits ---- */

/* A commit of the batch on its way in. */
typedef struct pending {
	const dvcs_commit *commit;
	int64_t id;
	bool linked; /* newly linked to the repository by this batch */
} pending;

/* The run's text for rows of kind, made on first use in the run's arena. */
static const char *run_text(dvcs_found_run *r, enum dvcs_found_text kind, size_t rows)
{
	const char **slot = text_slot(r, kind, rows);
	if (*slot)
		return *slot;
	switch (kind) {
	case DVCS_FOUND_COMMITS:
		/* a provisional row is overwritten with the mirror's data (a file count the panel
		 * counted already stays when the walk brings none) */
		*slot = values_sql(
		        r->keys_arena,
		        "INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at,"
		        " message, file_count, is_merge) VALUES",
		        7, rows,
		        " ON CONFLICT (hash) DO UPDATE SET author_name = excluded.author_name,"
		        " author_email = excluded.author_email, authored_at = excluded.authored_at,"
		        " message = excluded.message,"
		        " file_count = COALESCE(excluded.file_count, dvcs_commits.file_count),"
		        " is_merge = excluded.is_merge WHERE dvcs_commits.provisional = 1"
		        " RETURNING id, hash, provisional");
		break;
	case DVCS_FOUND_IDS: *slot = dvcs_found_ids_sql(r->keys_arena, rows); break;
	case DVCS_FOUND_LINKS:
		/* a provisional link (provisional.h) is confirmed: newly linked as well */
		*slot = values_sql(r->keys_arena,
		                   "INSERT INTO dvcs_repo_commits (repo_id, commit_id) VALUES", 2,
		                   rows,
		                   " ON CONFLICT (repo_id, commit_id) DO UPDATE SET"
		                   " provisional_at = NULL WHERE"
		                   " dvcs_repo_commits.provisional_at IS NOT NULL"
		                   " RETURNING commit_id");
		break;
	default:
		*slot = values_sql(r->keys_arena,
		                   "INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES", 2,
		                   rows, " ON CONFLICT DO NOTHING");
		break;
	}
	return *slot;
}

/* The row of p[0..n) whose hash is hash (rows come back mostly in the order given: hint is
 * tried first), or n. */
static size_t find_hash(const pending *p, size_t n, size_t hint, const char *hash)
{
	if (hint < n && strcmp(p[hint].commit->hash, hash) == 0)
		return hint;
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].commit->hash, hash) == 0)
			return i;
	return n;
}

/* Sets the ids of p[0..n) from the id, hash rows of st; with provisional (a third column), the
 * ids of the rows it marks go to confirmed (*nconfirmed of them, up to n). */
static int take_ids(db_stmt *st, int rc, pending *p, size_t n, int64_t *confirmed,
                    size_t *nconfirmed)
{
	for (size_t row = 0; rc >= 0 && (rc = db_step(st)) == DB_ROW; row++) {
		const char *hash = db_col_text(st, 1);
		size_t i = hash ? find_hash(p, n, row, hash) : n;
		if (i < n)
			p[i].id = db_col_int(st, 0);
		if (i < n && confirmed && db_col_int(st, 2) != 0)
			confirmed[(*nconfirmed)++] = p[i].id;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Commits whose row a webhook wrote (provisional.h) are now read from the mirror: their keys go,
 * to be found again in the mirror's message as the batch links them, and the row is no longer
 * provisional. */
static int confirm_commits(db_conn *c, const int64_t *ids, size_t n)
{
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		rc = db_exec(c, "DELETE FROM dvcs_commit_keys WHERE commit_id = $1",
		             db_int(ids[i]));
		if (rc >= 0)
			rc = db_exec(c, "UPDATE dvcs_commits SET provisional = 0 WHERE id = $1",
			             db_int(ids[i]));
	}
	return rc < 0 ? rc : 0;
}

/* Inserts the commits the store lacks (confirming provisional ones), and sets every id. */
static int insert_commits(db_conn *c, dvcs_found_run *r, pending *p, size_t n)
{
	db_arg args[CHUNK * 7 + 1];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const dvcs_commit *m = p[i].commit;
		args[k++] = db_text(m->hash);
		args[k++] = db_text(m->author_name);
		args[k++] = db_text(m->author_email);
		args[k++] = db_int(m->authored_at);
		args[k++] = db_text(m->message);
		args[k++] = m->file_count < 0 ? db_null() : db_int(m->file_count);
		args[k++] = db_int(m->is_merge ? 1 : 0);
	}
	args[k] = DB_END;
	db_stmt *st = NULL;
	int64_t confirmed[CHUNK];
	size_t nconfirmed = 0;
	int rc = db_query_args(&st, c, run_text(r, DVCS_FOUND_COMMITS, n), args);
	rc = take_ids(st, rc, p, n, confirmed, &nconfirmed);
	if (rc == 0 && nconfirmed > 0)
		rc = confirm_commits(c, confirmed, nconfirmed);
	bool missing = false;
	for (size_t i = 0; i < n; i++)
		missing = missing || !p[i].id;
	if (rc < 0 || !missing)
		return rc;
	/* some were stored already (another repository's, or a batch run again) */
	for (size_t i = 0; i < n; i++)
		args[i] = db_text(p[i].commit->hash);
	args[n] = DB_END;
	rc = db_query_args(&st, c, run_text(r, DVCS_FOUND_IDS, n), args);
	rc = take_ids(st, rc, p, n, NULL, NULL);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!p[i].id)
			rc = err_fail(WEFT_ERROR, "commit %s vanished while being stored",
			              p[i].commit->hash);
	return rc;
}

const char *dvcs_found_ids_sql(arena *a, size_t n)
{
	return list_sql(a, "SELECT id, hash FROM dvcs_commits WHERE hash IN (", 1, n, ")");
}

static int link_commits(db_conn *c, dvcs_found_run *r, pending *p, size_t n)
{
	db_arg args[CHUNK * 2 + 1];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		args[k++] = db_int(r->repo_id);
		args[k++] = db_int(p[i].id);
	}
	args[k] = DB_END;
	db_stmt *st = NULL;
	int rc = db_query_args(&st, c, run_text(r, DVCS_FOUND_LINKS, n), args);
	for (size_t row = 0; rc >= 0 && (rc = db_step(st)) == DB_ROW; row++) {
		int64_t id = db_col_int(st, 0);
		size_t i = row < n && p[row].id == id ? row : 0;
		while (i < n && p[i].id != id)
			i++;
		if (i < n && !p[i].linked) {
			p[i].linked = true;
			r->linked++;
		}
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* A key of a commit, waiting for its multi-row insert. */
typedef struct key_row {
	const char *key;
	int64_t commit_id;
} key_row;

/* Inserts rows into table's issue_key and column; with r, the commit keys in r's texts. */
static int insert_key_rows(db_conn *c, arena *a, dvcs_found_run *r, const char *table,
                           const char *column, const key_row *rows, size_t n)
{
	for (size_t at = 0; at < n;) {
		size_t k = chunk_of(n - at), j = 0;
		db_arg args[CHUNK * 2 + 1];
		for (size_t i = 0; i < k; i++) {
			args[j++] = db_text(rows[at + i].key);
			args[j++] = db_int(rows[at + i].commit_id);
		}
		args[j] = DB_END;
		const char *sql =
		        r ? run_text(r, DVCS_FOUND_KEYS, k)
		          : values_sql(a,
		                       arena_printf(a, "INSERT INTO %s (issue_key, %s) VALUES",
		                                    table, column),
		                       2, k, " ON CONFLICT DO NOTHING");
		int rc = db_exec_args(c, sql, args);
		if (rc < 0)
			return rc;
		at += k;
	}
	return 0;
}

/* Whether the repository links key already, through a commit or a branch. */
static int repo_has_key(db_conn *c, int64_t repo_id, const char *key, bool *has)
{
	int64_t v = 0;
	int rc =
	        db_query_int(&v, c,
	                     "SELECT CASE WHEN EXISTS (SELECT 1 FROM dvcs_commit_keys k"
	                     " JOIN dvcs_repo_commits rc ON rc.commit_id = k.commit_id"
	                     " WHERE k.issue_key = $2 AND rc.repo_id = $1) OR EXISTS (SELECT 1"
	                     " FROM dvcs_branch_keys bk JOIN dvcs_branches b ON b.id = bk.branch_id"
	                     " WHERE bk.issue_key = $2 AND b.repo_id = $1) THEN 1 ELSE 0 END",
	                     db_int(repo_id), db_text(key));
	*has = v == 1;
	return rc;
}

/* The keys of the newly linked commits, into the table and the run's set. */
static int store_keys(db_conn *c, arena *a, dvcs_found_run *r, const pending *p, size_t n)
{
	array rows = ARRAY_INIT;
	r->fresh = 0;
	for (size_t i = 0; i < n; i++) {
		if (!p[i].linked)
			continue;
		array keys = ARRAY_INIT;
		const char *msg = p[i].commit->message;
		dvcs_keys_find(a, msg, strlen(msg), &keys);
		const char *const *found = keys.items;
		for (size_t k = 0; k < keys.n; k++) {
			key_row *row = ARRAY_PUSH(a, &rows, key_row);
			*row = (key_row){ found[k], p[i].id };
			int added = keys_add(r, found[k]);
			bool has = true;
			if (added < 0)
				return WEFT_ERROR;
			if (added && r->incremental) {
				int rc = repo_has_key(c, r->repo_id, found[k], &has);
				if (rc < 0)
					return rc;
				r->fresh += has ? 0 : 1;
			}
		}
	}
	return insert_key_rows(c, a, r, "dvcs_commit_keys", "commit_id", rows.items, rows.n);
}

/* DVCS_SMART_JOB for the newly linked commits that may carry commands. */
static int queue_smart(db_conn *c, int64_t repo_id, const pending *p, size_t n)
{
	json_t *hashes = json_array();
	for (size_t i = 0; i < n; i++)
		if (p[i].linked && strchr(p[i].commit->message, '#'))
			json_array_append_new(hashes, json_string(p[i].commit->hash));
	if (json_array_size(hashes) == 0) {
		json_decref(hashes);
		return 0;
	}
	json_t *payload = json_pack("{s:I, s:o}", "repo", (json_int_t)repo_id, "commits", hashes);
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	json_decref(payload);
	if (!text)
		return err_fail(WEFT_ERROR, "out of memory");
	int rc = jobs_enqueue(c, DVCS_SMART_JOB, text, NULL, NULL);
	free(text);
	return rc;
}

static int write_progress(db_conn *c, const dvcs_found_run *r)
{
	int rc = db_exec(c,
	                 "UPDATE dvcs_repos SET sync_commits = sync_commits + $2,"
	                 " sync_issues = CASE WHEN $6 = 1 THEN sync_issues + $7"
	                 " WHEN sync_issues < $3 THEN $3 ELSE sync_issues END,"
	                 " last_activity_at = CASE WHEN last_activity_at IS NULL"
	                 " OR last_activity_at < $4 THEN $4 ELSE last_activity_at END,"
	                 " updated_at = $5 WHERE id = $1",
	                 db_int(r->repo_id), db_int(r->linked), db_int((int64_t)r->nkeys),
	                 db_int(r->newest), db_int(clock_now_ms()), db_int(r->incremental ? 1 : 0),
	                 db_int(r->fresh));
	return rc < 0 ? rc : 0;
}

int dvcs_found_store(db_conn *c, arena *a, dvcs_found_run *r, const dvcs_commit *commits, size_t n)
{
	r->linked = 0;
	/* a large batch touches most pages of the hash indexes: they fit in the cache */
	if (n > CHUNK)
		db_conn_cache(c, DVCS_FOUND_CACHE_KIB);
	pending *p = arena_alloc(a, (n ? n : 1) * sizeof *p);
	for (size_t i = 0; i < n; i++) {
		p[i] = (pending){ .commit = &commits[i] };
		if (commits[i].authored_at > r->newest)
			r->newest = commits[i].authored_at;
	}
	int rc = 0;
	for (size_t at = 0; rc == 0 && at < n;) {
		size_t k = chunk_of(n - at);
		rc = insert_commits(c, r, p + at, k);
		if (rc == 0)
			rc = link_commits(c, r, p + at, k);
		at += k;
	}
	if (rc == 0)
		rc = store_keys(c, a, r, p, n);
	if (rc == 0 && r->smart)
		rc = queue_smart(c, r->repo_id, p, n);
	if (rc == 0)
		rc = write_progress(c, r);
	return rc;
}

/* ---- full sync, force pushes, counts ---- */

/* The commits only this repository holds: the link tables have no foreign keys (0016), so their
 * keys go first, then the commits. */
static int forget_own_commits(db_conn *c, int64_t repo_id)
{
	int rc = db_exec(c,
	                 "DELETE FROM dvcs_commit_keys WHERE commit_id IN"
	                 " (SELECT commit_id FROM dvcs_repo_commits l WHERE l.repo_id = $1"
	                 " AND NOT EXISTS (SELECT 1 FROM dvcs_repo_commits o"
	                 " WHERE o.commit_id = l.commit_id AND o.repo_id <> $1))",
	                 db_int(repo_id));
	if (rc >= 0)
		rc = db_exec(c,
		             "DELETE FROM dvcs_commits WHERE id IN"
		             " (SELECT commit_id FROM dvcs_repo_commits WHERE repo_id = $1)"
		             " AND NOT EXISTS (SELECT 1 FROM dvcs_repo_commits o"
		             " WHERE o.commit_id = dvcs_commits.id AND o.repo_id <> $1)",
		             db_int(repo_id));
	return rc < 0 ? rc : 0;
}

int dvcs_found_forget(db_conn *c, int64_t repo_id)
{
	int rc = forget_own_commits(c, repo_id);
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM dvcs_repo_commits WHERE repo_id = $1",
		             db_int(repo_id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM dvcs_branches WHERE repo_id = $1", db_int(repo_id));
	if (rc >= 0)
		rc = db_exec(
		        c, "UPDATE dvcs_repos SET sync_commits = 0, sync_issues = 0 WHERE id = $1",
		        db_int(repo_id));
	return rc < 0 ? rc : 0;
}

int dvcs_found_drop(db_conn *c, arena *a, int64_t repo_id, const char *const *hashes, size_t n,
                    int64_t *removed)
{
	*removed = 0;
	for (size_t at = 0; at < n;) {
		size_t k = chunk_of(n - at);
		db_arg args[CHUNK + 2];
		args[0] = db_int(repo_id);
		for (size_t i = 0; i < k; i++)
			args[1 + i] = db_text(hashes[at + i]);
		args[1 + k] = DB_END;
		int rc = db_exec_args(c,
		                      list_sql(a,
		                               "DELETE FROM dvcs_repo_commits WHERE repo_id = $1"
		                               " AND commit_id IN (SELECT id FROM dvcs_commits"
		                               " WHERE hash IN (",
		                               2, k, "))"),
		                      args);
		if (rc < 0)
			return rc;
		*removed += rc;
		/* No foreign key removes a dropped commit's keys (0016): they go before it. */
		rc = db_exec_args(
		        c,
		        list_sql(a,
		                 "DELETE FROM dvcs_commit_keys WHERE $1 > 0 AND commit_id IN"
		                 " (SELECT id FROM dvcs_commits WHERE hash IN (",
		                 2, k,
		                 ") AND NOT EXISTS (SELECT 1 FROM dvcs_repo_commits o"
		                 " WHERE o.commit_id = dvcs_commits.id))"),
		        args);
		if (rc < 0)
			return rc;
		rc = db_exec_args(c,
		                  list_sql(a, "DELETE FROM dvcs_commits WHERE $1 > 0 AND hash IN (",
		                           2, k,
		                           ") AND NOT EXISTS (SELECT 1 FROM dvcs_repo_commits o"
		                           " WHERE o.commit_id = dvcs_commits.id)"),
		                  args);
		if (rc < 0)
			return rc;
		at += k;
	}
	return 0;
}

int dvcs_found_recount(db_conn *c, int64_t repo_id)
{
	int rc = db_exec(c,
	                 "UPDATE dvcs_repos SET"
	                 " sync_commits = (SELECT COUNT(*) FROM dvcs_repo_commits"
	                 " WHERE repo_id = $1 AND provisional_at IS NULL),"
	                 " sync_issues = (SELECT COUNT(*) FROM (SELECT k.issue_key"
	                 " FROM dvcs_commit_keys k JOIN dvcs_repo_commits rc"
	                 " ON rc.commit_id = k.commit_id WHERE rc.repo_id = $1"
	                 " AND rc.provisional_at IS NULL"
	                 " UNION SELECT bk.issue_key FROM dvcs_branch_keys bk"
	                 " JOIN dvcs_branches b ON b.id = bk.branch_id WHERE b.repo_id = $1) u)"
	                 " WHERE id = $1",
	                 db_int(repo_id));
	return rc < 0 ? rc : 0;
}

/* ---- branches ---- */

static void read_head(db_stmt *st, arena *a, void *item)
{
	dvcs_head *h = item;
	h->name = arena_strdup(a, db_col_text(st, 0));
	const char *hash = db_col_text(st, 1);
	snprintf(h->hash, sizeof h->hash, "%s", hash ? hash : "");
}

int dvcs_found_recorded(db_conn *c, arena *a, int64_t repo_id, dvcs_head **heads, size_t *n)
{
	db_stmt *st = NULL;
	int rc = db_query(&st, c,
	                  "SELECT name, head FROM dvcs_branches WHERE repo_id = $1 ORDER BY name",
	                  db_int(repo_id));
	void *items = NULL;
	size_t count = 0;
	rc = db_rows_read(&items, &count, st, rc, a, sizeof(dvcs_head), read_head);
	if (rc < 0)
		return rc;
	/* The store's collation may differ from strcmp's: the merge below needs strcmp's. */
	if (count > 1)
		qsort(items, count, sizeof(dvcs_head), dvcs_head_compare);
	*heads = items;
	*n = count;
	return 0;
}

static int add_branch(db_conn *c, arena *a, int64_t repo_id, const dvcs_head *h, int64_t now,
                      int64_t *new_keys)
{
	int64_t id = 0;
	int rc =
	        db_query_int(&id, c,
	                     "INSERT INTO dvcs_branches (repo_id, name, head, updated_at)"
	                     " VALUES ($1, $2, $3, $4) ON CONFLICT (repo_id, name)"
	                     " DO UPDATE SET head = excluded.head, updated_at = excluded.updated_at"
	                     " RETURNING id",
	                     db_int(repo_id), db_text(h->name), db_text(h->hash), db_int(now));
	if (rc < 0)
		return rc;
	array keys = ARRAY_INIT;
	dvcs_keys_find(a, h->name, strlen(h->name), &keys);
	array rows = ARRAY_INIT;
	const char *const *found = keys.items;
	for (size_t k = 0; k < keys.n; k++)
		*ARRAY_PUSH(a, &rows, key_row) = (key_row){ found[k], id };
	*new_keys += (int64_t)keys.n;
	return insert_key_rows(c, a, NULL, "dvcs_branch_keys", "branch_id", rows.items, rows.n);
}

static int move_branch(db_conn *c, int64_t repo_id, const dvcs_head *h, int64_t now)
{
	int rc = db_exec(c,
	                 "UPDATE dvcs_branches SET head = $3, updated_at = $4"
	                 " WHERE repo_id = $1 AND name = $2",
	                 db_int(repo_id), db_text(h->name), db_text(h->hash), db_int(now));
	return rc < 0 ? rc : 0;
}

static int delete_branch(db_conn *c, int64_t repo_id, const char *name)
{
	int rc = db_exec(c, "DELETE FROM dvcs_branches WHERE repo_id = $1 AND name = $2",
	                 db_int(repo_id), db_text(name));
	return rc < 0 ? rc : 0;
}

int dvcs_found_branches(db_conn *c, arena *a, int64_t repo_id, const dvcs_head *heads, size_t n,
                        int64_t *new_keys)
{
	*new_keys = 0;
	dvcs_head *old = NULL;
	size_t nold = 0;
	int rc = dvcs_found_recorded(c, a, repo_id, &old, &nold);
	int64_t now = clock_now_ms();
	size_t i = 0, j = 0;
	while (rc == 0 && (i < n || j < nold)) {
		int cmp = i == n ? 1 : j == nold ? -1 : strcmp(heads[i].name, old[j].name);
		if (cmp < 0)
			rc = add_branch(c, a, repo_id, &heads[i++], now, new_keys);
		else if (cmp > 0)
			rc = delete_branch(c, repo_id, old[j++].name);
		else {
			if (strcmp(heads[i].hash, old[j].hash) != 0)
				rc = move_branch(c, repo_id, &heads[i], now);
			i++;
			j++;
		}
	}
	return rc;
}
