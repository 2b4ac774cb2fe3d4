/* hub's repositories as records: the slug rules, finding them (with old slugs that redirect),
 * creating them with their bare repository, settings, grants, transfer and deletion. */
#include "hub/repo/repo.h"

#include <dirent.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/gitlib.h"
#include "base/str.h"
#include "base/token.h"
#include "hub/team/activity.h"
#include "hub/git/gitrepo.h"
#include "hub/project/project.h"
#include "hub/repo/repo_storage.h"
#include "hub/team/plan.h"

/* The columns hub_repo reads, in read_row's order. */
#define REPO_COLUMNS                                                                              \
	"r.id, r.uuid, r.workspace_id,"                                                           \
	" CASE WHEN r.storage_workspace_uuid = '' THEN w.uuid ELSE r.storage_workspace_uuid END," \
	" w.slug, r.slug, r.name, r.description,"                                                 \
	" r.is_private, r.mainbranch, COALESCE(r.project_id, 0), r.fork_policy, r.language,"      \
	" r.has_issues, r.has_wiki, r.created_at, r.updated_at"                                   \
	" FROM repositories r JOIN workspaces w ON w.id = r.workspace_id"

static void read_row(db_stmt *st, arena *a, hub_repo *out)
{
	out->id = db_col_int(st, 0);
	snprintf(out->uuid, sizeof out->uuid, "%s", db_col_text(st, 1));
	out->workspace_id = db_col_int(st, 2);
	snprintf(out->workspace_uuid, sizeof out->workspace_uuid, "%s", db_col_text(st, 3));
	out->workspace_slug = arena_strdup(a, db_col_text(st, 4));
	out->slug = arena_strdup(a, db_col_text(st, 5));
	out->name = arena_strdup(a, db_col_text(st, 6));
	out->description = arena_strdup(a, db_col_text(st, 7));
	out->is_private = db_col_int(st, 8) != 0;
	out->mainbranch = arena_strdup(a, db_col_text(st, 9));
	out->project_id = db_col_int(st, 10);
	out->fork_policy = arena_strdup(a, db_col_text(st, 11));
	out->language = arena_strdup(a, db_col_text(st, 12));
	out->has_issues = db_col_int(st, 13) != 0;
	out->has_wiki = db_col_int(st, 14) != 0;
	out->created_at = db_col_int(st, 15);
	out->updated_at = db_col_int(st, 16);
}

int hub_repo_get(db_conn *c, arena *a, int64_t id, hub_repo *out)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT " REPO_COLUMNS " WHERE r.id = $1", db_int(id));
	if (rc == 0)
		rc = db_step_one(st, "There is no such repository.");
	if (rc == 0)
		read_row(st, a, out);
	db_done(st);
	return rc;
}

/* The id of ws's repository whose current slug or {uuid} is slug_or_uuid, else of the one an
 * old slug redirects to; *redirected says which. */
static int find_id(db_conn *c, int64_t workspace_id, const char *slug_or_uuid, int64_t *id,
                   bool *redirected)
{
	db_stmt *st;
	int rc = db_query(&st, c,
	                  "SELECT id, 0 FROM repositories WHERE workspace_id = $1"
	                  " AND (slug = lower($2) OR '{' || uuid || '}' = lower($2))"
	                  " UNION ALL SELECT repository_id, 1 FROM repository_redirects"
	                  " WHERE workspace_id = $1 AND slug = lower($2) ORDER BY 2 LIMIT 1",
	                  db_int(workspace_id), db_text(slug_or_uuid));
	if (rc == 0)
		rc = db_step_one(st, "There is no repository %s.", slug_or_uuid);
	if (rc == 0) {
		*id = db_col_int(st, 0);
		*redirected = db_col_int(st, 1) != 0;
	}
	db_done(st);
	return rc;
}

int hub_repo_find(db_conn *c, arena *a, const hub_workspace *ws, const char *slug_or_uuid,
                  hub_repo *out, const char **redirected_from)
{
	int64_t id = 0;
	bool redirected = false;
	if (redirected_from)
		*redirected_from = NULL;
	int rc = find_id(c, ws->id, slug_or_uuid, &id, &redirected);
	if (rc == 0)
		rc = hub_repo_get(c, a, id, out);
	if (rc == 0 && redirected && redirected_from)
		*redirected_from = arena_strdup(a, slug_or_uuid);
	return rc;
}

