/* JQL search: the parsed query compiled to SQL for either engine (every value bound, names
 * resolved to ids first, text through the full-text indexes), always restricted to the projects
 * the viewer may browse, and run a page at a time. */
#ifndef WEFT_TRACK_SEARCH_H
#define WEFT_TRACK_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/search/jql.h"
#include "track/track.h"

enum {
	TRACK_SEARCH_MAX_RESULTS = 100, /* Jira Cloud's cap on maxResults */
	TRACK_SEARCH_DEFAULT_RESULTS = 50,
	TRACK_SEARCH_MAX_WORDS = 32, /* words of one ~ value */
};

/* A compiled query: the condition (after WHERE, on issues aliased i), the ordering (after ORDER
 * BY) and the values bound as $1..$nargs. In the arena. */
typedef struct track_search_sql {
	const char *where;
	const char *order;
	db_arg *args;
	size_t nargs;
} track_search_sql;

/* Compiles q for viewer (NULL: anonymous, who sees nothing). Names become ids here: projects
 * (key, name or id; only those viewer may browse), statuses, types, priorities, resolutions
 * ("Unresolved" is EMPTY), users (username, email, accountId or display name; currentUser()),
 * issue keys (old keys too); dates resolve against now_ms. WEFT_EINVALID with Jira's message
 * for a value that names nothing ("The value 'X' does not exist for the field 'project'.") or
 * a ~ value without words; store errors as they come. */
int track_search_compile(db_conn *c, arena *a, const track_user *viewer, const jql_query *q,
                         int64_t now_ms, track_search_sql *out);

/* The statements track_search_run_query runs for s, in a: the count of every match (s's args),
 * and one page of ids in order (s's args, then the limit and the offset). Exposed so that a test
 * pins their plans. */
const char *track_search_count_sql(arena *a, const track_search_sql *s);
const char *track_search_page_sql(arena *a, const track_search_sql *s);

/* One page of results. */
typedef struct track_search_page {
	int64_t total; /* every match (-1 when not counted) */
	int64_t *ids; /* issue ids, in order */
	size_t n;
	bool more; /* matches follow this page */
} track_search_page;

/* Parses, compiles and runs jql: the ids of matches start..start+max (max at most
 * TRACK_SEARCH_MAX_RESULTS), counting them all when count is set. jql_parse's and
 * track_search_compile's errors. */
int track_search_run(db_conn *c, arena *a, const track_user *viewer, const char *jql, int64_t start,
                     int64_t max, bool count, int64_t now_ms, track_search_page *out);
/* track_search_run over a query the caller parsed already. */
int track_search_run_query(db_conn *c, arena *a, const track_user *viewer, const jql_query *q,
                           int64_t start, int64_t max, bool count, int64_t now_ms,
                           track_search_page *out);

#endif
