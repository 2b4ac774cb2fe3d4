/* A short memory of secrets that matched a stored hash, so that a client sending the same
 * credentials with every request (API clients, git, which asks twice per fetch) pays the slow
 * hash once a minute rather than every time. An entry is a keyed BLAKE2b digest (with a random
 * key made once per process) of the stored hash and the secret: the secret itself is never kept,
 * and an entry matches only while the stored hash is the one it was checked against, so a
 * changed password (a new hash, with a new salt) finds nothing at once, on every node. Entries
 * live VERIFIED_TTL_MS; the table holds at most VERIFIED_SLOTS (a newer entry replaces an older
 * one in its slot). Thread-safe. */
#ifndef WEFT_BASE_VERIFIED_H
#define WEFT_BASE_VERIFIED_H

#include <stdbool.h>
#include <stddef.h>

enum {
	VERIFIED_TTL_MS = 60 * 1000,
	VERIFIED_SLOTS = 4096,
};

/* Whether secret[0..len) was found to match hash less than VERIFIED_TTL_MS ago. */
bool verified_recently(const char *hash, const char *secret, size_t len);

/* Remembers that secret[0..len) matches hash. */
void verified_remember(const char *hash, const char *secret, size_t len);

/* Forgets everything (for tests). */
void verified_forget_all(void);

#endif
