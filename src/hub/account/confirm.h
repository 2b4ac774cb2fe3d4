/* Email confirmation: a single-use link, valid 48 hours, sent through the outbox. Until it is
 * followed, the account can sign in but its address shows as unconfirmed. */
#ifndef WEFT_HUB_CONFIRM_H
#define WEFT_HUB_CONFIRM_H

#include <stdint.h>

#include "db/db.h"
#include "hub/account/account.h"

enum { CONFIRM_LIFETIME_MS = 48LL * 60 * 60 * 1000 };

/* Issues a new confirmation link for the user's primary address and queues the mail, inside c's
 * transaction. base_url is hub's public URL. WEFT_ECONFLICT when the address is already
 * confirmed. */
int hub_confirm_send(db_conn *c, const hub_user *user, const char *base_url);

/* The same for any of the user's addresses, by its id: the mail goes to that address. Earlier
 * links for it stop working. WEFT_ENOTFOUND when the address is not the user's, WEFT_ECONFLICT
 * when it is confirmed already (messages start "Email:"). */
int hub_confirm_send_email(db_conn *c, const hub_user *user, int64_t email_id,
                           const char *base_url);

/* Follows a link: marks its address (primary or not) confirmed and the token used.
 * WEFT_ENOTFOUND (one message for all) when the token is unknown, used or expired, or its address
 * is gone. *user_id gets the account's id. */
int hub_confirm_follow(db_conn *c, const char *token, int64_t *user_id);

/* Signs up: creates the account (hub_account_create's rules, unconfirmed) and sends its confirmation
 * mail, inside c's transaction. The web form and the API both come here. */
int hub_confirm_sign_up(db_conn *c, arena *a, const account_new *n, const char *base_url,
                        hub_user *out);

#endif
