/* Test support for tests that build their fixtures with real tools (git): a shell command that
 * must succeed, and the first line a command prints. */
#ifndef WEFT_TESTS_SHELL_H
#define WEFT_TESTS_SHELL_H

#include <stddef.h>

/* Runs the printf-formatted command with sh; the test fails when it does not exit with 0. */
void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The first line (without its newline) the printf-formatted command prints, into out (size
 * bytes); the test fails when it prints none. */
void sh_line(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
