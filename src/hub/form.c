/* Typed fields, refusals and redirects of hub's HTML forms (repo_web.c, team_web.c). */
#include "hub/form.h"

#include <string.h>

#include "base/err.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *hub_form_text(web_request *req, const char *name)
{
	const char *v = web_pairs_get(&req->form, name);
	if (!v)
		return "";
	while (is_blank(*v))
		v++;
	size_t n = strlen(v);
	while (n > 0 && is_blank(v[n - 1]))
		n--;
	return arena_strndup(req->arena, v, n);
}

bool hub_form_checked(const web_request *req, const char *name)
{
	return web_pairs_get(&req->form, name) != NULL;
}

bool hub_form_refusal(int rc)
{
	return rc == WEFT_EINVALID || rc == WEFT_EEXISTS || rc == WEFT_ECONFLICT ||
	       rc == WEFT_ELIMIT || rc == WEFT_ENOTFOUND || rc == WEFT_EPERM;
}

int hub_form_redirect(web_request *req, web_response *res, const char *location)
{
	web_res_redirect(req, res, 303, location);
	return 0;
}

json_t *hub_form_words(const char *list)
{
	json_t *out = json_array();
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, " ");
		if (n)
			json_array_append_new(out, json_stringn(p, n));
		p += n ? n : 1;
	}
	return out;
}
