/* Build statuses: their rules, their SQL and the events setting one emits. */
#include "hub/hook/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "base/token.h"
#include "hub/hook/event.h"
#include "hub/hook/hook_config.h"
#include "web/escape.h"

static const char *const states[] = { "SUCCESSFUL", "FAILED", "INPROGRESS", "STOPPED" };

/* ---- rules ---- */

static int check_state(const char *state)
{
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(state, states[i]) == 0)
			return 0;
	return err_fail(WEFT_EINVALID, "state: must be one of SUCCESSFUL, FAILED, INPROGRESS, "
	                               "STOPPED");
}

static int check_url(const char *url)
{
	size_t len = strlen(url);
	if (len > HUB_STATUS_URL_MAX)
		return err_fail(WEFT_EINVALID, "url: longer than %d bytes", HUB_STATUS_URL_MAX);
	return str_check_line("url", url, HUB_STATUS_URL_MAX);
}

static int check_input(const hub_status_input *in, bool creating)
{
	if (creating && (!in->key || !*in->key))
		return err_fail(WEFT_EINVALID, "key: This field is required.");
	if (creating && !in->state)
		return err_fail(WEFT_EINVALID, "state: This field is required.");
	if (creating && (!in->url || !*in->url))
		return err_fail(WEFT_EINVALID, "url: This field is required.");
	int rc = in->key ? str_check_line("key", in->key, HUB_STATUS_KEY_MAX) : 0;
	if (rc == 0 && in->state)
		rc = check_state(in->state);
	if (rc == 0 && in->name)
		rc = str_check_line("name", in->name, HUB_STATUS_NAME_MAX);
	if (rc == 0 && in->description && strlen(in->description) > 4 * HUB_STATUS_DESCRIPTION_MAX)
		rc = err_fail(WEFT_EINVALID, "description: too long");
	if (rc == 0 && in->description && !str_is_utf8(in->description, strlen(in->description)))
		rc = err_fail(WEFT_EINVALID, "description: not valid UTF-8");
	if (rc == 0 && in->url)
		rc = check_url(in->url);
	if (rc == 0 && in->refname)
		rc = str_check_line("refname", in->refname, HUB_STATUS_REFNAME_MAX);
	return rc;
}

bool hub_status_url_linkable(const char *url)
{
	return url && (str_starts_with(url, "http://") || str_starts_with(url, "https://")) &&
	       !strpbrk(url, " \t\r\n\"'<>");
}

const char *hub_status_summary(const hub_status *statuses, size_t n)
{
	int worst = -1; /* 0 SUCCESSFUL, 1 STOPPED, 2 INPROGRESS, 3 FAILED */
	for (size_t i = 0; i < n; i++) {
		const char *s = statuses[i].state;
		int rank = strcmp(s, "FAILED") == 0       ? 3
		           : strcmp(s, "INPROGRESS") == 0 ? 2
		           : strcmp(s, "STOPPED") == 0    ? 1
		                                          : 0;
		if (rank > worst)
			worst = rank;
	}
	static const char *const names[] = { "SUCCESSFUL", "STOPPED", "INPROGRESS", "FAILED" };
	return worst < 0 ? NULL : names[worst];
}

/* ---- reading ---- */

#define STATUS_COLUMNS                                                                       \
	"id, uuid, repository_id, commit_hash, key, state, name, description, url, refname," \
	" created_at, updated_at"

static void read_row(db_stmt *st, arena *a, hub_status *out)
{
	const char *refname = db_col_text(st, 9);
	*out = (hub_status){
		.id = db_col_int(st, 0),
		.repository_id = db_col_int(st, 2),
		.commit_hash = arena_strdup(a, db_col_text(st, 3)),
		.key = arena_strdup(a, db_col_text(st, 4)),
		.state = arena_strdup(a, db_col_text(st, 5)),
		.name = arena_strdup(a, db_col_text(st, 6)),
		.description = arena_strdup(a, db_col_text(st, 7)),
		.url = arena_strdup(a, db_col_text(st, 8)),
		.refname = refname ? arena_strdup(a, refname) : NULL,
		.created_at = db_col_int(st, 10),
		.updated_at = db_col_int(st, 11),
	};
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, 1));
}

