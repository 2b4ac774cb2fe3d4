/* Log walks for hub_commit_log. Without exclusions the walk is weft's own: a queue ordered by
 * commit time (git log's default order), whose pending commits a cursor can carry, so that the
 * next page starts where this one ended instead of walking the history again. With exclusions
 * it is libgit2's revision walk (which must mark the excluded ancestry first), continued by
 * position. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "hub/browse/commit.h"
#include "hub/git/gitrepo.h"

/* ---- the date-ordered walk ---- */

typedef struct walk_entry {
	git_commit *commit;
	int64_t time;
	uint64_t seq; /* the order met: ties of time keep it */
} walk_entry;

typedef struct date_walk {
	git_repository *repo;
	walk_entry *heap;
	size_t len, cap;
	git_oid *seen; /* an open-addressing set; the zero id marks a free slot */
	size_t seen_len, seen_cap;
	uint64_t seq;
} date_walk;

static void dw_dispose(date_walk *w)
{
	for (size_t i = 0; i < w->len; i++)
		git_commit_free(w->heap[i].commit);
	free(w->heap);
	free(w->seen);
	*w = (date_walk){ 0 };
}

static bool before(const walk_entry *a, const walk_entry *b)
{
	return a->time > b->time || (a->time == b->time && a->seq < b->seq);
}

static size_t slot_of(const git_oid *id, size_t cap)
{
	uint64_t h;
	memcpy(&h, id->id, sizeof h);
	return (size_t)(h & (cap - 1));
}

static bool is_free(const git_oid *id)
{
	return git_oid_is_zero(id);
}

static int seen_grow(date_walk *w)
{
	size_t cap = w->seen_cap ? w->seen_cap * 2 : 256;
	git_oid *set = calloc(cap, sizeof *set);
	if (!set)
		return err_fail(WEFT_ERROR, "out of memory");
	for (size_t i = 0; i < w->seen_cap; i++) {
		if (is_free(&w->seen[i]))
			continue;
		size_t s = slot_of(&w->seen[i], cap);
		while (!is_free(&set[s]))
			s = (s + 1) & (cap - 1);
		set[s] = w->seen[i];
	}
	free(w->seen);
	w->seen = set;
	w->seen_cap = cap;
	return 0;
}

/* Adds id to the seen set: 1 when it was there already. */
static int seen_add(date_walk *w, const git_oid *id)
{
	if ((w->seen_len + 1) * 2 > w->seen_cap && seen_grow(w) < 0)
		return -1;
	size_t s = slot_of(id, w->seen_cap);
	while (!is_free(&w->seen[s])) {
		if (git_oid_equal(&w->seen[s], id))
			return 1;
		s = (s + 1) & (w->seen_cap - 1);
	}
	w->seen[s] = *id;
	w->seen_len++;
	return 0;
}

static int heap_push(date_walk *w, git_commit *c)
{
	if (w->len == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		walk_entry *h = realloc(w->heap, cap * sizeof *h);
		if (!h) {
			git_commit_free(c);
			return err_fail(WEFT_ERROR, "out of memory");
		}
		w->heap = h;
		w->cap = cap;
	}
	walk_entry e = { c, (int64_t)git_commit_time(c), w->seq++ };
	size_t i = w->len++;
	while (i > 0 && before(&e, &w->heap[(i - 1) / 2])) {
		w->heap[i] = w->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	w->heap[i] = e;
	return 0;
}

static walk_entry heap_pop(date_walk *w)
{
	walk_entry top = w->heap[0], last = w->heap[--w->len];
	size_t i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= w->len)
			break;
		if (child + 1 < w->len && before(&w->heap[child + 1], &w->heap[child]))
			child++;
		if (!before(&w->heap[child], &last))
			break;
		w->heap[i] = w->heap[child];
		i = child;
	}
	if (w->len > 0)
		w->heap[i] = last;
	return top;
}

/* Queues the commit id (a commit, or a tag that peels to one) unless it was met before. */
static int dw_push(date_walk *w, const git_oid *id)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = git_object_lookup(&obj, w->repo, id, GIT_OBJECT_ANY);
	if (rc == 0)
		rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	if (rc < 0)
		return hub_git_code(rc, "cannot read a commit");
	int seen = seen_add(w, git_object_id(peeled));
	if (seen != 0) {
		git_object_free(peeled);
		return seen < 0 ? seen : 0;
	}
	return heap_push(w, (git_commit *)peeled);
}

