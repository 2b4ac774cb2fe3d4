/* Test support for pinning the plans of hot statements (STYLE.md §6): EXPLAIN of a statement the
 * code runs, on either engine, and whether the plan reads a table whole. */
#ifndef WEFT_TESTS_DB_PLAN_H
#define WEFT_TESTS_DB_PLAN_H

#include <stdbool.h>

#include "db/db.h"

/* Explains sql with args in a transaction of its own on d: SQLite's EXPLAIN QUERY PLAN (its detail
 * lines, one a line), or PostgreSQL's EXPLAIN (FORMAT JSON) with sequential scans disabled for
 * the transaction, so that on a test's small tables a plan that still scans one has no index it
 * could use. *out is malloc'ed; the store's errors as they come. */
int plan_explain(db *d, const char *sql, const db_arg *args, char **out);

/* Whether plan (plan_explain's, on engine e) reads table whole: SQLite's "SCAN name" without an
 * index, where name is the table or its alias in the statement; a PostgreSQL "Seq Scan" node on
 * the table. */
bool plan_scans(db_engine e, const char *plan, const char *table, const char *alias);

#endif
