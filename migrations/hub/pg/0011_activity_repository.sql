-- The repository an activity item concerns, so that dashboards show it only to those who may
-- read that repository (NULL: the item concerns none). No foreign key: the item of a deleted
-- repository keeps its id and stays hidden from those who could not read it; 0 marks an older
-- item that names a repository no longer found.
ALTER TABLE activity ADD COLUMN repository_id BIGINT;

-- Older items name their repository in the text ("created the repository acme/code", "renamed
-- the repository acme/code to …"): the first word after "the repository ", by its current
-- address or an old one.
UPDATE activity SET repository_id = COALESCE(
  (SELECT r.id FROM repositories r JOIN workspaces w ON w.id = r.workspace_id
    WHERE w.slug || '/' || r.slug =
      split_part(substr(activity.summary, strpos(activity.summary, 'the repository ') + 15),
                 ' ', 1)),
  (SELECT rr.repository_id FROM repository_redirects rr JOIN workspaces w
      ON w.id = rr.workspace_id
    WHERE w.slug || '/' || rr.slug =
      split_part(substr(activity.summary, strpos(activity.summary, 'the repository ') + 15),
                 ' ', 1)),
  0)
WHERE strpos(summary, 'the repository ') > 0;