/* The next commit (the caller frees it), its parents queued; NULL at the end. */
static int dw_next(date_walk *w, git_commit **out)
{
	*out = NULL;
	if (w->len == 0)
		return 0;
	walk_entry e = heap_pop(w);
	unsigned n = git_commit_parentcount(e.commit);
	for (unsigned i = 0; i < n; i++) {
		int rc = dw_push(w, git_commit_parent_id(e.commit, i));
		if (rc < 0) {
			git_commit_free(e.commit);
			return rc;
		}
	}
	*out = e.commit;
	return 0;
}

static int compare_entries(const void *x, const void *y)
{
	return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* ---- starting points ---- */

static int push_rev(date_walk *w, const char *rev)
{
	git_commit *c = NULL;
	int rc = hub_git_resolve_commit(&c, w->repo, rev);
	if (rc == 0)
		rc = dw_push(w, git_commit_id(c));
	git_commit_free(c);
	return rc;
}

/* Every branch, then every tag (git log --all, without a detached HEAD, which weft's bare
 * repositories do not have). */
static int push_all(date_walk *w)
{
	static const char *const prefixes[] = { "refs/heads/", "refs/tags/" };
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc = 0;
	for (size_t p = 0; rc == 0 && p < 2; p++) {
		if (git_reference_iterator_new(&it, w->repo) < 0)
			return hub_git_fail(WEFT_ERROR, "cannot list the references");
		while (rc == 0 && git_reference_next(&ref, it) == 0) {
			git_oid id;
			if (strncmp(git_reference_name(ref), prefixes[p], strlen(prefixes[p])) ==
			            0 &&
			    git_reference_name_to_id(&id, w->repo, git_reference_name(ref)) == 0)
				rc = dw_push(w, &id);
			git_reference_free(ref);
		}
		git_reference_iterator_free(it);
	}
	return rc;
}

static int dw_start(date_walk *w, const hub_log_query *q)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < q->nfrontier; i++)
		rc = dw_push(w, &q->frontier[i]);
	for (size_t i = 0; rc == 0 && !q->nfrontier && i < q->ninclude; i++)
		rc = push_rev(w, q->include[i]);
	if (rc == 0 && !q->nfrontier && !q->ninclude)
		rc = push_all(w);
	return rc;
}

/* ---- which commits a page shows ---- */

