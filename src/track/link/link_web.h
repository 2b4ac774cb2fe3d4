/* The issue page's Links section: what it shows and what its add form posts. The forms
 * themselves are handled with the issue page's others (issue/issue_web.c). */
#ifndef WEFT_TRACK_LINK_WEB_H
#define WEFT_TRACK_LINK_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "web/web.h"

/* {groups: [{phrase, issues: [{link_id, key, summary, status, category}]}], remote: [{url,
 * title, summary, relationship}], choices: [{value, phrase}], any, has_remote} for issue_id: the links whose
 * other issue the viewer may browse. A new reference in *out. Store errors. */
int track_link_view_json(db_conn *c, web_request *req, int64_t issue_id, json_t **out);

/* The add form's choice ("10000-out", "10000-in"): the type and whether the page's issue is the
 * link's source. WEFT_EINVALID for anything else. */
int track_link_web_choice(const char *value, int64_t *type_id, bool *outward);

#endif
