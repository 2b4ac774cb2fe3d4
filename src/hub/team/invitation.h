/* Invitations to a team by email: a single-use link, mailed through the outbox, that makes the
 * address's account a member (and of a group) once it is confirmed. Pending invitations count
 * against the plan's member limit. Domain only, no HTTP; writes run in the caller's transaction. */
#ifndef WEFT_HUB_TEAM_INVITATION_H
#define WEFT_HUB_TEAM_INVITATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/account/account.h"
#include "hub/workspace.h"

enum { HUB_INVITATION_LIFETIME_MS = 7LL * 24 * 60 * 60 * 1000 };

typedef struct hub_invitation {
	int64_t id;
	int64_t workspace_id;
	const char *workspace_slug;
	const char *workspace_name;
	const char *group_slug; /* NULL: the team only */
	const char *group_name;
	const char *email;
	const char *invited_by; /* username, or NULL */
	int64_t created_at, expires_at; /* epoch ms */
} hub_invitation;

/* Invites email to team ws (and to group_id, or 0 for the team only): a single-use link
 * {base_url}/invitations/{token}, valid HUB_INVITATION_LIFETIME_MS, mailed through the outbox.
 * A pending invitation of the same address to the same group is replaced. WEFT_EINVALID
 * ("Email: …"), WEFT_ELIMIT when members and pending invitations fill the plan. *id_out may be
 * NULL. */
int hub_invitation_create(db_conn *c, const hub_workspace *ws, int64_t group_id, const char *email,
                          const hub_user *inviter, const char *base_url, int64_t *id_out);

/* The pending (not accepted, revoked or expired) invitations of workspace_id, newest first. */
int hub_invitation_list(db_conn *c, arena *a, int64_t workspace_id, hub_invitation **out,
                        size_t *n);

/* Revokes a pending invitation: its link stops working. WEFT_ENOTFOUND. */
int hub_invitation_revoke(db_conn *c, int64_t workspace_id, int64_t invitation_id);

/* Sends a pending invitation again with a new token and a new 7 days; the old link stops
 * working. WEFT_ENOTFOUND. */
int hub_invitation_resend(db_conn *c, int64_t workspace_id, int64_t invitation_id,
                          const char *base_url);

/* The pending invitation behind a link. WEFT_ENOTFOUND (one message for unknown, used, revoked
 * and expired). Strings in a. */
int hub_invitation_find(db_conn *c, arena *a, const char *token, hub_invitation *out);

/* Whether user may accept the invitation behind a link, without accepting it: 0, or the
 * refusal hub_invitation_accept would give (WEFT_ENOTFOUND, WEFT_EPERM). *out in a (filled
 * for WEFT_EPERM too). */
int hub_invitation_check(db_conn *c, arena *a, const char *token, const hub_user *user,
                         hub_invitation *out);

/* Accepts the invitation behind a link for user: they join the team (and its group). The link
 * is used up. WEFT_ENOTFOUND as hub_invitation_find; WEFT_EPERM when the invited address is
 * not one of user's confirmed addresses; WEFT_ELIMIT when the team is full. *out (may be NULL)
 * in a. */
int hub_invitation_accept(db_conn *c, arena *a, const char *token, const hub_user *user,
                          hub_invitation *out);

/* Accepts every pending invitation to email (NULL: to any of user_id's confirmed addresses),
 * which must be a confirmed address of user_id; called once an address is confirmed. An
 * invitation to a team that is full stays pending. 0, or the store's error. */
int hub_invitation_accept_all_for(db_conn *c, int64_t user_id, const char *email);

#endif
