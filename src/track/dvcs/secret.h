/* The connector's secrets at rest: OAuth secrets, access and refresh tokens and webhook secrets
 * are sealed (XSalsa20-Poly1305, libsodium's secretbox) with the installation's secret key before
 * they reach the database, so a copy of track's database alone gives away no access to a code
 * host. The key is 32 random bytes in DATA/secret.key (created 0600 on first use), or the file
 * --secret-key-file names. */
#ifndef WEFT_TRACK_DVCS_SECRET_H
#define WEFT_TRACK_DVCS_SECRET_H

#include <stddef.h>

#include "base/arena.h"

enum { DVCS_SECRET_KEY_LEN = 32 };

/* Reads the key from key_file, or when key_file is NULL or "" from DATA/secret.key, creating
 * that one (mode 0600) when it does not exist. WEFT_EINVALID with a message naming the file when
 * it cannot be read or is not exactly 32 bytes. */
int dvcs_secret_key_load(const char *data_dir, const char *key_file,
                         unsigned char key[DVCS_SECRET_KEY_LEN]);

/* plain sealed with key: base64 text (a fresh nonce, then the box) in a. */
const char *dvcs_secret_seal(arena *a, const unsigned char key[DVCS_SECRET_KEY_LEN],
                             const char *plain);

/* The plain text of what dvcs_secret_seal made, in a. WEFT_EINVALID when sealed is not base64,
 * too short, or was sealed with another key (or tampered with). */
int dvcs_secret_open(arena *a, const unsigned char key[DVCS_SECRET_KEY_LEN], const char *sealed,
                     const char **plain);

#endif
