/* Jira's watchers and votes of an issue: /rest/api/{version}/issue/{issueIdOrKey}/watchers and
 * …/votes. */
#ifndef WEFT_TRACK_ISSUE_PEOPLE_API_H
#define WEFT_TRACK_ISSUE_PEOPLE_API_H

#include <jansson.h>

#include "db/db.h"
#include "track/issue/people.h"
#include "web/web.h"

/* GET watchers: {self, isWatching, watchCount, watchers}. */
int track_api_watchers(web_request *req, web_response *res);
/* POST watchers: the body names a user (a JSON string: accountId or username), none the caller;
 * another user than oneself needs a project administrator, and must be able to browse the issue.
 * 204. */
int track_api_watcher_add(web_request *req, web_response *res);
/* DELETE watchers?accountId= (or username=): the same rules. 204. */
int track_api_watcher_remove(web_request *req, web_response *res);
/* GET votes: {self, votes, hasVoted, voters}; POST and DELETE: the caller's vote, 204. */
int track_api_votes(web_request *req, web_response *res);
int track_api_vote_add(web_request *req, web_response *res);
int track_api_vote_remove(web_request *req, web_response *res);

/* fields.watches and fields.votes of the issue JSON for the viewer. */
int track_api_people_fields(db_conn *c, web_request *req, int64_t issue_id, const char *key,
                            json_t **watches, json_t **votes);
/* The same from a page's watchers and voters (track_people_of_issues), with no statement. */
void track_api_people_fields_of(web_request *req, int64_t issue_id, const char *key,
                                const track_people_pair *watchers, size_t nwatchers,
                                const track_people_pair *voters, size_t nvoters, json_t **watches,
                                json_t **votes);

#endif
