/* The account settings pages. Each page has one renderer, which shows its data with a notice (after
 * a change) or a refusal (with what was typed); each change runs in one transaction, then
 * redirects to its page or re-renders it. */
#include "hub/account/settings_web.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "hub/account/app_password.h"
#include "hub/account/confirm.h"
#include "hub/account/email.h"
#include "hub/form.h"
#include "hub/hub.h"
#include "hub/account/profile.h"
#include "web/status.h"
#include "web/throttle.h"

static int check_id(const char *value)
{
	int64_t id;
	return str_to_i64(&id, value, 1, INT64_MAX, "id");
}

const web_param_spec hub_settings_id_params[] = {
	{ "id", WEB_FROM_PATH, true, check_id, 0 },
	{ NULL, WEB_FROM_PATH, false, NULL, 0 },
};

/* What one request typed and what its change produced, for its transaction and for the page
 * that answers. */
typedef struct change {
	web_request *req;
	const hub_viewer *v;
	int64_t id; /* {id}: an address or an app password */
	const char *text; /* the field typed: a display name, an address, a label */
	const char *scopes; /* the permissions ticked, space-separated */
	const char *current, *fresh, *repeat; /* passwords: never shown again */
	char secret[APP_PASSWORD_SECRET_LEN + 1]; /* a new app password's, or "" */
	hub_app_password created;
	int refused; /* a wrong current password whose failure count must still commit */
	char message[512];
} change;

/* Renders a page; error is NULL unless a change was refused, typed NULL on a plain GET. */
typedef int (*page_fn)(web_request *req, web_response *res, int status, const char *error,
                       const change *typed);

static db *db_of(const web_request *req)
{
	return hub_app_of(req)->d;
}

/* Starts a change (or a page); the router has made sure that a browser session is behind it
 * (WEB_NEEDS_SESSION): no app password or Basic login manages the account. */
static int begin(web_request *req, change *out)
{
	*out = (change){ .req = req, .v = hub_viewer_of(req) };
	const char *id = web_param(req, "id");
	return id ? str_to_i64(&out->id, id, 1, INT64_MAX, "id") : 0;
}

/* A form field, "" when absent. */
static const char *field(const web_request *req, const char *name)
{
	const char *value = web_pairs_get(&req->form, name);
	return value ? value : "";
}

/* Sets a string member; text that is not UTF-8 (typed by the user, and refused) is shown with
 * '?' for its non-ASCII bytes rather than lost. NULL sets nothing. */
static void set_text(json_t *object, const char *key, const char *text)
{
	if (!text)
		return;
	json_t *value = json_string(text);
	if (!value) {
		buf ascii = BUF_INIT;
		for (const char *p = text; *p; p++)
			buf_append(&ascii, (unsigned char)*p < 0x80 ? p : "?", 1);
		value = json_string(buf_cstr(&ascii));
		buf_dispose(&ascii);
	}
	json_object_set_new(object, key, value);
}

/* key: "2024-05-01 14:03 UTC" for people, and key_iso for <time datetime>. */
static void set_time(json_t *object, const char *key, int64_t epoch_ms)
{
	char iso[CLOCK_ISO_LEN], shown[32], iso_key[32];
	clock_format_iso8601(iso, epoch_ms);
	snprintf(shown, sizeof shown, "%.10s %.5s UTC", iso, iso + 11);
	snprintf(iso_key, sizeof iso_key, "%s_iso", key);
	json_object_set_new(object, key, json_string(shown));
	json_object_set_new(object, iso_key, json_string(iso));
}

/* The notices a change redirects with (?done=KEY): a fixed table, so that no text comes from the
 * URL. */
static const struct {
	const char *key, *text;
} notices[] = {
	{ "saved", "Your display name is saved." },
	{ "added", "Address added. Follow the link we mailed to it to confirm it." },
	{ "resent", "A new confirmation link is on its way." },
	{ "primary", "Your primary address changed: mail goes there from now on." },
	{ "removed", "The address is removed." },
	{ "password", "Your password changed. Your other sessions are signed out." },
	{ "revoked", "The app password is revoked: it no longer works." },
};

