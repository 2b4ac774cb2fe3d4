/* The sync job, its triggers and the periodic job. A run: fetch the mirror, walk what is new
 * since the recorded heads and store it in batches (each its own transaction, with the progress),
 * settle the branches and what a force push dropped, then the pull requests. Every step is
 * idempotent, so a run killed anywhere is simply run again by the job queue. */
#include "track/dvcs/sync.h"

#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "track/dvcs/account.h"
#include "track/dvcs/discover.h"
#include "track/dvcs/dvcs.h"
#include "track/dvcs/found.h"
#include "track/dvcs/mirror.h"
#include "track/dvcs/provisional.h"
#include "track/dvcs/pulls.h"
#include "track/dvcs/smart_run.h"
#include "track/dvcs/walk_local.h"

/* The job carries only the repository: whether the next run is full is the repository's
 * sync_full flag, which the run reads and clears as it starts. So a full request absorbed by a
 * queued soft one still makes that run full, and one that arrives during a run makes the
 * follow-up full. */
/* The repository's sync job, de-duplicated per repository, to run delay_ms from now (or sooner,
 * when one is queued already and due earlier; a shorter delay brings a queued one forward). */
static void sync_dedup_key(char out[64], int64_t repo_id)
{
	snprintf(out, 64, "dvcs.sync:%lld", (long long)repo_id);
}

static int queue_sync_job(db_conn *c, int64_t repo_id, int64_t delay_ms)
{
	char payload[64], dedup[64];
	snprintf(payload, sizeof payload, "{\"repo\": %lld}", (long long)repo_id);
	sync_dedup_key(dedup, repo_id);
	job_enqueue_options opt = { .dedup_key = dedup, .delay_ms = delay_ms };
	return jobs_enqueue(c, DVCS_SYNC_JOB, payload, &opt, NULL);
}

int dvcs_sync_enqueue(db_conn *c, int64_t repo_id, bool full)
{
	int rc = db_exec(
	        c,
	        "UPDATE dvcs_repos SET sync_full = CASE WHEN $2 = 1 THEN 1 ELSE sync_full END,"
	        " sync_state = CASE WHEN sync_state = 'running' THEN 'running'"
	        " ELSE 'queued' END, updated_at = $3 WHERE id = $1",
	        db_int(repo_id), db_int(full ? 1 : 0), db_int(clock_now_ms()));
	return rc < 0 ? rc : queue_sync_job(c, repo_id, 0);
}

/* ---- the sync job ---- */

/* Repositories this process syncs right now: a trigger for one of them waits its turn, and is
 * remembered, so that the follow-up starts as soon as the run ends rather than after the deferred
 * job's delay (a push during a run's pull-request step would otherwise wait that second). */
static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t running_ids[64];
static bool rerun_wanted[64];

static bool claim_repo(int64_t id)
{
	bool ok = false;
	pthread_mutex_lock(&running_lock);
	for (size_t i = 0; i < sizeof running_ids / sizeof running_ids[0]; i++)
		if (running_ids[i] == id) {
			rerun_wanted[i] = true;
			goto done;
		}
	for (size_t i = 0; i < sizeof running_ids / sizeof running_ids[0]; i++)
		if (running_ids[i] == 0) {
			running_ids[i] = id;
			rerun_wanted[i] = false;
			ok = true;
			break;
		}
done:
	pthread_mutex_unlock(&running_lock);
	return ok;
}

/* Frees the repository's slot; true when a trigger arrived during the run. */
static bool release_repo(int64_t id)
{
	bool rerun = false;
	pthread_mutex_lock(&running_lock);
	for (size_t i = 0; i < sizeof running_ids / sizeof running_ids[0]; i++)
		if (running_ids[i] == id) {
			rerun = rerun_wanted[i];
			running_ids[i] = 0;
			rerun_wanted[i] = false;
		}
	pthread_mutex_unlock(&running_lock);
	return rerun;
}

/* The steps of a run whose durations the debug log shows. */
enum {
	STEP_BEGIN,
	STEP_START,
	STEP_TOKEN,
	STEP_FETCH,
	STEP_WALK,
	STEP_SETTLE,
	STEP_PULLS,
	STEP_END,
	SYNC_STEPS
};

