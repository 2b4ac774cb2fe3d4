/* Attachments over Jira's REST API, the content and thumbnail URLs, and the issue page's upload
 * and delete forms (attachment_api.c). */
#ifndef WEFT_TRACK_ISSUE_ATTACHMENT_API_H
#define WEFT_TRACK_ISSUE_ATTACHMENT_API_H

#include <jansson.h>
#include <stdbool.h>

#include "track/issue/attachment.h"
#include "web/web.h"

/* Jira's attachment JSON: self, id (a number for GET attachment/{id}, else a string as in
 * fields.attachment), filename, author, created, size, mimeType, content, and thumbnail for
 * images that have one. A new reference. */
json_t *track_api_attachment_json(web_request *req, const track_attachment *a, bool numeric_id);

/* The absolute URL of an attachment's content (kind "attachment": /secure/attachment/{id}/{name})
 * or thumbnail ("thumbnail"), the name percent-encoded; in req's arena. */
const char *track_attachment_url(web_request *req, const char *kind, const track_attachment *a);

/* The body_chunk of both upload routes: the body streams into temporary files (attachment.h).
 * On the API route the first chunk is refused without "X-Atlassian-Token: no-check" (403, "XSRF
 * check failed", as Jira), before anything is written. */
int track_attachment_upload_chunk(web_request *req, const char *data, size_t len);
/* POST issue/{issueIdOrKey}/attachments: 200 with the array of the new attachments. */
int track_api_attachment_upload(web_request *req, web_response *res);
/* GET attachment/meta: {"enabled", "uploadLimit"}. */
int track_api_attachment_meta(web_request *req, web_response *res);
/* GET attachment/{id}: the attachment (404 unless the caller may browse its issue). */
int track_api_attachment(web_request *req, web_response *res);
/* DELETE attachment/{id}: 204; the author needs Delete own attachments, anyone else Delete all
 * attachments (403). */
int track_api_attachment_delete(web_request *req, web_response *res);
/* The content (/secure/attachment/{id}/{filename}, attachment/content/{id}) and thumbnail
 * (/secure/thumbnail/{id}/{filename}, attachment/thumbnail/{id}: an image up to
 * TRACK_ATTACHMENT_THUMBNAIL_MAX is its own thumbnail; 404 for others), streamed with
 * Content-Disposition (inline only for images other than SVG), a sandbox policy and nosniff. */
int track_attachment_content(web_request *req, web_response *res);
int track_attachment_thumbnail(web_request *req, web_response *res);

/* The issue page's forms: POST /browse/{issue}/attachments (multipart, with the CSRF token) and
 * POST /browse/{issue}/attachments/{id}/delete; both return to the page. */
int track_issue_attachment_submit(web_request *req, web_response *res);
int track_issue_attachment_delete_submit(web_request *req, web_response *res);

#endif
