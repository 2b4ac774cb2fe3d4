/* The levels of access hub grants on a workspace or a repository (none < read < write < admin),
 * and their names as the store and the API write them. hub_perm.h decides who has which. */
#ifndef WEFT_HUB_LEVEL_H
#define WEFT_HUB_LEVEL_H

typedef enum {
	HUB_LEVEL_NONE = 0,
	HUB_LEVEL_READ = 1,
	HUB_LEVEL_WRITE = 2,
	HUB_LEVEL_ADMIN = 3,
} hub_level;

/* "read", "write", "admin" ↔ levels; parse gives HUB_LEVEL_NONE for anything else. */
const char *hub_level_name(hub_level level);
hub_level hub_level_parse(const char *name);

#endif
