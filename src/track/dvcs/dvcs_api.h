/* The connector's admin REST API in the shape of Jira's DVCS connector, under
 * /rest/bitbucket/1.0/ (dvcs_api.c); site administrators only, with Basic or Bearer credentials
 * like every track API route. Errors are Jira's {"errorMessages": […], "errors": {}}.
 *
 *   GET  repositories                 {"repositories": [REPOSITORY…]}
 *   GET  repository/{id}              REPOSITORY
 *   POST repository/{id}/softsync     queues a soft sync: 200 REPOSITORY (Jira: 303 to it)
 *   POST repository/{id}/fullsync     queues a full sync: 200 REPOSITORY
 *   POST repository/{id}/autolink     {"payload": true|false}: links or unlinks; 200
 *        (also repo/{id}/autolink)     {"repository": REPOSITORY, "callBackUrl", "callBackUrlInstalled"}
 *   POST repository/{id}/smarts       {"payload": true|false}: smart commits on or off; 204
 *        (also repo/{id}/smart)
 *   GET  organizations                {"organizations": [ORGANIZATION…]}
 *   GET  organization/{id}            ORGANIZATION, with its "repositories"
 *   POST organization/{id}/syncRepoList   queues the account's discovery; 204
 *   POST org/{id}/autolink, org/{id}/globalsmarts   {"payload": …}: the account's defaults; 204
 *
 * The payload is Jira's SentData: a JSON boolean, or the string "true" or "false" as Jira's
 * own page sends it; anything else is 400. REPOSITORY: id, orgId (and Jira's organizationId),
 * dvcsType, name, slug, linked, deleted, smartcommitsEnabled, repositoryUrl, orgName,
 * orgHostUrl, lastActivityDate, adminPermission, and sync {finished, state, full,
 * changesetCount, pullRequestActivityCount, jiraCount, smartCommitErrors, startTime,
 * finishTime, error}; times in epoch milliseconds, 0 when never. */
#ifndef WEFT_TRACK_DVCS_DVCS_API_H
#define WEFT_TRACK_DVCS_DVCS_API_H

#include "track/track.h"

int dvcs_api_repositories(web_request *req, web_response *res);
int dvcs_api_repository(web_request *req, web_response *res);
int dvcs_api_softsync(web_request *req, web_response *res);
int dvcs_api_fullsync(web_request *req, web_response *res);
int dvcs_api_autolink(web_request *req, web_response *res);
int dvcs_api_smarts(web_request *req, web_response *res);
int dvcs_api_organizations(web_request *req, web_response *res);
int dvcs_api_organization(web_request *req, web_response *res);
int dvcs_api_sync_repo_list(web_request *req, web_response *res);
int dvcs_api_org_autolink(web_request *req, web_response *res);
int dvcs_api_org_smarts(web_request *req, web_response *res);

#endif
