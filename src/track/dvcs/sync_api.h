/* The connector's webhook target: POST /rest/bitbucket/1.0/repository/{id}/sync, where the code
 * host delivers repo:push, pullrequest:* and repo:commit_status_* events of a linked repository.
 * No user signs in: the HMAC-SHA256 signature of the body with the repository's hook secret
 * (DVCS_SIGNATURE_HEADER, "sha256=<hex>") is the authentication. */
#ifndef WEFT_TRACK_DVCS_SYNC_API_H
#define WEFT_TRACK_DVCS_SYNC_API_H

#include "web/web.h"

enum { DVCS_WEBHOOK_BODY_LIMIT = 1024 * 1024 }; /* a push of many commits stays well below */

/* Checks the signature (constant time) and, in one transaction: repo:push stores the payload's
 * commits that name keys as provisional (provisional.h: the panel shows them at once) and queues
 * a soft sync, which confirms them from the mirror or removes them;
 * pullrequest:* applies the pull request at once (dvcs_pulls_apply_event) and queues a soft sync;
 * repo:commit_status_* applies the build (dvcs_builds_apply_event); other events are ignored.
 * Answers 202 without waiting for the sync. 404 for an unknown repository, 401 for a missing or
 * wrong signature, 400 for a payload the event's handler cannot read: nothing is done then. */
int dvcs_sync_webhook(web_request *req, web_response *res);

#endif
