/* The settings table and the three sources it is filled from. */
#include "base/config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/cidr.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

typedef enum { SETTING_STRING, SETTING_INT } setting_type;

typedef struct setting {
	const char *name; /* the flag without "--", and the config file key */
	const char *env;
	unsigned scopes;
	setting_type type;
	size_t offset;
	const char *default_value;
	int64_t min, max; /* for SETTING_INT */
	int (*check)(const char *value, const char *source);
	const char *help;
} setting;

static int check_listen(const char *value, const char *source)
{
	char host[256];
	int port;
	if (config_split_listen(value, host, &port) < 0)
		return err_fail(WEFT_EINVALID, "%s: %s", source, err_msg());
	return 0;
}

static int check_url(const char *value, const char *source)
{
	if (!*value)
		return 0;
	if (!str_starts_with(value, "http://") && !str_starts_with(value, "https://"))
		return err_fail(WEFT_EINVALID, "%s: '%s' is not an http:// or https:// URL", source,
		                value);
	if (str_ends_with(value, "/"))
		return err_fail(WEFT_EINVALID, "%s: '%s' must not end with '/'", source, value);
	return 0;
}

/* The webhook allow list: printable entries separated by commas (hub/hook/allow.h reads it). */
static int check_allowed_hosts(const char *value, const char *source)
{
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return err_fail(WEFT_EINVALID,
			                "%s: '%s' holds a character that no host has", source,
			                value);
	return 0;
}

static int check_log_level(const char *value, const char *source)
{
	log_level level;
	if (!log_level_parse(value, &level))
		return err_fail(WEFT_EINVALID, "%s: '%s' is not one of debug, info, warn, error",
		                source, value);
	return 0;
}

static int check_log_format(const char *value, const char *source)
{
	log_format format;
	if (!log_format_parse(value, &format))
		return err_fail(WEFT_EINVALID, "%s: '%s' is not one of text, json", source, value);
	return 0;
}

static int check_nonempty(const char *value, const char *source)
{
	if (!*value)
		return err_fail(WEFT_EINVALID, "%s: must not be empty", source);
	return 0;
}

static int check_smtp_url(const char *value, const char *source)
{
	if (*value && !str_starts_with(value, "smtp://") && !str_starts_with(value, "smtps://"))
		return err_fail(WEFT_EINVALID, "%s: '%s' is not an smtp:// or smtps:// URL", source,
		                value);
	return 0;
}

static int check_address_list(const char *value, const char *source)
{
	cidr_list list;
	if (cidr_list_parse(&list, value) < 0)
		return err_fail(WEFT_EINVALID, "%s: %s", source, err_msg());
	cidr_list_dispose(&list);
	return 0;
}

#define FIELD(f) offsetof(config, f)

