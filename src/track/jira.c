/* Shared pieces of the track issue API (jira.h). */
#include "track/jira.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/str.h"
#include "track/account/account.h"
#include "track/account/account_web.h"
#include "track/issue/adf.h"
#include "track/track.h"

/* "2", "latest" or "3": the segment after /rest/api/ (TRACK_API mounts each route under all
 * three); "2" for paths outside the API. */
static const char *version_of(const web_request *req, arena *a)
{
	const char *prefix = "/rest/api/";
	size_t n = strlen(prefix);
	if (strncmp(req->path, prefix, n) != 0)
		return "2";
	return arena_strndup(a, req->path + n, strcspn(req->path + n, "/"));
}

int track_jira_version(const web_request *req, bool *out_v3)
{
	const char *v = version_of(req, req->arena);
	*out_v3 = strcmp(v, "3") == 0;
	if (*out_v3 || strcmp(v, "2") == 0 || strcmp(v, "latest") == 0)
		return 0;
	return err_fail(WEFT_ENOTFOUND, "There is no REST API version %s.", v);
}

const char *track_jira_time(arena *a, int64_t ms)
{
	if (ms == 0)
		return NULL;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900,
	                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	                    (int)(ms % 1000));
}

/* "+0000", "+02:00", "Z" or nothing: the offset in seconds east of UTC. */
static int parse_offset(const char *p, long *out)
{
	*out = 0;
	if (*p == 0 || strcmp(p, "Z") == 0)
		return 0;
	int h = 0, m = 0, n = 0;
	char sign = *p;
	size_t len = strlen(p);
	bool ok = (sign == '+' || sign == '-') && strspn(p + 1, "0123456789:") == len - 1 &&
	          ((len == 5 && sscanf(p + 1, "%2d%2d%n", &h, &m, &n) == 2 && n == 4) ||
	           (len == 6 && sscanf(p + 1, "%2d:%2d%n", &h, &m, &n) == 2 && n == 5));
	if (!ok || h > 23 || m > 59)
		return WEFT_EINVALID;
	*out = (sign == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	return 0;
}

int track_jira_parse_time(int64_t *out, const char *s)
{
	struct tm tm = { 0 };
	int consumed = 0, sec = 0, frac_len = 0;
	long offset = 0, frac = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	                 &tm.tm_hour, &tm.tm_min, &consumed) != 5)
		return err_fail(WEFT_EINVALID, "The date '%s' is not in Jira's format.",
		                s ? s : "");
	const char *p = s + consumed;
	if (*p == ':' && isdigit((unsigned char)p[1]))
		sec = (int)strtol(p + 1, (char **)&p, 10);
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, frac_len++)
			if (frac_len < 3)
				frac = frac * 10 + (*p - '0');
	for (; frac_len > 0 && frac_len < 3; frac_len++)
		frac *= 10;
	bool ok = parse_offset(p, &offset) == 0 && tm.tm_mon >= 1 && tm.tm_mon <= 12 &&
	          tm.tm_mday >= 1 && tm.tm_mday <= 31 && tm.tm_hour < 24 && tm.tm_min < 60 &&
	          sec < 61 && tm.tm_year >= 1970 && tm.tm_year < 10000;
	if (!ok)
		return err_fail(WEFT_EINVALID, "The date '%s' is not in Jira's format.", s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_sec = sec;
	*out = ((int64_t)timegm(&tm) - offset) * 1000 + frac;
	return 0;
}

const char *track_jira_self(const web_request *req, const char *fmt, ...)
{
	const char *v = version_of(req, req->arena);
	va_list ap;
	va_start(ap, fmt);
	char rest[512];
	vsnprintf(rest, sizeof rest, fmt, ap);
	va_end(ap);
	return arena_printf(req->arena, "%s/rest/api/%s/%s", web_base_url(req), v, rest);
}

void track_jira_field_error(web_response *res, const char *field, const char *message)
{
	web_res_json(res, 400,
	             json_pack("{s:[], s:{s:s}}", "errorMessages", "errors", field, message));
}

void track_jira_bad_request(web_response *res, const char *field, const char *message)
{
	if (field)
		track_jira_field_error(res, field, message);
	else
		web_res_json(res, 400,
		             json_pack("{s:[s], s:{}}", "errorMessages", message, "errors"));
}

/* One icon serves issue types, statuses and priorities (clients show, never parse, them). */
static const char *icon_url(const web_request *req)
{
	return arena_printf(req->arena, "%s/static/track-icon.svg", web_base_url(req));
}

static const char *category_name(const char *key)
{
	if (strcmp(key, "new") == 0)
		return "To Do";
	return strcmp(key, "done") == 0 ? "Done" : "In Progress";
}

json_t *track_jira_status_category_json(const web_request *req, const char *key)
{
	int id = strcmp(key, "new") == 0 ? 2 : strcmp(key, "done") == 0 ? 3 : 4;
	const char *color = id == 2 ? "blue-gray" : id == 3 ? "green" : "yellow";
	return json_pack("{s:s, s:i, s:s, s:s, s:s}", "self",
	                 track_jira_self(req, "statuscategory/%d", id), "id", id, "key", key,
	                 "colorName", color, "name", category_name(key));
}

json_t *track_jira_status_json(const web_request *req, const track_status *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "self",
	                 track_jira_self(req, "status/%lld", (long long)s->id), "id",
	                 arena_printf(req->arena, "%lld", (long long)s->id), "name", s->name,
	                 "description", s->description, "iconUrl", icon_url(req), "statusCategory",
	                 track_jira_status_category_json(req, s->category));
}

