/* The data directory: checked before anything is started, created only once everything else
 * that can fail early has succeeded, so that a refused start leaves nothing behind. */
#ifndef WEFT_CLI_DATADIR_H
#define WEFT_CLI_DATADIR_H

#include <stdbool.h>

/* Checks that path is a writable directory, or that it is missing and its parent is a writable
 * directory. *missing tells which. WEFT_EINVALID with a message naming the path and the reason. */
int datadir_check(const char *path, bool *missing);

/* Creates the directory that datadir_check found missing (mode 0700). WEFT_ERROR on failure. */
int datadir_create(const char *path);

/* Removes a directory that this process created, with everything in it (a refused start leaves
 * nothing behind). */
void datadir_remove(const char *path);

#endif
