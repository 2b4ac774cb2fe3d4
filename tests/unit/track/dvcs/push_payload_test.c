/* Tests of src/track/dvcs/push_payload.c: a payload as hub sends it; what is left out (tags,
 * deleted branches, wrong types, bad hashes, huge or NUL-bearing messages, bad dates, missing
 * authors); the bounds per change and per payload; repeated hashes; payloads that are no objects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "track/dvcs/push_payload.h"

#define H1 "0123456789abcdef0123456789abcdef01234567"
#define H2 "89abcdef0123456789abcdef0123456789abcdef"

/* A commit of a change, as hub's payload has it. */
static json_t *commit_json(const char *hash, const char *message)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:[{s:s}]}", "type", "commit", "hash",
	                 hash, "date", "2026-01-15T10:30:00.250+00:00", "message", message,
	                 "author", "type", "author", "raw", "Ann Smith <ann@example.com>",
	                 "parents", "hash", H2);
}

/* {"push": {"changes": [{"new": {"type": type}, "closed": false, "commits": commits}]}} */
static json_t *payload_of(const char *type, json_t *commits)
{
	return json_pack("{s:{s:[{s:{s:s, s:s}, s:b, s:o}]}}", "push", "changes", "new", "type",
	                 type, "name", "main", "closed", 0, "commits", commits);
}

static size_t count(arena *a, json_t *payload, dvcs_commit **out)
{
	dvcs_commit *commits = NULL;
	size_t n = 99;
	dvcs_push_commits(a, payload, &commits, &n);
	json_decref(payload);
	if (out)
		*out = commits;
	return n;
}

static void reads_hubs_payload(void **state)
{
	(void)state;
	arena *a = arena_new();
	dvcs_commit *c = NULL;
	json_t *merge = commit_json(H2, "Merge PROJ-2");
	json_array_append_new(json_object_get(merge, "parents"), json_pack("{s:s}", "hash", H1));
	assert_int_equal(
	        count(a,
	              payload_of("branch",
	                         json_pack("[o, o]", commit_json(H1, "PROJ-1 fix"), merge)),
	              &c),
	        2);
	assert_string_equal(c[0].hash, H1);
	assert_string_equal(c[0].message, "PROJ-1 fix");
	assert_string_equal(c[0].author_name, "Ann Smith");
	assert_string_equal(c[0].author_email, "ann@example.com");
	assert_int_equal(c[0].authored_at, 1768473000250);
	assert_int_equal(c[0].file_count, DVCS_FILES_UNKNOWN);
	assert_false(c[0].is_merge);
	assert_true(c[1].is_merge);
	arena_free(a);
}

static void upper_case_hash_is_lowered(void **state)
{
	(void)state;
	arena *a = arena_new();
	dvcs_commit *c = NULL;
	assert_int_equal(
	        count(a,
	              payload_of("branch",
	                         json_pack("[o]",
	                                   commit_json("0123456789ABCDEF0123456789ABCDEF01234567",
	                                               "x"))),
	              &c),
	        1);
	assert_string_equal(c[0].hash, H1);
	arena_free(a);
}

static void authors_without_brackets_or_odd_ones(void **state)
{
	(void)state;
	arena *a = arena_new();
	const char *raws[] = { "Just A Name", "Bob <bob@example.com> trailing",
		               "<only@example.com>", "A <b> <c@example.com>" };
	const char *names[] = { "Just A Name", "Bob <bob@example.com> trailing", "", "A <b>" };
	const char *emails[] = { "", "", "only@example.com", "c@example.com" };
	for (size_t i = 0; i < 4; i++) {
		json_t *one = commit_json(H1, "x");
		json_object_set_new(json_object_get(one, "author"), "raw", json_string(raws[i]));
		dvcs_commit *c = NULL;
		assert_int_equal(count(a, payload_of("branch", json_pack("[o]", one)), &c), 1);
		assert_string_equal(c[0].author_name, names[i]);
		assert_string_equal(c[0].author_email, emails[i]);
	}
	arena_free(a);
}

/* One commit with member set to value (NULL: removed) is left out. */
static void left_out(arena *a, const char *member, json_t *value)
{
	json_t *one = commit_json(H1, "PROJ-1 x");
	if (value)
		json_object_set_new(one, member, value);
	else
		json_object_del(one, member);
	assert_int_equal(count(a, payload_of("branch", json_pack("[o]", one)), NULL), 0);
}

static void wrong_types_and_bad_values_are_left_out(void **state)
{
	(void)state;
	arena *a = arena_new();
	left_out(a, "hash", NULL);
	left_out(a, "hash", json_integer(12));
	left_out(a, "hash", json_string("0123456789abcdef")); /* short */
	left_out(a, "hash", json_string(H1 "00")); /* long */
	left_out(a, "hash", json_string("0123456789abcdef0123456789abcdef0123456g"));
	left_out(a, "hash", json_string("../../../../../../../../etc/passwd/000000"));
	left_out(a, "hash", json_stringn(H1 "\0", 41)); /* a NUL inside */
	left_out(a, "message", NULL);
	left_out(a, "message", json_pack("[s]", "PROJ-1"));
	left_out(a, "message", json_stringn("PROJ-1 a\0b", 10));
	left_out(a, "date", NULL);
	left_out(a, "date", json_string("yesterday"));
	left_out(a, "date", json_string("2026-13-45T99:99:99Z"));
	left_out(a, "date", json_integer(1768473000));
	left_out(a, "author", NULL);
	left_out(a, "author", json_string("Ann <ann@example.com>"));
	left_out(a, "author", json_pack("{s:i}", "raw", 1));
	left_out(a, "parents", NULL);
	left_out(a, "parents", json_string(H2));
	arena_free(a);
}

