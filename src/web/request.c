/* Reading a request: headers, path and query parameters, cookies, the base URL. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <string.h>

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
