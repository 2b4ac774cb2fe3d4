-- track: commits a repo:push webhook's payload names, shown on the development panel and by the
-- dev-status API at once (issue 14), before the sync reads them from the mirror. The mirror stays
-- the truth: the sync confirms what it finds and removes what it does not.
--
-- dvcs_commits.provisional: the row's author, date and message come from a payload, its file
-- count is unknown (0), and its keys were found in the payload's message; the sync that finds the
-- commit in a mirror overwrites them all.
ALTER TABLE dvcs_commits ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
-- dvcs_repo_commits.provisional_at: when a payload named the commit for the repository (epoch
-- ms); NULL once a sync found it there. A sync that started after that time and did not find it
-- removes the link (and the commit, when nothing else holds it).
ALTER TABLE dvcs_repo_commits ADD COLUMN provisional_at INTEGER;
CREATE INDEX dvcs_repo_commits_provisional ON dvcs_repo_commits (repo_id, provisional_at)
  WHERE provisional_at IS NOT NULL;
