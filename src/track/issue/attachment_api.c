/* Jira's attachment resources (POST issue/{key}/attachments, attachment/{id}, attachment/meta,
 * attachment/content/{id} and attachment/thumbnail/{id}), the content and thumbnail URLs under
 * /secure/, and the issue page's upload and delete forms. Uploads stream to disk as they arrive;
 * downloads stream from disk, under headers that keep an uploaded page or SVG from running in
 * track's origin. */
#include "track/issue/attachment_api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"
#include "track/account/account_web.h"
#include "track/issue/attachment.h"
#include "track/jira.h"
#include "track/track_perm.h"
#include "web/escape.h"

/* What a downloaded attachment may do in a browser: nothing. */
#define SANDBOX_POLICY "sandbox; default-src 'none'"

/* ---- JSON ---- */

/* RFC 5987's attr-char: what stays as it is in filename*=UTF-8''…; the rest is %XX. */
static bool is_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$&+-.^_`|~", c));
}

const char *track_attachment_url(web_request *req, const char *kind, const track_attachment *a)
{
	buf out = BUF_INIT;
	buf_printf(&out, "%s/secure/%s/%lld/", web_base_url(req), kind, (long long)a->id);
	esc_url_segment(&out, a->filename, strlen(a->filename));
	const char *url = arena_strdup(req->arena, buf_cstr(&out));
	buf_dispose(&out);
	return url;
}

json_t *track_api_attachment_json(web_request *req, const track_attachment *a, bool numeric_id)
{
	json_t *out = json_pack(
	        "{s:s, s:o, s:s, s:o, s:s, s:I, s:s, s:s}", "self",
	        track_jira_self(req, "attachment/%lld", (long long)a->id), "id",
	        numeric_id ? json_integer(a->id)
	                   : json_string(arena_printf(req->arena, "%lld", (long long)a->id)),
	        "filename", a->filename, "author",
	        a->author.id ? track_user_json(req, &a->author) : json_null(), "created",
	        track_jira_time(req->arena, a->created_at), "size", (json_int_t)a->size, "mimeType",
	        a->mime_type, "content", track_attachment_url(req, "attachment", a));
	if (track_attachment_has_thumbnail(a))
		json_object_set_new(out, "thumbnail",
		                    json_string(track_attachment_url(req, "thumbnail", a)));
	return out;
}

/* ---- uploads ---- */

static int xsrf_failed(void)
{
	return err_fail(WEFT_EPERM, "XSRF check failed");
}

/* Each chunk of the body as it arrives; the first starts the upload. */
int track_attachment_upload_chunk(web_request *req, const char *data, size_t len)
{
	track_upload *u = req->stream_state;
	if (!u) {
		if ((req->route->flags & WEB_API) && !track_xsrf_token_sent(req))
			return xsrf_failed();
		int rc = track_upload_new(&u, track_app_of(req), req->arena,
		                          web_header(req, "Content-Type"), &req->form);
		if (rc < 0)
			return rc;
		req->stream_state = u;
		req->stream_release = track_upload_free;
	}
	return track_upload_feed(u, data, len);
}

typedef struct store_ctx {
	web_request *req;
	track_upload *u;
	track_attachment *list;
	size_t n;
} store_ctx;

static int store_tx(db_conn *c, void *ctx)
{
	store_ctx *s = ctx;
	const track_viewer *v = track_viewer_of(s->req);
	return track_attachment_store(c, s->req->arena, s->u, track_scope_of(s->req)->issue_id,
	                              v->user.id, &s->list, &s->n);
}

/* The body has ended: the files become attachments of the route's issue. */
static int store_upload(web_request *req, store_ctx *s)
{
	*s = (store_ctx){ .req = req, .u = req->stream_state };
	if ((req->route->flags & WEB_API) && !track_xsrf_token_sent(req))
		return xsrf_failed();
	if (!s->u)
		return err_fail(WEFT_EINVALID, "No file was attached: send it as the multipart "
		                               "field 'file'.");
	int rc = track_upload_finish(s->u);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, store_tx, s);
	if (rc < 0)
		track_attachment_store_failed(track_app_of(req)->d, s->u);
	return rc;
}

int track_api_attachment_upload(web_request *req, web_response *res)
{
	store_ctx s;
	int rc = store_upload(req, &s);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < s.n; i++)
		json_array_append_new(list, track_api_attachment_json(req, &s.list[i], false));
	web_res_json(res, 200, list);
	return 0;
}

static const char *issue_page(web_request *req)
{
	buf out = BUF_INIT;
	const char *key = track_scope_of(req)->issue_key;
	buf_puts(&out, "/browse/");
	esc_url_segment(&out, key, strlen(key));
	buf_puts(&out, "#attachments");
	const char *path = arena_strdup(req->arena, buf_cstr(&out));
	buf_dispose(&out);
	return path;
}

int track_issue_attachment_submit(web_request *req, web_response *res)
{
	store_ctx s;
	int rc = store_upload(req, &s);
	if (rc == 0)
		web_res_redirect(req, res, 303, issue_page(req));
	return rc;
}

/* ---- one attachment ---- */

static int attachment_id(const web_request *req, int64_t *out)
{
	const char *id = web_param(req, "id");
	char *end = NULL;
	errno = 0;
	long long n = id ? strtoll(id, &end, 10) : 0;
	if (!id || !*id || *end || errno || n <= 0)
		return err_fail(WEFT_ENOTFOUND, "The attachment with id '%s' does not exist.",
		                id ? id : "");
	*out = n;
	return 0;
}

typedef struct get_ctx {
	web_request *req;
	int64_t id;
	track_attachment a;
} get_ctx;

static int get_tx(db_conn *c, void *ctx)
{
	get_ctx *g = ctx;
	const track_viewer *v = track_viewer_of(g->req);
	return track_attachment_get(c, g->req->arena, v ? &v->user : NULL, g->id, &g->a);
}

static int load(web_request *req, get_ctx *g)
{
	*g = (get_ctx){ .req = req };
	int rc = attachment_id(req, &g->id);
	if (rc == 0)
		rc = db_read(track_app_of(req)->d, get_tx, g);
	return rc;
}

int track_api_attachment(web_request *req, web_response *res)
{
	get_ctx g;
	int rc = load(req, &g);
	if (rc < 0)
		return rc;
	json_t *out = track_api_attachment_json(req, &g.a, true);
	json_object_set_new(out, "properties", json_object());
	web_res_json(res, 200, out);
	return 0;
}

static int delete_tx(db_conn *c, void *ctx)
{
	get_ctx *g = ctx;
	return track_attachment_delete(c, g->req->arena, &track_viewer_of(g->req)->user, g->id);
}

static int delete_attachment(web_request *req)
{
	get_ctx g = { .req = req };
	int rc = attachment_id(req, &g.id);
	if (rc == 0)
		rc = db_tx(track_app_of(req)->d, delete_tx, &g);
	return rc;
}

int track_api_attachment_delete(web_request *req, web_response *res)
{
	int rc = delete_attachment(req);
	if (rc == 0)
		web_res_text(res, 204, "");
	return rc;
}

int track_issue_attachment_delete_submit(web_request *req, web_response *res)
{
	int rc = delete_attachment(req);
	if (rc == 0)
		web_res_redirect(req, res, 303, issue_page(req));
	return rc;
}

int track_api_attachment_meta(web_request *req, web_response *res)
{
	const track_app *app = track_app_of(req);
	web_res_json(res, 200,
	             json_pack("{s:b, s:I}", "enabled", app->attachments_dir != NULL, "uploadLimit",
	                       (json_int_t)app->attachment_max_size));
	return 0;
}

/* ---- content ---- */

typedef struct content_stream {
	int fd;
} content_stream;

static ssize_t content_read(void *ctx, uint64_t offset, char *out, size_t max)
{
	content_stream *s = ctx;
	for (;;) {
		ssize_t n = pread(s->fd, out, max, (off_t)offset);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -1 : n;
	}
}

static void content_free(void *ctx)
{
	content_stream *s = ctx;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

/* Content-Disposition with an ASCII filename= for old clients and the exact name in
 * filename*=UTF-8''… (RFC 6266, RFC 5987). */
static const char *disposition(arena *a, const track_attachment *at, bool inline_ok)
{
	buf out = BUF_INIT;
	buf_puts(&out, inline_ok ? "inline; filename=\"" : "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)at->filename; *p; p++)
		buf_putc(&out, *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? (char)*p : '_');
	buf_puts(&out, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)at->filename; *p; p++)
		if (is_attr_char(*p))
			buf_putc(&out, (char)*p);
		else
			buf_printf(&out, "%%%02X", *p);
	const char *value = arena_strdup(a, buf_cstr(&out));
	buf_dispose(&out);
	return value;
}

/* Streams the attachment's bytes; an image shows inline, anything else downloads, and either
 * way the answer runs no script (sandbox) and is never sniffed as another type. */
static int serve(web_request *req, web_response *res, const track_attachment *a)
{
	int fd = -1;
	int rc = track_attachment_open(track_app_of(req), a, &fd);
	if (rc < 0)
		return rc;
	content_stream *s = mem_zalloc(sizeof *s);
	s->fd = fd;
	bool image = track_attachment_is_image(a);
	web_res_stream(res, 200, a->mime_type, content_read, s, content_free);
	res->stream_length = (uint64_t)a->size;
	res->content_security_policy = SANDBOX_POLICY;
	web_res_header(req, res, "Content-Disposition", disposition(req->arena, a, image));
	web_res_header(req, res, "Cache-Control", "private, no-cache");
	return 0;
}

int track_attachment_content(web_request *req, web_response *res)
{
	get_ctx g;
	int rc = load(req, &g);
	return rc < 0 ? rc : serve(req, res, &g.a);
}

int track_attachment_thumbnail(web_request *req, web_response *res)
{
	get_ctx g;
	int rc = load(req, &g);
	if (rc == 0 && !track_attachment_has_thumbnail(&g.a))
		rc = err_fail(WEFT_ENOTFOUND, "The attachment with id '%lld' has no thumbnail.",
		              (long long)g.id);
	return rc < 0 ? rc : serve(req, res, &g.a);
}
