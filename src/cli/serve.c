/* weft serve: checks everything that can be refused (settings, data directory, addresses) before
 * it creates anything, opens and migrates each service's database, starts its job workers and
 * its HTTP server, and stops them gracefully on SIGINT or SIGTERM. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/token.h"
#include "cli/cli.h"
#include "cli/datadir.h"
#include "cli/store.h"
#include "mail/mail.h"
#include "hub/hub.h"
#include "hub/hook/hook_config.h"
#include "track/track.h"
#include "base/asset.h"
#include "web/embedded.h"
#include "web/server.h"
#include "web/template.h"

enum { SERVICE_HUB, SERVICE_TRACK, NSERVICES };

typedef struct service_slot {
	bool wanted;
	const char *listen;
	const char *configured_url;
	int fd, port;
	char *local_url; /* where it listens, for the "listening" line */
	char *public_url; /* configured, or derived from the listen address; NULL: from Host */
	cli_store store;
	web_server *server;
} service_slot;

typedef struct serve_state {
	config cfg;
	service_slot slots[NSERVICES];
	tmpl_set *templates;
	bool created_data_dir;
} serve_state;

static const char *const service_names[NSERVICES] = { "hub", "track" };

static void print_help(void)
{
	printf("Usage: weft serve [hub|track] [OPTIONS]\n\n"
	       "Runs the code host (hub) and the issue tracker (track), or only the one named.\n"
	       "Settings come from flags, then WEFT_* variables, then the --config file.\n\n"
	       "Options:\n");
	config_print_help(stdout, CONFIG_SERVE | CONFIG_DB | CONFIG_WORK);
}

static int choose_services(serve_state *s, int npositional, char **positional)
{
	if (npositional > 1)
		return cli_usage_error("serve", "takes at most one service: hub or track");
	for (int i = 0; i < NSERVICES; i++)
		s->slots[i].wanted =
		        npositional == 0 || strcmp(positional[0], service_names[i]) == 0;
	if (!s->slots[SERVICE_HUB].wanted && !s->slots[SERVICE_TRACK].wanted) {
		char message[128];
		snprintf(message, sizeof message, "unknown service '%.40s' (hub or track)",
		         positional[0]);
		return cli_usage_error("serve", message);
	}
	s->slots[SERVICE_HUB].listen = s->cfg.hub_listen;
	s->slots[SERVICE_HUB].configured_url = s->cfg.hub_url;
	s->slots[SERVICE_TRACK].listen = s->cfg.track_listen;
	s->slots[SERVICE_TRACK].configured_url = s->cfg.track_url;
	return CLI_OK;
}

static void setup_logging(const config *cfg)
{
	log_level level = LOG_INFO;
	log_format format = LOG_TEXT;
	log_level_parse(cfg->log_level, &level);
	log_format_parse(cfg->log_format, &format);
	log_setup(level, format);
}

static int bind_services(serve_state *s)
{
	for (int i = 0; i < NSERVICES; i++) {
		service_slot *slot = &s->slots[i];
		slot->fd = -1;
		if (!slot->wanted)
			continue;
		if (web_listen(&slot->fd, &slot->port, slot->listen) < 0)
			return cli_usage_error("serve", err_msg());
		char *local = web_url_for_listen(slot->listen, slot->port);
		if (!local) {
			char host[256];
			int ignored;
			config_split_listen(slot->listen, host, &ignored);
			char text[300];
			snprintf(text, sizeof text,
			         strchr(host, ':') ? "http://[%s]:%d" : "http://%s:%d", host,
			         slot->port);
			slot->local_url = strdup(text);
			slot->public_url = NULL;
		} else {
			slot->local_url = local;
			slot->public_url = strdup(local);
		}
		if (*slot->configured_url) {
			free(slot->public_url);
			slot->public_url = strdup(slot->configured_url);
		}
	}
	return CLI_OK;
}

