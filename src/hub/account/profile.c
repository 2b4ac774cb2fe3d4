/* A user's display name and password, changed by the user. */
#include "hub/account/profile.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/password.h"
#include "web/session.h"

int hub_profile_set_display_name(db_conn *c, const hub_user *user, const char *display_name)
{
	int rc = hub_account_check_display_name(display_name);
	if (rc < 0)
		return rc;
	const char *name = *display_name ? display_name : user->username;
	rc = db_exec(c, "UPDATE users SET display_name = $1 WHERE id = $2", db_text(name),
	             db_int(user->id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "There is no such account.");
	return rc < 0 ? rc : 0;
}

/* The account's rules speak of "Password:"; on this form that is the new one. */
static int check_new_password(const hub_user *user, const char *fresh, const char *repeat)
{
	if (strcmp(fresh, repeat) != 0)
		return err_fail(WEFT_EINVALID, "New password: the two entries differ.");
	int rc = hub_account_check_password(fresh, user->username, user->email);
	if (rc == WEFT_EINVALID && strncmp(err_msg(), "Password: ", 10) == 0) {
		char message[512];
		snprintf(message, sizeof message, "New password: %s", err_msg() + 10);
		err_set("%s", message);
	}
	return rc;
}

static int store_password(db_conn *c, int64_t user_id, const char *password)
{
	char hash[PASSWORD_HASH_MAX];
	int rc = password_hash(hash, password, strlen(password));
	if (rc == 0)
		rc = db_exec(c, "UPDATE users SET password_hash = $1 WHERE id = $2", db_text(hash),
		             db_int(user_id));
	return rc < 0 ? rc : 0;
}

int hub_profile_change_password(db_conn *c, arena *a, const hub_user *user, const char *current,
                                const char *fresh, const char *repeat, int64_t keep_session_id)
{
	hub_user checked;
	int rc = hub_account_authenticate(c, a, user->username, current, &checked);
	if (rc == 0 && checked.id != user->id)
		rc = WEFT_EAUTH;
	if (rc == WEFT_EAUTH)
		return err_fail(WEFT_EAUTH, "Current password: incorrect.");
	if (rc == 0)
		rc = check_new_password(user, fresh, repeat);
	if (rc == 0)
		rc = store_password(c, user->id, fresh);
	if (rc == 0)
		rc = web_session_end_all(c, user->id, keep_session_id);
	return rc;
}
