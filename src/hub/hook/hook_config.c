/* The settings of hub's webhooks: the public URL their payloads link to, where the repositories
 * are, which hosts they may reach and how deliveries retry. Set once at start-up; a leaf that
 * events, payloads and deliveries read. */
#include "hub/hook/hook_config.h"

#include <stdlib.h>
#include <string.h>

static hub_hook_config config = {
	.base_url = "http://127.0.0.1:7990",
	.repos_dir = "",
	.allowed_hosts = "",
	.track_url = "",
	.retry_base_ms = 10 * 1000,
	.retry_window_ms = 24LL * 60 * 60 * 1000,
	.log_retention_ms = 30LL * 24 * 60 * 60 * 1000,
};

/* The copies the configuration owns: freed when a later configuration replaces them. */
static char *owned[4];

static const char *kept(char **slot, const char *s, const char *dflt)
{
	char *copy = strdup(s ? s : dflt);
	char *old = *slot;
	*slot = copy;
	free(old); /* after copying: dflt may be the old copy */
	return copy ? copy : "";
}

void hub_hook_configure(const hub_hook_config *cfg)
{
	hub_hook_config c = *cfg;
	c.base_url = kept(&owned[0], cfg->base_url && *cfg->base_url ? cfg->base_url : NULL,
	                  config.base_url);
	c.repos_dir = kept(&owned[1], cfg->repos_dir, "");
	c.allowed_hosts = kept(&owned[2], cfg->allowed_hosts, "");
	c.track_url = kept(&owned[3], cfg->track_url, "");
	if (c.retry_base_ms <= 0)
		c.retry_base_ms = config.retry_base_ms;
	if (c.retry_window_ms <= 0)
		c.retry_window_ms = config.retry_window_ms;
	if (c.log_retention_ms <= 0)
		c.log_retention_ms = config.log_retention_ms;
	config = c;
}

const hub_hook_config *hub_hook_config_get(void)
{
	return &config;
}
