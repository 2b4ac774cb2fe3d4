-- Webhooks of repositories and workspaces, the events each subscribes to, one delivery per
-- (event, hook) with the exact bytes that are sent, every attempt at sending it (the "View
-- requests" log), and the build statuses of commits (A.11, A.12).
--
-- A repository hook keeps its row when its repository is deleted (repository_id is no foreign
-- key), so that the repo:deleted event still goes out; the cleanup job removes such hooks once
-- nothing is left to send.
CREATE TABLE hooks (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid TEXT NOT NULL,
  workspace_id BIGINT REFERENCES workspaces (id) ON DELETE CASCADE,
  repository_id BIGINT,
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  secret TEXT,
  skip_cert_verification INTEGER NOT NULL DEFAULT 0,
  creator_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  -- Who sends its deliveries now (one sender per hook keeps them in event order).
  sender_job BIGINT,
  sender_until BIGINT,
  CHECK ((workspace_id IS NULL) <> (repository_id IS NULL))
);
CREATE UNIQUE INDEX hooks_uuid_key ON hooks (uuid);
CREATE INDEX hooks_repository ON hooks (repository_id);
CREATE INDEX hooks_workspace ON hooks (workspace_id);

CREATE TABLE hook_subscriptions (
  hook_id BIGINT NOT NULL REFERENCES hooks (id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  PRIMARY KEY (hook_id, event)
);

CREATE TABLE hook_deliveries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hook_id BIGINT NOT NULL REFERENCES hooks (id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  request_uuid TEXT NOT NULL,
  body TEXT NOT NULL,
  signature TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  resent_from BIGINT,
  created_at BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX hook_deliveries_queue ON hook_deliveries (hook_id, state, id);
CREATE INDEX hook_deliveries_created ON hook_deliveries (created_at);

CREATE TABLE hook_attempts (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id BIGINT NOT NULL REFERENCES hook_deliveries (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  request_headers TEXT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  response_headers TEXT NOT NULL DEFAULT '',
  response_body TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hook_attempts_delivery ON hook_attempts (delivery_id, id);

CREATE TABLE commit_statuses (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid TEXT NOT NULL,
  repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  commit_hash TEXT NOT NULL,
  key TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('SUCCESSFUL', 'FAILED', 'INPROGRESS', 'STOPPED')),
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  refname TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX commit_statuses_uuid_key ON commit_statuses (uuid);
CREATE UNIQUE INDEX commit_statuses_key_key ON commit_statuses (repository_id, commit_hash, key);
