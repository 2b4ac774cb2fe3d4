/* Events of A.11 (repo:push, pullrequest:*, repo:commit_status_*, …): one call, made inside the
 * transaction of the change that caused the event, stores what every subscribed hook of the
 * repository and of its workspace will be sent, together with the jobs that send it. */
#ifndef WEFT_HUB_HOOK_EVENT_H
#define WEFT_HUB_HOOK_EVENT_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"

/* An event of A.11, for the hooks of its repository and workspace. */
typedef struct hub_event {
	const char *key; /* "repo:push", "pullrequest:created", … (A.11's event keys) */
	int64_t workspace_id; /* the workspace whose hooks see it */
	int64_t repository_id; /* the repository, or 0 for a workspace-only event */
	int64_t actor_id; /* the acting hub user, or 0 for none (a reconciled push) */
	/* The event's own members ("push", "pullrequest", "approval", "comment",
	 * "changes_request", "commit_status", …), stolen. hub_event_emit adds "actor" and
	 * "repository" (condensed, A.11) itself. */
	json_t *body;
} hub_event;

/* Emits ev inside the caller's open transaction c: finds the active hooks of the repository
 * and of the workspace subscribed to ev->key, builds each payload now, and stores one delivery
 * row per hook with the exact bytes, together with its delivery job. Nothing is recomputed
 * later: retries and Resend send the stored bytes. Returns 0, or the store's error (the caller's
 * transaction then fails and nothing is emitted). ev->body is stolen even on error. */
int hub_event_emit(db_conn *c, arena *a, const hub_event *ev);

/* Whether any active hook of the repository (or of its workspace) subscribes to key: lets a
 * caller skip building an expensive body (repo:push walks commits) that nobody would get.
 * *wanted is false on error too. */
int hub_event_wanted(db_conn *c, int64_t workspace_id, int64_t repository_id, const char *key,
                     bool *wanted);

/* The job kind of deliveries; its payload is {"hook": ID}. */
#define HUB_HOOK_DELIVER_JOB "hub.hook_deliver"

/* Enqueues (inside c's transaction) the job that sends hook_id's pending deliveries, in order;
 * at most one waits per hook. delay_ms: not sooner than that. */
int hub_hook_schedule(db_conn *c, int64_t hook_id, int64_t delay_ms);

#endif
