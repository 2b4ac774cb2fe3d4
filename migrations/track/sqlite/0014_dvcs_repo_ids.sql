-- track: a repository's id is never used again once it is deleted (AUTOINCREMENT), as on
-- PostgreSQL (an identity column). The id is named from outside: the webhook URL on the host
-- (…/rest/bitbucket/1.0/repository/{id}/sync), the REST API, the mirror's folder, and
-- dvcs_left_hooks.repo_id (0013) keeps a deleted repository's. Without AUTOINCREMENT SQLite gives
-- a new row the highest id + 1, so the id of the last repository deleted came back, and a hook
-- left on the host posted to the new repository.
--
-- The table is rebuilt (SQLite cannot add AUTOINCREMENT to a table); the rows keep their ids and
-- every reference to them stays whole (checked before this commits).
-- weft: rebuilds tables
CREATE TABLE dvcs_repos_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES dvcs_accounts (id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  host_uuid TEXT, -- the host's {uuid} of the repository
  is_private INTEGER NOT NULL DEFAULT 1,
  linked INTEGER NOT NULL DEFAULT 0,
  smart_commits INTEGER NOT NULL DEFAULT 1,
  deleted INTEGER NOT NULL DEFAULT 0, -- gone from the host: hidden, kept until the account goes
  hook_uuid TEXT, -- the webhook installed on the host, NULL when none
  hook_secret TEXT, -- sealed; the secret that webhook signs with
  hook_status TEXT NOT NULL DEFAULT 'none' CHECK (hook_status IN ('none', 'ok', 'no_admin')),
  -- the last or current sync: state, what it has found so far, when, and its error in full
  sync_state TEXT NOT NULL DEFAULT 'never'
    CHECK (sync_state IN ('never', 'queued', 'running', 'done', 'failed')),
  sync_full INTEGER NOT NULL DEFAULT 0, -- the running or queued sync is a full one
  sync_started_at INTEGER,
  sync_finished_at INTEGER,
  sync_commits INTEGER NOT NULL DEFAULT 0, -- changesetCount
  sync_pulls INTEGER NOT NULL DEFAULT 0,
  sync_issues INTEGER NOT NULL DEFAULT 0, -- jiraCount: distinct keys found
  sync_error TEXT,
  pulls_synced_at INTEGER, -- pull requests updated since this were fetched last (epoch ms)
  smart_error_count INTEGER NOT NULL DEFAULT 0,
  last_activity_at INTEGER, -- the newest commit or pull request seen
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  walked_at INTEGER -- 0010
);
INSERT INTO dvcs_repos_new SELECT * FROM dvcs_repos;
DROP TABLE dvcs_repos;
ALTER TABLE dvcs_repos_new RENAME TO dvcs_repos;
CREATE UNIQUE INDEX dvcs_repos_slug_key ON dvcs_repos (account_id, slug);
-- The next id: above every id in use and every one a left hook still names.
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'dvcs_repos', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'dvcs_repos');
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT MAX(id) FROM dvcs_repos), 0),
  COALESCE((SELECT MAX(repo_id) FROM dvcs_left_hooks), 0))
  WHERE name = 'dvcs_repos';
