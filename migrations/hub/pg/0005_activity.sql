-- What happened, for the dashboard's "Recent activity": who did it, in which workspace (if any),
-- and a sentence saying what.
CREATE TABLE activity (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  workspace_id BIGINT REFERENCES workspaces (id) ON DELETE CASCADE,
  summary TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX activity_actor ON activity (actor_id, created_at);
CREATE INDEX activity_workspace ON activity (workspace_id, created_at);
