-- track: the bulk link tables dvcs_repo_commits and dvcs_commit_keys lose their foreign keys.
-- On PostgreSQL each key is a trigger that locks the referenced row (SELECT ... FOR KEY SHARE)
-- for every row inserted: about 230,000 look-ups per 100,000 commits, 30 % of the server's work
-- in a backfill, which kept it above 3 x git log. The code keeps what the keys kept: a link row
-- is only written for a commit and a repository the same transaction holds, and every path that
-- deletes a repository or a commit (unlinking an account, a full sync, a force push, settling
-- provisional commits) deletes the link rows itself, in the same transaction (docs/development.md,
-- "Decisions worth knowing"). The indexes stay: the primary keys serve the batch's ON CONFLICT
-- and the repository's lists, the commit_id indexes the deletes and the panel's joins.
--
-- SQLite cannot drop a constraint: both tables are rebuilt, their rows copied as they are.
-- weft: rebuilds tables
CREATE TABLE dvcs_repo_commits_new (
  repo_id INTEGER NOT NULL, -- dvcs_repos (id); no foreign key (0016)
  commit_id INTEGER NOT NULL, -- dvcs_commits (id); no foreign key (0016)
  provisional_at INTEGER, -- 0008
  PRIMARY KEY (repo_id, commit_id)
);
INSERT INTO dvcs_repo_commits_new (repo_id, commit_id, provisional_at)
  SELECT repo_id, commit_id, provisional_at FROM dvcs_repo_commits;
DROP TABLE dvcs_repo_commits;
ALTER TABLE dvcs_repo_commits_new RENAME TO dvcs_repo_commits;
CREATE INDEX dvcs_repo_commits_commit ON dvcs_repo_commits (commit_id);
CREATE INDEX dvcs_repo_commits_provisional ON dvcs_repo_commits (repo_id, provisional_at)
  WHERE provisional_at IS NOT NULL;

CREATE TABLE dvcs_commit_keys_new (
  issue_key TEXT NOT NULL,
  commit_id INTEGER NOT NULL, -- dvcs_commits (id); no foreign key (0016)
  PRIMARY KEY (issue_key, commit_id)
);
INSERT INTO dvcs_commit_keys_new (issue_key, commit_id)
  SELECT issue_key, commit_id FROM dvcs_commit_keys;
DROP TABLE dvcs_commit_keys;
ALTER TABLE dvcs_commit_keys_new RENAME TO dvcs_commit_keys;
CREATE INDEX dvcs_commit_keys_commit ON dvcs_commit_keys (commit_id);
