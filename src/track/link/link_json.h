/* Issue links and their types as Jira's JSON shows them: a leaf module, so that the issue's
 * fields.issuelinks (issue_api.c) and the issueLink resources (link_api.c) share it without
 * depending on each other. */
#ifndef WEFT_TRACK_LINK_JSON_H
#define WEFT_TRACK_LINK_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "track/link/link.h"
#include "web/web.h"

/* A link type: {id, name, inward, outward, self}. */
json_t *track_api_link_type_json(const web_request *req, const track_link_type *t);
/* The other issue of a link: {id, key, self, fields: {summary, status, priority, issuetype}}. */
json_t *track_api_linked_issue_json(const web_request *req, const track_issue_link *l);
/* One link as seen from its issue: {id, self, type, inwardIssue|outwardIssue}. */
json_t *track_api_issuelink_json(const web_request *req, const track_issue_link *l);
/* fields.issuelinks of issue_id from links (track_link_of_issues' rows, any issues): a new
 * array. */
json_t *track_api_issuelinks_json(const web_request *req, const track_issue_link *links, size_t n,
                                  int64_t issue_id);

#endif
