/* track's projects (project.h): the key rule, creation with the default workflow and the creator
 * as administrator, lookups, edits and role membership. */
#include "track/project/project.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "track/role.h"
#include "track/issue/workflow.h"

enum { NAME_MAX_LEN = 80, PROJECT_DESCRIPTION_MAX = 10000 };

#define PROJECT_COLUMNS \
	"id, key, name, description, COALESCE(lead_id, 0), type, created_at, updated_at"

int track_project_key_check(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	bool ok = n >= 2 && n <= 10 && isupper((unsigned char)key[0]);
	for (size_t i = 1; ok && i < n; i++)
		ok = isupper((unsigned char)key[i]) || isdigit((unsigned char)key[i]) ||
		     key[i] == '_';
	if (!ok)
		return err_fail(
		        WEFT_EINVALID,
		        "Project keys must be 2 to 10 characters: uppercase letters, digits "
		        "and underscores, starting with a letter.");
	return 0;
}

static int name_check(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || strspn(name, " \t") == n)
		return err_fail(WEFT_EINVALID, "You must specify a valid project name.");
	if (n > NAME_MAX_LEN || strpbrk(name, "\r\n"))
		return err_fail(WEFT_EINVALID,
		                "The project name must be one line of at most %d characters.",
		                NAME_MAX_LEN);
	return 0;
}

static void read_row(db_stmt *st, arena *a, void *item)
{
	track_project *out = item;
	out->id = db_col_int(st, 0);
	out->key = arena_strdup(a, db_col_text(st, 1));
	out->name = arena_strdup(a, db_col_text(st, 2));
	out->description = arena_strdup(a, db_col_text(st, 3));
	out->lead_id = db_col_int(st, 4);
	out->type = arena_strdup(a, db_col_text(st, 5));
	out->created_at = db_col_int(st, 6);
	out->updated_at = db_col_int(st, 7);
}

int track_project_create(db_conn *c, arena *a, const char *key, const char *name,
                         const char *description, int64_t lead_id, int64_t creator_id,
                         track_project *out)
{
	int64_t now = clock_now_ms();
	int rc = track_project_key_check(key);
	if (rc == 0)
		rc = name_check(name);
	if (rc == 0 && description && strlen(description) > PROJECT_DESCRIPTION_MAX)
		rc = err_fail(WEFT_ETOOLARGE, "The description is too long.");
	db_stmt *st = NULL;
	if (rc == 0)
		rc = db_query(
		        &st, c,
		        "INSERT INTO projects (key, name, description, lead_id, type, created_at,"
		        " updated_at) VALUES ($1, $2, $3, $4, 'software', $5, $5) RETURNING id",
		        db_text(key), db_text(name), db_text(description ? description : ""),
		        lead_id > 0 ? db_int(lead_id) : db_int(creator_id), db_int(now));
	if (rc == 0)
		rc = db_step_one(st, "The project was not created.");
	if (rc == WEFT_EEXISTS)
		rc = err_fail(WEFT_EEXISTS, "A project with that project key already exists.");
	int64_t id = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc == 0)
		rc = track_workflow_init(c, id);
	if (rc == 0)
		rc = track_project_role_add(c, id, creator_id, TRACK_ROLE_ADMINISTRATORS);
	if (rc == 0)
		rc = track_project_get(c, a, id, out);
	return rc;
}

int track_project_get(db_conn *c, arena *a, int64_t id, track_project *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " PROJECT_COLUMNS " FROM projects WHERE id = $1",
	                  db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "No project could be found with id '%lld'.", (long long)id);
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 18;
}

int track_project_find(db_conn *c, arena *a, const char *id_or_key, track_project *out)
{
	if (all_digits(id_or_key))
		return track_project_get(c, a, strtoll(id_or_key, NULL, 10), out);
	char *upper = arena_strdup(a, id_or_key);
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " PROJECT_COLUMNS " FROM projects WHERE key = $1",
	                  db_text(upper));
	if (rc == 0)
		rc = db_step_one(st, "No project could be found with key '%s'.", id_or_key);
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

int track_project_list(db_conn *c, arena *a, int64_t user_id, bool site_admin, track_project **out,
                       size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " PROJECT_COLUMNS " FROM projects WHERE $1 = 1 OR id IN"
	                  " (SELECT project_id FROM project_roles WHERE user_id = $2) ORDER BY key",
	                  db_int(site_admin ? 1 : 0), db_int(user_id));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_row);
}

