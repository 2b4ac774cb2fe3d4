-- track: what people do around an issue besides editing it: comment visibility, watchers and
-- voters.
--
-- Comment visibility (Jira's {"type": "role", "value": "Administrators"}). A restricted
-- comment shows only to the holders of that project role and to site administrators
-- (src/track/track_perm.h decides). NULL visibility_type: everyone who may browse the issue.
--
-- Full-text search keeps restricted text apart, so that no match can leak it:
--   issue_text.comments now holds the issue's unrestricted comments only;
--   comment_text(body), rowid = comments.id, holds the restricted ones, and a query joins it to
--   comments to apply the viewer's rule:
--     SELECT c.issue_id FROM comment_text t JOIN comments c ON c.id = t.rowid
--     WHERE comment_text MATCH $1 AND <visible to the viewer>
ALTER TABLE comments ADD COLUMN visibility_type TEXT; -- NULL or 'role'
ALTER TABLE comments ADD COLUMN visibility_value TEXT; -- the role's stored name ('administrators')

DROP TRIGGER comments_text_insert;
DROP TRIGGER comments_text_update;
DROP TRIGGER comments_text_delete;

CREATE VIRTUAL TABLE comment_text USING fts5 (body);

CREATE TRIGGER comments_text_insert AFTER INSERT ON comments BEGIN
  UPDATE issue_text SET comments = (SELECT coalesce(group_concat(body, char(10)), '')
                                    FROM comments WHERE issue_id = new.issue_id
                                    AND visibility_type IS NULL)
  WHERE rowid = new.issue_id;
  INSERT INTO comment_text (rowid, body)
  SELECT new.id, new.body WHERE new.visibility_type IS NOT NULL;
END;
CREATE TRIGGER comments_text_update AFTER UPDATE OF body, visibility_type ON comments BEGIN
  UPDATE issue_text SET comments = (SELECT coalesce(group_concat(body, char(10)), '')
                                    FROM comments WHERE issue_id = new.issue_id
                                    AND visibility_type IS NULL)
  WHERE rowid = new.issue_id;
  DELETE FROM comment_text WHERE rowid = old.id;
  INSERT INTO comment_text (rowid, body)
  SELECT new.id, new.body WHERE new.visibility_type IS NOT NULL;
END;
CREATE TRIGGER comments_text_delete AFTER DELETE ON comments BEGIN
  UPDATE issue_text SET comments = (SELECT coalesce(group_concat(body, char(10)), '')
                                    FROM comments WHERE issue_id = old.issue_id
                                    AND visibility_type IS NULL)
  WHERE rowid = old.issue_id;
  DELETE FROM comment_text WHERE rowid = old.id;
END;

-- Watchers (the reporter, the creator and commenters watch by default) and voters: one row per
-- person and issue; both go with the issue or the user.
CREATE TABLE issue_watchers (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_watchers_user ON issue_watchers (user_id);

CREATE TABLE issue_voters (
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_voters_user ON issue_voters (user_id);
