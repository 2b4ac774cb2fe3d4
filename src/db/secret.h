/* Stored secrets: one-time links (a random token that travels only in a mailed URL, kept as its
 * digest with an expiry, used once) and revocable tokens. The domain module owns its table and
 * passes its own statements; this module owns the token, its digest and the order of the steps. */
#ifndef WEFT_DB_SECRET_H
#define WEFT_DB_SECRET_H

#include <stdint.h>

#include "db/db.h"

enum { DB_SECRET_TOKEN_LEN = 64 }; /* hex digits of a one-time link's token */

/* A fresh one-time link. */
typedef struct db_secret_link {
	char token[DB_SECRET_TOKEN_LEN + 1]; /* for the URL only: never stored */
	char digest[65]; /* what the store keeps */
	int64_t now, expires_at; /* milliseconds */
} db_secret_link;

/* A domain's statements for its one-time links. */
typedef struct db_secret_sql {
	/* Retires the owner's live links of this kind: $1 now, $2 the owner's id. */
	const char *retire;
	/* Stores the new link: $1 digest, $2 the owner's id, $3 now, $4 expiry. */
	const char *insert;
} db_secret_sql;

/* Fills out with a random token, its digest, now and now + lifetime_ms. */
void db_secret_link_new(db_secret_link *out, int64_t lifetime_ms);

/* The digest a presented token (hostile, any length) was stored under. */
void db_secret_digest(char out[65], const char *token);

/* Issues a one-time link for owner_id inside c's transaction: retires the owner's earlier links
 * (only the newest mail works) and stores the new one; *out holds the token to mail. The store's
 * error otherwise (*out then means nothing). */
int db_secret_link_issue(db_conn *c, const db_secret_sql *sql, int64_t owner_id,
                         int64_t lifetime_ms, db_secret_link *out);

/* Runs sql, the domain's look-up or use of a live link ($1 the digest of token, $2 now), and
 * steps to its one row: *out stands at it (release with db_done, also on failure).
 * WEFT_ENOTFOUND with the message invalid when no live link matches; the store's error
 * otherwise. */
int db_secret_link_find(db_stmt **out, db_conn *c, const char *sql, const char *token,
                        const char *invalid);

/* Revokes one of a user's tokens with sql ($1 now, $2 the token's id, $3 the user's id; an UPDATE
 * that changes no row when the token is not the user's or is revoked already): it stops working
 * at once. WEFT_ENOTFOUND with the message missing when no row changed. */
int db_secret_revoke(db_conn *c, const char *sql, int64_t user_id, int64_t id, const char *missing);

#endif
