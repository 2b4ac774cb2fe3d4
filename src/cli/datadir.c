/* Checking and creating the data directory. */
#include "cli/datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"

/* Writability is tried, not asked: access(2) says yes to root on a read-only mount. */
static int probe_writable(const char *dir, const char *label)
{
	char probe[4096];
	snprintf(probe, sizeof probe, "%s/.weft-probe-%d", dir, (int)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_fail(WEFT_EINVALID, "%s %s is not writable: %s", label, dir,
		                strerror(errno));
	close(fd);
	unlink(probe);
	return 0;
}

int datadir_check(const char *path, bool *missing)
{
	struct stat st;
	if (strlen(path) > 3000)
		return err_fail(WEFT_EINVALID, "data directory path is too long");
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return err_fail(WEFT_EINVALID, "data directory %s is not a directory",
			                path);
		*missing = false;
		return probe_writable(path, "data directory");
	}
	if (errno != ENOENT)
		return err_fail(WEFT_EINVALID, "data directory %s: %s", path, strerror(errno));
	char *copy = mem_strdup(path);
	char *parent = dirname(copy);
	int rc = 0;
	if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
		rc = err_fail(WEFT_EINVALID,
		              "data directory %s cannot be created: %s is not a directory", path,
		              parent);
	else
		rc = probe_writable(parent, "the parent of the data directory,");
	free(copy);
	*missing = true;
	return rc;
}

int datadir_create(const char *path)
{
	if (mkdir(path, 0700) < 0)
		return err_fail(WEFT_ERROR, "data directory %s cannot be created: %s", path,
		                strerror(errno));
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void datadir_remove(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
