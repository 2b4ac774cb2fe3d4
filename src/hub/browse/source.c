/* A repository's files through libgit2: paths, trees, blobs, READMEs, content types, a file's
 * history and commits made from form fields. */
#include "hub/browse/source.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/gitlib.h"
#include "base/str.h"
#include "hub/git/gitrepo.h"

/* --- paths ------------------------------------------------------------------------------------ */

static bool component_ok(const char *c, size_t len)
{
	if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && memcmp(c, "..", 2) == 0))
		return false;
	return !(len == 4 && strncasecmp(c, ".git", 4) == 0);
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int hub_source_clean_path(const char **out, arena *a, const char *path)
{
	size_t len = strlen(path);
	if (len > HUB_SOURCE_PATH_MAX)
		return err_fail(WEFT_EINVALID, "The path is longer than %d bytes.",
		                HUB_SOURCE_PATH_MAX);
	if (!str_is_utf8(path, len) || has_control(path))
		return err_fail(WEFT_EINVALID, "The path is not valid UTF-8 text.");
	/* One leading and one trailing '/' are allowed; any other empty component is not. */
	if (len && path[0] == '/')
		path++, len--;
	if (len && path[len - 1] == '/')
		len--;
	for (size_t start = 0; len;) {
		const char *slash = memchr(path + start, '/', len - start);
		size_t end = slash ? (size_t)(slash - path) : len;
		if (!component_ok(path + start, end - start))
			return err_fail(WEFT_EINVALID, "Invalid path: %.200s", path);
		if (!slash)
			break;
		start = end + 1;
	}
	*out = arena_strndup(a, path, len);
	return 0;
}

/* --- entries ---------------------------------------------------------------------------------- */

static const char *join_path(arena *a, const char *dir, const char *name)
{
	return dir[0] ? arena_printf(a, "%s/%s", dir, name) : arena_strdup(a, name);
}

/* Fills out from a tree entry found under directory dir. */
static void entry_from_tree(hub_source_entry *out, arena *a, git_repository *repo,
                            const git_tree_entry *te, const char *dir)
{
	memset(out, 0, sizeof *out);
	out->name = arena_strdup(a, git_tree_entry_name(te));
	out->path = join_path(a, dir, out->name);
	git_oid_cpy(&out->oid, git_tree_entry_id(te));
	git_filemode_t mode = git_tree_entry_filemode(te);
	switch (mode) {
	case GIT_FILEMODE_TREE: out->kind = HUB_SOURCE_DIR; return;
	case GIT_FILEMODE_COMMIT: out->kind = HUB_SOURCE_SUBMODULE; return;
	case GIT_FILEMODE_LINK: out->kind = HUB_SOURCE_LINK; break;
	default: out->kind = HUB_SOURCE_FILE; break;
	}
	out->executable = mode == GIT_FILEMODE_BLOB_EXECUTABLE;
	/* The header alone gives the size: no need to inflate the blob. */
	git_odb *odb = NULL;
	size_t size = 0;
	git_object_t type;
	if (git_repository_odb(&odb, repo) == 0 &&
	    git_odb_read_header(&size, &type, odb, &out->oid) == 0)
		out->size = (int64_t)size;
	git_odb_free(odb);
}

static const char *not_found(const char *path)
{
	err_set("No such file or directory: %.300s", path);
	return err_msg();
}

int hub_source_stat(hub_source_entry *out, arena *a, git_repository *repo, git_commit *commit,
                    const char *path)
{
	if (!path[0]) {
		memset(out, 0, sizeof *out);
		out->name = out->path = "";
		out->kind = HUB_SOURCE_DIR;
		git_oid_cpy(&out->oid, git_commit_tree_id(commit));
		return 0;
	}
	git_tree *root = NULL;
	git_tree_entry *te = NULL;
	int rc = git_commit_tree(&root, commit);
	if (rc == 0)
		rc = git_tree_entry_bypath(&te, root, path);
	if (rc == 0) {
		const char *slash = strrchr(path, '/');
		const char *dir = slash ? arena_strndup(a, path, (size_t)(slash - path)) : "";
		entry_from_tree(out, a, repo, te, dir);
	} else if (rc == GIT_ENOTFOUND) {
		rc = WEFT_ENOTFOUND;
		not_found(path);
	} else {
		rc = hub_git_code(rc, "cannot read the tree");
	}
	git_tree_entry_free(te);
	git_tree_free(root);
	return rc;
}