static const char *notice_of(const web_request *req)
{
	const char *key = web_query(req, "done");
	for (size_t i = 0; key && i < sizeof notices / sizeof notices[0]; i++)
		if (strcmp(key, notices[i].key) == 0)
			return notices[i].text;
	return NULL;
}

/* Every settings page: the tabs with tab marked, then the notice or the refusal. */
static int settings_page(web_request *req, web_response *res, int status, const char *tab,
                         const char *title, const char *error, json_t *data)
{
	json_object_set_new(data, arena_printf(req->arena, "tab_%s", tab), json_true());
	set_text(data, "username", hub_viewer_of(req)->user.username);
	set_text(data, "error", error);
	if (!error)
		set_text(data, "notice", notice_of(req));
	return hub_page(req, res, status, arena_printf(req->arena, "hub/settings_%s", tab), title,
	                data);
}

/* A refusal the user can act on: the page answers with the reason. Anything else is an error
 * page. */
static bool is_refusal(int rc)
{
	return rc == WEFT_EINVALID || rc == WEFT_EEXISTS || rc == WEFT_ECONFLICT ||
	       rc == WEFT_ENOTFOUND || rc == WEFT_EAUTH || rc == WEFT_ELIMIT;
}

/* A wrong current password is a mistake in a form field, not a failed sign-in: 400. */
static int refusal_status(int rc)
{
	return rc == WEFT_EAUTH ? 400 : web_status_for_error(rc);
}

/* After a change: its page with the refusal, the error, or a redirect to done. */
static int finish(web_request *req, web_response *res, int rc, const change *ch, page_fn page,
                  const char *done)
{
	if (is_refusal(rc))
		return page(req, res, refusal_status(rc), arena_strdup(req->arena, err_msg()), ch);
	if (rc < 0)
		return rc;
	web_res_redirect(req, res, 303, done);
	return 0;
}

/* ---- profile ---- */

static int profile_page(web_request *req, web_response *res, int status, const char *error,
                        const change *typed)
{
	const hub_user *user = &hub_viewer_of(req)->user;
	json_t *data = json_object();
	set_text(data, "email", user->email);
	set_text(data, "display_name", typed ? typed->text : user->display_name);
	return settings_page(req, res, status, "profile", "Profile", error, data);
}

int hub_settings_profile_page(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	return rc < 0 ? rc : profile_page(req, res, 200, NULL, NULL);
}

static int set_display_name(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return hub_profile_set_display_name(c, &ch->v->user, ch->text);
}

int hub_settings_profile_submit(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	ch.text = field(req, "display_name");
	if (rc == 0)
		rc = db_tx(db_of(req), set_display_name, &ch);
	return finish(req, res, rc, &ch, profile_page, "/account/settings?done=saved");
}

/* ---- email addresses ---- */

typedef struct list_ctx {
	int64_t user_id;
	json_t *items;
} list_ctx;

static void add_email_row(void *ctx, const hub_email *e)
{
	json_t *row = json_pack("{s:I, s:b, s:b, s:b}", "id", (json_int_t)e->id, "is_primary",
	                        e->is_primary, "confirmed", e->confirmed, "can_make_primary",
	                        e->confirmed && !e->is_primary);
	set_text(row, "address", e->address);
	set_time(row, "created", e->created_at);
	json_array_append_new(ctx, row);
}

static int list_emails(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	json_array_clear(lc->items); /* a retried read starts over */
	return hub_email_list(c, lc->user_id, add_email_row, lc->items);
}

static int emails_page(web_request *req, web_response *res, int status, const char *error,
                       const change *typed)
{
	list_ctx lc = { hub_viewer_of(req)->user.id, json_array() };
	int rc = db_read(db_of(req), list_emails, &lc);
	if (rc < 0) {
		json_decref(lc.items);
		return rc;
	}
	json_t *data = json_pack("{s:o}", "emails", lc.items);
	set_text(data, "email", typed ? typed->text : NULL);
	return settings_page(req, res, status, "emails", "Email addresses", error, data);
}

int hub_settings_emails_page(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	return rc < 0 ? rc : emails_page(req, res, 200, NULL, NULL);
}

