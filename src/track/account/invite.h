/* Invitations: an administrator adds a user without a password, and the user gets a mail with a
 * single-use set-password link, valid 7 days. Domain only: no HTTP; runs inside the caller's
 * transaction. */
#ifndef WEFT_TRACK_INVITE_H
#define WEFT_TRACK_INVITE_H

#include "base/arena.h"
#include "db/db.h"
#include "track/account/account.h"

enum { TRACK_INVITE_LIFETIME_MS = 7LL * 24 * 60 * 60 * 1000 };

/* Creates the account (track_account_create's rules, no password) and queues its invitation
 * mail with the link base_url/set-password/TOKEN. Earlier links of the user stop working. */
int track_invite_create(db_conn *c, arena *a, const track_account_new *n, const char *base_url,
                        track_user *out);

/* The user a live link is for. WEFT_ENOTFOUND ("This link is invalid, used or expired.")
 * otherwise. */
int track_invite_find(db_conn *c, arena *a, const char *token, track_user *out);

/* Follows a link: sets the password (the rules of track_account_check_password) and uses the
 * link up. WEFT_ENOTFOUND as above, WEFT_EINVALID for a password that breaks a rule (the link
 * then still works). */
int track_invite_accept(db_conn *c, arena *a, const char *token, const char *password,
                        track_user *out);

#endif