/* --- listings --------------------------------------------------------------------------------- */

typedef struct entry_list {
	hub_source_entry *items;
	size_t len, cap;
} entry_list;

static int list_push(entry_list *l, arena *a, hub_source_entry **slot)
{
	if (l->len == HUB_SOURCE_LIST_MAX)
		return err_fail(WEFT_ETOOLARGE, "The listing has more than %d entries.",
		                HUB_SOURCE_LIST_MAX);
	l->items = array_room(a, l->items, l->len, &l->cap, sizeof *l->items);
	*slot = &l->items[l->len++];
	return 0;
}

/* Appends the entries of directory dir to l. */
static int list_tree(entry_list *l, arena *a, git_repository *repo, const hub_source_entry *dir)
{
	git_tree *tree = NULL;
	int rc = hub_git_code(git_tree_lookup(&tree, repo, &dir->oid), "cannot read a tree");
	size_t n = rc == 0 ? git_tree_entrycount(tree) : 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		hub_source_entry *slot = NULL;
		rc = list_push(l, a, &slot);
		if (rc == 0)
			entry_from_tree(slot, a, repo, git_tree_entry_byindex(tree, i), dir->path);
	}
	git_tree_free(tree);
	return rc;
}

int hub_source_list(hub_source_entry **out, size_t *count, arena *a, git_repository *repo,
                    const hub_source_entry *dir, int max_depth)
{
	if (max_depth < 1 || max_depth > HUB_SOURCE_DEPTH_MAX)
		return err_fail(WEFT_EINVALID, "max_depth must be a whole number from 1 to %d.",
		                HUB_SOURCE_DEPTH_MAX);
	if (dir->kind != HUB_SOURCE_DIR)
		return err_fail(WEFT_EINVALID, "%.300s is not a directory.", dir->path);
	entry_list l = { 0 };
	int rc = list_tree(&l, a, repo, dir);
	/* Breadth first: each level's directories are expanded after the whole level is listed. */
	size_t level_start = 0;
	for (int depth = 2; rc == 0 && depth <= max_depth; depth++) {
		size_t level_end = l.len;
		for (size_t i = level_start; rc == 0 && i < level_end; i++)
			if (l.items[i].kind == HUB_SOURCE_DIR) {
				hub_source_entry sub = l.items[i];
				rc = list_tree(&l, a, repo, &sub);
			}
		if (level_end == l.len)
			break;
		level_start = level_end;
	}
	if (rc == 0) {
		*out = l.items;
		*count = l.len;
	}
	return rc;
}

/* --- last commits ----------------------------------------------------------------------------- */

/* The tree of directory dir_path ("" for the root) in commit, or NULL when it has none. */
static git_tree *dir_tree(git_commit *commit, const char *dir_path)
{
	git_tree *root = NULL, *tree = NULL;
	git_tree_entry *te = NULL;
	if (git_commit_tree(&root, commit) < 0)
		return NULL;
	if (!dir_path[0])
		return root;
	if (git_tree_entry_bypath(&te, root, dir_path) == 0 &&
	    git_tree_entry_type(te) == GIT_OBJECT_TREE)
		git_tree_lookup(&tree, git_commit_owner(commit), git_tree_entry_id(te));
	git_tree_entry_free(te);
	git_tree_free(root);
	return tree;
}

static bool same_entry(const git_tree *mine, const git_tree *theirs, const char *name)
{
	const git_tree_entry *m = mine ? git_tree_entry_byname(mine, name) : NULL;
	const git_tree_entry *t = theirs ? git_tree_entry_byname(theirs, name) : NULL;
	return m && t && git_oid_equal(git_tree_entry_id(m), git_tree_entry_id(t));
}

