/* The weft command: a table of subcommands. Each returns the process's exit status: 0 on success,
 * 2 for a usage or configuration error (with a one-line message on standard error), 1 for a
 * failure at run time. */
#ifndef WEFT_CLI_CLI_H
#define WEFT_CLI_CLI_H

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* Runs argv[1] as a subcommand with argv[1..] as its arguments. */
int cli_main(int argc, char **argv);

/* weft serve [hub|track] [flags]: runs the services until SIGINT or SIGTERM. */
int cli_serve(int argc, char **argv);

/* Prints "weft: MESSAGE" (or "weft COMMAND: MESSAGE") to standard error and returns CLI_USAGE. */
int cli_usage_error(const char *command, const char *message);

#endif