static const setting settings[] = {
	{ "config", "WEFT_CONFIG", CONFIG_COMMON, SETTING_STRING, FIELD(config_file), "", 0, 0,
	  NULL, "a file of 'name = value' lines with any of these settings" },
	{ "data", "WEFT_DATA", CONFIG_COMMON, SETTING_STRING, FIELD(data_dir), "./weft-data", 0, 0,
	  check_nonempty, "the data directory: databases and repositories" },
	{ "log-level", "WEFT_LOG_LEVEL", CONFIG_COMMON, SETTING_STRING, FIELD(log_level), "info", 0,
	  0, check_log_level, "debug, info, warn or error" },
	{ "log-format", "WEFT_LOG_FORMAT", CONFIG_COMMON, SETTING_STRING, FIELD(log_format), "text",
	  0, 0, check_log_format, "text (for people) or json (for log collectors)" },
	{ "hub-listen", "WEFT_HUB_LISTEN", CONFIG_SERVE, SETTING_STRING, FIELD(hub_listen),
	  "127.0.0.1:7990", 0, 0, check_listen,
	  "the code host's HOST:PORT (port 0: any free port)" },
	{ "track-listen", "WEFT_TRACK_LISTEN", CONFIG_SERVE, SETTING_STRING, FIELD(track_listen),
	  "127.0.0.1:8080", 0, 0, check_listen, "the tracker's HOST:PORT (port 0: any free port)" },
	{ "hub-url", "WEFT_HUB_URL", CONFIG_SERVE, SETTING_STRING, FIELD(hub_url), "", 0, 0,
	  check_url, "the code host's public base URL (default: from its listen address)" },
	{ "track-url", "WEFT_TRACK_URL", CONFIG_SERVE, SETTING_STRING, FIELD(track_url), "", 0, 0,
	  check_url, "the tracker's public base URL (default: from its listen address)" },
	{ "threads", "WEFT_THREADS", CONFIG_SERVE, SETTING_INT, FIELD(threads), "0", 0, 256, NULL,
	  "HTTP worker threads per service (0: two per processor)" },
	{ "shutdown-timeout", "WEFT_SHUTDOWN_TIMEOUT", CONFIG_SERVE, SETTING_INT,
	  FIELD(shutdown_seconds), "10", 0, 3600, NULL,
	  "seconds to let requests in flight finish on SIGINT or SIGTERM" },
	{ "max-header-size", "WEFT_MAX_HEADER_SIZE", CONFIG_SERVE, SETTING_INT,
	  FIELD(max_header_kib), "32", 4, 1024, NULL,
	  "KiB for a request's line and headers; larger requests get 431" },
	{ "trusted-proxies", "WEFT_TRUSTED_PROXIES", CONFIG_SERVE, SETTING_STRING,
	  FIELD(trusted_proxies), "", 0, 0, check_address_list,
	  "reverse proxies (addresses, ADDRESS/BITS) whose X-Forwarded-For / Forwarded name the "
	  "client" },
	{ "track-hours-per-day", "WEFT_TRACK_HOURS_PER_DAY", CONFIG_SERVE, SETTING_INT,
	  FIELD(track_hours_per_day), "8", 1, 24, NULL, "track's work logs: hours in a day (1d)" },
	{ "track-days-per-week", "WEFT_TRACK_DAYS_PER_WEEK", CONFIG_SERVE, SETTING_INT,
	  FIELD(track_days_per_week), "5", 1, 7, NULL, "track's work logs: days in a week (1w)" },
	{ "attachment-max-size", "WEFT_ATTACHMENT_MAX_SIZE", CONFIG_SERVE, SETTING_INT,
	  FIELD(attachment_max_size), "104857600", 1, (int64_t)1 << 40, NULL,
	  "bytes in one file attached to a track issue (larger uploads get 413)" },
	{ "hub-db", "WEFT_HUB_DB", CONFIG_DB, SETTING_STRING, FIELD(hub_db), "", 0, 0, NULL,
	  "hub's database: a file, sqlite:///path or postgresql://… (default: DATA/hub.db)" },
	{ "track-db", "WEFT_TRACK_DB", CONFIG_DB, SETTING_STRING, FIELD(track_db), "", 0, 0, NULL,
	  "track's database, likewise (default: DATA/track.db)" },
	{ "workers", "WEFT_WORKERS", CONFIG_WORK, SETTING_INT, FIELD(workers), "2", 0, 64, NULL,
	  "job worker threads per service (0: this node runs no jobs)" },
	{ "job-lease", "WEFT_JOB_LEASE", CONFIG_WORK, SETTING_INT, FIELD(job_lease_seconds), "300",
	  1, 86400, NULL, "seconds a worker holds a job before another node may take it over" },
	{ "job-retention", "WEFT_JOB_RETENTION", CONFIG_WORK, SETTING_INT,
	  FIELD(job_retention_days), "7", 0, 3650, NULL, "days finished jobs are kept" },
	{ "smtp-url", "WEFT_SMTP_URL", CONFIG_WORK, SETTING_STRING, FIELD(smtp_url), "", 0, 0,
	  check_smtp_url,
	  "smtp://host:port (STARTTLS when offered) or smtps://…; none: mail stays in the outbox" },
	{ "smtp-user", "WEFT_SMTP_USER", CONFIG_WORK, SETTING_STRING, FIELD(smtp_user), "", 0, 0,
	  NULL, "the SMTP login" },
	{ "smtp-password", "WEFT_SMTP_PASSWORD", CONFIG_WORK, SETTING_STRING, FIELD(smtp_password),
	  "", 0, 0, NULL, "the SMTP password (prefer the variable or the file to the flag)" },
	{ "mail-from", "WEFT_MAIL_FROM", CONFIG_WORK, SETTING_STRING, FIELD(mail_from),
	  "weft <weft@localhost>", 0, 0, check_nonempty, "the From: of every mail weft sends" },
	{ "webhook-allowed-hosts", "WEFT_WEBHOOK_ALLOWED_HOSTS", CONFIG_WORK, SETTING_STRING,
	  FIELD(webhook_allowed_hosts), "", 0, 0, check_allowed_hosts,
	  "where webhooks may point: external, private, loopback, *, CIDR blocks and host names, "
	  "comma-separated (default: external and the track URL's host)" },
	{ "webhook-retry-base", "WEFT_WEBHOOK_RETRY_BASE", CONFIG_WORK, SETTING_INT,
	  FIELD(webhook_retry_base_ms), "10000", 1, 3600000, NULL,
	  "milliseconds before a failed webhook delivery's first retry (doubling, at most an "
	  "hour)" },
	{ "webhook-retry-window", "WEFT_WEBHOOK_RETRY_WINDOW", CONFIG_WORK, SETTING_INT,
	  FIELD(webhook_retry_window_seconds), "86400", 1, 30 * 86400, NULL,
	  "seconds a failing webhook delivery is retried before it is marked failed" },
	{ "secret-key-file", "WEFT_SECRET_KEY_FILE", CONFIG_DB, SETTING_STRING,
	  FIELD(secret_key_file), "", 0, 0, NULL,
	  "32 bytes that seal track's code-host tokens at rest (default: DATA/secret.key, made on "
	  "first use)" },
	{ "dvcs-sync-interval", "WEFT_DVCS_SYNC_INTERVAL", CONFIG_WORK, SETTING_INT,
	  FIELD(dvcs_sync_interval_seconds), "3600", 10, 7 * 86400, NULL,
	  "seconds between track's periodic soft syncs and repository discovery of linked accounts "
	  "(with jitter)" },
	{ "webhook-log-retention", "WEFT_WEBHOOK_LOG_RETENTION", CONFIG_WORK, SETTING_INT,
	  FIELD(webhook_log_days), "30", 1, 3650, NULL,
	  "days webhook deliveries and their attempts stay in the request log" },
};

