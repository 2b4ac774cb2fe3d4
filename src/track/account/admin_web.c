/* The administrators' area: every account (add one by invitation, deactivate, reactivate),
 * whether self sign-up is open, and the mail outbox, where mail held for want of an SMTP server
 * can be read and its links followed. */
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "mail/mail.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/account/invite.h"

enum { LIST_LIMIT = 500 };

typedef struct admin_ctx {
	web_request *req;
	track_user *users;
	size_t nusers;
	bool signup_open;
	track_account_new n; /* a user to add */
	track_user added;
	const char *username; /* a user to (de)activate */
	bool active;
} admin_ctx;

static int load_users(db_conn *c, void *ctx)
{
	admin_ctx *ac = ctx;
	int rc = track_account_list(c, ac->req->arena, LIST_LIMIT, &ac->users, &ac->nusers);
	return rc < 0 ? rc : track_site_signup_open(c, &ac->signup_open);
}

static json_t *users_json(const admin_ctx *ac)
{
	json_t *items = json_array();
	int64_t self = track_viewer_of(ac->req)->user.id;
	for (size_t i = 0; i < ac->nusers; i++) {
		const track_user *u = &ac->users[i];
		char created[CLOCK_ISO_LEN];
		clock_format_iso8601(created, u->created_at);
		json_array_append_new(
		        items, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b}", "username",
		                         u->username, "account_id", u->account_id, "display_name",
		                         u->display_name, "email", u->email, "is_admin",
		                         u->is_admin, "is_active", u->is_active, "created", created,
		                         "is_self", u->id == self));
	}
	return items;
}

/* The users page, with the add form's outcome (an error, or whom it invited). */
static int users_page(web_request *req, web_response *res, int status, const char *error,
                      const char *invited)
{
	admin_ctx ac = { .req = req };
	char message[512] = "";
	if (error)
		snprintf(message, sizeof message, "%s", error);
	int rc = db_read(track_app_of(req)->d, load_users, &ac);
	if (rc < 0)
		return rc;
	json_t *data = json_pack("{s:b, s:o, s:b, s:s?, s:s?, s:s?, s:s?, s:s?}", "tab_users", true,
	                         "users", users_json(&ac), "signup_open", ac.signup_open, "error",
	                         *message ? message : NULL, "invited", invited, "username",
	                         error ? web_pairs_get(&req->form, "username") : NULL, "email",
	                         error ? web_pairs_get(&req->form, "email") : NULL, "display_name",
	                         error ? web_pairs_get(&req->form, "display_name") : NULL);
	return track_page(req, res, status, "track/admin_users", "Administration: users", data);
}

int track_admin_users_page(web_request *req, web_response *res)
{
	return users_page(req, res, 200, NULL, web_query(req, "invited"));
}

static int add_user(db_conn *c, void *ctx)
{
	admin_ctx *ac = ctx;
	return track_invite_create(c, ac->req->arena, &ac->n, web_base_url(ac->req), &ac->added);
}

int track_admin_user_add_submit(web_request *req, web_response *res)
{
	const char *username = web_pairs_get(&req->form, "username");
	const char *email = web_pairs_get(&req->form, "email");
	const char *admin = web_pairs_get(&req->form, "is_admin");
	admin_ctx ac = { .req = req };
	ac.n = (track_account_new){ username ? username : "", email ? email : "", NULL,
		                    web_pairs_get(&req->form, "display_name"),
		                    admin && strcmp(admin, "true") == 0 };
	int rc = db_tx(track_app_of(req)->d, add_user, &ac);
	if (rc == WEFT_EINVALID || rc == WEFT_EEXISTS)
		return users_page(req, res, rc == WEFT_EINVALID ? 400 : 409, err_msg(), NULL);
	if (rc == 0)
		web_res_redirect(req, res, 303,
		                 arena_printf(req->arena, "/admin?invited=%s", ac.added.username));
	return rc;
}

static int set_active(db_conn *c, void *ctx)
{
	admin_ctx *ac = ctx;
	track_user u;
	int rc = track_account_find_username(c, ac->req->arena, ac->username, &u);
	if (rc == 0 && !ac->active && u.id == track_viewer_of(ac->req)->user.id)
		rc = err_fail(WEFT_ECONFLICT, "You cannot deactivate your own account.");
	return rc < 0 ? rc : track_account_set_active(c, u.id, ac->active);
}

/* A form's "true" or "false". */
static int form_bool(web_request *req, const char *name, bool *out)
{
	const char *value = web_pairs_get(&req->form, name);
	if (!value || (strcmp(value, "true") && strcmp(value, "false")))
		return err_fail(WEFT_EINVALID, "%s must be true or false.", name);
	*out = strcmp(value, "true") == 0;
	return 0;
}

int track_admin_user_active_submit(web_request *req, web_response *res)
{
	admin_ctx ac = { .req = req, .username = web_param(req, "username") };
	int rc = form_bool(req, "active", &ac.active);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, set_active, &ac);
	if (rc == 0)
		web_res_redirect(req, res, 303, "/admin");
	return rc;
}

static int set_signup(db_conn *c, void *ctx)
{
	return track_site_set_signup_open(c, ((admin_ctx *)ctx)->signup_open);
}

int track_admin_signup_submit(web_request *req, web_response *res)
{
	admin_ctx ac = { .req = req };
	int rc = form_bool(req, "open", &ac.signup_open);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, set_signup, &ac);
	if (rc == 0)
		web_res_redirect(req, res, 303, "/admin");
	return rc;
}

static void add_mail(void *ctx, const mail_row *m)
{
	json_t *items = ctx;
	char created[CLOCK_ISO_LEN];
	clock_format_iso8601(created, m->created_at);
	json_array_append_new(items,
	                      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)m->id,
	                                "recipient", m->recipient, "subject", m->subject, "body",
	                                m->body, "state", m->state, "created", created));
}

int track_admin_mail_page(web_request *req, web_response *res)
{
	json_t *items = json_array();
	int rc = mail_list(track_app_of(req)->d, LIST_LIMIT, add_mail, items);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	return track_page(req, res, 200, "track/admin_mail", "Administration: mail",
	                  json_pack("{s:b, s:o}", "tab_mail", true, "mail", items));
}
