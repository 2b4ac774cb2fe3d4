-- Pushes and the ref updates each made, recorded by the repositories' post-receive hook (or, for
-- a push the hook could not record, by the reconcile job, with no actor): what webhooks and the
-- tracker build on. repository_refs is the last recorded state of each ref, which the reconcile
-- job compares with the refs on disk.
CREATE TABLE pushes (
  id INTEGER PRIMARY KEY,
  repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  reconciled INTEGER NOT NULL DEFAULT 0,
  pushed_at INTEGER NOT NULL
);
CREATE INDEX pushes_repository_time ON pushes (repository_id, pushed_at);
CREATE INDEX pushes_time ON pushes (pushed_at);

CREATE TABLE push_refs (
  push_id INTEGER NOT NULL REFERENCES pushes (id) ON DELETE CASCADE,
  ref TEXT NOT NULL,
  old_hash TEXT NOT NULL,
  new_hash TEXT NOT NULL,
  PRIMARY KEY (push_id, ref)
);

CREATE TABLE repository_refs (
  repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  ref TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (repository_id, ref)
);