int hub_status_get(db_conn *c, arena *a, int64_t repository_id, const char *commit_hash,
                   const char *key, hub_status *out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT " STATUS_COLUMNS " FROM commit_statuses WHERE repository_id = $1"
	                  " AND commit_hash = $2 AND key = $3",
	                  db_int(repository_id), db_text(commit_hash), db_text(key));
	if (rc == 0)
		rc = db_step_one(st, "No build status with the key %.80s on this commit.", key);
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

static void append(arena *a, hub_status **items, size_t *n, size_t *cap, const hub_status *s)
{
	*items = array_room(a, *items, *n, cap, sizeof **items);
	(*items)[(*n)++] = *s;
}

static const char list_sql[] = "SELECT " STATUS_COLUMNS " FROM commit_statuses WHERE"
                               " repository_id = $1 AND commit_hash = $2 ORDER BY created_at, id";

const char *hub_status_list_sql(void)
{
	return list_sql;
}

int hub_status_list(db_conn *c, arena *a, int64_t repository_id, const char *commit_hash,
                    hub_status **out, size_t *count)
{
	db_stmt *st;
	size_t n = 0, cap = 0;
	hub_status *items = NULL, s;
	int rc = db_query(&st, c, list_sql, db_int(repository_id), db_text(commit_hash));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_row(st, a, &s);
		append(a, &items, &n, &cap, &s);
		rc = 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	*out = items;
	*count = n;
	return 0;
}

/* The hashes as one JSON array text, bound as one parameter: the same SQL for any batch size
 * (json_each on SQLite, json_array_elements_text on PostgreSQL). */
static char *hashes_json(const char *const *hashes, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(hashes[i]));
	char *text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return text;
}

static const char many_sqlite[] =
        "SELECT " STATUS_COLUMNS " FROM commit_statuses WHERE repository_id = $1 AND"
        " commit_hash IN (SELECT value FROM json_each($2)) ORDER BY created_at, id";
static const char many_postgres[] =
        "SELECT " STATUS_COLUMNS " FROM commit_statuses WHERE repository_id = $1 AND"
        " commit_hash IN (SELECT json_array_elements_text($2::json)) ORDER BY created_at, id";

const char *hub_status_list_many_sql(db_engine engine)
{
	return engine == DB_POSTGRES ? many_postgres : many_sqlite;
}

int hub_status_list_many(db_conn *c, arena *a, int64_t repository_id, const char *const *hashes,
                         size_t n, hub_status ***out, size_t **counts)
{
	if (n > HUB_STATUS_BATCH_MAX)
		return err_fail(WEFT_ELIMIT, "more than %d commits in one batch",
		                HUB_STATUS_BATCH_MAX);
	hub_status **lists = arena_array(a, n ? n : 1, sizeof *lists);
	size_t *nums = arena_array(a, n ? n : 1, sizeof *nums),
	       *caps = arena_array(a, n ? n : 1, sizeof *caps);
	memset(lists, 0, (n ? n : 1) * sizeof *lists);
	memset(nums, 0, (n ? n : 1) * sizeof *nums);
	memset(caps, 0, (n ? n : 1) * sizeof *caps);
	char *text = hashes_json(hashes, n);
	db_stmt *st;
	hub_status s;
	int rc = text ? db_query(&st, c, hub_status_list_many_sql(db_conn_engine(c)),
	                         db_int(repository_id), db_text(text))
	              : err_fail(WEFT_ERROR, "out of memory");
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		read_row(st, a, &s);
		for (size_t i = 0; i < n; i++)
			if (strcmp(hashes[i], s.commit_hash) == 0)
				append(a, &lists[i], &nums[i], &caps[i], &s);
		rc = 0;
	}
	if (text)
		db_done(st);
	free(text);
	if (rc < 0)
		return rc;
	*out = lists;
	*counts = nums;
	return 0;
}

/* ---- JSON and events ---- */

