-- track: when a sync last settled a repository's branches. A soft sync of a repository with no
-- recorded branches runs smart commits only when this is set (an empty repository synced before:
-- its first push is new work), not on a repository's first walk (its whole history).
ALTER TABLE dvcs_repos ADD COLUMN walked_at INTEGER;
UPDATE dvcs_repos SET walked_at = sync_finished_at WHERE sync_state = 'done';
