/* Which unique index a failed insert or update hit: the engines record it (sqlite.c, postgres.c)
 * when they turn a unique violation into WEFT_EEXISTS, and domain code asks for it through
 * db_conflict() to say which field clashed. Per thread. */
#ifndef WEFT_DB_CONFLICT_H
#define WEFT_DB_CONFLICT_H

/* The unique index behind this thread's last WEFT_EEXISTS ("users_email_key"), or "". */
const char *db_conflict(void);

/* Remembers name (NULL: none) as this thread's last conflict. */
void db_set_conflict(const char *name);

#endif
