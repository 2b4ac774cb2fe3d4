/* track's project roles (Users, Developers, Administrators) and their names; track_perm.h says
 * what each allows. */
#ifndef WEFT_TRACK_ROLE_H
#define WEFT_TRACK_ROLE_H

/* Project roles, as a bit set (a user may hold several). */
enum {
	TRACK_ROLE_USERS = 1 << 0,
	TRACK_ROLE_DEVELOPERS = 1 << 1,
	TRACK_ROLE_ADMINISTRATORS = 1 << 2,
};

/* The role's stored name ("administrators", "developers", "users"), or NULL. */
const char *track_role_name(unsigned role);
/* The display name ("Administrators"), or NULL. */
const char *track_role_title(unsigned role);
/* A role from its stored or display name (any case); 0 when unknown. */
unsigned track_role_parse(const char *name);

#endif
