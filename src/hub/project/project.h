/* hub's projects: named groups of a workspace's repositories, each with a key (MARS), a name, a
 * description and a private flag. Domain only, no HTTP; writes run in the caller's transaction;
 * routes check permissions (hub_perm.c). */
#ifndef WEFT_HUB_PROJECT_H
#define WEFT_HUB_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/hub_perm.h"

enum {
	PROJECT_KEY_MAX = 64,
	PROJECT_NAME_MAX = 255,
	PROJECT_DESCRIPTION_MAX = 4000,
};

/* What a workspace gets when a repository needs a project and it has none (as Bitbucket). */
#define PROJECT_DEFAULT_KEY "PROJ"
#define PROJECT_DEFAULT_NAME "Untitled project"

typedef struct hub_project {
	int64_t id;
	char uuid[37];
	int64_t workspace_id;
	const char *key;
	const char *name;
	const char *description;
	bool is_private;
	int64_t created_at;
	int64_t updated_at;
} hub_project;

/* Keys: 1 to 64 of upper-case letters, digits and '_', starting with a letter. WEFT_EINVALID
 * with a message starting "Key:". */
int hub_project_check_key(const char *key);
/* Names: 1 to 255 characters, no control characters. "Name:" messages. */
int hub_project_check_name(const char *name);

typedef struct hub_project_new {
	const char *key;
	const char *name;
	const char *description; /* NULL: "" */
	bool is_private;
} hub_project_new;

/* Creates a project in ws by actor_id (an activity line). WEFT_EINVALID for a broken rule,
 * WEFT_EEXISTS ("Key: …" or "Name: …") when ws has that key or name. *out in a. */
int hub_project_create(db_conn *c, arena *a, int64_t actor_id, const hub_workspace *ws,
                       const hub_project_new *n, hub_project *out);

/* A project by id; or of workspace_id by key (exact) or "{uuid}". WEFT_ENOTFOUND. */
int hub_project_get(db_conn *c, arena *a, int64_t id, hub_project *out);
int hub_project_find(db_conn *c, arena *a, int64_t workspace_id, const char *key_or_uuid,
                     hub_project *out);

/* The oldest project of ws; when it has none, creates the default one (PROJECT_DEFAULT_KEY)
 * by actor_id. */
int hub_project_oldest_or_default(db_conn *c, arena *a, int64_t actor_id, const hub_workspace *ws,
                                  hub_project *out);

/* The projects of workspace_id by key. Array in a. */
int hub_project_list(db_conn *c, arena *a, int64_t workspace_id, hub_project **out, size_t *n);

/* What hub_project_update changes; NULL or -1 keeps a value. */
typedef struct hub_project_change {
	const char *key;
	const char *name;
	const char *description;
	int is_private;
} hub_project_change;

/* Changes p. WEFT_EINVALID, WEFT_EEXISTS as for creating. *out (may be p) in a. */
int hub_project_update(db_conn *c, arena *a, const hub_project *p, const hub_project_change *ch,
                       hub_project *out);

/* Deletes p. WEFT_ECONFLICT while repositories remain in it. */
int hub_project_delete(db_conn *c, int64_t actor_id, const hub_project *p);

/* Counts p's repositories, and the public ones among them. */
int hub_project_repo_counts(db_conn *c, int64_t project_id, int64_t *all, int64_t *public_repos);

#endif
