/* Where an issue's id or key points (issue_ref.h). */
#include "track/issue/issue_ref.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define REF_SELECT                                                              \
	"SELECT i.id, i.key, i.project_id, p.key FROM issues i JOIN projects p" \
	" ON p.id = i.project_id "

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 18;
}

static char *upper_case(arena *a, const char *s)
{
	char *upper = arena_strdup(a, s);
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return upper;
}

int track_issue_ref_find(db_conn *c, arena *a, const char *id_or_key, track_issue_ref *out,
                         const char **old_key)
{
	const char *upper = NULL;
	db_stmt *st;
	int rc;
	if (old_key)
		*old_key = NULL;
	if (all_digits(id_or_key)) {
		rc = db_query(&st, c, REF_SELECT "WHERE i.id = $1",
		              db_int(strtoll(id_or_key, NULL, 10)));
	} else {
		upper = upper_case(a, id_or_key);
		rc = db_query(&st, c,
		              REF_SELECT "JOIN issue_keys k ON k.issue_id = i.id WHERE k.key = $1",
		              db_text(upper));
	}
	if (rc == 0)
		rc = db_step_one(st,
		                 "Issue does not exist or you do not have permission to see it.");
	if (rc == 0)
		*out = (track_issue_ref){ .id = db_col_int(st, 0),
			                  .key = arena_strdup(a, db_col_text(st, 1)),
			                  .project_id = db_col_int(st, 2),
			                  .project_key = arena_strdup(a, db_col_text(st, 3)) };
	db_done(st);
	if (rc == 0 && old_key && upper && strcmp(out->key, upper) != 0)
		*old_key = upper;
	return rc;
}
