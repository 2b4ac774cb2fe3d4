/* A large file's bytes streamed from `git cat-file blob`, so that serving it holds a pipe's worth
 * in memory, never the file: libgit2 has no streaming read of packed objects and would inflate a
 * 200 MB blob whole into the server. */
#ifndef WEFT_HUB_BROWSE_BLOB_STREAM_H
#define WEFT_HUB_BROWSE_BLOB_STREAM_H

#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { HUB_BLOB_SNIFF = 8000 }; /* the bytes read first, to tell text from binary as git does */

typedef struct hub_blob_stream hub_blob_stream;

/* Starts `git --git-dir=GIT_DIR cat-file blob OID` for a blob of size bytes, and reads its first
 * bytes (up to HUB_BLOB_SNIFF; *head and *head_len, owned by the stream) so that the caller can
 * choose a content type. WEFT_ERROR when git cannot run or ends before them. */
int hub_blob_stream_open(hub_blob_stream **out, const char *git_dir, const git_oid *oid,
                         int64_t size, const void **head, size_t *head_len);

/* The pipe the server waits on when hub_blob_stream_read has nothing yet (web_res_stream_wait). */
int hub_blob_stream_fd(const hub_blob_stream *s);

/* A web_stream_fn: the head, then the rest of the pipe; WEB_STREAM_WAIT when the pipe is empty;
 * 0 at the end; -1 when git failed or gave other than size bytes (the client then sees a cut
 * connection, never a short file that looks whole). */
ssize_t hub_blob_stream_read(void *stream, uint64_t offset, char *out, size_t max);

/* Ends the stream: git is killed when still running, and reaped. */
void hub_blob_stream_free(void *stream);

#endif
