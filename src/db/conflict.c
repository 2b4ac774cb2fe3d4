/* The unique index of the last conflict, per thread (conflict.h). */
#include "db/conflict.h"

#include <stdio.h>

static _Thread_local char conflict_name[128];

void db_set_conflict(const char *name)
{
	snprintf(conflict_name, sizeof conflict_name, "%s", name ? name : "");
}

const char *db_conflict(void)
{
	return conflict_name;
}
