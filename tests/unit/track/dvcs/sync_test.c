/* The sync engine from a mirror on disk (dvcs_sync_mirror): a backfill links every commit once
 * with its keys and the branches with theirs; a soft sync stores only what is new and queues smart
 * commits for it; a commit in two repositories is stored once; a force push unlinks what it
 * dropped; a full sync forgets and walks again, queueing no smart commits; a batch the store refuses
 * (stored by a thread of its own) fails the sync with its reason. Real git makes the
 * repositories. */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shell.h"
#include "../issues_env.h"
#include "base/clock.h"
#include "track/dvcs/provisional.h"
#include "track/dvcs/sync.h"

typedef struct repos {
	char dir[256]; /* a temporary folder holding both */
	char mirror[300], work[300];
} repos;

/* A bare repository (the mirror) and a work tree that pushes to it. */
static repos make_repos(void)
{
	repos r;
	snprintf(r.dir, sizeof r.dir, "/tmp/weft-sync-test-XXXXXX");
	if (!mkdtemp(r.dir))
		fail_msg("mkdtemp");
	snprintf(r.mirror, sizeof r.mirror, "%s/mirror.git", r.dir);
	snprintf(r.work, sizeof r.work, "%s/work", r.dir);
	sh("git init -q --bare -b main %s && git init -q -b main %s", r.mirror, r.work);
	return r;
}

static void commit(const repos *r, const char *message)
{
	static int n;
	n++;
	sh("cd %s && echo %d > f%d.txt && git add . && GIT_AUTHOR_DATE='2026-01-0%d 10:00:00 "
	   "+0000' "
	   "git -c user.name=Ann -c user.email=ann@example.com commit -q -m '%s'",
	   r->work, n, n % 3, 1 + n % 9, message);
}

static void push(const repos *r, const char *refs)
{
	sh("cd %s && git push -q --force %s %s 2>/dev/null", r->work, r->mirror, refs);
}

static int64_t make_repo_row(env *e, const char *slug, bool smart)
{
	int64_t now = clock_now_ms(), account = 0, id = 0;
	ok(db_query_int(&account, e->c, "SELECT id FROM dvcs_accounts WHERE account = 'acme'",
	                DB_END));
	if (!account)
		ok(db_query_int(&account, e->c,
		                "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account,"
		                " oauth_key, oauth_secret, status, created_at, updated_at) VALUES"
		                " ('weft', 'http://hub', 'http://hub/2.0', 'acme', 'k', 's', 'ok',"
		                " $1, $1) RETURNING id",
		                db_int(now)));
	ok(db_query_int(&id, e->c,
	                "INSERT INTO dvcs_repos (account_id, slug, name, linked, smart_commits,"
	                " sync_full, created_at, updated_at) VALUES ($1, $2, $2, 1, $3, 1, $4, $4)"
	                " RETURNING id",
	                db_int(account), db_text(slug), db_int(smart), db_int(now)));
	return id;
}

static int64_t num(env *e, const char *sql, int64_t repo)
{
	return scalar(e, sql, db_int(repo));
}

static int64_t linked(env *e, int64_t repo)
{
	return num(e, "SELECT COUNT(*) FROM dvcs_repo_commits WHERE repo_id = $1", repo);
}

/* Commits git counts from the mirror's branches. */
static int64_t git_count(const repos *r)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "git --git-dir=%s rev-list --all --count", r->mirror);
	FILE *p = popen(cmd, "r");
	long long n = -1;
	if (!p || fscanf(p, "%lld", &n) != 1)
		fail_msg("rev-list");
	pclose(p);
	return n;
}

