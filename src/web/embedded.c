/* The templates among the embedded files, compiled into one set at start-up. */
#include "web/embedded.h"

#include <string.h>

#include "base/asset.h"
#include "base/str.h"
#include "web/template.h"

/* "templates/hub/home.html" is template "hub/home". */
static int add_template(tmpl_set *set, const asset *a)
{
	static const char prefix[] = "templates/", suffix[] = ".html";
	size_t len = strlen(a->path) - (sizeof prefix - 1) - (sizeof suffix - 1);
	char name[256];
	if (len >= sizeof name)
		return 0;
	memcpy(name, a->path + sizeof prefix - 1, len);
	name[len] = '\0';
	return tmpl_add(set, name, (const char *)a->data, a->len);
}

int web_templates_load(tmpl_set **out)
{
	tmpl_set *set = tmpl_set_new();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < assets_count; i++)
		if (str_starts_with(assets[i].path, "templates/") &&
		    str_ends_with(assets[i].path, ".html"))
			rc = add_template(set, &assets[i]);
	if (rc == 0)
		rc = tmpl_check(set);
	if (rc < 0) {
		tmpl_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}
