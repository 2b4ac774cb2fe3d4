/* weft track admin …: site administration of track from the command line, in the exact form
 * scripts rely on. Prints what it did, or exits 2 with a one-line reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/token.h"
#include "cli/cli.h"
#include "cli/datadir.h"
#include "cli/store.h"
#include "track/account/account.h"

static void print_help(void)
{
	printf("Usage: weft track admin create-user USERNAME --email EMAIL [--display-name NAME] "
	       "[--admin]\n"
	       "       weft track dvcs link|list|sync|unlink … (see weft track dvcs --help)\n\n"
	       "create-user: creates a track account (--admin: a site administrator); the\n"
	       "             password is read from standard input, one line.\n\nOptions:\n");
	config_print_help(stdout, CONFIG_DB);
}

/* The arguments, checked before anything is opened or created. */
static int check_new_user(const track_account_new *n)
{
	if (!n->email)
		return err_fail(WEFT_EINVALID, "create-user needs --email EMAIL");
	if (!n->password)
		return err_fail(WEFT_EINVALID, "no password on standard input (one line)");
	return track_account_check_new(n);
}

typedef struct create_ctx {
	const track_account_new *n;
	arena *a;
	track_user created;
} create_ctx;

static int create_user(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	return track_account_create(c, cc->a, cc->n, &cc->created);
}

static int run_create(const config *cfg, const track_account_new *n)
{
	bool missing;
	if (datadir_check(cfg->data_dir, &missing) < 0)
		return WEFT_EINVALID;
	if (missing && datadir_create(cfg->data_dir) < 0)
		return WEFT_ERROR;
	cli_store store = { 0 };
	create_ctx cc = { n, arena_new(), { 0 } };
	int rc = cli_store_open(&store, cfg, "track", 2);
	if (rc == 0)
		rc = cli_store_migrate(&store, NULL);
	if (rc == 0 && (rc = db_tx(store.d, create_user, &cc)) == 0)
		printf("created track user %s (%s) accountId %s%s\n", cc.created.username,
		       cc.created.email, cc.created.account_id,
		       n->is_admin ? ", site administrator" : "");
	if (store.d)
		cli_store_close(&store, 0);
	arena_free(cc.a);
	return rc;
}

static int create_user_command(const config *cfg, const char *username, const char *email,
                               const char *display_name, bool admin)
{
	track_account_new n = { username, email, NULL, display_name, admin };
	char *password = email ? cli_read_line() : NULL;
	n.password = password;
	int rc = check_new_user(&n);
	if (rc == 0)
		rc = run_create(cfg, &n);
	free(password);
	return rc;
}

/* weft track admin create-user …, with argv[0] = "admin". */
static int track_admin(int argc, char **argv)
{
	const char *email = cli_take_flag(&argc, argv, "--email");
	const char *display_name = cli_take_flag(&argc, argv, "--display-name");
	bool admin = cli_take_switch(&argc, argv, "--admin");
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB, argc, argv, &npositional, &help) < 0)
		return cli_usage_error("track admin", err_msg());
	int status = CLI_OK;
	if (help) {
		print_help();
	} else if (npositional != 2 || strcmp(argv[1], "create-user") != 0) {
		status =
		        cli_usage_error("track admin", "expects create-user USERNAME --email EMAIL "
		                                       "(see --help)");
	} else {
		log_setup(LOG_WARN, LOG_TEXT);
		token_init();
		if (create_user_command(&cfg, argv[2], email, display_name, admin) < 0)
			status = cli_usage_error("track admin", err_msg());
	}
	config_dispose(&cfg);
	return status;
}

int cli_track(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "dvcs") == 0)
		return cli_track_dvcs(argc - 1, argv + 1);
	return cli_service_command(argc, argv, "track", track_admin, print_help);
}
