/* The verified-secrets table: direct-mapped slots of {digest, expiry} behind one mutex. */
#include "base/verified.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "base/clock.h"

typedef struct slot {
	unsigned char digest[crypto_generichash_BYTES];
	int64_t expires_ms; /* 0: empty */
} slot;

/* The process's one table: what it remembers must be shared by every request thread. */
static struct {
	pthread_once_t once;
	pthread_mutex_t lock;
	unsigned char key[crypto_generichash_KEYBYTES];
	slot slots[VERIFIED_SLOTS];
} table = { .once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER };

static void make_key(void)
{
	if (sodium_init() < 0)
		return; /* then randombytes aborts below, as everywhere else */
	randombytes_buf(table.key, sizeof table.key);
}

static void digest_of(unsigned char out[crypto_generichash_BYTES], const char *hash,
                      const char *secret, size_t len)
{
	pthread_once(&table.once, make_key);
	crypto_generichash_state st;
	crypto_generichash_init(&st, table.key, sizeof table.key, crypto_generichash_BYTES);
	/* The hash's own length first: no hash/secret split can collide with another. */
	uint64_t hash_len = strlen(hash);
	crypto_generichash_update(&st, (const unsigned char *)&hash_len, sizeof hash_len);
	crypto_generichash_update(&st, (const unsigned char *)hash, hash_len);
	crypto_generichash_update(&st, (const unsigned char *)secret, len);
	crypto_generichash_final(&st, out, crypto_generichash_BYTES);
}

static slot *slot_of(const unsigned char digest[crypto_generichash_BYTES])
{
	uint64_t index;
	memcpy(&index, digest, sizeof index);
	return &table.slots[index % VERIFIED_SLOTS];
}

bool verified_recently(const char *hash, const char *secret, size_t len)
{
	unsigned char digest[crypto_generichash_BYTES];
	digest_of(digest, hash, secret, len);
	pthread_mutex_lock(&table.lock);
	const slot *s = slot_of(digest);
	bool found = s->expires_ms > clock_now_ms() &&
	             sodium_memcmp(s->digest, digest, sizeof digest) == 0;
	pthread_mutex_unlock(&table.lock);
	sodium_memzero(digest, sizeof digest);
	return found;
}

void verified_remember(const char *hash, const char *secret, size_t len)
{
	unsigned char digest[crypto_generichash_BYTES];
	digest_of(digest, hash, secret, len);
	pthread_mutex_lock(&table.lock);
	slot *s = slot_of(digest);
	memcpy(s->digest, digest, sizeof digest);
	s->expires_ms = clock_now_ms() + VERIFIED_TTL_MS;
	pthread_mutex_unlock(&table.lock);
	sodium_memzero(digest, sizeof digest);
}

void verified_forget_all(void)
{
	pthread_mutex_lock(&table.lock);
	memset(table.slots, 0, sizeof table.slots);
	pthread_mutex_unlock(&table.lock);
}