enum { NSETTINGS = sizeof settings / sizeof settings[0] };

/* Where each setting's value came from, so that a lower source never overrides a higher one. */
typedef struct load_state {
	const char *value[NSETTINGS];
	char *owned[NSETTINGS];
} load_state;

static const setting *find_setting(const char *name, size_t len, unsigned scopes)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if ((settings[i].scopes & scopes) && strlen(settings[i].name) == len &&
		    memcmp(settings[i].name, name, len) == 0)
			return &settings[i];
	return NULL;
}

static int store(config *cfg, const setting *s, const char *value, const char *source)
{
	if (s->check && s->check(value, source) < 0)
		return WEFT_EINVALID;
	char *field = (char *)cfg + s->offset;
	if (s->type == SETTING_INT) {
		int64_t n;
		if (str_to_i64(&n, value, s->min, s->max, source) < 0)
			return WEFT_EINVALID;
		*(int64_t *)(void *)field = n;
		return 0;
	}
	char **slot = (char **)(void *)field;
	free(*slot);
	*slot = mem_strdup(value);
	return 0;
}

/* Reads --name value and --name=value; leaves positionals at the front of argv. */
static int read_flags(load_state *st, unsigned scopes, int argc, char **argv, int *npositional,
                      int *wants_help)
{
	int kept = 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			*wants_help = 1;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			argv[kept++] = argv[i];
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const setting *s = find_setting(name, len, scopes);
		if (!s)
			return err_fail(WEFT_EINVALID, "unknown flag '--%.*s' (see --help)",
			                (int)len, name);
		const char *value = eq ? eq + 1 : NULL;
		if (!value) {
			if (i + 1 >= argc)
				return err_fail(WEFT_EINVALID, "--%s needs a value", s->name);
			value = argv[++i];
		}
		st->value[s - settings] = value;
	}
	*npositional = kept - 1;
	return 0;
}

static void read_environment(load_state *st, unsigned scopes)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (!(settings[i].scopes & scopes) || st->value[i])
			continue;
		const char *v = getenv(settings[i].env);
		if (v)
			st->value[i] = v;
	}
}

