/* Jira's permissions and mypermissions (permission_api.h): one table from Jira's keys to
 * track's permissions, decided by track_perm.c. */
#include "track/project/permission_api.h"

#include <string.h>

#include "base/err.h"
#include "track/issue/issue.h"
#include "track/jira.h"
#include "track/project/project.h"
#include "track/track.h"
#include "track/track_perm.h"
#include "web/form.h"

enum { ASSIGNABLE = -1 }; /* not a route permission: track_perm's assignable roles */

static const struct perm_def {
	const char *key, *name, *type, *description;
	int perm; /* a TRACK_PERM_*, or ASSIGNABLE */
} perm_defs[] = {
	{ "ADMINISTER", "Administer Jira", "GLOBAL", "Site administrators: everything, everywhere.",
	  TRACK_PERM_SITE_ADMIN },
	{ "BROWSE_PROJECTS", "Browse Projects", "PROJECT", "See the project and its issues.",
	  TRACK_PERM_BROWSE },
	{ "CREATE_ISSUES", "Create Issues", "PROJECT", "Create issues in the project.",
	  TRACK_PERM_CREATE_ISSUES },
	{ "EDIT_ISSUES", "Edit Issues", "PROJECT", "Edit issues.", TRACK_PERM_EDIT_ISSUES },
	{ "ASSIGN_ISSUES", "Assign Issues", "PROJECT", "Change the assignee.",
	  TRACK_PERM_EDIT_ISSUES },
	{ "ASSIGNABLE_USER", "Assignable User", "PROJECT", "Be assigned issues.", ASSIGNABLE },
	{ "TRANSITION_ISSUES", "Transition Issues", "PROJECT", "Move issues through the workflow.",
	  TRACK_PERM_TRANSITION_ISSUES },
	{ "ADD_COMMENTS", "Add Comments", "PROJECT", "Comment on issues.", TRACK_PERM_COMMENT },
	{ "WORK_ON_ISSUES", "Work On Issues", "PROJECT", "Log work on issues.",
	  TRACK_PERM_WORK_ON_ISSUES },
	{ "DELETE_ISSUES", "Delete Issues", "PROJECT", "Delete issues.",
	  TRACK_PERM_ADMINISTER_PROJECT },
	{ "MANAGE_WATCHERS", "Manage Watchers", "PROJECT", "Add and remove others as watchers.",
	  TRACK_PERM_ADMINISTER_PROJECT },
	{ "ADMINISTER_PROJECTS", "Administer Projects", "PROJECT",
	  "Change the project's roles and workflow.", TRACK_PERM_ADMINISTER_PROJECT },
	{ "VIEW_DEV_TOOLS", "View Development Tools", "PROJECT", "See the development panel.",
	  TRACK_PERM_VIEW_DEV_TOOLS },
};
#define NPERMS (sizeof perm_defs / sizeof perm_defs[0])

static json_t *perm_json(const struct perm_def *d)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", d->key, "key", d->key, "name", d->name,
	                 "type", d->type, "description", d->description);
}

int track_api_permissions(web_request *req, web_response *res)
{
	bool v3;
	int rc = track_jira_version(req, &v3);
	if (rc < 0)
		return rc;
	json_t *all = json_object();
	for (size_t i = 0; i < NPERMS; i++)
		json_object_set_new(all, perm_defs[i].key, perm_json(&perm_defs[i]));
	web_res_json(res, 200, json_pack("{s:o}", "permissions", all));
	return 0;
}

typedef struct my_ctx {
	web_request *req;
	const track_user *user;
	int64_t *projects; /* the projects asked about: one, or every browsable one */
	size_t nprojects;
	json_t *out;
} my_ctx;

/* The project the query names (projectKey, projectId, issueKey, issueId); none: every project
 * the caller may browse. A named one the caller may not browse is WEFT_ENOTFOUND. */
static int context_projects(db_conn *c, my_ctx *m)
{
	web_request *req = m->req;
	const char *project = web_query(req, "projectKey") ? web_query(req, "projectKey")
	                                                   : web_query(req, "projectId");
	const char *issue =
	        web_query(req, "issueKey") ? web_query(req, "issueKey") : web_query(req, "issueId");
	if (!project && !issue)
		return track_perm_browsable_projects(c, req->arena, m->user, &m->projects,
		                                     &m->nprojects);
	int64_t id = 0;
	bool browse = false;
	int rc;
	if (issue) {
		track_issue i;
		rc = track_issue_find(c, req->arena, issue, &i, NULL);
		id = rc == 0 ? i.project_id : 0;
	} else {
		track_project p;
		rc = track_project_find(c, req->arena, project, &p);
		id = rc == 0 ? p.id : 0;
	}
	if (rc == 0)
		rc = track_perm_check(c, m->user, id, TRACK_PERM_BROWSE, &browse);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && !browse))
		return err_fail(WEFT_ENOTFOUND,
		                issue ? TRACK_ISSUE_HIDDEN : "No project could be found.");
	m->projects = arena_alloc(req->arena, sizeof *m->projects);
	m->projects[0] = id;
	m->nprojects = rc == 0;
	return rc;
}

/* Whether the caller holds d in any of the context's projects. */
static int holds(db_conn *c, const my_ctx *m, const struct perm_def *d, bool *out)
{
	*out = false;
	if (d->perm == TRACK_PERM_SITE_ADMIN) {
		*out = m->user->is_admin && m->user->is_active;
		return 0;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && !*out && i < m->nprojects; i++) {
		if (d->perm == ASSIGNABLE) {
			rc = track_perm_check_assignable(c, m->req->arena, m->user->id,
			                                 m->projects[i]);
			*out = rc == 0;
			rc = rc == WEFT_EINVALID ? 0 : rc;
		} else
			rc = track_perm_check(c, m->user, m->projects[i], d->perm, out);
	}
	return rc;
}

static int mine_tx(db_conn *c, void *p)
{
	my_ctx *m = p;
	const char **keys = NULL;
	size_t nkeys = web_pairs_list(&keys, m->req->arena, &m->req->query, "permissions");
	int rc = nkeys ? context_projects(c, m)
	               : err_fail(WEFT_EINVALID, "The permissions query parameter is required.");
	json_t *perms = json_object();
	for (size_t k = 0; rc == 0 && k < nkeys; k++) {
		const struct perm_def *d = NULL;
		for (size_t i = 0; i < NPERMS && !d; i++)
			d = strcmp(keys[k], perm_defs[i].key) == 0 ? &perm_defs[i] : NULL;
		bool have = false;
		rc = d ? holds(c, m, d, &have)
		       : err_fail(WEFT_EINVALID, "Unrecognized permission keys: %s", keys[k]);
		json_t *o = d ? perm_json(d) : NULL;
		if (o) {
			json_object_set_new(o, "havePermission", json_boolean(have));
			json_object_set_new(perms, d->key, o);
		}
	}
	m->out = json_pack("{s:o}", "permissions", perms);
	return rc;
}

int track_api_mypermissions(web_request *req, web_response *res)
{
	bool v3;
	const track_viewer *v = track_viewer_of(req);
	my_ctx m = { .req = req, .user = &v->user };
	int rc = track_jira_version(req, &v3);
	if (rc == 0)
		rc = track_jira_answer(req, res, 200, false, mine_tx, &m, &m.out);
	return rc;
}
