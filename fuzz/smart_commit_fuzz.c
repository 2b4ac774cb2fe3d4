/* libFuzzer target: dvcs_smart_parse on arbitrary bytes; every command found names a key of the
 * case-sensitive shape that the message holds, indices grow and stay under the caps, arguments
 * are trimmed single lines, and #time's split and transition matching accept what comes out. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/dvcs/keys.h"
#include "track/dvcs/smart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked even under NDEBUG: a fuzz target that checks nothing finds only crashes. */
#define CHECK(c) ((c) ? (void)0 : (fprintf(stderr, "CHECK failed: %s\n", #c), abort()))

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* [A-Z][A-Z0-9]+-[0-9]+, found verbatim in the message. */
static int key_ok(const char *k, const uint8_t *data, size_t size)
{
	size_t i = 0, n = strlen(k);
	while ((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9'))
		i++;
	if (i < 2 || !(k[0] >= 'A' && k[0] <= 'Z') || k[i] != '-' || k[i + 1] == '\0')
		return 0;
	for (i++; k[i]; i++)
		if (!(k[i] >= '0' && k[i] <= '9'))
			return 0;
	if (n > DVCS_KEY_MAX)
		return 0;
	for (size_t p = 0; p + n <= size; p++)
		if (memcmp(data + p, k, n) == 0)
			return 1;
	return 0;
}

static void check_command(arena *a, const dvcs_smart_cmd *c)
{
	size_t len = strlen(c->argument);
	CHECK(memchr(c->argument, '\n', len) == NULL);
	CHECK(len == 0 || (!is_space(c->argument[0]) && !is_space(c->argument[len - 1])));
	CHECK(c->command[0] != '\0' && strlen(c->command) <= DVCS_SMART_WORD_MAX);
	if (strcmp(c->command, "time") == 0) {
		const char *duration = NULL, *comment = NULL;
		int rc = dvcs_smart_time_split(a, c->argument, &duration, &comment);
		CHECK(rc == 0 || rc == WEFT_EINVALID);
		CHECK(rc != 0 || (duration[0] != '\0' && strlen(duration) <= len));
	} else {
		static const char *const names[] = { "Start Progress", "Stop Progress", "Done",
			                             "Reopen" };
		size_t m[4];
		CHECK(dvcs_smart_match(c->command, names, 4, m) <= 4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	array cmds = ARRAY_INIT;
	dvcs_smart_parse(a, (const char *)data, size, &cmds);
	const dvcs_smart_cmd *c = cmds.items;
	CHECK(cmds.n <= DVCS_SMART_MAX_RUNS);
	for (size_t i = 0; i < cmds.n; i++) {
		CHECK(key_ok(c[i].key, data, size));
		CHECK(c[i].index >= 0 && c[i].index < DVCS_SMART_MAX_COMMANDS);
		CHECK(i == 0 || c[i].index >= c[i - 1].index);
		for (size_t j = 0; j < i; j++)
			CHECK(c[j].index != c[i].index || strcmp(c[j].key, c[i].key) != 0);
		check_command(a, &c[i]);
	}
	arena_free(a);
	return 0;
}
