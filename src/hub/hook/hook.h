/* Webhooks of a repository or a workspace (A.11): their rules and SQL, the event catalogue,
 * and the delivery log with Resend. Domain only: the routes check admin permission. */
#ifndef WEFT_HUB_HOOK_HOOK_H
#define WEFT_HUB_HOOK_HOOK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

enum {
	HUB_HOOK_DESCRIPTION_MAX = 255, /* characters */
	HUB_HOOK_SECRET_MAX = 128,
	HUB_HOOK_EVENTS_MAX = 32,
	HUB_HOOK_PER_SUBJECT_MAX = 50, /* hooks one repository or workspace may have */
	HUB_HOOK_LOG_PAGE = 50, /* deliveries on one page of the log */
};

/* Whose hook: a repository's (repository_id set) or a workspace's (repository_id 0). */
typedef struct hub_hook_subject {
	int64_t workspace_id;
	int64_t repository_id;
} hub_hook_subject;

typedef struct hub_hook {
	int64_t id;
	char uuid[37];
	hub_hook_subject subject;
	const char *url;
	const char *description;
	bool active;
	bool secret_set;
	bool skip_cert_verification;
	const char **events; /* sorted */
	size_t nevents;
	int64_t created_at, updated_at;
} hub_hook;

/* What a caller sets; for an update, unset members keep their value. */
typedef struct hub_hook_input {
	const char *url; /* NULL: keep (required to create) */
	const char *description; /* NULL: keep ("" to create) */
	int active; /* 1, 0, or -1 to keep (true to create) */
	bool secret_given; /* secret is to change: NULL removes it */
	const char *secret;
	int skip_cert_verification; /* 1, 0, or -1 to keep (false to create) */
	const char *const *events; /* with events_given: the new set, at least one */
	size_t nevents;
	bool events_given;
} hub_hook_input;

/* The catalogue of events one can subscribe to (A.11's keys this hub emits): for subject_type
 * "repository" or "workspace". */
typedef struct hub_hook_event_info {
	const char *event, *category, *label, *description;
} hub_hook_event_info;
const hub_hook_event_info *hub_hook_catalogue(size_t *n);
bool hub_hook_event_known(const char *event);

/* Creates a hook of subject, inside c's transaction: the URL checked (hub_hook_check_url), the
 * events known, the description one line. WEFT_EINVALID naming the field, WEFT_ELIMIT past
 * HUB_HOOK_PER_SUBJECT_MAX. */
int hub_hook_create(db_conn *c, arena *a, const hub_hook_subject *s, int64_t creator_id,
                    const hub_hook_input *in, hub_hook *out);
/* Changes the hook of subject with uuid (plain or braced). A hook made active again gets its
 * waiting deliveries sent. WEFT_ENOTFOUND when subject has no such hook. */
int hub_hook_update(db_conn *c, arena *a, const hub_hook_subject *s, const char *uuid,
                    const hub_hook_input *in, hub_hook *out);
int hub_hook_delete(db_conn *c, const hub_hook_subject *s, const char *uuid);
int hub_hook_get(db_conn *c, arena *a, const hub_hook_subject *s, const char *uuid, hub_hook *out);
/* The hooks of subject, oldest first, into an array of a. */
int hub_hook_list(db_conn *c, arena *a, const hub_hook_subject *s, hub_hook **out, size_t *n);

/* ---- the delivery log ---- */

typedef struct hub_hook_attempt {
	int64_t id;
	int attempt;
	int64_t started_at, duration_ms;
	const char *request_headers;
	int status; /* 0: no response */
	const char *response_headers, *response_body, *error;
} hub_hook_attempt;

typedef struct hub_hook_delivery {
	int64_t id;
	const char *event, *request_uuid, *state; /* pending, delivered, failed */
	int attempts;
	int64_t created_at, next_attempt_at, finished_at;
	int64_t resent_from; /* 0: an original */
	int last_status; /* of the last attempt; 0 for none or no response */
	const char *body; /* filled by hub_hook_delivery_get only */
	hub_hook_attempt *tries; /* likewise, oldest first */
	size_t ntries;
} hub_hook_delivery;

/* One page of hook_id's deliveries, newest first: those older than before_id (0: from the
 * newest), failed ones only when failed_only, at most HUB_HOOK_LOG_PAGE. Array in a. */
int hub_hook_deliveries(db_conn *c, arena *a, int64_t hook_id, bool failed_only, int64_t before_id,
                        hub_hook_delivery **out, size_t *n);
/* One delivery of hook_id with its body and every attempt. WEFT_ENOTFOUND when none. */
int hub_hook_delivery_get(db_conn *c, arena *a, int64_t hook_id, int64_t delivery_id,
                          hub_hook_delivery *out);
/* Sends a delivery again: a new delivery with the same stored bytes, signature and request
 * UUID, queued behind the hook's others. *resent_id gets its id. WEFT_ENOTFOUND when none. */
int hub_hook_resend(db_conn *c, int64_t hook_id, int64_t delivery_id, int64_t *resent_id);

#endif
