/* Issue links and link types (link.h): the rules, the history both issues keep, and the batched
 * reading a page of issues needs. */
#include "track/link/link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "db/rows.h"
#include "track/issue/issue.h"
#include "track/track_perm.h"

#define TYPE_COLUMNS "t.id, t.name, t.inward, t.outward"
#define TYPE_NOT_FOUND "No issue link type with name or id '%s' found."

static void read_type_at(db_stmt *st, arena *a, int col, track_link_type *t)
{
	t->id = db_col_int(st, col);
	t->name = arena_strdup(a, db_col_text(st, col + 1));
	t->inward = arena_strdup(a, db_col_text(st, col + 2));
	t->outward = arena_strdup(a, db_col_text(st, col + 3));
}

static void read_type(db_stmt *st, arena *a, void *item)
{
	read_type_at(st, a, 0, item);
}

int track_link_types(db_conn *c, arena *a, track_link_type **out, size_t *n)
{
	db_stmt *st = NULL;
	int rc = db_query(
	        &st, c, "SELECT " TYPE_COLUMNS " FROM link_types t ORDER BY lower(t.name)", DB_END);
	*out = NULL;
	*n = 0;
	return db_rows_read((void **)out, n, st, rc, a, sizeof **out, read_type);
}

static bool all_digits(const char *s)
{
	size_t len = strlen(s);
	return len > 0 && len <= 18 && strspn(s, "0123456789") == len;
}

static int type_where(db_conn *c, arena *a, const char *where, db_arg arg, const char *ref,
                      track_link_type *out)
{
	db_stmt *st = NULL;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT " TYPE_COLUMNS " FROM link_types t WHERE %s", where);
	int rc = db_query(&st, c, sql, arg);
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW)
		read_type_at(st, a, 0, out);
	db_done(st);
	if (rc == DB_DONE)
		return err_fail(WEFT_ENOTFOUND, TYPE_NOT_FOUND, ref);
	return rc < 0 ? rc : 0;
}

int track_link_type_get(db_conn *c, arena *a, int64_t id, track_link_type *out)
{
	return type_where(c, a, "t.id = $1", db_int(id), arena_printf(a, "%lld", (long long)id),
	                  out);
}

int track_link_type_find(db_conn *c, arena *a, const char *ref, track_link_type *out)
{
	if (all_digits(ref))
		return type_where(c, a, "t.id = $1", db_int(strtoll(ref, NULL, 10)), ref, out);
	return type_where(c, a, "lower(t.name) = lower($1)", db_text(ref), ref, out);
}

int track_link_type_of_phrase(db_conn *c, arena *a, const char *phrase, track_link_type *out,
                              bool *outward)
{
	db_stmt *st = NULL;
	int rc = db_query(&st, c,
	                  "SELECT " TYPE_COLUMNS ", lower(t.outward) = lower($1) FROM link_types t"
	                  " WHERE lower(t.outward) = lower($1) OR lower(t.inward) = lower($1)"
	                  " ORDER BY lower(t.outward) = lower($1) DESC, t.id LIMIT 1",
	                  db_text(phrase));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		read_type_at(st, a, 0, out);
		*outward = db_col_int(st, 4) != 0;
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_fail(WEFT_ENOTFOUND, "No issue link type has the phrase '%s'.", phrase);
	return rc < 0 ? rc : 0;
}

/* A type's text field: trimmed, not empty, bounded. */
static int type_text(arena *a, const char *in, const char *field, const char **out,
                     const char **out_field)
{
	slice s = slice_trim((slice){ in, strlen(in) });
	*out_field = field;
	if (s.len == 0)
		return err_fail(WEFT_EINVALID, "The issue link type's %s must not be empty.",
		                field);
	if (s.len > TRACK_LINK_TYPE_TEXT_MAX)
		return err_fail(WEFT_EINVALID, "The issue link type's %s is longer than %d bytes.",
		                field, TRACK_LINK_TYPE_TEXT_MAX);
	*out = arena_slice(a, s);
	*out_field = NULL;
	return 0;
}

static int type_texts(arena *a, const track_link_type *in, track_link_type *t,
                      const char **out_field)
{
	int rc = in->name ? type_text(a, in->name, "name", &t->name, out_field) : 0;
	if (rc == 0 && in->inward)
		rc = type_text(a, in->inward, "inward", &t->inward, out_field);
	if (rc == 0 && in->outward)
		rc = type_text(a, in->outward, "outward", &t->outward, out_field);
	return rc;
}

static int name_taken(int rc, const char **out_field)
{
	if (rc != WEFT_EEXISTS)
		return rc;
	*out_field = "name";
	return err_fail(WEFT_EEXISTS, "An issue link type with that name already exists.");
}

