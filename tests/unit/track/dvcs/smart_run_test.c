/* Tests of src/track/dvcs/smart_run.c on both engines, against the real schema: a commit's
 * comment, work log and transition happen once however often the job runs (twice, from another
 * repository, after a crash that left a run's record), as the author's user and with that
 * user's permissions; each kind of error is recorded, counted on the repository and mailed to the
 * author once, in one mail per commit, while the commit's other commands still run. */
#include "../issues_env.h"

#include <string.h>

#include "track/dvcs/smart_run.h"
#include "track/issue/comment.h"
#include "track/issue/workflow.h"
#include "track/issue/worklog.h"
#include "track/project/project.h"
#include "track/role.h"

enum { AUTHORED = 1700000000000 };

/* A statement that must run (it gives the rows it changed). */
#define exec_ok(expr)                                         \
	do {                                                  \
		if ((expr) < 0)                               \
			fail_msg("%s: %s", #expr, err_msg()); \
	} while (0)

typedef struct dvcs_env {
	env e;
	track_app app;
	int64_t repo, fork;
	track_user alice, bob, carol;
	track_project p;
	track_issue one, two;
} dvcs_env;

static int64_t insert_repo(env *e, int64_t account, const char *slug, int smart)
{
	exec_ok(db_exec(e->c,
	                "INSERT INTO dvcs_repos (account_id, slug, name, linked, smart_commits,"
	                " created_at, updated_at) VALUES ($1, $2, $2, 1, $3, 1, 1)",
	                db_int(account), db_text(slug), db_int(smart)));
	return scalar(e, "SELECT id FROM dvcs_repos WHERE slug = $1", db_text(slug));
}

/* alice administers PROJ, bob is in its Users role (browse, comment), carol in none. */
static dvcs_env setup(void **state)
{
	dvcs_env d = { .e = begin(state) };
	env *e = &d.e;
	d.app = (track_app){ .d = e->f->d, .hours_per_day = 8, .days_per_week = 5 };
	d.alice = make_user(e, "alice", false);
	d.bob = make_user(e, "bob", false);
	d.carol = make_user(e, "carol", false);
	d.p = make_project(e, "PROJ", &d.alice);
	ok(track_project_role_add(e->c, d.p.id, d.bob.id, TRACK_ROLE_USERS));
	d.one = make_issue(e, &d.p, &d.alice, "first");
	d.two = make_issue(e, &d.p, &d.alice, "second");
	exec_ok(db_exec(
	        e->c,
	        "INSERT INTO dvcs_accounts (host_kind, site_url, api_url, account, oauth_key,"
	        " oauth_secret, status, created_at, updated_at) VALUES ('weft',"
	        " 'http://hub.test', 'http://hub.test/2.0', 'team', 'k', 's', 'ok', 1, 1)",
	        DB_END));
	int64_t account =
	        scalar(e, "SELECT id FROM dvcs_accounts WHERE account = $1", db_text("team"));
	d.repo = insert_repo(e, account, "code", 1);
	d.fork = insert_repo(e, account, "fork", 1);
	return d;
}

static void add_commit(dvcs_env *d, const char *hash, const char *email, const char *message)
{
	exec_ok(db_exec(d->e.c,
	                "INSERT INTO dvcs_commits (hash, author_name, author_email, authored_at,"
	                " message) VALUES ($1, 'Someone', $2, $3, $4)",
	                db_text(hash), db_text(email), db_int(AUTHORED), db_text(message)));
}

static int run(dvcs_env *d, int64_t repo, const char *hashes)
{
	const char *payload = arena_printf(d->e.a, "{\"repo\": %lld, \"commits\": [%s]}",
	                                   (long long)repo, hashes);
	return dvcs_smart_run(&d->app, payload);
}

static int64_t count(dvcs_env *d, const char *sql, int64_t id)
{
	return scalar(&d->e, sql, db_int(id));
}

static int64_t comments(dvcs_env *d, const track_issue *i)
{
	return count(d, "SELECT count(*) FROM comments WHERE issue_id = $1", i->id);
}

static int64_t worklogs(dvcs_env *d, const track_issue *i)
{
	return count(d, "SELECT count(*) FROM worklogs WHERE issue_id = $1", i->id);
}

static int64_t status(dvcs_env *d, const track_issue *i)
{
	return count(d, "SELECT status_id FROM issues WHERE id = $1", i->id);
}

static int64_t mails(dvcs_env *d, const char *to)
{
	return scalar(&d->e, "SELECT count(*) FROM outbox WHERE recipient = $1", db_text(to));
}

static int64_t errors_of(dvcs_env *d, int64_t repo)
{
	return count(d, "SELECT smart_error_count FROM dvcs_repos WHERE id = $1", repo);
}

/* The run's error message for (commit, key, index), in the test's arena ("" when none). */
static const char *error_of(dvcs_env *d, const char *hash, const char *key, int index)
{
	db_stmt *st;
	const char *out = "";
	if (db_query(&st, d->e.c,
	             "SELECT outcome, error FROM dvcs_smart_runs WHERE commit_hash = $1 AND"
	             " issue_key = $2 AND command_index = $3",
	             db_text(hash), db_text(key), db_int(index)) == 0 &&
	    db_step(st) == DB_ROW)
		out = arena_printf(d->e.a, "%s: %s", db_col_text(st, 0),
		                   db_col_null(st, 1) ? "" : db_col_text(st, 1));
	db_done(st);
	return out;
}

static void end_dvcs(dvcs_env *d)
{
	end(&d->e);
}

static void commands_run_once(void **state)
{
	dvcs_env d = setup(state);
	add_commit(&d, "aaaa01", "Alice@Example.com",
	           "Start it\n\nPROJ-1 #comment started #time 1h 30m on it #start-progress");
	for (int i = 0; i < 2; i++)
		ok(run(&d, d.repo, "\"aaaa01\""));
	ok(run(&d, d.fork, "\"aaaa01\"")); /* the same commit in another repository */
	assert_int_equal(comments(&d, &d.one), 1);
	assert_int_equal(worklogs(&d, &d.one), 1);
	assert_int_equal(status(&d, &d.one), TRACK_STATUS_IN_PROGRESS);
	track_comment *list;
	size_t n;
	int64_t total;
	ok(track_comment_list(d.e.c, d.e.a, d.one.id, &d.alice, 0, 10, &list, &n, &total));
	assert_int_equal(list[0].author_id, d.alice.id);
	assert_non_null(strstr(list[0].body, "started"));
	assert_non_null(strstr(list[0].body, "(http://hub.test/team/code/commits/aaaa01)"));
	track_worklog *logs;
	ok(track_worklog_list(d.e.c, d.e.a, d.one.id, 0, 10, &logs, &n, &total));
	assert_int_equal(logs[0].seconds, 5400);
	assert_int_equal(logs[0].started_at, AUTHORED);
	assert_int_equal(logs[0].author_id, d.alice.id);
	assert_string_equal(logs[0].comment, "on it\n\nFrom commit aaaa01 in team/code:"
	                                     " http://hub.test/team/code/commits/aaaa01");
	assert_int_equal(scalar(&d.e, "SELECT count(*) FROM dvcs_smart_runs WHERE outcome = $1",
	                        db_text("done")),
	                 3);
	assert_int_equal(
	        count(&d, "SELECT count(*) FROM dvcs_smart_runs WHERE repo_id = $1", d.repo), 3);
	assert_int_equal(scalar(&d.e, "SELECT count(*) FROM outbox WHERE 1 = $1", db_int(1)), 0);
	/* a group, in commit order: the second commit's transition finds the first one's status */
	add_commit(&d, "aaaa02", "alice@example.com", "PROJ-1, PROJ-2 #comment both");
	add_commit(&d, "aaaa03", "alice@example.com", "PROJ-2 #start-progress\nPROJ-2 #done");
	ok(run(&d, d.repo, "\"aaaa02\", \"aaaa03\""));
	assert_int_equal(comments(&d, &d.one), 2);
	assert_int_equal(comments(&d, &d.two), 1);
	assert_int_equal(status(&d, &d.two), TRACK_STATUS_DONE);
	end_dvcs(&d);
}

/* A crash after a command committed and before the job finished: its record is there, and the
 * job's next run leaves it alone while running the rest. */
static void recorded_commands_are_skipped(void **state)
{
	dvcs_env d = setup(state);
	add_commit(&d, "bbbb01", "alice@example.com", "PROJ-1 #comment one #time 2h");
	exec_ok(db_exec(
	        d.e.c,
	        "INSERT INTO dvcs_smart_runs (commit_hash, issue_key, command_index, repo_id,"
	        " command, outcome, created_at) VALUES ('bbbb01', 'PROJ-1', 0, $1, 'comment',"
	        " 'done', 1)",
	        db_int(d.repo)));
	ok(run(&d, d.repo, "\"bbbb01\""));
	assert_int_equal(comments(&d, &d.one), 0);
	assert_int_equal(worklogs(&d, &d.one), 1);
	/* an error recorded before is not run, counted or mailed again */
	add_commit(&d, "bbbb02", "nobody@example.com", "PROJ-1 #comment hi");
	ok(run(&d, d.repo, "\"bbbb02\""));
	ok(run(&d, d.repo, "\"bbbb02\""));
	assert_int_equal(errors_of(&d, d.repo), 1);
	assert_int_equal(mails(&d, "nobody@example.com"), 1);
	/* nothing runs for a repository with smart commits off, or one that is gone */
	add_commit(&d, "bbbb03", "alice@example.com", "PROJ-2 #comment off");
	exec_ok(db_exec(d.e.c, "UPDATE dvcs_repos SET smart_commits = 0 WHERE id = $1",
	                db_int(d.fork)));
	ok(run(&d, d.fork, "\"bbbb03\""));
	ok(run(&d, 999999, "\"bbbb03\""));
	ok(run(&d, d.repo, "\"cccc99\"")); /* a commit not stored */
	assert_int_equal(comments(&d, &d.two), 0);
	/* a bad payload can never run */
	assert_int_equal(dvcs_smart_run(&d.app, "{\"repo\": 1}"), WEFT_EINVALID);
	assert_int_equal(dvcs_smart_run(&d.app, "not json"), WEFT_EINVALID);
	assert_int_equal(run(&d, d.repo, "\"XYZ\""), WEFT_EINVALID);
	assert_int_equal(run(&d, d.repo, "1"), WEFT_EINVALID);
	assert_int_equal(run(&d, 0, "\"bbbb01\""), WEFT_EINVALID);
	end_dvcs(&d);
}

static void errors_are_recorded_and_mailed(void **state)
{
	dvcs_env d = setup(state);
	ok(track_workflow_add_transition(d.e.c, d.p.id, "Start Review", TRACK_STATUS_TODO,
	                                 TRACK_STATUS_IN_PROGRESS, TRACK_RESOLUTION_KEEP, 0, NULL));
	add_commit(&d, "dddd01", "alice@example.com",
	           "PROJ-1 #comment\n"
	           "NOPE-9 #comment hi\n"
	           "PROJ-1 #time soon\n"
	           "PROJ-1 #time 1h 1h\n"
	           "PROJ-1 #reopen\n"
	           "PROJ-1 #start\n"
	           "PROJ-1 #comment still runs");
	ok(run(&d, d.repo, "\"dddd01\""));
	ok(run(&d, d.repo, "\"dddd01\""));
	assert_string_equal(error_of(&d, "dddd01", "PROJ-1", 0),
	                    "error: #comment needs a text, as in #comment Fixed it.");
	assert_string_equal(
	        error_of(&d, "dddd01", "NOPE-9", 1),
	        "error: Issue NOPE-9 does not exist or you do not have permission to see it.");
	assert_non_null(strstr(error_of(&d, "dddd01", "PROJ-1", 2), "Invalid duration 'soon'"));
	assert_non_null(strstr(error_of(&d, "dddd01", "PROJ-1", 3), "error: Invalid duration"));
	assert_string_equal(error_of(&d, "dddd01", "PROJ-1", 4),
	                    "error: No transition 'reopen' is available on PROJ-1 (status To Do)."
	                    " Valid transitions: Start Progress, Done, Start Review.");
	assert_string_equal(error_of(&d, "dddd01", "PROJ-1", 5),
	                    "error: The transition 'start' is ambiguous on PROJ-1: Start Progress,"
	                    " Start Review.");
	assert_string_equal(error_of(&d, "dddd01", "PROJ-1", 6), "done: ");
	assert_int_equal(comments(&d, &d.one), 1);
	assert_int_equal(worklogs(&d, &d.one), 0);
	assert_int_equal(status(&d, &d.one), TRACK_STATUS_TODO);
	assert_int_equal(errors_of(&d, d.repo), 6);
	assert_int_equal(mails(&d, "alice@example.com"), 1);
	db_stmt *st;
	ok(db_query(&st, d.e.c, "SELECT subject, body FROM outbox WHERE recipient = $1",
	            db_text("alice@example.com")));
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Smart commit errors in commit dddd01");
	const char *body = db_col_text(st, 1);
	assert_non_null(strstr(body, "- NOPE-9 #comment hi\n"));
	assert_non_null(strstr(body, "ambiguous"));
	assert_non_null(strstr(body, "http://hub.test/team/code/commits/dddd01"));
	assert_null(strstr(body, "still runs"));
	db_done(st);
	/* a long argument is cut in the mail between characters, never inside one */
	char *arg = arena_alloc(d.e.a, 300);
	memset(arg, 'x', 199);
	strcpy(arg + 199, "\xc3\xa9 tail");
	add_commit(&d, "dddd02", "nobody@example.com",
	           arena_printf(d.e.a, "PROJ-1 #comment %s", arg));
	ok(run(&d, d.repo, "\"dddd02\""));
	ok(db_query(&st, d.e.c, "SELECT body FROM outbox WHERE recipient = $1",
	            db_text("nobody@example.com")));
	assert_int_equal(db_step(st), DB_ROW);
	body = db_col_text(st, 0);
	assert_non_null(strstr(body, arena_printf(d.e.a, "#comment %.199s\xe2\x80\xa6\n", arg)));
	assert_non_null(strstr(body, "No active track user has the email address"));
	db_done(st);
	end_dvcs(&d);
}

static void users_and_permissions(void **state)
{
	dvcs_env d = setup(state);
	/* bob may browse and comment, not log work or transition */
	add_commit(&d, "eeee01", "bob@example.com", "PROJ-1 #time 1h #done #comment fine");
	ok(run(&d, d.repo, "\"eeee01\""));
	assert_string_equal(error_of(&d, "eeee01", "PROJ-1", 0),
	                    "error: You do not have permission to log work on PROJ-1.");
	assert_string_equal(error_of(&d, "eeee01", "PROJ-1", 1),
	                    "error: You do not have permission to transition PROJ-1.");
	assert_string_equal(error_of(&d, "eeee01", "PROJ-1", 2), "done: ");
	assert_int_equal(comments(&d, &d.one), 1);
	assert_int_equal(mails(&d, "bob@example.com"), 1);
	/* carol may not see the project: its issues do not exist for her */
	add_commit(&d, "eeee02", "carol@example.com", "PROJ-1 #comment hello");
	ok(run(&d, d.repo, "\"eeee02\""));
	assert_string_equal(
	        error_of(&d, "eeee02", "PROJ-1", 0),
	        "error: Issue PROJ-1 does not exist or you do not have permission to see it.");
	/* no user, an inactive user, no email at all */
	add_commit(&d, "eeee03", "stranger@example.com", "PROJ-1 #comment a PROJ-2 #comment b");
	ok(track_account_set_active(d.e.c, d.alice.id, false));
	add_commit(&d, "eeee04", "alice@example.com", "PROJ-1 #comment a");
	add_commit(&d, "eeee05", "", "PROJ-1 #comment a");
	ok(run(&d, d.repo, "\"eeee03\", \"eeee04\", \"eeee05\""));
	assert_string_equal(error_of(&d, "eeee03", "PROJ-2", 1),
	                    "error: No active track user has the email address "
	                    "stranger@example.com.");
	assert_string_equal(error_of(&d, "eeee04", "PROJ-1", 0),
	                    "error: No active track user has the email address "
	                    "alice@example.com.");
	assert_non_null(strstr(error_of(&d, "eeee05", "PROJ-1", 0), "no author email address"));
	assert_int_equal(mails(&d, "stranger@example.com"), 1); /* one mail, two errors */
	assert_int_equal(mails(&d, "alice@example.com"), 1);
	assert_int_equal(mails(&d, ""), 0);
	assert_int_equal(errors_of(&d, d.repo), 2 + 1 + 2 + 1 + 1);
	assert_int_equal(comments(&d, &d.one), 1);
	end_dvcs(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commands_run_once),
		cmocka_unit_test(recorded_commands_are_skipped),
		cmocka_unit_test(errors_are_recorded_and_mailed),
		cmocka_unit_test(users_and_permissions),
	};
	return fixture_run_service_tests("track/dvcs/smart_run", "track", tests,
	                                 sizeof tests / sizeof tests[0], 3);
}