/* A walk that linked this many commits refreshes the planner's statistics of the link tables as
 * it settles (db_analyze): the recount that follows reads every link of the repository, and
 * planned with statistics from before the walk (or none, or none for a new repository's id) it
 * took a nested loop over them, 0.7 s for 100,000 commits on PostgreSQL instead of 0.1 s. */
enum { ANALYZE_LINKED = 10000 };

/* One run of the sync job. */
typedef struct sync_run {
	track_app *app;
	arena *a;
	int64_t repo_id;
	bool skip; /* gone, unlinked or deleted: nothing to do */
	bool full;
	int64_t started_at; /* epoch ms, before the fetch: what provisional commits are judged by */
	bool walked; /* a sync settled the branches before (walked_at): an empty repository synced */
	dvcs_repo repo;
	dvcs_account account;
	dvcs_head *old; /* the recorded branches as the run started */
	size_t nold;
	const char *error;
	int64_t mark[SYNC_STEPS]; /* clock_mono_ns at each step's end, for the debug log */
	const job *job; /* the job running it (NULL without one): its lease is kept per batch */
	bool lost; /* the job's lease went to another worker: the run writes nothing more */
} sync_run;

/* The job's lease lasts another lease from now (in c's transaction): a backfill may take far
 * longer than one lease, and must not be claimed twice. Once the lease is lost (another worker
 * took the job over), the transaction that asked rolls back and the run stops. */
static int keep_lease(db_conn *c, sync_run *s)
{
	int rc = s->job ? job_heartbeat(c, s->job) : 0;
	if (rc == WEFT_ECONFLICT)
		s->lost = true;
	return rc;
}

static int lease_tx(db_conn *c, void *ctx)
{
	return keep_lease(c, ctx);
}

/* The fetch's watch: the lease, kept in a transaction of its own while git runs. */
static int keep_lease_now(void *ctx)
{
	sync_run *s = ctx;
	return s->job ? db_tx(s->app->d, lease_tx, s) : 0;
}

static int start_run(db_conn *c, void *ctx)
{
	sync_run *s = ctx;
	int rc = dvcs_repo_get(c, s->a, s->repo_id, &s->repo);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && (!s->repo.linked || s->repo.deleted))) {
		s->skip = true;
		return 0;
	}
	s->skip = false;
	if (rc == 0)
		rc = dvcs_account_get(c, s->a, s->repo.account_id, &s->account);
	if (rc < 0)
		return rc;
	s->full = s->repo.sync_full;
	s->started_at = clock_now_ms();
	rc = db_exec(c,
	             "UPDATE dvcs_repos SET sync_full = 0, sync_state = 'running',"
	             " sync_started_at = $2, sync_finished_at = NULL, sync_error = NULL,"
	             " updated_at = $2 WHERE id = $1",
	             db_int(s->repo_id), db_int(s->started_at));
	if (rc >= 0 && s->full)
		rc = dvcs_found_forget(c, s->repo_id);
	if (rc >= 0)
		rc = dvcs_found_recorded(c, s->a, s->repo_id, &s->old, &s->nold);
	int64_t walked = 0;
	if (rc >= 0)
		rc = db_query_int(&walked, c,
		                  "SELECT CASE WHEN walked_at IS NULL THEN 0 ELSE 1 END"
		                  " FROM dvcs_repos WHERE id = $1",
		                  db_int(s->repo_id));
	s->walked = walked == 1;
	if (rc >= 0)
		rc = keep_lease(c, s);
	return rc < 0 ? rc : 0;
}

/* The state after the run: done (or queued when a follow-up waits), or failed with the error. */
static int finish_run(db_conn *c, void *ctx)
{
	sync_run *s = ctx;
	char dedup[64];
	sync_dedup_key(dedup, s->repo_id);
	int rc = keep_lease(c, s);
	if (rc < 0)
		return rc;
	rc = db_exec(c,
	             "UPDATE dvcs_repos SET sync_state = CASE WHEN CAST($3 AS TEXT) IS NOT NULL"
	             " THEN 'failed' WHEN EXISTS (SELECT 1 FROM jobs WHERE dedup_key = $4"
	             " AND state = 'pending') THEN 'queued' ELSE 'done' END,"
	             " sync_error = $3, sync_finished_at = $2, updated_at = $2 WHERE id = $1",
	             db_int(s->repo_id), db_int(clock_now_ms()), db_text(s->error), db_text(dedup));
	return rc < 0 ? rc : 0;
}