int track_link_type_create(db_conn *c, arena *a, const track_link_type *in, track_link_type *out,
                           const char **out_field)
{
	track_link_type t = { 0 };
	*out_field = NULL;
	if (!in->name || !in->inward || !in->outward) {
		*out_field = !in->name ? "name" : !in->inward ? "inward" : "outward";
		return err_fail(WEFT_EINVALID, "The issue link type's %s is required.", *out_field);
	}
	int rc = type_texts(a, in, &t, out_field);
	db_stmt *st = NULL;
	if (rc == 0)
		rc = db_query(&st, c,
		              "INSERT INTO link_types (name, inward, outward) VALUES ($1, $2, $3)"
		              " RETURNING id",
		              db_text(t.name), db_text(t.inward), db_text(t.outward));
	if (rc == 0)
		rc = db_step_one(st, "The issue link type was not created.");
	if (rc == 0)
		t.id = db_col_int(st, 0);
	db_done(st);
	rc = name_taken(rc, out_field);
	if (rc == 0)
		*out = t;
	return rc;
}

int track_link_type_update(db_conn *c, arena *a, int64_t id, const track_link_type *in,
                           track_link_type *out, const char **out_field)
{
	track_link_type t = { 0 };
	*out_field = NULL;
	int rc = track_link_type_get(c, a, id, &t);
	if (rc == 0)
		rc = type_texts(a, in, &t, out_field);
	if (rc == 0)
		rc = db_exec(
		        c,
		        "UPDATE link_types SET name = $1, inward = $2, outward = $3 WHERE id = $4",
		        db_text(t.name), db_text(t.inward), db_text(t.outward), db_int(id));
	rc = name_taken(rc < 0 ? rc : 0, out_field);
	if (rc == 0)
		*out = t;
	return rc;
}

int track_link_type_delete(db_conn *c, int64_t id)
{
	int rc = db_exec(c, "DELETE FROM link_types WHERE id = $1", db_int(id));
	if (rc == 0)
		return err_fail(WEFT_ENOTFOUND, "No issue link type with id '%lld' found.",
		                (long long)id);
	return rc < 0 ? rc : 0;
}

/* ---- links ---- */

/* The issue, when user may browse it: WEFT_ENOTFOUND with Jira's message otherwise. */
static int visible_issue(db_conn *c, arena *a, const track_user *user, int64_t id, track_issue *out)
{
	bool ok = false;
	int rc = track_issue_get(c, a, id, out);
	if (rc == 0)
		rc = track_perm_check(c, user, out->project_id, TRACK_PERM_BROWSE, &ok);
	if (rc == WEFT_ENOTFOUND || (rc == 0 && !ok))
		return err_fail(WEFT_ENOTFOUND, TRACK_ISSUE_HIDDEN);
	return rc;
}

static int may_link(db_conn *c, const track_user *user, const track_issue *issue, bool *out)
{
	return track_perm_check(c, user, issue->project_id, TRACK_PERM_LINK_ISSUES, out);
}

static int refuse_link(void)
{
	return err_fail(WEFT_EPERM, "You do not have permission to link issues in this project.");
}

int track_link_record(db_conn *c, int64_t issue_id, int64_t author_id, const char *field,
                      const char *value, const char *text, bool added)
{
	int64_t group = 0;
	int rc = track_changelog_begin(c, issue_id, author_id, &group);
	if (rc == 0)
		rc = track_changelog_item(c, group, field, added ? NULL : value,
		                          added ? NULL : text, added ? value : NULL,
		                          added ? text : NULL);
	if (rc == 0)
		rc = track_issue_touch(c, issue_id);
	return rc;
}

/* One "Link" history entry on issue: "This issue blocks OTHER-1", added or removed. */
static int record(db_conn *c, arena *a, int64_t issue_id, int64_t author_id, const char *phrase,
                  const char *other_key, bool added)
{
	return track_link_record(c, issue_id, author_id, "Link", other_key,
	                         arena_printf(a, "This issue %s %s", phrase, other_key), added);
}

static int record_both(db_conn *c, arena *a, const track_user *actor, const track_link_type *t,
                       const track_issue *source, const track_issue *destination, bool added)
{
	int rc = record(c, a, source->id, actor->id, t->outward, destination->key, added);
	if (rc == 0)
		rc = record(c, a, destination->id, actor->id, t->inward, source->key, added);
	return rc;
}

