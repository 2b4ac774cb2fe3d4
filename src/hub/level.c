/* Access levels and their names (level.h). */
#include "hub/level.h"

#include <string.h>

const char *hub_level_name(hub_level level)
{
	switch (level) {
	case HUB_LEVEL_READ: return "read";
	case HUB_LEVEL_WRITE: return "write";
	case HUB_LEVEL_ADMIN: return "admin";
	default: return "none";
	}
}

hub_level hub_level_parse(const char *name)
{
	if (!name)
		return HUB_LEVEL_NONE;
	if (strcmp(name, "read") == 0)
		return HUB_LEVEL_READ;
	if (strcmp(name, "write") == 0)
		return HUB_LEVEL_WRITE;
	if (strcmp(name, "admin") == 0)
		return HUB_LEVEL_ADMIN;
	return HUB_LEVEL_NONE;
}
