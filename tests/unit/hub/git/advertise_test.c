/* Tests of src/hub/git/advertise.c: for each shape of repository, the advertisement written in
 * process must be byte for byte what the installed `git upload-pack --stateless-rpc
 * --advertise-refs` prints for it; and git must be left to answer wherever configuration or a
 * shallow repository would make its answer differ. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/git/advertise.h"
#include "hub/repo/repo_storage.h"

typedef struct fx {
	char root[256];
	char home[300];
	char *env[5];
	arena *a;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");
	snprintf(f->root, sizeof f->root, "%s/weft-advertise-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->home, sizeof f->home, "%s/home", f->root);
	if (mkdir(f->home, 0700) < 0)
		return -1;
	const char *path = getenv("PATH");
	f->a = arena_new();
	f->env[0] = arena_printf(f->a, "PATH=%s", path ? path : "/usr/bin:/bin");
	f->env[1] = arena_printf(f->a, "HOME=%s", f->home);
	f->env[2] = "GIT_CONFIG_NOSYSTEM=1";
	f->env[3] = "GIT_TERMINAL_PROMPT=0";
	hub_git_advertise_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hub_repo_storage_remove_tree(f->root);
	arena_free(f->a);
	free(f);
	hub_git_advertise_reset();
	return 0;
}

/* Runs script with sh in the fixture's folder, git's HOME being the fixture's. */
static void sh(fx *f, const char *script)
{
	const char *cmd =
	        arena_printf(f->a,
	                     "cd '%s' && HOME='%s' GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t"
	                     " GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t"
	                     " GIT_COMMITTER_EMAIL=t@example.com sh -ec '%s' >/dev/null 2>&1",
	                     f->root, f->home, script);
	assert_int_equal(system(cmd), 0);
}

/* What git prints for the repository name (in the fixture's folder). */
static void git_advertisement(fx *f, const char *name, buf *out)
{
	const char *cmd = arena_printf(f->a,
	                               "HOME='%s' GIT_CONFIG_NOSYSTEM=1 git upload-pack"
	                               " --stateless-rpc --advertise-refs '%s/%s' 2>/dev/null",
	                               f->home, f->root, name);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(out, chunk, n);
	assert_int_equal(pclose(p), 0);
}

/* Ours equals git's for the repository name; returns ours (in the arena) for further checks. */
static const char *same_as_git(fx *f, const char *name)
{
	buf ours = BUF_INIT, theirs = BUF_INIT;
	const char *dir = arena_printf(f->a, "%s/%s", f->root, name);
	assert_int_equal(hub_git_advertise(&ours, f->a, dir, f->env), 0);
	git_advertisement(f, name, &theirs);
	if (ours.len != theirs.len || memcmp(ours.ptr, theirs.ptr, ours.len) != 0) {
		for (size_t i = 0; i < ours.len; i++)
			ours.ptr[i] = ours.ptr[i] ? ours.ptr[i] : '@';
		for (size_t i = 0; i < theirs.len; i++)
			theirs.ptr[i] = theirs.ptr[i] ? theirs.ptr[i] : '@';
		fprintf(stderr, "weft:\n%s\ngit:\n%s\n", buf_cstr(&ours), buf_cstr(&theirs));
		fail();
	}
	/* Text up to the NUL, then the rest, so that strstr sees every line. */
	for (size_t i = 0; i < ours.len; i++)
		ours.ptr[i] = ours.ptr[i] ? ours.ptr[i] : ' ';
	const char *text = arena_strdup(f->a, buf_cstr(&ours));
	buf_dispose(&ours);
	buf_dispose(&theirs);
	return text;
}

static int advertise(fx *f, const char *name)
{
	buf out = BUF_INIT;
	int rc = hub_git_advertise(&out, f->a, arena_printf(f->a, "%s/%s", f->root, name), f->env);
	if (rc != 0)
		assert_int_equal(out.len, 0);
	buf_dispose(&out);
	return rc;
}

/* A working repository w with two commits, branches, and every kind of tag, cloned bare (its refs
 * packed) into r.git. */
static void make_tagged(fx *f)
{
	sh(f, "git init -q -b main w && cd w && git commit -q --allow-empty -m one &&"
	      " git tag light && git tag -a -m annotated ann &&"
	      " git tag -a -m nested nested ann && git tag -a -m tree treetag HEAD^{tree} &&"
	      " git branch side && git commit -q --allow-empty -m two &&"
	      " git tag -a -m late late && cd .. && git clone -q --bare w r.git");
}

static void empty_repository(void **state)
{
	fx *f = *state;
	sh(f, "git init -q --bare e.git");
	/* git 2.39 answers a bare flush; from 2.41 on, a "capabilities^{}" line comes first. */
	const char *text = same_as_git(f, "e.git");
	assert_true(str_ends_with(text, "0000"));
	assert_null(strstr(text, "symref="));
	/* Its HEAD on another branch, a ref-less repository answers the same. */
	sh(f, "git init -q --bare -b trunk e2.git");
	assert_string_equal(same_as_git(f, "e2.git"), text);
}

