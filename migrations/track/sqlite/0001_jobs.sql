-- The durable job queue (src/db/jobs.c). Times are epoch milliseconds.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'dead')),
  run_after INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
  lease_owner TEXT,
  lease_expires INTEGER,
  last_error TEXT,
  dedup_key TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
-- One pending job per key: enqueueing the same key again while one waits does nothing.
CREATE UNIQUE INDEX jobs_dedup_key ON jobs (dedup_key) WHERE state = 'pending';
-- What the workers' claim reads: the ready jobs in order.
CREATE INDEX jobs_ready ON jobs (run_after, id) WHERE state = 'pending';
-- What the reclaim of expired leases reads.
CREATE INDEX jobs_leases ON jobs (lease_expires) WHERE state = 'running';
-- What the purge reads.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state = 'done';