/* A batch of the walk: commits copied out of the walk into an arena of its own. */
typedef struct batch {
	arena *a;
	dvcs_commit *items;
	size_t n;
	size_t bytes; /* of the items' texts */
	int64_t since; /* clock_mono_ns when its first commit came */
	size_t limit; /* commits at most (the storer's pace as the batch began) */
} batch;

/* Threads that store a backfill's batches at once on PostgreSQL (see walk_new). */
enum { STORERS_MAX = 2 };

typedef struct walk_store walk_store;

/* A storing thread and what its batches found (the distinct keys of its own). */
typedef struct storer {
	walk_store *w;
	dvcs_found_run found;
	pthread_t thread;
} storer;

/* The walk's storing. The walk fills a batch while a thread of its own stores the one before,
 * so that git, the parsing and the storing overlap (git blocks on a full pipe otherwise); a full
 * batch waits in a slot of one until a storer takes it. */
struct walk_store {
	sync_run *s;
	storer storers[STORERS_MAX];
	int nstorers; /* running */
	batch filling; /* the walk's */
	batch slot; /* handed over to the storer (its arena NULL once taken) */
	bool closed; /* the walk ended: nothing more comes */
	size_t limit; /* commits in a batch at most, from the storer's pace */
	int64_t linked; /* commits the stored batches linked */
	int64_t store_ns; /* what a batch's storing should take */
	int rc; /* the storer's failure: the walk stops at its next hand-over */
	char error[512]; /* the storer's message (err_msg is per thread) */
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static int batch_new(batch *b, size_t limit)
{
	*b = (batch){ .a = arena_new(), .limit = limit };
	b->items = b->a ? arena_alloc(b->a, DVCS_FOUND_BATCH_MAX * sizeof *b->items) : NULL;
	return b->items ? 0 : err_fail(WEFT_ERROR, "out of memory");
}

typedef struct store_tx {
	storer *st;
	const batch *b;
} store_tx;

static int store_batch(db_conn *c, void *ctx)
{
	store_tx *t = ctx;
	int rc = dvcs_found_store(c, t->b->a, &t->st->found, t->b->items, t->b->n);
	return rc == 0 ? keep_lease(c, t->st->w->s) : rc;
}

/* The next batch's size: what the storer stores in w->store_ns at the pace of the batch of n
 * commits it stored in took_ns. */
static size_t next_limit(const walk_store *w, size_t n, int64_t took_ns)
{
	double k = (double)n * (double)w->store_ns / (double)(took_ns > 0 ? took_ns : 1);
	return k < DVCS_FOUND_BATCH_MIN   ? DVCS_FOUND_BATCH_MIN
	       : k > DVCS_FOUND_BATCH_MAX ? DVCS_FOUND_BATCH_MAX
	                                  : (size_t)k;
}

/* A storer: each batch it takes in a transaction of its own, until the walk ends or a batch
 * fails. */
static void *storer_main(void *ctx)
{
	storer *st = ctx;
	walk_store *w = st->w;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->slot.a && !w->closed)
			pthread_cond_wait(&w->changed, &w->lock);
		batch b = w->slot;
		w->slot.a = NULL;
		pthread_cond_broadcast(&w->changed);
		pthread_mutex_unlock(&w->lock);
		if (!b.a)
			return NULL;
		store_tx t = { st, &b };
		int64_t start = clock_mono_ns();
		/* a soft sync's few commits need no grown cache */
		int rc = b.n >= DVCS_FOUND_BATCH_MIN
		                 ? db_tx_bulk(w->s->app->d, DVCS_FOUND_CACHE_KIB, store_batch, &t)
		                 : db_tx(w->s->app->d, store_batch, &t);
		size_t limit = next_limit(w, b.n, clock_mono_ns() - start);
		arena_free(b.a);
		pthread_mutex_lock(&w->lock);
		w->limit = limit;
		w->linked += rc == 0 ? st->found.linked : 0;
		if (rc < 0) {
			w->rc = rc;
			snprintf(w->error, sizeof w->error, "%s", err_msg());
			pthread_cond_broadcast(&w->changed);
		}
		pthread_mutex_unlock(&w->lock);
		if (rc < 0)
			return NULL;
	}
}

