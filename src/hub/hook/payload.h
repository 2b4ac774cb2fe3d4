/* The objects webhook payloads embed (A.11): the actor, the repository condensed, links; built
 * outside any request, with hub's configured public URL. */
#ifndef WEFT_HUB_HOOK_PAYLOAD_H
#define WEFT_HUB_HOOK_PAYLOAD_H

#include <jansson.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/workspace.h"
#include "hub/repo/repo.h"

/* {"href": base URL + path}; path starts with '/'. */
json_t *hub_payload_href(const char *path);

/* path with each of the segments escaped: "/2.0/repositories/" + ws + "/" + slug, … The
 * segments end at a NULL; in a. */
const char *hub_payload_path(arena *a, const char *prefix, ...) __attribute__((sentinel));

/* The account object (type "user") with its links. */
json_t *hub_payload_user(arena *a, const hub_user *u);

/* The workspace object (type "workspace": uuid, slug, name, links). */
json_t *hub_payload_workspace(arena *a, const hub_workspace *ws);

/* The repository condensed (type, uuid, name, full_name, links, workspace, project, owner,
 * is_private, scm), read in c's transaction. WEFT_ENOTFOUND when it is gone. */
int hub_payload_repository(db_conn *c, arena *a, const hub_repo *r, json_t **out);

#endif