const char *hub_repo_git_dir(arena *a, const char *repos_dir, const hub_repo *r)
{
	return arena_printf(a, "%s/%s/%s.git", repos_dir, r->workspace_uuid, r->uuid);
}

/* The bytes of the regular files under the directory fd (closed here), at most depth levels
 * down (a bare repository is shallow: objects/xx/…). Symbolic links are not followed. */
static int64_t tree_size(int fd, int depth)
{
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return 0;
	}
	int64_t total = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISREG(st.st_mode))
			total += (int64_t)st.st_size;
		else if (S_ISDIR(st.st_mode) && depth > 0) {
			int sub = openat(dirfd(dir), e->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				total += tree_size(sub, depth - 1);
		}
	}
	closedir(dir);
	return total;
}

int64_t hub_repo_disk_size(arena *a, const char *repos_dir, const hub_repo *r)
{
	int fd = open(hub_repo_git_dir(a, repos_dir, r), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? 0 : tree_size(fd, 8);
}

/* ---- rules ---- */

/* The ASCII spelling of a Latin letter U+00C0 … U+017F (Latin-1 Supplement and Latin
 * Extended-A), "" for one without, NULL for a non-letter (×, ÷) that separates words. */
static const char *fold_latin(unsigned cp)
{
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
		"d", "n", "o", "o", "o", "o", "o",  NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
		"d", "n", "o", "o", "o", "o", "o",  NULL, "o", "u", "u", "u", "u", "y", "th", "y",
	};
	/* Latin Extended-A by ranges of code points: the first one of each run and its letter. */
	static const struct {
		unsigned first;
		const char *ascii;
	} ext[] = {
		{ 0x100, "a" }, { 0x106, "c" }, { 0x10E, "d" },  { 0x112, "e" },  { 0x11C, "g" },
		{ 0x124, "h" }, { 0x128, "i" }, { 0x132, "ij" }, { 0x134, "j" },  { 0x136, "k" },
		{ 0x139, "l" }, { 0x143, "n" }, { 0x14C, "o" },  { 0x152, "oe" }, { 0x154, "r" },
		{ 0x15A, "s" }, { 0x162, "t" }, { 0x168, "u" },  { 0x174, "w" },  { 0x176, "y" },
		{ 0x179, "z" }, { 0x17F, "s" }, { 0x180, "" },
	};
	if (cp >= 0xC0 && cp < 0x100)
		return latin1[cp - 0xC0];
	const char *ascii = "";
	for (size_t i = 0; i < sizeof ext / sizeof ext[0] && cp >= ext[i].first; i++)
		ascii = ext[i].ascii;
	return ascii;
}

/* Decodes the UTF-8 sequence at *p (already checked valid), advancing past it. */
static unsigned next_code_point(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp;
	size_t len;
	if (s[0] < 0x80) {
		cp = s[0];
		len = 1;
	} else if (s[0] < 0xE0) {
		cp = s[0] & 0x1F;
		len = 2;
	} else if (s[0] < 0xF0) {
		cp = s[0] & 0x0F;
		len = 3;
	} else {
		cp = s[0] & 0x07;
		len = 4;
	}
	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3F);
	*p = s + len;
	return cp;
}

static bool slug_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.';
}

/* Appends ascii to the slug being built, a dash pending before it when a separator came. */
static void slug_put(buf *b, const char *ascii, bool *dash)
{
	if (*dash && b->len > 0)
		buf_putc(b, '-');
	*dash = false;
	buf_puts(b, ascii);
}

static int check_name(const char *name)
{
	return str_check_name("Name", name, REPO_NAME_MAX);
}

int hub_repo_slugify(char out[REPO_SLUG_MAX + 1], const char *name)
{
	int rc = check_name(name);
	if (rc < 0)
		return rc;
	buf b = BUF_INIT;
	bool dash = false;
	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		unsigned cp = next_code_point(&p);
		char ascii[2] = { (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp), '\0' };
		const char *folded =
		        cp < 0x80 ? (slug_char(ascii[0]) ? ascii : NULL) : fold_latin(cp);
		if (!folded)
			dash = true;
		else if (*folded)
			slug_put(&b, folded, &dash);
	}
	size_t len = b.len < REPO_SLUG_MAX ? b.len : REPO_SLUG_MAX;
	while (len > 0 && b.ptr[len - 1] == '-')
		len--;
	bool dots = len > 0 && len <= 2 && strspn(b.ptr, ".") >= len; /* "." and ".." are paths */
	if (len == 0 || dots)
		rc = err_fail(WEFT_EINVALID, "Name: use at least one letter or digit.");
	else
		snprintf(out, REPO_SLUG_MAX + 1, "%.*s", (int)len, b.ptr);
	buf_dispose(&b);
	return rc;
}

