/* Tests of src/track/dvcs/walk_local.c against git log's walk (dvcs_mirror_walk) on the same
 * mirror, made with real git: a root commit, renames, an empty commit, a type change, merges
 * (their files against the first parent), a long name; whole history and past recorded heads;
 * parents before children; the bound that leaves a big walk to git log; bad and missing heads.
 * The file counts (dvcs_mirror_count_files, which the panel counts with too; git log's walk
 * gives none) against `git diff-tree`. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../shell.h"
#include "base/err.h"
#include "track/dvcs/mirror.h"
#include "track/dvcs/walk_local.h"

enum { MAX_COMMITS = 64 };

/* What a walk gave, copied. */
typedef struct seen {
	dvcs_commit c[MAX_COMMITS];
	size_t n;
} seen;

static int take(void *ctx, const dvcs_commit *commit)
{
	seen *s = ctx;
	assert_true(s->n < MAX_COMMITS);
	dvcs_commit *c = &s->c[s->n++];
	*c = *commit;
	c->author_name = strdup(commit->author_name);
	c->author_email = strdup(commit->author_email);
	c->message = strdup(commit->message);
	return 0;
}

static void seen_dispose(seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->c[i].author_name);
		free((char *)s->c[i].author_email);
		free((char *)s->c[i].message);
	}
	s->n = 0;
}

static char dir[256], mirror[300];

/* The history: main with a root, renames, an empty commit, a type change and two merges of
 * branch side; branch other forked from the root. Pushed to the bare mirror. */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/weft-walk-local-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(mirror, sizeof mirror, "%s/mirror.git", dir);
	const char *git = "git -c user.name=Ann -c user.email=ann@example.com";
	sh("cd %s && git init -q --bare -b main mirror.git && git init -q -b main work", dir);
	sh("cd %s/work && printf 'a\\n' > a && printf 'b\\n' > b && %s add . &&"
	   " GIT_AUTHOR_DATE='2026-01-01 10:00 +0000' %s commit -q -m 'PROJ-1 root'"
	   " && git branch other && git branch side"
	   " && git mv a a2 && %s commit -q -m 'rename a' && %s commit -q --allow-empty -m empty"
	   " && rm b && ln -s a2 b && %s add b && %s commit -q -m 'type change'",
	   dir, git, git, git, git, git, git);
	sh("cd %s/work && git checkout -q side && printf 's\\n' > s && printf 't\\n' > t && %s add "
	   "."
	   " && %s commit -q -m 'side work' && git checkout -q main && %s merge -q --no-ff -m"
	   " 'merge side' side && git checkout -q side && printf 'u\\n' > u && %s add . && %s"
	   " commit -q -m 'more side' && git checkout -q main && %s merge -q --no-ff -m"
	   " 'merge side again' side",
	   dir, git, git, git, git, git, git);
	sh("cd %s/work && git checkout -q other && printf 'o\\n' > o && %s add . && %s -c"
	   " user.name=\"$(printf 'x%%.0s' $(seq 300))\" commit -q -m 'a long name' -m 'body"
	   " line' && git push -q ../mirror.git main other side 2>/dev/null",
	   dir, git, git);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", dir);
	return 0;
}

static void heads_of(char hashes[3][DVCS_HASH_LEN + 1])
{
	const char *names[] = { "main", "other", "side" };
	for (size_t i = 0; i < 3; i++)
		sh_line(hashes[i], DVCS_HASH_LEN + 1, "git --git-dir=%s rev-parse %s", mirror,
		        names[i]);
}

static const dvcs_commit *find(const seen *s, const char *hash, size_t *at)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->c[i].hash, hash) == 0) {
			*at = i;
			return &s->c[i];
		}
	return NULL;
}

/* Every commit's parents that the walk gave come before it. */
static void parents_first(const seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		char parents[256] = "";
		sh_line(parents, sizeof parents, "git --git-dir=%s log -1 --format='%%P ' %s",
		        mirror, s->c[i].hash);
		for (char *p = strtok(parents, " "); p; p = strtok(NULL, " ")) {
			size_t at = 0;
			if (find(s, p, &at))
				assert_true(at < i);
		}
	}
}

/* What git lists as the commit's files: against its first parent, or the empty tree. */
static int diff_tree_count(const char *hash)
{
	char n[32];
	sh_line(n, sizeof n,
	        "git --git-dir=%s diff-tree --root -r --no-renames --name-only"
	        " --diff-merges=first-parent --no-commit-id %s | wc -l",
	        mirror, hash);
	return atoi(n);
}

/* The same commits with the same fields in both walks, but file counts: git log's has none, the
 * local walk's are git diff-tree's. */
static void same(const seen *local, const seen *logged)
{
	assert_int_equal(local->n, logged->n);
	for (size_t i = 0; i < logged->n; i++) {
		size_t at = 0;
		const dvcs_commit *l = find(local, logged->c[i].hash, &at), *g = &logged->c[i];
		assert_non_null(l);
		assert_string_equal(l->author_name, g->author_name);
		assert_string_equal(l->author_email, g->author_email);
		assert_string_equal(l->message, g->message);
		assert_int_equal(l->authored_at, g->authored_at);
		assert_int_equal(g->file_count, DVCS_FILES_UNKNOWN);
		assert_int_equal(l->file_count, diff_tree_count(l->hash));
		assert_int_equal(l->is_merge, g->is_merge);
	}
}

static void walk_both(const char *const *from, size_t nfrom, const char *const *hide, size_t nhide,
                      seen *local, seen *logged)
{
	dvcs_mirror *m = NULL;
	assert_int_equal(dvcs_mirror_open(&m, mirror), 0);
	assert_int_equal(dvcs_walk_local(m, from, nfrom, hide, nhide, MAX_COMMITS, take, local), 0);
	assert_int_equal(dvcs_mirror_walk(m, from, nfrom, hide, nhide, true, take, logged), 0);
	dvcs_mirror_close(m);
	same(local, logged);
	parents_first(local);
}

