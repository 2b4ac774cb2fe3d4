/* The bare repositories on disk, written with libgit2 and plain file operations. */
#include "hub/repo/repo_storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/gitlib.h"

const char *hub_repo_storage_path(arena *a, const char *repos_dir, const char *workspace_uuid,
                                  const char *repository_uuid)
{
	return arena_printf(a, "%s/%s/%s.git", repos_dir, workspace_uuid, repository_uuid);
}

static int git_failure(const char *doing)
{
	const git_error *e = git_error_last();
	return err_fail(WEFT_ERROR, "%s: %s", doing,
	                e && e->message ? e->message : "libgit2 failed");
}

/* The hook is a two-line script: the server tells the git process where weft is (WEFT_PROGRAM),
 * and the path baked in at creation is the fallback for pushes that come some other way. */
static void hook_script(buf *out, const char *weft_path)
{
	buf_puts(out, "#!/bin/sh\n"
	              "# Installed by weft: records each push in the hub database.\n"
	              "default='");
	for (const char *p = weft_path; *p; p++) {
		if (*p == '\'')
			buf_puts(out, "'\\''");
		else
			buf_append(out, p, 1);
	}
	buf_puts(out, "'\nexec \"${WEFT_PROGRAM:-$default}\" hook post-receive\n");
}

int hub_repo_storage_install_hook(const char *path, const char *weft_path)
{
	buf script = { 0 };
	hook_script(&script, weft_path);
	char *hook = NULL, *tmp = NULL;
	int rc = -1;
	if (asprintf(&hook, "%s/hooks/post-receive", path) < 0 ||
	    asprintf(&tmp, "%s/hooks/.post-receive.tmp", path) < 0) {
		rc = err_fail(WEFT_ERROR, "out of memory");
		goto done;
	}
	char *hooks_dir = strrchr(hook, '/');
	*hooks_dir = '\0';
	if (mkdir(hook, 0755) < 0 && errno != EEXIST) {
		rc = err_fail(WEFT_ERROR, "cannot create %s: %s", hook, strerror(errno));
		goto done;
	}
	*hooks_dir = '/';
	/* Written aside and renamed, so that a push never runs half a script. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0) {
		rc = err_fail(WEFT_ERROR, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	bool written = write(fd, script.ptr, script.len) == (ssize_t)script.len;
	if (close(fd) < 0 || !written || rename(tmp, hook) < 0) {
		rc = err_fail(WEFT_ERROR, "cannot install %s: %s", hook, strerror(errno));
		unlink(tmp);
		goto done;
	}
	rc = 0;
done:
	free(tmp);
	free(hook);
	buf_dispose(&script);
	return rc;
}

int hub_repo_storage_init(const char *path, const char *head_branch, const char *weft_path)
{
	struct stat sb;
	if (stat(path, &sb) == 0)
		return err_fail(WEFT_EEXISTS, "%s already exists", path);
	git_repository_init_options opt;
	git_repository_init_options_init(&opt, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opt.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
	            GIT_REPOSITORY_INIT_NO_REINIT;
	opt.mode = GIT_REPOSITORY_INIT_SHARED_UMASK;
	opt.initial_head = head_branch;
	git_repository *repo = NULL;
	gitlib_ready();
	if (git_repository_init_ext(&repo, path, &opt) < 0)
		return git_failure("cannot create the repository");
	git_repository_free(repo);
	int rc = hub_repo_storage_install_hook(path, weft_path);
	if (rc < 0)
		hub_repo_storage_remove_tree(path);
	return rc;
}

int hub_repo_storage_trash(arena *a, const char *path, const char *trash_dir, const char **trashed)
{
	*trashed = NULL;
	struct stat sb;
	if (stat(path, &sb) < 0)
		return errno == ENOENT ? 0 : err_fail(WEFT_ERROR, "%s: %s", path, strerror(errno));
	if (mkdir(trash_dir, 0700) < 0 && errno != EEXIST)
		return err_fail(WEFT_ERROR, "cannot create %s: %s", trash_dir, strerror(errno));
	const char *base = strrchr(path, '/');
	/* The time of deletion leads the name: the purge reads it back. */
	const char *to = arena_printf(a, "%s/%lld-%s", trash_dir, (long long)clock_now_ms(),
	                              base ? base + 1 : path);
	if (rename(path, to) < 0)
		return err_fail(WEFT_ERROR, "cannot move %s to the trash: %s", path,
		                strerror(errno));
	*trashed = to;
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	int rc = type == FTW_DP ? rmdir(path) : unlink(path);
	return rc < 0 && errno != ENOENT ? -1 : 0;
}

int hub_repo_storage_remove_tree(const char *path)
{
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return err_fail(WEFT_ERROR, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

int hub_repo_storage_purge(const char *trash_dir, int64_t older_than_ms, int *removed)
{
	*removed = 0;
	DIR *dir = opendir(trash_dir);
	if (!dir)
		return errno == ENOENT ? 0
		                       : err_fail(WEFT_ERROR, "%s: %s", trash_dir, strerror(errno));
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(dir))) {
		char *end;
		long long deleted_at = strtoll(e->d_name, &end, 10);
		if (end == e->d_name || *end != '-' || deleted_at >= older_than_ms)
			continue;
		char *path = NULL;
		if (asprintf(&path, "%s/%s", trash_dir, e->d_name) < 0)
			rc = err_fail(WEFT_ERROR, "out of memory");
		else if ((rc = hub_repo_storage_remove_tree(path)) == 0)
			(*removed)++;
		free(path);
	}
	closedir(dir);
	return rc;
}
