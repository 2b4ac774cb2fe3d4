/* git upload-pack's v0 ref advertisement, in process. What git 2.39 (upload-pack.c, send_ref and
 * upload_pack) writes, and this file with it:
 *   HEAD, when it resolves, then every ref under refs/ in byte order, each as "<hash> <name>\n"
 *   and, when it names an annotated tag, a second line "<peeled hash> <name>^{}\n"; the first
 *   line carries "\0<capabilities>"; then a flush.
 *   A repository without any ref gets a bare flush from git 2.39, and from git 2.41 on a line
 *   "<zero hash> capabilities^{}\0<capabilities>\n" first: that answer is learnt verbatim.
 *   The capabilities are fixed ones, then " symref=HEAD:<branch>" when HEAD is a symbolic
 *   reference that resolves, then " object-format=… agent=…", some of them depending on
 *   configuration.
 * A ref whose object is missing, or a symbolic one that names no ref, leaves the answer to git
 * (which has sent them, or not, depending on its version). The capability string is learnt from
 * the installed git once: a bare repository with one commit on its branch "weft-caps" is
 * advertised by git, the symref token splits git's string in two, and this file's own
 * advertisement of that repository must then equal git's byte for byte, or the learning counts
 * as failed and git answers every request as before; git's answer for an empty repository (which
 * names nothing of the repository) is kept as it is. */
#include "hub/git/advertise.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/array.h"
#include "base/err.h"
#include "base/gitlib.h"
#include "base/log.h"
#include "base/mem.h"
#include "hub/git/gitrepo.h"
#include "hub/repo/repo_storage.h"

enum {
	PKT_MAX = 65520, /* git's LARGE_PACKET_MAX: a longer line is git's to refuse */
	LEARN_OUTPUT_MAX = 64 * 1024,
};

#define LEARN_BRANCH "weft-caps"
#define LEARN_SYMREF " symref=HEAD:refs/heads/" LEARN_BRANCH

typedef enum { CAPS_UNKNOWN, CAPS_KNOWN, CAPS_GIT } caps_state;

static struct {
	pthread_mutex_t lock;
	caps_state state;
	char *before; /* git's capabilities up to where " symref=…" goes */
	char *after; /* and from there on (" object-format=sha1 agent=git/2.39.5") */
	buf empty; /* git's whole answer for a repository without refs */
} caps = { .lock = PTHREAD_MUTEX_INITIALIZER };

typedef struct adv_ref {
	const char *name;
	git_oid oid;
} adv_ref;

/* ---- writing ---- */

static int pkt_line(buf *out, const char *line, size_t len)
{
	if (len + 4 > PKT_MAX)
		return WEFT_ENOTFOUND;
	char head[5];
	snprintf(head, sizeof head, "%04x", (unsigned)(len + 4));
	buf_append(out, head, 4);
	buf_append(out, line, len);
	return 0;
}

/* "<hash> <name>[suffix]\n", with "\0<capabilities>" before the newline on the first line. */
static int ref_line(buf *out, arena *a, const git_oid *oid, const char *name, const char *suffix,
                    const char *symref, bool *first)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, oid);
	if (!*first) {
		const char *line = arena_printf(a, "%s %s%s\n", hex, name, suffix);
		return pkt_line(out, line, strlen(line));
	}
	*first = false;
	const char *head = arena_printf(a, "%s %s%s", hex, name, suffix);
	const char *tail = arena_printf(a, "%s%s%s%s\n", caps.before, symref ? " symref=HEAD:" : "",
	                                symref ? symref : "", caps.after);
	size_t hl = strlen(head), tl = strlen(tail);
	char *line = arena_alloc(a, hl + 1 + tl);
	memcpy(line, head, hl);
	line[hl] = '\0';
	memcpy(line + hl + 1, tail, tl);
	return pkt_line(out, line, hl + 1 + tl);
}

/* The ref's line and, for an annotated tag, the line of what it peels to. */
static int send_ref(buf *out, arena *a, git_repository *repo, git_odb *odb, const adv_ref *r,
                    const char *symref, bool *first)
{
	int rc = ref_line(out, a, &r->oid, r->name, "", symref, first);
	size_t size = 0;
	git_object_t type = GIT_OBJECT_INVALID;
	if (rc < 0)
		return rc;
	if (git_odb_read_header(&size, &type, odb, &r->oid) < 0) {
		git_error_clear();
		return WEFT_ENOTFOUND; /* a missing object */
	}
	if (type != GIT_OBJECT_TAG)
		return 0;
	git_tag *tag = NULL;
	git_object *peeled = NULL;
	if (git_tag_lookup(&tag, repo, &r->oid) < 0 || git_tag_peel(&peeled, tag) < 0) {
		rc = WEFT_ENOTFOUND; /* a broken tag: git says what it makes of it */
		goto done;
	}
	rc = ref_line(out, a, git_object_id(peeled), r->name, "^{}", NULL, first);
done:
	git_object_free(peeled);
	git_tag_free(tag);
	return rc;
}

