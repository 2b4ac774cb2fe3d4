/* Where webhooks may point (--webhook-allowed-hosts, in the manner of Gitea's allow list): a
 * comma-separated list of "external" (public addresses), "private" (RFC 1918, unique-local,
 * link-local, shared), "loopback", "*" (anything), CIDR blocks ("10.0.0.0/8", "fd00::/8") and
 * host names with optional wildcards ("*.example.com", "tracker.lan"). An empty list means
 * "external" plus the host of the configured track URL. A URL is checked when a hook is saved,
 * and every address a delivery connects to is checked again (no DNS rebinding). */
#ifndef WEFT_HUB_HOOK_ALLOW_H
#define WEFT_HUB_HOOK_ALLOW_H

#include <stdbool.h>
#include <sys/socket.h>

/* Checks a hook URL: http or https, a host, no user name or password, no fragment, at most 2,048
 * bytes, and a host that the allow list does not refuse by its literal address or by being
 * "localhost". WEFT_EINVALID with a message fit for the form and the API. */
int hub_hook_check_url(const char *url);

/* Whether a delivery to host (the URL's host, as written) may connect to the address sa. */
bool hub_hook_address_allowed(const char *host, const struct sockaddr *sa);

/* Checks the syntax of an allow list (for the setting). WEFT_EINVALID naming the bad entry. */
int hub_hook_check_allow_list(const char *list);

#endif
