/* weft jobs list|retry|purge [hub|track]: looks into and tends each service's job queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/datadir.h"
#include "cli/store.h"
#include "db/jobs.h"

typedef struct jobs_args {
	const char *state; /* list --state */
	int64_t limit; /* list --limit */
	int64_t id; /* retry ID */
	int64_t older_days; /* purge --older-than DAYS */
} jobs_args;

static void print_help(void)
{
	printf("Usage: weft jobs list [hub|track] [--state pending|running|done|dead] [--limit N]\n"
	       "       weft jobs retry hub|track ID\n"
	       "       weft jobs purge [hub|track] [--older-than DAYS]\n\n"
	       "list:  the newest jobs with their state, attempts and last error.\n"
	       "retry: runs a dead job again, with fresh attempts.\n"
	       "purge: deletes finished jobs older than DAYS (default: --job-retention).\n\n"
	       "Options:\n");
	config_print_help(stdout, CONFIG_DB | CONFIG_WORK);
}

static void print_row(void *ctx, const job_row *row)
{
	const char *service = ctx;
	char created[CLOCK_ISO_LEN];
	clock_format_iso8601(created, row->created_at);
	printf("%s %lld %-8s %s attempts %d/%d created %s%s%s\n", service, (long long)row->id,
	       row->state, row->kind, row->attempts, row->max_attempts, created,
	       row->last_error ? " error: " : "", row->last_error ? row->last_error : "");
}

static int run_one(const char *action, cli_store *store, const jobs_args *a)
{
	if (strcmp(action, "list") == 0)
		return jobs_list(store->d, a->state, (int)a->limit, print_row,
		                 (void *)store->service);
	if (strcmp(action, "retry") == 0) {
		int rc = jobs_retry(store->d, a->id);
		if (rc == 0)
			printf("%s: job %lld will run again\n", store->service, (long long)a->id);
		return rc;
	}
	int64_t deleted;
	int rc = jobs_purge(store->d, a->older_days * 24 * 60 * 60 * 1000, &deleted);
	if (rc == 0)
		printf("%s: purged %lld finished jobs\n", store->service, (long long)deleted);
	return rc;
}

static int run_for(const config *cfg, const char *service, const char *action, const jobs_args *a)
{
	bool missing;
	if (datadir_check(cfg->data_dir, &missing) < 0)
		return cli_usage_error("jobs", err_msg());
	cli_store store;
	int rc = cli_store_open(&store, cfg, service, 2);
	if (rc == 0)
		rc = cli_store_migrate(&store, NULL);
	if (rc == 0)
		rc = run_one(action, &store, a);
	if (store.d)
		cli_store_close(&store, 0);
	return rc < 0 ? cli_usage_error("jobs", err_msg()) : CLI_OK;
}

/* The command's own flags, taken out of argv before the settings are read. */
static int take_flags(jobs_args *a, int *argc, char **argv)
{
	const char *limit = cli_take_flag(argc, argv, "--limit");
	const char *older = cli_take_flag(argc, argv, "--older-than");
	a->state = cli_take_flag(argc, argv, "--state");
	a->limit = 50;
	a->older_days = -1;
	if (limit && str_to_i64(&a->limit, limit, 1, 100000, "--limit") < 0)
		return cli_usage_error("jobs", err_msg());
	if (older && str_to_i64(&a->older_days, older, 0, 36500, "--older-than") < 0)
		return cli_usage_error("jobs", err_msg());
	static const char *const states[] = { "pending", "running", "done", "dead" };
	for (int i = 0; a->state && i < 4; i++)
		if (strcmp(a->state, states[i]) == 0)
			return CLI_OK;
	return a->state ? cli_usage_error("jobs", "--state is one of pending, running, done, dead")
	                : CLI_OK;
}

/* retry takes SERVICE ID; list and purge an optional SERVICE. */
static int read_positionals(cli_services *which, jobs_args *a, const char *action, int n,
                            char **pos)
{
	if (strcmp(action, "retry") != 0)
		return cli_pick_services(which, "jobs", n, pos);
	if (n != 2)
		return cli_usage_error("jobs",
		                       "retry expects a service and a job id: retry hub 42");
	if (str_to_i64(&a->id, pos[1], 1, INT64_MAX, "the job id") < 0)
		return cli_usage_error("jobs", err_msg());
	return cli_pick_services(which, "jobs", 1, pos);
}

int cli_jobs(int argc, char **argv)
{
	jobs_args a;
	if (take_flags(&a, &argc, argv) != CLI_OK)
		return CLI_USAGE;
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB | CONFIG_WORK, argc, argv, &npositional, &help) < 0)
		return cli_usage_error("jobs", err_msg());
	const char *action = npositional > 0 ? argv[1] : "";
	cli_services which;
	int status = CLI_OK;
	if (help)
		print_help();
	else if (strcmp(action, "list") && strcmp(action, "retry") && strcmp(action, "purge"))
		status = cli_usage_error("jobs", "expects list, retry or purge (see --help)");
	else
		status = read_positionals(&which, &a, action, npositional - 1, argv + 2);
	if (!help && status == CLI_OK) {
		log_setup(LOG_WARN, LOG_TEXT);
		if (a.older_days < 0)
			a.older_days = cfg.job_retention_days;
		if (which.hub)
			status = run_for(&cfg, "hub", action, &a);
		if (status == CLI_OK && which.track)
			status = run_for(&cfg, "track", action, &a);
	}
	config_dispose(&cfg);
	return status;
}
