/* OAuth consumers (Bitbucket's OAuth 2.0 clients): owned by a workspace (a user's own or a
 * team's), with a public key (client id), a secret kept only as a SHA-256 digest and shown once,
 * a callback URL that every redirect must extend, and the scopes they may ask for. Domain only:
 * no HTTP. Every function that writes runs inside the caller's transaction. */
#ifndef WEFT_HUB_OAUTH_CONSUMER_H
#define WEFT_HUB_OAUTH_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "db/db.h"
#include "hub/hub_perm.h"

enum {
	OAUTH_KEY_LEN = 32, /* characters of a key: 128 random bits in hex, public */
	OAUTH_SECRET_LEN = 64, /* hex digits of secrets, codes and tokens: 256 random bits */
	OAUTH_NAME_MAX = 255, /* characters */
	OAUTH_DESCRIPTION_MAX = 1000,
	OAUTH_URL_MAX = 2000, /* bytes */
	OAUTH_CONSUMERS_MAX = 200, /* per workspace */
};

/* One permission a consumer can ask for, with what the consent page says about it ("Read and
 * modify your repositories"). */
typedef hub_scope_info oauth_scope;

/* The permissions, in their canonical order; the list ends with a NULL name. */
extern const oauth_scope hub_oauth_scopes[];

/* What a consumer's form holds. */
typedef struct oauth_consumer_fields {
	const char *name; /* required, unique (ignoring case) within its workspace */
	const char *description; /* "" when none */
	const char *callback_url; /* required: an absolute http(s) URL without a fragment */
	const char *url; /* "" when none, else an absolute http(s) URL */
	bool is_private; /* needed for the client_credentials grant */
	const char *scopes; /* space-separated names of hub_oauth_scopes */
} oauth_consumer_fields;

typedef struct oauth_consumer {
	int64_t id;
	int64_t workspace_id;
	const char *workspace_slug; /* the owner */
	const char *workspace_name;
	bool workspace_is_team;
	int64_t owner_user_id; /* who client_credentials acts as: the user of a personal
	                        * workspace, the team administrator who created a team's; 0: none */
	const char *key;
	oauth_consumer_fields f; /* scopes in canonical order */
	int64_t created_at;
	int64_t grants; /* how many users have granted it access */
} oauth_consumer;

/* Checks fields and writes the canonical (ordered, each once) scopes into *scopes (in a).
 * WEFT_EINVALID with a message that names the field ("Callback URL: …"). */
int hub_oauth_consumer_check(arena *a, const oauth_consumer_fields *f, const char **scopes);

/* Parses space-separated scope names into their canonical form in a; WEFT_EINVALID
 * ("Permissions: …") for an unknown name or none at all. */
int hub_oauth_scopes_parse(arena *a, const char *text, const char **out);

/* Creates a consumer of workspace_id made by created_by (a user id). secret receives the 64 hex
 * digits to show once; *out (strings in a) describes it. WEFT_EINVALID (as hub_oauth_consumer_check,
 * or past OAUTH_CONSUMERS_MAX), WEFT_EEXISTS ("Name: …") for a name the workspace has. */
int hub_oauth_consumer_create(db_conn *c, arena *a, int64_t workspace_id, int64_t created_by,
                              const oauth_consumer_fields *f, char secret[OAUTH_SECRET_LEN + 1],
                              oauth_consumer *out);

/* Creates a consumer of the workspace named slug from the command line, where nobody is signed
 * in: it is made by (and client_credentials acts as) the user of a personal workspace, or the
 * team's longest-standing administrator. Errors as hub_oauth_consumer_create; WEFT_ENOTFOUND for an
 * unknown workspace or a team without administrators. */
int hub_oauth_consumer_create_in(db_conn *c, arena *a, const char *slug,
                                 const oauth_consumer_fields *f, char secret[OAUTH_SECRET_LEN + 1],
                                 oauth_consumer *out);

/* Changes a consumer's fields (not its key or secret). Errors as create; WEFT_ENOTFOUND when
 * workspace_id has no consumer id. */
int hub_oauth_consumer_update(db_conn *c, arena *a, int64_t workspace_id, int64_t id,
                              const oauth_consumer_fields *f);

/* Deletes a consumer with every grant, code and token it has. WEFT_ENOTFOUND as above. */
int hub_oauth_consumer_delete(db_conn *c, int64_t workspace_id, int64_t id);

/* Replaces a consumer's secret (the new one in secret, to show once) and ends every token and
 * code it has issued; grants stay. WEFT_ENOTFOUND as above. */
int hub_oauth_consumer_regenerate_secret(db_conn *c, int64_t workspace_id, int64_t id,
                                         char secret[OAUTH_SECRET_LEN + 1]);

/* One consumer of workspace_id, strings in a. WEFT_ENOTFOUND ("OAuth consumer: …"). */
int hub_oauth_consumer_get(db_conn *c, arena *a, int64_t workspace_id, int64_t id,
                           oauth_consumer *out);

/* The consumers of workspace_id, by name, each with its grant count; fn's strings live until it
 * returns. */
int hub_oauth_consumer_list(db_conn *c, int64_t workspace_id,
                            void (*fn)(void *ctx, const oauth_consumer *consumer), void *ctx);

/* The consumer whose key this is, strings in a. WEFT_ENOTFOUND otherwise. */
int hub_oauth_consumer_find_key(db_conn *c, arena *a, const char *key, oauth_consumer *out);

/* Authenticates a client: key and secret must belong to one consumer (the secret's digest is
 * compared in constant time). WEFT_EAUTH ("Client authentication failed.") otherwise. Does not
 * throttle: callers do. */
int hub_oauth_client_authenticate(db_conn *c, arena *a, const char *key, const char *secret,
                                  oauth_consumer *out);

/* Whether redirect_uri extends callback (B.1): equal to it, or callback followed by a path or
 * query ("/…", "?…"; "&…" when callback has a query). Never with a fragment, a backslash, a
 * control character, a "/../" or "/./" segment, or userinfo ("@") past callback. */
bool hub_oauth_redirect_allowed(const char *callback, const char *redirect_uri);

#endif