/* HEAD when it resolves, and the branch it names when it is symbolic. */
static int read_head(git_repository *repo, arena *a, adv_ref *head, const char **symref)
{
	git_reference *ref = NULL, *resolved = NULL;
	head->name = NULL;
	*symref = NULL;
	int rc = 0;
	if (git_reference_lookup(&ref, repo, "HEAD") < 0) {
		rc = WEFT_ENOTFOUND;
		goto done;
	}
	if (git_reference_resolve(&resolved, ref) < 0)
		goto done; /* unborn: no HEAD line */
	head->name = "HEAD";
	head->oid = *git_reference_target(resolved);
	if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC)
		*symref = arena_strdup(a, git_reference_name(resolved));
done:
	git_error_clear();
	git_reference_free(resolved);
	git_reference_free(ref);
	return rc;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const adv_ref *)x)->name, ((const adv_ref *)y)->name);
}

/* Adds ref to refs. A name git would refuse (it skips such refs with a warning) or a symbolic ref
 * that does not resolve leaves the whole answer to git. */
static int collect_one(git_reference *ref, arena *a, array *refs)
{
	const char *name = git_reference_name(ref);
	int valid = 0;
	if (git_reference_name_is_valid(&valid, name) < 0 || !valid)
		return WEFT_ENOTFOUND;
	git_reference *resolved = NULL;
	if (git_reference_resolve(&resolved, ref) < 0) {
		git_error_clear();
		return WEFT_ENOTFOUND;
	}
	adv_ref *r = ARRAY_PUSH(a, refs, adv_ref);
	r->name = arena_strdup(a, name);
	r->oid = *git_reference_target(resolved);
	git_reference_free(resolved);
	return 0;
}

/* Every ref under refs/, sorted by name. */
static int collect_refs(git_repository *repo, arena *a, array *refs)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc = 0, e = 0;
	if (git_reference_iterator_new(&it, repo) < 0)
		return hub_git_fail(WEFT_ERROR, "listing references");
	while (rc == 0 && (e = git_reference_next(&ref, it)) == 0) {
		if (strncmp(git_reference_name(ref), "refs/", 5) == 0)
			rc = collect_one(ref, a, refs);
		git_reference_free(ref);
	}
	if (rc == 0 && e != GIT_ITEROVER)
		rc = hub_git_fail(WEFT_ERROR, "listing references");
	git_reference_iterator_free(it);
	if (rc == 0 && refs->n > 1)
		qsort(refs->items, refs->n, sizeof(adv_ref), by_name);
	return rc;
}

/* The advertisement of an open repository, with the learnt capabilities. */
static int write_advertisement(buf *out, arena *a, git_repository *repo)
{
	git_odb *odb = NULL;
	array refs = ARRAY_INIT;
	adv_ref head;
	const char *symref = NULL;
	bool first = true;
	int rc = git_repository_odb(&odb, repo) < 0 ? hub_git_fail(WEFT_ERROR, "opening objects")
	                                            : 0;
	if (rc == 0)
		rc = read_head(repo, a, &head, &symref);
	if (rc == 0)
		rc = collect_refs(repo, a, &refs);
	if (rc == 0 && head.name)
		rc = send_ref(out, a, repo, odb, &head, symref, &first);
	const adv_ref *r = refs.items;
	for (size_t i = 0; rc == 0 && i < refs.n; i++)
		rc = send_ref(out, a, repo, odb, &r[i], NULL, &first);
	if (rc == 0 && first)
		buf_append(out, caps.empty.ptr, caps.empty.len);
	else if (rc == 0)
		buf_append(out, "0000", 4);
	git_odb_free(odb);
	return rc;
}

/* ---- when git answers ---- */

/* Whether a configuration entry (libgit2 names it with its section in lower case) changes the
 * advertisement (hidden refs, extra capabilities, a session id, another object format) or is one
 * this file does not follow (includes): then git answers instead. */
static bool entry_changes_answer(const char *name)
{
	static const char *const sections[] = { "uploadpack.", "transfer.", "protocol.",
		                                "extensions.", "include.",  "includeif." };
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
		if (strncmp(name, sections[i], strlen(sections[i])) == 0)
			return true;
	return false;
}

