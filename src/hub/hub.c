/* hub's route table, its home page and its Bitbucket-shaped API errors. */
#include "hub/hub.h"

/* Bitbucket Cloud's error body: {"type": "error", "error": {"message": "…"}}. */
static void render_api_error(web_request *req, web_response *res, int status, const char *message)
{
	(void)req;
	web_res_json(res, status,
	             json_pack("{s:s, s:{s:s}}", "type", "error", "error", "message", message));
}

static int home_page(web_request *req, web_response *res)
{
	return web_res_page(req, res, 200, "hub/home", "Home",
	                    json_pack("{s:s}", "state", "RUNNING"));
}

static const web_route routes[] = {
	WEB_BUILTIN_ROUTES,
	{ "GET", "/", home_page, 0, 0, 0, NULL, NULL },
};

static const char *const api_prefixes[] = { "/2.0/", "/1.0/", NULL };

static const web_service service = {
	.name = "hub",
	.product = "weft hub",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.api_prefixes = api_prefixes,
	.render_api_error = render_api_error,
};

const web_service *hub_service(void)
{
	return &service;
}