/* Hands the walk's batch to the storer once the slot is free, and starts a new one; the
 * storer's failure when it failed. */
static int hand_over(walk_store *w)
{
	if (w->filling.n == 0)
		return 0;
	pthread_mutex_lock(&w->lock);
	while (w->slot.a && w->rc == 0)
		pthread_cond_wait(&w->changed, &w->lock);
	int rc = w->rc;
	size_t limit = w->limit;
	if (rc == 0) {
		w->slot = w->filling;
		w->filling.a = NULL;
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	return rc < 0 ? rc : batch_new(&w->filling, limit);
}

/* Whether the batch is full: by count, by size, or by age (on a loaded machine the walk slows
 * down, and the progress and the job's lease are written with each batch). */
static bool batch_full(const batch *b)
{
	return b->n >= b->limit || b->bytes >= DVCS_FOUND_BATCH_BYTES ||
	       clock_mono_ns() - b->since >= (int64_t)DVCS_FOUND_BATCH_MS * 1000000;
}

static int take_commit(void *ctx, const dvcs_commit *commit)
{
	walk_store *w = ctx;
	batch *b = &w->filling;
	if (b->n == 0)
		b->since = clock_mono_ns();
	dvcs_commit *m = &b->items[b->n++];
	*m = *commit;
	m->author_name = arena_strdup(b->a, commit->author_name);
	m->author_email = arena_strdup(b->a, commit->author_email);
	m->message = arena_strdup(b->a, commit->message);
	b->bytes += strlen(m->author_name) + strlen(m->author_email) + strlen(m->message) + 3;
	return batch_full(b) ? hand_over(w) : 0;
}

/* The walk's last batch to the storers, then their end: rc, or a storer's failure. */
static int store_end(walk_store *w, int rc)
{
	if (rc == 0)
		rc = hand_over(w);
	pthread_mutex_lock(&w->lock);
	w->closed = true;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->lock);
	for (int i = 0; i < w->nstorers; i++)
		pthread_join(w->storers[i].thread, NULL);
	arena_free(w->filling.a);
	if (w->rc < 0 && (rc == 0 || rc == w->rc))
		return err_fail(w->rc, "%s", w->error);
	return rc;
}

