-- What happened, for the dashboard's "Recent activity": who did it, in which workspace (if any),
-- and a sentence saying what.
CREATE TABLE activity (
  id INTEGER PRIMARY KEY,
  actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  workspace_id INTEGER REFERENCES workspaces (id) ON DELETE CASCADE,
  summary TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX activity_actor ON activity (actor_id, created_at);
CREATE INDEX activity_workspace ON activity (workspace_id, created_at);
