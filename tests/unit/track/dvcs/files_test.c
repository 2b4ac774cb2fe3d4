/* Tests of src/track/dvcs/files.c on both engines, with a real mirror made by git: a full sync
 * stores no file counts; the panel's page counts those it shows from the repository's mirror
 * (commits and branch heads, as git diff-tree lists their files) and stores them; the next page
 * reads them; a sync of another repository holding the same commits, and a full sync while it
 * holds them, keep them; a commit the mirror lacks, or whose mirror is gone, shows without a
 * count and stores none; the statement that stores them uses the hash index. */
#include "../issues_env.h"
#include "../../db/plan.h"
#include "../../shell.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "track/dvcs/files.h"
#include "track/dvcs/sync.h"

/* A folder holding DVCS_DIR (the mirrors, as dvcs_repo_mirror_path names them) and a work tree. */
typedef struct place {
	char dir[256], dvcs[300], work[300];
} place;

static place make_place(void)
{
	place p;
	sh_line(p.dir, sizeof p.dir, "mktemp -d /tmp/weft-files-test-XXXXXX");
	snprintf(p.dvcs, sizeof p.dvcs, "%s/dvcs", p.dir);
	snprintf(p.work, sizeof p.work, "%s/work", p.dir);
	sh("mkdir %s && git init -q -b main %s", p.dvcs, p.work);
	return p;
}

static const char *git = "git -c user.name=Ann -c user.email=ann@example.com";

/* The history: a root adding three files (PROJ-1), a rename (PROJ-1, two files without renames),
 * a change of one file without a key on branch feature/proj-1-x. */
static void make_history(const place *p)
{
	sh("cd %s && echo a > a && echo b > b && echo c > c && git add . && %s commit -q -m"
	   " 'PROJ-1 first' && git mv a a2 && %s commit -q -m 'PROJ-1 rename' && git checkout -q"
	   " -b feature/proj-1-x && echo b2 > b && %s commit -q -am plain",
	   p->work, git, git, git);
}

/* The linked repository's row and its mirror (DVCS_DIR/ID.git), pushed from the work tree. */
static int64_t make_repo(env *e, const place *p, const char *slug)
{
	int64_t now = clock_now_ms(), account = 0, id = 0;
	ok(db_query_int(&account, e->c,
	                "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account,"
	                " oauth_key, oauth_secret, status, created_at, updated_at) VALUES"
	                " ('weft', 'http://hub', 'http://hub/2.0', $2, 'k', 's', 'ok', $1, $1)"
	                " RETURNING id",
	                db_int(now), db_text(slug)));
	ok(db_query_int(&id, e->c,
	                "INSERT INTO dvcs_repos (account_id, slug, name, linked, sync_full,"
	                " created_at, updated_at) VALUES ($1, $2, $2, 1, 1, $3, $3) RETURNING id",
	                db_int(account), db_text(slug), db_int(now)));
	sh("git init -q --bare %s/%lld.git && cd %s && git push -q %s/%lld.git main"
	   " feature/proj-1-x 2>/dev/null",
	   p->dvcs, (long long)id, p->work, p->dvcs, (long long)id);
	return id;
}

static void sync(env *e, track_app *app, int64_t repo_id)
{
	ok(dvcs_sync_mirror(app, e->a, repo_id, dvcs_repo_mirror_path(e->a, app, repo_id)));
}

/* The stored file count of the commit whose message is message: -1 for NULL. */
static int64_t stored(env *e, const char *message)
{
	return scalar(
	        e, "SELECT COALESCE(MAX(file_count), -1) FROM dvcs_commits WHERE message LIKE $1",
	        db_text(message));
}

static int64_t uncounted(env *e)
{
	return scalar(e, "SELECT COUNT(*) FROM dvcs_commits WHERE file_count IS NULL AND $1 = 1",
	              db_int(1));
}

/* What git diff-tree lists as the files of the commit whose message starts with message. */
static int64_t git_files(const place *p, const char *message)
{
	char n[32];
	sh_line(n, sizeof n,
	        "cd %s && git diff-tree --root -r --no-renames --name-only --no-commit-id"
	        " $(git log --all --format=%%H --grep='^%s') | wc -l",
	        p->work, message);
	return atoll(n);
}

