/* libFuzzer target: dvcs_push_commits on arbitrary bytes read as JSON; every commit taken has a
 * 40-digit lower-case hash, appears once, keeps to the bounds, and no more than the cap are
 * taken. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "track/dvcs/push_payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static int hash_shaped(const char *h)
{
	for (size_t i = 0; i < DVCS_HASH_LEN; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[DVCS_HASH_LEN] == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *payload = json_loadb((const char *)data, size, JSON_DECODE_ANY, &e);
	arena *a = arena_new();
	dvcs_commit *commits = NULL;
	size_t n = 0;
	dvcs_push_commits(a, payload, &commits, &n);
	CHECK(n <= DVCS_PUSH_CHANGES_MAX * DVCS_PUSH_CHANGE_COMMITS_MAX);
	CHECK((n == 0) == (commits == NULL));
	for (size_t i = 0; i < n; i++) {
		CHECK(hash_shaped(commits[i].hash));
		CHECK(strlen(commits[i].message) <= DVCS_PUSH_MESSAGE_MAX);
		CHECK(strlen(commits[i].author_name) + strlen(commits[i].author_email) <=
		      DVCS_PUSH_AUTHOR_MAX);
		CHECK(commits[i].file_count == DVCS_FILES_UNKNOWN); /* only the mirror knows it */
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(commits[i].hash, commits[j].hash) != 0);
	}
	arena_free(a);
	json_decref(payload);
	return 0;
}
