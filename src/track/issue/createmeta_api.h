/* Jira's create and edit metadata: what a client may set when it creates an issue (createmeta,
 * and the paged createmeta/{project}/issuetypes[/{id}]) or edits one (editmeta), so that generic
 * clients can build their forms and resolve names to ids. */
#ifndef WEFT_TRACK_ISSUE_CREATEMETA_API_H
#define WEFT_TRACK_ISSUE_CREATEMETA_API_H

#include "web/web.h"

/* GET issue/createmeta: the projects the caller may create issues in (filtered by projectKeys,
 * projectIds), each with its issue types (filtered by issuetypeIds, issuetypeNames), with the
 * fields under expand=projects.issuetypes.fields. */
int track_api_createmeta(web_request *req, web_response *res);
/* GET issue/createmeta/{projectIdOrKey}/issuetypes: a page of the project's issue types. */
int track_api_createmeta_types(web_request *req, web_response *res);
/* GET issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}: a page of that type's fields;
 * 404 for an unknown type. */
int track_api_createmeta_fields(web_request *req, web_response *res);
/* GET issue/{issueIdOrKey}/editmeta: the fields the caller may edit ({} without Edit issues). */
int track_api_editmeta(web_request *req, web_response *res);

#endif