static const char **hashes_of(arena *a, const dvcs_head *heads, size_t n)
{
	const char **out = arena_alloc(a, (n ? n : 1) * sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = heads[i].hash;
	return out;
}

/* The walk of what is new: past recorded heads (incremental) in this process when it brings few
 * commits (with their file counts), else git log's (without: the panel counts those it shows). */
static int walk_commits(dvcs_mirror *m, const char *const *from, size_t nfrom,
                        const char *const *hide, size_t nhide, bool incremental, bool ordered,
                        dvcs_commit_fn fn, void *ctx)
{
	int rc = incremental ? dvcs_walk_local(m, from, nfrom, hide, nhide, DVCS_WALK_LOCAL_MAX, fn,
	                                       ctx)
	                     : 1;
	return rc == 1 ? dvcs_mirror_walk(m, from, nfrom, hide, nhide, ordered, fn, ctx) : rc;
}

/* Walks what is new and stores it in batches; *keyed: a backfill found keys (the counts are
 * then recounted at the end; a soft sync keeps them as it goes); *linked: the commits it linked.
 * Smart commits run for what a soft sync finds past recorded heads, or in a repository synced
 * before with none (the first push into an empty one); never in a full sync, nor in a
 * repository's first walk (its whole history, like Jira's first full sync).
 *
 * The storing is what the walk waits for. On PostgreSQL a backfill's batches are stored by
 * STORERS_MAX threads at once, each batch still a transaction of its own: the server runs each
 * connection in a process of its own, so two batches use both cores (a batch's commits, links and
 * keys are its own; their progress and lease rows are written last, so one waits for the other's
 * commit there and nowhere else). A soft sync keeps one storer (its smart commits are queued in
 * the walk's order, its new keys counted as met), and so does SQLite, which writes one
 * transaction at a time. Each storer counts the distinct keys it met: the progress shows the
 * larger count until the recount at the end. */
static int walk_new(sync_run *s, dvcs_mirror *m, const dvcs_head *heads, size_t n, bool *keyed,
                    int64_t *linked)
{
	/* a batch's storing takes a quarter of the job's lease at most */
	int64_t store_ms = s->job && s->job->lease_ms / 4 < DVCS_FOUND_STORE_MS
	                           ? s->job->lease_ms / 4
	                           : DVCS_FOUND_STORE_MS;
	walk_store w = { .s = s, .limit = DVCS_FOUND_BATCH, .store_ns = store_ms * 1000000 };
	bool incremental = !s->full && s->nold > 0;
	bool smart = !s->full && (s->nold > 0 || s->walked) && s->repo.smart_commits;
	int wanted =
	        !incremental && !smart && db_engine_of(s->app->d) == DB_POSTGRES ? STORERS_MAX : 1;
	int rc = batch_new(&w.filling, w.limit);
	for (int i = 0; rc == 0 && i < wanted; i++) {
		w.storers[i].w = &w;
		rc = dvcs_found_run_init(&w.storers[i].found, s->repo_id, smart, incremental);
	}
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.changed, NULL);
	while (rc == 0 && w.nstorers < wanted &&
	       pthread_create(&w.storers[w.nstorers].thread, NULL, storer_main,
	                      &w.storers[w.nstorers]) == 0)
		w.nstorers++;
	if (rc == 0 && w.nstorers == 0)
		rc = err_fail(WEFT_ERROR, "cannot start the sync's storing thread");
	if (w.nstorers > 0) {
		rc = walk_commits(m, hashes_of(s->a, heads, n), n, hashes_of(s->a, s->old, s->nold),
		                  s->nold, incremental, incremental || smart, take_commit, &w);
		rc = store_end(&w, rc);
	} else
		arena_free(w.filling.a);
	s->mark[STEP_WALK] = clock_mono_ns();
	*keyed = false;
	for (int i = 0; i < STORERS_MAX; i++) {
		*keyed = *keyed || (!incremental && w.storers[i].found.nkeys > 0);
		dvcs_found_run_dispose(&w.storers[i].found);
	}
	*linked = w.linked;
	pthread_cond_destroy(&w.changed);
	pthread_mutex_destroy(&w.lock);
	return rc;
}

/* The heads of old that moved or went in heads: where dropped commits may hide. With the mirror
 * (m not NULL), a head whose new commit descends from its old one is left out: a fast-forward
 * dropped nothing, and needs no walk. */
static const char **moved_heads(arena *a, dvcs_mirror *m, const dvcs_head *old, size_t nold,
                                const dvcs_head *heads, size_t n, size_t *count)
{
	const char **out = arena_alloc(a, (nold ? nold : 1) * sizeof *out);
	size_t k = 0, j = 0;
	for (size_t i = 0; i < nold; i++) {
		while (j < n && strcmp(heads[j].name, old[i].name) < 0)
			j++;
		if (j == n || strcmp(heads[j].name, old[i].name) != 0 ||
		    (m ? !dvcs_mirror_descends(m, heads[j].hash, old[i].hash)
		       : strcmp(heads[j].hash, old[i].hash) != 0))
			out[k++] = old[i].hash;
	}
	*count = k;
	return out;
}

typedef struct dropped {
	arena *a;
	array hashes;
} dropped;

static int take_dropped(void *ctx, const dvcs_commit *commit)
{
	dropped *d = ctx;
	*ARRAY_PUSH(d->a, &d->hashes, const char *) = arena_strdup(d->a, commit->hash);
	return 0;
}

/* What the run saw at its end, stored in one transaction. */
typedef struct settle {
	sync_run *s;
	const dvcs_head *heads;
	size_t n;
	const dropped *drop;
	bool recount;
	bool analyze; /* the walk linked ANALYZE_LINKED commits or more */
	bool lost; /* a recorded head the mirror lacks: only a full sync knows what went */
} settle;