/* The id of the tree entry at path in c's tree; false when there is none. */
static bool entry_at(git_oid *out, const git_commit *c, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	bool found = false;
	if (git_commit_tree(&tree, c) == 0 && git_tree_entry_bypath(&e, tree, path) == 0) {
		git_oid_cpy(out, git_tree_entry_id(e));
		found = true;
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	return found;
}

/* Whether c changed path: it differs there from every parent (a merge that took one side's
 * version unchanged did not change it, as git log's history simplification says). */
static bool touches(const git_commit *c, const char *path)
{
	git_oid mine, theirs;
	bool have = entry_at(&mine, c, path);
	unsigned n = git_commit_parentcount(c);
	if (n == 0)
		return have;
	for (unsigned i = 0; i < n; i++) {
		git_commit *p = NULL;
		if (git_commit_parent(&p, c, i) < 0)
			return true;
		bool had = entry_at(&theirs, p, path);
		git_commit_free(p);
		if (had == have && (!have || git_oid_equal(&mine, &theirs)))
			return false;
	}
	return true;
}

/* The page being filled, and the oldest commit time it passed (for the frontier rule). */
typedef struct collector {
	hub_log_page *page;
	arena *a;
	const hub_log_query *q;
	uint64_t scanned;
	int64_t oldest;
} collector;

/* Takes c (and frees it): true when the page can take no more. */
static bool collect(collector *k, git_commit *c)
{
	bool by_path = k->q->path && *k->q->path;
	k->scanned++;
	if ((int64_t)git_commit_time(c) < k->oldest)
		k->oldest = (int64_t)git_commit_time(c);
	if (!by_path || touches(c, k->q->path))
		hub_commit_from_git(&k->page->commits[k->page->count++], k->a, c);
	git_commit_free(c);
	return k->page->count == k->q->limit || (by_path && k->scanned == HUB_LOG_SCAN_MAX);
}

/* The frontier goes into the cursor when it is small and strictly older than every commit
 * this page passed: then none of those can be reached again from it (barring clock skew). */
static void keep_frontier(hub_log_page *page, arena *a, const date_walk *w, int64_t oldest)
{
	if (w->len == 0 || w->len > HUB_LOG_FRONTIER_MAX)
		return;
	walk_entry *sorted = arena_array(a, w->len, sizeof *sorted);
	memcpy(sorted, w->heap, w->len * sizeof *sorted);
	qsort(sorted, w->len, sizeof *sorted, compare_entries);
	if (sorted[0].time >= oldest)
		return;
	page->next_frontier = arena_array(a, w->len, sizeof(git_oid));
	for (size_t i = 0; i < w->len; i++)
		git_oid_cpy(&page->next_frontier[i], git_commit_id(sorted[i].commit));
	page->next_nfrontier = w->len;
}

static int date_log(hub_log_page *page, arena *a, git_repository *repo, const hub_log_query *q)
{
	date_walk w = { .repo = repo };
	collector k = { page, a, q, 0, INT64_MAX };
	git_commit *c = NULL;
	int rc = dw_start(&w, q);
	for (uint64_t i = 0; rc == 0 && !q->nfrontier && i < q->skip; i++) {
		if ((rc = dw_next(&w, &c)) < 0 || !c)
			break;
		git_commit_free(c);
	}
	bool full = false;
	while (rc == 0 && !full && (rc = dw_next(&w, &c)) == 0 && c)
		full = collect(&k, c);
	if (rc == 0) {
		page->has_more = w.len > 0;
		page->next_skip = q->skip + k.scanned;
		if (page->has_more)
			keep_frontier(page, a, &w, k.oldest);
	}
	dw_dispose(&w);
	return rc;
}

/* ---- with exclusions: libgit2's walk ---- */

static int revwalk_add(git_revwalk *walk, git_repository *repo, const char *rev, bool hide)
{
	git_commit *c = NULL;
	int rc = hub_git_resolve_commit(&c, repo, rev);
	if (rc < 0)
		return rc;
	int grc = hide ? git_revwalk_hide(walk, git_commit_id(c))
	               : git_revwalk_push(walk, git_commit_id(c));
	git_commit_free(c);
	return hub_git_code(grc, "cannot start the walk");
}

static int revwalk_setup(git_revwalk **out, git_repository *repo, const hub_log_query *q)
{
	git_revwalk *walk = NULL;
	int rc = 0;
	if (git_revwalk_new(&walk, repo) < 0)
		return hub_git_fail(WEFT_ERROR, "cannot walk the history");
	/* GIT_SORT_NONE: libgit2 walks by commit time without reading everything first. */
	git_revwalk_sorting(walk, GIT_SORT_NONE);
	for (size_t i = 0; rc == 0 && i < q->ninclude; i++)
		rc = revwalk_add(walk, repo, q->include[i], false);
	if (rc == 0 && q->ninclude == 0) {
		rc = git_revwalk_push_glob(walk, "refs/heads");
		if (rc == 0)
			rc = git_revwalk_push_glob(walk, "refs/tags");
		rc = hub_git_code(rc, "cannot start the walk");
	}
	for (size_t i = 0; rc == 0 && i < q->nexclude; i++)
		rc = revwalk_add(walk, repo, q->exclude[i], true);
	if (rc < 0) {
		git_revwalk_free(walk);
		return rc;
	}
	*out = walk;
	return 0;
}

static int revwalk_log(hub_log_page *page, arena *a, git_repository *repo, const hub_log_query *q)
{
	git_revwalk *walk = NULL;
	collector k = { page, a, q, 0, INT64_MAX };
	git_oid id;
	int grc = 0, rc = revwalk_setup(&walk, repo, q);
	for (uint64_t i = 0; rc == 0 && grc == 0 && i < q->skip; i++)
		grc = git_revwalk_next(&id, walk);
	bool full = false;
	while (rc == 0 && grc == 0 && !full && (grc = git_revwalk_next(&id, walk)) == 0) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, repo, &id) < 0)
			rc = hub_git_fail(WEFT_ERROR, "cannot read a commit");
		else
			full = collect(&k, c);
	}
	/* One more step tells whether the history goes on. */
	if (rc == 0 && grc == 0 && full)
		page->has_more = git_revwalk_next(&id, walk) == 0;
	if (rc == 0 && grc < 0 && grc != GIT_ITEROVER)
		rc = hub_git_code(grc, "cannot walk the history");
	page->next_skip = q->skip + k.scanned;
	git_revwalk_free(walk);
	return rc;
}

