/* Branches and tags with libgit2. */
#include "hub/browse/ref.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/array.h"
#include "base/err.h"
#include "base/gitlib.h"
#include "hub/git/gitrepo.h"

const char *hub_ref_prefix(hub_ref_kind kind)
{
	return kind == HUB_REF_TAG ? "refs/tags/" : "refs/heads/";
}

int hub_ref_check_name(const char *name)
{
	size_t len = strlen(name);
	if (len == 0)
		return err_fail(WEFT_EINVALID, "a name is required");
	if (len > HUB_REF_NAME_MAX)
		return err_fail(WEFT_EINVALID, "a name has at most %d bytes", HUB_REF_NAME_MAX);
	if (name[0] == '-' || strcmp(name, "HEAD") == 0)
		return err_fail(WEFT_EINVALID, "'%.80s' is not a valid name", name);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (isspace(*p) || iscntrl(*p))
			return err_fail(WEFT_EINVALID,
			                "a name has no spaces or control characters");
	char full[HUB_REF_NAME_MAX + 16];
	snprintf(full, sizeof full, "refs/heads/%s", name);
	int valid = 0;
	gitlib_ready();
	if (git_reference_name_is_valid(&valid, full) < 0 || !valid)
		return err_fail(WEFT_EINVALID, "'%.80s' is not a valid name", name);
	return 0;
}

/* The annotated tag's own fields, when ref points at a tag object. */
static void read_tag_object(hub_ref *out, arena *a, git_repository *repo, const git_oid *id)
{
	git_tag *tag = NULL;
	if (git_tag_lookup(&tag, repo, id) < 0) {
		git_error_clear();
		return;
	}
	const git_signature *who = git_tag_tagger(tag);
	const char *message = git_tag_message(tag);
	out->annotated = true;
	out->message = hub_text_utf8(a, message ? message : "", message ? strlen(message) : 0);
	if (who) {
		out->tagger_name = hub_text_utf8(a, who->name ? who->name : "",
		                                 who->name ? strlen(who->name) : 0);
		out->tagger_email = hub_text_utf8(a, who->email ? who->email : "",
		                                  who->email ? strlen(who->email) : 0);
		out->tagger_time = (int64_t)who->when.time;
	}
	git_tag_free(tag);
}

/* Fills out from a resolved reference; GIT_ENOTFOUND-like failures (a ref to a blob or tree)
 * give 1 so that listings can skip them. */
static int ref_from_git(hub_ref *out, arena *a, git_repository *repo, git_reference *ref,
                        hub_ref_kind kind)
{
	git_reference *direct = NULL;
	git_object *peeled = NULL;
	int rc = git_reference_resolve(&direct, ref);
	if (rc == 0)
		rc = git_reference_peel(&peeled, direct, GIT_OBJECT_COMMIT);
	if (rc == 0) {
		*out = (hub_ref){ .kind = kind };
		const char *name = git_reference_name(ref) + strlen(hub_ref_prefix(kind));
		out->name = hub_text_utf8(a, name, strlen(name));
		git_oid_cpy(&out->object, git_reference_target(direct));
		hub_commit_from_git(&out->target, a, (git_commit *)peeled);
		if (kind == HUB_REF_TAG && !git_oid_equal(&out->object, git_object_id(peeled)))
			read_tag_object(out, a, repo, &out->object);
	}
	git_object_free(peeled);
	git_reference_free(direct);
	if (rc == GIT_ENOTFOUND || rc == GIT_EPEEL || rc == GIT_EINVALIDSPEC) {
		git_error_clear();
		return 1;
	}
	return hub_git_code(rc, "cannot read a reference");
}

typedef struct ref_list {
	hub_ref *items;
	size_t count;
	size_t cap;
} ref_list;

static int list_kind(ref_list *l, arena *a, git_repository *repo, hub_ref_kind kind)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	const char *prefix = hub_ref_prefix(kind);
	size_t plen = strlen(prefix);
	int rc = git_reference_iterator_new(&it, repo);
	if (rc < 0)
		return hub_git_fail(WEFT_ERROR, "cannot list the references");
	while (l->count < HUB_REF_LIST_MAX && (rc = git_reference_next(&ref, it)) == 0) {
		if (strncmp(git_reference_name(ref), prefix, plen) == 0) {
			l->items = array_room(a, l->items, l->count, &l->cap, sizeof *l->items);
			rc = ref_from_git(&l->items[l->count], a, repo, ref, kind);
			if (rc == 0)
				l->count++;
		}
		git_reference_free(ref);
		if (rc < 0)
			break;
	}
	git_reference_iterator_free(it);
	return rc == GIT_ITEROVER || rc >= 0 ? 0 : rc;
}

static int by_name(const void *x, const void *y)
{
	const hub_ref *a = x, *b = y;
	if (a->kind != b->kind)
		return a->kind == HUB_REF_BRANCH ? -1 : 1;
	return strcmp(a->name, b->name);
}

