/* track's projects: keys and their rule, creation (the creator becomes an administrator and the
 * project gets the default workflow), lookup by key or id, lists, edits and role membership. */
#ifndef WEFT_TRACK_PROJECT_H
#define WEFT_TRACK_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

typedef struct track_project {
	int64_t id;
	const char *key;
	const char *name;
	const char *description;
	int64_t lead_id; /* 0: none */
	const char *type; /* "software" */
	int64_t created_at;
	int64_t updated_at;
} track_project;

/* A project key's rule: 2 to 10 characters, uppercase letters, digits and '_', starting with a
 * letter. 0 or WEFT_EINVALID with a message that names the rule. */
int track_project_key_check(const char *key);

/* Creates a project (name 1..80 characters, description at most 10000 bytes, lead 0 for the
 * creator) with the default workflow; creator_id joins the Administrators role. WEFT_EINVALID
 * for a broken rule, WEFT_EEXISTS for a key in use. Strings of out live in a. */
int track_project_create(db_conn *c, arena *a, const char *key, const char *name,
                         const char *description, int64_t lead_id, int64_t creator_id,
                         track_project *out);

/* A project by key (any case) or numeric id. WEFT_ENOTFOUND. */
int track_project_find(db_conn *c, arena *a, const char *id_or_key, track_project *out);
int track_project_get(db_conn *c, arena *a, int64_t id, track_project *out);

/* The projects user_id may browse (every project for site_admin), ordered by key. */
int track_project_list(db_conn *c, arena *a, int64_t user_id, bool site_admin, track_project **out,
                       size_t *n);

/* Changes name, description and lead (NULL / negative lead: unchanged). */
int track_project_update(db_conn *c, int64_t id, const char *name, const char *description,
                         int64_t lead_id);

/* Adds or removes user_id in a role (a TRACK_ROLE_* bit). Adding twice is fine; removing the
 * last administrator is WEFT_ECONFLICT. */
int track_project_role_add(db_conn *c, int64_t project_id, int64_t user_id, unsigned role);
int track_project_role_remove(db_conn *c, int64_t project_id, int64_t user_id, unsigned role);

typedef struct track_role_member {
	int64_t user_id;
	unsigned role;
} track_role_member;

/* Every (user, role) of the project, by role then user id. */
int track_project_roles(db_conn *c, arena *a, int64_t project_id, track_role_member **out,
                        size_t *n);

/* Which of a project's issues its page lists: each filter -1 for any; assignee 0 for none. */
typedef struct track_project_filter {
	int64_t project_id, status, type, assignee;
	int limit;
} track_project_filter;

/* An issue as the project page's table shows it (names, not ids). */
typedef struct track_project_issue {
	const char *key, *summary, *type, *status, *category, *priority;
	const char *assignee; /* display name; NULL when unassigned */
	int64_t updated_at;
} track_project_issue;

/* The project's issues that f lets through, most recently updated first, at most f->limit;
 * strings in a; *out NULL when there is none. Store errors. */
int track_project_issues(db_conn *c, arena *a, const track_project_filter *f,
                         track_project_issue **out, size_t *n);

#endif
