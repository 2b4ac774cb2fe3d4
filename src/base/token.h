/* Random tokens and UUIDs from libsodium's CSPRNG. token_init must run once before any thread
 * calls the others. */
#ifndef WEFT_BASE_TOKEN_H
#define WEFT_BASE_TOKEN_H

#include <stddef.h>

/* Initializes libsodium; -1 with a message when the system has no usable randomness. */
int token_init(void);
/* Fills out with 2*nbytes lower-case hex digits of fresh randomness, NUL-terminated. */
void token_hex(char *out, size_t nbytes);
enum { TOKEN_UUID_LEN = 37 };
/* A random (version 4) UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case. */
void token_uuid(char out[TOKEN_UUID_LEN]);

#endif