static void settle(hub_source_entry *e, arena *a, git_commit *c)
{
	git_oid_cpy(&e->last_commit, git_commit_id(c));
	e->last_summary = arena_strdup(a, git_commit_summary(c) ? git_commit_summary(c) : "");
	e->last_time_ms = (int64_t)git_commit_time(c) * 1000;
}

/* Settles every open entry that differs between child and parent (parent NULL: the root
 * commit, which introduced everything left), given their trees of the directory (NULL: none).
 * Returns how many stay open. */
static size_t settle_step(hub_source_entry *entries, size_t count, arena *a, git_commit *child,
                          const git_tree *mine, const git_tree *theirs)
{
	/* Most commits leave the directory alone: one comparison settles nothing. */
	bool unchanged = mine && theirs && git_oid_equal(git_tree_id(mine), git_tree_id(theirs));
	size_t open = 0;
	for (size_t i = 0; i < count; i++) {
		hub_source_entry *e = &entries[i];
		if (!git_oid_is_zero(&e->last_commit))
			continue;
		if (unchanged || same_entry(mine, theirs, e->name))
			open++;
		else
			settle(e, a, child);
	}
	return open;
}

static int walk_last_commits(hub_source_entry *entries, size_t count, arena *a, git_commit *commit,
                             const char *dir_path)
{
	git_commit *child = NULL;
	int rc = hub_git_code(git_commit_dup(&child, commit), "cannot read the commit");
	/* Each step's parent tree is the next step's own: every commit's tree is read once. */
	git_tree *mine = rc == 0 ? dir_tree(child, dir_path) : NULL;
	size_t open = count;
	for (int steps = 0; rc == 0 && open && child && steps < HUB_SOURCE_LAST_COMMIT_WALK;
	     steps++) {
		git_commit *parent = NULL;
		git_tree *theirs = NULL;
		if (git_commit_parentcount(child) > 0 && git_commit_parent(&parent, child, 0) < 0)
			rc = hub_git_fail(WEFT_ERROR, "cannot read a parent commit");
		if (rc == 0 && parent)
			theirs = dir_tree(parent, dir_path);
		if (rc == 0)
			open = settle_step(entries, count, a, child, mine, theirs);
		git_tree_free(mine);
		mine = theirs;
		git_commit_free(child);
		child = parent;
	}
	git_tree_free(mine);
	git_commit_free(child);
	return rc;
}

/* --- last commits, remembered ------------------------------------------------------------------
 * What the walk finds for a commit and a directory never changes (a commit's id fixes its
 * history), so the answers for the last few are kept: a directory page then costs a lookup. A
 * push moves the branch to another commit, hence another key: nothing kept is ever stale. */

enum { LAST_CACHE_SLOTS = 64, LAST_CACHE_BYTES_MAX = 64 * 1024 };

typedef struct last_item {
	const char *name; /* in the slot's block */
	const char *summary; /* NULL when unsettled */
	git_oid last_commit;
	int64_t last_time_ms;
} last_item;

typedef struct last_slot {
	git_oid commit;
	const char *dir; /* in block */
	size_t count;
	last_item *items; /* in block */
	void *block; /* NULL: a free slot */
	uint64_t used;
} last_slot;

static struct {
	pthread_mutex_t lock;
	uint64_t tick;
	last_slot slots[LAST_CACHE_SLOTS];
} last_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool slot_matches(const last_slot *s, const git_oid *commit, const char *dir,
                         const hub_source_entry *entries, size_t count)
{
	if (!s->block || s->count != count || !git_oid_equal(&s->commit, commit) ||
	    strcmp(s->dir, dir) != 0)
		return false;
	for (size_t i = 0; i < count; i++)
		if (strcmp(s->items[i].name, entries[i].name) != 0)
			return false;
	return true;
}

