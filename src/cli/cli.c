/* The subcommand table and the commands too small for a file of their own. */
#include "cli/cli.h"

#include "hub/hub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

typedef struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} subcommand;

static int cli_version(int argc, char **argv);
static int cli_help(int argc, char **argv);

static const subcommand commands[] = {
	{ "serve", cli_serve, "run both services, or one: serve hub | serve track" },
	{ "hub", cli_hub, "administer hub: hub admin create-user|promote" },
	{ "track", cli_track,
	  "administer track: track admin create-user, track dvcs link|list|sync|unlink" },
	{ "migrate", cli_migrate,
	  "show or apply database migrations: migrate status|up [hub|track]" },
	{ "jobs", cli_jobs, "inspect the job queues: jobs list|retry|purge [hub|track]" },
	{ "hook", cli_hook, "run by git in hub's repositories: hook post-receive" },
	{ "version", cli_version, "print the version" },
	{ "help", cli_help, "print this help" },
};

enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void print_usage(FILE *out)
{
	fprintf(out,
	        "weft %s: a code host (hub) and an issue tracker (track) in one program.\n\n"
	        "Usage: weft COMMAND [ARGUMENTS]\n\nCommands:\n",
	        WEFT_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'weft COMMAND --help' for the options of a command.\n");
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

static int cli_version(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("Usage: weft version\n\nPrints the version and the commit it was built "
		       "from.\n");
		return CLI_OK;
	}
	if (argc > 1)
		return cli_usage_error("version", "takes no arguments");
	printf("weft %s (%s)\n", WEFT_VERSION, WEFT_COMMIT);
	return CLI_OK;
}

static int cli_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_usage(stdout);
	return CLI_OK;
}

const char *cli_take_flag(int *argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < *argc; i++) {
		const char *arg = argv[i];
		const char *value = NULL;
		int used = 0;
		if (strcmp(arg, name) == 0 && i + 1 < *argc) {
			value = argv[i + 1];
			used = 2;
		} else if (strncmp(arg, name, n) == 0 && arg[n] == '=') {
			value = arg + n + 1;
			used = 1;
		}
		if (!used)
			continue;
		memmove(&argv[i], &argv[i + used], (size_t)(*argc - i - used + 1) * sizeof *argv);
		*argc -= used;
		return value;
	}
	return NULL;
}

int cli_service_command(int argc, char **argv, const char *service,
                        int (*admin)(int argc, char **argv), void (*print_help)(void))
{
	if (argc >= 2 && strcmp(argv[1], "admin") == 0)
		return admin(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		print_help();
		return CLI_OK;
	}
	char message[96];
	snprintf(message, sizeof message, "expects admin … (see 'weft %s --help')", service);
	return cli_usage_error(service, message);
}

char *cli_read_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	if (getline(&line, &cap, stdin) < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

bool cli_take_switch(int *argc, char **argv, const char *name)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], name) != 0)
			continue;
		memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof *argv);
		(*argc)--;
		return true;
	}
	return false;
}

int cli_pick_services(cli_services *out, const char *command, int npositional, char **positional)
{
	out->hub = out->track = true;
	if (npositional == 0)
		return CLI_OK;
	if (npositional == 1 && strcmp(positional[0], "hub") == 0)
		out->track = false;
	else if (npositional == 1 && strcmp(positional[0], "track") == 0)
		out->hub = false;
	else
		return cli_usage_error(command, "expects at most one service: hub or track");
	return CLI_OK;
}

int cli_usage_error(const char *command, const char *message)
{
	if (command)
		fprintf(stderr, "weft %s: %s\n", command, message);
	else
		fprintf(stderr, "weft: %s\n", message);
	return CLI_USAGE;
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_help(argc - 1, argv + 1);
	if (strcmp(argv[1], "--version") == 0)
		return cli_version(1, argv + 1);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			hub_global_init();
			int status = commands[i].run(argc - 1, argv + 1);
			hub_global_shutdown();
			return status;
		}
	char message[160];
	snprintf(message, sizeof message, "unknown command '%.60s' (see 'weft help')", argv[1]);
	return cli_usage_error(NULL, message);
}