/* Inserts the link, or finds the same one: *created tells which. */
static int insert_link(db_conn *c, const track_link_new *in, int64_t *id, bool *created)
{
	db_stmt *st = NULL;
	int rc = db_query(&st, c,
	                  "INSERT INTO issue_links (type_id, source_id, destination_id, created_at)"
	                  " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
	                  db_int(in->type_id), db_int(in->source_id), db_int(in->destination_id),
	                  db_int(clock_now_ms()));
	if (rc == 0)
		rc = db_step(st);
	*created = rc == DB_ROW;
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0 || *created)
		return rc < 0 ? rc : 0;
	rc = db_query(&st, c,
	              "SELECT id FROM issue_links WHERE source_id = $1 AND destination_id = $2"
	              " AND type_id = $3",
	              db_int(in->source_id), db_int(in->destination_id), db_int(in->type_id));
	if (rc == 0)
		rc = db_step_one(st, "The issue link was not found.");
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

/* Both issues visible to actor, and Link issues on the from issue's project. */
static int check_new(db_conn *c, arena *a, const track_user *actor, const track_link_new *in,
                     track_issue *source, track_issue *destination)
{
	bool ok = false;
	int rc = visible_issue(c, a, actor, in->source_id, source);
	if (rc == 0)
		rc = visible_issue(c, a, actor, in->destination_id, destination);
	if (rc == 0 && source->id == destination->id)
		rc = err_fail(WEFT_EINVALID, "You cannot link an issue to itself.");
	if (rc == 0)
		rc = may_link(c, actor, in->from_id == source->id ? source : destination, &ok);
	if (rc == 0 && !ok)
		rc = refuse_link();
	return rc;
}

int track_link_add(db_conn *c, arena *a, const track_user *actor, const track_link_new *in,
                   track_link *out)
{
	track_issue source, destination;
	track_link_type type = { 0 };
	bool created = false;
	int64_t id = 0;
	int rc = check_new(c, a, actor, in, &source, &destination);
	if (rc == 0 && (rc = track_link_type_get(c, a, in->type_id, &type)) == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_EINVALID, "%s", err_msg());
	if (rc == 0)
		rc = insert_link(c, in, &id, &created);
	if (rc == 0 && created)
		rc = record_both(c, a, actor, &type, &source, &destination, true);
	if (rc == 0)
		*out = (track_link){ id, type, source.id, destination.id };
	return rc;
}

static int load_link(db_conn *c, arena *a, int64_t id, track_link *out)
{
	db_stmt *st = NULL;
	int rc = db_query(&st, c,
	                  "SELECT l.id, l.source_id, l.destination_id, " TYPE_COLUMNS
	                  " FROM issue_links l JOIN link_types t ON t.id = l.type_id"
	                  " WHERE l.id = $1",
	                  db_int(id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		out->source_id = db_col_int(st, 1);
		out->destination_id = db_col_int(st, 2);
		read_type_at(st, a, 3, &out->type);
	}
	db_done(st);
	if (rc == DB_DONE)
		return err_fail(WEFT_ENOTFOUND, "No issue link with id '%lld' exists.",
		                (long long)id);
	return rc < 0 ? rc : 0;
}

/* The link and its two issues, when reader may browse both: else WEFT_ENOTFOUND, as missing. */
static int visible_link(db_conn *c, arena *a, const track_user *reader, int64_t id, track_link *out,
                        track_issue *source, track_issue *destination)
{
	int rc = load_link(c, a, id, out);
	if (rc == 0)
		rc = visible_issue(c, a, reader, out->source_id, source);
	if (rc == 0)
		rc = visible_issue(c, a, reader, out->destination_id, destination);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "No issue link with id '%lld' exists.",
		                (long long)id);
	return rc;
}

int track_link_get(db_conn *c, arena *a, const track_user *reader, int64_t id, track_link *out)
{
	track_issue source, destination;
	track_link link = { 0 };
	int rc = visible_link(c, a, reader, id, &link, &source, &destination);
	if (rc == 0)
		*out = link;
	return rc;
}

int track_link_remove(db_conn *c, arena *a, const track_user *actor, int64_t id)
{
	track_link link = { 0 };
	track_issue source, destination;
	bool from_source = false, from_destination = false;
	int rc = visible_link(c, a, actor, id, &link, &source, &destination);
	if (rc == 0)
		rc = may_link(c, actor, &source, &from_source);
	if (rc == 0 && !from_source)
		rc = may_link(c, actor, &destination, &from_destination);
	if (rc == 0 && !from_source && !from_destination)
		rc = refuse_link();
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM issue_links WHERE id = $1", db_int(id));
	if (rc >= 0)
		rc = record_both(c, a, actor, &link.type, &source, &destination, false);
	return rc;
}

/* ---- the links of a page of issues ---- */

