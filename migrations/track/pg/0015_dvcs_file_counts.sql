-- track: a commit's file count is counted where it is shown (the development panel, the
-- dev-status API), not by the sync: counting every commit's files cost the backfill more than
-- everything else, and only keyed commits and branch heads are ever shown. dvcs_commits.file_count
-- NULL now means "not counted yet" (every row the backfill or a webhook writes); the panel counts
-- those it shows from the mirror and stores the counts. Existing rows keep theirs, except a
-- provisional row's 0, which was never a count.
ALTER TABLE dvcs_commits ALTER COLUMN file_count DROP NOT NULL, ALTER COLUMN file_count DROP DEFAULT;
UPDATE dvcs_commits SET file_count = NULL WHERE provisional = 1;