static void branches_and_tags(void **state)
{
	fx *f = *state;
	make_tagged(f);
	/* Loose refs beside the packed ones, one of them newer than its packed copy, and a
	 * symbolic ref under refs/. */
	sh(f, "git --git-dir=r.git update-ref refs/heads/zz main~1 &&"
	      " git --git-dir=r.git update-ref refs/heads/side main &&"
	      " git --git-dir=r.git tag -a -m loose loose main~1 &&"
	      " git --git-dir=r.git symbolic-ref refs/remotes/origin/HEAD refs/heads/side");
	const char *text = same_as_git(f, "r.git");
	assert_non_null(strstr(text, "symref=HEAD:refs/heads/main"));
	assert_non_null(strstr(text, " refs/tags/nested^{}\n"));
	assert_non_null(strstr(text, " refs/tags/treetag^{}\n"));
	assert_null(strstr(text, " refs/tags/light^{}"));
}

static void detached_head(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "git --git-dir=r.git update-ref --no-deref HEAD main~1");
	const char *text = same_as_git(f, "r.git");
	assert_null(strstr(text, "symref="));
	assert_non_null(strstr(text, " HEAD "));
}

static void unborn_head_with_refs(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "git --git-dir=r.git symbolic-ref HEAD refs/heads/nothing");
	const char *text = same_as_git(f, "r.git");
	assert_null(strstr(text, "symref="));
	assert_null(strstr(text, " HEAD"));
}

/* HEAD on a tag object: its peeled line too. */
static void head_on_a_tag(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "git --git-dir=r.git rev-parse refs/tags/ann > head && mv head r.git/HEAD");
	const char *text = same_as_git(f, "r.git");
	assert_non_null(strstr(text, " HEAD^{}\n"));
}

/* Hundreds of refs, packed and loose, with names whose order depends on bytes ('-' < '.' < '/'). */
static void many_refs(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "cd r.git && i=0 && while [ $i -lt 300 ]; do"
	      " echo \"create refs/heads/b$i main\"; echo \"create refs/tags/t$i ann\";"
	      " i=$((i+1)); done | git update-ref --stdin && git pack-refs --all &&"
	      " for n in a-b a.b a/b a_b A ab; do git update-ref refs/heads/$n main~1; done");
	const char *text = same_as_git(f, "r.git");
	assert_non_null(strstr(text, " refs/tags/t299^{}\n"));
}

/* A ref naming an object the repository does not have, or a symbolic one naming no ref (what git
 * makes of them has changed between its versions): git answers. */
static void broken_refs(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "cp -r r.git b1.git && echo 1111111111111111111111111111111111111111 >"
	      " b1.git/refs/heads/broken && cp -r r.git b2.git && git --git-dir=b2.git"
	      " symbolic-ref refs/heads/dangling refs/heads/gone && cp -r r.git b3.git &&"
	      " echo 2222222222222222222222222222222222222222 > b3.git/HEAD");
	assert_int_equal(advertise(f, "b1.git"), WEFT_ENOTFOUND);
	assert_int_equal(advertise(f, "b2.git"), WEFT_ENOTFOUND);
	assert_int_equal(advertise(f, "b3.git"), WEFT_ENOTFOUND);
	same_as_git(f, "r.git");
}

/* Configuration that changes git's answer, and a shallow repository, leave it to git. */
static void git_answers_when_configured(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "cp -r r.git hidden.git && git --git-dir=hidden.git config uploadpack.hideRefs"
	      " refs/tags && cp -r r.git shallow.git && git --git-dir=r.git rev-parse HEAD > "
	      "shallow.git/shallow"
	      " && cp -r r.git sid.git && git --git-dir=sid.git config transfer.advertiseSID true");
	assert_int_equal(advertise(f, "hidden.git"), WEFT_ENOTFOUND);
	assert_int_equal(advertise(f, "shallow.git"), WEFT_ENOTFOUND);
	assert_int_equal(advertise(f, "sid.git"), WEFT_ENOTFOUND);
	assert_int_equal(advertise(f, "missing.git"), WEFT_ENOTFOUND);
	same_as_git(f, "r.git");
}

/* A capability switched on in git's HOME: learnt as unknown, so git answers for every
 * repository (git's own answer does carry it). */
static void git_answers_when_home_configured(void **state)
{
	fx *f = *state;
	make_tagged(f);
	sh(f, "git config --global uploadpack.allowFilter true");
	assert_int_equal(advertise(f, "r.git"), WEFT_ENOTFOUND);
	buf theirs = BUF_INIT;
	git_advertisement(f, "r.git", &theirs);
	assert_non_null(memmem(theirs.ptr, theirs.len, " filter", 7));
	buf_dispose(&theirs);
	/* Once the configuration is gone and the capabilities learnt again, weft answers. */
	sh(f, "git config --global --unset uploadpack.allowFilter");
	assert_int_equal(advertise(f, "r.git"), WEFT_ENOTFOUND);
	hub_git_advertise_reset();
	same_as_git(f, "r.git");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_repository, setup, teardown),
		cmocka_unit_test_setup_teardown(branches_and_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(detached_head, setup, teardown),
		cmocka_unit_test_setup_teardown(unborn_head_with_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(head_on_a_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(many_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(broken_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(git_answers_when_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(git_answers_when_home_configured, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