/* Whether the configuration file at path sets something that changes the advertisement. Every
 * entry is looked at here rather than through libgit2's glob iterator, whose regular expression
 * (PCRE2) leaks its match data on every entry in the libgit2 of Debian 12. */
static bool config_changes_answer(const char *path)
{
	if (access(path, F_OK) != 0)
		return false;
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *entry = NULL;
	bool changes = true; /* unreadable: git knows what to make of it */
	if (git_config_open_ondisk(&cfg, path) == 0 && git_config_iterator_new(&it, cfg) == 0) {
		changes = false;
		while (!changes && git_config_next(&entry, it) == 0)
			changes = entry_changes_answer(entry->name);
	}
	git_error_clear();
	git_config_iterator_free(it);
	git_config_free(cfg);
	return changes;
}

static bool git_must_answer(arena *a, const char *dir)
{
	return access(arena_printf(a, "%s/shallow", dir), F_OK) == 0 ||
	       config_changes_answer(arena_printf(a, "%s/config", dir));
}

/* ---- learning git's capabilities ---- */

/* Runs `git upload-pack --stateless-rpc --advertise-refs dir` in env; its whole output in out. */
static int run_git(buf *out, const char *dir, char *const *env)
{
	int fds[2] = { -1, -1 }, rc = 0;
	pid_t pid = 0;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	char *argv[] = { "git",       "upload-pack", "--stateless-rpc", "--advertise-refs",
		         (char *)dir, NULL };
	if (pipe2(fds, O_CLOEXEC) < 0) {
		rc = err_fail(WEFT_ERROR, "pipe: %s", strerror(errno));
		goto done;
	}
	int e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (e == 0)
		e = posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	if (e == 0)
		e = posix_spawnp(&pid, "git", &fa, NULL, argv, env);
	if (e != 0) {
		pid = 0;
		rc = err_fail(WEFT_ERROR, "cannot run git upload-pack: %s", strerror(e));
		goto done;
	}
	close(fds[1]);
	fds[1] = -1;
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out->len + (size_t)n > LEARN_OUTPUT_MAX) {
			rc = err_fail(WEFT_ERROR, "reading git upload-pack's advertisement failed");
			break;
		}
		buf_append(out, chunk, (size_t)n);
	}
done:
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	int status = 0;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			rc = err_fail(WEFT_ERROR, "git upload-pack --advertise-refs failed");
	}
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* A bare repository at dir whose HEAD names LEARN_BRANCH, with one commit (an empty tree) on it
 * unless empty. */
static int make_learning_repository(const char *dir, bool empty)
{
	git_repository_init_options opts;
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = LEARN_BRANCH;
	git_repository *repo = NULL;
	git_treebuilder *tb = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	int rc = 0;
	if (git_repository_init_ext(&repo, dir, &opts) < 0)
		rc = hub_git_fail(WEFT_ERROR, "making a repository to learn git's capabilities");
	if (rc < 0 || empty)
		goto done;
	if (git_treebuilder_new(&tb, repo, NULL) < 0 || git_treebuilder_write(&tree_id, tb) < 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) < 0 ||
	    git_signature_new(&sig, "weft", "weft@localhost", 0, 0) < 0 ||
	    git_commit_create(&commit_id, repo, "HEAD", sig, sig, NULL, "capabilities\n", tree, 0,
	                      NULL) < 0)
		rc = hub_git_fail(WEFT_ERROR, "making a repository to learn git's capabilities");
done:
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_repository_free(repo);
	return rc;
}

/* Splits the capabilities of git's advertisement of the learning repository around its symref
 * token into caps.before and caps.after. */
static int split_capabilities(const buf *adv)
{
	const char *nul = adv->len > 4 ? memchr(adv->ptr, '\0', adv->len) : NULL;
	const char *end =
	        nul ? memchr(nul + 1, '\n', adv->len - (size_t)(nul + 1 - adv->ptr)) : NULL;
	if (!end)
		return err_fail(WEFT_ERROR, "git's advertisement has no capabilities");
	char *line = mem_strndup(nul + 1, (size_t)(end - nul - 1));
	char *at = strstr(line, LEARN_SYMREF);
	int rc = 0;
	if (!at || strstr(at + 1, LEARN_SYMREF) || strstr(line, "session-id=")) {
		rc = err_fail(WEFT_ERROR, "git's capabilities are not the expected shape: %.200s",
		              line);
		goto done;
	}
	caps.after = mem_strdup(at + strlen(LEARN_SYMREF));
	*at = '\0';
	caps.before = mem_strdup(line);
done:
	free(line);
	return rc;
}