static int prepare_data_dir(serve_state *s, bool missing)
{
	if (!missing)
		return CLI_OK;
	if (datadir_create(s->cfg.data_dir) < 0)
		return cli_usage_error("serve", err_msg());
	s->created_data_dir = true;
	return CLI_OK;
}

/* Two services on one database would mix their tables (the migrations refuse it too, but only
 * after the first service's have run). */
static int check_separate_databases(const serve_state *s)
{
	if (!s->slots[SERVICE_HUB].wanted || !s->slots[SERVICE_TRACK].wanted)
		return CLI_OK;
	char *hub = config_db_url(&s->cfg, "hub"), *track = config_db_url(&s->cfg, "track");
	bool same = strcmp(hub, track) == 0;
	free(hub);
	free(track);
	return same ? cli_usage_error("serve", "hub and track need databases of their own "
	                                       "(--hub-db and --track-db are the same)")
	            : CLI_OK;
}

/* What hub's webhooks need to know of the installation: its URLs and the webhook settings. */
static void configure_hooks(const serve_state *s)
{
	const service_slot *hub = &s->slots[SERVICE_HUB], *track = &s->slots[SERVICE_TRACK];
	const char *track_url = track->wanted
	                                ? (track->public_url ? track->public_url : track->local_url)
	                                : track->configured_url;
	hub_hook_config cfg = {
		.base_url = hub->public_url ? hub->public_url : hub->local_url,
		.repos_dir = hub->store.hub.repos_dir,
		.allowed_hosts = s->cfg.webhook_allowed_hosts,
		.track_url = track_url,
		.retry_base_ms = s->cfg.webhook_retry_base_ms,
		.retry_window_ms = s->cfg.webhook_retry_window_seconds * 1000,
		.log_retention_ms = s->cfg.webhook_log_days * 24 * 60 * 60 * 1000,
	};
	if (hub->wanted)
		hub_hook_configure(&cfg);
}

/* What track's connector needs to know of the installation: its own URL (the OAuth callback
 * and the webhook target it registers on hosts) and the hub URL its link form offers. */
static void configure_connector(serve_state *s)
{
	service_slot *hub = &s->slots[SERVICE_HUB], *track = &s->slots[SERVICE_TRACK];
	if (!track->wanted)
		return;
	track->store.track.public_url = track->public_url ? track->public_url : track->local_url;
	track->store.track.hub_url = hub->wanted
	                                     ? (hub->public_url ? hub->public_url : hub->local_url)
	                                     : (*hub->configured_url ? hub->configured_url : NULL);
}

/* Opens every wanted service's database before migrating any (an unreachable one is refused
 * before anything changed), then migrates them and starts their job workers. */
static int open_stores(serve_state *s)
{
	int pool = (int)(s->cfg.threads ? s->cfg.threads : 8) + (int)s->cfg.workers + 4;
	int status = check_separate_databases(s);
	for (int i = 0; status == CLI_OK && i < NSERVICES; i++)
		if (s->slots[i].wanted &&
		    cli_store_open(&s->slots[i].store, &s->cfg, service_names[i], pool) < 0)
			status = cli_usage_error("serve", err_msg());
	if (status == CLI_OK) {
		configure_hooks(s); /* before any job worker runs */
		configure_connector(s);
	}
	for (int i = 0; status == CLI_OK && i < NSERVICES; i++) {
		service_slot *slot = &s->slots[i];
		if (slot->wanted && (cli_store_migrate(&slot->store, NULL) < 0 ||
		                     cli_store_start_jobs(&slot->store, &s->cfg) < 0))
			status = cli_usage_error("serve", err_msg());
	}
	return status;
}