/* The address and its confirmation mail: both or neither. */
static int add_email(db_conn *c, void *ctx)
{
	change *ch = ctx;
	hub_email e;
	int rc = hub_email_add(c, ch->req->arena, ch->v->user.id, ch->text, &e);
	return rc < 0 ? rc : hub_confirm_send_email(c, &ch->v->user, e.id, web_base_url(ch->req));
}

static int resend_confirmation(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return hub_confirm_send_email(c, &ch->v->user, ch->id, web_base_url(ch->req));
}

static int make_primary(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return hub_email_make_primary(c, ch->req->arena, ch->v->user.id, ch->id);
}

static int remove_email(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return hub_email_remove(c, ch->req->arena, ch->v->user.id, ch->id);
}

static int email_change(web_request *req, web_response *res, db_fn fn, const char *done)
{
	change ch;
	int rc = begin(req, &ch);
	ch.text = field(req, "email");
	if (rc == 0)
		rc = db_tx(db_of(req), fn, &ch);
	return finish(req, res, rc, &ch, emails_page, done);
}

int hub_settings_email_add_submit(web_request *req, web_response *res)
{
	return email_change(req, res, add_email, "/account/settings/emails?done=added");
}

int hub_settings_email_resend_submit(web_request *req, web_response *res)
{
	return email_change(req, res, resend_confirmation, "/account/settings/emails?done=resent");
}

int hub_settings_email_primary_submit(web_request *req, web_response *res)
{
	return email_change(req, res, make_primary, "/account/settings/emails?done=primary");
}

int hub_settings_email_remove_submit(web_request *req, web_response *res)
{
	return email_change(req, res, remove_email, "/account/settings/emails?done=removed");
}

/* ---- password and sessions ---- */

static int security_page(web_request *req, web_response *res, int status, const char *error,
                         const change *typed)
{
	(void)typed; /* passwords are never shown again */
	return settings_page(req, res, status, "security", "Password and sessions", error,
	                     json_object());
}

int hub_settings_security_page(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	return rc < 0 ? rc : security_page(req, res, 200, NULL, NULL);
}

/* Counts a wrong current password; the transaction then commits only that. */
static int count_failure(db_conn *c, change *ch, const throttle_subjects *s)
{
	snprintf(ch->message, sizeof ch->message, "%s", err_msg());
	int rc = throttle_fail_all(c, s);
	ch->refused = rc == 0 ? WEFT_EAUTH : 0;
	return rc;
}

/* The throttle's subjects are sign-in's (auth.c): guesses here and there count together. */
static int change_password(db_conn *c, void *ctx)
{
	change *ch = ctx;
	throttle_subjects s;
	int64_t retry_after = 0;
	ch->refused = 0;
	throttle_subjects_of(&s, ch->req, ch->v->user.id, ch->v->user.username);
	int rc = throttle_check_all(c, &s, &retry_after);
	if (rc == 0)
		rc = hub_profile_change_password(c, ch->req->arena, &ch->v->user, ch->current,
		                                 ch->fresh, ch->repeat, ch->v->session.id);
	if (rc == WEFT_EAUTH)
		return count_failure(c, ch, &s);
	return rc == 0 ? throttle_clear_account(c, &s) : rc;
}

int hub_settings_password_submit(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	ch.current = field(req, "current_password");
	ch.fresh = field(req, "new_password");
	ch.repeat = field(req, "new_password_repeat");
	if (rc == 0)
		rc = db_tx(db_of(req), change_password, &ch);
	if (rc == 0 && ch.refused)
		rc = err_fail(ch.refused, "%s", ch.message);
	return finish(req, res, rc, &ch, security_page, "/account/settings/security?done=password");
}

static int end_sessions(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return web_session_end_all(c, ch->v->user.id, 0);
}

int hub_settings_sign_out_everywhere_submit(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	if (rc == 0)
		rc = db_tx(db_of(req), end_sessions, &ch);
	if (rc < 0)
		return rc;
	web_cookie_set(req, res, HUB_SESSION_COOKIE, "", 0);
	web_res_redirect(req, res, 303, "/login");
	return 0;
}

