/* The workspaces API in Bitbucket Cloud 2.0's shapes (workspaces, members, permissions) and
 * Bitbucket's 1.0 groups API (/1.0/groups/{workspace}/…), over the teams domain (team.h). The
 * routes in hub.c declare who may call each handler; handlers check nothing themselves. */
#ifndef WEFT_HUB_TEAM_API_H
#define WEFT_HUB_TEAM_API_H

#include <jansson.h>

#include "base/arena.h"
#include "hub/bbql.h"
#include "hub/team/team.h"
#include "web/web.h"

/* GET /2.0/workspaces: the caller's workspaces (their personal one, then teams), paginated;
 * ?role=owner|member|collaborator keeps those where the caller's role is at least that (in
 * hub_member_role's order: collaborator < member < owner), ?q= filters (BBQL on slug, name, uuid,
 * is_private, created_on, updated_on), ?sort= orders. */
int hub_api_workspaces(web_request *req, web_response *res);
/* GET /2.0/workspaces/{workspace}: one workspace. */
int hub_api_workspace(web_request *req, web_response *res);
/* GET /2.0/workspaces/{workspace}/members: workspace_membership objects (a personal workspace's
 * only member is its user); q and sort on the membership fields. */
int hub_api_workspace_members(web_request *req, web_response *res);
/* GET /2.0/workspaces/{workspace}/members/{member}: member is an account_id, a {uuid} or a
 * username; 404 when they are not a member. */
int hub_api_workspace_member(web_request *req, web_response *res);
/* GET /2.0/workspaces/{workspace}/permissions: the members, and collaborators (users with a
 * direct grant on one of its repositories), each with permission owner|member|collaborator. */
int hub_api_workspace_permissions(web_request *req, web_response *res);
/* GET /2.0/user/permissions/workspaces: the caller's membership of each of their workspaces. */
int hub_api_user_workspace_permissions(web_request *req, web_response *res);

/* The groups API: GET /1.0/groups/{workspace} (a JSON array, not paginated), POST (form body
 * name=…, optional permission=read|write|admin and auto_add=true|false), GET, PUT (JSON {name,
 * permission, auto_add}, each optional) and DELETE /1.0/groups/{workspace}/{group_slug}, GET
 * …/members, PUT and DELETE …/members/{member}. */
int hub_api_groups(web_request *req, web_response *res);
int hub_api_group_create(web_request *req, web_response *res);
int hub_api_group(web_request *req, web_response *res);
int hub_api_group_update(web_request *req, web_response *res);
int hub_api_group_delete(web_request *req, web_response *res);
int hub_api_group_members(web_request *req, web_response *res);
int hub_api_group_member_add(web_request *req, web_response *res);
int hub_api_group_member_remove(web_request *req, web_response *res);

/* The declared form fields of POST /1.0/groups/{workspace}: name (required), permission and
 * auto_add; and their validators (0, or WEFT_EINVALID saying what is allowed, without the
 * field's name: the router puts it in front). */
extern const web_param_spec hub_api_group_create_params[];
int hub_api_check_permission(const char *value);
int hub_api_check_bool(const char *value);

/* ---- the pure parts, exposed for their tests ---- */

/* A member as team.h's lookups take it: an account_id (a bare UUID, any case) becomes "{uuid}"
 * in lower case, anything else stays as it is. The result may live in a. */
const char *hub_api_member_key(arena *a, const char *member);

/* Reads PUT /1.0/groups/…'s body into a change (absent or null fields keep their value; strings
 * are borrowed from body). body NULL (no body) changes nothing. WEFT_EINVALID naming the field for
 * a body that is not an object or a field of the wrong type or value. */
int hub_api_group_change(const json_t *body, hub_group_change *out);

/* A JSON object as BBQL sees it: hub_json_field (a bbql_field_fn) reads a dotted path (user.uuid)
 * as text, "true"/"false" for booleans, digits for numbers, NULL for null or absent. */
typedef struct hub_json_item {
	const json_t *json;
	char number[32]; /* where a number's text is written */
} hub_json_item;
const char *hub_json_field(void *item, const char *name);

/* The items of the array items (borrowed) that match q (NULL: all), ordered by sort ("field" or
 * "-field" for descending, NULL keeps the order; stable), as a new array in *out (owned).
 * WEFT_EINVALID for a sort field that is not in fields. */
int hub_api_select(json_t **out, arena *a, const json_t *items, const bbql *q, const char *sort,
                   const char *const *fields);

#endif