json_t *hub_status_json(arena *a, const char *base_url, const hub_repo *r, const hub_status *s)
{
	char created[CLOCK_ISO_LEN], updated[CLOCK_ISO_LEN];
	clock_format_iso8601(created, s->created_at);
	clock_format_iso8601(updated, s->updated_at);
	buf repo = BUF_INIT, key = BUF_INIT;
	buf_puts(&repo, base_url);
	buf_puts(&repo, "/2.0/repositories/");
	esc_url_segment(&repo, r->workspace_slug, strlen(r->workspace_slug));
	buf_putc(&repo, '/');
	esc_url_segment(&repo, r->slug, strlen(r->slug));
	esc_url_segment(&key, s->key, strlen(s->key));
	const char *commit = arena_printf(a, "%s/commit/%s", buf_cstr(&repo), s->commit_hash);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:{s:s}, s:{s:s}}}",
	                      "type", "build", "uuid", arena_printf(a, "{%s}", s->uuid), "key",
	                      s->key, "name", s->name, "state", s->state, "url", s->url,
	                      "description", s->description, "created_on", created, "updated_on",
	                      updated, "links", "self", "href",
	                      arena_printf(a, "%s/statuses/build/%s", commit, buf_cstr(&key)),
	                      "commit", "href", commit);
	json_object_set_new(o, "refname", s->refname ? json_string(s->refname) : json_null());
	buf_dispose(&repo);
	buf_dispose(&key);
	return o;
}

static int emit(db_conn *c, arena *a, const hub_repo *r, int64_t actor_id, const hub_status *s,
                bool created)
{
	json_t *status = hub_status_json(a, hub_hook_config_get()->base_url, r, s);
	json_object_set_new(
	        status, "commit",
	        json_pack("{s:s, s:s, s:{s:{s:o}}}", "type", "commit", "hash", s->commit_hash,
	                  "links", "self", "href",
	                  json_incref(json_object_get(
	                          json_object_get(json_object_get(status, "links"), "commit"),
	                          "href"))));
	hub_event ev = { created ? "repo:commit_status_created" : "repo:commit_status_updated",
		         r->workspace_id, r->id, actor_id,
		         json_pack("{s:o}", "commit_status", status) };
	return hub_event_emit(c, a, &ev);
}

/* ---- writing ---- */

static int insert(db_conn *c, const hub_repo *r, const char *hash, const hub_status_input *in)
{
	char uuid[TOKEN_UUID_LEN];
	token_uuid(uuid);
	int64_t now = clock_now_ms();
	int rc = db_exec(
	        c,
	        "INSERT INTO commit_statuses (uuid, repository_id, commit_hash, key, state,"
	        " name, description, url, refname, created_at, updated_at)"
	        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
	        db_text(uuid), db_int(r->id), db_text(hash), db_text(in->key), db_text(in->state),
	        db_text(in->name ? in->name : ""), db_text(in->description ? in->description : ""),
	        db_text(in->url), db_text(in->refname), db_int(now));
	return rc < 0 ? rc : 0;
}

static int change(db_conn *c, const hub_status *old, const hub_status_input *in)
{
	int rc = db_exec(c,
	                 "UPDATE commit_statuses SET state = $2, name = $3, description = $4,"
	                 " url = $5, refname = $6, updated_at = $7 WHERE id = $1",
	                 db_int(old->id), db_text(in->state ? in->state : old->state),
	                 db_text(in->name ? in->name : old->name),
	                 db_text(in->description ? in->description : old->description),
	                 db_text(in->url ? in->url : old->url),
	                 db_text(in->refname ? in->refname : old->refname), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int hub_status_set(db_conn *c, arena *a, const hub_repo *r, int64_t actor_id,
                   const char *commit_hash, const hub_status_input *in, hub_status *out,
                   bool *created)
{
	hub_status old;
	int rc = check_input(in, true);
	if (rc < 0)
		return rc;
	rc = hub_status_get(c, a, r->id, commit_hash, in->key, &old);
	*created = rc == WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		rc = insert(c, r, commit_hash, in);
	else if (rc == 0)
		rc = change(c, &old, in);
	if (rc == 0)
		rc = hub_status_get(c, a, r->id, commit_hash, in->key, out);
	return rc < 0 ? rc : emit(c, a, r, actor_id, out, *created);
}

int hub_status_update(db_conn *c, arena *a, const hub_repo *r, int64_t actor_id,
                      const char *commit_hash, const char *key, const hub_status_input *in,
                      hub_status *out)
{
	hub_status old;
	hub_status_input changed = *in;
	changed.key = NULL;
	int rc = check_input(&changed, false);
	if (rc == 0)
		rc = hub_status_get(c, a, r->id, commit_hash, key, &old);
	if (rc == 0)
		rc = change(c, &old, &changed);
	if (rc == 0)
		rc = hub_status_get(c, a, r->id, commit_hash, key, out);
	return rc < 0 ? rc : emit(c, a, r, actor_id, out, false);
}
