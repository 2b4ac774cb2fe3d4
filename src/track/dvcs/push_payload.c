/* Reading a repo:push payload's commits: every member checked for its type and bounds, nothing
 * trusted for more than the provisional rows it becomes. */
#include "track/dvcs/push_payload.h"

#include <string.h>

#include "base/array.h"
#include "track/jira.h"

const char *dvcs_json_text(const json_t *v, size_t max)
{
	if (!json_is_string(v))
		return NULL;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	return len <= max && strlen(s) == len ? s : NULL;
}

/* The 40 hexadecimal digits of a SHA-1 commit id, lower-cased into out. */
static bool hash_of(char out[DVCS_HASH_LEN + 1], const json_t *v)
{
	const char *s = dvcs_json_text(v, DVCS_HASH_LEN);
	if (!s || strlen(s) != DVCS_HASH_LEN)
		return false;
	for (size_t i = 0; i < DVCS_HASH_LEN; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		out[i] = c;
	}
	out[DVCS_HASH_LEN] = '\0';
	return true;
}

/* "Name <email>" into its parts (in a); a raw text without the brackets is a name alone. */
static void author_of(arena *a, const char *raw, const char **name, const char **email)
{
	size_t len = strlen(raw);
	const char *open = strrchr(raw, '<');
	if (!open || len == 0 || raw[len - 1] != '>' ||
	    memchr(open, '>', len - 1 - (size_t)(open - raw))) {
		*name = arena_strdup(a, raw);
		*email = "";
		return;
	}
	size_t name_len = (size_t)(open - raw);
	while (name_len > 0 && raw[name_len - 1] == ' ')
		name_len--;
	*name = arena_strndup(a, raw, name_len);
	*email = arena_strndup(a, open + 1, len - 2 - (size_t)(open - raw));
}

/* One commit of a change into out (its strings in a); false when a member does not validate. */
static bool commit_of(arena *a, const json_t *v, dvcs_commit *out)
{
	*out = (dvcs_commit){ .file_count = DVCS_FILES_UNKNOWN };
	const char *message = dvcs_json_text(json_object_get(v, "message"), DVCS_PUSH_MESSAGE_MAX);
	const char *date = dvcs_json_text(json_object_get(v, "date"), 64);
	const char *raw = dvcs_json_text(json_object_get(json_object_get(v, "author"), "raw"),
	                                 DVCS_PUSH_AUTHOR_MAX);
	const json_t *parents = json_object_get(v, "parents");
	if (!json_is_object(v) || !hash_of(out->hash, json_object_get(v, "hash")) || !message ||
	    !date || !raw || !json_is_array(parents) ||
	    track_jira_parse_time(&out->authored_at, date) < 0)
		return false;
	out->message = arena_strdup(a, message);
	author_of(a, raw, &out->author_name, &out->author_email);
	out->is_merge = json_array_size(parents) > 1;
	return true;
}

static bool seen(const array *list, const char *hash)
{
	const dvcs_commit *c = list->items;
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(c[i].hash, hash) == 0)
			return true;
	return false;
}

/* Whether a change moved a branch to a new tip (not a tag, not a deletion). */
static bool open_branch(const json_t *change)
{
	const json_t *new = json_object_get(change, "new");
	const char *type = dvcs_json_text(json_object_get(new, "type"), 16);
	return json_is_object(change) && !json_is_true(json_object_get(change, "closed")) && type &&
	       strcmp(type, "branch") == 0;
}

static void change_commits(arena *a, const json_t *change, array *list)
{
	const json_t *commits = json_object_get(change, "commits");
	size_t n = json_array_size(commits);
	for (size_t i = 0; i < n && i < DVCS_PUSH_CHANGE_COMMITS_MAX; i++) {
		dvcs_commit one;
		if (commit_of(a, json_array_get(commits, i), &one) && !seen(list, one.hash))
			*ARRAY_PUSH(a, list, dvcs_commit) = one;
	}
}

void dvcs_push_commits(arena *a, const json_t *payload, dvcs_commit **commits, size_t *n)
{
	const json_t *changes = json_object_get(json_object_get(payload, "push"), "changes");
	array list = ARRAY_INIT;
	size_t count = json_array_size(changes);
	for (size_t i = 0; i < count && i < DVCS_PUSH_CHANGES_MAX; i++) {
		const json_t *change = json_array_get(changes, i);
		if (open_branch(change))
			change_commits(a, change, &list);
	}
	*commits = list.n ? list.items : NULL;
	*n = list.n;
}