/* ---- app passwords ---- */

/* The form's checkboxes, ticked as the user left them (ticked NULL: none). */
static json_t *scope_choices(const char *ticked)
{
	json_t *choices = json_array();
	for (const app_password_scope *s = hub_app_password_scopes; s->name; s++)
		json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "name", s->name,
		                                         "description", s->description, "checked",
		                                         hub_scopes_has(ticked, s->name)));
	return choices;
}

static void add_app_password_row(void *ctx, const hub_app_password *p)
{
	json_t *row = json_pack("{s:I, s:o}", "id", (json_int_t)p->id, "scopes",
	                        hub_form_words(p->scopes));
	set_text(row, "label", p->label);
	set_time(row, "created", p->created_at);
	if (p->last_used_at)
		set_time(row, "last_used", p->last_used_at);
	json_array_append_new(ctx, row);
}

static int list_app_passwords(db_conn *c, void *ctx)
{
	list_ctx *lc = ctx;
	json_array_clear(lc->items);
	return hub_app_password_list(c, lc->user_id, add_app_password_row, lc->items);
}

/* The secret of the app password just made, in this answer only, which no cache may keep. */
static void show_secret(web_request *req, web_response *res, json_t *data, const change *ch)
{
	json_t *created = json_pack("{s:s, s:o}", "secret", ch->secret, "scopes",
	                            hub_form_words(ch->created.scopes));
	set_text(created, "label", ch->created.label);
	json_object_set_new(data, "created", created);
	web_res_header(req, res, "Cache-Control", "no-store");
}

static int app_passwords_page(web_request *req, web_response *res, int status, const char *error,
                              const change *typed)
{
	list_ctx lc = { hub_viewer_of(req)->user.id, json_array() };
	int rc = db_read(db_of(req), list_app_passwords, &lc);
	if (rc < 0) {
		json_decref(lc.items);
		return rc;
	}
	bool created = typed && typed->secret[0];
	json_t *data = json_pack("{s:b, s:o, s:o}", "has_app_passwords",
	                         json_array_size(lc.items) > 0, "app_passwords", lc.items, "scopes",
	                         scope_choices(typed && !created ? typed->scopes : NULL));
	if (created)
		show_secret(req, res, data, typed);
	else
		set_text(data, "label", typed ? typed->text : NULL);
	return settings_page(req, res, status, "app_passwords", "App passwords", error, data);
}

int hub_settings_app_passwords_page(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	return rc < 0 ? rc : app_passwords_page(req, res, 200, NULL, NULL);
}

/* The ticked permissions as one space-separated list (the form repeats "scopes"). */
static const char *ticked_scopes(web_request *req)
{
	const char **names = NULL;
	size_t n = web_pairs_list(&names, req->arena, &req->form, "scopes");
	buf joined = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&joined, "%s%s", i ? " " : "", names[i]);
	const char *list = arena_strdup(req->arena, buf_cstr(&joined));
	buf_dispose(&joined);
	return list;
}

static int create_app_password(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return hub_app_password_create(c, ch->req->arena, ch->v->user.id, ch->text, ch->scopes,
	                               ch->secret, &ch->created);
}

int hub_settings_app_password_create_submit(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	ch.text = field(req, "label");
	ch.scopes = ticked_scopes(req);
	if (rc == 0)
		rc = db_tx(db_of(req), create_app_password, &ch);
	if (rc == 0)
		return app_passwords_page(req, res, 200, NULL, &ch);
	ch.secret[0] = '\0'; /* made in a transaction that did not commit */
	return finish(req, res, rc, &ch, app_passwords_page, NULL);
}

static int revoke_app_password(db_conn *c, void *ctx)
{
	change *ch = ctx;
	return hub_app_password_revoke(c, ch->v->user.id, ch->id);
}

int hub_settings_app_password_revoke_submit(web_request *req, web_response *res)
{
	change ch;
	int rc = begin(req, &ch);
	if (rc == 0)
		rc = db_tx(db_of(req), revoke_app_password, &ch);
	return finish(req, res, rc, &ch, app_passwords_page,
	              "/account/settings/app-passwords?done=revoked");
}
