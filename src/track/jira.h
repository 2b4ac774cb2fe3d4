/* What the track issue API handlers share: the API version in the path (2, latest, 3), Jira's
 * timestamps, field errors, absolute self links, the JSON of the global lists (status,
 * priority, issue type, resolution), users by id, and rich text as Markdown (v2) or ADF (v3). */
#ifndef WEFT_TRACK_JIRA_H
#define WEFT_TRACK_JIRA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "track/issue/issue.h"
#include "track/issue/workflow.h"
#include "web/web.h"

/* Whether the request came under /rest/api/3/ (rich text in ADF); /rest/api/2/ and
 * /rest/api/latest/ are plain. WEFT_ENOTFOUND for any other version. */
int track_jira_version(const web_request *req, bool *out_v3);

/* "2024-01-15T10:30:00.000+0000" for epoch milliseconds, in the arena; NULL for 0. */
const char *track_jira_time(arena *a, int64_t ms);
/* Parses Jira's timestamp ("2024-06-03T08:21:01.273+0000", also "Z" or "+02:00", seconds and
 * fraction optional) into epoch milliseconds. WEFT_EINVALID. */
int track_jira_parse_time(int64_t *out, const char *s);

/* An absolute link: the base URL, then /rest/api/<the request's version>/ and the formatted
 * rest. */
const char *track_jira_self(const web_request *req, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Answers 400 with {"errorMessages": [], "errors": {field: message}}. */
void track_jira_field_error(web_response *res, const char *field, const char *message);
/* Answers 400 with errorMessages [message] (or field errors when field is set). */
void track_jira_bad_request(web_response *res, const char *field, const char *message);

json_t *track_jira_status_json(const web_request *req, const track_status *s);
json_t *track_jira_status_category_json(const web_request *req, const char *key);
json_t *track_jira_priority_json(const web_request *req, int64_t id, const char *name);
json_t *track_jira_resolution_json(const web_request *req, int64_t id, const char *name);
/* An issue type from its columns (issue_types: level is hierarchy_level). */
json_t *track_jira_issuetype(const web_request *req, int64_t id, const char *name,
                             const char *description, bool subtask, int64_t level);
/* An issue type by id, read from the store. */
int track_jira_issuetype_json(db_conn *c, const web_request *req, int64_t id, json_t **out);
/* Every issue type, for GET issuetype and project issueTypes. */
int track_jira_issuetypes_json(db_conn *c, const web_request *req, json_t **out);

/* Jira's user JSON for a user id (json null for 0 or an unknown user). */
json_t *track_jira_user(db_conn *c, const web_request *req, int64_t user_id);

/* Rich text out: a string (v2) or an ADF document (v3). */
json_t *track_jira_text(const char *markdown, bool v3);
/* Rich text in: a string, or an ADF document when v3 (a string is accepted there too). NULL
 * value gives NULL. WEFT_EINVALID for anything else. */
int track_jira_text_in(const char **out, arena *a, const json_t *value, bool v3);

/* A user named by {"accountId"}, {"name"}, {"id"}, {"key"}, {"emailAddress"} or a bare string:
 * its id; 0 when value is null or names "-1" (unassigned). WEFT_EINVALID for an unknown user. */
int track_jira_user_ref(db_conn *c, arena *a, const json_t *value, int64_t *out);

/* A number as Jira reads one (Jackson's coercion): a JSON integer, or a string of decimal digits
 * ("1800"). WEFT_EINVALID ("'name' must be a number.") for anything else. */
int track_jira_int(const json_t *v, const char *name, int64_t *out);
/* An id as text: a JSON string as is, an integer printed (ids come as either); NULL for
 * anything else. In a. */
const char *track_jira_id_text(arena *a, const json_t *v);

/* Runs fn(c, ctx) in a read transaction (write: a write one) and answers status with the JSON it
 * leaves in *out, which is cleared before each attempt the store makes; frees it on failure. */
int track_jira_answer(web_request *req, web_response *res, int status, bool write, db_fn fn,
                      void *ctx, json_t **out);

#endif
