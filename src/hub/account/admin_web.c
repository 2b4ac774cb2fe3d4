/* The administrators' area: every account (with deactivation), and the mail outbox, where mail
 * held for want of an SMTP server can be read and its links followed. */
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "hub/hub.h"
#include "mail/mail.h"

enum { LIST_LIMIT = 500 };

typedef struct list_ctx {
	web_request *req;
	arena *a;
	json_t *items;
} list_ctx;

static void add_user(void *ctx, const hub_user *u)
{
	list_ctx *lc = ctx;
	char created[CLOCK_ISO_LEN];
	clock_format_iso8601(created, u->created_at);
	json_array_append_new(lc->items,
	                      json_pack("{s:s, s:s, s:s?, s:b, s:b, s:b, s:s, s:b}", "username",
	                                u->username, "display_name", u->display_name, "email",
	                                u->email, "email_confirmed", u->email_confirmed, "is_admin",
	                                u->is_admin, "is_active", u->is_active, "created", created,
	                                "is_self", u->id == hub_viewer_of(lc->req)->user.id));
}

static int list_users(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	return hub_account_list(c, lc->a, LIST_LIMIT, add_user, lc);
}

int hub_admin_users_page(web_request *req, web_response *res)
{
	list_ctx lc = { req, req->arena, json_array() };
	int rc = db_read(hub_app_of(req)->d, list_users, &lc);
	if (rc < 0) {
		json_decref(lc.items);
		return rc;
	}
	return hub_page(req, res, 200, "hub/admin_users", "Administration: users",
	                json_pack("{s:o}", "users", lc.items));
}

typedef struct active_ctx {
	web_request *req;
	const char *username;
	bool active;
} active_ctx;

static int set_active(db_conn *c, void *ctx)
{
	active_ctx *ac = ctx;
	hub_user u;
	int rc = hub_account_find_name(c, ac->req->arena, ac->username, &u);
	if (rc == 0 && !ac->active && u.id == hub_viewer_of(ac->req)->user.id)
		rc = err_fail(WEFT_ECONFLICT, "You cannot deactivate your own account.");
	if (rc == 0)
		rc = hub_account_set_active(c, u.id, ac->active);
	return rc;
}

int hub_admin_user_active_submit(web_request *req, web_response *res)
{
	const char *value = web_pairs_get(&req->form, "active");
	if (!value || (strcmp(value, "true") && strcmp(value, "false")))
		return err_fail(WEFT_EINVALID, "active must be true or false.");
	active_ctx ac = { req, web_param(req, "username"), strcmp(value, "true") == 0 };
	int rc = db_tx(hub_app_of(req)->d, set_active, &ac);
	if (rc < 0)
		return rc;
	web_res_redirect(req, res, 303, "/admin");
	return 0;
}

static void add_mail(void *ctx, const mail_row *m)
{
	list_ctx *lc = ctx;
	char created[CLOCK_ISO_LEN];
	clock_format_iso8601(created, m->created_at);
	json_array_append_new(
	        lc->items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s?, s:s}", "id",
	                             (json_int_t)m->id, "recipient", m->recipient, "subject",
	                             m->subject, "body", m->body, "state", m->state, "attempts",
	                             m->attempts, "last_error", m->last_error, "created", created));
}

int hub_admin_mail_page(web_request *req, web_response *res)
{
	list_ctx lc = { req, req->arena, json_array() };
	int rc = mail_list(hub_app_of(req)->d, LIST_LIMIT, add_mail, &lc);
	if (rc < 0) {
		json_decref(lc.items);
		return rc;
	}
	return hub_page(req, res, 200, "hub/admin_mail", "Administration: mail",
	                json_pack("{s:o}", "mail", lc.items));
}
