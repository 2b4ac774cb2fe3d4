/* Reading a request: headers, path and query parameters, cookies, the base URL. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

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

const char *web_client_address(web_request *req)
{
	if (!req->conn)
		return "";
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
