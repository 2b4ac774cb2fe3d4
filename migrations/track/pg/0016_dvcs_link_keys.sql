-- track: the bulk link tables dvcs_repo_commits and dvcs_commit_keys lose their foreign keys.
-- On PostgreSQL each key is a trigger that locks the referenced row (SELECT ... FOR KEY SHARE)
-- for every row inserted: about 230,000 look-ups per 100,000 commits, 30 % of the server's work
-- in a backfill, which kept it above 3 x git log. The code keeps what the keys kept: a link row
-- is only written for a commit and a repository the same transaction holds, and every path that
-- deletes a repository or a commit (unlinking an account, a full sync, a force push, settling
-- provisional commits) deletes the link rows itself, in the same transaction (docs/development.md,
-- "Decisions worth knowing"). The indexes stay: the primary keys serve the batch's ON CONFLICT
-- and the repository's lists, the commit_id indexes the deletes and the panel's joins.
ALTER TABLE dvcs_repo_commits DROP CONSTRAINT IF EXISTS dvcs_repo_commits_repo_id_fkey,
  DROP CONSTRAINT IF EXISTS dvcs_repo_commits_commit_id_fkey;
ALTER TABLE dvcs_commit_keys DROP CONSTRAINT IF EXISTS dvcs_commit_keys_commit_id_fkey;
