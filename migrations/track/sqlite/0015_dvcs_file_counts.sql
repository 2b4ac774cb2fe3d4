-- track: a commit's file count is counted where it is shown (the development panel, the
-- dev-status API), not by the sync: counting every commit's files cost the backfill more than
-- everything else, and only keyed commits and branch heads are ever shown. dvcs_commits.file_count
-- NULL now means "not counted yet" (every row the backfill or a webhook writes); the panel counts
-- those it shows from the mirror and stores the counts. Existing rows keep theirs, except a
-- provisional row's 0, which was never a count.
--
-- The table is rebuilt (SQLite cannot drop a NOT NULL); the rows keep their ids and every
-- reference to them stays whole (checked before this commits).
-- weft: rebuilds tables
CREATE TABLE dvcs_commits_new (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  authored_at INTEGER NOT NULL, -- epoch ms
  message TEXT NOT NULL,
  file_count INTEGER, -- NULL: not counted yet (0015)
  is_merge INTEGER NOT NULL DEFAULT 0,
  provisional INTEGER NOT NULL DEFAULT 0 -- 0008
);
INSERT INTO dvcs_commits_new SELECT id, hash, author_name, author_email, authored_at, message,
  CASE WHEN provisional = 1 THEN NULL ELSE file_count END, is_merge, provisional
  FROM dvcs_commits;
DROP TABLE dvcs_commits;
ALTER TABLE dvcs_commits_new RENAME TO dvcs_commits;
CREATE UNIQUE INDEX dvcs_commits_hash_key ON dvcs_commits (hash);
