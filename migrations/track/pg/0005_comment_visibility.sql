-- track: comment visibility (Jira's {"type": "role", "value": "Administrators"}). A restricted
-- comment shows only to the holders of that project role and to site administrators
-- (src/track/track_perm.h decides). NULL visibility_type: everyone who may browse the issue.
-- Full-text search reads comments.body_tsv and applies the viewer's rule in the same query.
ALTER TABLE comments ADD COLUMN visibility_type TEXT; -- NULL or 'role'
ALTER TABLE comments ADD COLUMN visibility_value TEXT; -- the role's stored name ('administrators')
