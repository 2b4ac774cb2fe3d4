-- track: a repository's id is never used again once it is deleted. On PostgreSQL dvcs_repos.id is
-- an identity column, whose sequence never goes back: nothing to change. (SQLite's table is
-- rebuilt with AUTOINCREMENT in its 0014.) The version is kept in step with SQLite's.
SELECT 1;
