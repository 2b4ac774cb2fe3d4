/* track, the issue tracker: its state, the permissions its routes declare, who is asking, and
 * its service description (routes and hooks) for the web layer. */
#ifndef WEFT_TRACK_TRACK_H
#define WEFT_TRACK_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "web/session.h"
#include "web/web.h"

/* What every track request can reach through req->app. */
typedef struct track_app {
	db *d;
	int hours_per_day; /* work-log durations: 1d = 8h by default */
	int days_per_week; /* 1w = 5d by default */
	/* the connector (src/track/dvcs/) */
	const char *dvcs_dir; /* DATA/dvcs: one bare mirror per linked repository */
	unsigned char secret_key[32]; /* seals code-host secrets at rest (dvcs/secret.h) */
	bool has_secret_key; /* false for commands run without a data directory */
	const char *public_url; /* track's own base URL: OAuth callback, webhook target; NULL when
	                         * unknown (commands that do not serve) */
	const char *hub_url; /* the hub URL the link form offers first; NULL when unknown */
	int64_t dvcs_sync_interval_ms; /* periodic soft sync and discovery */
	/* attachments (src/track/issue/attachment.h) */
	const char *attachments_dir; /* DATA/attachments; NULL: attachments are off */
	int64_t attachment_max_size; /* bytes in one file */
} track_app;

/* A track user (track's own accounts: nothing is shared with hub). Strings live in an arena. */
typedef struct track_user {
	int64_t id;
	const char *account_id; /* stable, numeric, as text (Jira's accountId) */
	const char *username;
	const char *display_name;
	const char *email;
	bool is_admin;
	bool is_active;
	int64_t created_at;
} track_user;

/* Who is asking, once the authenticate hook ran: NULL for anonymous callers. */
typedef struct track_viewer {
	track_user user;
	web_session session; /* id 0 when the caller used Basic or Bearer, not a session */
	int64_t api_session_id; /* the API session whose cookie (JSESSIONID) signed in; 0: none */
} track_viewer;

/* The permissions routes declare (web_route.permission); track_perm.c decides each. Project
 * permissions need a {key} (project key or id) or an {issue} (issue key or id) in the path, or
 * a parameter declared with a TRACK_SCOPE_* code. */
enum {
	TRACK_PERM_NONE = 0,
	TRACK_PERM_SITE_ADMIN, /* the administrators' area */
	TRACK_PERM_BROWSE, /* see the project and its issues */
	TRACK_PERM_CREATE_ISSUES,
	TRACK_PERM_EDIT_ISSUES,
	TRACK_PERM_TRANSITION_ISSUES,
	TRACK_PERM_COMMENT,
	TRACK_PERM_WORK_ON_ISSUES, /* log work */
	TRACK_PERM_ADMINISTER_PROJECT,
	TRACK_PERM_VIEW_DEV_TOOLS, /* the development panel (the connector) */
	TRACK_PERM_MODIFY_REPORTER, /* file or change an issue with someone else as reporter */
	TRACK_PERM_CREATE_ATTACHMENTS,
	TRACK_PERM_DELETE_OWN_ATTACHMENTS, /* decided by the domain: the route names no issue */
	TRACK_PERM_DELETE_ALL_ATTACHMENTS, /* likewise */
	TRACK_PERM_LINK_ISSUES, /* link issues (from this project's) and add remote links */
};

/* What a route's declared parameter names for track_perm_authorize (web_param_spec.scope), for
 * routes whose path names no project or issue: the first one present decides. */
enum {
	TRACK_SCOPE_ISSUE =
	        1, /* an issue: its key, a key it had before a move, or its numeric id */
	TRACK_SCOPE_PROJECT, /* a project: its key or numeric id */
};

static inline track_viewer *track_viewer_of(const web_request *req)
{
	return req->user;
}

static inline track_app *track_app_of(const web_request *req)
{
	return req->app;
}

/* The cookie names: per service, since cookies are per host, not per port. */
#define TRACK_SESSION_COOKIE "track_session"
#define TRACK_CSRF_COOKIE "track_csrf"

const web_service *track_service(void);

/* Renders a track page in the layout with what every page shows: the viewer and the CSRF token
 * for its forms (data is stolen). */
int track_page(web_request *req, web_response *res, int status, const char *page, const char *title,
               json_t *data);

#endif
