/* Test support for hub's domain tests: a migrated hub database on a connection outside any
 * transaction (each statement commits at once), an arena, and a few shortcuts. */
#ifndef WEFT_TESTS_HUB_ENV_H
#define WEFT_TESTS_HUB_ENV_H

#include "../db/fixture.h"

#include "hub/account/account.h"

typedef struct hub_env {
	fixture *f;
	arena *a;
	db_conn *c;
} hub_env;

/* Migrates the fixture's database for hub and borrows a connection; fails the test otherwise. */
hub_env hub_env_begin(void **state);
void hub_env_end(hub_env *e);
/* Creates an account (password NULL: a default one); fails the test when it cannot. */
hub_user hub_env_user(hub_env *e, const char *username, const char *email, const char *password);
/* The first column of the first row of sql with one parameter, or -1. */
int64_t hub_env_scalar(hub_env *e, const char *sql, db_arg arg);

/* The link token ("…/confirm/TOKEN", 64 characters) and recipient of the newest mail in the
 * outbox; fails the test when there is none. */
void hub_env_confirm_link(hub_env *e, char token[65], char recipient[128]);

/* Fails the test unless rc is 0, naming the error. */
void hub_env_ok(int rc);
/* Fails the test unless rc is code and the message contains text (NULL: any message). */
void hub_env_refused(int rc, int code, const char *text);

#endif
