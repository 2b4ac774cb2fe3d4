/* The branching model's row, the suggested branch name of an issue, the recently used
 * repositories. */
#include "hub/pull/branching.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "hub/browse/ref.h"

static const char *const kinds[BRANCHING_TYPES] = { "feature", "bugfix", "hotfix", "release" };

void hub_branching_defaults(hub_branching *out)
{
	*out = (hub_branching){ 0 };
	for (int i = 0; i < BRANCHING_TYPES; i++)
		out->types[i] = (hub_branch_type){ kinds[i], NULL, true };
	out->types[0].prefix = "feature/";
	out->types[1].prefix = "bugfix/";
	out->types[2].prefix = "hotfix/";
	out->types[3].prefix = "release/";
}

static const char *dup_or_null(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

int hub_branching_get(db_conn *c, arena *a, int64_t repository_id, hub_branching *out)
{
	db_stmt *st;
	hub_branching_defaults(out);
	int rc = db_query(&st, c,
	                  "SELECT development_branch, production_branch, production_enabled,"
	                  " feature_prefix, feature_enabled, bugfix_prefix, bugfix_enabled,"
	                  " hotfix_prefix, hotfix_enabled, release_prefix, release_enabled"
	                  " FROM repository_pull_settings WHERE repository_id = $1",
	                  db_int(repository_id));
	if (rc == 0)
		rc = db_step(st);
	if (rc == DB_ROW) {
		out->development = dup_or_null(a, db_col_text(st, 0));
		out->production = dup_or_null(a, db_col_text(st, 1));
		out->production_enabled = db_col_int(st, 2) != 0;
		for (int i = 0; i < BRANCHING_TYPES; i++) {
			out->types[i].prefix = arena_strdup(a, db_col_text(st, 3 + 2 * i));
			out->types[i].enabled = db_col_int(st, 4 + 2 * i) != 0;
		}
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* A prefix: a valid start of a branch name ("feature/" + "x" is one), not too long. */
static int check_prefix(const hub_branch_type *t)
{
	size_t n = t->prefix ? strlen(t->prefix) : 0;
	if (n == 0 || n > BRANCHING_PREFIX_MAX)
		return err_fail(WEFT_EINVALID, "%s prefix: 1 to %d characters.", t->kind,
		                BRANCHING_PREFIX_MAX);
	char probe[BRANCHING_PREFIX_MAX + 2];
	snprintf(probe, sizeof probe, "%sx", t->prefix);
	if (hub_ref_check_name(probe) < 0)
		return err_fail(WEFT_EINVALID, "%s prefix: %s cannot start a branch name.", t->kind,
		                t->prefix);
	return 0;
}

static int check_branch(const char *field, const char *name)
{
	if (name && hub_ref_check_name(name) < 0)
		return err_fail(WEFT_EINVALID, "%s: %.255s is not a valid branch name.", field,
		                name);
	return 0;
}

int hub_branching_set(db_conn *c, int64_t repository_id, const hub_branching *m)
{
	int rc = check_branch("development", m->development);
	if (rc == 0)
		rc = check_branch("production", m->production);
	for (int i = 0; rc == 0 && i < BRANCHING_TYPES; i++)
		rc = check_prefix(&m->types[i]);
	if (rc < 0)
		return rc;
	rc = db_exec(
	        c,
	        "INSERT INTO repository_pull_settings (repository_id, development_branch,"
	        " production_branch, production_enabled, feature_prefix, feature_enabled,"
	        " bugfix_prefix, bugfix_enabled, hotfix_prefix, hotfix_enabled, release_prefix,"
	        " release_enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
	        " ON CONFLICT (repository_id) DO UPDATE SET"
	        " development_branch = excluded.development_branch,"
	        " production_branch = excluded.production_branch,"
	        " production_enabled = excluded.production_enabled,"
	        " feature_prefix = excluded.feature_prefix,"
	        " feature_enabled = excluded.feature_enabled,"
	        " bugfix_prefix = excluded.bugfix_prefix,"
	        " bugfix_enabled = excluded.bugfix_enabled,"
	        " hotfix_prefix = excluded.hotfix_prefix,"
	        " hotfix_enabled = excluded.hotfix_enabled,"
	        " release_prefix = excluded.release_prefix,"
	        " release_enabled = excluded.release_enabled",
	        db_int(repository_id), db_text(m->development), db_text(m->production),
	        db_int(m->production_enabled), db_text(m->types[0].prefix),
	        db_int(m->types[0].enabled), db_text(m->types[1].prefix),
	        db_int(m->types[1].enabled), db_text(m->types[2].prefix),
	        db_int(m->types[2].enabled), db_text(m->types[3].prefix),
	        db_int(m->types[3].enabled));
	return rc < 0 ? rc : 0;
}

const char *hub_branching_kind_for(const char *issue_type)
{
	return issue_type && strcasecmp(issue_type, "Bug") == 0 ? "bugfix" : "feature";
}

/* The bytes of the character at p that may stand in a word of a branch name, or 0 when it ends
 * a word: ASCII letters, digits and '_', and non-ASCII characters but Latin-1's and Unicode's
 * punctuation (U+00A0-U+00BF, U+2000-U+206F). What git refuses in ref names (controls, space,
 * ~ ^ : ? * [ \ and the sequences it rejects) never stands in a word, nor '/' and '.', which
 * would make new path parts or "..". */
static size_t word_char_len(const unsigned char *p)
{
	if (*p < 0x80)
		return isalnum(*p) || *p == '_' ? 1 : 0;
	size_t n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 0)
		return 0;
	unsigned cp = n == 2   ? (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f)
	              : n == 3 ? (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 |
	                                 (p[2] & 0x3f)
	                       : 0x10000;
	bool punctuation = (cp >= 0xa0 && cp <= 0xbf) || (cp >= 0x2000 && cp <= 0x206f);
	return punctuation ? 0 : n;
}

const char *hub_branching_suggest(arena *a, const char *prefix, const char *key,
                                  const char *summary)
{
	buf out = BUF_INIT;
	buf_puts(&out, prefix ? prefix : "");
	for (const unsigned char *p = (const unsigned char *)(key ? key : ""); *p; p++)
		if (*p < 0x80 && (word_char_len(p) || *p == '-'))
			buf_putc(&out, (char)*p);
	/* Each word whole or not at all, so that the cut never splits a word or a character. */
	size_t len = out.len > BRANCH_SUGGEST_MAX ? BRANCH_SUGGEST_MAX : out.len;
	const unsigned char *p = (const unsigned char *)(summary ? summary : "");
	while (*p) {
		while (*p && !word_char_len(p))
			p++;
		size_t n = 0, k;
		while (p[n] && (k = word_char_len(p + n)) > 0)
			n += k;
		if (n == 0 || len + 1 + n > BRANCH_SUGGEST_MAX)
			break;
		out.len = len;
		if (len > 0 && out.ptr[len - 1] != '/')
			buf_putc(&out, '-');
		for (size_t i = 0; i < n; i++)
			buf_putc(&out, (char)tolower(p[i]));
		len = out.len;
		p += n;
	}
	while (len > 0 && (out.ptr[len - 1] == '-' || out.ptr[len - 1] == '/'))
		len--;
	const char *name = arena_strndup(a, out.ptr ? out.ptr : "", len);
	buf_dispose(&out);
	return name;
}

int hub_branching_used(db_conn *c, int64_t user_id, int64_t repository_id)
{
	int rc = db_exec(c,
	                 "INSERT INTO branch_create_recent (user_id, repository_id, used_at)"
	                 " VALUES ($1, $2, $3) ON CONFLICT (user_id, repository_id)"
	                 " DO UPDATE SET used_at = excluded.used_at",
	                 db_int(user_id), db_int(repository_id), db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int hub_branching_recent_repos(db_conn *c, int64_t user_id, int64_t *ids, size_t max, size_t *n)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT r.id FROM repositories r LEFT JOIN branch_create_recent b"
	                  " ON b.repository_id = r.id AND b.user_id = $1"
	                  " ORDER BY COALESCE(b.used_at, 0) DESC, r.id LIMIT $2",
	                  db_int(user_id), db_int((int64_t)max));
	*n = 0;
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		if (*n < max)
			ids[(*n)++] = db_col_int(st, 0);
		rc = 0;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