int hub_ref_list(hub_ref **out, size_t *count, arena *a, git_repository *repo, unsigned kinds)
{
	ref_list l = { 0 };
	int rc = 0;
	if (kinds & HUB_REF_BRANCH)
		rc = list_kind(&l, a, repo, HUB_REF_BRANCH);
	if (rc == 0 && (kinds & HUB_REF_TAG))
		rc = list_kind(&l, a, repo, HUB_REF_TAG);
	if (rc < 0)
		return rc;
	if (l.count > 1)
		qsort(l.items, l.count, sizeof *l.items, by_name);
	*out = l.items ? l.items : arena_alloc(a, sizeof **out);
	*count = l.count;
	return 0;
}

/* The reference kind/name, looked up. */
static int lookup(git_reference **out, git_repository *repo, hub_ref_kind kind, const char *name)
{
	char full[HUB_REF_NAME_MAX + 16];
	if (strlen(name) > HUB_REF_NAME_MAX || !*name)
		return err_fail(WEFT_ENOTFOUND, "%s not found",
		                kind == HUB_REF_TAG ? "Tag" : "Branch");
	snprintf(full, sizeof full, "%s%s", hub_ref_prefix(kind), name);
	int rc = git_reference_lookup(out, repo, full);
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
		return err_fail(WEFT_ENOTFOUND, "%s not found: %.80s",
		                kind == HUB_REF_TAG ? "Tag" : "Branch", name);
	return hub_git_code(rc, "cannot read the reference");
}

int hub_ref_get(hub_ref *out, arena *a, git_repository *repo, hub_ref_kind kind, const char *name)
{
	git_reference *ref = NULL;
	int rc = lookup(&ref, repo, kind, name);
	if (rc == 0)
		rc = ref_from_git(out, a, repo, ref, kind);
	git_reference_free(ref);
	if (rc == 1)
		return err_fail(WEFT_ENOTFOUND, "%.80s does not point at a commit", name);
	return rc;
}

/* A branch target must be a hash (Bitbucket's rule); a tag may name any revision. */
static int resolve_target(git_commit **out, git_repository *repo, hub_ref_kind kind,
                          const char *target)
{
	size_t len = strlen(target);
	if (len == 0)
		return err_fail(WEFT_EINVALID, "target.hash is required");
	if (kind == HUB_REF_BRANCH &&
	    (len < 4 || len > GIT_OID_HEXSZ || strspn(target, "0123456789abcdefABCDEF") != len))
		return err_fail(WEFT_EINVALID, "target.hash must be a commit hash");
	return hub_git_resolve_commit(out, repo, target);
}

static int create_tag(git_oid *id, git_repository *repo, const char *name, const git_commit *c,
                      const char *message, const hub_ref_author *who)
{
	git_signature *sig = NULL;
	int rc;
	if (!message || !*message)
		rc = git_tag_create_lightweight(id, repo, name, (const git_object *)c, 0);
	else if (strlen(message) > HUB_TAG_MESSAGE_MAX)
		return err_fail(WEFT_ETOOLARGE, "a tag message has at most %d bytes",
		                HUB_TAG_MESSAGE_MAX);
	else if ((rc = git_signature_now(&sig, who->name, who->email)) == 0)
		rc = git_tag_create(id, repo, name, (const git_object *)c, sig, message, 0);
	git_signature_free(sig);
	return rc;
}

int hub_ref_create(hub_ref *out, arena *a, git_repository *repo, hub_ref_kind kind,
                   const char *name, const char *target, const char *message,
                   const hub_ref_author *who)
{
	git_commit *c = NULL;
	git_reference *ref = NULL;
	git_oid id;
	int rc = hub_ref_check_name(name);
	if (rc == 0)
		rc = resolve_target(&c, repo, kind, target);
	if (rc < 0)
		return rc;
	if (kind == HUB_REF_BRANCH)
		rc = git_branch_create(&ref, repo, name, c, 0);
	else
		rc = create_tag(&id, repo, name, c, message, who);
	git_reference_free(ref);
	git_commit_free(c);
	if (rc == GIT_EEXISTS)
		return err_fail(WEFT_EEXISTS, "%s %.80s already exists",
		                kind == HUB_REF_TAG ? "Tag" : "Branch", name);
	if (rc < 0)
		return hub_git_code(rc, "cannot create the reference");
	return hub_ref_get(out, a, repo, kind, name);
}

int hub_ref_delete(git_repository *repo, hub_ref_kind kind, const char *name,
                   const char *mainbranch, git_oid *old)
{
	git_reference *ref = NULL;
	if (kind == HUB_REF_BRANCH && mainbranch && strcmp(name, mainbranch) == 0)
		return err_fail(WEFT_EINVALID, "You can't delete the main branch of a repository.");
	int rc = lookup(&ref, repo, kind, name);
	if (rc < 0)
		return rc;
	if (old && git_reference_type(ref) == GIT_REFERENCE_DIRECT)
		git_oid_cpy(old, git_reference_target(ref));
	rc = hub_git_code(git_reference_delete(ref), "cannot delete the reference");
	git_reference_free(ref);
	return rc;
}
