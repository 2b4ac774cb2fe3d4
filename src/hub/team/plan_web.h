/* The plans pages of the administrators' area: defining plans and giving them to teams. Each
 * handler runs after the router's checks of the permission its route declares (hub.c). */
#ifndef WEFT_HUB_PLAN_WEB_H
#define WEFT_HUB_PLAN_WEB_H

#include "web/web.h"

/* /admin/plans… (HUB_PERM_SITE_ADMIN): defining plans and giving them to teams. */
int hub_admin_plans_page(web_request *req, web_response *res);
int hub_admin_plan_create_submit(web_request *req, web_response *res);
int hub_admin_plan_update_submit(web_request *req, web_response *res);
int hub_admin_plan_delete_submit(web_request *req, web_response *res);
int hub_admin_plan_assign_submit(web_request *req, web_response *res);

#endif
