-- track: what people do around an issue besides editing it: comment visibility, watchers and
-- voters.
--
-- Comment visibility (Jira's {"type": "role", "value": "Administrators"}). A restricted
-- comment shows only to the holders of that project role and to site administrators
-- (src/track/track_perm.h decides). NULL visibility_type: everyone who may browse the issue.
-- Full-text search reads comments.body_tsv and applies the viewer's rule in the same query.
ALTER TABLE comments ADD COLUMN visibility_type TEXT; -- NULL or 'role'
ALTER TABLE comments ADD COLUMN visibility_value TEXT; -- the role's stored name ('administrators')

-- Watchers (the reporter, the creator and commenters watch by default) and voters: one row per
-- person and issue; both go with the issue or the user.
CREATE TABLE issue_watchers (
  issue_id BIGINT NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_watchers_user ON issue_watchers (user_id);

CREATE TABLE issue_voters (
  issue_id BIGINT NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_voters_user ON issue_voters (user_id);
