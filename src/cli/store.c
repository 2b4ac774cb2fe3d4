/* Opening, migrating and running a service's store. */
#include "cli/store.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "db/migrate.h"
#include "hub/hook/deliver.h"
#include "hub/maintenance.h"
#include "hub/git/push.h"
#include "hub/repo/repo_purge.h"
#include "track/account/maintenance.h"
#include "track/dvcs/dvcs.h"
#include "track/issue/attachment.h"
#include "track/issue/notify.h"
#include "track/dvcs/secret.h"

/* path, made absolute against the working directory: git runs the repositories' hook in the
 * repository's folder, where a relative path would lead nowhere. NULL when out of memory. */
static char *absolute_path(const char *path)
{
	char *out = NULL, *cwd = NULL;
	if (path[0] == '/')
		return strdup(path);
	cwd = getcwd(NULL, 0);
	if (cwd && asprintf(&out, "%s/%s", cwd, path) < 0)
		out = NULL;
	free(cwd);
	return out;
}

static char *data_path(const config *cfg, const char *name)
{
	char *path = NULL, *absolute = NULL;
	if (asprintf(&path, "%s/%s", cfg->data_dir, name) >= 0)
		absolute = absolute_path(path);
	free(path);
	return absolute;
}

/* The hub database's URL as the hook will use it: a SQLite path made absolute. */
static char *hook_db_url(const char *url)
{
	const char *prefix = "", *path = url;
	char *absolute = NULL, *out = NULL;
	if (str_starts_with(url, "postgres") || str_starts_with(url, "sqlite://"))
		return strdup(url);
	if (str_starts_with(url, "sqlite:")) {
		prefix = "sqlite:";
		path = url + strlen(prefix);
	}
	absolute = absolute_path(path);
	if (absolute && asprintf(&out, "%s%s", prefix, absolute) < 0)
		out = NULL;
	free(absolute);
	return out;
}

/* The program's own path, which git runs as the repositories' hook: /proc/self/exe resolved,
 * so that the hook still finds it when started from another directory. */
static char *program_path(void)
{
	return realpath("/proc/self/exe", NULL);
}

static void free_hub_app(hub_app *h)
{
	free((char *)h->repos_dir);
	free((char *)h->trash_dir);
	free((char *)h->weft_path);
	free((char *)h->db_url);
	memset(h, 0, sizeof *h);
}

static int fill_hub_app(hub_app *h, const config *cfg, db *d, char *url)
{
	h->d = d;
	h->db_url = hook_db_url(url);
	free(url);
	h->repos_dir = data_path(cfg, "repos");
	h->trash_dir = data_path(cfg, "trash");
	h->weft_path = program_path();
	if (!h->db_url || !h->repos_dir || !h->trash_dir || !h->weft_path)
		return err_fail(WEFT_ERROR,
		                "hub: cannot find this program's path or the data folders");
	return 0;
}

/* A serve setting, or its default for the commands that do not load serve's settings. */
static int setting_or(int64_t value, int dflt)
{
	return value > 0 ? (int)value : dflt;
}

static void free_track_app(track_app *t)
{
	free((char *)t->dvcs_dir);
	free((char *)t->attachments_dir);
	sodium_memzero(t->secret_key, sizeof t->secret_key);
	memset(t, 0, sizeof *t);
}

