/* Randomness through libsodium (getrandom underneath). */
#include "base/token.h"

#include <sodium.h>
#include <stdint.h>

#include "base/err.h"

int token_init(void)
{
	if (sodium_init() < 0)
		return err_fail(WEFT_ERROR,
		                "libsodium could not be initialized (no randomness source?)");
	return 0;
}

void token_hex(char *out, size_t nbytes)
{
	unsigned char raw[64];
	while (nbytes) {
		size_t n = nbytes < sizeof raw ? nbytes : sizeof raw;
		randombytes_buf(raw, n);
		sodium_bin2hex(out, n * 2 + 1, raw, n);
		out += n * 2;
		nbytes -= n;
	}
	*out = '\0';
}

void token_uuid(char out[TOKEN_UUID_LEN])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (uint8_t)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
}