int hub_repo_check_slug(const char *slug)
{
	size_t n = strlen(slug), dashes = 0;
	bool ok = n > 0 && n <= REPO_SLUG_MAX && strcmp(slug, ".") != 0 && strcmp(slug, "..") != 0;
	for (size_t i = 0; ok && i < n; i++) {
		ok = slug_char(slug[i]) || slug[i] == '-';
		dashes += slug[i] == '-';
	}
	/* Dashes neither doubled nor trailing, unless the slug is nothing but dashes. */
	if (ok && dashes != n && (strstr(slug, "--") || slug[n - 1] == '-'))
		ok = false;
	if (!ok)
		return err_fail(
		        WEFT_EINVALID,
		        "Invalid slug. Slugs must be lowercase, alphanumerical, and may also "
		        "contain underscores, dashes, or dots.");
	return 0;
}

int hub_repo_check_reserved(const char *slug)
{
	/* The workspace's own pages, and the suffix the Git routes strip. */
	static const char *const reserved[] = { "settings", "projects",    "repositories",
		                                "members",  "groups",      "snippets",
		                                "create",   "permissions", NULL };
	for (const char *const *r = reserved; *r; r++)
		if (strcmp(slug, *r) == 0)
			return err_fail(WEFT_EINVALID,
			                "Name: \"%s\" is reserved for the workspace's own pages; "
			                "choose another name.",
			                slug);
	if (str_ends_with(slug, ".git"))
		return err_fail(WEFT_EINVALID, "Name: a repository's URL may not end in .git.");
	return 0;
}

int hub_repo_check_branch(const char *name)
{
	char ref[300];
	int valid = 0;
	if (strlen(name) > 255 || name[0] == '\0')
		return err_fail(WEFT_EINVALID, "Main branch: 1 to 255 characters.");
	snprintf(ref, sizeof ref, "refs/heads/%s", name);
	gitlib_ready();
	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid)
		return err_fail(WEFT_EINVALID, "Main branch: %s is not a valid branch name.", name);
	return 0;
}

static int check_fork_policy(const char *policy)
{
	if (strcmp(policy, "allow_forks") != 0 && strcmp(policy, "no_public_forks") != 0 &&
	    strcmp(policy, "no_forks") != 0)
		return err_fail(WEFT_EINVALID,
		                "fork_policy must be allow_forks, no_public_forks or no_forks.");
	return 0;
}

static int check_description(const char *d)
{
	size_t n = strlen(d);
	if (!str_is_utf8(d, n) || n > REPO_DESCRIPTION_MAX)
		return err_fail(WEFT_EINVALID, "Description: at most %d bytes of text.",
		                REPO_DESCRIPTION_MAX);
	return 0;
}

static int check_language(const char *language)
{
	if (strlen(language) > 64)
		return err_fail(WEFT_EINVALID, "language: at most 64 characters.");
	return 0;
}

/* ---- creating ---- */

/* A unique violation on the slug as the form says it. */
static int slug_clash(int rc)
{
	if (rc == WEFT_EEXISTS && strcmp(db_conflict(), "repositories_slug_key") == 0)
		return err_fail(WEFT_EEXISTS, "Name: a repository with this URL already exists.");
	return rc;
}

/* The fields a new repository and a change may leave out (NULL), each checked when given. */
static int check_optional(const char *description, const char *mainbranch, const char *fork_policy,
                          const char *language)
{
	int rc = description ? check_description(description) : 0;
	if (rc == 0 && mainbranch)
		rc = hub_repo_check_branch(mainbranch);
	if (rc == 0 && fork_policy)
		rc = check_fork_policy(fork_policy);
	if (rc == 0 && language)
		rc = check_language(language);
	return rc;
}

