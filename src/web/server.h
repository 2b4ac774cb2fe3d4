/* One HTTP server per service on libmicrohttpd: a thread pool with epoll, keep-alive, header and
 * body limits, the central checks, the access log and a graceful stop. The listening socket is
 * opened first (web_listen), so that a command can refuse a busy address before it creates any
 * data. */
#ifndef WEFT_WEB_SERVER_H
#define WEFT_WEB_SERVER_H

#include "web/web.h"

typedef struct web_server web_server;

typedef struct web_server_options {
	const char *public_url; /* this service's base URL; NULL: from the request's Host header */
	const char *other_url; /* the other service's base URL, for links; may be NULL */
	int threads; /* 0: two per processor */
	int max_header_kib; /* request line and headers; larger requests get 431 */
	/* Addresses and networks (base/cidr.h) of reverse proxies: only a request from one of them
	 * has its X-Forwarded-For / Forwarded read (web_client_address). NULL or "": none. */
	const char *trusted_proxies;
	const tmpl_set *templates;
	void *app; /* handed to every request as req->app */
} web_server_options;

/* Binds and listens on "HOST:PORT" (port 0: any free port). Writes the socket and the port that
 * was bound. WEFT_EINVALID for an unparsable address, WEFT_ERROR naming the address and the
 * system's reason (in use, not permitted) when it cannot be bound. */
int web_listen(int *out_fd, int *out_port, const char *listen);

/* Starts serving svc on listen_fd (which the server then owns). WEFT_EINVALID for a malformed
 * route table or trusted_proxies list, WEFT_ERROR when the HTTP library fails to start. */
int web_server_start(web_server **out, const web_service *svc, int listen_fd,
                     const web_server_options *opt);

/* Stops accepting connections, lets requests in flight finish for up to timeout_seconds, then
 * closes everything and frees the server. */
void web_server_stop(web_server *s, int timeout_seconds);

/* The number of requests being handled right now. */
int web_server_in_flight(const web_server *s);

/* "http://HOST:PORT" for a listen address and the port it got ("[::1]" for IPv6), or NULL for
 * a wildcard address (0.0.0.0, ::), where only the request's Host header can tell. */
char *web_url_for_listen(const char *listen, int port);

#endif