static int64_t keyed(env *e, const char *key)
{
	db_stmt *st;
	int64_t v = -1;
	if (db_query(&st, e->c, "SELECT COUNT(*) FROM dvcs_commit_keys WHERE issue_key = $1",
	             db_text(key)) == 0 &&
	    db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_done(st);
	return v;
}

/* Link rows that refer to a repository or a commit that is gone: the link tables have no foreign
 * keys (0016), every delete path removes them itself. */
static int64_t orphans(env *e)
{
	return num(e,
	           "SELECT (SELECT COUNT(*) FROM dvcs_repo_commits l WHERE NOT EXISTS (SELECT 1"
	           " FROM dvcs_repos r WHERE r.id = l.repo_id) OR NOT EXISTS (SELECT 1 FROM"
	           " dvcs_commits c WHERE c.id = l.commit_id)) + (SELECT COUNT(*) FROM"
	           " dvcs_commit_keys k WHERE NOT EXISTS (SELECT 1 FROM dvcs_commits c WHERE"
	           " c.id = k.commit_id)) + $1",
	           0);
}

static void syncs_commits_branches_and_keys(void **state)
{
	env e = begin(state);
	track_app app = { .d = e.f->d, .dvcs_dir = "/nonexistent" };
	repos r = make_repos();
	commit(&r, "PROJ-1 first");
	commit(&r, "fix abc-2, see #comment later");
	commit(&r, "plain");
	sh("cd %s && git checkout -q -b feature/proj-7-login", r.work);
	commit(&r, "login page");
	push(&r, "main feature/proj-7-login");
	int64_t a = make_repo_row(&e, "a", true);

	/* the first run is full: everything, once, and no smart commits */
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), 4);
	assert_int_equal(num(&e, "SELECT sync_commits FROM dvcs_repos WHERE id = $1", a), 4);
	assert_int_equal(num(&e, "SELECT sync_issues FROM dvcs_repos WHERE id = $1", a), 3);
	assert_int_equal(num(&e, "SELECT sync_full FROM dvcs_repos WHERE id = $1", a), 0);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_repos WHERE id = $1"
	                     " AND sync_state = 'done' AND sync_error IS NULL"
	                     " AND sync_finished_at IS NOT NULL AND last_activity_at > 0",
	                     a),
	                 1);
	assert_int_equal(keyed(&e, "PROJ-1"), 1);
	assert_int_equal(keyed(&e, "ABC-2"), 1);
	assert_int_equal(num(&e, "SELECT COUNT(*) FROM dvcs_branches WHERE repo_id = $1", a), 2);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_branch_keys k JOIN dvcs_branches b"
	                     " ON b.id = k.branch_id WHERE b.repo_id = $1"
	                     " AND k.issue_key = 'PROJ-7'",
	                     a),
	                 1);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.smart'"
	                     " AND $1 > 0",
	                     a),
	                 0);
	/* git log's walk counts no files: the panel counts those it shows (files_test.c) */
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_commits WHERE is_merge = 0"
	                     " AND file_count IS NULL AND author_email = 'ann@example.com'"
	                     " AND $1 > 0",
	                     a),
	                 4);

	/* nothing new: nothing changes */
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), 4);

	/* soft: only the new commit, and smart commits for the one with a command */
	sh("cd %s && git checkout -q main", r.work);
	commit(&r, "PROJ-3 #resolve");
	commit(&r, "PROJ-3 no command");
	push(&r, "main");
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), 6);
	assert_int_equal(keyed(&e, "PROJ-3"), 2);
	/* the soft sync's walk in process counts them */
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_commits WHERE message LIKE 'PROJ-3%'"
	                     " AND file_count = 1 AND $1 > 0",
	                     a),
	                 2);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.smart'"
	                     " AND payload LIKE '%\"repo\":' || $1 || ',%'",
	                     a),
	                 1);
	assert_int_equal(num(&e, "SELECT sync_commits FROM dvcs_repos WHERE id = $1", a), 6);
	assert_int_equal(num(&e, "SELECT sync_issues FROM dvcs_repos WHERE id = $1", a), 4);

	/* the same commits in a second repository are stored once */
	int64_t b = make_repo_row(&e, "b", false);
	ok(dvcs_sync_mirror(&app, e.a, b, r.mirror));
	assert_int_equal(linked(&e, b), 6);
	assert_int_equal(num(&e, "SELECT COUNT(*) FROM dvcs_commits WHERE $1 > 0", a), 6);

	/* a force push drops the two newest commits of main and adds one */
	sh("cd %s && git reset -q --hard HEAD~2", r.work);
	commit(&r, "PROJ-4 instead");
	push(&r, "main");
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), git_count(&r));
	assert_int_equal(linked(&e, a), 5);
	assert_int_equal(num(&e, "SELECT sync_commits FROM dvcs_repos WHERE id = $1", a), 5);
	/* b still has them, so they stay; its own sync drops them too, and then they go */
	assert_int_equal(keyed(&e, "PROJ-3"), 2);
	ok(dvcs_sync_mirror(&app, e.a, b, r.mirror));
	assert_int_equal(linked(&e, b), 5);
	assert_int_equal(keyed(&e, "PROJ-3"), 0);
	assert_int_equal(num(&e, "SELECT COUNT(*) FROM dvcs_commits WHERE $1 > 0", a), 5);
	assert_int_equal(orphans(&e), 0);

	/* a deleted branch goes with its keys */
	sh("git --git-dir=%s branch -q -D feature/proj-7-login", r.mirror);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(num(&e, "SELECT COUNT(*) FROM dvcs_branches WHERE repo_id = $1", a), 1);
	assert_int_equal(linked(&e, a), git_count(&r));

	/* full: forgets and walks again, same result, no smart commits */
	ok(db_exec(e.c, "DELETE FROM jobs WHERE $1 > 0", db_int(1)) < 0 ? -1 : 0);
	ok(db_exec(e.c, "UPDATE dvcs_repos SET sync_full = 1 WHERE id = $1", db_int(a)) < 0 ? -1
	                                                                                    : 0);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), git_count(&r));
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.smart'"
	                     " AND $1 > 0",
	                     a),
	                 0);
	assert_int_equal(num(&e, "SELECT sync_issues FROM dvcs_repos WHERE id = $1", a), 3);
	assert_int_equal(orphans(&e), 0);
	/* full again with b unlinked from its commits: a's commits (keys and all) are forgotten and
	 * stored afresh under new ids */
	ok(db_exec(e.c, "DELETE FROM dvcs_repo_commits WHERE repo_id = $1", db_int(b)) < 0 ? -1
	                                                                                   : 0);
	ok(db_exec(e.c, "UPDATE dvcs_repos SET sync_full = 1 WHERE id = $1", db_int(a)) < 0 ? -1
	                                                                                    : 0);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), git_count(&r));
	assert_int_equal(keyed(&e, "PROJ-1"), 1);
	assert_int_equal(orphans(&e), 0);

	/* a repository that is not linked is left alone */
	ok(db_exec(e.c, "UPDATE dvcs_repos SET linked = 0, sync_full = 1 WHERE id = $1",
	           db_int(a)) < 0
	           ? -1
	           : 0);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), git_count(&r));
	sh("rm -rf %s", r.dir);
	end(&e);
}

