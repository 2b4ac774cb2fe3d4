/* Lookups in the table of embedded files that tools/embed generates. */
#include "base/asset.h"

#include <string.h>

const asset *asset_find(const char *path)
{
	for (size_t i = 0; i < assets_count; i++)
		if (strcmp(assets[i].path, path) == 0)
			return &assets[i];
	return NULL;
}
