/* The settings of hub's webhooks (links in payloads, repositories, allowed hosts, retries),
 * set once at start-up: a leaf that events, payloads, deliveries and statuses read, so that
 * none of them includes another for its configuration. */
#ifndef WEFT_HUB_HOOK_HOOK_CONFIG_H
#define WEFT_HUB_HOOK_HOOK_CONFIG_H

#include <stdint.h>

/* The settings events and deliveries use, set once at start-up before any thread runs
 * (hub_hook_configure copies the strings). */
typedef struct hub_hook_config {
	const char *base_url; /* hub's public URL, for the links in payloads */
	const char *repos_dir; /* the bare repositories, for the commits of repo:push */
	const char *allowed_hosts; /* --webhook-allowed-hosts; "" for the default */
	const char *track_url; /* the tracker's URL, whose host the default allows */
	int64_t retry_base_ms; /* the first retry's delay; doubling up to an hour */
	int64_t retry_window_ms; /* how long a delivery is retried before it is failed */
	int64_t log_retention_ms; /* finished deliveries older than this are deleted */
} hub_hook_config;

void hub_hook_configure(const hub_hook_config *cfg);
/* The configuration (defaults until hub_hook_configure ran). */
const hub_hook_config *hub_hook_config_get(void);

#endif
