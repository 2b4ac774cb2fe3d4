/* History with libgit2: log walks, commit details, diffs and ahead / behind. */
#include "hub/browse/commit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/git/gitrepo.h"

/* The length of the valid UTF-8 sequence at s (at most avail bytes), 0 when there is none. */
static size_t sequence_len(const char *s, size_t avail)
{
	for (size_t n = 1; n <= 4 && n <= avail; n++)
		if (str_is_utf8(s, n))
			return n;
	return 0;
}

const char *hub_text_utf8(arena *a, const char *s, size_t len)
{
	if (str_is_utf8(s, len))
		return arena_strndup(a, s, len);
	buf out = BUF_INIT;
	for (size_t i = 0; i < len;) {
		size_t n = sequence_len(s + i, len - i);
		if (n == 0) {
			buf_puts(&out, "\xEF\xBF\xBD");
			i++;
		} else {
			buf_append(&out, s + i, n);
			i += n;
		}
	}
	const char *r = arena_strndup(a, buf_cstr(&out), out.len);
	buf_dispose(&out);
	return r;
}

static const char *text_of(arena *a, const char *s)
{
	return s ? hub_text_utf8(a, s, strlen(s)) : "";
}

/* The first paragraph of a message on one line, as git log --oneline shows it. */
static const char *summary_of(arena *a, const char *message)
{
	const char *end = strstr(message, "\n\n");
	size_t len = end ? (size_t)(end - message) : strlen(message);
	while (len > 0 && (message[len - 1] == '\n' || message[len - 1] == ' '))
		len--;
	char *s = arena_strndup(a, message, len);
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

void hub_commit_from_git(hub_commit *out, arena *a, const git_commit *c)
{
	const git_signature *au = git_commit_author(c);
	const git_signature *co = git_commit_committer(c);
	const char *message = git_commit_message(c);
	git_oid_tostr(out->hash, sizeof out->hash, git_commit_id(c));
	out->author_name = text_of(a, au->name);
	out->author_email = text_of(a, au->email);
	out->author_time = (int64_t)au->when.time;
	out->author_offset = au->when.offset;
	out->committer_name = text_of(a, co->name);
	out->committer_email = text_of(a, co->email);
	out->committer_time = (int64_t)co->when.time;
	out->message = text_of(a, message);
	out->summary = summary_of(a, out->message);
	out->parent_count = git_commit_parentcount(c);
	out->parents =
	        arena_array(a, out->parent_count ? out->parent_count : 1, sizeof out->parents[0]);
	for (size_t i = 0; i < out->parent_count; i++)
		git_oid_tostr(out->parents[i], sizeof out->parents[i], git_commit_parent_id(c, i));
}

int hub_commit_get(hub_commit *out, arena *a, git_repository *repo, const char *rev)
{
	git_commit *c = NULL;
	int rc = hub_git_resolve_commit(&c, repo, rev);
	if (rc < 0)
		return rc;
	hub_commit_from_git(out, a, c);
	git_commit_free(c);
	return 0;
}

int hub_commit_recent(hub_commit **out, size_t *count, arena *a, git_repository *repo,
                      const char *rev, size_t n)
{
	if (n > HUB_LOG_LIMIT_MAX)
		n = HUB_LOG_LIMIT_MAX;
	*out = arena_array(a, n ? n : 1, sizeof **out);
	*count = 0;
	if (n == 0 || hub_git_is_empty(repo))
		return 0;
	const char *include[1] = { rev && *rev ? rev : "HEAD" };
	hub_log_query q = { .include = include, .ninclude = 1, .limit = n };
	hub_log_page page;
	int rc = hub_commit_log(&page, a, repo, &q);
	if (rc == WEFT_ENOTFOUND && !(rev && *rev) && git_repository_head_unborn(repo) == 1)
		return 0; /* HEAD names a branch nobody pushed yet, while others exist */
	if (rc < 0)
		return rc;
	*out = page.commits;
	*count = page.count;
	return 0;
}

/* ---- comparing ---- */

int hub_commit_ahead_behind(size_t *ahead, size_t *behind, git_repository *repo,
                            const git_oid *local, const git_oid *upstream)
{
	return hub_git_code(git_graph_ahead_behind(ahead, behind, repo, local, upstream),
	                    "cannot compare the branches");
}

/* ---- diffs ---- */

void hub_diff_opts_init(hub_diff_opts *o)
{
	*o = (hub_diff_opts){ .context = 3, .renames = true, .binary = true, .topic = true };
}

const char *hub_diff_status_name(hub_diff_status s)
{
	switch (s) {
	case HUB_DIFF_ADDED: return "added";
	case HUB_DIFF_REMOVED: return "removed";
	case HUB_DIFF_RENAMED: return "renamed";
	default: return "modified";
	}
}

/* ---- merge bases, each pair's computed once ----
 * The merge base of two commits depends on their ids alone (the history an id names never
 * changes), and a pull request's pages and diff API ask for the same pair on every request:
 * walking down to it again each time cost more than the rest of a diffstat. A small table of
 * the last pairs, replaced in turn, shared by the server's threads. */

enum { MERGE_BASES_KEPT = 256 };

typedef struct kept_base {
	git_oid a, b, base;
	bool used;
} kept_base;

static kept_base kept_bases[MERGE_BASES_KEPT];
static size_t kept_next;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static bool kept_find(git_oid *out, const git_oid *a, const git_oid *b)
{
	bool found = false;
	pthread_mutex_lock(&kept_lock);
	for (size_t i = 0; i < MERGE_BASES_KEPT && !found; i++) {
		const kept_base *k = &kept_bases[i];
		if (k->used && git_oid_equal(&k->a, a) && git_oid_equal(&k->b, b)) {
			git_oid_cpy(out, &k->base);
			found = true;
		}
	}
	pthread_mutex_unlock(&kept_lock);
	return found;
}

static void kept_add(const git_oid *a, const git_oid *b, const git_oid *base)
{
	pthread_mutex_lock(&kept_lock);
	kept_base *k = &kept_bases[kept_next];
	kept_next = (kept_next + 1) % MERGE_BASES_KEPT;
	git_oid_cpy(&k->a, a);
	git_oid_cpy(&k->b, b);
	git_oid_cpy(&k->base, base);
	k->used = true;
	pthread_mutex_unlock(&kept_lock);
}

int hub_merge_base(git_oid *out, git_repository *repo, const git_oid *a, const git_oid *b)
{
	if (kept_find(out, a, b))
		return 0;
	int rc = git_merge_base(out, repo, a, b);
	if (rc == 0)
		kept_add(a, b, out);
	return rc;
}

/* The merge base of a and b as a commit. */
static int merge_base(git_commit **out, git_repository *repo, const git_commit *a,
                      const git_commit *b)
{
	git_oid base;
	int rc = hub_merge_base(&base, repo, git_commit_id(a), git_commit_id(b));
	if (rc == GIT_ENOTFOUND)
		return err_fail(WEFT_ENOTFOUND, "the two commits have no common ancestor");
	if (rc == 0)
		rc = git_commit_lookup(out, repo, &base);
	return hub_git_code(rc, "cannot find the merge base");
}

static int resolve_range(git_commit **new_commit, git_commit **old_commit, git_repository *repo,
                         const char *spec, const char *dots, bool topic)
{
	git_commit *a = NULL, *b = NULL;
	size_t left = (size_t)(dots - spec);
	const char *right = dots + 2;
	if (left == 0 || left > 255 || !*right || strstr(right, ".."))
		return err_fail(WEFT_EINVALID, "'%.80s' is not a diff spec", spec);
	char source[256];
	memcpy(source, spec, left);
	source[left] = '\0';
	int rc = hub_git_resolve_commit(&a, repo, source);
	if (rc == 0)
		rc = hub_git_resolve_commit(&b, repo, right);
	if (rc == 0 && topic) {
		git_commit *base = NULL;
		rc = merge_base(&base, repo, a, b);
		git_commit_free(b);
		b = base;
	}
	if (rc < 0) {
		git_commit_free(a);
		git_commit_free(b);
		return rc;
	}
	*new_commit = a;
	*old_commit = b;
	return 0;
}

int hub_diff_resolve(git_commit **new_commit, git_commit **old_commit, git_repository *repo,
                     const char *spec, bool topic)
{
	const char *dots = strstr(spec, "..");
	if (dots)
		return resolve_range(new_commit, old_commit, repo, spec, dots, topic);
	git_commit *c = NULL, *parent = NULL;
	int rc = hub_git_resolve_commit(&c, repo, spec);
	if (rc == 0 && git_commit_parentcount(c) > 0)
		rc = hub_git_code(git_commit_parent(&parent, c, 0),
		                  "cannot read the parent commit");
	if (rc < 0) {
		git_commit_free(c);
		return rc;
	}
	*new_commit = c;
	*old_commit = parent;
	return 0;
}

/* ---- the files two trees differ in ----
 * libgit2's tree diff expands both trees whole: every file of a large tree is compared, and
 * every folder read, even when one file changed. Walking the two trees here first skips every
 * subtree whose id is the same on both sides, and the diff is then limited to the files found
 * (an exact path list, which libgit2's tree iterators use to skip folders unread). */

typedef struct changed_files {
	arena *a;
	buf paths; /* const char * each, in a */
	size_t count;
	git_pathspec *filter; /* the caller's paths; NULL: every file */
	git_repository *repo;
} changed_files;

static const char *child_path(arena *a, const char *dir, const char *name)
{
	return dir[0] ? arena_printf(a, "%s/%s", dir, name) : arena_strdup(a, name);
}

static int changed_walk(changed_files *c, const git_tree *old, const git_tree *new, const char *dir,
                        int depth);

static int changed_add(changed_files *c, const char *path)
{
	if (c->count >= HUB_DIFF_WALK_FILES_MAX)
		return WEFT_ETOOLARGE;
	if (c->filter && !git_pathspec_matches_path(c->filter, GIT_PATHSPEC_DEFAULT, path))
		return 0;
	buf_append(&c->paths, &path, sizeof path);
	c->count++;
	return 0;
}

/* Entry e of dir, present on one side only: the file, or every file in the folder. */
static int changed_entry(changed_files *c, const git_tree_entry *e, const char *dir, int depth)
{
	const char *path = child_path(c->a, dir, git_tree_entry_name(e));
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return changed_add(c, path);
	git_tree *t = NULL;
	int rc = hub_git_code(git_tree_lookup(&t, c->repo, git_tree_entry_id(e)),
	                      "cannot read a tree");
	if (rc == 0)
		rc = changed_walk(c, t, NULL, path, depth + 1);
	git_tree_free(t);
	return rc;
}

/* Both sides of name in dir are folders that differ: the files that differ inside. */
static int changed_trees(changed_files *c, const git_tree_entry *a, const git_tree_entry *b,
                         const char *dir, int depth)
{
	git_tree *old = NULL, *new = NULL;
	int rc = git_tree_lookup(&old, c->repo, git_tree_entry_id(a));
	if (rc == 0)
		rc = git_tree_lookup(&new, c->repo, git_tree_entry_id(b));
	rc = hub_git_code(rc, "cannot read a tree");
	if (rc == 0)
		rc = changed_walk(c, old, new, child_path(c->a, dir, git_tree_entry_name(b)),
		                  depth + 1);
	git_tree_free(old);
	git_tree_free(new);
	return rc;
}

static bool same_entry(const git_tree_entry *a, const git_tree_entry *b)
{
	return git_tree_entry_filemode(a) == git_tree_entry_filemode(b) &&
	       git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

/* Adds the path of every file that differs between old and new (either may be NULL: empty),
 * the trees of folder dir. WEFT_ETOOLARGE past HUB_DIFF_WALK_DEPTH_MAX folders deep or
 * HUB_DIFF_WALK_FILES_MAX files. */
static int changed_walk(changed_files *c, const git_tree *old, const git_tree *new, const char *dir,
                        int depth)
{
	size_t nnew = new ? git_tree_entrycount(new) : 0, nold = old ? git_tree_entrycount(old) : 0;
	int rc = depth > HUB_DIFF_WALK_DEPTH_MAX ? WEFT_ETOOLARGE : 0;
	for (size_t i = 0; rc == 0 && i < nnew; i++) {
		const git_tree_entry *b = git_tree_entry_byindex(new, i);
		const git_tree_entry *a =
		        old ? git_tree_entry_byname(old, git_tree_entry_name(b)) : NULL;
		bool a_tree = a && git_tree_entry_type(a) == GIT_OBJECT_TREE;
		bool b_tree = git_tree_entry_type(b) == GIT_OBJECT_TREE;
		if (a && same_entry(a, b))
			continue; /* the same file, or the same folder: nothing inside differs */
		if (a_tree && b_tree) {
			rc = changed_trees(c, a, b, dir, depth);
		} else if (a && !a_tree && !b_tree) {
			rc = changed_add(c, child_path(c->a, dir, git_tree_entry_name(b)));
		} else {
			if (a) /* a folder became a file or the reverse: both sides' files */
				rc = changed_entry(c, a, dir, depth);
			if (rc == 0)
				rc = changed_entry(c, b, dir, depth);
		}
	}
	for (size_t i = 0; rc == 0 && i < nold; i++) {
		const git_tree_entry *a = git_tree_entry_byindex(old, i);
		if (!new || !git_tree_entry_byname(new, git_tree_entry_name(a)))
			rc = changed_entry(c, a, dir, depth);
	}
	return rc;
}

/* The diff of the trees with opts, limited to the files that differ. WEFT_ETOOLARGE when the
 * walk gave up: the caller diffs the whole trees instead. */
static int diff_changed(git_diff **out, git_repository *repo, git_tree *old_tree,
                        git_tree *new_tree, git_diff_options *opts)
{
	changed_files c = { .a = arena_new(), .paths = BUF_INIT, .repo = repo };
	int rc = 0;
	if (opts->pathspec.count)
		rc = hub_git_code(git_pathspec_new(&c.filter, &opts->pathspec),
		                  "cannot read the paths");
	if (rc == 0)
		rc = changed_walk(&c, old_tree, new_tree, "", 0);
	if (rc == 0 && c.count == 0) {
		/* Nothing differs: an empty list would mean every file. */
		rc = hub_git_code(git_diff_tree_to_tree(out, repo, NULL, NULL, opts),
		                  "cannot compute the diff");
	} else if (rc == 0) {
		git_diff_options limited = *opts;
		limited.pathspec.strings = (char **)c.paths.ptr;
		limited.pathspec.count = c.count;
		limited.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		rc = hub_git_code(git_diff_tree_to_tree(out, repo, old_tree, new_tree, &limited),
		                  "cannot compute the diff");
	}
	git_pathspec_free(c.filter);
	buf_dispose(&c.paths);
	arena_free(c.a);
	return rc;
}

static int diff_trees(git_diff **out, git_repository *repo, const git_commit *new_commit,
                      const git_commit *old_commit, const hub_diff_opts *o)
{
	git_tree *new_tree = NULL, *old_tree = NULL;
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = o->context;
	opts.pathspec.strings = (char **)o->paths;
	opts.pathspec.count = o->npaths;
	if (o->ignore_whitespace)
		opts.flags |= GIT_DIFF_IGNORE_WHITESPACE;
	if (o->binary)
		opts.flags |= GIT_DIFF_SHOW_BINARY;
	int rc = hub_git_code(git_commit_tree(&new_tree, new_commit), "cannot read the tree");
	if (rc == 0 && old_commit)
		rc = hub_git_code(git_commit_tree(&old_tree, old_commit), "cannot read the tree");
	if (rc == 0)
		rc = diff_changed(out, repo, old_tree, new_tree, &opts);
	if (rc == WEFT_ETOOLARGE)
		rc = hub_git_code(git_diff_tree_to_tree(out, repo, old_tree, new_tree, &opts),
		                  "cannot compute the diff");
	git_tree_free(new_tree);
	git_tree_free(old_tree);
	return rc;
}

int hub_diff_commits(git_diff **out, git_repository *repo, const git_commit *new_commit,
                     const git_commit *old_commit, const hub_diff_opts *o)
{
	git_diff *diff = NULL;
	if (o->context > 1000)
		return err_fail(WEFT_EINVALID, "context: at most 1000 lines");
	int rc = diff_trees(&diff, repo, new_commit, old_commit, o);
	if (rc == 0 && o->renames) {
		git_diff_find_options fo;
		git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
		fo.flags = GIT_DIFF_FIND_RENAMES;
		/* Rename detection compares every added with every removed file: bound it. */
		fo.rename_limit = 1000;
		rc = hub_git_code(git_diff_find_similar(diff, &fo), "cannot find renames");
	}
	if (rc < 0) {
		git_diff_free(diff);
		return rc;
	}
	*out = diff;
	return 0;
}

int hub_diff_load(git_diff **out, git_repository *repo, const char *spec, const hub_diff_opts *o)
{
	git_commit *new_commit = NULL, *old_commit = NULL;
	int rc = hub_diff_resolve(&new_commit, &old_commit, repo, spec, o->topic);
	if (rc == 0)
		rc = hub_diff_commits(out, repo, new_commit, old_commit, o);
	git_commit_free(new_commit);
	git_commit_free(old_commit);
	return rc;
}

typedef struct text_ctx {
	buf *out;
	size_t max;
	bool over;
} text_ctx;

static int text_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l,
                     void *payload)
{
	(void)d;
	(void)h;
	text_ctx *t = payload;
	size_t extra = l->content_len + 1;
	if (t->out->len + extra > t->max) {
		t->over = true;
		return GIT_EUSER;
	}
	if (l->origin == GIT_DIFF_LINE_CONTEXT || l->origin == GIT_DIFF_LINE_ADDITION ||
	    l->origin == GIT_DIFF_LINE_DELETION)
		buf_putc(t->out, l->origin);
	buf_append(t->out, l->content, l->content_len);
	return 0;
}

int hub_diff_text(buf *out, git_diff *diff, size_t max_bytes)
{
	text_ctx t = { out, max_bytes, false };
	int rc = git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, text_line, &t);
	if (t.over)
		return err_fail(WEFT_ETOOLARGE, "the diff is larger than %zu bytes", max_bytes);
	return hub_git_code(rc, "cannot print the diff");
}