/* The hash of the work tree's HEAD. */
static void head_hash(const repos *r, char out[DVCS_HASH_LEN + 1])
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "git -C %s rev-parse HEAD", r->work);
	FILE *p = popen(cmd, "r");
	if (!p || !fgets(out, DVCS_HASH_LEN + 1, p))
		fail_msg("rev-parse");
	pclose(p);
}

static int64_t provisional_links(env *e, int64_t repo)
{
	return num(e,
	           "SELECT COUNT(*) FROM dvcs_repo_commits WHERE repo_id = $1"
	           " AND provisional_at IS NOT NULL",
	           repo);
}

static int64_t smart_jobs(env *e, const char *hash)
{
	db_stmt *st;
	int64_t v = -1;
	if (db_query(&st, e->c,
	             "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.smart' AND payload LIKE"
	             " '%' || $1 || '%'",
	             db_text(hash)) == 0 &&
	    db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_done(st);
	return v;
}

/* A webhook's commits show at once as provisional rows; the next sync confirms from the mirror
 * what it has (its message, file count and keys winning over the payload's), runs smart commits
 * for it once, and removes the rest; rows stamped after the sync started wait for the next. */
static void provisional_commits_are_confirmed_or_removed(void **state)
{
	env e = begin(state);
	track_app app = { .d = e.f->d, .dvcs_dir = "/nonexistent" };
	repos r = make_repos();
	commit(&r, "PROJ-1 first");
	push(&r, "main");
	int64_t a = make_repo_row(&e, "a", true);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), 1);

	/* pushed: the payload names the real commit (with a message of its own), a forged one, and
	 * one without keys */
	commit(&r, "PROJ-5 #comment real words");
	dvcs_commit real = { .author_name = "Ann",
		             .author_email = "ann@example.com",
		             .message = "PROJ-9 the payload's words",
		             .authored_at = 1768473000000 };
	head_hash(&r, real.hash);
	dvcs_commit forged = real, plain = real;
	snprintf(forged.hash, sizeof forged.hash, "%s", "ffffffffffffffffffffffffffffffffffffffff");
	forged.message = "PROJ-6 never pushed #resolve";
	snprintf(plain.hash, sizeof plain.hash, "%s", "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
	plain.message = "no key";
	dvcs_commit payload[] = { real, forged, plain };
	int64_t stored = 0;
	ok(dvcs_provisional_store(e.c, e.a, a, payload, 3, &stored));
	assert_int_equal(stored, 2);
	assert_int_equal(provisional_links(&e, a), 2);
	assert_int_equal(keyed(&e, "PROJ-9"), 1);
	assert_int_equal(keyed(&e, "PROJ-6"), 1);
	/* the same delivery again doubles nothing */
	ok(dvcs_provisional_store(e.c, e.a, a, payload, 3, &stored));
	assert_int_equal(stored, 0);
	assert_int_equal(linked(&e, a), 3);
	assert_int_equal(num(&e, "SELECT COUNT(*) FROM dvcs_commits WHERE $1 > 0", a), 3);
	assert_int_equal(num(&e, "SELECT sync_commits FROM dvcs_repos WHERE id = $1", a), 1);

	/* the sync: the mirror's truth */
	push(&r, "main");
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), 2);
	assert_int_equal(provisional_links(&e, a), 0);
	assert_int_equal(
	        num(&e, "SELECT COUNT(*) FROM dvcs_commits WHERE provisional = 1 AND $1 > 0", a),
	        0);
	assert_int_equal(
	        num(&e,
	            "SELECT COUNT(*) FROM dvcs_commits WHERE message LIKE 'PROJ-5 #comment%'"
	            " AND file_count = 1 AND authored_at <> 1768473000000 AND $1 > 0",
	            a),
	        1);
	assert_int_equal(keyed(&e, "PROJ-5"), 1);
	assert_int_equal(keyed(&e, "PROJ-9"), 0);
	assert_int_equal(keyed(&e, "PROJ-6"), 0);
	assert_int_equal(num(&e, "SELECT COUNT(*) FROM dvcs_commits WHERE $1 > 0", a), 2);
	assert_int_equal(orphans(&e), 0);
	assert_int_equal(num(&e, "SELECT sync_commits FROM dvcs_repos WHERE id = $1", a), 2);
	assert_int_equal(smart_jobs(&e, real.hash), 1);
	assert_int_equal(smart_jobs(&e, forged.hash), 0);
	/* seen again: no second smart commit run */
	ok(dvcs_provisional_store(e.c, e.a, a, payload, 1, &stored));
	assert_int_equal(stored, 0);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(smart_jobs(&e, real.hash), 1);
	assert_int_equal(linked(&e, a), 2);

	/* a delivery that arrives after the sync started waits for the next sync */
	dvcs_commit late = forged;
	snprintf(late.hash, sizeof late.hash, "%s", "dddddddddddddddddddddddddddddddddddddddd");
	ok(dvcs_provisional_store(e.c, e.a, a, &late, 1, &stored));
	ok(db_exec(e.c,
	           "UPDATE dvcs_repo_commits SET provisional_at = $2 WHERE repo_id = $1"
	           " AND provisional_at IS NOT NULL",
	           db_int(a), db_int(clock_now_ms() + 600000)) < 0
	           ? -1
	           : 0);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(provisional_links(&e, a), 1);
	ok(db_exec(e.c,
	           "UPDATE dvcs_repo_commits SET provisional_at = 1 WHERE repo_id = $1"
	           " AND provisional_at IS NOT NULL",
	           db_int(a)) < 0
	           ? -1
	           : 0);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(provisional_links(&e, a), 0);
	assert_int_equal(keyed(&e, "PROJ-6"), 0);
	assert_int_equal(orphans(&e), 0);

	/* a commit stored already gets only a provisional link in another repository */
	int64_t b = make_repo_row(&e, "b", true);
	ok(dvcs_provisional_store(e.c, e.a, b, payload, 1, &stored));
	assert_int_equal(stored, 1);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_commits WHERE file_count = 1 AND"
	                     " provisional = 0 AND message LIKE 'PROJ-5%' AND $1 > 0",
	                     b),
	                 1);
	ok(dvcs_sync_mirror(&app, e.a, b, r.mirror));
	assert_int_equal(linked(&e, b), 2);
	assert_int_equal(provisional_links(&e, b), 0);
	assert_int_equal(keyed(&e, "PROJ-5"), 1);
	sh("rm -rf %s", r.dir);
	end(&e);
}