static void huge_texts_are_left_out(void **state)
{
	(void)state;
	arena *a = arena_new();
	char *big = malloc(DVCS_PUSH_MESSAGE_MAX + 2);
	memset(big, 'x', DVCS_PUSH_MESSAGE_MAX + 1);
	big[DVCS_PUSH_MESSAGE_MAX + 1] = '\0';
	left_out(a, "message", json_string(big));
	big[DVCS_PUSH_MESSAGE_MAX] = '\0';
	json_t *one = commit_json(H1, big);
	assert_int_equal(count(a, payload_of("branch", json_pack("[o]", one)), NULL), 1);
	big[DVCS_PUSH_AUTHOR_MAX + 1] = '\0';
	left_out(a, "author", json_pack("{s:s}", "raw", big));
	free(big);
	arena_free(a);
}

static void tags_deletions_and_odd_changes_have_none(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_int_equal(count(a, payload_of("tag", json_pack("[o]", commit_json(H1, "x"))), NULL),
	                 0);
	json_t *closed = payload_of("branch", json_pack("[o]", commit_json(H1, "x")));
	json_object_set_new(
	        json_array_get(json_object_get(json_object_get(closed, "push"), "changes"), 0),
	        "closed", json_true());
	assert_int_equal(count(a, closed, NULL), 0);
	const char *odd[] = {
		"null",
		"[]",
		"\"push\"",
		"{}",
		"{\"push\": []}",
		"{\"push\": {\"changes\": {}}}",
		"{\"push\": {\"changes\": [1, \"x\", null]}}",
		"{\"push\": {\"changes\": [{\"new\": null, \"commits\": []}]}}",
		"{\"push\": {\"changes\": [{\"new\": {\"type\": \"branch\"}, \"commits\": {}}]}}",
		"{\"push\":{\"changes\":[{\"new\":{\"type\":\"branch\"},\"commits\":[1,[]]}]}}",
		"{\"push\":{\"changes\":[{\"new\":{\"type\":\"branch\"},\"commits\":[null]}]}}",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		assert_int_equal(count(a, json_loads(odd[i], JSON_DECODE_ANY, NULL), NULL), 0);
	assert_int_equal(count(a, NULL, NULL), 0);
	arena_free(a);
}

static void bounded_per_change_and_per_payload(void **state)
{
	(void)state;
	arena *a = arena_new();
	json_t *many = json_array();
	for (int i = 0; i < 20; i++) {
		char hash[41];
		snprintf(hash, sizeof hash, "%040x", i + 1);
		json_array_append_new(many, commit_json(hash, "x"));
	}
	dvcs_commit *c = NULL;
	assert_int_equal(count(a, payload_of("branch", many), &c), DVCS_PUSH_CHANGE_COMMITS_MAX);
	assert_string_equal(c[0].hash, "0000000000000000000000000000000000000001");
	json_t *changes = json_array();
	for (int i = 0; i < 100; i++) {
		json_t *commits = json_array();
		for (int k = 0; k < 5; k++) {
			char hash[41];
			snprintf(hash, sizeof hash, "%040x", i * 5 + k + 1);
			json_array_append_new(commits, commit_json(hash, "x"));
		}
		json_array_append_new(changes, json_pack("{s:{s:s}, s:o}", "new", "type", "branch",
		                                         "commits", commits));
	}
	assert_int_equal(count(a, json_pack("{s:{s:o}}", "push", "changes", changes), NULL),
	                 DVCS_PUSH_CHANGES_MAX * DVCS_PUSH_CHANGE_COMMITS_MAX);
	arena_free(a);
}

static void a_hash_in_two_changes_is_read_once(void **state)
{
	(void)state;
	arena *a = arena_new();
	json_t *p = payload_of(
	        "branch", json_pack("[o, o]", commit_json(H1, "one"), commit_json(H1, "again")));
	json_t *changes = json_object_get(json_object_get(p, "push"), "changes");
	json_array_append_new(changes, json_pack("{s:{s:s}, s:[o]}", "new", "type", "branch",
	                                         "commits", commit_json(H1, "and again")));
	dvcs_commit *c = NULL;
	assert_int_equal(count(a, p, &c), 1);
	assert_string_equal(c[0].message, "one");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_hubs_payload),
		cmocka_unit_test(upper_case_hash_is_lowered),
		cmocka_unit_test(authors_without_brackets_or_odd_ones),
		cmocka_unit_test(wrong_types_and_bad_values_are_left_out),
		cmocka_unit_test(huge_texts_are_left_out),
		cmocka_unit_test(tags_deletions_and_odd_changes_have_none),
		cmocka_unit_test(bounded_per_change_and_per_payload),
		cmocka_unit_test(a_hash_in_two_changes_is_read_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
