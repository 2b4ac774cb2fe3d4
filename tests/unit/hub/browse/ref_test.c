/* Tests of src/hub/ref.c on a real bare repository: the name rules, listing, reading, creating
 * (short hashes, taken names, annotated tags) and deleting branches and tags (never the main
 * branch). No database. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/err.h"
#include "hub/browse/ref.h"
#include "../history_repo.h"

static void test_names(void **state)
{
	(void)state;
	static const char *const good[] = { "main",  "feature/x",    "v1.0",
		                            "a-b_c", "deep/er/name", "ünïcode" };
	static const char *const bad[] = { "",    "-x",  "HEAD", "a..b", "a b", "a\tb", "x.lock",
		                           "/x",  "x/",  "a//b", "a~b",  "a^b", "a:b",  "a?b",
		                           "a*b", "a[b", "a\\b", "@{x",  "x.",  "a/.b" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(hub_ref_check_name(good[i]), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (hub_ref_check_name(bad[i]) != WEFT_EINVALID)
			fail_msg("'%s' passed", bad[i]);
	}
	char longname[HUB_REF_NAME_MAX + 2];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(hub_ref_check_name(longname), WEFT_EINVALID);
}

static void test_branches(void **state)
{
	history_env *e = *state;
	char a[41], b[41];
	assert_int_equal(
	        history_commit(e, a, "refs/heads/main", NULL, 0, "f", "1", 1700000000, "a"), 0);
	const char *pa[1] = { a };
	assert_int_equal(
	        history_commit(e, b, "refs/heads/main", pa, 1, "f", "2", 1700000060, "b\n\nbody"),
	        0);
	hub_ref ref;
	char short_a[8];
	snprintf(short_a, sizeof short_a, "%.7s", a);
	assert_int_equal(hub_ref_create(&ref, e->a, e->repo, HUB_REF_BRANCH, "feature/x", short_a,
	                                NULL, NULL),
	                 0);
	assert_string_equal(ref.name, "feature/x");
	assert_string_equal(ref.target.hash, a);
	assert_false(ref.annotated);
	/* Taken, a bad name, a target that is not a hash, one that is nothing. */
	assert_int_equal(
	        hub_ref_create(&ref, e->a, e->repo, HUB_REF_BRANCH, "feature/x", a, NULL, NULL),
	        WEFT_EEXISTS);
	assert_int_equal(
	        hub_ref_create(&ref, e->a, e->repo, HUB_REF_BRANCH, "bad..name", a, NULL, NULL),
	        WEFT_EINVALID);
	assert_int_equal(
	        hub_ref_create(&ref, e->a, e->repo, HUB_REF_BRANCH, "x", "main", NULL, NULL),
	        WEFT_EINVALID);
	assert_int_equal(hub_ref_create(&ref, e->a, e->repo, HUB_REF_BRANCH, "x", "", NULL, NULL),
	                 WEFT_EINVALID);
	assert_int_equal(
	        hub_ref_create(&ref, e->a, e->repo, HUB_REF_BRANCH, "x", "fffffff", NULL, NULL),
	        WEFT_ENOTFOUND);
	/* Listing: by name, with the commit each points at. */
	hub_ref *refs = NULL;
	size_t n = 0;
	assert_int_equal(hub_ref_list(&refs, &n, e->a, e->repo, HUB_REF_BRANCH | HUB_REF_TAG), 0);
	assert_int_equal(n, 2);
	assert_string_equal(refs[0].name, "feature/x");
	assert_string_equal(refs[1].name, "main");
	assert_string_equal(refs[1].target.hash, b);
	assert_string_equal(refs[1].target.summary, "b");
	assert_int_equal(hub_ref_get(&ref, e->a, e->repo, HUB_REF_BRANCH, "main"), 0);
	assert_string_equal(ref.target.hash, b);
	assert_int_equal(hub_ref_get(&ref, e->a, e->repo, HUB_REF_BRANCH, "nope"), WEFT_ENOTFOUND);
	assert_int_equal(hub_ref_get(&ref, e->a, e->repo, HUB_REF_TAG, "main"), WEFT_ENOTFOUND);
	/* Deleting: never the main branch; then gone. */
	git_oid old;
	assert_int_equal(hub_ref_delete(e->repo, HUB_REF_BRANCH, "main", "main", &old),
	                 WEFT_EINVALID);
	assert_int_equal(hub_ref_get(&ref, e->a, e->repo, HUB_REF_BRANCH, "main"), 0);
	assert_int_equal(hub_ref_delete(e->repo, HUB_REF_BRANCH, "feature/x", "main", &old), 0);
	char old_hex[41];
	git_oid_tostr(old_hex, sizeof old_hex, &old);
	assert_string_equal(old_hex, a);
	assert_int_equal(hub_ref_delete(e->repo, HUB_REF_BRANCH, "feature/x", "main", &old),
	                 WEFT_ENOTFOUND);
	assert_int_equal(hub_ref_list(&refs, &n, e->a, e->repo, HUB_REF_BRANCH), 0);
	assert_int_equal(n, 1);
}

