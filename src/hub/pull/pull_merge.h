/* Merging a pull request (the API's POST …/merge and the page's button): the merge commit made
 * and the refs moved under the push lock, then the pull request marked merged, the ref changes
 * recorded as a push and pullrequest:fulfilled emitted, in one transaction. Above the pull
 * request views and the push record, which both sides of a push need without it. */
#ifndef WEFT_HUB_PULL_PULL_MERGE_H
#define WEFT_HUB_PULL_PULL_MERGE_H

#include "hub/pull/pull_view.h"
#include "web/web.h"

/* What a merge asks for; NULL / -1 take the defaults (the repository's strategy, Bitbucket's
 * message, the pull request's close_source_branch). */
typedef struct hub_pull_merge_req {
	const char *strategy;
	const char *message;
	int close_source_branch;
} hub_pull_merge_req;

/* Merges the pull request of v by the viewer: the merge commit (or squash, or fast-forward),
 * the destination moved and the source branch deleted when asked, under the push lock, and one
 * transaction that marks it merged and records the ref changes as a push. WEFT_ECONFLICT naming
 * the files on conflict; WEFT_EINVALID when it is not open or the strategy is unknown. v->pull
 * is the merged row afterwards. */
int hub_pull_merge_run(web_request *req, hub_pull_view *v, const hub_pull_merge_req *m);

#endif