/* Smart commits run for the first push into an empty repository synced before, and not for the
 * history a repository's first walk finds, full or soft. */
static void smart_commits_run_for_the_first_push_into_an_empty_repository(void **state)
{
	env e = begin(state);
	track_app app = { .d = e.f->d, .dvcs_dir = "/nonexistent" };
	repos r = make_repos();
	int64_t a = make_repo_row(&e, "empty", true);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror)); /* linked while empty: nothing to walk */
	assert_int_equal(linked(&e, a), 0);
	commit(&r, "PROJ-5 #resolve first push");
	push(&r, "main");
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), 1);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.smart'"
	                     " AND payload LIKE '%\"repo\":' || $1 || ',%'",
	                     a),
	                 1);
	/* a repository whose first sync is soft (never walked) with history: no smart commits */
	int64_t h = make_repo_row(&e, "history", true);
	ok(db_exec(e.c, "UPDATE dvcs_repos SET sync_full = 0 WHERE id = $1", db_int(h)) < 0 ? -1
	                                                                                    : 0);
	ok(dvcs_sync_mirror(&app, e.a, h, r.mirror));
	assert_int_equal(linked(&e, h), 1);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM jobs WHERE kind = 'dvcs.smart'"
	                     " AND payload LIKE '%\"repo\":' || $1 || ',%'",
	                     h),
	                 0);
	sh("rm -rf %s", r.dir);
	end(&e);
}

