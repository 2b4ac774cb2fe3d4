/* weft migrate status|up [hub|track]: shows or applies each service's schema migrations. */
#include <stdio.h>
#include <string.h>

#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/datadir.h"
#include "cli/store.h"
#include "db/migrate.h"

static void print_help(void)
{
	printf("Usage: weft migrate status|up [hub|track] [OPTIONS]\n\n"
	       "status: each database's schema version and the migrations not yet applied.\n"
	       "up:     applies them (weft serve does this itself at start-up).\n\nOptions:\n");
	config_print_help(stdout, CONFIG_DB);
}

static int show_status(cli_store *store)
{
	db_schema_state st;
	if (db_migrate_status(&st, store->d, store->service) < 0)
		return cli_usage_error("migrate", err_msg());
	printf("%s: schema %d of %d, %s (%s)\n", store->service, st.current, st.latest,
	       st.pending ? "migrations pending" : "up to date", db_describe(store->d));
	if (st.pending)
		printf("%s: %d pending; run 'weft migrate up %s'\n", store->service, st.pending,
		       store->service);
	return CLI_OK;
}

static int apply(cli_store *store)
{
	int applied;
	if (cli_store_migrate(store, &applied) < 0)
		return cli_usage_error("migrate", err_msg());
	printf("%s: applied %d migration%s\n", store->service, applied, applied == 1 ? "" : "s");
	return CLI_OK;
}

/* status needs an existing data directory; up creates it, as serve would. */
static int check_data_dir(const config *cfg, bool create)
{
	bool missing;
	if (datadir_check(cfg->data_dir, &missing) < 0)
		return cli_usage_error("migrate", err_msg());
	if (missing && !create) {
		char message[300];
		snprintf(message, sizeof message, "data directory %.200s does not exist",
		         cfg->data_dir);
		return cli_usage_error("migrate", message);
	}
	if (missing && datadir_create(cfg->data_dir) < 0)
		return cli_usage_error("migrate", err_msg());
	return CLI_OK;
}

static int run_for(const config *cfg, const char *service, bool up)
{
	cli_store store;
	if (cli_store_open(&store, cfg, service, 2) < 0)
		return cli_usage_error("migrate", err_msg());
	int status = up ? apply(&store) : show_status(&store);
	cli_store_close(&store, 0);
	return status;
}

int cli_migrate(int argc, char **argv)
{
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB, argc, argv, &npositional, &help) < 0)
		return cli_usage_error("migrate", err_msg());
	int status = CLI_OK;
	cli_services which;
	bool up = npositional > 0 && strcmp(argv[1], "up") == 0;
	if (help)
		print_help();
	else if (npositional == 0 || (!up && strcmp(argv[1], "status") != 0))
		status = cli_usage_error("migrate", "expects status or up (see --help)");
	else
		status = cli_pick_services(&which, "migrate", npositional - 1, argv + 2);
	if (!help && status == CLI_OK) {
		log_setup(LOG_WARN, LOG_TEXT);
		status = check_data_dir(&cfg, up);
		if (status == CLI_OK && which.hub)
			status = run_for(&cfg, "hub", up);
		if (status == CLI_OK && which.track)
			status = run_for(&cfg, "track", up);
	}
	config_dispose(&cfg);
	return status;
}
