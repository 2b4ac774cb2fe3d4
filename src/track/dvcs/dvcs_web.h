/* Administration › Applications › DVCS accounts (dvcs_web.c): the linked accounts with their
 * repositories, the link form and the consent callback, each account's and repository's
 * actions, the progress the page polls, and the smart-commit errors. Every route is declared
 * TRACK_PERM_SITE_ADMIN in track.c; forms carry the CSRF token like every track form. */
#ifndef WEFT_TRACK_DVCS_DVCS_WEB_H
#define WEFT_TRACK_DVCS_DVCS_WEB_H

#include "track/dvcs/dvcs.h"
#include "track/track.h"

/* The page's path. */
#define DVCS_PAGE_PATH "/secure/admin/dvcs"

/* The declared {id} of the account and repository routes: a whole number from 1. */
extern const web_param_spec dvcs_web_id_params[];
/* That {id}, once the router checked it. */
int64_t dvcs_web_id(const web_request *req);

/* GET: the page (?startAt= pages the smart-commit errors). */
int dvcs_accounts_page(web_request *req, web_response *res);
/* GET: {"repositories": [{id, accountId, state, busy, text, error, lastActivity}]}, what the
 * page's script polls while a sync runs. */
int dvcs_progress_json(web_request *req, web_response *res);
/* GET DVCS_CALLBACK_PATH?code=…&state=… (or error=…): the host's answer to the consent;
 * success redirects to the page with the account, failure renders the page with the error on the
 * link form. */
int dvcs_callback_page(web_request *req, web_response *res);
/* POST: the link form (host, site_url, account, oauth_key, oauth_secret, auto_link,
 * smart_commits): a pending account, then a redirect to the host's consent page. */
int dvcs_account_add_submit(web_request *req, web_response *res);
/* POST …/accounts/{id}/defaults (auto_link, smart_commits), …/refresh (discovery),
 * …/oauth (oauth_key, oauth_secret: consent again), GET and POST …/delete (confirmation, then
 * the unlink). */
int dvcs_account_defaults_submit(web_request *req, web_response *res);
int dvcs_account_refresh_submit(web_request *req, web_response *res);
int dvcs_account_oauth_submit(web_request *req, web_response *res);
int dvcs_account_delete_page(web_request *req, web_response *res);
int dvcs_account_delete_submit(web_request *req, web_response *res);
/* POST …/repos/{id} (linked, smart_commits) and …/repos/{id}/sync (full=true for a full one). */
int dvcs_repo_settings_submit(web_request *req, web_response *res);
int dvcs_repo_sync_submit(web_request *req, web_response *res);
/* POST …/left-hooks/{id}/forget: the administrator removed a webhook an unlink left on its host
 * (the page lists it until then); back to the page. */
int dvcs_left_hook_forget_submit(web_request *req, web_response *res);

/* What a repository's sync is doing or did, as the page says it: "Synchronizing: 12,340
 * commits, 3 pull requests, 870 issues found" while it runs (in a). */
const char *dvcs_sync_text(arena *a, const dvcs_repo *repo);

#endif