/* git's answer for an empty repository, made in dir, into caps.empty: a flush, and before it at
 * most a line of capabilities. */
static int learn_empty(const char *dir, char *const *env)
{
	int rc = make_learning_repository(dir, true);
	if (rc == 0)
		rc = run_git(&caps.empty, dir, env);
	if (rc == 0 && (caps.empty.len < 4 || strstr(buf_cstr(&caps.empty), "symref=") ||
	                memcmp(caps.empty.ptr + caps.empty.len - 4, "0000", 4) != 0))
		rc = err_fail(WEFT_ERROR, "git's answer for an empty repository is unexpected");
	return rc;
}

/* Learns the capabilities in temporary repositories under dir, then checks that this file
 * advertises the one with a commit exactly as git did. */
static int learn_in(const char *root, char *const *env, arena *a)
{
	buf git_bytes = BUF_INIT, own = BUF_INIT;
	git_repository *repo = NULL;
	const char *dir = arena_printf(a, "%s/one.git", root);
	int rc = learn_empty(arena_printf(a, "%s/empty.git", root), env);
	if (rc == 0)
		rc = make_learning_repository(dir, false);
	if (rc == 0)
		rc = run_git(&git_bytes, dir, env);
	if (rc == 0)
		rc = split_capabilities(&git_bytes);
	if (rc == 0 && git_repository_open_bare(&repo, dir) < 0)
		rc = hub_git_fail(WEFT_ERROR, "opening the learning repository");
	if (rc == 0)
		rc = write_advertisement(&own, a, repo);
	if (rc == 0 && (own.len != git_bytes.len || memcmp(own.ptr, git_bytes.ptr, own.len) != 0))
		rc = err_fail(WEFT_ERROR, "git advertises refs otherwise than weft does");
	git_repository_free(repo);
	buf_dispose(&git_bytes);
	buf_dispose(&own);
	return rc;
}

/* The value of NAME= in env, or NULL. */
static const char *env_value(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* CAPS_KNOWN or CAPS_GIT, learnt under caps.lock. */
static caps_state learn(char *const *env, arena *a)
{
	const char *home = env_value(env, "HOME");
	if (home && (config_changes_answer(arena_printf(a, "%s/.gitconfig", home)) ||
	             config_changes_answer(arena_printf(a, "%s/.config/git/config", home)))) {
		log_info(
		        "git: the configuration in %s changes the ref advertisement: git writes it",
		        home);
		return CAPS_GIT;
	}
	const char *tmp = getenv("TMPDIR");
	char *dir = arena_printf(a, "%s/weft-caps-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		log_warn("git: cannot create %s: %s; git writes every ref advertisement", dir,
		         strerror(errno));
		return CAPS_GIT;
	}
	int rc = learn_in(dir, env, a);
	hub_repo_storage_remove_tree(dir);
	if (rc == 0)
		return CAPS_KNOWN;
	log_warn("git: %s; git writes every ref advertisement", err_msg());
	free(caps.before);
	free(caps.after);
	caps.before = caps.after = NULL;
	buf_dispose(&caps.empty);
	return CAPS_GIT;
}

static bool caps_ready(char *const *env, arena *a)
{
	pthread_mutex_lock(&caps.lock);
	if (caps.state == CAPS_UNKNOWN) {
		gitlib_ready();
		caps.state = learn(env, a);
	}
	bool known = caps.state == CAPS_KNOWN;
	pthread_mutex_unlock(&caps.lock);
	return known;
}

void hub_git_advertise_reset(void)
{
	pthread_mutex_lock(&caps.lock);
	free(caps.before);
	free(caps.after);
	caps.before = caps.after = NULL;
	buf_dispose(&caps.empty);
	caps.state = CAPS_UNKNOWN;
	pthread_mutex_unlock(&caps.lock);
}

int hub_git_advertise(buf *out, arena *a, const char *dir, char *const *env)
{
	if (!caps_ready(env, a) || git_must_answer(a, dir))
		return WEFT_ENOTFOUND;
	git_repository *repo = NULL;
	size_t start = out->len;
	int rc = hub_git_open(&repo, dir);
	if (rc == 0)
		rc = write_advertisement(out, a, repo);
	hub_git_close(repo);
	if (rc == 0)
		return 0;
	/* Whatever went wrong, git reads the repository its own way and says what it finds. */
	if (rc != WEFT_ENOTFOUND)
		log_warn("git: advertising %s in process: %s; git answers", dir, err_msg());
	err_clear();
	buf_truncate(out, start);
	return WEFT_ENOTFOUND;
}
