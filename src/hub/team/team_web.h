/* The HTML pages of teams (team_web.c) and of plans in the administrators' area (plan_web.c).
 * Each handler runs after the router's checks of the permission its route declares (hub.c). */
#ifndef WEFT_HUB_TEAM_WEB_H
#define WEFT_HUB_TEAM_WEB_H

#include "web/web.h"

/* The {id} path parameter of plans and invitations: a positive integer. */
extern const web_param_spec hub_team_id_params[];

/* /teams, /teams/new (signed-in users): your teams, and creating one. */
int hub_teams_page(web_request *req, web_response *res);
int hub_team_new_page(web_request *req, web_response *res);
int hub_team_create_submit(web_request *req, web_response *res);

/* /invitations/{token}: what the link offers, and accepting it (signed in). */
int hub_invitation_page(web_request *req, web_response *res);
int hub_invitation_accept_submit(web_request *req, web_response *res);

/* /{workspace} (HUB_PERM_WORKSPACE_VIEW): a team's or a user's overview. */
int hub_workspace_page(web_request *req, web_response *res);

/* /{workspace}/settings… (HUB_PERM_WORKSPACE_ADMIN): details, members and deletion. */
int hub_team_settings_page(web_request *req, web_response *res);
int hub_team_rename_submit(web_request *req, web_response *res);
int hub_team_delete_submit(web_request *req, web_response *res);
int hub_team_member_remove_submit(web_request *req, web_response *res);

/* /{workspace}/settings/groups… (HUB_PERM_WORKSPACE_ADMIN): user groups and invitations. */
int hub_team_groups_page(web_request *req, web_response *res);
int hub_team_group_create_submit(web_request *req, web_response *res);
int hub_team_group_page(web_request *req, web_response *res);
int hub_team_group_update_submit(web_request *req, web_response *res);
int hub_team_group_delete_submit(web_request *req, web_response *res);
int hub_team_group_member_add_submit(web_request *req, web_response *res);
int hub_team_group_member_remove_submit(web_request *req, web_response *res);
int hub_team_invitation_revoke_submit(web_request *req, web_response *res);
int hub_team_invitation_resend_submit(web_request *req, web_response *res);

/* /admin/plans… (HUB_PERM_SITE_ADMIN): defining plans and giving them to teams. */
int hub_admin_plans_page(web_request *req, web_response *res);
int hub_admin_plan_create_submit(web_request *req, web_response *res);
int hub_admin_plan_update_submit(web_request *req, web_response *res);
int hub_admin_plan_delete_submit(web_request *req, web_response *res);
int hub_admin_plan_assign_submit(web_request *req, web_response *res);

#endif
