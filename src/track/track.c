/* track's route table, its home page and its Jira-shaped API errors. */
#include "track/track.h"

/* Jira's ErrorCollection: {"errorMessages": ["…"], "errors": {}}. */
static void render_api_error(web_request *req, web_response *res, int status, const char *message)
{
	(void)req;
	web_res_json(res, status, json_pack("{s:[s], s:{}}", "errorMessages", message, "errors"));
}

static int home_page(web_request *req, web_response *res)
{
	return web_res_page(req, res, 200, "track/home", "Home",
	                    json_pack("{s:s}", "state", "RUNNING"));
}

static const web_route routes[] = {
	WEB_BUILTIN_ROUTES,
	{ "GET", "/", home_page, 0, 0, 0, NULL, NULL },
};

static const char *const api_prefixes[] = { "/rest/", NULL };

static const web_service service = {
	.name = "track",
	.product = "weft track",
	.routes = routes,
	.nroutes = sizeof routes / sizeof routes[0],
	.api_prefixes = api_prefixes,
	.render_api_error = render_api_error,
};

const web_service *track_service(void)
{
	return &service;
}