static int settle_run(db_conn *c, void *ctx)
{
	settle *t = ctx;
	int64_t removed = 0, branch_keys = 0, unconfirmed = 0;
	int rc = t->analyze ? db_analyze(c, "dvcs_repo_commits, dvcs_commit_keys") : 0;
	if (rc == 0)
		rc = dvcs_found_branches(c, t->s->a, t->s->repo_id, t->heads, t->n, &branch_keys);
	if (rc == 0)
		rc = dvcs_provisional_settle(c, t->s->repo_id, t->s->started_at, &unconfirmed);
	if (rc == 0 && unconfirmed > 0)
		log_info("dvcs sync of repository %lld: %lld commits a push webhook named are not"
		         " in the mirror, removed",
		         (long long)t->s->repo_id, (long long)unconfirmed);
	if (rc == 0 && t->drop->hashes.n > 0)
		rc = dvcs_found_drop(c, t->s->a, t->s->repo_id, t->drop->hashes.items,
		                     t->drop->hashes.n, &removed);
	if (rc == 0 && (t->recount || removed > 0 || branch_keys > 0))
		rc = dvcs_found_recount(c, t->s->repo_id);
	if (rc == 0 && t->lost)
		rc = dvcs_sync_enqueue(c, t->s->repo_id, true);
	if (rc == 0)
		rc = db_exec(c, "UPDATE dvcs_repos SET walked_at = $2 WHERE id = $1",
		             db_int(t->s->repo_id), db_int(clock_now_ms()));
	if (rc >= 0)
		rc = keep_lease(c, t->s);
	return rc;
}

/* Walks, stores and settles from the opened mirror; the new heads stay in *heads. */
static int walk_mirror(sync_run *s, dvcs_mirror *m, dvcs_head **heads, size_t *n)
{
	int rc = dvcs_mirror_heads(m, s->a, heads, n);
	bool keyed = false;
	int64_t linked = 0;
	if (rc == 0)
		rc = walk_new(s, m, *heads, *n, &keyed, &linked);
	if (rc < 0)
		return rc;
	settle t = { .s = s,
		     .heads = *heads,
		     .n = *n,
		     .recount = s->full || keyed,
		     .analyze = linked >= ANALYZE_LINKED };
	size_t nmoved = 0;
	const char **moved = moved_heads(s->a, m, s->old, s->nold, *heads, *n, &nmoved);
	for (size_t i = 0; i < nmoved; i++)
		if (!dvcs_mirror_has(m, moved[i]))
			t.lost = true;
	dropped d = { .a = s->a };
	if (nmoved > 0 && !t.lost)
		rc = dvcs_mirror_walk(m, moved, nmoved, hashes_of(s->a, *heads, *n), *n, false,
		                      take_dropped, &d);
	t.drop = &d;
	if (rc == 0)
		rc = db_tx(s->app->d, settle_run, &t);
	s->mark[STEP_SETTLE] = clock_mono_ns();
	return rc;
}

static int sync_walk(sync_run *s, const char *path, dvcs_head **heads, size_t *n)
{
	dvcs_mirror *m = NULL;
	int rc = dvcs_mirror_open(&m, path);
	if (rc == 0)
		rc = walk_mirror(s, m, heads, n);
	dvcs_mirror_close(m);
	return rc;
}

/* Ends the run: failed with the error in full, or done; nothing when its lease was lost (the
 * worker that took the job over owns the repository's state now). */
static int end_run(sync_run *s, int rc)
{
	if (rc < 0)
		s->error = arena_strdup(s->a, err_msg());
	int end = s->lost ? 0 : db_tx(s->app->d, finish_run, s);
	if (s->lost) {
		log_warn("dvcs sync of repository %lld stopped: another worker took its job over",
		         (long long)s->repo_id);
		return err_fail(WEFT_ECONFLICT, "the sync of repository %lld lost its job's lease",
		                (long long)s->repo_id);
	}
	if (rc < 0)
		return err_fail(rc, "%s", s->error);
	return end;
}

int dvcs_sync_mirror(track_app *app, arena *a, int64_t repo_id, const char *path)
{
	sync_run s = { .app = app, .a = a, .repo_id = repo_id };
	int rc = db_tx(app->d, start_run, &s);
	if (rc < 0 || s.skip)
		return rc;
	dvcs_head *heads = NULL;
	size_t n = 0;
	return end_run(&s, sync_walk(&s, path, &heads, &n));
}

