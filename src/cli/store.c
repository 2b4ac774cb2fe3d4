/* Opening, migrating and running a service's store. */
#include "cli/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "db/migrate.h"
#include "hub/maintenance.h"

static char *data_path(const config *cfg, const char *name)
{
	char *path = NULL;
	return asprintf(&path, "%s/%s", cfg->data_dir, name) < 0 ? NULL : path;
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
	h->db_url = url;
	h->repos_dir = data_path(cfg, "repos");
	h->trash_dir = data_path(cfg, "trash");
	h->weft_path = program_path();
	if (!h->repos_dir || !h->trash_dir || !h->weft_path)
		return err_fail(WEFT_ERROR,
		                "hub: cannot find this program's path or the data folders");
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
		return 0;
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
}