/* Commits made to confuse a reader of git log: a NUL in the author and the message, lines of
 * 40 hex digits in the message, files named like commit ids, an empty message. */
static void hostile_commits_are_read_field_by_field(void **state)
{
	env e = begin(state);
	track_app app = { .d = e.f->d, .dvcs_dir = "/nonexistent" };
	repos r = make_repos();
	commit(&r, "PROJ-1 base");
	const char *hex = "0123456789abcdef0123456789abcdef01234567";
	sh("cd %s && echo x > %s && echo y > 'new\nline' && git add . && git -c user.name=Eve"
	   " -c user.email=eve@example.com commit -q -m '%s' -m '%s' -m 'PROJ-2 after'",
	   r.work, hex, hex, hex);
	sh("cd %s && c=$(printf 'tree %%s\\nparent %%s\\nauthor Ev\\000il <e@x> 1700000000 +0000\\n"
	   "committer C <c@x> 1700000000 +0000\\n\\nPROJ-3 cut\\000PROJ-4 hidden\\n'"
	   " $(git rev-parse HEAD^{tree}) $(git rev-parse HEAD)"
	   " | git hash-object -t commit -w --literally --stdin)"
	   " && git update-ref refs/heads/main $c"
	   " && git update-ref refs/heads/main $(git commit-tree -p $c $(git rev-parse"
	   " HEAD^{tree}) < /dev/null)",
	   r.work);
	push(&r, "main");
	int64_t a = make_repo_row(&e, "hostile", false);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	assert_int_equal(linked(&e, a), git_count(&r));
	assert_int_equal(linked(&e, a), 4);
	char sql[256];
	snprintf(
	        sql, sizeof sql,
	        "SELECT COUNT(*) FROM dvcs_commits WHERE author_name = 'Eve' AND file_count IS NULL"
	        " AND message LIKE '%s%%PROJ-2 after%%' AND $1 > 0",
	        hex);
	assert_int_equal(num(&e, sql, a), 1);
	assert_int_equal(keyed(&e, "PROJ-2"), 1);
	assert_int_equal(keyed(&e, "PROJ-3"), 1);
	assert_int_equal(keyed(&e, "PROJ-4"), 0);
	assert_int_equal(
	        num(&e, "SELECT COUNT(*) FROM dvcs_commits WHERE message = '' AND $1 > 0", a), 1);
	sh("rm -rf %s", r.dir);
	end(&e);
}