static int64_t proj_1(env *e)
{
	track_user u = make_user(e, "ann", true);
	track_project pr = make_project(e, "PROJ", &u);
	track_issue i = make_issue(e, &pr, &u, "First");
	assert_string_equal(i.key, "PROJ-1");
	return i.id;
}

static dvcs_panel_page page_of(env *e, int64_t issue, dvcs_panel_kind kind)
{
	dvcs_panel_page pg;
	ok(dvcs_panel_page_get(e->c, e->a, issue, kind, 0, 50, &pg));
	return pg;
}

/* The file count the page gives the commit whose message is message, or -2 when it lists none. */
static int64_t shown(const dvcs_panel_page *pg, const char *message)
{
	for (size_t i = 0; i < pg->n; i++)
		if (strcmp(pg->commits[i].message, message) == 0)
			return pg->commits[i].file_count;
	return -2;
}

/* A test's state: PROJ-1, and repository a with the history, synced in full. */
typedef struct scene {
	env e;
	place p;
	track_app app;
	int64_t issue, a;
} scene;

static void start(scene *s, void **state)
{
	s->e = begin(state);
	s->p = make_place();
	s->app = (track_app){ .d = s->e.f->d, .dvcs_dir = s->p.dvcs };
	make_history(&s->p);
	s->issue = proj_1(&s->e);
	s->a = make_repo(&s->e, &s->p, "a");
	sync(&s->e, &s->app, s->a);
}

static void finish(scene *s)
{
	sh("rm -rf %s", s->p.dir);
	end(&s->e);
}

static void counts_are_counted_where_shown(void **state)
{
	scene s;
	start(&s, state);
	env e = s.e;
	track_app app = s.app;
	int64_t issue = s.issue, a = s.a;
	place p = s.p;

	/* the full sync counts nothing */
	assert_int_equal(uncounted(&e), 3);

	/* the page counts its commits from the mirror, as git diff-tree lists their files */
	dvcs_panel_page pg = page_of(&e, issue, DVCS_PANEL_COMMITS);
	assert_int_equal(pg.n, 2);
	assert_int_equal(shown(&pg, "PROJ-1 first\n"), DVCS_FILES_UNKNOWN);
	dvcs_files_fill(&app, e.a, &pg);
	assert_int_equal(git_files(&p, "PROJ-1 first"), 3);
	assert_int_equal(git_files(&p, "PROJ-1 rename"), 2);
	assert_int_equal(shown(&pg, "PROJ-1 first\n"), 3);
	assert_int_equal(shown(&pg, "PROJ-1 rename\n"), 2);
	/* …and stores them; the commit it did not show stays uncounted */
	assert_int_equal(stored(&e, "PROJ-1 first%"), 3);
	assert_int_equal(stored(&e, "PROJ-1 rename%"), 2);
	assert_int_equal(uncounted(&e), 1);

	/* a branch's head is counted too */
	dvcs_panel_page br = page_of(&e, issue, DVCS_PANEL_BRANCHES);
	assert_int_equal(br.n, 1);
	assert_int_equal(br.branches[0].head_file_count, DVCS_FILES_UNKNOWN);
	dvcs_files_fill(&app, e.a, &br);
	assert_int_equal(br.branches[0].head_file_count, 1);
	assert_int_equal(stored(&e, "plain%"), 1);
	assert_int_equal(uncounted(&e), 0);

	/* the next page reads them */
	pg = page_of(&e, issue, DVCS_PANEL_COMMITS);
	assert_int_equal(shown(&pg, "PROJ-1 first\n"), 3);
	assert_int_equal(shown(&pg, "PROJ-1 rename\n"), 2);
	br = page_of(&e, issue, DVCS_PANEL_BRANCHES);
	assert_int_equal(br.branches[0].head_file_count, 1);

	/* a full sync of another repository with the same commits keeps them; so does a full
	 * sync of the first while the other holds them, and a soft one after */
	int64_t b = make_repo(&e, &p, "b");
	sync(&e, &app, b);
	ok(db_exec(e.c, "UPDATE dvcs_repos SET sync_full = 1 WHERE id = $1", db_int(a)) < 0 ? -1
	                                                                                    : 0);
	sync(&e, &app, a);
	sync(&e, &app, a);
	assert_int_equal(
	        scalar(&e, "SELECT COUNT(*) FROM dvcs_repo_commits WHERE repo_id = $1", db_int(a)),
	        3);
	assert_int_equal(stored(&e, "PROJ-1 first%"), 3);
	assert_int_equal(stored(&e, "PROJ-1 rename%"), 2);
	assert_int_equal(stored(&e, "plain%"), 1);
	finish(&s);
}

