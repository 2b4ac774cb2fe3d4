/* Issue links and their types as Jira's JSON shows them (link_json.h). */
#include "track/link/link_json.h"

#include "track/jira.h"

json_t *track_api_link_type_json(const web_request *req, const track_link_type *t)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "id",
	                 arena_printf(req->arena, "%lld", (long long)t->id), "name", t->name,
	                 "inward", t->inward, "outward", t->outward, "self",
	                 track_jira_self(req, "issueLinkType/%lld", (long long)t->id));
}

/* The other issue of a link as Jira shows it: key, id, self and four fields. */
json_t *track_api_linked_issue_json(const web_request *req, const track_issue_link *l)
{
	return json_pack(
	        "{s:s, s:s, s:s, s:{s:s, s:o, s:o, s:o}}", "id",
	        arena_printf(req->arena, "%lld", (long long)l->other_id), "key", l->other_key,
	        "self", track_jira_self(req, "issue/%lld", (long long)l->other_id), "fields",
	        "summary", l->other_summary, "status",
	        track_jira_status_json(req, &l->other_status), "priority",
	        track_jira_priority_json(req, l->other_priority_id, l->other_priority_name),
	        "issuetype",
	        track_jira_issuetype(req, l->other_type_id, l->other_type_name,
	                             l->other_type_description, l->other_type_subtask,
	                             l->other_type_level));
}

json_t *track_api_issuelink_json(const web_request *req, const track_issue_link *l)
{
	return json_pack(
	        "{s:s, s:s, s:o, s:o}", "id", arena_printf(req->arena, "%lld", (long long)l->id),
	        "self", track_jira_self(req, "issueLink/%lld", (long long)l->id), "type",
	        track_api_link_type_json(req, &l->type),
	        l->outward ? "outwardIssue" : "inwardIssue", track_api_linked_issue_json(req, l));
}

json_t *track_api_issuelinks_json(const web_request *req, const track_issue_link *links, size_t n,
                                  int64_t issue_id)
{
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++)
		if (links[k].issue_id == issue_id)
			json_array_append_new(list, track_api_issuelink_json(req, &links[k]));
	return list;
}
