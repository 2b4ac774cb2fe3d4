/* Tests of src/base/log.c: both formats, levels, request ids, and escaping of hostile values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

/* Runs fn with standard error sent to a temporary file and returns what it wrote. */
static char *capture(void (*fn)(void))
{
	char path[] = "/tmp/weft-log-test-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	off_t size = lseek(fd, 0, SEEK_END);
	char *text = calloc(1, (size_t)size + 1);
	assert_int_equal(pread(fd, text, (size_t)size, 0), size);
	close(fd);
	unlink(path);
	return text;
}

static void write_text_lines(void)
{
	log_setup(LOG_INFO, LOG_TEXT);
	log_debug("hidden %d", 1);
	log_info("shown %d", 2);
	log_set_request_id("abc123");
	log_field fields[] = { { "path", "/a b" }, { "skip", NULL }, { "status", "200" } };
	log_fields(LOG_WARN, "request\nsplit", fields, 3);
	log_set_request_id(NULL);
}

static void text_format_is_one_line_per_event(void **state)
{
	(void)state;
	char *out = capture(write_text_lines);
	assert_null(strstr(out, "hidden"));
	assert_non_null(strstr(out, "info  shown 2\n"));
	assert_non_null(
	        strstr(out, "warn  request split request_id=abc123 path=\"/a b\" status=200\n"));
	assert_null(strstr(out, "skip"));
	int lines = 0;
	for (char *p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2);
	free(out);
}

static void write_json_lines(void)
{
	log_setup(LOG_DEBUG, LOG_JSON);
	log_set_request_id("r1");
	log_field fields[] = { { "path", "/\"quoted\"\\\x01" } };
	log_fields(LOG_ERROR, "boom", fields, 1);
	log_set_request_id(NULL);
	log_setup(LOG_INFO, LOG_TEXT);
}

static void json_format_parses(void **state)
{
	(void)state;
	char *out = capture(write_json_lines);
	json_error_t error;
	json_t *line = json_loads(out, 0, &error);
	assert_non_null(line);
	assert_string_equal(json_string_value(json_object_get(line, "level")), "error");
	assert_string_equal(json_string_value(json_object_get(line, "msg")), "boom");
	assert_string_equal(json_string_value(json_object_get(line, "request_id")), "r1");
	assert_string_equal(json_string_value(json_object_get(line, "path")), "/\"quoted\"\\\x01");
	assert_non_null(json_object_get(line, "time"));
	json_decref(line);
	free(out);
}

static void levels_and_formats_parse(void **state)
{
	(void)state;
	log_level level;
	log_format format;
	assert_true(log_level_parse("warn", &level));
	assert_int_equal(level, LOG_WARN);
	assert_false(log_level_parse("WARN", &level));
	assert_true(log_format_parse("json", &format));
	assert_int_equal(format, LOG_JSON);
	assert_false(log_format_parse("xml", &format));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_format_is_one_line_per_event),
		cmocka_unit_test(json_format_parses),
		cmocka_unit_test(levels_and_formats_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