static void a_missing_mirror_fails_with_its_reason(void **state)
{
	env e = begin(state);
	track_app app = { .d = e.f->d, .dvcs_dir = "/nonexistent" };
	int64_t a = make_repo_row(&e, "gone", true);
	assert_int_equal(dvcs_sync_mirror(&app, e.a, a, "/nonexistent/gone.git"), WEFT_ENOTFOUND);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_repos WHERE id = $1"
	                     " AND sync_state = 'failed' AND sync_error LIKE '%gone.git%'",
	                     a),
	                 1);
	end(&e);
}

/* A batch the store refuses fails the sync with the store's reason, though another thread stored
 * it: the walk stops, and the batches before it stay stored with their progress. */
static void a_failing_batch_stops_the_walk_with_its_reason(void **state)
{
	env e = begin(state);
	repos r = make_repos();
	/* 1500 commits "c 1." … "c 1500."; the walk reads them newest first, 1000 to its first batch */
	sh("cd %s && for i in $(seq 1 1500); do printf 'commit refs/heads/main\\ncommitter A"
	   " <a@example.com> %%d +0000\\ndata <<EOF\\nc %%d.\\nEOF\\n\\n' $((1700000000 + i))"
	   " $i; done | git --git-dir=%s fast-import --quiet",
	   r.dir, r.mirror);
	ok(db_exec_script(e.c, db_sql(e.c,
	                              "CREATE TRIGGER refuse BEFORE INSERT ON dvcs_commits"
	                              " WHEN NEW.message LIKE 'c 100.%' BEGIN"
	                              " SELECT RAISE(ABORT, 'commit c 100 refused'); END;",
	                              "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN"
	                              " IF NEW.message LIKE 'c 100.%' THEN"
	                              " RAISE EXCEPTION 'commit c 100 refused'; END IF;"
	                              " RETURN NEW; END $$ LANGUAGE plpgsql;"
	                              " CREATE TRIGGER refuse BEFORE INSERT ON dvcs_commits"
	                              " FOR EACH ROW EXECUTE FUNCTION refuse();")));
	track_app app = { .d = e.f->d, .dvcs_dir = r.dir };
	int64_t a = make_repo_row(&e, "refused", false);
	assert_int_equal(git_count(&r), 1500);
	assert_true(dvcs_sync_mirror(&app, e.a, a, r.mirror) < 0);
	assert_non_null(strstr(err_msg(), "c 100 refused"));
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_repos WHERE id = $1 AND sync_state ="
	                     " 'failed' AND sync_error LIKE '%c 100 refused%'",
	                     a),
	                 1);
	int64_t stored = linked(&e, a);
	assert_true(stored >= 1 && stored < 1400); /* c 100 is the 1401st */
	assert_int_equal(num(&e, "SELECT sync_commits FROM dvcs_repos WHERE id = $1", a), stored);
	assert_int_equal(num(&e,
	                     "SELECT COUNT(*) FROM dvcs_commits WHERE (message LIKE 'c 1500.%'"
	                     " OR message LIKE 'c 100.%' OR message LIKE 'c 1.%') AND $1 > 0",
	                     a),
	                 1); /* the newest only: the walk stopped at the failing batch */
	sh("rm -rf %s", r.dir);
	end(&e);
}

/* A backfill of many batches (on PostgreSQL stored by two threads at once, and analyzed before
 * the recount): every commit linked once with its keys, and the counts those of the store. */
