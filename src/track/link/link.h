/* Links between issues (Jira's issue links) and their types. A link goes from its source to its
 * destination: "source <outward> destination", "destination <inward> source" (Blocks: "A blocks
 * B", "B is blocked by A"). Reading a link needs browse permission on both issues; making or
 * removing one also needs Link issues (track_perm.h). Both issues' histories record each change
 * (field "Link"). Every function runs in the caller's transaction. */
#ifndef WEFT_TRACK_LINK_H
#define WEFT_TRACK_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "track/issue/workflow.h"
#include "track/track.h"

enum {
	TRACK_LINK_TYPE_TEXT_MAX = 255, /* a type's name and each of its phrases */
};

typedef struct track_link_type {
	int64_t id;
	const char *name; /* "Blocks" */
	const char *inward; /* the destination's phrase: "is blocked by" */
	const char *outward; /* the source's phrase: "blocks" */
} track_link_type;

/* ---- link types ---- */

/* Every type, by name, in a. */
int track_link_types(db_conn *c, arena *a, track_link_type **out, size_t *n);
/* A type by id: WEFT_ENOTFOUND ("No issue link type with name or id 'x' found."). */
int track_link_type_get(db_conn *c, arena *a, int64_t id, track_link_type *out);
/* A type by name (any case), or by id when ref is digits: the same WEFT_ENOTFOUND. */
int track_link_type_find(db_conn *c, arena *a, const char *ref, track_link_type *out);
/* The type and direction a phrase names ("blocks", "is blocked by"; any case): *outward true
 * for an outward phrase (an issue with it is the source). A phrase both ways ("relates to") is
 * outward. WEFT_ENOTFOUND when no type has it. */
int track_link_type_of_phrase(db_conn *c, arena *a, const char *phrase, track_link_type *out,
                              bool *outward);
/* Creates a type (name, inward and outward required, trimmed, at most TRACK_LINK_TYPE_TEXT_MAX
 * bytes each): WEFT_EINVALID with the field in *out_field, WEFT_EEXISTS for a name in use. */
int track_link_type_create(db_conn *c, arena *a, const track_link_type *in, track_link_type *out,
                           const char **out_field);
/* Changes the fields of in that are not NULL; create's errors, and WEFT_ENOTFOUND. */
int track_link_type_update(db_conn *c, arena *a, int64_t id, const track_link_type *in,
                           track_link_type *out, const char **out_field);
/* Deletes a type with its links. WEFT_ENOTFOUND. */
int track_link_type_delete(db_conn *c, int64_t id);

/* One history entry on issue_id by author_id, for this folder's changes: field ("Link",
 * "RemoteIssueLink") with value and text as what was added (or, added false, removed); the
 * issue's updated time follows. */
int track_link_record(db_conn *c, int64_t issue_id, int64_t author_id, const char *field,
                      const char *value, const char *text, bool added);

/* ---- links ---- */

typedef struct track_link {
	int64_t id;
	track_link_type type;
	int64_t source_id, destination_id;
} track_link;

/* What a new link is: its type, its two issues, and the one whose project must grant the actor
 * Link issues (Jira's "from" issue: one of the two). */
typedef struct track_link_new {
	int64_t type_id;
	int64_t source_id;
	int64_t destination_id;
	int64_t from_id;
} track_link_new;

/* Links two issues for actor, recorded in both histories; the same link again changes nothing
 * (as in Jira) and gives the existing one. WEFT_ENOTFOUND (TRACK_ISSUE_HIDDEN) for an issue actor
 * may not browse, WEFT_EPERM without Link issues, WEFT_EINVALID for an issue linked to itself or
 * an unknown type. */
int track_link_add(db_conn *c, arena *a, const track_user *actor, const track_link_new *in,
                   track_link *out);
/* A link reader may see (both issues browsable): WEFT_ENOTFOUND otherwise, as for none. */
int track_link_get(db_conn *c, arena *a, const track_user *reader, int64_t id, track_link *out);
/* Removes a link actor may see, recorded in both histories; Link issues is needed in either
 * issue's project (WEFT_EPERM). WEFT_ENOTFOUND as get. */
int track_link_remove(db_conn *c, arena *a, const track_user *actor, int64_t id);

/* One link as one of its issues shows it: the other issue, in a short form. */
typedef struct track_issue_link {
	int64_t id;
	int64_t issue_id; /* the issue it is seen from */
	bool outward; /* issue_id is the source: the other is the outward issue */
	track_link_type type;
	int64_t other_id;
	const char *other_key;
	const char *other_summary;
	track_status other_status;
	int64_t other_priority_id;
	const char *other_priority_name;
	int64_t other_type_id;
	const char *other_type_name;
	const char *other_type_description;
	bool other_type_subtask;
	int64_t other_type_level;
} track_issue_link;

/* The links of the n issues issue_ids whose other issue reader may browse, by issue, then type
 * name, then direction and the other issue's key; in a, a statement per DB_ROWS_IDS_MAX issues
 * however many links (so that a page of issues costs no statement per issue). */
int track_link_of_issues(db_conn *c, arena *a, const track_user *reader, const int64_t *issue_ids,
                         size_t n, track_issue_link **out, size_t *nout);

/* The phrase an issue link shows ("blocks" for the source of a Blocks link). */
static inline const char *track_issue_link_phrase(const track_issue_link *l)
{
	return l->outward ? l->type.outward : l->type.inward;
}

#endif
