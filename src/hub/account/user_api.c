/* The users API in Bitbucket Cloud's shapes. */
#include "hub/account/user_api.h"

#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "hub/api.h"
#include "hub/account/confirm.h"
#include "hub/account/email.h"
#include "hub/hub.h"
#include "web/escape.h"

int hub_api_current_user(web_request *req, web_response *res)
{
	web_res_json(res, 200, hub_api_user(req, &hub_viewer_of(req)->user));
	return 0;
}

typedef struct emails_ctx {
	web_request *req;
	hub_page_params page;
	const char *only; /* one address, for /user/emails/{email} */
	json_t *values;
	int64_t total;
} emails_ctx;

static json_t *email_object(web_request *req, const char *address, bool primary, bool confirmed)
{
	buf self = BUF_INIT;
	buf_puts(&self, "/2.0/user/emails/");
	esc_url_segment(&self, address, strlen(address));
	json_t *o = json_pack("{s:s, s:s, s:b, s:b, s:{s:o}}", "type", "email", "email", address,
	                      "is_primary", primary, "is_confirmed", confirmed, "links", "self",
	                      hub_api_href(req, buf_cstr(&self)));
	buf_dispose(&self);
	return o;
}

/* Adds e to the page when it matches the filter and falls on the page. */
static void page_email(void *ctx, const hub_email *e)
{
	emails_ctx *ec = ctx;
	int64_t first = (ec->page.page - 1) * ec->page.pagelen;
	if (ec->only && strcasecmp(ec->only, e->address) != 0)
		return;
	if (ec->total >= first && ec->total < first + ec->page.pagelen)
		json_array_append_new(
		        ec->values, email_object(ec->req, e->address, e->is_primary, e->confirmed));
	ec->total++;
}

static int list_emails(db_conn *c, void *ctx)
{
	emails_ctx *ec = ctx;
	ec->total = 0;
	return hub_email_list(c, hub_viewer_of(ec->req)->user.id, page_email, ec);
}

int hub_api_user_emails(web_request *req, web_response *res)
{
	emails_ctx ec = { req, { 0 }, NULL, json_array(), 0 };
	int rc = hub_api_page_params(req, &ec.page);
	if (rc == 0)
		rc = db_read(hub_app_of(req)->d, list_emails, &ec);
	if (rc < 0) {
		json_decref(ec.values);
		return rc;
	}
	web_res_json(res, 200, hub_api_envelope(req, &ec.page, ec.values, ec.total, false));
	return 0;
}

int hub_api_user_email(web_request *req, web_response *res)
{
	emails_ctx ec = { req, { 1, 1 }, web_param(req, "email"), json_array(), 0 };
	int rc = db_read(hub_app_of(req)->d, list_emails, &ec);
	if (rc == 0 && ec.total == 0)
		rc = err_fail(WEFT_ENOTFOUND, "You have no email address %s.", ec.only);
	if (rc < 0) {
		json_decref(ec.values);
		return rc;
	}
	web_res_json(res, 200, json_incref(json_array_get(ec.values, 0)));
	json_decref(ec.values);
	return 0;
}

typedef struct selected_ctx {
	web_request *req;
	hub_user user;
} selected_ctx;

static int find_selected(db_conn *c, void *ctx)
{
	selected_ctx *sc = ctx;
	return hub_account_find_name(c, sc->req->arena, web_param(sc->req, "selected_user"),
	                             &sc->user);
}

int hub_api_selected_user(web_request *req, web_response *res)
{
	selected_ctx sc = { .req = req };
	int rc = db_read(hub_app_of(req)->d, find_selected, &sc);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && !sc.user.is_active))
		return err_fail(WEFT_ENOTFOUND, "User %s not found.",
		                web_param(req, "selected_user"));
	if (rc < 0)
		return rc;
	web_res_json(res, 200, hub_api_user(req, &sc.user));
	return 0;
}

typedef struct sign_up_ctx {
	web_request *req;
	account_new n;
	hub_user user;
} sign_up_ctx;

static int sign_up(db_conn *c, void *ctx)
{
	sign_up_ctx *sc = ctx;
	return hub_confirm_sign_up(c, sc->req->arena, &sc->n, web_base_url(sc->req), &sc->user);
}

/* A string member of the body, "" when absent (the rules then name the field). */
static const char *member(const json_t *body, const char *name)
{
	const char *v = json_string_value(json_object_get(body, name));
	return v ? v : "";
}

int hub_api_sign_up(web_request *req, web_response *res)
{
	if (!json_is_object(req->json))
		return err_fail(WEFT_EINVALID, "Send a JSON object: {\"username\", \"email\", "
		                               "\"password\", \"display_name\"}.");
	sign_up_ctx sc = { .req = req };
	const char *display = member(req->json, "display_name");
	sc.n = (account_new){ member(req->json, "username"),
		              member(req->json, "email"),
		              member(req->json, "password"),
		              *display ? display : NULL,
		              false,
		              false };
	int rc = db_tx(hub_app_of(req)->d, sign_up, &sc);
	if (rc < 0)
		return rc;
	web_res_json(res, 201, hub_api_user(req, &sc.user));
	return 0;
}
