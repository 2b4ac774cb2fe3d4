-- track: mail to the watchers of an issue when it changes or gets a comment (Jira's "Issue
-- updated" and "Issue commented" notifications), and each user's choice about them.
--
-- A change (a changelog group) or a comment is announced by a job queued in its own transaction;
-- the job marks it notified in the same transaction as the mails it queues, so a job run again
-- after a crash sends nothing twice.
ALTER TABLE users ADD COLUMN mail_watching INTEGER NOT NULL DEFAULT 1; -- mail me about issues I watch
ALTER TABLE users ADD COLUMN mail_own_changes INTEGER NOT NULL DEFAULT 0; -- including my own changes
ALTER TABLE changelog_groups ADD COLUMN notified_at BIGINT;
ALTER TABLE comments ADD COLUMN notified_at BIGINT;
