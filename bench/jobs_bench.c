/* The job-queue benchmark: how many no-op jobs per second the durable queue of src/db/jobs.c
 * enqueues and runs, and how long an idle worker takes to start a job after it is enqueued.
 * bench/jobs.sh runs it on SQLite and PostgreSQL; on its own:
 *
 *   jobs_bench --db URL [--jobs N] [--workers W] [--batch B] [--latency-samples S]
 *              [--mode all|concurrent|drain|wakeup] [--timeout SECONDS]
 *
 * It migrates the hub schema of URL (which should be a fresh database: it empties the jobs
 * table), then measures, each with a queue of its own:
 *   concurrent  W workers run while the main thread enqueues N jobs of kind "bench.noop" in
 *               transactions of B: the enqueue rate and the end-to-end rate (first enqueue to
 *               the last job marked done);
 *   drain       N jobs are enqueued with no worker running (the enqueue rate alone), then W
 *               workers start and run them all (the rate of claiming, running and finishing);
 *   wakeup      with the workers idle and a 60 s poll, so that only the wake-up can explain a
 *               fast start, S jobs are enqueued one at a time: the time from just before the
 *               enqueueing transaction (its commit included) to the start of the handler.
 *               On PostgreSQL a second round enqueues through another connection pool, which
 *               has no queue: only LISTEN/NOTIFY wakes the workers, as for another node.
 * Each measurement is one line of key=value pairs on stdout; progress goes to stderr. Exit
 * status 1 when a phase fails or does not finish within the timeout. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/token.h"
#include "db/db.h"
#include "db/jobs.h"
#include "db/migrate.h"

static const char noop_kind[] = "bench.noop";

typedef struct options {
	const char *url;
	int jobs, workers, batch, samples, timeout_s;
	const char *mode;
} options;

static const char *engine_name;

static void usage(void)
{
	fprintf(stderr,
	        "usage: jobs_bench --db URL [--jobs N] [--workers W] [--batch B]"
	        " [--latency-samples S]\n"
	        "                  [--mode all|concurrent|drain|wakeup] [--timeout SECONDS]\n");
	exit(2);
}

static int parse_count(const char *flag, const char *s, int min)
{
	char *end;
	errno = 0;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || errno || *end || end == s || v < min || v > 100000000) {
		fprintf(stderr, "jobs_bench: %s needs a number >= %d\n", flag, min);
		usage();
	}
	return (int)v;
}

static options parse_options(int argc, char **argv)
{
	options o = { .jobs = 100000,
		      .workers = 2,
		      .batch = 100,
		      .samples = 500,
		      .timeout_s = 600,
		      .mode = "all" };
	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0)
			usage();
		if (!value) {
			fprintf(stderr, "jobs_bench: %s needs a value\n", flag);
			usage();
		}
		i++;
		if (strcmp(flag, "--db") == 0)
			o.url = value;
		else if (strcmp(flag, "--jobs") == 0)
			o.jobs = parse_count(flag, value, 1);
		else if (strcmp(flag, "--workers") == 0)
			o.workers = parse_count(flag, value, 1);
		else if (strcmp(flag, "--batch") == 0)
			o.batch = parse_count(flag, value, 1);
		else if (strcmp(flag, "--latency-samples") == 0)
			o.samples = parse_count(flag, value, 0);
		else if (strcmp(flag, "--timeout") == 0)
			o.timeout_s = parse_count(flag, value, 1);
		else if (strcmp(flag, "--mode") == 0)
			o.mode = value;
		else {
			fprintf(stderr, "jobs_bench: unknown option %s\n", flag);
			usage();
		}
	}
	if (!o.url) {
		fprintf(stderr, "jobs_bench: --db is required\n");
		usage();
	}
	if (strcmp(o.mode, "all") != 0 && strcmp(o.mode, "concurrent") != 0 &&
	    strcmp(o.mode, "drain") != 0 && strcmp(o.mode, "wakeup") != 0) {
		fprintf(stderr, "jobs_bench: --mode is all, concurrent, drain or wakeup\n");
		usage();
	}
	return o;
}

static bool mode_runs(const options *o, const char *phase)
{
	return strcmp(o->mode, "all") == 0 || strcmp(o->mode, phase) == 0;
}

static double seconds(int64_t ns)
{
	return (double)ns / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* ---- the database ---- */

