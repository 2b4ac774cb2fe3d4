/* Jira's issue links over the REST API (/rest/api/{2,latest,3}/): issueLinkType (read by anyone
 * signed in, written by site administrators), issueLink (create, read, delete), and the
 * fields.issuelinks of an issue. */
#ifndef WEFT_TRACK_LINK_API_H
#define WEFT_TRACK_LINK_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "track/link/link.h"
#include "web/web.h"

/* GET issueLinkType: {"issueLinkTypes": [{id, name, inward, outward, self}]}. */
int track_api_link_types(web_request *req, web_response *res);
/* GET issueLinkType/{issueLinkTypeId}: one type, 404 when there is none. */
int track_api_link_type(web_request *req, web_response *res);
/* POST issueLinkType {name, inward, outward}: 201 with the type; 400 with errors.{field}. */
int track_api_link_type_create(web_request *req, web_response *res);
/* PUT issueLinkType/{issueLinkTypeId}: changes the given fields, 200 with the type. */
int track_api_link_type_update(web_request *req, web_response *res);
/* DELETE issueLinkType/{issueLinkTypeId}: the type and its links, 204. */
int track_api_link_type_delete(web_request *req, web_response *res);

/* POST issueLink {type: {name|id}, inwardIssue: {key|id}, outwardIssue: {key|id}, comment?}:
 * 201 (no body; Location names the link), the inward issue linked to the outward one ("inward
 * blocks outward"), the comment added to the outward issue. 400 for a malformed body or an
 * unknown type, 404 for an issue the caller cannot see, 403 without Link issues on the outward
 * issue's project. */
int track_api_link_create(web_request *req, web_response *res);
/* GET issueLink/{linkId}: {id, self, type, inwardIssue, outwardIssue}; 404 when either issue is
 * hidden from the caller, as for no link. */
int track_api_link(web_request *req, web_response *res);
/* DELETE issueLink/{linkId}: 204; 403 without Link issues on either issue's project. */
int track_api_link_delete(web_request *req, web_response *res);

#endif
