/* What hub's form handlers share: reading typed fields, telling a refusal the form shows from an
 * error page, and the redirect after a successful POST. */
#ifndef WEFT_HUB_FORM_H
#define WEFT_HUB_FORM_H

#include <stdbool.h>

#include "web/web.h"

/* The form field name without surrounding blanks, in the request's arena; "" when absent. */
const char *hub_form_text(web_request *req, const char *name);

/* True when the form has the field name (a ticked checkbox). */
bool hub_form_checked(const web_request *req, const char *name);

/* True for the errors a form shows next to what was typed (invalid, taken, conflicting, over a
 * limit, not found, not allowed); other errors get the error page. */
bool hub_form_refusal(int rc);

/* The words of a space-separated list (scopes) as a new JSON array of strings, one badge each. */
json_t *hub_form_words(const char *list);

/* Answers 303 See Other to location (POST, redirect, GET); returns 0. */
int hub_form_redirect(web_request *req, web_response *res, const char *location);

#endif
