-- track's projects and issues: projects and their roles, the global lists (issue types,
-- priorities, resolutions, statuses), per-project workflows, issues with their labels, every key
-- an issue ever had, comments, work logs and the change history.
--
-- Times are epoch milliseconds; durations (estimates, time spent, work logs) are seconds.
-- Ids of the seeded rows are fixed (Jira-like) so that code and tests may name them.
--
-- Full-text search (JQL summary ~, description ~, text ~):
--   SQLite: the FTS5 table issue_text(summary, description, comments), rowid = issues.id, one
--     row per issue, its `comments` column all the issue's comment bodies joined by newlines.
--     Triggers below keep it in step with issues and comments, whoever writes them. Query:
--       i.id IN (SELECT rowid FROM issue_text WHERE issue_text MATCH $1)
--     with $1 a column-filtered FTS5 query, e.g. '{summary} : "word"' or
--     '{summary description comments} : "word"' for text ~.
--   PostgreSQL: generated tsvector columns, to_tsvector('simple', …), each with a GIN index:
--     issues.summary_tsv, issues.description_tsv, comments.body_tsv. Query:
--       i.summary_tsv @@ plainto_tsquery('simple', $1)
--     and for text ~: summary_tsv @@ q OR description_tsv @@ q
--       OR EXISTS (SELECT 1 FROM comments c WHERE c.issue_id = i.id AND c.body_tsv @@ q).
--
-- Status categories are the keys 'new', 'indeterminate', 'done' (Jira's statusCategory.key).
-- Browse permission: src/track/track_perm.h decides; the search restricts by project there.
CREATE TABLE issue_types (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_subtask INTEGER NOT NULL DEFAULT 0,
  hierarchy_level INTEGER NOT NULL DEFAULT 0 -- Jira's: 1 epic, 0 standard, -1 sub-task
);
CREATE UNIQUE INDEX issue_types_name_key ON issue_types (lower(name));
INSERT INTO issue_types (id, name, description, is_subtask, hierarchy_level) VALUES
  (10001, 'Story', 'A user story: functionality from the user''s point of view.', 0, 0),
  (10002, 'Task', 'A small, distinct piece of work.', 0, 0),
  (10003, 'Bug', 'A problem or error.', 0, 0),
  (10004, 'Epic', 'A large body of work that collects stories, tasks and bugs.', 0, 1),
  (10005, 'Sub-task', 'A piece of work that belongs to another issue.', 1, -1);

CREATE TABLE priorities (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  color TEXT NOT NULL,
  position INTEGER NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX priorities_name_key ON priorities (lower(name));
INSERT INTO priorities (id, name, description, color, position, is_default) VALUES
  (1, 'Highest', 'This problem will block progress.', '#d04437', 1, 0),
  (2, 'High', 'Serious problem that could block progress.', '#f15c75', 2, 0),
  (3, 'Medium', 'Has the potential to affect progress.', '#f79232', 3, 1),
  (4, 'Low', 'Minor problem or easily worked around.', '#707070', 4, 0),
  (5, 'Lowest', 'Trivial problem with little or no impact on progress.', '#999999', 5, 0);

CREATE TABLE resolutions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX resolutions_name_key ON resolutions (lower(name));
INSERT INTO resolutions (id, name, description) VALUES
  (10000, 'Done', 'Work has been completed on this issue.'),
  (10001, 'Won''t Do', 'This issue won''t be actioned.'),
  (10002, 'Duplicate', 'The problem is a duplicate of an existing issue.'),
  (10003, 'Cannot Reproduce', 'All attempts at reproducing this issue failed.');

-- Statuses are global (as in Jira); a project's workflow picks some of them.
CREATE TABLE statuses (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL CHECK (category IN ('new', 'indeterminate', 'done'))
);
CREATE UNIQUE INDEX statuses_name_key ON statuses (lower(name));
INSERT INTO statuses (id, name, description, category) VALUES
  (10000, 'To Do', 'Work that has not been started.', 'new'),
  (3, 'In Progress', 'Work that is being done.', 'indeterminate'),
  (10001, 'Done', 'Work that is finished.', 'done');

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL CHECK (length(key) BETWEEN 2 AND 10),
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  lead_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  type TEXT NOT NULL DEFAULT 'software',
  issue_counter INTEGER NOT NULL DEFAULT 0, -- the last number given; never goes down
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX projects_key_key ON projects (key);

CREATE TABLE project_roles (
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('administrators', 'developers', 'users')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id, role)
);
CREATE INDEX project_roles_user ON project_roles (user_id);

-- A project's workflow: its statuses (position orders them; the lowest is where issues start)
-- and its transitions (from NULL: from any other status, a "global" transition).
CREATE TABLE workflow_statuses (
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  status_id INTEGER NOT NULL REFERENCES statuses (id),
  position INTEGER NOT NULL,
  PRIMARY KEY (project_id, status_id)
);

CREATE TABLE workflow_transitions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  from_status_id INTEGER REFERENCES statuses (id),
  to_status_id INTEGER NOT NULL REFERENCES statuses (id),
  resolution_action TEXT NOT NULL DEFAULT 'keep' CHECK (resolution_action IN ('keep', 'set', 'clear')),
  resolution_id INTEGER REFERENCES resolutions (id), -- what 'set' sets
  position INTEGER NOT NULL
);
CREATE INDEX workflow_transitions_project ON workflow_transitions (project_id, from_status_id);