/* Fills entries from the cache; false when it holds no answer for them. */
static bool last_cache_get(hub_source_entry *entries, size_t count, arena *a, const git_oid *commit,
                           const char *dir)
{
	bool hit = false;
	pthread_mutex_lock(&last_cache.lock);
	for (size_t i = 0; i < LAST_CACHE_SLOTS && !hit; i++) {
		last_slot *s = &last_cache.slots[i];
		if (!slot_matches(s, commit, dir, entries, count))
			continue;
		s->used = ++last_cache.tick;
		for (size_t j = 0; j < count; j++) {
			const last_item *it = &s->items[j];
			if (!it->summary)
				continue;
			git_oid_cpy(&entries[j].last_commit, &it->last_commit);
			entries[j].last_summary = arena_strdup(a, it->summary);
			entries[j].last_time_ms = it->last_time_ms;
		}
		hit = true;
	}
	pthread_mutex_unlock(&last_cache.lock);
	return hit;
}

/* One block for a slot: the items, then the strings. NULL when too large to keep. */
static void *last_block(last_slot *out, const hub_source_entry *entries, size_t count,
                        const char *dir)
{
	size_t size = count * sizeof(last_item) + strlen(dir) + 1;
	for (size_t i = 0; i < count; i++)
		size += strlen(entries[i].name) + 1 +
		        (entries[i].last_summary ? strlen(entries[i].last_summary) + 1 : 0);
	char *block = size <= LAST_CACHE_BYTES_MAX ? malloc(size) : NULL;
	if (!block)
		return NULL;
	last_item *items = (last_item *)(void *)block;
	char *p = block + count * sizeof(last_item);
	for (size_t i = 0; i < count; i++) {
		const hub_source_entry *e = &entries[i];
		items[i] = (last_item){ .name = p,
			                .last_commit = e->last_commit,
			                .last_time_ms = e->last_time_ms };
		p = stpcpy(p, e->name) + 1;
		if (e->last_summary && !git_oid_is_zero(&e->last_commit)) {
			items[i].summary = p;
			p = stpcpy(p, e->last_summary) + 1;
		}
	}
	out->dir = p;
	strcpy(p, dir);
	out->items = items;
	out->count = count;
	return block;
}

/* Keeps the walk's answer, in place of the least recently used one. */
static void last_cache_put(const hub_source_entry *entries, size_t count, const git_oid *commit,
                           const char *dir)
{
	last_slot fresh = { 0 };
	void *old = NULL;
	fresh.block = last_block(&fresh, entries, count, dir);
	if (!fresh.block)
		return;
	git_oid_cpy(&fresh.commit, commit);
	pthread_mutex_lock(&last_cache.lock);
	last_slot *victim = &last_cache.slots[0];
	for (size_t i = 0; i < LAST_CACHE_SLOTS; i++) {
		last_slot *s = &last_cache.slots[i];
		if (slot_matches(s, commit, dir, entries, count)) {
			victim = NULL; /* another thread was first */
			break;
		}
		if (!s->block || (victim->block && s->used < victim->used))
			victim = s;
	}
	if (victim) {
		old = victim->block;
		fresh.used = ++last_cache.tick;
		*victim = fresh;
		fresh.block = NULL;
	}
	pthread_mutex_unlock(&last_cache.lock);
	free(old);
	free(fresh.block);
}

int hub_source_last_commits(hub_source_entry *entries, size_t count, arena *a, git_commit *commit,
                            const char *dir_path)
{
	if (count == 0 || count > HUB_SOURCE_LAST_COMMIT_ENTRIES)
		return 0;
	if (last_cache_get(entries, count, a, git_commit_id(commit), dir_path))
		return 0;
	int rc = walk_last_commits(entries, count, a, commit, dir_path);
	if (rc == 0)
		last_cache_put(entries, count, git_commit_id(commit), dir_path);
	return rc;
}

/* --- blobs, types, READMEs -------------------------------------------------------------------- */