static int check_new(const hub_repo_new *n, char slug[REPO_SLUG_MAX + 1])
{
	int rc = n->slug ? hub_repo_check_slug(n->slug) : hub_repo_slugify(slug, n->name);
	if (rc == 0 && n->slug)
		snprintf(slug, REPO_SLUG_MAX + 1, "%s", n->slug);
	if (rc == 0)
		rc = check_name(n->name);
	if (rc == 0)
		rc = hub_repo_check_reserved(slug);
	return rc < 0 ? rc
	              : check_optional(n->description, n->mainbranch, n->fork_policy, n->language);
}

static int resolve_project(db_conn *c, arena *a, int64_t actor_id, const hub_workspace *ws,
                           const hub_repo_new *n, int64_t *project_id)
{
	hub_project p;
	int rc;
	if (n->project_id) {
		rc = hub_project_get(c, a, n->project_id, &p);
		if (rc == 0 && p.workspace_id != ws->id)
			rc = WEFT_ENOTFOUND;
		if (rc == WEFT_ENOTFOUND)
			rc = err_fail(WEFT_ENOTFOUND, "Project: there is no such project in %s.",
			              ws->slug);
	} else if (n->project_ref) {
		rc = hub_project_find(c, a, ws->id, n->project_ref, &p);
	} else {
		rc = hub_project_oldest_or_default(c, a, actor_id, ws, &p);
	}
	if (rc == 0)
		*project_id = p.id;
	return rc;
}

/* Grants ws's "add new repositories automatically" groups their permission on repository_id. */
static int grant_auto_add(db_conn *c, int64_t repository_id, int64_t workspace_id)
{
	int rc = db_exec(c,
	                 "INSERT INTO repository_group_permissions (repository_id, group_id,"
	                 " permission) SELECT $1, id, permission FROM groups"
	                 " WHERE workspace_id = $2 AND auto_add <> 0",
	                 db_int(repository_id), db_int(workspace_id));
	return rc < 0 ? rc : 0;
}

/* A slug that a repository takes no longer redirects to another one. */
static int drop_redirect(db_conn *c, int64_t workspace_id, const char *slug)
{
	int rc =
	        db_exec(c, "DELETE FROM repository_redirects WHERE workspace_id = $1 AND slug = $2",
	                db_int(workspace_id), db_text(slug));
	return rc < 0 ? rc : 0;
}

static int insert_row(db_conn *c, const hub_workspace *ws, const hub_repo_new *n, const char *slug,
                      int64_t project_id, int64_t *id)
{
	char uuid[TOKEN_UUID_LEN];
	token_uuid(uuid);
	db_stmt *st;
	int rc = db_query(
	        &st, c,
	        "INSERT INTO repositories (uuid, workspace_id, slug, name, description, is_private,"
	        " created_at, updated_at, project_id, mainbranch, fork_policy, language, "
	        "has_issues,"
	        " has_wiki, storage_workspace_uuid)"
	        " VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14)"
	        " RETURNING id",
	        db_text(uuid), db_int(ws->id), db_text(slug), db_text(n->name),
	        db_text(n->description ? n->description : ""), db_int(n->is_private),
	        db_int(clock_now_ms()), db_int(project_id),
	        db_text(n->mainbranch ? n->mainbranch : "main"),
	        db_text(n->fork_policy ? n->fork_policy : "allow_forks"),
	        db_text(n->language ? n->language : ""), db_int(n->has_issues), db_int(n->has_wiki),
	        db_text(ws->uuid));
	if (rc == 0)
		rc = db_step_one(st, "The repository was not created.");
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return slug_clash(rc);
}

