/* The users API: GET /2.0/user, /2.0/user/emails[/{email}], /2.0/users/{selected_user}, and
 * POST /2.0/users to sign up (weft's own: Bitbucket has no sign-up API). */
#ifndef WEFT_HUB_USER_API_H
#define WEFT_HUB_USER_API_H

#include "web/web.h"

int hub_api_current_user(web_request *req, web_response *res);
int hub_api_user_emails(web_request *req, web_response *res);
int hub_api_user_email(web_request *req, web_response *res);
int hub_api_selected_user(web_request *req, web_response *res);
int hub_api_sign_up(web_request *req, web_response *res);

#endif
