/* Git over smart HTTP: info/refs, git-upload-pack and git-receive-pack, served by the `git`
 * program itself (`--stateless-rpc`), streamed both ways through bounded buffers. The router and
 * hub_authorize have authenticated the caller and checked read (fetch) or write (push) before any
 * of this runs. The process must ignore SIGPIPE (weft serve does), so that a git process that
 * ends early makes a write fail instead of ending the server. The response never blocks its worker
 * thread: while git computes, the connection is parked (WEB_STREAM_WAIT) for up to
 * GIT_HTTP_TIME_LIMIT_S. Writing the body does block it, but only for as long as git takes to
 * read a pipe's worth (index-pack reads as fast as it indexes), never while git computes. */
#ifndef WEFT_HUB_GIT_HTTP_H
#define WEFT_HUB_GIT_HTTP_H

#include <stddef.h>

#include "web/web.h"

enum {
	/* Wall-clock limit of one git process; past it the process is killed. */
	GIT_HTTP_TIME_LIMIT_S = 60 * 60,
	/* The largest request body: a push's pack (and a fetch's wants and haves). */
	GIT_HTTP_BODY_LIMIT_MIB = 8 * 1024,
};

#define GIT_HTTP_BODY_LIMIT ((size_t)GIT_HTTP_BODY_LIMIT_MIB * 1024 * 1024)

/* The file whose shared lock a push holds while git receive-pack runs, so that the reconcile
 * job (push.h) never mistakes a push in flight for one its hook failed to record. Relative to
 * the bare repository. */
#define GIT_HTTP_PUSH_LOCK "weft-push.lock"

/* GET …/info/refs?service=git-upload-pack|git-receive-pack: the ref advertisement. */
int hub_git_info_refs(web_request *req, web_response *res);
/* POST …/git-upload-pack and …/git-receive-pack: the request body was streamed into the git
 * process by hub_git_rpc_chunk; the handler answers with the rest of its output. */
int hub_git_rpc(web_request *req, web_response *res);
/* The body_chunk of the two POST routes: starts the git process on the first chunk and feeds it
 * each chunk (inflated when Content-Encoding is gzip). */
int hub_git_rpc_chunk(web_request *req, const char *data, size_t len);

#endif