/* track's reach: its database, the work-log units, and the connector's mirrors and secret key. */
static int fill_track_app(track_app *t, const config *cfg, db *d)
{
	*t = (track_app){ .d = d,
		          .hours_per_day = setting_or(cfg->track_hours_per_day, 8),
		          .days_per_week = setting_or(cfg->track_days_per_week, 5),
		          .dvcs_sync_interval_ms =
		                  setting_or(cfg->dvcs_sync_interval_seconds, 3600) *
		                  (int64_t)1000 };
	t->dvcs_dir = data_path(cfg, "dvcs");
	t->attachments_dir = data_path(cfg, "attachments");
	t->attachment_max_size = cfg->attachment_max_size > 0 ? cfg->attachment_max_size
	                                                      : TRACK_ATTACHMENT_MAX_SIZE_DEFAULT;
	if (!t->dvcs_dir || !t->attachments_dir)
		return err_fail(WEFT_ERROR, "track: cannot find the data folders");
	/* Commands that open only a PostgreSQL database may run without a data directory; the
	 * connector then refuses to seal or open anything (has_secret_key false). */
	struct stat st;
	if (!*cfg->secret_key_file && stat(cfg->data_dir, &st) < 0)
		return 0;
	int rc = dvcs_secret_key_load(cfg->data_dir, cfg->secret_key_file, t->secret_key);
	if (rc < 0)
		return err_fail(rc, "track: %s", err_msg());
	t->has_secret_key = true;
	return 0;
}

int cli_store_open(cli_store *out, const config *cfg, const char *service, int pool)
{
	memset(out, 0, sizeof *out);
	out->service = service;
	char *url = config_db_url(cfg, service);
	int rc = db_open(&out->d, url, pool);
	if (rc < 0) {
		free(url);
		return err_fail(rc, "%s: %s", service, err_msg());
	}
	if (strcmp(service, "hub") != 0) {
		free(url);
		return fill_track_app(&out->track, cfg, out->d);
	}
	return fill_hub_app(&out->hub, cfg, out->d, url);
}

int cli_store_migrate(cli_store *s, int *applied)
{
	int count = 0;
	int rc = db_migrate_up(&count, s->d, s->service);
	if (applied)
		*applied = count;
	if (rc < 0)
		return err_fail(rc, "%s database %s: %s", s->service, db_describe(s->d), err_msg());
	/* The migrations read every table: pages that no request may need again. */
	db_release_memory(s->d);
	return 0;
}

int cli_store_start_jobs(cli_store *s, const config *cfg)
{
	job_queue_options opt = job_queue_defaults();
	opt.workers = (int)cfg->workers;
	opt.lease_ms = cfg->job_lease_seconds * 1000;
	opt.retention_ms = cfg->job_retention_days * 24 * 60 * 60 * 1000;
	int rc = job_queue_new(&s->jobs, s->d, s->service, &opt);
	if (rc < 0)
		return rc;
	mail_settings mail = { cfg->smtp_url, cfg->smtp_user, cfg->smtp_password, cfg->mail_from };
	s->mail = mail_register_jobs(s->jobs, s->d, &mail);
	if (strcmp(s->service, "hub") == 0 && (rc = hub_maintenance_start(s->jobs, s->d)) < 0)
		return rc;
	if (strcmp(s->service, "hub") == 0 && (rc = hub_push_reconcile_start(s->jobs, &s->hub)) < 0)
		return rc;
	if (strcmp(s->service, "hub") == 0 && (rc = hub_repo_purge_start(s->jobs, &s->hub)) < 0)
		return rc;
	if (strcmp(s->service, "hub") == 0 && (rc = hub_hook_jobs_start(s->jobs, s->d)) < 0)
		return rc;
	if (strcmp(s->service, "track") == 0 && (rc = track_maintenance_start(s->jobs, s->d)) < 0)
		return rc;
	if (strcmp(s->service, "track") == 0)
		track_notify_jobs_start(s->jobs, &s->track);
	if (strcmp(s->service, "track") == 0)
		track_attachment_jobs_start(s->jobs, &s->track);
	if (strcmp(s->service, "track") == 0 && (rc = dvcs_jobs_start(s->jobs, &s->track)) < 0)
		return rc;
	return job_queue_start(s->jobs);
}

void cli_store_close(cli_store *s, int timeout_seconds)
{
	job_queue_stop(s->jobs, timeout_seconds);
	s->jobs = NULL;
	mail_jobs_free(s->mail);
	s->mail = NULL;
	db_close(s->d);
	s->d = NULL;
	free_hub_app(&s->hub);
	free_track_app(&s->track);
}
