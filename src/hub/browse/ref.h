/* A repository's branches and tags with libgit2: listing, reading, creating and deleting them,
 * with Bitbucket's naming rules. Domain only: no HTTP, no database. */
#ifndef WEFT_HUB_REF_H
#define WEFT_HUB_REF_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "hub/browse/commit.h"

typedef enum {
	HUB_REF_BRANCH = 1 << 0,
	HUB_REF_TAG = 1 << 1,
} hub_ref_kind;

enum {
	HUB_REF_NAME_MAX = 255, /* bytes of a branch or tag name */
	HUB_REF_LIST_MAX = 10000, /* refs one listing reads: more are left out */
	HUB_TAG_MESSAGE_MAX = 64 * 1024,
};

/* A branch or a tag, with the commit it points at (tags peeled). Strings in the arena. */
typedef struct hub_ref {
	hub_ref_kind kind;
	const char *name; /* without refs/heads/ or refs/tags/ */
	hub_commit target;
	git_oid object; /* what the reference itself points at: the commit, or the tag object */
	/* Annotated tags only (annotated false otherwise): the tag object's own fields. */
	bool annotated;
	const char *message;
	const char *tagger_name;
	const char *tagger_email;
	int64_t tagger_time;
} hub_ref;

/* Whether name may name a new branch or tag: git's reference name rules (as
 * git_reference_name_is_valid checks refs/heads/NAME), at most HUB_REF_NAME_MAX bytes, no
 * leading '-', not "HEAD", no whitespace or control characters. WEFT_EINVALID with the reason. */
int hub_ref_check_name(const char *name);

/* The refs of the kinds asked for (branches first, each kind ordered by name as git lists them),
 * into an array of a; at most HUB_REF_LIST_MAX of them. Refs that do not point at a commit are
 * left out. */
int hub_ref_list(hub_ref **out, size_t *count, arena *a, git_repository *repo, unsigned kinds);

/* One branch or tag by name. WEFT_ENOTFOUND when there is none. */
int hub_ref_get(hub_ref *out, arena *a, git_repository *repo, hub_ref_kind kind, const char *name);

/* The tagger of a new annotated tag. */
typedef struct hub_ref_author {
	const char *name;
	const char *email;
} hub_ref_author;

/* Creates a branch or tag name at target (a full or short hash; for tags any revision that
 * hub_git_resolve_commit reads). A tag with a message is annotated, tagged by who (required
 * then). WEFT_EINVALID for a bad name or an ambiguous short hash, WEFT_ENOTFOUND for a target that
 * names nothing, WEFT_EEXISTS when the name is taken. *out describes the new ref. */
int hub_ref_create(hub_ref *out, arena *a, git_repository *repo, hub_ref_kind kind,
                   const char *name, const char *target, const char *message,
                   const hub_ref_author *who);

/* Deletes a branch or tag; *old gets the id it pointed at (may be NULL). WEFT_ENOTFOUND when
 * there is none; WEFT_EINVALID for the branch mainbranch (a repository keeps its main branch). */
int hub_ref_delete(git_repository *repo, hub_ref_kind kind, const char *name,
                   const char *mainbranch, git_oid *old);

/* "refs/heads/" or "refs/tags/". */
const char *hub_ref_prefix(hub_ref_kind kind);

#endif
