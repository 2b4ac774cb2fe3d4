/* The source pages and the src API's handlers (source_web.c, source_api.c), and what both share:
 * opening the repository of a repository route at the revision its URL names. */
#ifndef WEFT_HUB_SOURCE_WEB_H
#define WEFT_HUB_SOURCE_WEB_H

#include <git2.h>

#include "hub/repo/repo.h"
#include "hub/browse/source.h"
#include "web/web.h"

/* A repository opened for one request. */
typedef struct hub_source_at {
	hub_repo repo;
	git_repository *git;
	git_commit *commit; /* NULL until hub_source_resolve, and for an empty repository */
	char hash[GIT_OID_HEXSZ + 1];
} hub_source_at;

/* Loads the route's repository (hub_request_repo) and opens it; close with hub_source_close
 * even on failure. */
int hub_source_open(hub_source_at *at, web_request *req);

/* Resolves rev (branch, tag, hash) to at->commit and at->hash. WEFT_ENOTFOUND when nothing
 * matches. */
int hub_source_resolve(hub_source_at *at, const char *rev);

/* Resolves the repository's main branch, or (when it does not exist) its first branch;
 * *ref names it (in a). WEFT_ENOTFOUND for a repository without branches. */
int hub_source_resolve_default(hub_source_at *at, arena *a, const char **ref);

/* hub_source_open, then the default branch resolved as above: the source root's API answer and
 * page both start so. WEFT_ENOTFOUND ("This repository is empty.") for an empty repository;
 * close at in any case. */
int hub_source_open_default(hub_source_at *at, web_request *req, const char **ref);

void hub_source_close(hub_source_at *at);

/* Sends a file entry's bytes so that they can never render as a page of our origin: a sandbox
 * CSP, nosniff (always), and the blob's ETag (304 for a match). For the API (for_browser false):
 * the type the extension says, without charset, as an attachment. For a browser: safe images
 * inline as themselves, other text inline as text/plain, the rest as an
 * application/octet-stream attachment. Files over 8 MiB stream from git cat-file, so that the
 * server never holds them whole. WEFT_EINVALID for an entry that is not a file. */
int hub_source_send_file(web_request *req, web_response *res, const hub_source_at *at,
                         const hub_source_entry *file, bool for_browser);

/* Pages (source_web.c). */
int hub_repo_overview_page(web_request *req, web_response *res);
/* GET /{workspace}/{repo_slug}.git: 301 to the repository's page. */
int hub_repo_git_page(web_request *req, web_response *res);
int hub_source_root_page(web_request *req, web_response *res);
int hub_source_page(web_request *req, web_response *res);
int hub_source_raw(web_request *req, web_response *res);

/* API (source_api.c). */
int hub_api_src_root(web_request *req, web_response *res);
int hub_api_src(web_request *req, web_response *res);
int hub_api_src_create(web_request *req, web_response *res);
int hub_api_filehistory(web_request *req, web_response *res);

#endif