typedef struct pulls_found {
	sync_run *s;
	int64_t count;
} pulls_found;

static int store_pulls(db_conn *c, void *ctx)
{
	pulls_found *p = ctx;
	int rc = db_exec(c, "UPDATE dvcs_repos SET sync_pulls = sync_pulls + $2 WHERE id = $1",
	                 db_int(p->s->repo_id), db_int(p->count));
	return rc < 0 ? rc : keep_lease(c, p->s);
}

/* Fetch, walk and store, then the pull requests and builds of the heads that moved. */
static int fetch_and_walk(sync_run *s)
{
	const char *token = NULL;
	int rc = dvcs_account_access_token(s->app, s->a, s->account.id, &token);
	const char *path = dvcs_repo_mirror_path(s->a, s->app, s->repo_id);
	s->mark[STEP_TOKEN] = clock_mono_ns();
	/* git may outlast a lease (a big repository): the lease is kept while it runs, a third of
	 * a lease apart, and git is stopped when another worker took the job over */
	dvcs_fetch_watch watch = { .every_ms = s->job ? s->job->lease_ms / 3 : 0,
		                   .fn = keep_lease_now,
		                   .ctx = s };
	if (watch.every_ms < 100)
		watch.every_ms = 100;
	if (rc == 0)
		rc = dvcs_mirror_fetch_watched(s->a, path,
		                               dvcs_repo_clone_url(s->a, &s->account, &s->repo),
		                               token, DVCS_FETCH_TIMEOUT_S, s->job ? &watch : NULL);
	s->mark[STEP_FETCH] = clock_mono_ns();
	dvcs_head *heads = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = sync_walk(s, path, &heads, &n);
	if (rc < 0)
		return rc;
	size_t nmoved = 0;
	const char **moved = moved_heads(s->a, NULL, heads, n, s->old, s->nold, &nmoved);
	pulls_found p = { .s = s }; /* the lease was kept by the settling, a moment ago */
	rc = dvcs_pulls_sync(s->app, s->a, &s->account, &s->repo, token, s->full, moved, nmoved,
	                     &p.count);
	if (rc == 0 && p.count > 0)
		rc = db_tx(s->app->d, store_pulls, &p);
	s->mark[STEP_PULLS] = clock_mono_ns();
	/* the mirror's housekeeping, once what is new is stored: a failure is only logged */
	if (rc == 0 && dvcs_mirror_tidy(s->a, path, DVCS_FETCH_TIMEOUT_S) < 0)
		log_warn("dvcs sync of repository %lld: %s", (long long)s->repo_id, err_msg());
	return rc;
}

/* The run's steps in the debug log, in milliseconds: when a push takes long to show, which. */
static void log_steps(const sync_run *s)
{
	if (!log_enabled(LOG_DEBUG))
		return;
	static const char *const names[SYNC_STEPS] = { "",     "start",  "token", "fetch",
		                                       "walk", "settle", "pulls", "end" };
	char text[256];
	size_t len = 0;
	int64_t last = s->mark[STEP_BEGIN];
	for (int i = STEP_START; i < SYNC_STEPS && len < sizeof text; i++) {
		if (!s->mark[i])
			continue;
		len += (size_t)snprintf(text + len, sizeof text - len, " %s=%.2f", names[i],
		                        (double)(s->mark[i] - last) / 1e6);
		last = s->mark[i];
	}
	log_debug("dvcs sync repo=%lld full=%d%s total=%.2f", (long long)s->repo_id, s->full, text,
	          (double)(last - s->mark[STEP_BEGIN]) / 1e6);
}

/* The follow-up of a trigger that arrived during a run: queued (de-duplicated) to run after
 * delay_ms; queueing it again with a shorter delay brings the queued one forward. */
typedef struct follow_up {
	int64_t id, delay_ms;
} follow_up;

static int queue_follow_up(db_conn *c, void *ctx)
{
	const follow_up *f = ctx;
	return queue_sync_job(c, f->id, f->delay_ms);
}