static int parse_config_line(load_state *st, unsigned scopes, char *line, const char *path,
                             int lineno)
{
	slice text = slice_trim(slice_cstr(line));
	if (text.len == 0 || text.ptr[0] == '#')
		return 0;
	const char *eq = memchr(text.ptr, '=', text.len);
	if (!eq)
		return err_fail(WEFT_EINVALID, "%s:%d: expected 'name = value'", path, lineno);
	slice key = slice_trim((slice){ text.ptr, (size_t)(eq - text.ptr) });
	slice value = slice_trim((slice){ eq + 1, text.len - (size_t)(eq + 1 - text.ptr) });
	const setting *s = find_setting(key.ptr, key.len, scopes);
	if (!s || strcmp(s->name, "config") == 0)
		return err_fail(WEFT_EINVALID, "%s:%d: unknown setting '%.*s'", path, lineno,
		                (int)key.len, key.ptr);
	size_t i = (size_t)(s - settings);
	if (st->value[i])
		return 0; /* a flag or the environment already decided */
	st->owned[i] = mem_strndup(value.ptr, value.len);
	st->value[i] = st->owned[i];
	return 0;
}

static int read_config_file(load_state *st, unsigned scopes, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return err_fail(WEFT_EINVALID, "config file %s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		rc = parse_config_line(st, scopes, line, path, lineno);
	}
	free(line);
	fclose(f);
	return rc;
}

static int apply(config *cfg, load_state *st, unsigned scopes, int from_file)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting *s = &settings[i];
		if (!(s->scopes & scopes))
			continue;
		const char *value = st->value[i] ? st->value[i] : s->default_value;
		char source[128];
		if (!st->value[i])
			snprintf(source, sizeof source, "default of --%s", s->name);
		else if (st->owned[i] && from_file)
			snprintf(source, sizeof source, "%s in %s", s->name, cfg->config_file);
		else
			snprintf(source, sizeof source, "--%s (or %s)", s->name, s->env);
		int rc = store(cfg, s, value, source);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int config_load(config *cfg, unsigned scopes, int argc, char **argv, int *npositional,
                int *wants_help)
{
	load_state st = { 0 };
	*wants_help = 0;
	*npositional = 0;
	memset(cfg, 0, sizeof *cfg);
	scopes |= CONFIG_COMMON;
	int rc = read_flags(&st, scopes, argc, argv, npositional, wants_help);
	if (rc == 0)
		read_environment(&st, scopes);
	const char *file = st.value[0]; /* "config" is the table's first row */
	if (rc == 0 && file && *file)
		rc = read_config_file(&st, scopes, file);
	if (rc == 0)
		rc = apply(cfg, &st, scopes, file && *file);
	for (size_t i = 0; i < NSETTINGS; i++)
		free(st.owned[i]);
	if (rc < 0)
		config_dispose(cfg);
	return rc;
}

void config_dispose(config *cfg)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (settings[i].type != SETTING_STRING)
			continue;
		char **slot = (char **)(void *)((char *)cfg + settings[i].offset);
		free(*slot);
		*slot = NULL;
	}
}

void config_print_help(FILE *out, unsigned scopes)
{
	scopes |= CONFIG_COMMON;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting *s = &settings[i];
		if (!(s->scopes & scopes))
			continue;
		char flag[64];
		snprintf(flag, sizeof flag, "--%s %s", s->name,
		         s->type == SETTING_INT ? "N" : "VALUE");
		fprintf(out, "  %-28s %s\n  %-28s %s, default: %s\n", flag, s->help, "", s->env,
		        *s->default_value ? s->default_value : "(none)");
	}
}

int config_split_listen(const char *value, char *host, int *port)
{
	const char *colon;
	size_t host_len;
	if (value[0] == '[') {
		const char *close = strchr(value, ']');
		if (!close || close[1] != ':')
			return err_fail(WEFT_EINVALID, "'%s' is not [IPV6]:PORT", value);
		colon = close + 1;
		host_len = (size_t)(close - value - 1);
		value++;
	} else {
		colon = strrchr(value, ':');
		if (!colon)
			return err_fail(WEFT_EINVALID, "'%s' is not HOST:PORT", value);
		host_len = (size_t)(colon - value);
	}
	if (host_len == 0 || host_len > 255)
		return err_fail(WEFT_EINVALID, "'%s' has no usable host", value);
	int64_t n;
	if (str_to_i64(&n, colon + 1, 0, 65535, "the port") < 0)
		return WEFT_EINVALID;
	memcpy(host, value, host_len);
	host[host_len] = '\0';
	*port = (int)n;
	return 0;
}

char *config_db_url(const config *cfg, const char *service)
{
	const char *configured = strcmp(service, "hub") == 0 ? cfg->hub_db : cfg->track_db;
	buf url = BUF_INIT;
	if (configured && *configured)
		buf_puts(&url, configured);
	else
		buf_printf(&url, "%s/%s.db", cfg->data_dir, service);
	return buf_detach(&url);
}
