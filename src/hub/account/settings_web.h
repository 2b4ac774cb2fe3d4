/* The "Manage account" pages under /account/settings: profile, email addresses, password and
 * sessions, app passwords. Routes need a signed-in browser session (never an app password);
 * refusals re-render the page with the reason and what was typed; changes redirect (303). */
#ifndef WEFT_HUB_SETTINGS_WEB_H
#define WEFT_HUB_SETTINGS_WEB_H

#include "web/web.h"

/* The declared {id} of the routes on one address or app password: a positive integer. */
extern const web_param_spec hub_settings_id_params[];

/* GET /account/settings: username, primary address and the display name form.
 * POST /account/settings (display_name): changes the display name ("" uses the username). */
int hub_settings_profile_page(web_request *req, web_response *res);
int hub_settings_profile_submit(web_request *req, web_response *res);

/* GET /account/settings/emails: the addresses, primary first, with their actions.
 * POST …/emails (email): adds an address and mails it a confirmation link.
 * POST …/emails/{id}/resend: a new confirmation link for an unconfirmed address.
 * POST …/emails/{id}/primary: makes a confirmed address primary.
 * POST …/emails/{id}/delete: removes an address that is not the primary one. */
int hub_settings_emails_page(web_request *req, web_response *res);
int hub_settings_email_add_submit(web_request *req, web_response *res);
int hub_settings_email_resend_submit(web_request *req, web_response *res);
int hub_settings_email_primary_submit(web_request *req, web_response *res);
int hub_settings_email_remove_submit(web_request *req, web_response *res);

/* GET /account/settings/security: the password form and "Sign out everywhere".
 * POST …/password (current_password, new_password, new_password_repeat): throttled like sign-in;
 * on success every other session of the user ends.
 * POST …/sessions/end: ends every session of the user, this one too, and redirects to /login. */
int hub_settings_security_page(web_request *req, web_response *res);
int hub_settings_password_submit(web_request *req, web_response *res);
int hub_settings_sign_out_everywhere_submit(web_request *req, web_response *res);

/* GET /account/settings/app-passwords: the live app passwords (never their secrets) and the form.
 * POST …/app-passwords (label, scopes repeated): creates one and shows its secret in the answer,
 * once (Cache-Control: no-store).
 * POST …/app-passwords/{id}/revoke: revokes one. */
int hub_settings_app_passwords_page(web_request *req, web_response *res);
int hub_settings_app_password_create_submit(web_request *req, web_response *res);
int hub_settings_app_password_revoke_submit(web_request *req, web_response *res);

#endif
