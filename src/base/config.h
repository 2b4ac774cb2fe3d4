/* weft's settings, from (highest first) command-line flags, WEFT_* environment variables, an
 * optional config file, and built-in defaults. One table describes every setting: its flag, its
 * variable, its default, its check and its help line; `weft serve --help` prints that table. */
#ifndef WEFT_BASE_CONFIG_H
#define WEFT_BASE_CONFIG_H

#include <stdint.h>
#include <stdio.h>

/* Which commands a setting belongs to; a flag outside a command's scopes is unknown to it. */
enum {
	CONFIG_COMMON = 1 << 0, /* every command that touches data: --config, --data, logging */
	CONFIG_SERVE = 1 << 1, /* weft serve: addresses, URLs, threads, shutdown */
	CONFIG_DB = 1 << 2, /* commands that open the databases: --hub-db, --track-db */
	CONFIG_WORK = 1 << 3, /* commands that run jobs and send mail: workers, SMTP */
};

typedef struct config {
	char *config_file;
	char *data_dir;
	char *log_level;
	char *log_format;
	char *hub_listen;
	char *track_listen;
	char *hub_url; /* "" means: derived from the listen address */
	char *track_url; /* likewise */
	int64_t threads; /* HTTP worker threads per service; 0 means: from the machine */
	int64_t shutdown_seconds;
	int64_t max_header_kib;
	char *trusted_proxies; /* addresses and networks whose X-Forwarded-For / Forwarded count */
	int64_t track_hours_per_day; /* work-log durations: 1d = this many hours */
	int64_t track_days_per_week; /* 1w = this many days */
	int64_t attachment_max_size; /* bytes in one attachment of track */
	char *hub_db; /* "" means: DATA/hub.db */
	char *track_db; /* "" means: DATA/track.db */
	int64_t workers;
	int64_t job_lease_seconds;
	int64_t job_retention_days;
	char *smtp_url; /* "" means: no SMTP, mail stays in the outbox */
	char *smtp_user;
	char *smtp_password;
	char *mail_from;
	char *webhook_allowed_hosts; /* "" means: public addresses and the track URL's host */
	int64_t webhook_retry_base_ms; /* the first retry's delay, doubling up to an hour */
	int64_t webhook_retry_window_seconds; /* how long a delivery is retried */
	int64_t webhook_log_days; /* how long finished deliveries stay in the log */
	char *secret_key_file; /* "" means: DATA/secret.key, created on first use */
	int64_t dvcs_sync_interval_seconds; /* track's periodic soft sync and discovery */
} config;

/* Loads the settings in cfg's scopes from argv (argv[0] is skipped), the environment and the config
 * file, then applies the defaults. Arguments that are not flags are moved, in order, to the front
 * of argv[1..] and counted in *npositional. "--help" sets *wants_help and stops nothing.
 * WEFT_EINVALID with a one-line message naming the flag, variable or file line on a bad value,
 * an unknown flag or an unreadable config file. cfg must be freed with config_dispose. */
int config_load(config *cfg, unsigned scopes, int argc, char **argv, int *npositional,
                int *wants_help);

/* Frees what config_load stored in cfg. */
void config_dispose(config *cfg);

/* Prints one line per setting in scopes: flag, variable, default and help. */
void config_print_help(FILE *out, unsigned scopes);

/* The database URL of a service: the configured one, or the SQLite file DATA/SERVICE.db. A new
 * string to free. */
char *config_db_url(const config *cfg, const char *service);

/* Splits "HOST:PORT" ("[::1]:8080" for IPv6) into host and port. WEFT_EINVALID when malformed.
 * host must hold at least 256 bytes. */
int config_split_listen(const char *value, char *host, int *port);

#endif