/* The README of a new repository: its name as the title, and its description. */
static int write_readme(const char *path, const hub_user *author, const hub_repo *r)
{
	git_repository *repo = NULL;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid blob, tree_id, commit;
	buf text = BUF_INIT;
	buf_printf(&text, "# %s\n\n%s%s", r->name, r->description, r->description[0] ? "\n" : "");
	const char *email = author->email && author->email[0] ? author->email : "noreply@weft";
	char ref[300];
	snprintf(ref, sizeof ref, "refs/heads/%s", r->mainbranch);
	int rc = -1;
	gitlib_ready();
	if (git_repository_open_bare(&repo, path) < 0 ||
	    git_blob_create_from_buffer(&blob, repo, text.ptr, text.len) < 0 ||
	    git_treebuilder_new(&tb, repo, NULL) < 0 ||
	    git_treebuilder_insert(NULL, tb, "README.md", &blob, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0 ||
	    git_signature_now(&sig, author->display_name, email) < 0 ||
	    git_commit_create(&commit, repo, ref, sig, sig, NULL, "Initial commit\n", tree, 0,
	                      NULL) < 0) {
		const git_error *e = git_error_last();
		rc = err_fail(WEFT_ERROR, "cannot write the README: %s",
		              e && e->message ? e->message : "libgit2 failed");
		goto done;
	}
	rc = 0;
done:
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_repository_free(repo);
	buf_dispose(&text);
	return rc;
}

/* The bare repository of r, made last in the transaction so that its failure rolls back. */
static int make_folder(arena *a, const hub_repo_dirs *dirs, const hub_user *creator,
                       const hub_repo *r, bool with_readme, const char **made_path)
{
	const char *path = hub_repo_git_dir(a, dirs->repos_dir, r);
	int rc = hub_repo_storage_init(path, r->mainbranch, dirs->weft_path);
	if (rc < 0)
		return rc;
	*made_path = path;
	return with_readme ? write_readme(path, creator, r) : 0;
}

int hub_repo_create_in(db_conn *c, arena *a, const hub_repo_dirs *dirs, const hub_user *creator,
                       const hub_workspace *ws, const hub_repo_new *n, hub_repo *out,
                       const char **made_path)
{
	char slug[REPO_SLUG_MAX + 1];
	int64_t project_id = 0, id = 0;
	int rc = check_new(n, slug);
	if (rc == 0 && n->is_private)
		rc = hub_plan_check_private_repo_limit(c, ws->id);
	if (rc == 0)
		rc = resolve_project(c, a, creator->id, ws, n, &project_id);
	if (rc == 0)
		rc = drop_redirect(c, ws->id, slug);
	if (rc == 0)
		rc = insert_row(c, ws, n, slug, project_id, &id);
	if (rc == 0)
		rc = grant_auto_add(c, id, ws->id);
	if (rc == 0)
		rc = hub_activity_record_repository(
		        c, creator->id, ws->id, id,
		        arena_printf(a, "created the repository %s/%s", ws->slug, slug));
	if (rc == 0)
		rc = hub_repo_get(c, a, id, out);
	if (rc == 0)
		rc = make_folder(a, dirs, creator, out, n->with_readme, made_path);
	return rc;
}

typedef struct create_ctx {
	arena *a;
	const hub_repo_dirs *dirs;
	const hub_user *creator;
	const hub_workspace *ws;
	const hub_repo_new *n;
	hub_repo *out;
	const char *made_path; /* the folder an attempt made, removed if that attempt is undone */
} create_ctx;

static void remove_made(create_ctx *cc)
{
	if (cc->made_path)
		hub_repo_storage_remove_tree(cc->made_path);
	cc->made_path = NULL;
}

static int create_tx(db_conn *c, void *p)
{
	create_ctx *cc = p;
	remove_made(cc); /* a retried transaction starts again from nothing */
	return hub_repo_create_in(c, cc->a, cc->dirs, cc->creator, cc->ws, cc->n, cc->out,
	                          &cc->made_path);
}

int hub_repo_create(db *d, arena *a, const hub_repo_dirs *dirs, const hub_user *creator,
                    const hub_workspace *ws, const hub_repo_new *n, hub_repo *out)
{
	create_ctx cc = { a, dirs, creator, ws, n, out, NULL };
	int rc = db_tx(d, create_tx, &cc);
	if (rc < 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", err_msg());
		remove_made(&cc);
		err_set("%s", msg);
	}
	return rc;
}

/* ---- changing ---- */

/* r's current address (its workspace and slug) leads to it from now on. */
static int add_redirect(db_conn *c, const hub_repo *r, int64_t now)
{
	return db_exec(c,
	               "INSERT INTO repository_redirects (workspace_id, slug, repository_id,"
	               " created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, slug)"
	               " DO UPDATE SET repository_id = excluded.repository_id,"
	               " created_at = excluded.created_at",
	               db_int(r->workspace_id), db_text(r->slug), db_int(r->id), db_int(now));
}

/* Makes the slug of a renamed repository its address, the old one redirecting. */
static int change_slug(db_conn *c, const hub_repo *r, const char *slug)
{
	int64_t now = clock_now_ms();
	int rc = drop_redirect(c, r->workspace_id, slug);
	if (rc == 0)
		rc = db_exec(c, "UPDATE repositories SET slug = $2, updated_at = $3 WHERE id = $1",
		             db_int(r->id), db_text(slug), db_int(now));
	rc = slug_clash(rc);
	if (rc >= 0)
		rc = add_redirect(c, r, now);
	return rc < 0 ? rc : 0;
}

/* A main branch must exist once the repository has commits; HEAD follows it (so that clones
 * check it out). */
static int set_mainbranch(const char *repos_dir, arena *a, const hub_repo *r, const char *name)
{
	git_repository *repo = NULL;
	git_reference *branch = NULL;
	char ref[300];
	snprintf(ref, sizeof ref, "refs/heads/%s", name);
	const char *path = hub_repo_git_dir(a, repos_dir, r);
	int rc = hub_repo_check_branch(name);
	if (rc < 0)
		return rc;
	if (git_repository_open_bare(&repo, path) < 0) {
		rc = err_fail(WEFT_ERROR, "cannot open the repository");
		goto done;
	}
	bool empty = hub_git_is_empty(repo);
	if (!empty && git_branch_lookup(&branch, repo, name, GIT_BRANCH_LOCAL) < 0) {
		rc = err_fail(WEFT_EINVALID, "Main branch: there is no branch %s.", name);
		goto done;
	}
	if (git_repository_set_head(repo, ref) < 0) {
		rc = err_fail(WEFT_ERROR, "cannot point HEAD at %s", name);
		goto done;
	}
	rc = 0;
done:
	git_reference_free(branch);
	git_repository_free(repo);
	return rc;
}

static int check_change(const hub_repo_change *ch)
{
	int rc = ch->name ? check_name(ch->name) : 0;
	return rc < 0 ? rc
	              : check_optional(ch->description, ch->mainbranch, ch->fork_policy,
	                               ch->language);
}

static int check_project(db_conn *c, arena *a, const hub_repo *r, int64_t project_id)
{
	hub_project p;
	int rc = hub_project_get(c, a, project_id, &p);
	if (rc == 0 && p.workspace_id != r->workspace_id)
		rc = WEFT_ENOTFOUND;
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "Project: there is no such project in %s.",
		              r->workspace_slug);
	return rc;
}

