/* Project roles and their names (role.h). */
#include "track/role.h"

#include <stddef.h>
#include <strings.h>

const char *track_role_name(unsigned role)
{
	switch (role) {
	case TRACK_ROLE_USERS: return "users";
	case TRACK_ROLE_DEVELOPERS: return "developers";
	case TRACK_ROLE_ADMINISTRATORS: return "administrators";
	default: return NULL;
	}
}

const char *track_role_title(unsigned role)
{
	switch (role) {
	case TRACK_ROLE_USERS: return "Users";
	case TRACK_ROLE_DEVELOPERS: return "Developers";
	case TRACK_ROLE_ADMINISTRATORS: return "Administrators";
	default: return NULL;
	}
}

unsigned track_role_parse(const char *name)
{
	static const unsigned roles[] = { TRACK_ROLE_USERS, TRACK_ROLE_DEVELOPERS,
		                          TRACK_ROLE_ADMINISTRATORS };
	for (size_t i = 0; name && i < 3; i++)
		if (strcasecmp(name, track_role_name(roles[i])) == 0)
			return roles[i];
	return 0;
}
