/* The issue page's Links section (link_web.h): links grouped by phrase, remote links, and the
 * choices of the add form. */
#include "track/link/link_web.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "track/link/link.h"
#include "track/link/remote.h"
#include "track/track.h"

/* The issue's links, one group per phrase ("blocks", "is blocked by"), the rows being in
 * type and direction order already. */
static json_t *groups_json(const track_issue_link *links, size_t n)
{
	json_t *groups = json_array(), *issues = NULL;
	const char *phrase = NULL;
	for (size_t k = 0; k < n; k++) {
		const track_issue_link *l = &links[k];
		if (!phrase || strcmp(phrase, track_issue_link_phrase(l)) != 0) {
			phrase = track_issue_link_phrase(l);
			issues = json_array();
			json_array_append_new(groups, json_pack("{s:s, s:o}", "phrase", phrase,
			                                        "issues", issues));
		}
		json_array_append_new(issues,
		                      json_pack("{s:I, s:s, s:s, s:s, s:s}", "link_id",
		                                (json_int_t)l->id, "key", l->other_key, "summary",
		                                l->other_summary, "status", l->other_status.name,
		                                "category", l->other_status.category));
	}
	return groups;
}

static json_t *remote_json(const track_remote_link *links, size_t n)
{
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "url", links[k].url,
		                                      "title", links[k].title, "summary",
		                                      links[k].summary, "relationship",
		                                      links[k].relationship));
	return list;
}

/* The add form's choices: each type's outward phrase, then its inward one (once when they are
 * the same), valued "ID-out" / "ID-in". */
static json_t *choices_json(web_request *req, const track_link_type *types, size_t n)
{
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++) {
		const track_link_type *t = &types[k];
		json_array_append_new(
		        list, json_pack("{s:s, s:s}", "value",
		                        arena_printf(req->arena, "%lld-out", (long long)t->id),
		                        "phrase", t->outward));
		if (strcmp(t->outward, t->inward) != 0)
			json_array_append_new(list, json_pack("{s:s, s:s}", "value",
			                                      arena_printf(req->arena, "%lld-in",
			                                                   (long long)t->id),
			                                      "phrase", t->inward));
	}
	return list;
}

int track_link_view_json(db_conn *c, web_request *req, int64_t issue_id, json_t **out)
{
	const track_viewer *v = track_viewer_of(req);
	track_issue_link *links = NULL;
	track_remote_link *remote = NULL;
	track_link_type *types = NULL;
	size_t nlinks = 0, nremote = 0, ntypes = 0;
	int rc = track_link_of_issues(c, req->arena, v ? &v->user : NULL, &issue_id, 1, &links,
	                              &nlinks);
	if (rc == 0)
		rc = track_remote_link_list(c, req->arena, issue_id, NULL, &remote, &nremote);
	if (rc == 0)
		rc = track_link_types(c, req->arena, &types, &ntypes);
	if (rc == 0)
		*out = json_pack("{s:o, s:o, s:o, s:b, s:b}", "groups", groups_json(links, nlinks),
		                 "remote", remote_json(remote, nremote), "choices",
		                 choices_json(req, types, ntypes), "any", nlinks + nremote > 0,
		                 "has_remote", nremote > 0);
	return rc;
}

int track_link_web_choice(const char *value, int64_t *type_id, bool *outward)
{
	char *end = NULL;
	long long id = value ? strtoll(value, &end, 10) : 0;
	if (id <= 0 || !end || (strcmp(end, "-out") != 0 && strcmp(end, "-in") != 0))
		return err_fail(WEFT_EINVALID, "Choose how the issues are linked.");
	*type_id = id;
	*outward = strcmp(end, "-out") == 0;
	return 0;
}
