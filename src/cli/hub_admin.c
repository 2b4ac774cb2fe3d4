/* weft hub admin …: site administration of hub from the command line, in the exact forms scripts
 * rely on. Each prints what it did, or exits 2 with a one-line reason. */
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
#include "hub/account/account.h"
#include "hub/oauth/consumer.h"
#include "hub/team/team.h"

static void print_help(void)
{
	printf("Usage: weft hub admin create-user USERNAME --email EMAIL [--display-name NAME] "
	       "[--admin]\n"
	       "       weft hub admin create-team TEAM_ID [--name NAME] --owner USERNAME\n"
	       "       weft hub admin promote USERNAME\n"
	       "       weft hub admin create-consumer WORKSPACE --name NAME --callback URL "
	       "[--private]\n"
	       "                                      --scopes \"repository:admin webhook …\"\n\n"
	       "create-user: creates an account (its email counts as confirmed); the password is "
	       "read\n"
	       "             from standard input, one line.\n"
	       "promote:     makes an account a site administrator.\n"
	       "create-consumer: an OAuth consumer of the workspace (a team's acts, for the\n"
	       "             client credentials grant, as its longest-standing administrator);\n"
	       "             prints key=KEY and secret=SECRET, nothing else.\n\nOptions:\n");
	config_print_help(stdout, CONFIG_DB);
}

typedef struct create_ctx {
	account_new n;
	arena *a;
	hub_user created;
} create_ctx;

static int create_user(db_conn *c, void *ctx)
{
	create_ctx *cc = ctx;
	return hub_account_create(c, cc->a, &cc->n, &cc->created);
}

static int promote(db_conn *c, void *ctx)
{
	return hub_account_set_admin(c, ctx, true);
}

/* The arguments of create-user, checked before anything is opened or created. */
static int check_new_user(const account_new *n)
{
	if (!n->email)
		return err_fail(WEFT_EINVALID, "create-user needs --email EMAIL");
	if (!n->password)
		return err_fail(WEFT_EINVALID, "no password on standard input (one line)");
	return hub_account_check_new(n);
}

static int run_create(cli_store *store, const account_new *n)
{
	create_ctx cc = { *n, arena_new(), { 0 } };
	int rc = db_tx(store->d, create_user, &cc);
	if (rc == 0)
		printf("created user %s (%s) {%s}%s\n", cc.created.username, cc.created.email,
		       cc.created.uuid, n->is_admin ? ", site administrator" : "");
	arena_free(cc.a);
	return rc;
}

/* Only create-user may make a new data directory, and only once its arguments passed. */
static int open_data_dir(const config *cfg, bool may_create)
{
	bool missing;
	if (datadir_check(cfg->data_dir, &missing) < 0)
		return WEFT_EINVALID;
	if (missing && !may_create)
		return err_fail(WEFT_EINVALID, "data directory %s does not exist", cfg->data_dir);
	if (missing && datadir_create(cfg->data_dir) < 0)
		return WEFT_ERROR;
	return 0;
}

static int run_on_store(const config *cfg, const char *action, const account_new *n)
{
	bool create = strcmp(action, "create-user") == 0;
	int rc = open_data_dir(cfg, create);
	cli_store store = { 0 };
	if (rc == 0)
		rc = cli_store_open(&store, cfg, "hub", 2);
	if (rc == 0)
		rc = cli_store_migrate(&store, NULL);
	if (rc == 0 && create)
		rc = run_create(&store, n);
	else if (rc == 0 && (rc = db_tx(store.d, promote, (void *)n->username)) == 0)
		printf("%s is now a site administrator\n", n->username);
	if (store.d)
		cli_store_close(&store, 0);
	return rc;
}

static int run_action(const config *cfg, const char *action, const char *username,
                      const char *email, const char *display_name, bool admin)
{
	account_new n = { username, email, NULL, display_name, true, admin };
	char *password = NULL;
	int rc = 0;
	if (strcmp(action, "create-user") == 0) {
		n.password = password = email ? cli_read_line() : NULL;
		rc = check_new_user(&n);
	}
	if (rc == 0)
		rc = run_on_store(cfg, action, &n);
	free(password);
	return rc;
}

typedef struct team_ctx {
	arena *a;
	const char *id, *name, *owner;
	hub_user owner_user;
	hub_workspace created;
} team_ctx;

/* The team with its groups, its owner their first administrator (hub_team_create's rules). */
static int create_team(db_conn *c, void *ctx)
{
	team_ctx *tc = ctx;
	int rc = hub_account_find_name(c, tc->a, tc->owner, &tc->owner_user);
	if (rc == WEFT_ENOTFOUND)
		rc = err_fail(WEFT_ENOTFOUND, "--owner: there is no user %s", tc->owner);
	hub_team_new n = { tc->id, tc->name, NULL, 0, NULL };
	return rc < 0 ? rc : hub_team_create(c, tc->a, &tc->owner_user, &n, &tc->created);
}

