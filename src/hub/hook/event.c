/* Emitting events: the subscribed hooks, the payload built once, one delivery row per hook with
 * its signature, and the job that sends the hook's deliveries in order. */
#include "hub/hook/event.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/token.h"
#include "db/jobs.h"
#include "hub/hook/payload.h"

/* ---- the hooks an event reaches ---- */

typedef struct target {
	int64_t id;
	char *secret; /* NULL: none */
} target;

static const char subscribed_sql[] =
        "SELECT h.id, h.secret FROM hooks h JOIN hook_subscriptions s ON s.hook_id = h.id"
        " AND s.event = $3 WHERE h.active = 1 AND (h.repository_id = $1 OR"
        " (h.repository_id IS NULL AND h.workspace_id = $2)) ORDER BY h.id";

int hub_event_wanted(db_conn *c, int64_t workspace_id, int64_t repository_id, const char *key,
                     bool *wanted)
{
	db_stmt *st;
	*wanted = false;
	int rc = db_query(&st, c, subscribed_sql, db_int(repository_id), db_int(workspace_id),
	                  db_text(key));
	if (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*wanted = true;
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int find_targets(db_conn *c, arena *a, const hub_event *ev, target **out, size_t *n)
{
	db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = db_query(&st, c, subscribed_sql, db_int(ev->repository_id),
	                  db_int(ev->workspace_id), db_text(ev->key));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		*out = array_room(a, *out, *n, &cap, sizeof **out);
		const char *secret = db_col_text(st, 1);
		(*out)[(*n)++] = (target){ db_col_int(st, 0),
			                   secret && *secret ? arena_strdup(a, secret) : NULL };
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* ---- the payload ---- */

static int add_actor(db_conn *c, arena *a, json_t *body, int64_t actor_id)
{
	hub_user u;
	if (!actor_id) {
		json_object_set_new(body, "actor", json_null());
		return 0;
	}
	int rc = hub_account_find_id(c, a, actor_id, &u);
	if (rc == WEFT_ENOTFOUND) {
		json_object_set_new(body, "actor", json_null());
		return 0;
	}
	if (rc == 0)
		json_object_set_new(body, "actor", hub_payload_user(a, &u));
	return rc;
}

static int add_repository(db_conn *c, arena *a, json_t *body, int64_t repository_id)
{
	hub_repo r;
	json_t *repo = NULL;
	if (!repository_id)
		return 0;
	int rc = hub_repo_get(c, a, repository_id, &r);
	if (rc == 0)
		rc = hub_payload_repository(c, a, &r, &repo);
	if (rc == 0)
		json_object_set_new(body, "repository", repo);
	return rc;
}

/* "sha256=" and the hex HMAC-SHA256 of body keyed by secret, in a. */
static const char *sign(arena *a, const char *secret, const char *body, size_t len)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof mac + 1];
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	return arena_printf(a, "sha256=%s", hex);
}

/* ---- storing ---- */

int hub_hook_schedule(db_conn *c, int64_t hook_id, int64_t delay_ms)
{
	char payload[64], key[64];
	snprintf(payload, sizeof payload, "{\"hook\":%lld}", (long long)hook_id);
	snprintf(key, sizeof key, "hook:%lld", (long long)hook_id);
	/* The hook's own sender gives up on a delivery after the retry window; the queue's
	 * attempts only cover the store failing under it. */
	job_enqueue_options opt = { .dedup_key = key, .delay_ms = delay_ms, .max_attempts = 50 };
	return jobs_enqueue(c, HUB_HOOK_DELIVER_JOB, payload, &opt, NULL);
}

static int store_delivery(db_conn *c, arena *a, const hub_event *ev, const target *t,
                          const char *body, size_t len)
{
	char uuid[TOKEN_UUID_LEN];
	token_uuid(uuid);
	int64_t now = clock_now_ms();
	int rc = db_exec(
	        c,
	        "INSERT INTO hook_deliveries (hook_id, event, request_uuid, body, signature,"
	        " created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
	        db_int(t->id), db_text(ev->key), db_text(uuid), db_textn(body, len),
	        db_text(t->secret ? sign(a, t->secret, body, len) : NULL), db_int(now));
	return rc < 0 ? rc : hub_hook_schedule(c, t->id, 0);
}

int hub_event_emit(db_conn *c, arena *a, const hub_event *ev)
{
	json_t *body = ev->body;
	target *targets = NULL;
	size_t n = 0;
	char *text = NULL;
	int rc =
	        json_is_object(body) ? 0 : err_fail(WEFT_ERROR, "event %s without a body", ev->key);
	if (rc == 0)
		rc = find_targets(c, a, ev, &targets, &n);
	if (rc < 0 || n == 0)
		goto done;
	rc = add_actor(c, a, body, ev->actor_id);
	if (rc == 0)
		rc = add_repository(c, a, body, ev->repository_id);
	if (rc < 0)
		goto done;
	text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		rc = err_fail(WEFT_ERROR, "event %s: cannot serialize its payload", ev->key);
		goto done;
	}
	size_t len = strlen(text);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = store_delivery(c, a, ev, &targets[i], text, len);
done:
	free(text);
	json_decref(body);
	return rc;
}
