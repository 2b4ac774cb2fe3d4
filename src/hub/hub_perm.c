/* hub's one place for "may this actor do this": every route's declared permission is decided
 * here, before its handler runs. What a caller may not see answers 404, never 403. */
#include "base/err.h"
#include "hub/hub.h"

static int hidden(void)
{
	return err_fail(WEFT_ENOTFOUND, "There is nothing at this address.");
}

int hub_authorize(web_request *req)
{
	const hub_viewer *v = hub_viewer_of(req);
	switch (req->route->permission) {
	case HUB_PERM_NONE: return 0;
	case HUB_PERM_SITE_ADMIN: return v && v->user.is_admin ? 0 : hidden();
	default: return hidden(); /* a permission nobody taught this file is nobody's */
	}
}