static int run_create_team(const config *cfg, const char *id, const char *name, const char *owner)
{
	bool missing;
	if (datadir_check(cfg->data_dir, &missing) < 0)
		return WEFT_EINVALID;
	if (missing && datadir_create(cfg->data_dir) < 0)
		return WEFT_ERROR;
	cli_store store;
	team_ctx tc = { arena_new(), id, name, owner, { 0 }, { 0 } };
	int rc = cli_store_open(&store, cfg, "hub", 2);
	if (rc == 0)
		rc = cli_store_migrate(&store, NULL);
	if (rc == 0 && (rc = db_tx(store.d, create_team, &tc)) == 0)
		printf("created team %s (%s) {%s}: %s is a member of Administrators (admin); "
		       "Developers (write) is empty\n",
		       tc.created.slug, tc.created.name, tc.created.uuid, tc.owner_user.username);
	if (store.d)
		cli_store_close(&store, 0);
	arena_free(tc.a);
	return rc;
}

/* weft hub admin create-team TEAM_ID [--name NAME] --owner USERNAME, with argv[0] = "admin". */
static int hub_admin_create_team(int argc, char **argv)
{
	const char *name = cli_take_flag(&argc, argv, "--name");
	const char *owner = cli_take_flag(&argc, argv, "--owner");
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB, argc, argv, &npositional, &help) < 0)
		return cli_usage_error("hub admin", err_msg());
	int status = CLI_OK;
	if (help) {
		print_help();
	} else if (npositional != 2 || !owner || !*owner) {
		status = cli_usage_error("hub admin", "expects create-team TEAM_ID [--name NAME] "
		                                      "--owner USERNAME");
	} else {
		log_setup(LOG_WARN, LOG_TEXT);
		token_init();
		if (run_create_team(&cfg, argv[2], name, owner) < 0)
			status = cli_usage_error("hub admin", err_msg());
	}
	config_dispose(&cfg);
	return status;
}

typedef struct consumer_ctx {
	arena *a;
	const char *workspace;
	oauth_consumer_fields f;
	char secret[OAUTH_SECRET_LEN + 1];
	oauth_consumer created;
} consumer_ctx;

static int create_consumer(db_conn *c, void *ctx)
{
	consumer_ctx *cc = ctx;
	return hub_oauth_consumer_create_in(c, cc->a, cc->workspace, &cc->f, cc->secret,
	                                    &cc->created);
}

static int run_create_consumer(const config *cfg, consumer_ctx *cc)
{
	int rc = open_data_dir(cfg, false);
	cli_store store = { 0 };
	if (rc == 0)
		rc = cli_store_open(&store, cfg, "hub", 2);
	if (rc == 0)
		rc = cli_store_migrate(&store, NULL);
	if (rc == 0)
		rc = db_tx(store.d, create_consumer, cc);
	if (rc == 0)
		printf("key=%s\nsecret=%s\n", cc->created.key, cc->secret);
	if (store.d)
		cli_store_close(&store, 0);
	return rc;
}

/* weft hub admin create-consumer WORKSPACE --name NAME --callback URL [--private] --scopes "…",
 * with argv[0] = "admin". Standard output is exactly the key and secret lines. */
static int hub_admin_create_consumer(int argc, char **argv)
{
	consumer_ctx cc = { .a = arena_new() };
	cc.f = (oauth_consumer_fields){
		cli_take_flag(&argc, argv, "--name"),      "",
		cli_take_flag(&argc, argv, "--callback"),  "",
		cli_take_switch(&argc, argv, "--private"), cli_take_flag(&argc, argv, "--scopes")
	};
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB, argc, argv, &npositional, &help) < 0) {
		arena_free(cc.a);
		return cli_usage_error("hub admin", err_msg());
	}
	int status = CLI_OK;
	if (help) {
		print_help();
	} else if (npositional != 2 || !cc.f.name || !cc.f.callback_url || !cc.f.scopes) {
		status = cli_usage_error("hub admin",
		                         "expects create-consumer WORKSPACE --name NAME "
		                         "--callback URL [--private] --scopes \"…\"");
	} else {
		log_setup(LOG_WARN, LOG_TEXT);
		token_init();
		cc.workspace = argv[2];
		if (run_create_consumer(&cfg, &cc) < 0)
			status = cli_usage_error("hub admin", err_msg());
	}
	config_dispose(&cfg);
	arena_free(cc.a);
	return status;
}

/* weft hub admin ACTION …, with argv[0] = "admin". */
static int hub_admin(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create-team") == 0)
		return hub_admin_create_team(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "create-consumer") == 0)
		return hub_admin_create_consumer(argc, argv);
	const char *email = cli_take_flag(&argc, argv, "--email");
	const char *display_name = cli_take_flag(&argc, argv, "--display-name");
	bool admin = cli_take_switch(&argc, argv, "--admin");
	config cfg;
	int npositional, help;
	if (config_load(&cfg, CONFIG_DB, argc, argv, &npositional, &help) < 0)
		return cli_usage_error("hub admin", err_msg());
	int status = CLI_OK;
	const char *action = npositional > 0 ? argv[1] : "";
	if (help) {
		print_help();
	} else if ((strcmp(action, "create-user") && strcmp(action, "promote")) ||
	           npositional != 2) {
		status = cli_usage_error("hub admin", "expects create-user USERNAME … or promote "
		                                      "USERNAME (see --help)");
	} else {
		log_setup(LOG_WARN, LOG_TEXT);
		token_init();
		if (run_action(&cfg, action, argv[2], email, display_name, admin) < 0)
			status = cli_usage_error("hub admin", err_msg());
	}
	config_dispose(&cfg);
	return status;
}

int cli_hub(int argc, char **argv)
{
	return cli_service_command(argc, argv, "hub", hub_admin, print_help);
}
