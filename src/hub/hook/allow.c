/* The allow list of webhook destinations, checked on the URL and on each connected address. */
#include "hub/hook/allow.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fnmatch.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/str.h"
#include "hub/hook/hook_config.h"

enum { URL_MAX = 2048, ENTRY_MAX = 256 };

typedef enum { CLASS_EXTERNAL, CLASS_PRIVATE, CLASS_LOOPBACK, CLASS_OTHER } addr_class;

/* An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and whether it was IPv4. */
typedef struct addr {
	unsigned char b[16];
	bool v4;
} addr;

static bool parse_addr(const char *text, addr *out)
{
	struct in_addr v4;
	struct in6_addr v6;
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, text, &v4) == 1) {
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, &v4, 4);
		out->v4 = true;
		return true;
	}
	if (inet_pton(AF_INET6, text, &v6) == 1) {
		memcpy(out->b, &v6, 16);
		static const unsigned char mapped[12] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
		};
		out->v4 = memcmp(out->b, mapped, 12) == 0;
		return true;
	}
	return false;
}

static bool from_sockaddr(const struct sockaddr *sa, addr *out)
{
	memset(out, 0, sizeof *out);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, &in->sin_addr, 4);
		out->v4 = true;
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		memcpy(out->b, &in6->sin6_addr, 16);
		static const unsigned char mapped[12] = {
			0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
		};
		out->v4 = memcmp(out->b, mapped, 12) == 0;
		return true;
	}
	return false;
}

/* Whether the first bits of a equal those of prefix (both 16 bytes). */
static bool in_prefix(const unsigned char *a, const unsigned char *prefix, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(a, prefix, (size_t)whole) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (prefix[whole] & mask);
}

static bool v4_in(const addr *a, unsigned char b0, unsigned char b1, int bits)
{
	unsigned char p[16] = { 0 };
	p[10] = p[11] = 0xff;
	p[12] = b0;
	p[13] = b1;
	return a->v4 && in_prefix(a->b, p, 96 + bits);
}

static addr_class classify(const addr *a)
{
	static const unsigned char zero[16] = { 0 };
	if (a->v4) {
		if (v4_in(a, 127, 0, 8) || v4_in(a, 0, 0, 8))
			return CLASS_LOOPBACK; /* 0.0.0.0 reaches this machine too */
		if (v4_in(a, 10, 0, 8) || v4_in(a, 172, 16, 12) || v4_in(a, 192, 168, 16) ||
		    v4_in(a, 169, 254, 16) || v4_in(a, 100, 64, 10))
			return CLASS_PRIVATE;
		if (a->b[12] >= 224)
			return CLASS_OTHER; /* multicast, reserved, broadcast */
		return CLASS_EXTERNAL;
	}
	unsigned char one[16] = { 0 };
	one[15] = 1;
	if (memcmp(a->b, one, 16) == 0 || memcmp(a->b, zero, 16) == 0)
		return CLASS_LOOPBACK;
	if ((a->b[0] & 0xfe) == 0xfc || (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80))
		return CLASS_PRIVATE;
	if (a->b[0] == 0xff)
		return CLASS_OTHER;
	return CLASS_EXTERNAL;
}

/* "10.0.0.0/8" (or one address, "10.1.2.3") → its address and bits; false when entry is
 * neither. */
static bool parse_cidr(const char *entry, addr *net, int *bits)
{
	const char *slash = strchr(entry, '/');
	char text[ENTRY_MAX];
	if (!slash && parse_addr(entry, net)) {
		*bits = 128;
		return true;
	}
	if (!slash || (size_t)(slash - entry) >= sizeof text)
		return false;
	memcpy(text, entry, (size_t)(slash - entry));
	text[slash - entry] = '\0';
	int64_t n;
	if (!parse_addr(text, net) || str_to_i64(&n, slash + 1, 0, net->v4 ? 32 : 128, "bits") < 0)
		return false;
	*bits = (int)n + (net->v4 ? 96 : 0);
	return true;
}

