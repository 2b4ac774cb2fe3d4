/* Lookups in the table of embedded files that tools/embed generates. */
#include "web/asset.h"

#include <string.h>

#include "base/str.h"
#include "web/template.h"

const web_asset *web_asset_find(const char *path)
{
	for (size_t i = 0; i < web_assets_count; i++)
		if (strcmp(web_assets[i].path, path) == 0)
			return &web_assets[i];
	return NULL;
}

/* "templates/hub/home.html" is template "hub/home". */
static int add_template(tmpl_set *set, const web_asset *asset)
{
	static const char prefix[] = "templates/", suffix[] = ".html";
	size_t len = strlen(asset->path) - (sizeof prefix - 1) - (sizeof suffix - 1);
	char name[256];
	if (len >= sizeof name)
		return 0;
	memcpy(name, asset->path + sizeof prefix - 1, len);
	name[len] = '\0';
	return tmpl_add(set, name, (const char *)asset->data, asset->len);
}

int web_templates_load(tmpl_set **out)
{
	tmpl_set *set = tmpl_set_new();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < web_assets_count; i++)
		if (str_starts_with(web_assets[i].path, "templates/") &&
		    str_ends_with(web_assets[i].path, ".html"))
			rc = add_template(set, &web_assets[i]);
	if (rc == 0)
		rc = tmpl_check(set);
	if (rc < 0) {
		tmpl_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}