/* Columns of one direction: the link, the issue it is seen from, the direction, its type, then
 * the other issue o with its status, priority and type. */
#define SIDE_COLUMNS(seen_from, outward)                                                     \
	"SELECT l.id, " seen_from ", " outward ", " TYPE_COLUMNS ", o.id, o.key, o.summary," \
	" s.id, s.name, s.category, p.id, p.name, it.id, it.name, it.description,"           \
	" it.is_subtask, it.hierarchy_level FROM issue_links l"                              \
	" JOIN link_types t ON t.id = l.type_id"
#define SIDE_JOINS                                                                         \
	" JOIN statuses s ON s.id = o.status_id JOIN priorities p ON p.id = o.priority_id" \
	" JOIN issue_types it ON it.id = o.type_id"

static void read_issue_link(db_stmt *st, arena *a, void *item)
{
	track_issue_link *l = item;
	l->id = db_col_int(st, 0);
	l->issue_id = db_col_int(st, 1);
	l->outward = db_col_int(st, 2) != 0;
	read_type_at(st, a, 3, &l->type);
	l->other_id = db_col_int(st, 7);
	l->other_key = arena_strdup(a, db_col_text(st, 8));
	l->other_summary = arena_strdup(a, db_col_text(st, 9));
	l->other_status = (track_status){ db_col_int(st, 10), arena_strdup(a, db_col_text(st, 11)),
		                          "", arena_strdup(a, db_col_text(st, 12)) };
	l->other_priority_id = db_col_int(st, 13);
	l->other_priority_name = arena_strdup(a, db_col_text(st, 14));
	l->other_type_id = db_col_int(st, 15);
	l->other_type_name = arena_strdup(a, db_col_text(st, 16));
	l->other_type_description = arena_strdup(a, db_col_text(st, 17));
	l->other_type_subtask = db_col_int(st, 18) != 0;
	l->other_type_level = db_col_int(st, 19);
}

/* One statement for up to DB_ROWS_IDS_MAX issues: both directions, the other issue restricted
 * to what reader may browse ($n+1, the reader's id, when the restriction needs it). */
static int links_chunk(db_conn *c, arena *a, const track_user *reader, const int64_t *ids, size_t n,
                       track_issue_link **out, size_t *nout)
{
	bool uses_reader = false;
	const char *browse =
	        track_perm_browse_sql(a, reader, "o.project_id", (int)n + 1, &uses_reader);
	buf in = BUF_INIT, sql = BUF_INIT;
	db_arg *args = arena_array(a, n + 2, sizeof *args);
	for (size_t k = 0; k < n; k++) {
		buf_printf(&in, "%s$%zu", k ? ", " : "", k + 1);
		args[k] = db_int(ids[k]);
	}
	args[n] = uses_reader ? db_int(reader->id) : DB_END;
	args[n + 1] = DB_END;
	buf_printf(&sql,
	           SIDE_COLUMNS("l.source_id",
	                        "1") " JOIN issues o ON o.id = l.destination_id" SIDE_JOINS
	                             " WHERE l.source_id IN (%s) AND %s UNION ALL " SIDE_COLUMNS(
	                                     "l.destination_id",
	                                     "0") " JOIN issues o ON o.id = l.source_id" SIDE_JOINS
	                                          " WHERE l.destination_id IN (%s) AND %s"
	                                          " ORDER BY 2, 5, 3 DESC, 8",
	           buf_cstr(&in), browse, buf_cstr(&in), browse);
	db_stmt *st = NULL;
	int rc = db_query_args(&st, c, buf_cstr(&sql), args);
	rc = db_rows_read((void **)out, nout, st, rc, a, sizeof **out, read_issue_link);
	buf_dispose(&in);
	buf_dispose(&sql);
	return rc;
}

int track_link_of_issues(db_conn *c, arena *a, const track_user *reader, const int64_t *issue_ids,
                         size_t n, track_issue_link **out, size_t *nout)
{
	track_issue_link *all = NULL;
	size_t total = 0;
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < n; off += DB_ROWS_IDS_MAX) {
		size_t chunk = n - off < DB_ROWS_IDS_MAX ? n - off : DB_ROWS_IDS_MAX;
		track_issue_link *part = NULL;
		size_t got = 0;
		rc = links_chunk(c, a, reader, issue_ids + off, chunk, &part, &got);
		if (rc == 0 && got) {
			all = arena_grow(a, all, total * sizeof *all, (total + got) * sizeof *all);
			memcpy(all + total, part, got * sizeof *all);
			total += got;
		}
	}
	if (rc == 0) {
		*out = all;
		*nout = total;
	}
	return rc;
}
