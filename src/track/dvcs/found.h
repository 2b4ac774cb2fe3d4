/* Storing what a sync found, in the caller's transaction: commits once per hash with their
 * repository links and issue keys, branches with theirs, and the repository's progress. Rows go
 * in multi-row statements of a few fixed sizes, so each is prepared once per connection. */
#ifndef WEFT_TRACK_DVCS_FOUND_H
#define WEFT_TRACK_DVCS_FOUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/array.h"
#include "db/db.h"
#include "track/dvcs/mirror.h"

/* A transaction stores a batch of the walk: DVCS_FOUND_BATCH commits first, then as many as the
 * batch before stored in DVCS_FOUND_STORE_MS (less when a job's lease is short: a quarter of it),
 * from DVCS_FOUND_BATCH_MIN up to DVCS_FOUND_BATCH_MAX; fewer when their texts pass
 * DVCS_FOUND_BATCH_BYTES or the walk took DVCS_FOUND_BATCH_MS to read them. Larger batches write
 * the hash index's pages fewer times, but the job's lease and the progress are written once per
 * batch: sized by count alone, 5000 took longer than a test's 3 s lease on a machine loaded 15
 * times over its cores. */
enum {
	DVCS_FOUND_BATCH = 1000,
	DVCS_FOUND_BATCH_MIN = 256,
	DVCS_FOUND_BATCH_MAX = 16384,
	DVCS_FOUND_STORE_MS = 500,
	DVCS_FOUND_BATCH_BYTES = 16 * 1024 * 1024,
	DVCS_FOUND_BATCH_MS = 1000,
};
/* The page cache a batch's connection may grow to (db_conn_cache), in KiB. */
enum { DVCS_FOUND_CACHE_KIB = 16384 };

/* The statements a run writes its batches with (texts per row count, made once per run). */
enum dvcs_found_text {
	DVCS_FOUND_COMMITS,
	DVCS_FOUND_IDS,
	DVCS_FOUND_LINKS,
	DVCS_FOUND_KEYS,
	DVCS_FOUND_TEXTS,
	DVCS_FOUND_SIZES = 9 /* 1, 2, 4 … 256 rows */
};

/* One sync's storing: the repository, whether smart commits are queued, and what it found so
 * far. The distinct keys are a set of its own (in its arena), so that the progress written with
 * each batch counts them without a query over everything stored. */
typedef struct dvcs_found_run {
	int64_t repo_id;
	bool smart; /* a soft sync of a repository with smart commits on */
	/* a soft sync over recorded heads: sync_issues grows by the keys new to the repository
	 * (checked as they are met); otherwise (a backfill) it is the run's own distinct keys */
	bool incremental;
	int64_t fresh; /* keys the last batch found that the repository had no link to */
	int64_t linked; /* commits the last batch linked to the repository */
	int64_t newest; /* the latest author date seen (epoch ms), 0 when none */
	arena *keys_arena;
	const char **keys; /* open addressing; NULL marks a free slot */
	size_t nkeys, keys_cap;
	const char *texts[DVCS_FOUND_TEXTS][DVCS_FOUND_SIZES]; /* in keys_arena */
} dvcs_found_run;

/* WEFT_ERROR when out of memory. */
int dvcs_found_run_init(dvcs_found_run *r, int64_t repo_id, bool smart, bool incremental);
void dvcs_found_run_dispose(dvcs_found_run *r);

/* Full sync's start: the repository's commit links and branches are forgotten (commits no other
 * repository has are deleted with their keys) and its counts are reset. */
int dvcs_found_forget(db_conn *c, int64_t repo_id);

/* Stores commits[0..n) (any n; their strings in a) as r's repository's: each commit once per
 * hash (the first repository to find it writes it), its link to the repository and its keys
 * (dvcs_keys_find on the message). Commits linked already are skipped, so a batch runs again
 * harmlessly after a crash (and when db_tx retries it). A commit a webhook stored as provisional
 * (provisional.h) gets the mirror's author, date, message, file count (NULL for
 * DVCS_FILES_UNKNOWN: a count stored before is kept) and keys, and its
 * provisional link to the repository counts as newly linked. r->linked is what this batch linked;
 * when r->smart, DVCS_SMART_JOB is queued with the newly linked commits whose message has a
 * '#', in the order given. Then writes the repository's progress: sync_commits, sync_issues (see
 * incremental), last_activity_at. More than a statement's rows (256) grow c's page cache to
 * DVCS_FOUND_CACHE_KIB until c goes back to the pool (db_conn_cache). */
int dvcs_found_store(db_conn *c, arena *a, dvcs_found_run *r, const dvcs_commit *commits, size_t n);

/* The repository's branches become heads[0..n): new ones are added with their keys (from the
 * name; *new_keys counts them), moved ones get their new head, missing ones are deleted. */
int dvcs_found_branches(db_conn *c, arena *a, int64_t repo_id, const dvcs_head *heads, size_t n,
                        int64_t *new_keys);

/* Commits a force push dropped: their links to the repository go, and the commits themselves
 * when no other repository has them. *removed counts the links removed. */
int dvcs_found_drop(db_conn *c, arena *a, int64_t repo_id, const char *const *hashes, size_t n,
                    int64_t *removed);

/* The repository's counts from what is stored: sync_commits its linked commits, sync_issues the
 * distinct keys of its commits and branches. */
int dvcs_found_recount(db_conn *c, int64_t repo_id);

/* The recorded branches of the repository (dvcs_branches), by name, in a. */
int dvcs_found_recorded(db_conn *c, arena *a, int64_t repo_id, dvcs_head **heads, size_t *n);

/* The statement that looks commits up by hash, n of them at once ($1 … $n): their id and hash,
 * in a. Exposed so that a test pins its plan (the unique index on hash). */
const char *dvcs_found_ids_sql(arena *a, size_t n);

#endif
