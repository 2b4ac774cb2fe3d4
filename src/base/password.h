/* Password hashing with argon2id (libsodium), and the constant-time comparisons that go with
 * secrets. Hashes are self-describing strings ("$argon2id$v=19$m=…"), so the cost can rise later
 * without breaking stored ones. */
#ifndef WEFT_BASE_PASSWORD_H
#define WEFT_BASE_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

enum { PASSWORD_HASH_MAX = 128 }; /* crypto_pwhash_STRBYTES */

enum { PASSWORD_MIN = 8, PASSWORD_MAX = 128 }; /* characters, not bytes */

/* The rules of a new password: 8 to 128 characters of valid UTF-8, not equal (ignoring case) to
 * username or email (either may be NULL). 0 or WEFT_EINVALID with a message "Password: …". */
int password_check(const char *password, const char *username, const char *email);

/* Hashes password[0..len) into out. WEFT_ERROR when the machine cannot spare the memory. */
int password_hash(char out[PASSWORD_HASH_MAX], const char *password, size_t len);

/* True when password matches hash (argon2id's own constant-time check), or matched it less than
 * a minute ago (base/verified.h: a keyed digest of the two is remembered, never the password). */
bool password_verify(const char *hash, const char *password, size_t len);

/* A hash of a password that no password matches, for comparing against when the account does
 * not exist: sign-in then takes the same time either way and tells nothing. */
const char *password_dummy_hash(void);

/* SHA-256 of a high-entropy token (a session id, an app password, a confirmation token), as 64
 * hex digits: such tokens are stored hashed and looked up by hash; argon2 is for passwords. */
void password_token_digest(char out[65], const char *token, size_t len);

/* Constant-time equality of two strings of any lengths. */
bool password_equal(const char *a, const char *b);

#endif