static void without_the_commit_in_a_mirror_no_count_is_shown(void **state)
{
	scene s;
	start(&s, state);
	env e = s.e;
	track_app app = s.app;
	int64_t issue = s.issue, a = s.a;
	/* a commit the mirror lacks (gone after a force push and a gc, say) */
	int64_t id = 0;
	ok(db_query_int(&id, e.c,
	                "INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at,"
	                " message) VALUES ('0123456789012345678901234567890123456789', 'Bob',"
	                " 'bob@example.com', $1, 'PROJ-1 lost') RETURNING id",
	                db_int(clock_now_ms())));
	ok(db_exec(e.c, "INSERT INTO dvcs_repo_commits (repo_id, commit_id) VALUES ($1, $2)",
	           db_int(a), db_int(id)) < 0
	           ? -1
	           : 0);
	ok(db_exec(e.c, "INSERT INTO dvcs_commit_keys (issue_key, commit_id) VALUES ('PROJ-1', $1)",
	           db_int(id)) < 0
	           ? -1
	           : 0);
	dvcs_panel_page pg = page_of(&e, issue, DVCS_PANEL_COMMITS);
	assert_int_equal(pg.n, 3);
	dvcs_files_fill(&app, e.a, &pg);
	assert_int_equal(shown(&pg, "PROJ-1 lost"), DVCS_FILES_UNKNOWN);
	assert_int_equal(shown(&pg, "PROJ-1 first\n"), 3);
	assert_int_equal(stored(&e, "PROJ-1 lost"), -1);

	/* the mirror gone: nothing counted, nothing stored, no error */
	ok(db_exec(e.c, "UPDATE dvcs_commits SET file_count = NULL WHERE $1 = 1", db_int(1)) < 0
	           ? -1
	           : 0);
	sh("rm -rf %s/%lld.git", s.p.dvcs, (long long)a);
	pg = page_of(&e, issue, DVCS_PANEL_COMMITS);
	dvcs_files_fill(&app, e.a, &pg);
	for (size_t i = 0; i < pg.n; i++)
		assert_int_equal(pg.commits[i].file_count, DVCS_FILES_UNKNOWN);
	assert_int_equal(uncounted(&e), 4);
	finish(&s);
}

/* The statement that stores the counts finds its rows by the hash index. */
static void storing_uses_the_hash_index(void **state)
{
	env e = begin(state);
	db_arg args[2 * DVCS_FILES_STORE_ROWS + 1];
	for (size_t i = 0; i < 2 * DVCS_FILES_STORE_ROWS; i += 2) {
		args[i] = db_text("0123456789012345678901234567890123456789");
		args[i + 1] = db_int(1);
	}
	args[2 * DVCS_FILES_STORE_ROWS] = DB_END;
	char *plan = NULL;
	ok(plan_explain(e.f->d, dvcs_files_store_sql(e.a), args, &plan));
	if (plan_scans(db_engine_of(e.f->d), plan, "dvcs_commits", NULL))
		fail_msg("the statement scans dvcs_commits:\n%s", plan);
	free(plan);
	end(&e);
}

int main(void)
{
	git_libgit2_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_are_counted_where_shown),
		cmocka_unit_test(without_the_commit_in_a_mirror_no_count_is_shown),
		cmocka_unit_test(storing_uses_the_hash_index),
	};
	int failed = fixture_run_service_tests("track/dvcs/files", "track", tests,
	                                       sizeof tests / sizeof tests[0], 2);
	git_libgit2_shutdown();
	return failed;
}
