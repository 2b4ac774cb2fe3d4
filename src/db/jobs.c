/* The job queue: enqueueing, claiming with leases, finishing, retries and purging, and the
 * worker threads that tie them together. */
#include "db/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/token.h"

enum {
	MAX_KINDS = 32,
	DEFAULT_MAX_ATTEMPTS = 10,
	PURGE_EVERY_MS = 10 * 60 * 1000,
	RECLAIM_EVERY_MS =
	        1000, /* expired leases are noticed within a second: leases are minutes */
};

static const char notify_channel[] = "weft_jobs";

typedef struct job_kind {
	const char *kind;
	job_fn fn;
	void *ctx;
} job_kind;

struct job_queue {
	db *d;
	char *name;
	job_queue_options opt;
	job_kind kinds[MAX_KINDS];
	int nkinds;
	pthread_t *threads;
	int started;
	pthread_t listener_thread;
	bool listening;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_cond_t exited;
	int running_workers;
	uint64_t wakeups; /* counts wake-ups, so a waiter can tell one happened */
	atomic_bool stopping;
	char owner[64]; /* this process in lease_owner: host:pid:token */
	atomic_llong last_purge; /* epoch ms of the last purge, for the one worker doing it */
	atomic_llong last_reclaim; /* likewise for the reclaim of expired leases */
};

job_queue_options job_queue_defaults(void)
{
	return (job_queue_options){
		.workers = 2,
		.lease_ms = 5 * 60 * 1000,
		.backoff_base_ms = 1000,
		.backoff_cap_ms = 60 * 60 * 1000,
		.poll_ms = 1000,
		.retention_ms = 7LL * 24 * 60 * 60 * 1000,
	};
}

/* ---- enqueueing ---- */

/* PostgreSQL: the insert and its notification in one round trip (notifications of one
 * transaction are merged by the server anyway). */
static const char enqueue_postgres[] =
        "WITH added AS (INSERT INTO jobs (kind, payload, run_after, max_attempts, dedup_key,"
        " created_at) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (dedup_key) WHERE state = 'pending' DO NOTHING RETURNING 1)"
        " SELECT pg_notify($7, '') FROM added";

static const char enqueue_sqlite[] =
        "INSERT INTO jobs (kind, payload, run_after, max_attempts, dedup_key, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (dedup_key) WHERE state = 'pending' DO NOTHING RETURNING 1";

/* A pending twin (same key) that would run later than run_after runs at run_after instead: a
 * de-duplicated enqueue never postpones the work it asked for (a periodic job's next run, queued
 * ten minutes out, must not swallow a "now" at start-up). *moved tells whether it did; the
 * notification lets other nodes see the sooner time. */
