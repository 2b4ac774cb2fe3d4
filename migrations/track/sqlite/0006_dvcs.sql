-- track: the connector (src/track/dvcs/). Linked accounts of a code host (weft hub or Bitbucket
-- Cloud), their repositories with a bare mirror each (DATA/dvcs/<repository id>.git), and what
-- syncing found: commits, branches, pull requests and builds, each with the issue keys it names.
--
-- Keys are stored upper-cased for every key found, whether or not such an issue exists; the
-- panel joins them to issue_keys when it reads, so an issue that moved keeps its old key's links.
-- Reading "everything linked to these keys" is one indexed query per kind: every *_keys table has
-- (issue_key, …) as its primary key.

-- Secrets (the OAuth secret, tokens, hook secrets) are sealed with the installation's secret key
-- (src/track/dvcs/secret.h): base64 text, never the plain value.
CREATE TABLE dvcs_accounts (
  id INTEGER PRIMARY KEY,
  host_kind TEXT NOT NULL CHECK (host_kind IN ('weft', 'bitbucket')),
  site_url TEXT NOT NULL, -- the host's web base: authorize page, Git over HTTP, links
  api_url TEXT NOT NULL, -- where API 2.0 lives: <site>/2.0 for hub, https://api.bitbucket.org/2.0
  account TEXT NOT NULL, -- the team or user account (workspace slug), as the host spells it
  oauth_key TEXT NOT NULL,
  oauth_secret TEXT NOT NULL, -- sealed
  access_token TEXT, -- sealed; NULL until access was granted
  refresh_token TEXT, -- sealed
  token_expires_at INTEGER, -- epoch ms
  auto_link INTEGER NOT NULL DEFAULT 1,
  smart_commits INTEGER NOT NULL DEFAULT 1, -- the default of newly found repositories
  -- 'pending': waiting for the administrator's consent; 'ok'; 'auth_failed': the host refused
  -- the token (nothing is deleted; Reset OAuth settings or a new consent mends it)
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'auth_failed')),
  last_error TEXT,
  oauth_state TEXT, -- the SHA-256 of the consent flow's state while it is pending
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX dvcs_accounts_key ON dvcs_accounts (site_url, lower(account));

CREATE TABLE dvcs_repos (
  id INTEGER PRIMARY KEY,
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
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX dvcs_repos_slug_key ON dvcs_repos (account_id, slug);

-- A commit is stored once per hash, whatever the number of repositories that hold it.
CREATE TABLE dvcs_commits (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  author_name TEXT NOT NULL,
  author_email TEXT NOT NULL,
  authored_at INTEGER NOT NULL, -- epoch ms
  message TEXT NOT NULL,
  file_count INTEGER NOT NULL DEFAULT 0,
  is_merge INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX dvcs_commits_hash_key ON dvcs_commits (hash);

CREATE TABLE dvcs_repo_commits (
  repo_id INTEGER NOT NULL REFERENCES dvcs_repos (id) ON DELETE CASCADE,
  commit_id INTEGER NOT NULL REFERENCES dvcs_commits (id) ON DELETE CASCADE,
  PRIMARY KEY (repo_id, commit_id)
);
CREATE INDEX dvcs_repo_commits_commit ON dvcs_repo_commits (commit_id);

CREATE TABLE dvcs_commit_keys (
  issue_key TEXT NOT NULL,
  commit_id INTEGER NOT NULL REFERENCES dvcs_commits (id) ON DELETE CASCADE,
  PRIMARY KEY (issue_key, commit_id)
);
CREATE INDEX dvcs_commit_keys_commit ON dvcs_commit_keys (commit_id);

-- Branches as the last sync saw them: their heads are the "recorded heads" a soft sync walks from.
CREATE TABLE dvcs_branches (
  id INTEGER PRIMARY KEY,
  repo_id INTEGER NOT NULL REFERENCES dvcs_repos (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  head TEXT NOT NULL, -- commit hash
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX dvcs_branches_name_key ON dvcs_branches (repo_id, name);

CREATE TABLE dvcs_branch_keys (
  issue_key TEXT NOT NULL,
  branch_id INTEGER NOT NULL REFERENCES dvcs_branches (id) ON DELETE CASCADE,
  PRIMARY KEY (issue_key, branch_id)
);
CREATE INDEX dvcs_branch_keys_branch ON dvcs_branch_keys (branch_id);

CREATE TABLE dvcs_pulls (
  id INTEGER PRIMARY KEY,
  repo_id INTEGER NOT NULL REFERENCES dvcs_repos (id) ON DELETE CASCADE,
  number INTEGER NOT NULL, -- the host's id of the pull request in its repository
  title TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED')),
  author_name TEXT NOT NULL,
  source_branch TEXT NOT NULL,
  destination_branch TEXT NOT NULL,
  reviewers TEXT NOT NULL DEFAULT '[]', -- JSON: [{"name": …, "approved": true|false}]
  comment_count INTEGER NOT NULL DEFAULT 0,
  url TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL -- the host's updated_on, epoch ms
);
CREATE UNIQUE INDEX dvcs_pulls_number_key ON dvcs_pulls (repo_id, number);

CREATE TABLE dvcs_pull_keys (
  issue_key TEXT NOT NULL,
  pull_id INTEGER NOT NULL REFERENCES dvcs_pulls (id) ON DELETE CASCADE,
  PRIMARY KEY (issue_key, pull_id)
);
CREATE INDEX dvcs_pull_keys_pull ON dvcs_pull_keys (pull_id);

-- Build statuses of a commit (one per status key, as on the host); they reach issues through
-- their commit's keys.
CREATE TABLE dvcs_builds (
  id INTEGER PRIMARY KEY,
  repo_id INTEGER NOT NULL REFERENCES dvcs_repos (id) ON DELETE CASCADE,
  commit_hash TEXT NOT NULL,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('SUCCESSFUL', 'FAILED', 'INPROGRESS', 'STOPPED')),
  url TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX dvcs_builds_key ON dvcs_builds (repo_id, commit_hash, key);
CREATE INDEX dvcs_builds_commit ON dvcs_builds (commit_hash);

-- Smart commits: one row per (commit, issue key, command in the commit's message), written in the
-- same transaction as the command's effect, so a command runs at most once however often its
-- commit is seen. A failed command keeps its error (shown on the DVCS page, mailed).
CREATE TABLE dvcs_smart_runs (
  commit_hash TEXT NOT NULL,
  issue_key TEXT NOT NULL,
  command_index INTEGER NOT NULL, -- the command's position among the commit's commands
  repo_id INTEGER REFERENCES dvcs_repos (id) ON DELETE SET NULL,
  command TEXT NOT NULL, -- 'comment', 'time' or the transition word
  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'error')),
  error TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (commit_hash, issue_key, command_index)
);
CREATE INDEX dvcs_smart_runs_repo ON dvcs_smart_runs (repo_id, outcome, created_at);