static int exec_script_tx(db_conn *c, void *ctx)
{
	return db_exec_script(c, ctx);
}

static int64_t scalar(db *d, const char *sql)
{
	db_conn *c;
	if (db_conn_get(&c, d) < 0)
		return -1;
	db_stmt *s;
	int64_t v = -1;
	if (db_query(&s, c, sql, DB_END) == 0 && db_step(s) == DB_ROW)
		v = db_col_int(s, 0);
	db_done(s);
	db_conn_put(c);
	return v;
}

/* Empties the jobs table between phases, so that each starts as on a freshly migrated database.
 * PostgreSQL gets TRUNCATE, which also forgets the table's statistics (as after the migration):
 * a DELETE would leave the dead rows of the phase before to slow the next one, and a VACUUM
 * ANALYZE would record the table as empty: the generic plans that the pooled connections'
 * prepared statements then settle on would be sequential scans. */
static int reset_jobs(db *d)
{
	const char *sql = db_engine_of(d) == DB_POSTGRES ? "TRUNCATE jobs" : "DELETE FROM jobs";
	return db_tx(d, exec_script_tx, (void *)sql);
}

typedef struct batch_ctx {
	int n;
	const char *payload;
} batch_ctx;

static int enqueue_batch(db_conn *c, void *ctx)
{
	const batch_ctx *b = ctx;
	for (int i = 0; i < b->n; i++) {
		int rc = jobs_enqueue(c, noop_kind, b->payload, NULL, NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Enqueues n no-op jobs in transactions of batch; the seconds it took, or -1. */
static double enqueue_all(db *d, int n, int batch)
{
	int64_t t0 = clock_mono_ns();
	for (int done = 0; done < n;) {
		batch_ctx b = { n - done < batch ? n - done : batch, "{}" };
		if (db_tx(d, enqueue_batch, &b) < 0) {
			fprintf(stderr, "jobs_bench: enqueue failed after %d jobs: %s\n", done,
			        err_msg());
			return -1;
		}
		done += b.n;
	}
	return seconds(clock_mono_ns() - t0);
}

/* Checks that every job of the phase ended as done, each once. */
static int check_all_done(db *d, int n, int runs)
{
	int64_t done = scalar(d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'");
	int64_t all = scalar(d, "SELECT COUNT(*) FROM jobs");
	if (done != n || all != n || runs != n) {
		fprintf(stderr,
		        "jobs_bench: expected %d jobs done once each; %" PRId64 " of %" PRId64
		        " are done and the handler ran %d times\n",
		        n, done, all, runs);
		return -1;
	}
	return 0;
}

/* ---- throughput ---- */

/* The handlers count their runs; the one that reaches the target wakes the main thread, which
 * waits on a condition variable rather than polling, so that it takes no CPU from the workers. */
typedef struct counter {
	atomic_int runs;
	atomic_int target;
	pthread_mutex_t lock;
	pthread_cond_t reached;
} counter;

static void counter_init(counter *k, int target)
{
	atomic_init(&k->runs, 0);
	atomic_init(&k->target, target);
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->reached, NULL);
}

static void counter_destroy(counter *k)
{
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->reached);
}

/* Counts one run; wakes the waiter when the count reaches the target. */
static void counter_add(counter *k)
{
	if (atomic_fetch_add(&k->runs, 1) + 1 >= atomic_load(&k->target)) {
		pthread_mutex_lock(&k->lock);
		pthread_cond_broadcast(&k->reached);
		pthread_mutex_unlock(&k->lock);
	}
}

/* Waits until the handlers ran target times; false after timeout_ms. */
static bool counter_wait(counter *k, int64_t timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	int64_t ns = until.tv_nsec + (timeout_ms % 1000) * 1000000;
	until.tv_sec += (time_t)(timeout_ms / 1000 + ns / 1000000000);
	until.tv_nsec = (long)(ns % 1000000000);
	pthread_mutex_lock(&k->lock);
	while (atomic_load(&k->runs) < atomic_load(&k->target))
		if (pthread_cond_timedwait(&k->reached, &k->lock, &until) != 0)
			break;
	bool reached = atomic_load(&k->runs) >= atomic_load(&k->target);
	pthread_mutex_unlock(&k->lock);
	return reached;
}

static int count_job(void *ctx, const job *j)
{
	(void)j;
	counter_add(ctx);
	return 0;
}

static job_queue *start_queue(db *d, const char *name, int workers, int64_t poll_ms, job_fn fn,
                              void *ctx)
{
	job_queue_options qo = job_queue_defaults();
	qo.workers = workers;
	qo.poll_ms = poll_ms;
	job_queue *q;
	if (job_queue_new(&q, d, name, &qo) < 0) {
		fprintf(stderr, "jobs_bench: job_queue_new: %s\n", err_msg());
		return NULL;
	}
	job_queue_register(q, noop_kind, fn, ctx);
	if (job_queue_start(q) < 0) {
		fprintf(stderr, "jobs_bench: job_queue_start: %s\n", err_msg());
		job_queue_stop(q, 10);
		return NULL;
	}
	return q;
}

static int phase_concurrent(db *d, const options *o)
{
	counter k;
	counter_init(&k, o->jobs);
	fprintf(stderr, "jobs_bench: %s concurrent: %d jobs, %d workers, batches of %d\n",
	        engine_name, o->jobs, o->workers, o->batch);
	job_queue *q = start_queue(d, "bench", o->workers, 1000, count_job, &k);
	if (!q) {
		counter_destroy(&k);
		return -1;
	}
	int64_t t0 = clock_mono_ns();
	double enqueue_s = enqueue_all(d, o->jobs, o->batch);
	bool finished = enqueue_s >= 0 && counter_wait(&k, (int64_t)o->timeout_s * 1000);
	/* The last handler has returned; stopping waits for its job to be marked done. */
	job_queue_stop(q, 30);
	double total_s = seconds(clock_mono_ns() - t0);
	int runs = atomic_load(&k.runs);
	counter_destroy(&k);
	if (!finished) {
		if (enqueue_s >= 0)
			fprintf(stderr, "jobs_bench: only %d of %d jobs ran within %d s\n", runs,
			        o->jobs, o->timeout_s);
		return -1;
	}
	if (check_all_done(d, o->jobs, runs) < 0)
		return -1;
	printf("engine=%s mode=concurrent jobs=%d workers=%d batch=%d seconds=%.3f jobs_per_s=%.0f"
	       " enqueue_seconds=%.3f enqueue_per_s=%.0f\n",
	       engine_name, o->jobs, o->workers, o->batch, total_s, o->jobs / total_s, enqueue_s,
	       o->jobs / enqueue_s);
	fflush(stdout);
	return 0;
}

static int phase_drain(db *d, const options *o)
{
	counter k;
	counter_init(&k, o->jobs);
	fprintf(stderr, "jobs_bench: %s drain: %d jobs enqueued first, then %d workers\n",
	        engine_name, o->jobs, o->workers);
	double enqueue_s = enqueue_all(d, o->jobs, o->batch);
	int64_t t0 = clock_mono_ns();
	job_queue *q =
	        enqueue_s < 0 ? NULL : start_queue(d, "bench", o->workers, 1000, count_job, &k);
	if (!q) {
		counter_destroy(&k);
		return -1;
	}
	bool finished = counter_wait(&k, (int64_t)o->timeout_s * 1000);
	job_queue_stop(q, 30);
	double total_s = seconds(clock_mono_ns() - t0);
	int runs = atomic_load(&k.runs);
	counter_destroy(&k);
	if (!finished) {
		fprintf(stderr, "jobs_bench: only %d of %d jobs ran within %d s\n", runs, o->jobs,
		        o->timeout_s);
		return -1;
	}
	if (check_all_done(d, o->jobs, runs) < 0)
		return -1;
	printf("engine=%s mode=drain jobs=%d workers=%d batch=%d seconds=%.3f jobs_per_s=%.0f"
	       " enqueue_seconds=%.3f enqueue_per_s=%.0f\n",
	       engine_name, o->jobs, o->workers, o->batch, total_s, o->jobs / total_s, enqueue_s,
	       o->jobs / enqueue_s);
	fflush(stdout);
	return 0;
}

/* ---- wake-up latency ---- */

typedef struct stamp_ctx {
	counter k;
	atomic_llong started_ns; /* when the handler of the latest job started */
	atomic_llong sent_ns; /* the enqueue time that job carried */
} stamp_ctx;

static int stamp_job(void *ctx, const job *j)
{
	int64_t now = clock_mono_ns();
	stamp_ctx *s = ctx;
	const char *t = strstr(j->payload, "\"t\":");
	atomic_store(&s->sent_ns, t ? strtoll(t + 4, NULL, 10) : 0);
	atomic_store(&s->started_ns, now);
	counter_add(&s->k);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank percentile p (0 < p <= 100) of n sorted values. */
static double percentile_ms(const int64_t *sorted, int n, double p)
{
	int rank = (int)((p / 100.0) * n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)sorted[rank - 1] / 1e6;
}

/* Enqueues jobs one at a time through via until the queue's workers start one within 500 ms:
 * their first look at the empty queue is over and, on PostgreSQL, the listener is listening.
 * Returns the number of jobs the handler ran, or -1 when nothing woke them within 10 s. */
static int warm_up(db *via, stamp_ctx *st)
{
	for (int attempt = 0; attempt < 20; attempt++) {
		atomic_store(&st->k.target, atomic_load(&st->k.runs) + 1);
		batch_ctx b = { 1, "{}" };
		if (db_tx(via, enqueue_batch, &b) < 0)
			return -1;
		if (counter_wait(&st->k, 500)) {
			sleep_ms(100); /* any earlier warm-up job is run too, then all are idle */
			return atomic_load(&st->k.runs);
		}
	}
	return -1;
}

/* The queue runs on d; jobs are enqueued through via. When via is d, the commit wakes the
 * workers directly (path "local"); when it is another handle to the same PostgreSQL database,
 * only LISTEN/NOTIFY can, as for a job enqueued on another node (path "notify"). */
static int phase_wakeup(db *d, db *via, const char *path, const options *o)
{
	if (o->samples == 0)
		return 0;
	stamp_ctx st;
	counter_init(&st.k, 0);
	atomic_init(&st.started_ns, 0);
	atomic_init(&st.sent_ns, 0);
	fprintf(stderr,
	        "jobs_bench: %s wakeup (%s): %d jobs one at a time, %d idle workers, 60 s poll\n",
	        engine_name, path, o->samples, o->workers);
	job_queue *q = start_queue(d, "bench", o->workers, 60000, stamp_job, &st);
	if (!q) {
		counter_destroy(&st.k);
		return -1;
	}
	int64_t *latency = calloc((size_t)o->samples, sizeof *latency);
	int64_t *commit = calloc((size_t)o->samples, sizeof *commit);
	int rc = 0;
	int base = warm_up(via, &st);
	if (base < 0) {
		fprintf(stderr, "jobs_bench: the idle workers did not wake up for a warm-up job\n");
		rc = -1;
	}
	for (int i = 0; i < o->samples && rc == 0; i++) {
		char payload[64];
		atomic_store(&st.k.target, base + i + 1);
		int64_t sent = clock_mono_ns();
		snprintf(payload, sizeof payload, "{\"t\":%" PRId64 "}", sent);
		batch_ctx b = { 1, payload };
		if (db_tx(via, enqueue_batch, &b) < 0) {
			fprintf(stderr, "jobs_bench: enqueue failed: %s\n", err_msg());
			rc = -1;
			break;
		}
		commit[i] = clock_mono_ns() - sent;
		/* A start after 10 s can only be the poll, or nothing: that is a failure here. */
		if (!counter_wait(&st.k, 10000)) {
			fprintf(stderr,
			        "jobs_bench: job %d did not start within 10 s of its enqueue\n",
			        i + 1);
			rc = -1;
			break;
		}
		if (atomic_load(&st.sent_ns) != sent) {
			fprintf(stderr, "jobs_bench: job %d: the handler saw another job\n", i + 1);
			rc = -1;
			break;
		}
		latency[i] = atomic_load(&st.started_ns) - sent;
		sleep_ms(5); /* the job is marked done and the workers are idle again */
	}
	job_queue_stop(q, 30);
	if (rc == 0) {
		int n = o->samples;
		qsort(latency, (size_t)n, sizeof *latency, cmp_i64);
		qsort(commit, (size_t)n, sizeof *commit, cmp_i64);
		printf("engine=%s wakeup_path=%s wakeup_samples=%d workers=%d median_ms=%.3f"
		       " p99_ms=%.3f max_ms=%.3f min_ms=%.3f enqueue_tx_median_ms=%.3f"
		       " enqueue_tx_p99_ms=%.3f\n",
		       engine_name, path, n, o->workers, percentile_ms(latency, n, 50),
		       percentile_ms(latency, n, 99), (double)latency[n - 1] / 1e6,
		       (double)latency[0] / 1e6, percentile_ms(commit, n, 50),
		       percentile_ms(commit, n, 99));
		fflush(stdout);
	}
	counter_destroy(&st.k);
	free(latency);
	free(commit);
	return rc;
}

int main(int argc, char **argv)
{
	options o = parse_options(argc, argv);
	log_setup(LOG_WARN, LOG_TEXT);
	if (token_init() < 0) {
		fprintf(stderr, "jobs_bench: %s\n", err_msg());
		return 1;
	}
	db *d;
	/* A connection for each worker, the enqueuing main thread and one to spare. */
	if (db_open(&d, o.url, o.workers + 2) < 0) {
		fprintf(stderr, "jobs_bench: %s\n", err_msg());
		return 1;
	}
	engine_name = db_engine_of(d) == DB_SQLITE ? "sqlite" : "postgres";
	int applied;
	if (db_migrate_up(&applied, d, "hub") < 0) {
		fprintf(stderr, "jobs_bench: migrating %s: %s\n", db_describe(d), err_msg());
		db_close(d);
		return 1;
	}
	int rc = 0;
	if (rc == 0 && mode_runs(&o, "concurrent"))
		rc = reset_jobs(d) < 0 ? -1 : phase_concurrent(d, &o);
	if (rc == 0 && mode_runs(&o, "drain"))
		rc = reset_jobs(d) < 0 ? -1 : phase_drain(d, &o);
	if (rc == 0 && mode_runs(&o, "wakeup"))
		rc = reset_jobs(d) < 0 ? -1 : phase_wakeup(d, d, "local", &o);
	if (rc == 0 && mode_runs(&o, "wakeup") && db_engine_of(d) == DB_POSTGRES) {
		db *other;
		rc = db_open(&other, o.url, 1);
		if (rc == 0) {
			rc = reset_jobs(d) < 0 ? -1 : phase_wakeup(d, other, "notify", &o);
			db_close(other);
		}
	}
	if (rc < 0 && *err_msg())
		fprintf(stderr, "jobs_bench: %s\n", err_msg());
	db_close(d);
	return rc < 0 ? 1 : 0;
}
