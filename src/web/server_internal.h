/* The server's state, shared by the web layer's own files (request, response, server) only. */
#ifndef WEFT_WEB_SERVER_INTERNAL_H
#define WEFT_WEB_SERVER_INTERNAL_H

#include <stdatomic.h>

#include "base/cidr.h"
#include "web/router.h"
#include "web/server.h"

struct web_server {
	const web_service *service;
	web_router *router;
	const tmpl_set *templates;
	struct MHD_Daemon *daemon;
	char *public_url; /* NULL: derive from Host */
	char *other_url;
	size_t max_header_bytes;
	cidr_list trusted_proxies;
	void *app;
	atomic_int in_flight;
	struct web_parking *parking; /* streams waiting for their producer (server.c) */
};

#endif
