-- Pull requests (numbered per repository), their participants (reviewers and whoever took part,
-- with their approval or request for changes), comments (general or inline on a file and line,
-- with the text of that line to tell when it changed), the activity of each, and per-repository
-- settings: the default merge strategy and the branching model.
CREATE TABLE pullrequests (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  number BIGINT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'MERGED', 'DECLINED')),
  author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  source_branch TEXT NOT NULL,
  source_hash TEXT NOT NULL,
  destination_branch TEXT NOT NULL,
  destination_hash TEXT NOT NULL,
  merge_hash TEXT,
  close_source_branch INTEGER NOT NULL DEFAULT 0,
  closed_by_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  reason TEXT NOT NULL DEFAULT '',
  -- The last conflict check: the tips it was made for ("SOURCE..DESTINATION") and the files
  -- in conflict, one per line ("" when it merges cleanly).
  merge_check TEXT,
  merge_conflicts TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pullrequests_number_key ON pullrequests (repository_id, number);
CREATE UNIQUE INDEX pullrequests_open_pair_key
  ON pullrequests (repository_id, source_branch, destination_branch) WHERE state = 'OPEN';
CREATE INDEX pullrequests_repository_state ON pullrequests (repository_id, state, updated_at);
CREATE INDEX pullrequests_author ON pullrequests (author_id, state);

CREATE TABLE pullrequest_participants (
  pullrequest_id BIGINT NOT NULL REFERENCES pullrequests (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('REVIEWER', 'PARTICIPANT')),
  state TEXT CHECK (state IN ('approved', 'changes_requested')),
  participated_on BIGINT,
  PRIMARY KEY (pullrequest_id, user_id)
);
CREATE INDEX pullrequest_participants_user ON pullrequest_participants (user_id, role);

CREATE TABLE pullrequest_comments (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pullrequest_id BIGINT NOT NULL REFERENCES pullrequests (id) ON DELETE CASCADE,
  user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  parent_id BIGINT REFERENCES pullrequest_comments (id) ON DELETE SET NULL,
  body TEXT NOT NULL,
  inline_path TEXT,
  inline_from BIGINT,
  inline_to BIGINT,
  line_text TEXT,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX pullrequest_comments_pr ON pullrequest_comments (pullrequest_id, id);

-- kind: 'update' (created, edited, merged, declined: state and reason), 'push' (new commits:
-- old_hash, new_hash), 'approval', 'unapproval', 'changes_requested', 'changes_request_removed';
-- comments are their own rows.
CREATE TABLE pullrequest_activity (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pullrequest_id BIGINT NOT NULL REFERENCES pullrequests (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  state TEXT,
  reason TEXT,
  old_hash TEXT,
  new_hash TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX pullrequest_activity_pr ON pullrequest_activity (pullrequest_id, id);

CREATE TABLE repository_pull_settings (
  repository_id BIGINT PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
  merge_strategy TEXT NOT NULL DEFAULT 'merge_commit'
    CHECK (merge_strategy IN ('merge_commit', 'squash', 'fast_forward')),
  development_branch TEXT,
  production_branch TEXT,
  production_enabled INTEGER NOT NULL DEFAULT 0,
  feature_prefix TEXT NOT NULL DEFAULT 'feature/',
  feature_enabled INTEGER NOT NULL DEFAULT 1,
  bugfix_prefix TEXT NOT NULL DEFAULT 'bugfix/',
  bugfix_enabled INTEGER NOT NULL DEFAULT 1,
  hotfix_prefix TEXT NOT NULL DEFAULT 'hotfix/',
  hotfix_enabled INTEGER NOT NULL DEFAULT 1,
  release_prefix TEXT NOT NULL DEFAULT 'release/',
  release_enabled INTEGER NOT NULL DEFAULT 1
);

-- The repository a user last made a branch in from an issue (offered first next time).
CREATE TABLE branch_create_recent (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  used_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, repository_id)
);