static void whole_history_as_git_log(void **state)
{
	(void)state;
	char h[3][DVCS_HASH_LEN + 1];
	heads_of(h);
	const char *from[] = { h[0], h[1], h[2] };
	seen *local = calloc(2, sizeof *local), *logged = local + 1;
	walk_both(from, 3, NULL, 0, local, logged);
	assert_int_equal(local->n, 9);
	int merges = 0, empty = 0, long_names = 0;
	for (size_t i = 0; i < local->n; i++) {
		merges += local->c[i].is_merge;
		empty += local->c[i].file_count == 0;
		long_names += strlen(local->c[i].author_name) == 256;
		if (strstr(local->c[i].message, "PROJ-1 root"))
			assert_int_equal(local->c[i].file_count, 2); /* against the empty tree */
		if (strstr(local->c[i].message, "rename a"))
			assert_int_equal(local->c[i].file_count, 2); /* no renames: a and a2 */
		if (strstr(local->c[i].message, "merge side again"))
			assert_int_equal(local->c[i].file_count, 1); /* against the first parent */
	}
	assert_int_equal(merges, 2);
	assert_int_equal(empty, 1);
	assert_int_equal(long_names, 1);
	seen_dispose(local);
	seen_dispose(logged);
	free(local);
}

static void past_recorded_heads(void **state)
{
	(void)state;
	char h[3][DVCS_HASH_LEN + 1], old_main[DVCS_HASH_LEN + 1], root[DVCS_HASH_LEN + 1];
	heads_of(h);
	sh_line(old_main, sizeof old_main, "git --git-dir=%s rev-parse main~2", mirror);
	sh_line(root, sizeof root, "git --git-dir=%s rev-list --max-parents=0 main", mirror);
	const char *from[] = { h[0], h[1], h[2] };
	/* a hidden commit the mirror lacks is skipped, as git log's walk does */
	const char *hide[] = { old_main, root, "0123456789012345678901234567890123456789" };
	seen *local = calloc(2, sizeof *local), *logged = local + 1;
	walk_both(from, 3, hide, 3, local, logged);
	assert_int_equal(local->n, 5);
	seen_dispose(local);
	seen_dispose(logged);
	free(local);
}

static void a_big_walk_is_left_to_git_log(void **state)
{
	(void)state;
	char h[3][DVCS_HASH_LEN + 1];
	heads_of(h);
	const char *from[] = { h[0] };
	dvcs_mirror *m = NULL;
	seen *s = calloc(1, sizeof *s);
	assert_int_equal(dvcs_mirror_open(&m, mirror), 0);
	assert_int_equal(dvcs_walk_local(m, from, 1, NULL, 0, 3, take, s), 1);
	assert_int_equal(s->n, 0);
	assert_int_equal(dvcs_walk_local(m, from, 1, NULL, 0, 8, take, s), 0);
	assert_int_equal(s->n, 8);
	seen_dispose(s);
	free(s);
	dvcs_mirror_close(m);
}

static void bad_and_missing_heads(void **state)
{
	(void)state;
	const char *bad[] = { "main" };
	const char *missing[] = { "0123456789012345678901234567890123456789" };
	dvcs_mirror *m = NULL;
	seen *s = calloc(1, sizeof *s);
	assert_int_equal(dvcs_mirror_open(&m, mirror), 0);
	assert_int_equal(dvcs_walk_local(m, bad, 1, NULL, 0, 8, take, s), WEFT_EINVALID);
	assert_int_equal(dvcs_walk_local(m, missing, 1, NULL, 0, 8, take, s), WEFT_ERROR);
	assert_non_null(strstr(err_msg(), "cannot walk from a branch head"));
	assert_int_equal(dvcs_walk_local(m, missing, 0, NULL, 0, 8, take, s), 0);
	assert_int_equal(s->n, 0);
	free(s);
	dvcs_mirror_close(m);
}

/* dvcs_mirror_files, as the panel counts: every commit of the history as git diff-tree lists its
 * files; a commit the mirror lacks, and what is not a commit id. */
static void files_by_hash_as_diff_tree(void **state)
{
	(void)state;
	dvcs_mirror *m = NULL;
	assert_int_equal(dvcs_mirror_open(&m, mirror), 0);
	char cmd[512], hash[DVCS_HASH_LEN + 2];
	snprintf(cmd, sizeof cmd, "git --git-dir=%s rev-list --all", mirror);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	int commits = 0, count = 0;
	while (fgets(hash, sizeof hash, p)) {
		hash[strcspn(hash, "\n")] = '\0';
		assert_int_equal(dvcs_mirror_files(m, hash, &count), 0);
		assert_int_equal(count, diff_tree_count(hash));
		commits++;
	}
	pclose(p);
	assert_int_equal(commits, 9);
	const char *missing = "0123456789012345678901234567890123456789";
	assert_int_equal(dvcs_mirror_files(m, missing, &count), WEFT_ENOTFOUND);
	assert_int_equal(count, DVCS_FILES_UNKNOWN);
	assert_int_equal(dvcs_mirror_files(m, "main", &count), WEFT_EINVALID);
	dvcs_mirror_close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_history_as_git_log),
		cmocka_unit_test(past_recorded_heads),
		cmocka_unit_test(a_big_walk_is_left_to_git_log),
		cmocka_unit_test(bad_and_missing_heads),
		cmocka_unit_test(files_by_hash_as_diff_tree),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
