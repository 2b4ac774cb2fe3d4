/* The embedded templates as one compiled set. */
#ifndef WEFT_WEB_EMBEDDED_H
#define WEFT_WEB_EMBEDDED_H

typedef struct tmpl_set tmpl_set;

/* Compiles every embedded templates/NAME.html as template NAME into a new set (free it with
 * tmpl_set_free). The build already refused malformed templates, so an error here is a bug. */
int web_templates_load(tmpl_set **out);

#endif
