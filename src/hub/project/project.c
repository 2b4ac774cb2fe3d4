/* Projects: the key and name rules, and their rows. */
#include "hub/project/project.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "base/token.h"
#include "hub/team/activity.h"

int hub_project_check_key(const char *key)
{
	size_t n = strlen(key);
	if (n == 0)
		return err_fail(WEFT_EINVALID, "Key: enter a key.");
	if (n > PROJECT_KEY_MAX)
		return err_fail(WEFT_EINVALID, "Key: at most %d characters.", PROJECT_KEY_MAX);
	if (!isupper((unsigned char)key[0]) || (unsigned char)key[0] > 'Z')
		return err_fail(WEFT_EINVALID, "Key: it must start with a letter A-Z.");
	for (const char *p = key; *p; p++)
		if (!(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') && *p != '_')
			return err_fail(
			        WEFT_EINVALID,
			        "Key: only upper-case letters A-Z, digits and underscores.");
	return 0;
}

int hub_project_check_name(const char *name)
{
	return str_check_name("Name", name, PROJECT_NAME_MAX);
}

static int check_description(const char *d)
{
	size_t n = strlen(d);
	if (!str_is_utf8(d, n) || n > PROJECT_DESCRIPTION_MAX)
		return err_fail(WEFT_EINVALID, "Description: at most %d bytes of text.",
		                PROJECT_DESCRIPTION_MAX);
	return 0;
}

/* A unique violation as the field that clashed. */
static int clash(int rc, const char *key, const char *name)
{
	if (rc != WEFT_EEXISTS)
		return rc;
	if (strcmp(db_conflict(), "projects_key_key") == 0)
		return err_fail(WEFT_EEXISTS, "Key: this workspace has a project %s already.", key);
	return err_fail(WEFT_EEXISTS, "Name: this workspace has a project named %s already.", name);
}

#define PROJECT_COLUMNS                                                                      \
	"id, uuid, workspace_id, key, name, description, is_private, created_at, updated_at" \
	" FROM projects"

static void read_row(db_stmt *st, arena *a, hub_project *out)
{
	out->id = db_col_int(st, 0);
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, 1));
	out->workspace_id = db_col_int(st, 2);
	out->key = arena_strdup(a, db_col_text(st, 3));
	out->name = arena_strdup(a, db_col_text(st, 4));
	out->description = arena_strdup(a, db_col_text(st, 5));
	out->is_private = db_col_int(st, 6) != 0;
	out->created_at = db_col_int(st, 7);
	out->updated_at = db_col_int(st, 8);
}

static int check_new(const hub_project_new *n)
{
	int rc = hub_project_check_key(n->key ? n->key : "");
	if (rc == 0)
		rc = hub_project_check_name(n->name ? n->name : "");
	if (rc == 0 && n->description)
		rc = check_description(n->description);
	return rc;
}

int hub_project_create(db_conn *c, arena *a, int64_t actor_id, const hub_workspace *ws,
                       const hub_project_new *n, hub_project *out)
{
	char uuid[TOKEN_UUID_LEN];
	token_uuid(uuid);
	int64_t now = clock_now_ms();
	int rc = check_new(n);
	if (rc < 0)
		return rc;
	db_stmt *st;
	rc = db_query(
	        &st, c,
	        "INSERT INTO projects (uuid, workspace_id, key, name, description, is_private,"
	        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
	        " RETURNING id",
	        db_text(uuid), db_int(ws->id), db_text(n->key), db_text(n->name),
	        db_text(n->description ? n->description : ""), db_int(n->is_private), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "The project was not created.");
	int64_t id = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	rc = clash(rc, n->key, n->name);
	if (rc == 0)
		rc = hub_activity_record(c, actor_id, ws->id,
		                         arena_printf(a, "created the project %s (%s) in %s",
		                                      n->name, n->key, ws->slug));
	return rc < 0 ? rc : hub_project_get(c, a, id, out);
}