static void test_tags(void **state)
{
	history_env *e = *state;
	char a[41];
	assert_int_equal(
	        history_commit(e, a, "refs/heads/main", NULL, 0, "f", "1", 1700000000, "a"), 0);
	hub_ref ref;
	hub_ref_author who = { "Rita Tagger", "rita@example.com" };
	assert_int_equal(hub_ref_create(&ref, e->a, e->repo, HUB_REF_TAG, "v1", "main", NULL, &who),
	                 0);
	assert_false(ref.annotated);
	assert_int_equal(
	        hub_ref_create(&ref, e->a, e->repo, HUB_REF_TAG, "v2", a, "Release 2\n", &who), 0);
	assert_true(ref.annotated);
	assert_string_equal(ref.message, "Release 2\n");
	assert_string_equal(ref.tagger_name, "Rita Tagger");
	assert_string_equal(ref.target.hash, a); /* peeled to the commit */
	char object[41];
	git_oid_tostr(object, sizeof object, &ref.object);
	assert_string_not_equal(object, a); /* the tag object itself */
	assert_int_equal(hub_ref_create(&ref, e->a, e->repo, HUB_REF_TAG, "v2", a, NULL, &who),
	                 WEFT_EEXISTS);
	hub_ref *refs = NULL;
	size_t n = 0;
	assert_int_equal(hub_ref_list(&refs, &n, e->a, e->repo, HUB_REF_BRANCH | HUB_REF_TAG), 0);
	assert_int_equal(n, 3);
	assert_int_equal(refs[0].kind, HUB_REF_BRANCH); /* branches first */
	assert_string_equal(refs[1].name, "v1");
	assert_string_equal(refs[2].name, "v2");
	assert_true(refs[2].annotated);
	assert_int_equal(hub_ref_get(&ref, e->a, e->repo, HUB_REF_TAG, "v2"), 0);
	assert_string_equal(ref.message, "Release 2\n");
	/* A tag named like the main branch is not the main branch. */
	assert_int_equal(hub_ref_create(&ref, e->a, e->repo, HUB_REF_TAG, "main", a, NULL, &who),
	                 0);
	assert_int_equal(hub_ref_delete(e->repo, HUB_REF_TAG, "main", "main", NULL), 0);
	assert_int_equal(hub_ref_delete(e->repo, HUB_REF_TAG, "v2", "main", NULL), 0);
	assert_int_equal(hub_ref_get(&ref, e->a, e->repo, HUB_REF_TAG, "v2"), WEFT_ENOTFOUND);
	assert_string_equal(hub_ref_prefix(HUB_REF_TAG), "refs/tags/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_branches, history_setup, history_teardown),
		cmocka_unit_test_setup_teardown(test_tags, history_setup, history_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