bool hub_hook_url_host(const char *url, char *out)
{
	CURLU *u = curl_url();
	char *host = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	          curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host &&
	          strlen(host) < ENTRY_MAX;
	if (ok) {
		const char *h = host;
		size_t len = strlen(h);
		if (h[0] == '[' && len > 2) {
			h++;
			len -= 2;
		}
		for (size_t i = 0; i < len; i++)
			out[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
		out[len] = '\0';
	}
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

typedef struct verdict {
	const char *host; /* as written in the hook's URL */
	const addr *a; /* NULL: decide by the name alone */
	bool allowed;
} verdict;

static void judge_entry(verdict *v, const char *entry)
{
	addr net;
	int bits;
	if (strcmp(entry, "*") == 0)
		v->allowed = true;
	else if (strcasecmp(entry, "external") == 0 || strcasecmp(entry, "private") == 0 ||
	         strcasecmp(entry, "loopback") == 0) {
		addr_class want = strcasecmp(entry, "external") == 0  ? CLASS_EXTERNAL
		                  : strcasecmp(entry, "private") == 0 ? CLASS_PRIVATE
		                                                      : CLASS_LOOPBACK;
		if (v->a && classify(v->a) == want)
			v->allowed = true;
	} else if (parse_cidr(entry, &net, &bits)) {
		if (v->a && in_prefix(v->a->b, net.b, bits))
			v->allowed = true;
	} else if (fnmatch(entry, v->host, FNM_CASEFOLD) == 0)
		v->allowed = true;
}

/* Calls judge_entry for each entry of the configured list (or of the default). */
static void judge(verdict *v)
{
	const hub_hook_config *cfg = hub_hook_config_get();
	const char *list = cfg->allowed_hosts;
	char track_host[ENTRY_MAX];
	if (!*list) {
		judge_entry(v, "external");
		if (*cfg->track_url && hub_hook_url_host(cfg->track_url, track_host))
			judge_entry(v, track_host);
		return;
	}
	while (*list && !v->allowed) {
		size_t len = strcspn(list, ",");
		char entry[ENTRY_MAX];
		const char *start = list;
		while (len && (*start == ' ' || *start == '\t')) {
			start++;
			len--;
		}
		while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
			len--;
		if (len && len < sizeof entry) {
			memcpy(entry, start, len);
			entry[len] = '\0';
			judge_entry(v, entry);
		}
		list += strcspn(list, ",");
		if (*list == ',')
			list++;
	}
}

bool hub_hook_address_allowed(const char *host, const struct sockaddr *sa)
{
	addr a;
	if (!from_sockaddr(sa, &a))
		return false;
	verdict v = { host, &a, false };
	judge(&v);
	return v.allowed;
}

static bool is_localhost(const char *host)
{
	return strcmp(host, "localhost") == 0 || str_ends_with(host, ".localhost");
}

/* The URL's host by its literal address (or its name "localhost"), before any lookup. */
static int check_host(const char *host)
{
	addr a, *known = NULL;
	if (parse_addr(host, &a))
		known = &a;
	else if (is_localhost(host) && parse_addr("127.0.0.1", &a))
		known = &a;
	verdict v = { host, known, false };
	judge(&v);
	if (v.allowed || !known)
		return 0;
	const char *what = classify(known) == CLASS_LOOPBACK  ? "a loopback address"
	                   : classify(known) == CLASS_PRIVATE ? "a private address"
	                                                      : "an address webhooks may not use";
	return err_fail(
	        WEFT_EINVALID,
	        "The URL's host %s is %s, which the webhook allow list of this site refuses "
	        "(ask an administrator to add it to --webhook-allowed-hosts).",
	        host, what);
}

int hub_hook_check_url(const char *url)
{
	CURLU *u = NULL;
	char *scheme = NULL, *user = NULL, *password = NULL, *fragment = NULL;
	char host[ENTRY_MAX];
	int rc = 0;
	if (!url || !*url)
		return err_fail(WEFT_EINVALID, "A URL is required.");
	if (strlen(url) > URL_MAX)
		return err_fail(WEFT_EINVALID, "The URL is longer than %d bytes.", URL_MAX);
	if (!str_is_utf8(url, strlen(url)) || strpbrk(url, " \t\r\n\\") ||
	    (!str_starts_with(url, "http://") && !str_starts_with(url, "https://")))
		return err_fail(WEFT_EINVALID, "The URL must be an http:// or https:// URL.");
	if (strstr(url, "://")[3] == '/') /* curl would read "http:///x" as the host x */
		return err_fail(WEFT_EINVALID,
		                "The URL must be an http:// or https:// URL with a host.");
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    !hub_hook_url_host(url, host) || !*host) {
		rc = err_fail(WEFT_EINVALID,
		              "The URL must be an http:// or https:// URL with a host.");
		goto done;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK) {
		rc = err_fail(WEFT_EINVALID,
		              "The URL must not contain a user name or password: use "
		              "the webhook's secret to authenticate deliveries.");
		goto done;
	}
	if (curl_url_get(u, CURLUPART_FRAGMENT, &fragment, 0) == CURLUE_OK) {
		rc = err_fail(WEFT_EINVALID, "The URL must not contain a fragment (#…).");
		goto done;
	}
	rc = check_host(host);
done:
	curl_free(fragment);
	curl_free(password);
	curl_free(user);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

int hub_hook_check_allow_list(const char *list)
{
	while (*list) {
		size_t len = strcspn(list, ",");
		if (len >= ENTRY_MAX)
			return err_fail(WEFT_EINVALID, "an entry longer than %d bytes", ENTRY_MAX);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)list[i] < 0x20 || (unsigned char)list[i] >= 0x7f)
				return err_fail(WEFT_EINVALID,
				                "'%.*s' is not a host, block or class", (int)len,
				                list);
		list += len;
		if (*list == ',')
			list++;
	}
	return 0;
}
