/* Tests of src/base/config.c: defaults, the three sources and their precedence, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/err.h"

static int load(config *cfg, int argc, char **argv, int *npos)
{
	int help;
	return config_load(cfg, CONFIG_SERVE, argc, argv, npos, &help);
}

static void clear_environment(void)
{
	unsetenv("WEFT_HUB_LISTEN");
	unsetenv("WEFT_DATA");
	unsetenv("WEFT_CONFIG");
	unsetenv("WEFT_THREADS");
}

static char *write_file(const char *text)
{
	char *path = strdup("/tmp/weft-config-test-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void defaults_apply(void **state)
{
	(void)state;
	clear_environment();
	char *argv[] = { "serve", NULL };
	config cfg;
	int npos;
	assert_int_equal(load(&cfg, 1, argv, &npos), 0);
	assert_string_equal(cfg.data_dir, "./weft-data");
	assert_string_equal(cfg.hub_listen, "127.0.0.1:7990");
	assert_string_equal(cfg.track_listen, "127.0.0.1:8080");
	assert_string_equal(cfg.hub_url, "");
	assert_int_equal(cfg.threads, 0);
	assert_int_equal(cfg.shutdown_seconds, 10);
	assert_int_equal(npos, 0);
	config_dispose(&cfg);
}

static void flag_beats_environment_beats_file(void **state)
{
	(void)state;
	clear_environment();
	char *file = write_file("# comment\nhub-listen = 127.0.0.1:3\ndata = /from/file\n"
	                        "threads=7\n\n");
	setenv("WEFT_CONFIG", file, 1);
	setenv("WEFT_HUB_LISTEN", "127.0.0.1:2", 1);
	config cfg;
	int npos;
	char *with_flag[] = { "serve", "--hub-listen", "127.0.0.1:1", NULL };
	assert_int_equal(load(&cfg, 3, with_flag, &npos), 0);
	assert_string_equal(cfg.hub_listen, "127.0.0.1:1");
	assert_string_equal(cfg.data_dir, "/from/file");
	assert_int_equal(cfg.threads, 7);
	config_dispose(&cfg);
	char *without_flag[] = { "serve", NULL };
	assert_int_equal(load(&cfg, 1, without_flag, &npos), 0);
	assert_string_equal(cfg.hub_listen, "127.0.0.1:2");
	config_dispose(&cfg);
	unsetenv("WEFT_HUB_LISTEN");
	assert_int_equal(load(&cfg, 1, without_flag, &npos), 0);
	assert_string_equal(cfg.hub_listen, "127.0.0.1:3");
	config_dispose(&cfg);
	clear_environment();
	unlink(file);
	free(file);
}

static void equals_form_and_positionals(void **state)
{
	(void)state;
	clear_environment();
	char *argv[] = { "serve", "hub", "--data=/x", "--threads", "3", "extra", NULL };
	config cfg;
	int npos;
	assert_int_equal(load(&cfg, 6, argv, &npos), 0);
	assert_int_equal(npos, 2);
	assert_string_equal(argv[1], "hub");
	assert_string_equal(argv[2], "extra");
	assert_string_equal(cfg.data_dir, "/x");
	assert_int_equal(cfg.threads, 3);
	config_dispose(&cfg);
}

static void refusals_name_the_problem(void **state)
{
	(void)state;
	clear_environment();
	config cfg;
	int npos;
	struct {
		char *argv[4];
		int argc;
		const char *needle;
	} cases[] = {
		{ { "serve", "--nope", NULL }, 2, "--nope" },
		{ { "serve", "--hub-listen", "nonsense", NULL }, 3, "hub-listen" },
		{ { "serve", "--hub-listen", "127.0.0.1:70000", NULL }, 3, "port" },
		{ { "serve", "--threads", "-1", NULL }, 3, "threads" },
		{ { "serve", "--threads", "many", NULL }, 3, "threads" },
		{ { "serve", "--hub-url", "ftp://x", NULL }, 3, "hub-url" },
		{ { "serve", "--hub-url", "http://x/", NULL }, 3, "hub-url" },
		{ { "serve", "--log-level", "loud", NULL }, 3, "log-level" },
		{ { "serve", "--data", NULL }, 2, "--data needs a value" },
		{ { "serve", "--config", "/nonexistent/weft.conf", NULL }, 3, "/nonexistent" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(load(&cfg, cases[i].argc, cases[i].argv, &npos), WEFT_EINVALID);
		if (!strstr(err_msg(), cases[i].needle))
			fail_msg("case %zu: '%s' does not mention '%s'", i, err_msg(),
			         cases[i].needle);
	}
}

static void bad_config_file_lines_are_refused(void **state)
{
	(void)state;
	clear_environment();
	config cfg;
	int npos;
	char *file = write_file("data = /ok\nbogus-setting = 1\n");
	char *argv[] = { "serve", "--config", file, NULL };
	assert_int_equal(load(&cfg, 3, argv, &npos), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), ":2:"));
	unlink(file);
	free(file);
	file = write_file("no equals sign\n");
	argv[2] = file;
	assert_int_equal(load(&cfg, 3, argv, &npos), WEFT_EINVALID);
	unlink(file);
	free(file);
}

static void serve_settings_are_unknown_elsewhere(void **state)
{
	(void)state;
	clear_environment();
	config cfg;
	int npos, help;
	char *argv[] = { "migrate", "--hub-listen", "127.0.0.1:1", NULL };
	assert_int_equal(config_load(&cfg, CONFIG_COMMON, 3, argv, &npos, &help), WEFT_EINVALID);
	char *ok[] = { "migrate", "--data", "/d", "--help", NULL };
	assert_int_equal(config_load(&cfg, CONFIG_COMMON, 4, ok, &npos, &help), 0);
	assert_int_equal(help, 1);
	assert_string_equal(cfg.data_dir, "/d");
	config_dispose(&cfg);
}

static void listen_addresses_split(void **state)
{
	(void)state;
	char host[256];
	int port;
	assert_int_equal(config_split_listen("127.0.0.1:7990", host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 7990);
	assert_int_equal(config_split_listen("[::1]:0", host, &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 0);
	assert_int_equal(config_split_listen("localhost:80", host, &port), 0);
	assert_int_equal(config_split_listen(":80", host, &port), WEFT_EINVALID);
	assert_int_equal(config_split_listen("host", host, &port), WEFT_EINVALID);
	assert_int_equal(config_split_listen("[::1]80", host, &port), WEFT_EINVALID);
	assert_int_equal(config_split_listen("h:-1", host, &port), WEFT_EINVALID);
}

static void help_lists_every_setting_with_default(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	config_print_help(out, CONFIG_SERVE);
	fclose(out);
	const char *expected[] = { "--data",         "WEFT_DATA",      "./weft-data",
		                   "--hub-listen",   "127.0.0.1:7990", "--track-listen",
		                   "127.0.0.1:8080", "--hub-url",      "--track-url",
		                   "--config",       "--log-format" };
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
		if (!strstr(text, expected[i]))
			fail_msg("help lacks %s", expected[i]);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_apply),
		cmocka_unit_test(flag_beats_environment_beats_file),
		cmocka_unit_test(equals_form_and_positionals),
		cmocka_unit_test(refusals_name_the_problem),
		cmocka_unit_test(bad_config_file_lines_are_refused),
		cmocka_unit_test(serve_settings_are_unknown_elsewhere),
		cmocka_unit_test(listen_addresses_split),
		cmocka_unit_test(help_lists_every_setting_with_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