/* The columns a change sets, keeping what it leaves out. */
static int write_change(db_conn *c, const hub_repo *r, const hub_repo_change *ch)
{
	int rc = db_exec(c,
	                 "UPDATE repositories SET name = $2, description = $3, project_id = $4,"
	                 " is_private = $5, mainbranch = $6, fork_policy = $7, language = $8,"
	                 " has_issues = $9, has_wiki = $10, updated_at = $11 WHERE id = $1",
	                 db_int(r->id), db_text(ch->name ? ch->name : r->name),
	                 db_text(ch->description ? ch->description : r->description),
	                 r->project_id || ch->project_id
	                         ? db_int(ch->project_id ? ch->project_id : r->project_id)
	                         : db_null(),
	                 db_int(ch->is_private < 0 ? r->is_private : ch->is_private != 0),
	                 db_text(ch->mainbranch ? ch->mainbranch : r->mainbranch),
	                 db_text(ch->fork_policy ? ch->fork_policy : r->fork_policy),
	                 db_text(ch->language ? ch->language : r->language),
	                 db_int(ch->has_issues < 0 ? r->has_issues : ch->has_issues != 0),
	                 db_int(ch->has_wiki < 0 ? r->has_wiki : ch->has_wiki != 0),
	                 db_int(clock_now_ms()));
	return rc < 0 ? rc : 0;
}

int hub_repo_update(db_conn *c, arena *a, const char *repos_dir, int64_t actor_id,
                    const hub_repo *r, const hub_repo_change *ch, hub_repo *out)
{
	char slug[REPO_SLUG_MAX + 1] = "";
	int rc = check_change(ch);
	if (rc == 0 && ch->name)
		rc = hub_repo_slugify(slug, ch->name);
	bool renamed = rc == 0 && ch->name && strcmp(slug, r->slug) != 0;
	if (renamed)
		rc = hub_repo_check_reserved(slug);
	if (rc == 0 && ch->project_id)
		rc = check_project(c, a, r, ch->project_id);
	if (rc == 0 && ch->is_private > 0 && !r->is_private)
		rc = hub_plan_check_private_repo_limit(c, r->workspace_id);
	if (rc == 0 && renamed)
		rc = change_slug(c, r, slug);
	if (rc == 0)
		rc = write_change(c, r, ch);
	if (rc == 0 && ch->mainbranch && strcmp(ch->mainbranch, r->mainbranch) != 0)
		rc = set_mainbranch(repos_dir, a, r, ch->mainbranch);
	if (rc == 0 && renamed)
		rc = hub_activity_record_repository(
		        c, actor_id, r->workspace_id, r->id,
		        arena_printf(a, "renamed the repository %s/%s to %s", r->workspace_slug,
		                     r->slug, slug));
	return rc < 0 ? rc : hub_repo_get(c, a, r->id, out);
}

