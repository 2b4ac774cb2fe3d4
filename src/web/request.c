/* Reading a request: headers, path and query parameters, cookies, the base URL. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/cidr.h"
#include "base/err.h"

#include "web/server_internal.h"
#include "web/web.h"

const char *web_header(const web_request *req, const char *name)
{
	if (!req->conn)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *web_param(const web_request *req, const char *name)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->param_names[i], name) == 0)
			return req->param_values[i];
	return NULL;
}

const char *web_query(const web_request *req, const char *name)
{
	return web_pairs_get(&req->query, name);
}

int web_param_read(const web_request *req, const web_param_spec *p, const char **out)
{
	const char *value = NULL;
	switch (p->source) {
	case WEB_FROM_PATH: value = web_param(req, p->name); break;
	case WEB_FROM_QUERY: value = web_pairs_get(&req->query, p->name); break;
	case WEB_FROM_FORM: value = web_pairs_get(&req->form, p->name); break;
	}
	*out = NULL;
	if (!value && p->required)
		return err_fail(WEFT_EINVALID, "%s is required.", p->name);
	if (value && p->check && p->check(value) < 0)
		return err_fail(WEFT_EINVALID, "%s: %s", p->name, err_msg());
	*out = value;
	return 0;
}

const char *web_cookie(web_request *req, const char *name)
{
	if (!req->cookies_parsed) {
		const char *header = web_header(req, "Cookie");
		if (header)
			web_cookies_parse(&req->cookies, req->arena, header);
		req->cookies_parsed = true;
	}
	return web_pairs_get(&req->cookies, name);
}

/* A Host header is only trusted for links when it looks like a host name or address. */
static bool host_is_plain(const char *host)
{
	if (!*host || strlen(host) > 255)
		return false;
	return strspn(host,
	              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
	       strlen(host);
}

const char *web_base_url(const web_request *req)
{
	if (req->server && req->server->public_url)
		return req->server->public_url;
	const char *host = web_header(req, "Host");
	if (!host || !host_is_plain(host))
		host = "localhost";
	return arena_printf(req->arena, "http://%s", host);
}

/* The peer's address: the other end of the connection. */
static const char *peer_address(web_request *req)
{
	const union MHD_ConnectionInfo *info =
	        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!info || !info->client_addr)
		return "";
	char text[INET6_ADDRSTRLEN] = "";
	const struct sockaddr *sa = info->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
		          sizeof text);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          text, sizeof text);
	return arena_strdup(req->arena, text);
}

/* One hop of X-Forwarded-For ("192.0.2.7", "2001:db8::1") or the value of a Forwarded for=
 * ("192.0.2.7", "\"[2001:db8::1]:4711\"", "192.0.2.7:80"), as a bare address in a; NULL for
 * anything else ("unknown", obfuscated names). */
static const char *hop_address(arena *a, const char *hop, size_t len)
{
	while (len && (*hop == ' ' || *hop == '\t' || *hop == '"'))
		hop++, len--;
	while (len && (hop[len - 1] == ' ' || hop[len - 1] == '\t' || hop[len - 1] == '"'))
		len--;
	if (len && *hop == '[') { /* [v6] or [v6]:port */
		const char *close = memchr(hop, ']', len);
		return close ? hop_address(a, hop + 1, (size_t)(close - hop - 1)) : NULL;
	}
	const char *colon = memchr(hop, ':', len);
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - hop) - 1))
		len = (size_t)(colon - hop); /* v4:port */
	char text[INET6_ADDRSTRLEN];
	unsigned char bin[16];
	if (len == 0 || len >= sizeof text)
		return NULL;
	memcpy(text, hop, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, bin) != 1 && inet_pton(AF_INET6, text, bin) != 1)
		return NULL;
	return arena_strdup(a, text);
}

/* The address of one element of the chain: X-Forwarded-For's is the element; Forwarded's is
 * the value of its for= pair ("for=192.0.2.7;proto=https"). */
static const char *element_address(arena *a, const char *element, size_t len, bool forwarded)
{
	if (!forwarded)
		return hop_address(a, element, len);
	for (size_t at = 0; at < len;) {
		size_t pair = at, pair_len = 0;
		while (pair < len && (element[pair] == ' ' || element[pair] == '\t'))
			pair++;
		while (pair + pair_len < len && element[pair + pair_len] != ';')
			pair_len++;
		if (pair_len > 4 && strncasecmp(element + pair, "for=", 4) == 0)
			return hop_address(a, element + pair + 4, pair_len - 4);
		at = pair + pair_len + 1;
	}
	return NULL;
}

/* Walks the chain a proxy recorded (Forwarded, else X-Forwarded-For; client first) from the
 * nearest hop: a hop that is a trusted proxy passes the question on, the first that is not is
 * the client. A hop that names no address stops the walk at the proxy that wrote it. */
static const char *through_proxies(web_request *req, const char *peer)
{
	const char *chain = web_header(req, "Forwarded");
	bool forwarded = chain != NULL;
	if (!chain)
		chain = web_header(req, "X-Forwarded-For");
	const char *client = peer;
	size_t end = chain ? strlen(chain) : 0;
	while (end > 0 && cidr_list_contains(&req->server->trusted_proxies, client)) {
		size_t start = end;
		while (start > 0 && chain[start - 1] != ',')
			start--;
		const char *hop =
		        element_address(req->arena, chain + start, end - start, forwarded);
		if (!hop)
			break;
		client = hop;
		end = start > 0 ? start - 1 : 0;
	}
	return client;
}

const char *web_client_address(web_request *req)
{
	if (!req->conn)
		return "";
	const char *peer = peer_address(req);
	if (!req->server || req->server->trusted_proxies.n == 0)
		return peer;
	return through_proxies(req, peer);
}

int web_basic_credentials(web_request *req, const char **login, const char **password)
{
	const char *header = web_header(req, "Authorization");
	if (!header || strncasecmp(header, "Basic ", 6) != 0)
		return WEFT_ENOTFOUND;
	const char *b64 = header + 6;
	size_t max = strlen(b64), len = 0;
	unsigned char *raw = arena_alloc(req->arena, max + 1);
	if (sodium_base642bin(raw, max, b64, max, " ", &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return err_fail(WEFT_EAUTH, "The Authorization header is malformed.");
	raw[len] = '\0';
	char *colon = strchr((char *)raw, ':');
	if (!colon || strlen((char *)raw) != len)
		return err_fail(WEFT_EAUTH, "The Authorization header is malformed.");
	*colon = '\0';
	*login = (const char *)raw;
	*password = colon + 1;
	return 0;
}

const char *web_bearer_token(const web_request *req)
{
	const char *header = web_header(req, "Authorization");
	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	const char *token = header + 7;
	while (*token == ' ')
		token++;
	return token;
}

bool web_cross_site(const web_request *req)
{
	const char *site = web_header(req, "Sec-Fetch-Site");
	if (site)
		return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
	const char *origin = web_header(req, "Origin");
	return origin && strcmp(origin, web_base_url(req)) != 0;
}

const char *web_local_path(const char *next, const char *fallback)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return fallback;
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return fallback;
	return next;
}