int hub_source_blob(git_blob **out, git_repository *repo, const hub_source_entry *file)
{
	if (file->kind != HUB_SOURCE_FILE && file->kind != HUB_SOURCE_LINK)
		return err_fail(WEFT_EINVALID, "%.300s is not a file.", file->path);
	return hub_git_code(git_blob_lookup(out, repo, &file->oid), "cannot read the file");
}

bool hub_source_is_binary(const void *data, size_t len)
{
	return memchr(data, '\0', len < 8000 ? len : 8000) != NULL;
}

static const struct {
	const char *ext, *type;
	bool safe_image;
} types[] = {
	{ "png", "image/png", true },
	{ "jpg", "image/jpeg", true },
	{ "jpeg", "image/jpeg", true },
	{ "gif", "image/gif", true },
	{ "webp", "image/webp", true },
	{ "bmp", "image/bmp", true },
	{ "ico", "image/x-icon", true },
	{ "svg", "image/svg+xml", false },
	{ "txt", "text/plain", false },
	{ "md", "text/markdown", false },
	{ "markdown", "text/markdown", false },
	{ "html", "text/html", false },
	{ "htm", "text/html", false },
	{ "css", "text/css", false },
	{ "csv", "text/csv", false },
	{ "js", "application/javascript", false },
	{ "mjs", "application/javascript", false },
	{ "json", "application/json", false },
	{ "xml", "application/xml", false },
	{ "yaml", "application/x-yaml", false },
	{ "yml", "application/x-yaml", false },
	{ "c", "text/x-c", false },
	{ "h", "text/x-c", false },
	{ "py", "text/x-python", false },
	{ "sh", "application/x-sh", false },
	{ "pdf", "application/pdf", false },
	{ "zip", "application/zip", false },
	{ "gz", "application/gzip", false },
	{ "tar", "application/x-tar", false },
};

static int type_index(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *slash = strrchr(name, '/');
	if (!dot || dot == name || (slash && dot < slash))
		return -1;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(dot + 1, types[i].ext) == 0)
			return (int)i;
	return -1;
}

const char *hub_source_mimetype(const char *name)
{
	int i = type_index(name);
	return i < 0 ? "application/octet-stream" : types[i].type;
}

bool hub_source_is_safe_image(const char *name)
{
	int i = type_index(name);
	return i >= 0 && types[i].safe_image;
}

const hub_source_entry *hub_source_readme(const hub_source_entry *entries, size_t count,
                                          bool *is_markdown)
{
	static const struct {
		const char *name;
		bool markdown;
	} wanted[] = {
		{ "README.md", true },
		{ "README.markdown", true },
		{ "README", false },
		{ "README.txt", false },
	};
	for (size_t w = 0; w < sizeof wanted / sizeof wanted[0]; w++)
		for (size_t i = 0; i < count; i++)
			if (entries[i].kind == HUB_SOURCE_FILE &&
			    strcasecmp(entries[i].name, wanted[w].name) == 0) {
				*is_markdown = wanted[w].markdown;
				return &entries[i];
			}
	return NULL;
}

/* --- a file's history ------------------------------------------------------------------------- */

/* The oid of path in commit's tree, zero when absent. */
static void oid_at(git_oid *out, git_commit *commit, const char *path)
{
	memset(out, 0, sizeof *out);
	git_tree *root = NULL;
	git_tree_entry *te = NULL;
	if (git_commit_tree(&root, commit) == 0 && git_tree_entry_bypath(&te, root, path) == 0)
		git_oid_cpy(out, git_tree_entry_id(te));
	git_tree_entry_free(te);
	git_tree_free(root);
}

/* True when commit changed path against its first parent (or introduced it). */
static bool changed_path(git_commit *commit, const char *path)
{
	git_oid mine, theirs;
	oid_at(&mine, commit, path);
	if (git_oid_is_zero(&mine))
		return false;
	git_commit *parent = NULL;
	if (git_commit_parentcount(commit) == 0 || git_commit_parent(&parent, commit, 0) < 0)
		return true;
	oid_at(&theirs, parent, path);
	git_commit_free(parent);
	return !git_oid_equal(&mine, &theirs);
}

