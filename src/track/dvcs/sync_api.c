/* The webhook target: signature first, then the event's work and a 202, in one transaction. */
#include "track/dvcs/sync_api.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "track/dvcs/discover.h"
#include "track/dvcs/dvcs.h"
#include "track/dvcs/provisional.h"
#include "track/dvcs/pulls.h"
#include "track/dvcs/push_payload.h"

/* What a delivery is about. */
typedef struct delivery {
	web_request *req;
	int64_t repo_id;
	const char *event; /* "" when the header is missing */
	const char *signature; /* NULL when missing */
	int64_t provisional; /* commits of a push shown before the sync */
	const char *gone; /* a hook an unlink left on the host: why its deliveries are refused */
} delivery;

static int repo_id_of(const char *text, int64_t *id)
{
	char *end = NULL;
	errno = 0;
	long long v = text && *text >= '1' && *text <= '9' ? strtoll(text, &end, 10) : 0;
	if (v <= 0 || errno || !end || *end)
		return err_fail(WEFT_ENOTFOUND, "No repository with this id");
	*id = v;
	return 0;
}

/* Whether signature is "sha256=" and the hex of body's HMAC-SHA256 with secret. */
static bool signed_by(const char *signature, const buf *body, const char *secret)
{
	static const char prefix[] = "sha256=";
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	size_t len = 0;
	const char *end = NULL;
	if (!signature || strncmp(signature, prefix, sizeof prefix - 1) != 0)
		return false;
	const char *hex = signature + sizeof prefix - 1;
	if (strlen(hex) != 2 * sizeof got ||
	    sodium_hex2bin(got, sizeof got, hex, strlen(hex), NULL, &len, &end) != 0 ||
	    len != sizeof got)
		return false;
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)(body->ptr ? body->ptr : ""),
	                              body->len);
	crypto_auth_hmacsha256_final(&st, want);
	return sodium_memcmp(want, got, sizeof want) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static json_t *parsed(const buf *body)
{
	json_error_t e;
	return body->len ? json_loadb(body->ptr, body->len, 0, &e) : NULL;
}

/* A push: its commits that name keys are shown at once, and the sync that reads them from the
 * mirror is queued. A payload without readable commits still queues the sync. */
static int apply_push(db_conn *c, delivery *d)
{
	json_t *payload = parsed(&d->req->body);
	dvcs_commit *commits = NULL;
	size_t n = 0;
	dvcs_push_commits(d->req->arena, payload, &commits, &n);
	json_decref(payload);
	int rc = dvcs_provisional_store(c, d->req->arena, d->repo_id, commits, n, &d->provisional);
	return rc < 0 ? rc : dvcs_sync_enqueue(c, d->repo_id, false);
}

/* The event's work, once the delivery is known to come from the host. */
static int apply(db_conn *c, delivery *d)
{
	if (strcmp(d->event, "repo:push") == 0)
		return apply_push(c, d);
	bool pull = starts_with(d->event, "pullrequest:");
	if (!pull && !starts_with(d->event, "repo:commit_status_"))
		return 0;
	json_t *payload = parsed(&d->req->body);
	if (!json_is_object(payload)) {
		json_decref(payload);
		return err_fail(WEFT_EINVALID, "The payload is not a JSON object");
	}
	int rc = pull ? dvcs_pulls_apply_event(c, d->req->arena, d->repo_id, d->event, payload)
	              : dvcs_builds_apply_event(c, d->req->arena, d->repo_id, payload);
	json_decref(payload);
	if (rc == 0 && pull)
		rc = dvcs_sync_enqueue(c, d->repo_id, false);
	return rc;
}

static int receive(db_conn *c, void *ctx)
{
	delivery *d = ctx;
	const track_app *app = track_app_of(d->req);
	dvcs_repo repo;
	int rc = dvcs_repo_get(c, d->req->arena, d->repo_id, &repo);
	dvcs_left_hook left;
	if (rc == WEFT_ENOTFOUND &&
	    dvcs_left_hook_of_repo(c, d->req->arena, d->repo_id, &left) == 0) {
		/* fixed words: the caller is not known to be the host (the secret went) */
		d->gone = "This repository was unlinked from the tracker, which could not remove"
		          " this webhook from the host. Delete the webhook.";
		return 0;
	}
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "No repository with this id");
	const char *secret = NULL;
	if (rc == 0)
		rc = dvcs_repo_hook_secret(app, c, d->req->arena, d->repo_id, &secret);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EAUTH, "The repository has no webhook");
	if (rc < 0)
		return rc;
	if (!signed_by(d->signature, &d->req->body, secret))
		return err_fail(WEFT_EAUTH, "The signature does not match the body");
	if (!repo.linked || repo.deleted)
		return 0;
	return apply(c, d);
}

int dvcs_sync_webhook(web_request *req, web_response *res)
{
	int64_t began = clock_mono_ns();
	const char *event = web_header(req, DVCS_EVENT_HEADER);
	delivery d = { .req = req,
		       .event = event ? event : "",
		       .signature = web_header(req, DVCS_SIGNATURE_HEADER) };
	int rc = repo_id_of(web_param(req, "id"), &d.repo_id);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, receive, &d);
	if (rc < 0)
		return rc;
	if (d.gone) { /* 410: the host's delivery log shows why, and the hook is to be deleted */
		web_res_json(res, 410,
		             json_pack("{s:[s], s:{}}", "errorMessages", d.gone, "errors"));
		return 0;
	}
	log_debug("dvcs webhook repo=%lld event=%s provisional=%lld took=%.2f",
	          (long long)d.repo_id, d.event, (long long)d.provisional,
	          (double)(clock_mono_ns() - began) / 1e6);
	web_res_json(res, 202, json_pack("{s:s}", "status", "accepted"));
	return 0;
}
