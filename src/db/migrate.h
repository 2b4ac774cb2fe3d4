/* Schema migrations: ordered SQL files per service and engine, embedded in the binary
 * (migrations/SERVICE/ENGINE/NNNN_what.sql with ENGINE "sqlite" or "pg"), each applied in one
 * transaction and recorded in schema_migrations. Two processes starting at once against one
 * PostgreSQL do not both migrate: they take an advisory lock first. */
#ifndef WEFT_DB_MIGRATE_H
#define WEFT_DB_MIGRATE_H

#include "db/db.h"

typedef struct db_schema_state {
	int current; /* the highest version applied to the database (0: none) */
	int latest; /* the highest version this weft knows */
	int pending; /* known versions not yet applied */
} db_schema_state;

/* Reads the state of service's schema. WEFT_ECONFLICT when the database is newer than this weft
 * (it was migrated by a later release): its message says both versions. */
int db_migrate_status(db_schema_state *out, db *d, const char *service);

/* Applies every pending migration of service in order; *applied counts them. WEFT_ECONFLICT for a
 * newer database, or the failing migration's error with its file name. */
int db_migrate_up(int *applied, db *d, const char *service);

#endif
