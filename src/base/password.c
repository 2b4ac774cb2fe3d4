/* argon2id through libsodium, SHA-256 digests of tokens, constant-time comparison. */
#include "base/password.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/str.h"
#include "base/verified.h"

/* OWASP's argon2id baseline (19 MiB, 2 passes): strong against offline guessing, and cheap
 * enough that a busy server can check sign-ins without running out of memory. */
#define OPS_LIMIT 2ULL
#define MEM_LIMIT (19ULL * 1024 * 1024)

int password_hash(char out[PASSWORD_HASH_MAX], const char *password, size_t len)
{
	if (crypto_pwhash_str_alg(out, password, len, OPS_LIMIT, MEM_LIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_fail(WEFT_ERROR, "password hashing ran out of memory");
	return 0;
}

bool password_verify(const char *hash, const char *password, size_t len)
{
	if (verified_recently(hash, password, len))
		return true;
	bool matches = crypto_pwhash_str_verify(hash, password, len) == 0;
	if (matches)
		verified_remember(hash, password, len);
	return matches;
}

const char *password_dummy_hash(void)
{
	/* argon2id of a random 32-byte value nobody kept, with the parameters above. */
	return "$argon2id$v=19$m=19456,t=2,p=1$Pol7dEh0YLCVdw7PFwjR0w$"
	       "g0pLkD3J6c4m39H6jjX1t8nIBFb8UC6ntvbWHEw+an8";
}

void password_token_digest(char out[65], const char *token, size_t len)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)token, len);
	sodium_bin2hex(out, 65, digest, sizeof digest);
}

bool password_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char da[crypto_hash_sha256_BYTES], db[crypto_hash_sha256_BYTES];
	/* Comparing digests keeps the time independent of where (and whether) lengths differ. */
	crypto_hash_sha256(da, (const unsigned char *)a, la);
	crypto_hash_sha256(db, (const unsigned char *)b, lb);
	return sodium_memcmp(da, db, sizeof da) == 0 && la == lb;
}

int password_check(const char *password, const char *username, const char *email)
{
	size_t chars = str_utf8_chars(password);
	if (!str_is_utf8(password, strlen(password)))
		return err_fail(WEFT_EINVALID, "Password: not valid text.");
	if (chars < PASSWORD_MIN)
		return err_fail(WEFT_EINVALID, "Password: at least %d characters.", PASSWORD_MIN);
	if (chars > PASSWORD_MAX)
		return err_fail(WEFT_EINVALID, "Password: at most %d characters.", PASSWORD_MAX);
	if ((username && strcasecmp(password, username) == 0) ||
	    (email && strcasecmp(password, email) == 0))
		return err_fail(WEFT_EINVALID, "Password: must not be your username or email.");
	return 0;
}