int hub_project_get(db_conn *c, arena *a, int64_t id, hub_project *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " PROJECT_COLUMNS " WHERE id = $1", db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "There is no such project.");
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

int hub_project_find(db_conn *c, arena *a, int64_t workspace_id, const char *key_or_uuid,
                     hub_project *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " PROJECT_COLUMNS " WHERE workspace_id = $1"
	                  " AND (key = $2 OR '{' || uuid || '}' = lower($2))",
	                  db_int(workspace_id), db_text(key_or_uuid));
	if (rc == 0)
		rc = db_step_one(st, "There is no project %s in this workspace.", key_or_uuid);
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

int hub_project_oldest_or_default(db_conn *c, arena *a, int64_t actor_id, const hub_workspace *ws,
                                  hub_project *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " PROJECT_COLUMNS " WHERE workspace_id = $1"
	                  " ORDER BY created_at, id LIMIT 1",
	                  db_int(ws->id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		read_row(st, a, out);
	db_done(st);
	if (rc != DB_DONE)
		return rc == DB_ROW ? 0 : rc;
	hub_project_new n = { PROJECT_DEFAULT_KEY, PROJECT_DEFAULT_NAME, "", true };
	return hub_project_create(c, a, actor_id, ws, &n, out);
}

int hub_project_list(db_conn *c, arena *a, int64_t workspace_id, hub_project **out, size_t *n)
{
	db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = db_query(&st, c, "SELECT " PROJECT_COLUMNS " WHERE workspace_id = $1 ORDER BY key",
	                  db_int(workspace_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		*out = array_room(a, *out, *n, &cap, sizeof **out);
		read_row(st, a, &(*out)[(*n)++]);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hub_project_update(db_conn *c, arena *a, const hub_project *p, const hub_project_change *ch,
                       hub_project *out)
{
	hub_project_new n = { ch->key ? ch->key : p->key, ch->name ? ch->name : p->name,
		              ch->description ? ch->description : p->description,
		              ch->is_private < 0 ? p->is_private : ch->is_private != 0 };
	int rc = check_new(&n);
	if (rc < 0)
		return rc;
	rc = db_exec(c,
	             "UPDATE projects SET key = $2, name = $3, description = $4, is_private = $5,"
	             " updated_at = $6 WHERE id = $1",
	             db_int(p->id), db_text(n.key), db_text(n.name), db_text(n.description),
	             db_int(n.is_private), db_int(clock_now_ms()));
	rc = clash(rc, n.key, n.name);
	return rc < 0 ? rc : hub_project_get(c, a, p->id, out);
}

int hub_project_repo_counts(db_conn *c, int64_t project_id, int64_t *all, int64_t *public_repos)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_private = 0 THEN 1 ELSE 0 END),"
	        " 0) FROM repositories WHERE project_id = $1",
	        db_int(project_id));
	if (rc == 0)
		rc = db_step_one(st, "cannot count the repositories");
	if (rc == 0) {
		*all = db_col_int(st, 0);
		*public_repos = db_col_int(st, 1);
	}
	db_done(st);
	return rc;
}

int hub_project_delete(db_conn *c, int64_t actor_id, const hub_project *p)
{
	int64_t all = 0, public_repos = 0;
	int rc = hub_project_repo_counts(c, p->id, &all, &public_repos);
	if (rc == 0 && all > 0)
		rc = err_fail(
		        WEFT_ECONFLICT,
		        "The project %s still has %lld repositories: move or delete them first.",
		        p->key, (long long)all);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM projects WHERE id = $1", db_int(p->id));
	if (rc >= 0) {
		char summary[400];
		snprintf(summary, sizeof summary, "deleted the project %.255s (%.64s)", p->name,
		         p->key);
		rc = hub_activity_record(c, actor_id, p->workspace_id, summary);
	}
	return rc < 0 ? rc : 0;
}
