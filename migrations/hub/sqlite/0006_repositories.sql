-- Projects group a workspace's repositories; repositories gain what the code host needs: their
-- project, main branch and Bitbucket's settings; old slugs that still redirect after a rename or
-- transfer; and the bare repositories waiting in the trash for the purge job.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL,
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_private INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX projects_uuid_key ON projects (uuid);
CREATE UNIQUE INDEX projects_key_key ON projects (workspace_id, key);
CREATE UNIQUE INDEX projects_name_key ON projects (workspace_id, lower(name));

ALTER TABLE repositories ADD COLUMN project_id INTEGER REFERENCES projects (id);
ALTER TABLE repositories ADD COLUMN mainbranch TEXT NOT NULL DEFAULT 'main';
ALTER TABLE repositories ADD COLUMN fork_policy TEXT NOT NULL DEFAULT 'allow_forks';
ALTER TABLE repositories ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN has_issues INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN has_wiki INTEGER NOT NULL DEFAULT 0;
-- The workspace the repository was created in, whose folder holds its bare repository: a
-- transfer changes workspace_id but never moves files ('' for rows older than this column: the
-- current workspace).
ALTER TABLE repositories ADD COLUMN storage_workspace_uuid TEXT NOT NULL DEFAULT '';
CREATE INDEX repositories_project ON repositories (project_id);
CREATE INDEX repositories_workspace_updated ON repositories (workspace_id, updated_at);

-- An old address of a repository (after a rename or a transfer), so links keep working until
-- another repository takes the slug.
CREATE TABLE repository_redirects (
  workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  repository_id INTEGER NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, slug)
);
CREATE INDEX repository_redirects_repository ON repository_redirects (repository_id);
