/* The page of a user's API tokens and personal access tokens: create one (its secret is shown
 * once, on the answer to the form), list them, revoke one. */
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "track/account/account_web.h"
#include "track/account/token.h"

static int check_id(const char *value)
{
	int64_t id;
	return str_to_i64(&id, value, 1, INT64_MAX, "id");
}

const web_param_spec track_token_id_params[] = {
	{ "id", WEB_FROM_PATH, true, check_id, 0 },
	{ NULL, 0, false, NULL, 0 },
};

typedef struct tokens_ctx {
	web_request *req;
	track_token_kind kind;
	const char *label;
	char secret[TRACK_TOKEN_SECRET_LEN + 1];
	track_token created;
	track_token *tokens;
	size_t ntokens;
	int64_t revoke_id;
} tokens_ctx;

static int64_t viewer_id(const web_request *req)
{
	return track_viewer_of(req)->user.id;
}

static int list_tokens(db_conn *c, void *ctx)
{
	tokens_ctx *tc = ctx;
	return track_token_list(c, tc->req->arena, viewer_id(tc->req), &tc->tokens, &tc->ntokens);
}

static json_t *tokens_json(const tokens_ctx *tc)
{
	json_t *items = json_array();
	for (size_t i = 0; i < tc->ntokens; i++) {
		const track_token *t = &tc->tokens[i];
		char created[CLOCK_ISO_LEN], used[CLOCK_ISO_LEN] = "";
		clock_format_iso8601(created, t->created_at);
		if (t->last_used_at)
			clock_format_iso8601(used, t->last_used_at);
		json_array_append_new(
		        items, json_pack("{s:I, s:s, s:b, s:s, s:s?}", "id", (json_int_t)t->id,
		                         "label", t->label, "is_pat", t->kind == TRACK_TOKEN_PAT,
		                         "created", created, "last_used", *used ? used : NULL));
	}
	return items;
}

/* The page, with the secret just created (shown this once) or the form's error. */
static int render(web_request *req, web_response *res, int status, tokens_ctx *tc,
                  const char *error)
{
	char message[512] = "";
	if (error)
		snprintf(message, sizeof message, "%s", error);
	int rc = db_read(track_app_of(req)->d, list_tokens, tc);
	if (rc < 0)
		return rc;
	json_t *data =
	        json_pack("{s:o, s:b, s:s?, s:s?, s:b, s:s?}", "tokens", tokens_json(tc),
	                  "has_tokens", tc->ntokens > 0, "secret", *tc->secret ? tc->secret : NULL,
	                  "created_label", *tc->secret ? tc->created.label : NULL, "created_pat",
	                  tc->created.kind == TRACK_TOKEN_PAT, "error", *message ? message : NULL);
	return track_page(req, res, status, "track/tokens", "API tokens", data);
}

int track_tokens_page(web_request *req, web_response *res)
{
	tokens_ctx tc = { .req = req };
	return render(req, res, 200, &tc, NULL);
}

static int create_token(db_conn *c, void *ctx)
{
	tokens_ctx *tc = ctx;
	return track_token_create(c, tc->req->arena, viewer_id(tc->req), tc->kind, tc->label,
	                          tc->secret, &tc->created);
}

int track_token_create_submit(web_request *req, web_response *res)
{
	const char *kind = web_pairs_get(&req->form, "kind");
	const char *label = web_pairs_get(&req->form, "label");
	tokens_ctx tc = { .req = req, .label = label ? label : "" };
	tc.kind = kind && strcmp(kind, "pat") == 0 ? TRACK_TOKEN_PAT : TRACK_TOKEN_API;
	int rc = db_tx(track_app_of(req)->d, create_token, &tc);
	if (rc == WEFT_EINVALID) {
		tc.secret[0] = '\0';
		return render(req, res, 400, &tc, err_msg());
	}
	/* The answer to the POST itself shows the secret: it is never stored to show again. */
	web_res_header(req, res, "Cache-Control", "no-store");
	return rc < 0 ? rc : render(req, res, 200, &tc, NULL);
}

static int revoke_token(db_conn *c, void *ctx)
{
	tokens_ctx *tc = ctx;
	return track_token_revoke(c, viewer_id(tc->req), tc->revoke_id);
}

int track_token_revoke_submit(web_request *req, web_response *res)
{
	tokens_ctx tc = { .req = req };
	str_to_i64(&tc.revoke_id, web_param(req, "id"), 1, INT64_MAX, "id");
	int rc = db_tx(track_app_of(req)->d, revoke_token, &tc);
	if (rc == 0)
		web_res_redirect(req, res, 303, "/account/tokens");
	return rc;
}