int track_project_update(db_conn *c, int64_t id, const char *name, const char *description,
                         int64_t lead_id)
{
	int rc = name ? name_check(name) : 0;
	if (rc == 0 && description && strlen(description) > PROJECT_DESCRIPTION_MAX)
		rc = err_fail(WEFT_ETOOLARGE, "The description is too long.");
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE projects SET name = COALESCE($2, name),"
		             " description = COALESCE($3, description),"
		             " lead_id = CASE WHEN $4 > 0 THEN $4 ELSE lead_id END, updated_at = $5"
		             " WHERE id = $1",
		             db_int(id), db_text(name), db_text(description), db_int(lead_id),
		             db_int(clock_now_ms()));
	if (rc == 0)
		rc = err_fail(WEFT_ENOTFOUND, "No project could be found with id '%lld'.",
		              (long long)id);
	return rc < 0 ? rc : 0;
}

int track_project_role_add(db_conn *c, int64_t project_id, int64_t user_id, unsigned role)
{
	const char *name = track_role_name(role);
	if (!name)
		return err_fail(WEFT_EINVALID, "Roles are Administrators, Developers and Users.");
	int rc =
	        db_exec(c,
	                "INSERT INTO project_roles (project_id, user_id, role, created_at)"
	                " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	                db_int(project_id), db_int(user_id), db_text(name), db_int(clock_now_ms()));
	if (rc == WEFT_ECONFLICT)
		return err_fail(WEFT_ENOTFOUND, "There is no such user.");
	return rc < 0 ? rc : 0;
}

static int count_admins(db_conn *c, int64_t project_id, int64_t *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT COUNT(*) FROM project_roles WHERE project_id = $1"
	                  " AND role = 'administrators'",
	                  db_int(project_id));
	if (rc == 0)
		rc = db_step_one(st, "No count.");
	*out = rc == 0 ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc;
}

int track_project_role_remove(db_conn *c, int64_t project_id, int64_t user_id, unsigned role)
{
	const char *name = track_role_name(role);
	if (!name)
		return err_fail(WEFT_EINVALID, "Roles are Administrators, Developers and Users.");
	int rc = db_exec(c,
	                 "DELETE FROM project_roles WHERE project_id = $1 AND user_id = $2"
	                 " AND role = $3",
	                 db_int(project_id), db_int(user_id), db_text(name));
	int64_t admins = 1;
	if (rc >= 0 && role == TRACK_ROLE_ADMINISTRATORS)
		rc = count_admins(c, project_id, &admins);
	if (rc >= 0 && admins == 0)
		rc = err_fail(WEFT_ECONFLICT, "A project keeps at least one administrator.");
	return rc < 0 ? rc : 0;
}

int track_project_roles(db_conn *c, arena *a, int64_t project_id, track_role_member **out,
                        size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT user_id, role FROM project_roles WHERE project_id = $1"
	                  " ORDER BY role, user_id",
	                  db_int(project_id));
	size_t count = 0, cap = 0;
	track_role_member *items = NULL;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		items = array_room(a, items, count, &cap, sizeof *items);
		items[count].user_id = db_col_int(st, 0);
		items[count++].role = track_role_parse(db_col_text(st, 1));
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = items;
	*n = count;
	return 0;
}

static void read_project_issue(db_stmt *st, arena *a, void *item)
{
	const char *assignee = db_col_text(st, 6);
	*(track_project_issue *)item = (track_project_issue){
		.key = arena_strdup(a, db_col_text(st, 0)),
		.summary = arena_strdup(a, db_col_text(st, 1)),
		.type = arena_strdup(a, db_col_text(st, 2)),
		.status = arena_strdup(a, db_col_text(st, 3)),
		.category = arena_strdup(a, db_col_text(st, 4)),
		.priority = arena_strdup(a, db_col_text(st, 5)),
		.assignee = assignee ? arena_strdup(a, assignee) : NULL,
		.updated_at = db_col_int(st, 7),
	};
}

int track_project_issues(db_conn *c, arena *a, const track_project_filter *f,
                         track_project_issue **out, size_t *n)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "SELECT i.key, i.summary, t.name, s.name, s.category, p.name, u.display_name,"
	        " i.updated_at FROM issues i JOIN issue_types t ON t.id = i.type_id"
	        " JOIN statuses s ON s.id = i.status_id JOIN priorities p ON p.id = i.priority_id"
	        " LEFT JOIN users u ON u.id = i.assignee_id WHERE i.project_id = $1"
	        " AND ($2 < 0 OR i.status_id = $2) AND ($3 < 0 OR i.type_id = $3)"
	        " AND ($4 < 0 OR ($4 = 0 AND i.assignee_id IS NULL) OR i.assignee_id = $4)"
	        " ORDER BY i.updated_at DESC, i.id DESC LIMIT $5",
	        db_int(f->project_id), db_int(f->status), db_int(f->type), db_int(f->assignee),
	        db_int(f->limit));
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_project_issue);
}