static int bring_forward(db_conn *c, const char *key, int64_t run_after, bool *moved)
{
	db_stmt *st;
	int rc =
	        db_query(&st, c,
	                 db_sql(c,
	                        "UPDATE jobs SET run_after = $1 WHERE dedup_key = $2"
	                        " AND state = 'pending' AND run_after > $1 RETURNING 1",
	                        "WITH moved AS (UPDATE jobs SET run_after = $1 WHERE dedup_key = $2"
	                        " AND state = 'pending' AND run_after > $1 RETURNING 1)"
	                        " SELECT pg_notify($3, '') FROM moved"),
	                 db_int(run_after), db_text(key),
	                 db_conn_engine(c) == DB_POSTGRES ? db_text(notify_channel) : DB_END);
	*moved = false;
	if (rc == 0) {
		while ((rc = db_step(st)) == DB_ROW)
			*moved = true;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int jobs_enqueue(db_conn *c, const char *kind, const char *payload, const job_enqueue_options *opt,
                 bool *enqueued)
{
	job_enqueue_options none = { 0 };
	if (!opt)
		opt = &none;
	int64_t now = clock_now_ms();
	db_stmt *st;
	int rc = db_query(&st, c, db_sql(c, enqueue_sqlite, enqueue_postgres), db_text(kind),
	                  db_text(payload), db_int(now + opt->delay_ms),
	                  db_int(opt->max_attempts > 0 ? opt->max_attempts : DEFAULT_MAX_ATTEMPTS),
	                  db_text(opt->dedup_key), db_int(now),
	                  db_conn_engine(c) == DB_POSTGRES ? db_text(notify_channel) : DB_END);
	bool added = false, moved = false;
	if (rc == 0) {
		while ((rc = db_step(st)) == DB_ROW)
			added = true;
	}
	db_done(st);
	if (rc == 0 && !added && opt->dedup_key)
		rc = bring_forward(c, opt->dedup_key, now + opt->delay_ms, &moved);
	if (rc < 0)
		return rc;
	if (enqueued)
		*enqueued = added;
	if (added || moved)
		db_wake_after_commit(c);
	return 0;
}

int jobs_schedule_periodic(db_conn *c, const char *kind, int64_t delay_ms)
{
	job_enqueue_options opt = { .dedup_key = kind, .delay_ms = delay_ms, .max_attempts = 3 };
	return jobs_enqueue(c, kind, "{}", &opt, NULL);
}

typedef struct periodic_run {
	const char *kind;
	int64_t delay_ms;
} periodic_run;

static int schedule_periodic(db_conn *c, void *ctx)
{
	const periodic_run *p = ctx;
	return jobs_schedule_periodic(c, p->kind, p->delay_ms);
}

int jobs_schedule_periodic_now(db *d, const char *kind, int64_t delay_ms)
{
	periodic_run p = { kind, delay_ms };
	return db_tx(d, schedule_periodic, &p);
}

/* ---- claiming and finishing ---- */

typedef struct claim_ctx {
	job_queue *q;
	bool found;
	job j;
	char *kind, *payload; /* owned copies behind j */
} claim_ctx;

/* Expired leases go back to pending (or dead after the last attempt); one whose key has a
 * pending twin is finished as superseded, since the twin will do the same work. */
static int reclaim_expired(db_conn *c, int64_t now)
{
	int rc = db_exec(
	        c,
	        "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead'"
	        " ELSE 'pending' END, lease_owner = NULL, lease_expires = NULL, run_after = $1,"
	        " finished_at = CASE WHEN attempts >= max_attempts THEN $1 END,"
	        " last_error = 'its worker stopped before finishing it (lease expired)'"
	        " WHERE state = 'running' AND lease_expires < $1 AND (dedup_key IS NULL OR"
	        " NOT EXISTS (SELECT 1 FROM jobs p WHERE p.state = 'pending'"
	        " AND p.dedup_key = jobs.dedup_key))",
	        db_int(now));
	if (rc < 0)
		return rc;
	rc = db_exec(
	        c,
	        "UPDATE jobs SET state = 'done', finished_at = $1, lease_owner = NULL,"
	        " lease_expires = NULL, last_error = 'superseded by a newer job with the same key'"
	        " WHERE state = 'running' AND lease_expires < $1",
	        db_int(now));
	return rc < 0 ? rc : 0;
}

static const char claim_sqlite[] =
        "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires = $2,"
        " attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE state = 'pending'"
        " AND run_after <= $3 ORDER BY run_after, id LIMIT 1)"
        " RETURNING id, kind, payload, attempts, max_attempts, created_at";

/* SKIP LOCKED: concurrent workers on any node pass over rows another is claiming. */
static const char claim_postgres[] =
        "UPDATE jobs SET state = 'running', lease_owner = $1, lease_expires = $2,"
        " attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE state = 'pending'"
        " AND run_after <= $3 ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, kind, payload, attempts, max_attempts, created_at";

const char *jobs_claim_sql(db_engine engine)
{
	return engine == DB_POSTGRES ? claim_postgres : claim_sqlite;
}

static int claim(db_conn *c, void *ctx)
{
	claim_ctx *cc = ctx;
	int64_t now = clock_now_ms();
	db_stmt *s = NULL;
	cc->found = false;
	int rc = db_query(&s, c, jobs_claim_sql(db_conn_engine(c)), db_text(cc->q->owner),
	                  db_int(now + cc->q->opt.lease_ms), db_int(now));
	if (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		free(cc->kind);
		free(cc->payload);
		cc->kind = mem_strdup(db_col_text(s, 1));
		cc->payload = mem_strdup(db_col_text(s, 2));
		cc->j = (job){ db_col_int(s, 0),      cc->kind,
			       cc->payload,           (int)db_col_int(s, 3),
			       (int)db_col_int(s, 4), db_col_int(s, 5),
			       cc->q->owner,          cc->q->opt.lease_ms };
		cc->found = true;
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

int job_heartbeat(db_conn *c, const job *j)
{
	int rc = db_exec(c,
	                 "UPDATE jobs SET lease_expires = $1 WHERE id = $2 AND lease_owner = $3"
	                 " AND state = 'running'",
	                 db_int(clock_now_ms() + j->lease_ms), db_int(j->id),
	                 db_text(j->lease_owner));
	if (rc == 0)
		return err_fail(WEFT_ECONFLICT, "job %lld: its lease was taken over",
		                (long long)j->id);
	return rc < 0 ? rc : 0;
}

typedef struct finish_ctx {
	job_queue *q;
	const job *j;
	int outcome; /* the handler's result */
	const char *error; /* its message */
} finish_ctx;

static int64_t backoff_ms(const job_queue_options *opt, int attempts)
{
	int64_t delay = opt->backoff_base_ms;
	for (int i = 1; i < attempts && delay < opt->backoff_cap_ms; i++)
		delay *= 2;
	if (delay > opt->backoff_cap_ms)
		delay = opt->backoff_cap_ms;
	/* ±50 % jitter, so that jobs that failed together do not retry together. */
	return delay / 2 + (int64_t)((double)delay * ((double)rand() / RAND_MAX));
}

static int mark_done(db_conn *c, const finish_ctx *f, int64_t now)
{
	return db_exec(
	        c,
	        "UPDATE jobs SET state = 'done', finished_at = $1, lease_owner = NULL,"
	        " lease_expires = NULL, last_error = NULL WHERE id = $2 AND lease_owner = $3",
	        db_int(now), db_int(f->j->id), db_text(f->q->owner));
}

static int mark_dead(db_conn *c, const finish_ctx *f, int64_t now)
{
	return db_exec(c,
	               "UPDATE jobs SET state = 'dead', finished_at = $1, lease_owner = NULL,"
	               " lease_expires = NULL, last_error = $4 WHERE id = $2 AND lease_owner = $3",
	               db_int(now), db_int(f->j->id), db_text(f->q->owner), db_text(f->error));
}

static int mark_retry(db_conn *c, const finish_ctx *f, int64_t now)
{
	int rc = db_exec(c,
	                 "UPDATE jobs SET state = 'pending', run_after = $1, lease_owner = NULL,"
	                 " lease_expires = NULL, last_error = $4 WHERE id = $2 AND lease_owner = $3"
	                 " AND (dedup_key IS NULL OR NOT EXISTS (SELECT 1 FROM jobs p"
	                 " WHERE p.state = 'pending' AND p.dedup_key = jobs.dedup_key))",
	                 db_int(now + backoff_ms(&f->q->opt, f->j->attempts)), db_int(f->j->id),
	                 db_text(f->q->owner), db_text(f->error));
	if (rc != 0)
		return rc;
	return db_exec(
	        c,
	        "UPDATE jobs SET state = 'done', finished_at = $1, lease_owner = NULL,"
	        " lease_expires = NULL, last_error = 'superseded by a newer job with the same key'"
	        " WHERE id = $2 AND lease_owner = $3",
	        db_int(now), db_int(f->j->id), db_text(f->q->owner));
}

static int finish(db_conn *c, void *ctx)
{
	finish_ctx *f = ctx;
	int64_t now = clock_now_ms();
	int rc;
	if (f->outcome == 0)
		rc = mark_done(c, f, now);
	else if (f->outcome == WEFT_EINVALID || f->j->attempts >= f->j->max_attempts)
		rc = mark_dead(c, f, now);
	else
		rc = mark_retry(c, f, now);
	if (rc == 0)
		log_warn("job %lld (%s): its lease was taken over before it finished",
		         (long long)f->j->id, f->j->kind);
	return rc < 0 ? rc : 0;
}

static const job_kind *find_kind(const job_queue *q, const char *kind)
{
	for (int i = 0; i < q->nkinds; i++)
		if (strcmp(q->kinds[i].kind, kind) == 0)
			return &q->kinds[i];
	return NULL;
}

static void run_claimed(job_queue *q, const job *j)
{
	const job_kind *k = find_kind(q, j->kind);
	err_clear();
	int outcome = k ? k->fn(k->ctx, j)
	                : err_fail(WEFT_EINVALID, "no handler for jobs of kind %s", j->kind);
	char error[512];
	snprintf(error, sizeof error, "%s", outcome < 0 ? err_msg() : "");
	if (outcome < 0)
		log_warn("%s job %lld (%s) attempt %d of %d failed: %s", q->name, (long long)j->id,
		         j->kind, j->attempts, j->max_attempts, error);
	finish_ctx f = { q, j, outcome, error };
	if (db_tx(q->d, finish, &f) < 0)
		log_error("%s job %lld: could not record its outcome: %s", q->name,
		          (long long)j->id, err_msg());
}

/* True for the one caller that finds every_ms passed since *last and claims the turn. */
static bool take_turn(atomic_llong *last, int64_t every_ms)
{
	long long now = clock_now_ms(), seen = atomic_load(last);
	return now - seen >= every_ms && atomic_compare_exchange_strong(last, &seen, now);
}

static int reclaim(db_conn *c, void *ctx)
{
	(void)ctx;
	return reclaim_expired(c, clock_now_ms());
}

int job_queue_run_one(job_queue *q, bool *ran)
{
	claim_ctx cc = { .q = q };
	/* Expired leases are looked for now and then, not at every claim: it is a write. */
	int rc = take_turn(&q->last_reclaim, RECLAIM_EVERY_MS) ? db_tx(q->d, reclaim, NULL) : 0;
	if (rc == 0)
		rc = db_tx(q->d, claim, &cc);
	*ran = rc == 0 && cc.found;
	if (*ran)
		run_claimed(q, &cc.j);
	free(cc.kind);
	free(cc.payload);
	return rc;
}

/* ---- workers ---- */

static void wake_workers(void *arg)
{
	job_queue *q = arg;
	pthread_mutex_lock(&q->lock);
	q->wakeups++;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

static void wait_for_work(job_queue *q, uint64_t seen)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	int64_t ns = until.tv_nsec + (q->opt.poll_ms % 1000) * 1000000;
	until.tv_sec += q->opt.poll_ms / 1000 + ns / 1000000000;
	until.tv_nsec = ns % 1000000000;
	pthread_mutex_lock(&q->lock);
	while (q->wakeups == seen && !atomic_load(&q->stopping))
		if (pthread_cond_timedwait(&q->wake, &q->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&q->lock);
}

static void purge_now_and_then(job_queue *q)
{
	if (!take_turn(&q->last_purge, PURGE_EVERY_MS))
		return;
	int64_t deleted;
	if (jobs_purge(q->d, q->opt.retention_ms, &deleted) == 0 && deleted > 0)
		log_info("%s jobs: purged %lld finished jobs", q->name, (long long)deleted);
}

static void *worker_main(void *arg)
{
	job_queue *q = arg;
	while (!atomic_load(&q->stopping)) {
		pthread_mutex_lock(&q->lock);
		uint64_t seen = q->wakeups;
		pthread_mutex_unlock(&q->lock);
		bool ran = false;
		if (job_queue_run_one(q, &ran) < 0)
			log_error("%s jobs: %s", q->name, err_msg());
		if (!ran) {
			purge_now_and_then(q);
			wait_for_work(q, seen);
		}
	}
	pthread_mutex_lock(&q->lock);
	q->running_workers--;
	pthread_cond_broadcast(&q->exited);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* PostgreSQL: another node's enqueue arrives as a notification and wakes this node's workers. */
static void *listener_main(void *arg)
{
	job_queue *q = arg;
	db_listener *l = NULL;
	while (!atomic_load(&q->stopping)) {
		if (!l && db_listen(&l, q->d, notify_channel) < 0) {
			log_warn("%s jobs: cannot listen for notifications: %s", q->name,
			         err_msg());
			sleep(1);
			continue;
		}
		int rc = db_listener_wait(l, 200);
		if (rc > 0)
			wake_workers(q);
		if (rc < 0) {
			db_listener_free(l);
			l = NULL;
		}
	}
	db_listener_free(l);
	return NULL;
}

int job_queue_new(job_queue **out, db *d, const char *name, const job_queue_options *opt)
{
	job_queue *q = mem_zalloc(sizeof *q);
	q->d = d;
	q->name = mem_strdup(name);
	q->opt = opt ? *opt : job_queue_defaults();
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	pthread_cond_init(&q->exited, NULL);
	char host[32] = "host", token[9];
	gethostname(host, sizeof host - 1);
	token_hex(token, 4);
	snprintf(q->owner, sizeof q->owner, "%.31s:%d:%s", host, (int)getpid(), token);
	atomic_store(&q->last_purge, clock_now_ms());
	db_set_waker(d, wake_workers, q);
	*out = q;
	return 0;
}

void job_queue_register(job_queue *q, const char *kind, job_fn fn, void *ctx)
{
	if (q->nkinds == MAX_KINDS) {
		log_error("job_queue_register: more than %d kinds", MAX_KINDS);
		return;
	}
	q->kinds[q->nkinds++] = (job_kind){ kind, fn, ctx };
}

int job_queue_start(job_queue *q)
{
	q->threads = mem_zalloc(
	        mem_mul((size_t)(q->opt.workers ? q->opt.workers : 1), sizeof *q->threads));
	for (int i = 0; i < q->opt.workers; i++) {
		pthread_mutex_lock(&q->lock);
		q->running_workers++;
		pthread_mutex_unlock(&q->lock);
		if (pthread_create(&q->threads[i], NULL, worker_main, q) != 0) {
			q->running_workers--;
			return err_fail(WEFT_ERROR, "%s jobs: cannot start a worker thread",
			                q->name);
		}
		q->started++;
	}
	if (q->opt.workers > 0 && db_engine_of(q->d) == DB_POSTGRES &&
	    pthread_create(&q->listener_thread, NULL, listener_main, q) == 0)
		q->listening = true;
	return 0;
}

static bool wait_for_workers(job_queue *q, int timeout_seconds)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_seconds;
	pthread_mutex_lock(&q->lock);
	while (q->running_workers > 0)
		if (pthread_cond_timedwait(&q->exited, &q->lock, &until) != 0)
			break;
	bool all = q->running_workers == 0;
	pthread_mutex_unlock(&q->lock);
	return all;
}

void job_queue_stop(job_queue *q, int timeout_seconds)
{
	if (!q)
		return;
	atomic_store(&q->stopping, true);
	wake_workers(q);
	db_set_waker(q->d, NULL, NULL);
	if (q->listening)
		pthread_join(q->listener_thread, NULL);
	if (!wait_for_workers(q, timeout_seconds)) {
		/* A job still runs: leave its thread to the process's exit; its lease will expire. */
		log_warn("%s jobs: a job is still running after %d s; leaving it to its lease",
		         q->name, timeout_seconds);
		for (int i = 0; i < q->started; i++)
			pthread_detach(q->threads[i]);
		return; /* the queue stays allocated for the detached threads */
	}
	for (int i = 0; i < q->started; i++)
		pthread_join(q->threads[i], NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->wake);
	pthread_cond_destroy(&q->exited);
	free(q->threads);
	free(q->name);
	free(q);
}

/* ---- administration ---- */

typedef struct list_ctx {
	const char *state;
	int limit;
	void (*fn)(void *ctx, const job_row *row);
	void *ctx;
} list_ctx;

static int list_rows(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	db_stmt *s;
	int rc = db_query(&s, c,
	                  "SELECT id, kind, state, payload, last_error, attempts, max_attempts,"
	                  " run_after, created_at, finished_at FROM jobs"
	                  " WHERE CAST($1 AS TEXT) IS NULL OR state = $1 ORDER BY id DESC LIMIT $2",
	                  db_text(lc->state), db_int(lc->limit));
	while (rc == 0 && (rc = db_step(s)) == DB_ROW) {
		job_row row = { db_col_int(s, 0),      db_col_text(s, 1), db_col_text(s, 2),
			        db_col_text(s, 3),     db_col_text(s, 4), (int)db_col_int(s, 5),
			        (int)db_col_int(s, 6), db_col_int(s, 7),  db_col_int(s, 8),
			        db_col_int(s, 9) };
		lc->fn(lc->ctx, &row);
		rc = 0;
	}
	db_done(s);
	return rc < 0 ? rc : 0;
}

int jobs_list(db *d, const char *state, int limit, void (*fn)(void *ctx, const job_row *row),
              void *ctx)
{
	list_ctx lc = { state, limit, fn, ctx };
	return db_read(d, list_rows, &lc);
}

static int retry_row(db_conn *c, void *ctx)
{
	int64_t id = *(int64_t *)ctx;
	int rc = db_exec(c,
	                 "UPDATE jobs SET state = 'pending', attempts = 0, run_after = $2,"
	                 " finished_at = NULL WHERE id = $1 AND state IN ('dead', 'pending')",
	                 db_int(id), db_int(clock_now_ms()));
	if (rc < 0)
		return rc;
	if (rc == 1) {
		db_wake_after_commit(c);
		return 0;
	}
	db_stmt *s;
	rc = db_query(&s, c, "SELECT state FROM jobs WHERE id = $1", db_int(id));
	if (rc == 0)
		rc = db_step(s) == DB_ROW
		             ? err_fail(WEFT_ECONFLICT, "job %lld is %s", (long long)id,
		                        db_col_text(s, 0))
		             : err_fail(WEFT_ENOTFOUND, "there is no job %lld", (long long)id);
	db_done(s);
	return rc;
}

int jobs_retry(db *d, int64_t id)
{
	return db_tx(d, retry_row, &id);
}

typedef struct purge_ctx {
	int64_t before;
	int64_t deleted;
} purge_ctx;

static int purge_rows(db_conn *c, void *ctx)
{
	purge_ctx *pc = ctx;
	int rc = db_exec(c, "DELETE FROM jobs WHERE state = 'done' AND finished_at <= $1",
	                 db_int(pc->before));
	if (rc < 0)
		return rc;
	pc->deleted = rc;
	return 0;
}

int jobs_purge(db *d, int64_t older_than_ms, int64_t *deleted)
{
	purge_ctx pc = { clock_now_ms() - older_than_ms, 0 };
	int rc = db_tx(d, purge_rows, &pc);
	*deleted = pc.deleted;
	return rc;
}
