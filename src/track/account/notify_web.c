/* The notifications page: whether a user gets mail about the issues they watch, and about their
 * own changes too (issue/notify.h sends it). */
#include <string.h>

#include "track/account/account_web.h"
#include "track/issue/notify.h"

typedef struct settings_ctx {
	int64_t user_id;
	bool watching, own_changes;
} settings_ctx;

static int read_settings(db_conn *c, void *ctx)
{
	settings_ctx *sc = ctx;
	return track_notify_settings_get(c, sc->user_id, &sc->watching, &sc->own_changes);
}

static int write_settings(db_conn *c, void *ctx)
{
	settings_ctx *sc = ctx;
	return track_notify_settings_set(c, sc->user_id, sc->watching, sc->own_changes);
}

int track_notifications_page(web_request *req, web_response *res)
{
	settings_ctx sc = { .user_id = track_viewer_of(req)->user.id };
	int rc = db_read(track_app_of(req)->d, read_settings, &sc);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:b, s:b, s:b}", "watching", sc.watching, "own_changes",
	                         sc.own_changes, "saved", web_query(req, "saved") != NULL);
	return track_page(req, res, 200, "track/notifications", "Notifications", data);
}

/* A checkbox is on when the form sends it; nothing else is read, so no value can be wrong. */
static bool checked(web_request *req, const char *name)
{
	const char *v = web_pairs_get(&req->form, name);
	return v && strcmp(v, "on") == 0;
}

int track_notifications_submit(web_request *req, web_response *res)
{
	settings_ctx sc = { .user_id = track_viewer_of(req)->user.id,
		            .watching = checked(req, "watching"),
		            .own_changes = checked(req, "own_changes") };
	int rc = db_tx(track_app_of(req)->d, write_settings, &sc);
	if (rc == 0)
		web_res_redirect(req, res, 303, "/account/notifications?saved=1");
	return rc;
}
