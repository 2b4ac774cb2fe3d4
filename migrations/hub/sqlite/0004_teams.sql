-- Teams (workspaces of kind 'team'), their plans, members, groups and invitations, and the
-- repository rows and grants that the permission model (src/hub/hub_perm.c) reads. The
-- repositories issue adds what else a repository needs.
CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  max_private_repositories INTEGER, -- NULL: unlimited
  max_members INTEGER,              -- NULL: unlimited
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX plans_name_key ON plans (lower(name));

ALTER TABLE workspaces ADD COLUMN plan_id INTEGER REFERENCES plans (id);

CREATE TABLE team_members (
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  permission TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  auto_add INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX groups_slug_key ON groups (workspace_id, slug);

CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  group_id INTEGER REFERENCES groups (id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  accepted_at INTEGER,
  accepted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX invitations_token_key ON invitations (token_hash);
CREATE INDEX invitations_email ON invitations (lower(email));
CREATE INDEX invitations_workspace ON invitations (workspace_id);

CREATE TABLE repositories (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_private INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX repositories_uuid_key ON repositories (uuid);
CREATE UNIQUE INDEX repositories_slug_key ON repositories (workspace_id, slug);

CREATE TABLE repository_group_permissions (
  repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  PRIMARY KEY (repository_id, group_id)
);
CREATE INDEX repository_group_permissions_group ON repository_group_permissions (group_id);

CREATE TABLE repository_user_permissions (
  repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  PRIMARY KEY (repository_id, user_id)
);
CREATE INDEX repository_user_permissions_user ON repository_user_permissions (user_id);