static int start_services(serve_state *s)
{
	for (int i = 0; i < NSERVICES; i++) {
		service_slot *slot = &s->slots[i];
		if (!slot->wanted)
			continue;
		const service_slot *other = &s->slots[1 - i];
		web_server_options opt = {
			.public_url = slot->public_url,
			.other_url = other->wanted ? other->public_url
			                           : (*other->configured_url ? other->configured_url
			                                                     : NULL),
			.threads = (int)s->cfg.threads,
			.max_header_kib = (int)s->cfg.max_header_kib,
			.trusted_proxies = s->cfg.trusted_proxies,
			.templates = s->templates,
		};
		const web_service *svc = i == SERVICE_HUB ? hub_service() : track_service();
		opt.app = i == SERVICE_HUB ? (void *)&slot->store.hub : (void *)&slot->store.track;
		int rc = web_server_start(&slot->server, svc, slot->fd, &opt);
		slot->fd = -1; /* the server owns it now, even on failure */
		if (rc < 0) {
			log_error("%s", err_msg());
			return CLI_FAILED;
		}
		printf("%s listening on %s\n", service_names[i], slot->local_url);
		fflush(stdout);
	}
	return CLI_OK;
}

static void wait_for_signal(const sigset_t *signals)
{
	int sig = 0;
	sigwait(signals, &sig);
	log_info("%s received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
}

static void cleanup(serve_state *s, int status)
{
	/* HTTP first, so that no request starts work on a store being closed. */
	for (int i = 0; i < NSERVICES; i++)
		web_server_stop(s->slots[i].server, (int)s->cfg.shutdown_seconds);
	for (int i = 0; i < NSERVICES; i++) {
		service_slot *slot = &s->slots[i];
		if (slot->store.d)
			cli_store_close(&slot->store, (int)s->cfg.shutdown_seconds);
		if (slot->fd >= 0)
			close(slot->fd);
		free(slot->local_url);
		free(slot->public_url);
	}
	if (status != CLI_OK && s->created_data_dir)
		datadir_remove(s->cfg.data_dir); /* a refused start leaves nothing behind */
	tmpl_set_free(s->templates);
	config_dispose(&s->cfg);
}

/* Runs the services until a signal; everything that can fail has been checked by then. */
static int run(serve_state *s, bool data_missing)
{
	int status = bind_services(s);
	if (status == CLI_OK)
		status = prepare_data_dir(s, data_missing);
	if (status == CLI_OK)
		status = open_stores(s);

	if (status == CLI_OK && web_templates_load(&s->templates) < 0) {
		log_error("embedded templates: %s", err_msg());
		status = CLI_FAILED;
	}
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	/* Blocked before any server thread starts, so that only sigwait sees them. */
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (status == CLI_OK)
		status = start_services(s);
	if (status == CLI_OK)
		wait_for_signal(&signals);
	return status;
}

static int check_mail_from(const config *cfg)
{
	buf address = BUF_INIT;
	int rc = mail_from_address(&address, cfg->mail_from);
	buf_dispose(&address);
	return rc < 0 ? cli_usage_error("serve", err_msg()) : CLI_OK;
}

int cli_serve(int argc, char **argv)
{
	serve_state s = { 0 };
	int npositional, help;
	if (config_load(&s.cfg, CONFIG_SERVE | CONFIG_DB | CONFIG_WORK, argc, argv, &npositional,
	                &help) < 0)
		return cli_usage_error("serve", err_msg());
	if (help) {
		print_help();
		config_dispose(&s.cfg);
		return CLI_OK;
	}
	bool data_missing = false;
	int status = choose_services(&s, npositional, argv + 1);
	if (status == CLI_OK && datadir_check(s.cfg.data_dir, &data_missing) < 0)
		status = cli_usage_error("serve", err_msg());
	if (status == CLI_OK && token_init() < 0)
		status = cli_usage_error("serve", err_msg());
	if (status == CLI_OK)
		status = check_mail_from(&s.cfg);
	if (status == CLI_OK) {
		setup_logging(&s.cfg);
		status = run(&s, data_missing);
	}
	cleanup(&s, status);
	return status;
}