static void a_backfill_of_many_batches_links_every_commit_once(void **state)
{
	env e = begin(state);
	repos r = make_repos();
	/* 12,000 commits "c 1." … "c 12000.", every third naming one of 500 keys, with quotes, a
	 * backslash and braces in its message */
	sh("cd %s && for i in $(seq 1 12000); do k=''; [ $((i %% 3)) = 0 ] &&"
	   " k=\" PROJ-$((i %% 500 + 1)) 'q' \\\\ {a,\\\"b\\\"}\"; printf 'commit refs/heads/main"
	   "\\ncommitter A <a@example.com> %%d +0000\\ndata <<EOF\\nc %%d.%%s\\nEOF\\n\\n'"
	   " $((1700000000 + i)) $i \"$k\"; done | git --git-dir=%s fast-import --quiet",
	   r.dir, r.mirror);
	track_app app = { .d = e.f->d, .dvcs_dir = r.dir };
	int64_t a = make_repo_row(&e, "many", false);
	assert_int_equal(git_count(&r), 12000);
	ok(dvcs_sync_mirror(&app, e.a, a, r.mirror));
	const struct {
		const char *sql;
		int64_t want;
	} counts[] = {
		{ "SELECT COUNT(*) FROM dvcs_repo_commits WHERE repo_id = $1", 12000 },
		{ "SELECT COUNT(DISTINCT commit_id) FROM dvcs_repo_commits WHERE repo_id = $1",
		  12000 },
		{ "SELECT COUNT(*) FROM dvcs_commits WHERE $1 > 0", 12000 },
		{ "SELECT COUNT(*) FROM dvcs_commit_keys WHERE $1 > 0", 4000 },
		{ "SELECT COUNT(*) FROM dvcs_commit_keys WHERE issue_key = 'PROJ-1' AND $1 > 0",
		  8 }, /* i = 1500, 3000 … 12000 */
		{ "SELECT sync_commits FROM dvcs_repos WHERE id = $1", 12000 },
		{ "SELECT sync_issues FROM dvcs_repos WHERE id = $1", 500 },
		/* analyzed as the walk settled */
		{ db_sql(e.c, "SELECT 12000 WHERE $1 > 0",
		         "SELECT CAST(reltuples AS BIGINT) FROM pg_class"
		         " WHERE relname = 'dvcs_repo_commits' AND $1 > 0"),
		  12000 },
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		int64_t got = num(&e, counts[i].sql, a);
		if (got != counts[i].want)
			fail_msg("%s: %lld, not %lld", counts[i].sql, (long long)got,
			         (long long)counts[i].want);
	}
	const char *nine = "c 9. PROJ-10 'q' \\ {a,\"b\"}";
	db_stmt *st;
	int64_t found = -1;
	if (db_query(&st, e.c,
	             "SELECT COUNT(*) FROM dvcs_commits WHERE substr(message, 1, $1) = $2",
	             db_int((int64_t)strlen(nine)), db_text(nine)) == 0 &&
	    db_step(st) == DB_ROW)
		found = db_col_int(st, 0);
	db_done(st);
	assert_int_equal(found, 1);
	sh("rm -rf %s", r.dir);
	end(&e);
}

int main(void)
{
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syncs_commits_branches_and_keys),
		cmocka_unit_test(a_missing_mirror_fails_with_its_reason),
		cmocka_unit_test(provisional_commits_are_confirmed_or_removed),
		cmocka_unit_test(smart_commits_run_for_the_first_push_into_an_empty_repository),
		cmocka_unit_test(hostile_commits_are_read_field_by_field),
		cmocka_unit_test(a_failing_batch_stops_the_walk_with_its_reason),
		cmocka_unit_test(a_backfill_of_many_batches_links_every_commit_once),
	};
	/* a pool of 3: the test's connection, and two for a backfill's storers on PostgreSQL */
	int failed = fixture_run_service_tests("track/dvcs/sync", "track", tests,
	                                       sizeof tests / sizeof tests[0], 3);
	git_libgit2_shutdown();
	return failed;
}
