/* libgit2's process-wide state, started by the first piece of work that reads or writes a
 * repository rather than at start-up: its initialisation parses the system's CA bundle (for
 * libgit2's HTTPS transport) and starts libssh2 and OpenSSL, about 3 MB that an idle server does
 * not need. */
#ifndef WEFT_BASE_GITLIB_H
#define WEFT_BASE_GITLIB_H

/* Initialises libgit2 once and sets weft's limits on its caches; every later call returns at
 * once. Call it before the first libgit2 function that takes no object obtained from libgit2
 * (opening or creating a repository, checking a reference name, making a signature or an index,
 * git_error_last / git_error_clear). Safe from any thread. */
void gitlib_ready(void);

/* Undoes gitlib_ready if it ran (nothing otherwise); a later gitlib_ready starts libgit2 again.
 * Call it when no thread uses libgit2 any more. */
void gitlib_shutdown(void);

#endif
