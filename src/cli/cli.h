/* The weft command: a table of subcommands. Each returns the process's exit status: 0 on success,
 * 2 for a usage or configuration error (with a one-line message on standard error), 1 for a
 * failure at run time. */
#ifndef WEFT_CLI_CLI_H
#define WEFT_CLI_CLI_H

#include <stdbool.h>

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* Runs argv[1] as a subcommand with argv[1..] as its arguments. */
int cli_main(int argc, char **argv);

/* weft serve [hub|track] [flags]: runs the services until SIGINT or SIGTERM. */
int cli_serve(int argc, char **argv);

/* weft migrate status|up [hub|track]: the schema of each service's database. */
int cli_migrate(int argc, char **argv);

/* weft jobs list|retry|purge [hub|track] …: each service's job queue. */
int cli_jobs(int argc, char **argv);

/* weft hook post-receive: records a push in the hub database (run by git, src/cli/hook.c). */
int cli_hook(int argc, char **argv);

/* weft hub admin …: site administration of hub. */
int cli_hub(int argc, char **argv);

/* weft track admin …: site administration of track. */
int cli_track(int argc, char **argv);
/* weft track dvcs link|list|sync|unlink: the connector's linked accounts (argv[0] = "dvcs"). */
int cli_track_dvcs(int argc, char **argv);

/* weft SERVICE …: runs admin for "SERVICE admin …" (argv[0] = "admin"), prints help for
 * --help, and is a usage error otherwise. */
int cli_service_command(int argc, char **argv, const char *service,
                        int (*admin)(int argc, char **argv), void (*print_help)(void));

/* One line from standard input without its line ending (a password), malloc'd; NULL at the end
 * of input. */
char *cli_read_line(void);

/* Removes a flag without a value ("--admin") from argv; true when it was there. */
bool cli_take_switch(int *argc, char **argv, const char *name);

/* Removes "--name VALUE" or "--name=VALUE" from argv (a flag of one command that the settings
 * table does not know) and returns VALUE, or NULL when absent. */
const char *cli_take_flag(int *argc, char **argv, const char *name);

/* The services a command acts on, from its optional "hub" or "track" argument. */
typedef struct cli_services {
	bool hub, track;
} cli_services;
/* Reads positional[0] when present; CLI_USAGE (with the message printed) for anything else. */
int cli_pick_services(cli_services *out, const char *command, int npositional, char **positional);

/* Prints "weft: MESSAGE" (or "weft COMMAND: MESSAGE") to standard error and returns CLI_USAGE. */
int cli_usage_error(const char *command, const char *message);

#endif
