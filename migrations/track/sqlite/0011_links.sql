-- track: links between issues (Jira's issue links, with their types) and links from an issue to
-- anything on the web (Jira's remote links).
--
-- A link goes from its source to its destination: "source <outward> destination" and
-- "destination <inward> source" (Blocks: "A blocks B", "B is blocked by A"). Jira's POST
-- issueLink names the source inwardIssue and the destination outwardIssue. Links go with either
-- issue; a type goes with its links. Ids of the seeded types are Jira Cloud's.
CREATE TABLE link_types (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  inward TEXT NOT NULL, -- the destination's phrase: "is blocked by"
  outward TEXT NOT NULL -- the source's phrase: "blocks"
);
CREATE UNIQUE INDEX link_types_name_key ON link_types (lower(name));
INSERT INTO link_types (id, name, inward, outward) VALUES
  (10000, 'Blocks', 'is blocked by', 'blocks'),
  (10001, 'Cloners', 'is cloned by', 'clones'),
  (10002, 'Duplicate', 'is duplicated by', 'duplicates'),
  (10003, 'Relates', 'relates to', 'relates to');

CREATE TABLE issue_links (
  id INTEGER PRIMARY KEY,
  type_id INTEGER NOT NULL REFERENCES link_types (id) ON DELETE CASCADE,
  source_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  destination_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX issue_links_pair_key ON issue_links (source_id, destination_id, type_id);
CREATE INDEX issue_links_destination ON issue_links (destination_id);
CREATE INDEX issue_links_type ON issue_links (type_id);

-- Remote links: a URL with a title (and optionally a summary, an icon, the relationship's
-- phrase and the application it belongs to); global_id, when given, is unique per issue, so that
-- a second POST with it updates the link, as in Jira.
CREATE TABLE remote_links (
  id INTEGER PRIMARY KEY,
  issue_id INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
  global_id TEXT,
  relationship TEXT NOT NULL DEFAULT '',
  application_type TEXT NOT NULL DEFAULT '',
  application_name TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  icon_url TEXT NOT NULL DEFAULT '',
  icon_title TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX remote_links_issue ON remote_links (issue_id, id);
CREATE UNIQUE INDEX remote_links_global_key ON remote_links (issue_id, global_id);
