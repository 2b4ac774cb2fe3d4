/* libcurl's process-wide state, started by the first transfer (mail, webhooks, the connector's
 * calls to hosts) rather than at start-up: its initialisation starts OpenSSL and loads its
 * configuration, which an idle server does not need. */
#ifndef WEFT_BASE_CURLIB_H
#define WEFT_BASE_CURLIB_H

/* Runs curl_global_init once for the process; every later call returns at once. Call it before
 * curl_easy_init. Safe from any thread: the first caller initialises, the others wait for it. */
void curlib_ready(void);

#endif
