-- track: attachments. The bytes live under DATA/attachments/blobs/, one file per SHA-256 of the
-- content (the same bytes are stored once); attachment_blobs counts the attachments that refer to
-- each file. An upload adds to refs with an upsert (which also locks the row against a sweep) and
-- places the file in the same transaction; deleting an attachment (itself, or with its issue)
-- takes one off through the trigger below. The sweep job (src/track/issue/attachment.c) deletes
-- the rows whose refs reached 0 and their files, inside its transaction.
CREATE TABLE attachment_blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  refs INTEGER NOT NULL DEFAULT 0
);

-- AUTOINCREMENT: an id is never used twice, so an old content link never shows another file.
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  filename TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL REFERENCES attachment_blobs (sha256),
  created_at INTEGER NOT NULL
);
-- Jira's attachment ids start at 10000.
INSERT INTO sqlite_sequence (name, seq) SELECT 'attachments', 9999
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'attachments');
CREATE INDEX attachments_issue ON attachments (issue_id, created_at);
CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TRIGGER attachments_unref AFTER DELETE ON attachments BEGIN
  UPDATE attachment_blobs SET refs = refs - 1 WHERE sha256 = old.sha256;
END;