json_t *track_jira_priority_json(const web_request *req, int64_t id, const char *name)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "self",
	                 track_jira_self(req, "priority/%lld", (long long)id), "id",
	                 arena_printf(req->arena, "%lld", (long long)id), "name", name, "iconUrl",
	                 icon_url(req));
}

json_t *track_jira_resolution_json(const web_request *req, int64_t id, const char *name)
{
	if (!id)
		return json_null();
	return json_pack("{s:s, s:s, s:s}", "self",
	                 track_jira_self(req, "resolution/%lld", (long long)id), "id",
	                 arena_printf(req->arena, "%lld", (long long)id), "name", name);
}

json_t *track_jira_issuetype(const web_request *req, int64_t id, const char *name,
                             const char *description, bool subtask, int64_t level)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:I}", "self",
	                 track_jira_self(req, "issuetype/%lld", (long long)id), "id",
	                 arena_printf(req->arena, "%lld", (long long)id), "name", name,
	                 "description", description, "iconUrl", icon_url(req), "subtask", subtask,
	                 "avatarId", 0, "hierarchyLevel", (json_int_t)level);
}

static json_t *issuetype_row(db_stmt *st, const web_request *req)
{
	return track_jira_issuetype(req, db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
	                            db_col_int(st, 3) != 0, db_col_int(st, 4));
}

int track_jira_issuetype_json(db_conn *c, const web_request *req, int64_t id, json_t **out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, name, description, is_subtask, hierarchy_level"
	                  " FROM issue_types WHERE id = $1",
	                  db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "The issue type %lld does not exist.", (long long)id);
	if (rc == 0)
		*out = issuetype_row(st, req);
	db_done(st);
	return rc;
}

int track_jira_issuetypes_json(db_conn *c, const web_request *req, json_t **out)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, name, description, is_subtask, hierarchy_level"
	                  " FROM issue_types ORDER BY id",
	                  DB_END);
	json_t *list = json_array();
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		json_array_append_new(list, issuetype_row(st, req));
		rc = 0;
	}
	db_done(st);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

json_t *track_jira_user(db_conn *c, const web_request *req, int64_t user_id)
{
	track_user u;
	if (user_id <= 0 || track_account_find_id(c, req->arena, user_id, &u) < 0)
		return json_null();
	return track_user_json(req, &u);
}

json_t *track_jira_text(const char *markdown, bool v3)
{
	if (!markdown)
		return json_null();
	if (!v3)
		return json_string(markdown);
	json_t *doc = NULL;
	if (adf_from_markdown(&doc, markdown, strlen(markdown)) < 0)
		return json_null();
	return doc;
}

int track_jira_text_in(const char **out, arena *a, const json_t *value, bool v3)
{
	*out = NULL;
	if (!value || json_is_null(value))
		return 0;
	if (json_is_string(value)) {
		*out = json_string_value(value);
		return 0;
	}
	if (v3 && json_is_object(value)) {
		char *md = NULL;
		int rc = adf_to_markdown(&md, a, value);
		*out = md;
		return rc;
	}
	return err_fail(WEFT_EINVALID, v3 ? "Expected an Atlassian Document Format document."
	                                  : "Expected a string.");
}

static const char *ref_string(const json_t *value)
{
	static const char *const keys[] = { "accountId", "name", "key", "emailAddress", "id" };
	if (json_is_string(value))
		return json_string_value(value);
	for (size_t i = 0; json_is_object(value) && i < 5; i++) {
		const json_t *v = json_object_get(value, keys[i]);
		if (json_is_string(v))
			return json_string_value(v);
		if (json_is_null(v))
			return "-1";
	}
	return NULL;
}

int track_jira_user_ref(db_conn *c, arena *a, const json_t *value, int64_t *out)
{
	*out = 0;
	if (!value || json_is_null(value))
		return 0;
	const char *ref = ref_string(value);
	if (!ref)
		return err_fail(WEFT_EINVALID, "Expected a user as {\"accountId\": …} or "
		                               "{\"name\": …}.");
	if (strcmp(ref, "-1") == 0 || *ref == 0)
		return 0;
	track_user u;
	int rc = track_account_find_account_id(c, a, ref, &u);
	if (rc == WEFT_ENOTFOUND)
		rc = track_account_find_login(c, a, ref, &u);
	if (rc == WEFT_ENOTFOUND)
		return err_fail(WEFT_EINVALID, "User '%s' does not exist.", ref);
	if (rc == 0)
		*out = u.id;
	return rc;
}

int track_jira_int(const json_t *v, const char *name, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	bool negative = s && *s == '-';
	if (s && str_to_i64(out, s + negative, 0, INT64_MAX, name) == 0) {
		*out = negative ? -*out : *out;
		return 0;
	}
	return err_fail(WEFT_EINVALID, "'%s' must be a number.", name);
}

const char *track_jira_id_text(arena *a, const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return NULL;
}

typedef struct answer_run {
	db_fn fn;
	void *ctx;
	json_t **out;
} answer_run;

static int answer_tx(db_conn *c, void *p)
{
	answer_run *r = p;
	json_decref(*r->out); /* from an attempt the store ran again */
	*r->out = NULL;
	return r->fn(c, r->ctx);
}

int track_jira_answer(web_request *req, web_response *res, int status, bool write, db_fn fn,
                      void *ctx, json_t **out)
{
	answer_run r = { fn, ctx, out };
	db *d = track_app_of(req)->d;
	int rc = write ? db_tx(d, answer_tx, &r) : db_read(d, answer_tx, &r);
	if (rc == 0)
		web_res_json(res, status, *out);
	else
		json_decref(*out);
	*out = NULL;
	return rc;
}