hub_diff_status hub_diff_status_of(git_delta_t s)
{
	switch (s) {
	case GIT_DELTA_ADDED:
	case GIT_DELTA_COPIED: return HUB_DIFF_ADDED;
	case GIT_DELTA_DELETED: return HUB_DIFF_REMOVED;
	case GIT_DELTA_RENAMED: return HUB_DIFF_RENAMED;
	default: return HUB_DIFF_MODIFIED;
	}
}

static int stat_of(hub_diffstat *out, arena *a, git_diff *diff, size_t i)
{
	git_patch *patch = NULL;
	const git_diff_delta *d = git_diff_get_delta(diff, i);
	size_t ctx = 0, added = 0, removed = 0;
	*out = (hub_diffstat){ .status = hub_diff_status_of(d->status),
		               .binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0 };
	if (d->status != GIT_DELTA_ADDED)
		out->old_path = arena_strdup(a, d->old_file.path);
	if (d->status != GIT_DELTA_DELETED)
		out->new_path = arena_strdup(a, d->new_file.path);
	out->old_executable = d->old_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE;
	out->new_executable = d->new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE;
	int rc = git_patch_from_diff(&patch, diff, i);
	if (rc == 0 && patch)
		rc = git_patch_line_stats(&ctx, &added, &removed, patch);
	git_patch_free(patch);
	if (rc == 0 && patch) {
		out->binary =
		        out->binary || (git_diff_get_delta(diff, i)->flags & GIT_DIFF_FLAG_BINARY);
		out->lines_added = added;
		out->lines_removed = removed;
	}
	return hub_git_code(rc, "cannot count the diff's lines");
}

int hub_diff_stats(hub_diffstat **out, size_t *count, arena *a, git_diff *diff)
{
	size_t n = git_diff_num_deltas(diff);
	hub_diffstat *stats = arena_array(a, n ? n : 1, sizeof *stats);
	for (size_t i = 0; i < n; i++) {
		int rc = stat_of(&stats[i], a, diff, i);
		if (rc < 0)
			return rc;
	}
	*out = stats;
	*count = n;
	return 0;
}