typedef struct history_walk {
	entry_list found;
	git_oid *commits;
	size_t skipped, skip, limit;
	bool has_more;
} history_walk;

static int history_visit(history_walk *hw, arena *a, git_repository *repo, git_commit *c,
                         const char *path)
{
	if (!changed_path(c, path))
		return 0;
	if (hw->skipped < hw->skip) {
		hw->skipped++;
		return 0;
	}
	if (hw->found.len == hw->limit) {
		hw->has_more = true;
		return 1; /* stop */
	}
	hub_source_entry *slot = NULL;
	int rc = list_push(&hw->found, a, &slot);
	if (rc == 0)
		rc = hub_source_stat(slot, a, repo, c, path);
	return rc;
}

static int history_collect(history_walk *hw, arena *a, git_repository *repo, git_commit *commit,
                           const char *path)
{
	git_revwalk *walk = NULL;
	int rc = git_revwalk_new(&walk, repo);
	if (rc == 0)
		rc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (rc == 0)
		rc = git_revwalk_push(walk, git_commit_id(commit));
	if (rc < 0) {
		git_revwalk_free(walk);
		return hub_git_code(rc, "cannot walk the history");
	}
	hw->commits = arena_array(a, hw->limit + 1, sizeof *hw->commits);
	git_oid oid;
	size_t scanned = 0;
	while (rc == 0 && scanned++ < HUB_SOURCE_HISTORY_SCAN &&
	       git_revwalk_next(&oid, walk) == 0) {
		git_commit *c = NULL;
		rc = hub_git_code(git_commit_lookup(&c, repo, &oid), "cannot read a commit");
		size_t before = hw->found.len;
		if (rc == 0)
			rc = history_visit(hw, a, repo, c, path);
		if (rc == 0 && hw->found.len > before)
			git_oid_cpy(&hw->commits[before], &oid);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	return rc < 0 ? rc : 0;
}

int hub_source_file_history(hub_source_version **out, size_t *count, bool *has_more, arena *a,
                            git_repository *repo, git_commit *commit, const char *path, size_t skip,
                            size_t limit)
{
	hub_source_entry here;
	int rc = hub_source_stat(&here, a, repo, commit, path);
	if (rc < 0)
		return rc;
	history_walk hw = { .skip = skip, .limit = limit };
	rc = history_collect(&hw, a, repo, commit, path);
	if (rc < 0)
		return rc;
	hub_source_version *v = arena_array(a, hw.found.len + 1, sizeof *v);
	for (size_t i = 0; i < hw.found.len; i++) {
		git_oid_cpy(&v[i].commit, &hw.commits[i]);
		v[i].entry = hw.found.items[i];
	}
	*out = v;
	*count = hw.found.len;
	*has_more = hw.has_more;
	return 0;
}

/* --- commits from form fields ----------------------------------------------------------------- */

int hub_source_parse_author(const char **name, const char **email, arena *a, const char *raw)
{
	const char *lt = strrchr(raw, '<');
	size_t len = strlen(raw);
	if (!lt || len < 3 || raw[len - 1] != '>' || has_control(raw))
		return err_fail(WEFT_EINVALID, "author must look like: Name <email>");
	size_t name_len = (size_t)(lt - raw);
	while (name_len && raw[name_len - 1] == ' ')
		name_len--;
	const char *mail = arena_strndup(a, lt + 1, (size_t)(raw + len - 1 - (lt + 1)));
	const char *who = arena_strndup(a, raw, name_len);
	if (!who[0] || !mail[0] || strpbrk(mail, "<>") || strpbrk(who, "<>"))
		return err_fail(WEFT_EINVALID, "author must look like: Name <email>");
	*name = who;
	*email = mail;
	return 0;
}

/* The tip of refs/heads/<branch>; zero (and 0) when the branch does not exist. */
static int branch_tip(git_oid *out, git_repository *repo, const char *refname)
{
	memset(out, 0, sizeof *out);
	git_oid oid;
	int rc = git_reference_name_to_id(&oid, repo, refname);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return hub_git_code(rc, "cannot read the branch");
	git_oid_cpy(out, &oid);
	return 0;
}

typedef struct commit_build {
	git_repository *repo;
	const hub_source_commit_spec *spec;
	const char *refname;
	git_oid old_tip;
	git_commit *parents[8];
	size_t nparents;
	git_tree *tree;
	git_signature *author, *committer;
} commit_build;

static int load_parents(commit_build *b)
{
	const hub_source_commit_spec *s = b->spec;
	if (s->nparents > sizeof b->parents / sizeof b->parents[0])
		return err_fail(WEFT_EINVALID, "Too many parents.");
	for (size_t i = 0; i < s->nparents; i++) {
		int rc = hub_git_resolve_commit(&b->parents[b->nparents], b->repo, s->parents[i]);
		if (rc < 0)
			return rc;
		b->nparents++;
	}
	return 0;
}

/* Bitbucket's rules for where the commit goes (source.h). */
static int choose_parents(commit_build *b)
{
	const hub_source_commit_spec *s = b->spec;
	int rc = branch_tip(&b->old_tip, b->repo, b->refname);
	if (rc == 0)
		rc = load_parents(b);
	if (rc < 0)
		return rc;
	bool exists = !git_oid_is_zero(&b->old_tip);
	if (exists && b->nparents && !git_oid_equal(git_commit_id(b->parents[0]), &b->old_tip))
		return err_fail(WEFT_ECONFLICT, "The parent is not the tip of branch %s.",
		                b->refname + strlen("refs/heads/"));
	if (b->nparents)
		return 0;
	git_oid start = b->old_tip;
	if (!exists) {
		char main_ref[300];
		snprintf(main_ref, sizeof main_ref, "refs/heads/%s", s->main_branch);
		rc = branch_tip(&start, b->repo, main_ref);
	}
	if (rc == 0 && !git_oid_is_zero(&start)) {
		rc = hub_git_code(git_commit_lookup(&b->parents[0], b->repo, &start),
		                  "cannot read the tip");
		b->nparents = rc == 0;
	}
	return rc;
}

/* True when the index holds an entry under directory path. */
static bool index_has_dir(git_index *index, const char *path)
{
	char prefix[HUB_SOURCE_PATH_MAX + 2];
	snprintf(prefix, sizeof prefix, "%s/", path);
	size_t pos;
	return git_index_find_prefix(&pos, index, prefix) == 0;
}

/* Writes the blob, then adds it: the in-memory index has no repository to write through. */
static int add_file(git_index *index, git_repository *repo, const hub_source_change *ch)
{
	git_index_entry e;
	memset(&e, 0, sizeof e);
	e.path = ch->path;
	e.mode = ch->link         ? GIT_FILEMODE_LINK
	         : ch->executable ? GIT_FILEMODE_BLOB_EXECUTABLE
	                          : GIT_FILEMODE_BLOB;
	e.file_size = (uint32_t)ch->len;
	int rc = hub_git_code(git_blob_create_from_buffer(&e.id, repo, ch->data, ch->len),
	                      "cannot write the file");
	return rc < 0 ? rc : hub_git_code(git_index_add(index, &e), "cannot add the file");
}

static int apply_change(git_index *index, git_repository *repo, const hub_source_change *ch)
{
	if (!ch->remove)
		return add_file(index, repo, ch);
	if (git_index_get_bypath(index, ch->path, 0))
		return hub_git_code(git_index_remove_bypath(index, ch->path), "cannot delete");
	if (ch->path[0] && index_has_dir(index, ch->path))
		return hub_git_code(git_index_remove_directory(index, ch->path, 0),
		                    "cannot delete");
	return err_fail(WEFT_ENOTFOUND, "No such file or directory: %.300s", ch->path);
}

/* The tree of the new commit: the first parent's, with the changes applied. */
static int build_tree(commit_build *b)
{
	git_index *index = NULL;
	git_tree *base = NULL;
	git_oid tree_id;
	int rc = hub_git_code(git_index_new(&index), "cannot make an index");
	if (rc == 0 && b->nparents)
		rc = hub_git_code(git_commit_tree(&base, b->parents[0]), "cannot read the tree");
	if (rc == 0 && base)
		rc = hub_git_code(git_index_read_tree(index, base), "cannot read the tree");
	for (size_t i = 0; rc == 0 && i < b->spec->nchanges; i++)
		rc = apply_change(index, b->repo, &b->spec->changes[i]);
	if (rc == 0)
		rc = hub_git_code(git_index_write_tree_to(&tree_id, index, b->repo),
		                  "cannot write the tree");
	if (rc == 0)
		rc = hub_git_code(git_tree_lookup(&b->tree, b->repo, &tree_id),
		                  "cannot read the tree");
	git_tree_free(base);
	git_index_free(index);
	return rc;
}

static int make_signatures(commit_build *b)
{
	const hub_source_commit_spec *s = b->spec;
	if (git_signature_now(&b->author, s->author_name, s->author_email) < 0)
		return hub_git_fail(WEFT_EINVALID, "invalid author");
	if (git_signature_now(&b->committer, s->committer_name, s->committer_email) < 0)
		return hub_git_fail(WEFT_EINVALID, "invalid committer");
	return 0;
}

/* Moves the branch from old_tip to new_id, unless someone moved it meanwhile. */
static int move_branch(commit_build *b, const git_oid *new_id)
{
	git_reference *ref = NULL;
	int rc;
	if (git_oid_is_zero(&b->old_tip))
		rc = git_reference_create(&ref, b->repo, b->refname, new_id, 0, "weft: POST /src");
	else
		rc = git_reference_create_matching(&ref, b->repo, b->refname, new_id, 1,
		                                   &b->old_tip, "weft: POST /src");
	git_reference_free(ref);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
		return err_fail(WEFT_ECONFLICT, "The branch moved meanwhile; try again.");
	return hub_git_code(rc, "cannot update the branch");
}

static int check_branch(arena *a, const char *branch, const char **refname)
{
	const char *name = arena_printf(a, "refs/heads/%s", branch);
	int valid = 0;
	gitlib_ready();
	if (strlen(branch) > 255 || git_reference_name_is_valid(&valid, name) < 0 || !valid)
		return err_fail(WEFT_EINVALID, "Invalid branch name: %.200s", branch);
	*refname = name;
	return 0;
}

int hub_source_commit(git_oid *out, git_oid *old_tip, git_repository *repo,
                      const hub_source_commit_spec *spec)
{
	commit_build b = { .repo = repo, .spec = spec };
	arena *a = arena_new();
	git_oid id;
	const char *branch = spec->branch && spec->branch[0] ? spec->branch : spec->main_branch;
	int rc = check_branch(a, branch, &b.refname);
	if (rc == 0)
		rc = choose_parents(&b);
	if (rc == 0)
		rc = build_tree(&b);
	if (rc == 0)
		rc = make_signatures(&b);
	if (rc == 0)
		rc = hub_git_code(git_commit_create(&id, repo, NULL, b.author, b.committer, NULL,
		                                    spec->message, b.tree, b.nparents,
		                                    (const git_commit **)b.parents),
		                  "cannot create the commit");
	if (rc == 0)
		rc = move_branch(&b, &id);
	if (rc == 0) {
		git_oid_cpy(out, &id);
		git_oid_cpy(old_tip, &b.old_tip);
	}
	git_signature_free(b.committer);
	git_signature_free(b.author);
	git_tree_free(b.tree);
	for (size_t i = 0; i < b.nparents; i++)
		git_commit_free(b.parents[i]);
	arena_free(a);
	return rc;
}