static int drop_grants(db_conn *c, int64_t repository_id)
{
	int rc = db_exec(c, "DELETE FROM repository_group_permissions WHERE repository_id = $1",
	                 db_int(repository_id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM repository_user_permissions WHERE repository_id = $1",
		             db_int(repository_id));
	return rc < 0 ? rc : 0;
}

static int move_row(db_conn *c, const hub_repo *r, const hub_workspace *target, int64_t project)
{
	int64_t now = clock_now_ms();
	int rc = drop_redirect(c, target->id, r->slug);
	if (rc == 0)
		rc = db_exec(c,
		             "UPDATE repositories SET workspace_id = $2, project_id = $3,"
		             " storage_workspace_uuid = $4, updated_at = $5 WHERE id = $1",
		             db_int(r->id), db_int(target->id), db_int(project),
		             db_text(r->workspace_uuid), db_int(now));
	if (rc == WEFT_EEXISTS)
		return err_fail(WEFT_EEXISTS, "%s already has a repository with this URL.",
		                target->slug);
	if (rc >= 0)
		rc = add_redirect(c, r, now);
	return rc < 0 ? rc : 0;
}

int hub_repo_transfer(db_conn *c, arena *a, int64_t actor_id, const hub_repo *r,
                      const hub_workspace *target, hub_repo *out)
{
	hub_project project;
	if (target->id == r->workspace_id)
		return err_fail(WEFT_EINVALID, "The repository is in %s already.", target->slug);
	int rc = r->is_private ? hub_plan_check_private_repo_limit(c, target->id) : 0;
	if (rc == 0)
		rc = hub_project_oldest_or_default(c, a, actor_id, target, &project);
	if (rc == 0)
		rc = move_row(c, r, target, project.id);
	if (rc == 0)
		rc = drop_grants(c, r->id);
	if (rc == 0)
		rc = grant_auto_add(c, r->id, target->id);
	if (rc == 0)
		rc = hub_activity_record_repository(
		        c, actor_id, target->id, r->id,
		        arena_printf(a, "transferred the repository %s/%s to %s", r->workspace_slug,
		                     r->slug, target->slug));
	return rc < 0 ? rc : hub_repo_get(c, a, r->id, out);
}

int hub_repo_delete(db_conn *c, int64_t actor_id, const hub_repo *r)
{
	int rc = drop_grants(c, r->id);
	if (rc == 0)
		rc = db_exec(c, "DELETE FROM repository_redirects WHERE repository_id = $1",
		             db_int(r->id));
	if (rc >= 0)
		rc = db_exec(c, "DELETE FROM repositories WHERE id = $1", db_int(r->id));
	if (rc >= 0) {
		char summary[200];
		snprintf(summary, sizeof summary, "deleted the repository %.80s/%.80s",
		         r->workspace_slug, r->slug);
		rc = hub_activity_record_repository(c, actor_id, r->workspace_id, r->id, summary);
	}
	return rc < 0 ? rc : 0;
}

int hub_repo_trash(arena *a, const hub_repo_dirs *dirs, const hub_repo *r)
{
	const char *trashed = NULL;
	return hub_repo_storage_trash(a, hub_repo_git_dir(a, dirs->repos_dir, r), dirs->trash_dir,
	                              &trashed);
}

/* ---- grants ---- */

int hub_repo_grants(db_conn *c, arena *a, int64_t repository_id, hub_repo_grant **out, size_t *n)
{
	db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = db_query(&st, c,
	                  "SELECT 1, g.id, g.slug, g.name, p.permission, lower(g.name)"
	                  " FROM repository_group_permissions p JOIN groups g ON g.id = p.group_id"
	                  " WHERE p.repository_id = $1"
	                  " UNION ALL SELECT 0, u.id, u.username, u.display_name, p.permission,"
	                  " lower(u.username) FROM repository_user_permissions p"
	                  " JOIN users u ON u.id = p.user_id WHERE p.repository_id = $1"
	                  " ORDER BY 1 DESC, 6",
	                  db_int(repository_id));
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		*out = array_room(a, *out, *n, &cap, sizeof **out);
		(*out)[(*n)++] = (hub_repo_grant){ db_col_int(st, 0) != 0, db_col_int(st, 1),
			                           arena_strdup(a, db_col_text(st, 2)),
			                           arena_strdup(a, db_col_text(st, 3)),
			                           hub_level_parse(db_col_text(st, 4)) };
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The id of the one row a statement found, or WEFT_ENOTFOUND naming what and key. */
static int found_id(int rc, db_stmt *st, const char *what, const char *key, int64_t *id)
{
	if (rc == 0)
		rc = db_step_one(st, "There is no %s %s.", what, key);
	if (rc == 0)
		*id = db_col_int(st, 0);
	db_done(st);
	return rc;
}

static int find_group_id(db_conn *c, int64_t workspace_id, const char *slug, int64_t *id)
{
	db_stmt *st;
	int rc = db_query(&st, c, "SELECT id FROM groups WHERE workspace_id = $1 AND slug = $2",
	                  db_int(workspace_id), db_text(slug));
	return found_id(rc, st, "group", slug, id);
}

static int find_user_id(db_conn *c, const char *username, int64_t *id)
{
	db_stmt *st;
	int rc = db_query(
	        &st, c, "SELECT id FROM users WHERE lower(username) = lower($1) AND is_active <> 0",
	        db_text(username));
	return found_id(rc, st, "user", username, id);
}

/* Sets or (level none) removes a row of a grant table. */
static int set_grant(db_conn *c, const char *table_sql_set, const char *table_sql_del,
                     int64_t repository_id, int64_t id, hub_level level)
{
	int rc = level == HUB_LEVEL_NONE
	                 ? db_exec(c, table_sql_del, db_int(repository_id), db_int(id))
	                 : db_exec(c, table_sql_set, db_int(repository_id), db_int(id),
	                           db_text(hub_level_name(level)));
	return rc < 0 ? rc : 0;
}

int hub_repo_grant_group(db_conn *c, const hub_repo *r, const char *group_slug, hub_level level)
{
	int64_t id = 0;
	int rc = find_group_id(c, r->workspace_id, group_slug, &id);
	if (rc == 0)
		rc = set_grant(c,
		               "INSERT INTO repository_group_permissions (repository_id, group_id,"
		               " permission) VALUES ($1, $2, $3) ON CONFLICT (repository_id,"
		               " group_id) DO UPDATE SET permission = excluded.permission",
		               "DELETE FROM repository_group_permissions WHERE repository_id = $1"
		               " AND group_id = $2",
		               r->id, id, level);
	return rc;
}

int hub_repo_grant_user(db_conn *c, const hub_repo *r, const char *username, hub_level level)
{
	int64_t id = 0;
	int rc = find_user_id(c, username, &id);
	if (rc == 0)
		rc = set_grant(
		        c,
		        "INSERT INTO repository_user_permissions (repository_id, user_id,"
		        " permission) VALUES ($1, $2, $3) ON CONFLICT (repository_id, user_id)"
		        " DO UPDATE SET permission = excluded.permission",
		        "DELETE FROM repository_user_permissions WHERE repository_id = $1"
		        " AND user_id = $2",
		        r->id, id, level);
	return rc;
}

/* ---- lists ---- */

int hub_repo_list(db_conn *c, arena *a, const hub_workspace *ws, hub_repo **out, size_t *n)
{
	db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = ws ? db_query(&st, c,
	                       "SELECT " REPO_COLUMNS " WHERE r.workspace_id = $1"
	                       " ORDER BY lower(r.name), r.id",
	                       db_int(ws->id))
	            : db_query(&st, c,
	                       "SELECT " REPO_COLUMNS " WHERE r.is_private = 0"
	                       " ORDER BY r.created_at, r.id",
	                       DB_END);
	while (rc == 0 && (rc = db_step(st)) == DB_ROW) {
		rc = 0;
		*out = array_room(a, *out, *n, &cap, sizeof **out);
		read_row(st, a, &(*out)[(*n)++]);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
