/* Reading and writing a repository's files with libgit2, for the source pages and the src API:
 * directory listings (with the last commit touching each entry, when cheap), blobs, the README,
 * content types and binary detection, a file's history, and commits made from form fields
 * (POST /src). No HTTP, no database. */
#ifndef WEFT_HUB_SOURCE_H
#define WEFT_HUB_SOURCE_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

enum {
	HUB_SOURCE_PATH_MAX = 4096, /* bytes in a path from outside */
	HUB_SOURCE_DISPLAY_MAX = 1024 * 1024, /* bigger files are "too large to display" */
	HUB_SOURCE_LAST_COMMIT_ENTRIES = 100, /* larger directories show no last commits */
	HUB_SOURCE_LAST_COMMIT_WALK = 300, /* commits examined to find them */
	HUB_SOURCE_LIST_MAX = 10000, /* entries of one listing, all depths together */
	HUB_SOURCE_DEPTH_MAX = 20, /* the deepest max_depth of a listing */
	/* Commits one file history request examines: a rarely changed file in a huge history must
	 * not hold a thread. */
	HUB_SOURCE_HISTORY_SCAN = 50000,
};

typedef enum {
	HUB_SOURCE_FILE,
	HUB_SOURCE_DIR,
	HUB_SOURCE_LINK, /* a symbolic link: the blob holds its target */
	HUB_SOURCE_SUBMODULE, /* a gitlink: a commit of another repository */
} hub_source_kind;

/* One entry of a tree. Strings live in the arena of the call that made it. */
typedef struct hub_source_entry {
	const char *name; /* the last path component */
	const char *path; /* from the repository's root, no leading or trailing '/' */
	hub_source_kind kind;
	bool executable;
	int64_t size; /* blob bytes; 0 for directories and submodules */
	git_oid oid;
	/* The newest commit that changed the entry (hub_source_last_commits); unset: is_zero. */
	git_oid last_commit;
	const char *last_summary; /* its message's first line, or NULL */
	int64_t last_time_ms;
} hub_source_entry;

/* Checks a path from outside (URL or form field): at most HUB_SOURCE_PATH_MAX bytes, valid
 * UTF-8, no empty, "." or ".." component, no ".git" component, no control characters. A leading
 * and trailing '/' are dropped; "" is the root. *out is the normalised path in a. WEFT_EINVALID
 * naming the problem. */
int hub_source_clean_path(const char **out, arena *a, const char *path);

/* The entry at path in commit's tree (path "" is the root directory, with kind DIR and the
 * root tree's oid). WEFT_ENOTFOUND "No such file or directory: <path>" when absent. */
int hub_source_stat(hub_source_entry *out, arena *a, git_repository *repo, git_commit *commit,
                    const char *path);

/* The entries under directory dir (as hub_source_stat gives it), breadth first to max_depth
 * levels (1: the directory's own entries), each level in git's tree order. WEFT_ETOOLARGE when
 * they would be more than HUB_SOURCE_LIST_MAX, WEFT_EINVALID for a max_depth outside 1 to
 * HUB_SOURCE_DEPTH_MAX. *out is an arena array of *count entries. */
int hub_source_list(hub_source_entry **out, size_t *count, arena *a, git_repository *repo,
                    const hub_source_entry *dir, int max_depth);

/* Fills last_commit (and its summary and time) of each of the count entries of the one
 * directory dir_path, walking at most HUB_SOURCE_LAST_COMMIT_WALK commits back from commit along
 * first parents. Does nothing for directories of more than HUB_SOURCE_LAST_COMMIT_ENTRIES
 * entries; entries not settled within the walk stay unset. */
int hub_source_last_commits(hub_source_entry *entries, size_t count, arena *a, git_commit *commit,
                            const char *dir_path);

/* The blob of a file entry. WEFT_EINVALID when the entry is not a file or a link. Free with
 * git_blob_free. */
int hub_source_blob(git_blob **out, git_repository *repo, const hub_source_entry *file);

/* True when data looks binary (a NUL byte in its first 8000 bytes, as git decides). */
bool hub_source_is_binary(const void *data, size_t len);

/* The content type for a file name, from its extension, without charset
 * ("image/png", "text/markdown", "application/octet-stream" when unknown). */
const char *hub_source_mimetype(const char *name);

/* True for images that a browser shows without running anything (not SVG). */
bool hub_source_is_safe_image(const char *name);

/* The README among a root directory's entries: README.md, README.markdown, README,
 * README.txt (in that order of preference, case-insensitive). NULL when there is none.
 * *is_markdown says whether to render it as Markdown. */
const hub_source_entry *hub_source_readme(const hub_source_entry *entries, size_t count,
                                          bool *is_markdown);

/* One file version of a file's history. */
typedef struct hub_source_version {
	git_oid commit;
	hub_source_entry entry; /* the file as that commit has it */
} hub_source_version;

/* The commits reachable from commit that changed path (newest first, first-parent changes),
 * skipping the first skip and returning at most limit in an arena array; *has_more says whether
 * more exist. The walk examines at most HUB_SOURCE_HISTORY_SCAN commits, so a very long history
 * may end early. WEFT_ENOTFOUND when path does not exist in commit. */
int hub_source_file_history(hub_source_version **out, size_t *count, bool *has_more, arena *a,
                            git_repository *repo, git_commit *commit, const char *path, size_t skip,
                            size_t limit);

/* A file change of a new commit: content for path, or its deletion. */
typedef struct hub_source_change {
	const char *path; /* cleaned with hub_source_clean_path */
	const char *data; /* the content; for a link, its target */
	size_t len;
	bool remove;
	bool executable; /* mode 100755 instead of 100644 */
	bool link; /* a symbolic link (mode 120000) */
} hub_source_change;

/* What POST /src asks for. */
typedef struct hub_source_commit_spec {
	const char *branch; /* NULL or "": the main branch */
	const char *main_branch;
	const char *message;
	const char *author_name, *author_email;
	const char *committer_name, *committer_email;
	const char *const *parents; /* hashes (full or short), nparents of them */
	size_t nparents;
	const hub_source_change *changes;
	size_t nchanges;
} hub_source_commit_spec;

/* Creates one commit from spec and moves the branch to it, with Bitbucket's rules: on an
 * existing branch the commit goes on its tip, and given parents must start with that tip
 * (WEFT_ECONFLICT otherwise); a new branch starts at the first parent, or at the main branch's
 * tip, or (empty repository) at nothing. The ref moves only if nobody moved it meanwhile
 * (WEFT_ECONFLICT). *old_tip is the branch's previous tip (zero for a new branch).
 * WEFT_EINVALID for a bad branch name, author or parent, WEFT_ENOTFOUND for an unknown parent or
 * a deleted path that does not exist. */
int hub_source_commit(git_oid *out, git_oid *old_tip, git_repository *repo,
                      const hub_source_commit_spec *spec);

/* Splits "Name <email>" into its parts (in a). WEFT_EINVALID when it is not of that form. */
int hub_source_parse_author(const char **name, const char **email, arena *a, const char *raw);

#endif
