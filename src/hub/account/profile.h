/* What users change on their own accounts besides addresses and app passwords: the display name
 * and the password (which ends their other sessions). Domain only: no HTTP. Every function that
 * writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_PROFILE_H
#define WEFT_HUB_PROFILE_H

#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"

/* Sets user's display name; "" stands for the username (as at sign-up). WEFT_EINVALID
 * ("Display name: …") for a name that breaks hub_account_check_display_name's rules. */
int hub_profile_set_display_name(db_conn *c, const hub_user *user, const char *display_name);

/* Changes user's password. current must be the account's password (an app password is not):
 * WEFT_EAUTH ("Current password: incorrect.") otherwise, before anything else is looked at.
 * fresh and repeat must be equal and fresh must pass hub_account_check_password: WEFT_EINVALID
 * ("New password: …") otherwise. Then every session of the user but keep_session_id (0: all)
 * ends; app passwords stay. Does not throttle: callers do (web/throttle.h). */
int hub_profile_change_password(db_conn *c, arena *a, const hub_user *user, const char *current,
                                const char *fresh, const char *repeat, int64_t keep_session_id);

#endif
