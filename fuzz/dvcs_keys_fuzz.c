/* libFuzzer target: dvcs_keys_find on arbitrary bytes; every key found has the key's shape and
 * bounds, appears (upper-cased) in the text, is found once, and no more than the cap are found. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "track/dvcs/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* [A-Z][A-Z0-9]+-[0-9]+ */
static int key_shaped(const char *k)
{
	size_t i = 0;
	if (!(k[0] >= 'A' && k[0] <= 'Z'))
		return 0;
	while ((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9'))
		i++;
	if (i < 2 || k[i] != '-')
		return 0;
	size_t digits = ++i;
	while (k[i] >= '0' && k[i] <= '9')
		i++;
	return i > digits && k[i] == '\0';
}

static int appears(const uint8_t *data, size_t size, const char *k)
{
	size_t n = strlen(k);
	for (size_t i = 0; i + n <= size; i++) {
		size_t j = 0;
		while (j < n && upper(data[i + j]) == k[j])
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	array keys = ARRAY_INIT;
	dvcs_keys_find(a, (const char *)data, size, &keys);
	const char *const *k = keys.items;
	CHECK(keys.n <= DVCS_KEYS_PER_TEXT);
	for (size_t i = 0; i < keys.n; i++) {
		CHECK(key_shaped(k[i]));
		CHECK(strlen(k[i]) <= DVCS_KEY_MAX);
		CHECK(appears(data, size, k[i]));
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(k[i], k[j]) != 0);
	}
	arena_free(a);
	return 0;
}