int hub_commit_log(hub_log_page *out, arena *a, git_repository *repo, const hub_log_query *q)
{
	hub_log_page page = { 0 };
	if (q->limit == 0 || q->limit > HUB_LOG_LIMIT_MAX)
		return err_fail(WEFT_EINVALID, "a page holds 1 to %d commits", HUB_LOG_LIMIT_MAX);
	if (q->ninclude + q->nexclude > HUB_LOG_REVS_MAX)
		return err_fail(WEFT_ETOOLARGE, "at most %d revisions in include and exclude",
		                HUB_LOG_REVS_MAX);
	if (q->nfrontier && q->nexclude)
		return err_fail(WEFT_EINVALID, "this cursor does not go with exclude");
	page.commits = arena_array(a, q->limit, sizeof page.commits[0]);
	int rc = 0;
	if (hub_git_is_empty(repo) && q->ninclude == 0)
		page.next_skip = q->skip;
	else if (q->nexclude)
		rc = revwalk_log(&page, a, repo, q);
	else
		rc = date_log(&page, a, repo, q);
	if (rc == 0)
		*out = page;
	return rc;
}

/* ---- cursors ---- */

const char *hub_log_cursor(arena *a, const hub_log_page *p)
{
	if (!p->next_nfrontier)
		return arena_printf(a, "c%" PRIu64, p->next_skip);
	char *s = arena_alloc(a, HUB_LOG_CURSOR_MAX + 1);
	int n = snprintf(s, HUB_LOG_CURSOR_MAX, "f%" PRIu64 "-", p->next_skip);
	for (size_t i = 0; i < p->next_nfrontier && n > 0; i++) {
		git_oid_fmt(s + n, &p->next_frontier[i]);
		n += GIT_OID_HEXSZ;
	}
	s[n] = '\0';
	return s;
}

/* The position digits at s, up to stop: at most 15 digits, no sign. */
static int read_position(uint64_t *out, const char *s, const char **end)
{
	uint64_t v = 0;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9' && n < 16)
		v = v * 10 + (uint64_t)(s[n++] - '0');
	if (n == 0 || n > 15)
		return err_fail(WEFT_EINVALID, "page: not a cursor this server made");
	*out = v;
	*end = s + n;
	return 0;
}

int hub_log_cursor_parse(hub_log_query *q, arena *a, const char *cursor)
{
	const char *rest = NULL;
	uint64_t pos = 0;
	if ((cursor[0] != 'c' && cursor[0] != 'f') || read_position(&pos, cursor + 1, &rest) < 0)
		return err_fail(WEFT_EINVALID, "page: not a cursor this server made");
	if (cursor[0] == 'c') {
		if (*rest)
			return err_fail(WEFT_EINVALID, "page: not a cursor this server made");
		q->skip = pos;
		q->frontier = NULL;
		q->nfrontier = 0;
		return 0;
	}
	size_t len = strlen(rest);
	size_t n = len > 0 ? (len - 1) / GIT_OID_HEXSZ : 0;
	if (rest[0] != '-' || len < 1 + GIT_OID_HEXSZ || (len - 1) % GIT_OID_HEXSZ != 0 ||
	    n > HUB_LOG_FRONTIER_MAX)
		return err_fail(WEFT_EINVALID, "page: not a cursor this server made");
	git_oid *ids = arena_array(a, n, sizeof *ids);
	for (size_t i = 0; i < n; i++)
		if (git_oid_fromstrn(&ids[i], rest + 1 + i * GIT_OID_HEXSZ, GIT_OID_HEXSZ) < 0)
			return err_fail(WEFT_EINVALID, "page: not a cursor this server made");
	q->skip = pos;
	q->frontier = ids;
	q->nfrontier = n;
	return 0;
}