CREATE TABLE issues (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  number INTEGER NOT NULL,
  key TEXT NOT NULL, -- the current key, project key || '-' || number
  type_id INTEGER NOT NULL REFERENCES issue_types (id),
  parent_id INTEGER REFERENCES issues (id) ON DELETE CASCADE,
  summary TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', -- Markdown
  status_id INTEGER NOT NULL REFERENCES statuses (id),
  priority_id INTEGER NOT NULL REFERENCES priorities (id),
  assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  reporter_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  creator_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  resolution_id INTEGER REFERENCES resolutions (id),
  resolution_date INTEGER,
  original_estimate INTEGER, -- seconds; NULL when never estimated
  remaining_estimate INTEGER,
  time_spent INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX issues_key_key ON issues (key);
CREATE UNIQUE INDEX issues_number_key ON issues (project_id, number);
CREATE INDEX issues_project_status ON issues (project_id, status_id, updated_at);
CREATE INDEX issues_project_updated ON issues (project_id, updated_at);
CREATE INDEX issues_assignee ON issues (assignee_id, updated_at);
CREATE INDEX issues_reporter ON issues (reporter_id);
CREATE INDEX issues_updated ON issues (updated_at);
CREATE INDEX issues_created ON issues (created_at);
CREATE INDEX issues_parent ON issues (parent_id);

-- Every key an issue ever had (its current one too): a moved issue's old key keeps resolving.
CREATE TABLE issue_keys (
  key TEXT PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE
);
CREATE INDEX issue_keys_issue ON issue_keys (issue_id);

CREATE TABLE issue_labels (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  PRIMARY KEY (issue_id, label)
);
CREATE INDEX issue_labels_label ON issue_labels (label);

CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  update_author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  body TEXT NOT NULL, -- Markdown
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX comments_issue ON comments (issue_id, created_at);

CREATE TABLE worklogs (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  update_author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  started_at INTEGER NOT NULL,
  seconds INTEGER NOT NULL CHECK (seconds > 0),
  comment TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX worklogs_issue ON worklogs (issue_id, started_at);

-- The history: one group per change (who, when), one item per field changed. Values are kept
-- both as ids (from_value, to_value; NULL for text fields) and as the text shown.
CREATE TABLE changelog_groups (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX changelog_groups_issue ON changelog_groups (issue_id, created_at);

CREATE TABLE changelog_items (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL REFERENCES changelog_groups (id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  from_value TEXT,
  from_string TEXT,
  to_value TEXT,
  to_string TEXT
);
CREATE INDEX changelog_items_group ON changelog_items (group_id);

-- Full-text search (see the top of this file).
CREATE VIRTUAL TABLE issue_text USING fts5 (summary, description, comments);

CREATE TRIGGER issues_text_insert AFTER INSERT ON issues BEGIN
  INSERT INTO issue_text (rowid, summary, description, comments)
  VALUES (new.id, new.summary, new.description, '');
END;
CREATE TRIGGER issues_text_update AFTER UPDATE OF summary, description ON issues BEGIN
  UPDATE issue_text SET summary = new.summary, description = new.description
  WHERE rowid = new.id;
END;
CREATE TRIGGER issues_text_delete AFTER DELETE ON issues BEGIN
  DELETE FROM issue_text WHERE rowid = old.id;
END;
CREATE TRIGGER comments_text_insert AFTER INSERT ON comments BEGIN
  UPDATE issue_text SET comments = (SELECT coalesce(group_concat(body, char(10)), '')
                                    FROM comments WHERE issue_id = new.issue_id)
  WHERE rowid = new.issue_id;
END;
CREATE TRIGGER comments_text_update AFTER UPDATE OF body ON comments BEGIN
  UPDATE issue_text SET comments = (SELECT coalesce(group_concat(body, char(10)), '')
                                    FROM comments WHERE issue_id = new.issue_id)
  WHERE rowid = new.issue_id;
END;
CREATE TRIGGER comments_text_delete AFTER DELETE ON comments BEGIN
  UPDATE issue_text SET comments = (SELECT coalesce(group_concat(body, char(10)), '')
                                    FROM comments WHERE issue_id = old.issue_id)
  WHERE rowid = old.issue_id;
END;
