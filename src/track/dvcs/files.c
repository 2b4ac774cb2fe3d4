/* Counting the files of a page's commits from the mirrors (files.h): the rows that want a count
 * are gathered by hash, counted with libgit2 (mirror.h), and stored with one fixed statement. */
#include "track/dvcs/files.h"

#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "track/dvcs/dvcs.h"
#include "track/dvcs/mirror.h"

/* A commit of the page whose count is wanted, once per hash. */
typedef struct want {
	const char *hash;
	int count; /* DVCS_FILES_UNKNOWN until a mirror counted it */
} want;

/* A repository's mirror, opened on first use; NULL when it is gone or cannot be read. */
typedef struct opened {
	int64_t repo_id;
	dvcs_mirror *m;
} opened;

typedef struct fill {
	track_app *app;
	arena *a;
	array wants; /* want */
	array mirrors; /* opened */
} fill;

static dvcs_mirror *mirror_of(fill *f, int64_t repo_id)
{
	opened *o = f->mirrors.items;
	for (size_t i = 0; i < f->mirrors.n; i++)
		if (o[i].repo_id == repo_id)
			return o[i].m;
	opened *added = ARRAY_PUSH(f->a, &f->mirrors, opened);
	*added = (opened){ .repo_id = repo_id };
	int rc = dvcs_mirror_open(&added->m, dvcs_repo_mirror_path(f->a, f->app, repo_id));
	if (rc < 0 && rc != WEFT_ENOTFOUND)
		log_warn("dvcs: file counts from the mirror of repository %lld: %s",
		         (long long)repo_id, err_msg());
	if (rc < 0)
		added->m = NULL;
	return added->m;
}

static want *want_of(fill *f, const char *hash)
{
	want *w = f->wants.items;
	for (size_t i = 0; i < f->wants.n; i++)
		if (strcmp(w[i].hash, hash) == 0)
			return &w[i];
	want *added = ARRAY_PUSH(f->a, &f->wants, want);
	*added = (want){ .hash = hash, .count = DVCS_FILES_UNKNOWN };
	return added;
}

/* The count of hash from the mirror of repo_id, unless counted already (another repository's
 * mirror may hold it when this one does not). */
static void count_of(fill *f, int64_t repo_id, const char *hash)
{
	want *w = want_of(f, hash);
	dvcs_mirror *m = w->count == DVCS_FILES_UNKNOWN ? mirror_of(f, repo_id) : NULL;
	int rc = m ? dvcs_mirror_files(m, hash, &w->count) : 0;
	if (rc < 0 && rc != WEFT_ENOTFOUND)
		log_warn("dvcs: file count of %.40s in repository %lld: %s", hash,
		         (long long)repo_id, err_msg());
}

static void count_page(fill *f, dvcs_panel_page *p)
{
	for (size_t i = 0; p->kind == DVCS_PANEL_COMMITS && i < p->n; i++) {
		dvcs_panel_commit *c = &p->commits[i];
		if (c->file_count == DVCS_FILES_UNKNOWN && !c->provisional)
			count_of(f, c->repo.id, c->hash);
	}
	for (size_t i = 0; p->kind == DVCS_PANEL_BRANCHES && i < p->n; i++) {
		dvcs_panel_branch *b = &p->branches[i];
		if (b->head_file_count == DVCS_FILES_UNKNOWN && !b->head_provisional)
			count_of(f, b->repo.id, b->head);
	}
}

/* The counts found, into the page's rows (a hash may be listed once per repository). */
static void set_page(fill *f, dvcs_panel_page *p)
{
	for (size_t i = 0; p->kind == DVCS_PANEL_COMMITS && i < p->n; i++) {
		dvcs_panel_commit *c = &p->commits[i];
		if (c->file_count == DVCS_FILES_UNKNOWN && !c->provisional)
			c->file_count = want_of(f, c->hash)->count;
	}
	for (size_t i = 0; p->kind == DVCS_PANEL_BRANCHES && i < p->n; i++) {
		dvcs_panel_branch *b = &p->branches[i];
		if (b->head_file_count == DVCS_FILES_UNKNOWN && !b->head_provisional)
			b->head_file_count = want_of(f, b->head)->count;
	}
}

const char *dvcs_files_store_sql(arena *a)
{
	buf b = BUF_INIT;
	buf_puts(&b, "UPDATE dvcs_commits SET file_count = CASE hash");
	for (size_t i = 0; i < DVCS_FILES_STORE_ROWS; i++)
		buf_printf(&b, " WHEN $%zu THEN CAST($%zu AS INTEGER)", 2 * i + 1, 2 * i + 2);
	buf_puts(&b, " END WHERE file_count IS NULL AND hash IN (");
	for (size_t i = 0; i < DVCS_FILES_STORE_ROWS; i++)
		buf_printf(&b, i ? ", $%zu" : "$%zu", 2 * i + 1);
	buf_putc(&b, ')');
	const char *sql = arena_strdup(a, buf_cstr(&b));
	buf_dispose(&b);
	return sql;
}

static int store_counts(db_conn *c, void *ctx)
{
	fill *f = ctx;
	const char *sql = dvcs_files_store_sql(f->a);
	const want *w = f->wants.items;
	db_arg args[2 * DVCS_FILES_STORE_ROWS + 1];
	size_t i = 0;
	int rc = 0;
	while (rc >= 0 && i < f->wants.n) {
		size_t k = 0;
		for (; i < f->wants.n && k < 2 * DVCS_FILES_STORE_ROWS; i++) {
			if (w[i].count == DVCS_FILES_UNKNOWN)
				continue;
			args[k++] = db_text(w[i].hash);
			args[k++] = db_int(w[i].count);
		}
		if (k == 0)
			break;
		while (k < 2 * DVCS_FILES_STORE_ROWS)
			args[k++] = db_null();
		args[k] = DB_END;
		rc = db_exec_args(c, sql, args);
	}
	return rc < 0 ? rc : 0;
}

void dvcs_files_fill(track_app *app, arena *a, dvcs_panel_page *page)
{
	fill f = { .app = app, .a = a };
	count_page(&f, page);
	opened *o = f.mirrors.items;
	for (size_t i = 0; i < f.mirrors.n; i++)
		if (o[i].m)
			dvcs_mirror_close(o[i].m);
	set_page(&f, page);
	bool counted = false;
	const want *w = f.wants.items;
	for (size_t i = 0; i < f.wants.n; i++)
		counted = counted || w[i].count != DVCS_FILES_UNKNOWN;
	if (counted && db_tx(app->d, store_counts, &f) < 0)
		log_warn("dvcs: cannot store the file counts a page counted: %s", err_msg());
}