static int payload_id(const char *payload, const char *field, int64_t *id)
{
	json_t *p = json_loads(payload, 0, NULL);
	json_t *v = json_object_get(p, field);
	*id = json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
	json_decref(p);
	return *id > 0 ? 0 : err_fail(WEFT_EINVALID, "payload without a %s id", field);
}

int dvcs_sync_run(track_app *app, const job *j)
{
	int64_t id = 0;
	int rc = payload_id(j->payload, "repo", &id);
	if (rc < 0)
		return rc;
	/* The deferred job is the durable record (this process may die before the run ends); the
	 * run's end brings it forward. */
	follow_up later = { id, 1000 }, now = { id, 0 };
	if (!claim_repo(id))
		return db_tx(app->d, queue_follow_up, &later);
	arena *a = arena_new();
	sync_run s = {
		.app = app, .a = a, .repo_id = id, .job = j, .mark[STEP_BEGIN] = clock_mono_ns()
	};
	rc = db_tx(app->d, start_run, &s);
	s.mark[STEP_START] = clock_mono_ns();
	if (rc == 0 && !s.skip) {
		rc = end_run(&s, fetch_and_walk(&s));
		s.mark[STEP_END] = clock_mono_ns();
		log_steps(&s);
	}
	arena_free(a);
	if (release_repo(id)) {
		int queued = db_tx(app->d, queue_follow_up, &now);
		rc = rc < 0 ? rc : queued;
	}
	return rc;
}

static int sync_job(void *ctx, const job *j)
{
	log_debug("dvcs sync job=%lld queued=%lld", (long long)j->id,
	          (long long)(clock_now_ms() - j->enqueued_at));
	return dvcs_sync_run(ctx, j);
}

/* ---- the periodic job ---- */

static int64_t next_delay(const track_app *app)
{
	int64_t every = app->dvcs_sync_interval_ms > 0 ? app->dvcs_sync_interval_ms : 3600000;
	/* from 90 % to 110 % of the interval, so that nodes and restarts spread out */
	uint32_t spread = (uint32_t)(every / 5 > UINT32_MAX ? UINT32_MAX : every / 5);
	return every - every / 10 + (spread ? (int64_t)randombytes_uniform(spread + 1) : 0);
}

typedef struct periodic {
	const track_app *app;
	db_conn *c;
	int rc;
} periodic;

static void sync_linked(void *ctx, const dvcs_repo *repo)
{
	periodic *p = ctx;
	if (p->rc == 0 && repo->linked && !repo->deleted)
		p->rc = dvcs_sync_enqueue(p->c, repo->id, false);
}

static void discover_account(void *ctx, const dvcs_account *account)
{
	periodic *p = ctx;
	if (p->rc == 0 && strcmp(account->status, "pending") != 0)
		p->rc = dvcs_discover_enqueue(p->c, account->id);
}

static int run_periodic(db_conn *c, void *ctx)
{
	periodic p = { .app = ctx, .c = c };
	arena *a = arena_new();
	if (!a)
		return err_fail(WEFT_ERROR, "out of memory");
	int rc = dvcs_repo_list(c, a, 0, sync_linked, &p);
	if (rc == 0)
		rc = p.rc;
	if (rc == 0)
		rc = dvcs_account_list(c, a, discover_account, &p);
	if (rc == 0)
		rc = p.rc;
	arena_free(a);
	return rc == 0 ? jobs_schedule_periodic(c, DVCS_PERIODIC_JOB, next_delay(p.app)) : rc;
}

static int periodic_job(void *ctx, const job *j)
{
	(void)j;
	track_app *app = ctx;
	return db_tx(app->d, run_periodic, app);
}

static int schedule_first(db_conn *c, void *ctx)
{
	return jobs_schedule_periodic(c, DVCS_PERIODIC_JOB, next_delay(ctx));
}

int dvcs_jobs_start(job_queue *q, track_app *app)
{
	job_queue_register(q, DVCS_SYNC_JOB, sync_job, app);
	job_queue_register(q, DVCS_PERIODIC_JOB, periodic_job, app);
	job_queue_register(q, DVCS_DISCOVER_JOB, dvcs_discover_job, app);
	job_queue_register(q, DVCS_UNLINK_JOB, dvcs_unlink_job, app);
	dvcs_smart_register(q, app);
	return db_tx(app->d, schedule_first, app);
}
