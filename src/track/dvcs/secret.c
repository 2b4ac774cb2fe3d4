/* Sealing the connector's secrets with the installation's key (libsodium secretbox). */
#include "track/dvcs/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"

/* Reads exactly DVCS_SECRET_KEY_LEN bytes from path; one more byte means the file is wrong. */
static int read_key(const char *path, unsigned char key[DVCS_SECRET_KEY_LEN])
{
	unsigned char buffer[DVCS_SECRET_KEY_LEN + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_fail(WEFT_EINVALID, "secret key file %s: %s", path, strerror(errno));
	size_t got = 0;
	while (got < sizeof buffer) {
		ssize_t n = read(fd, buffer + got, sizeof buffer - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != DVCS_SECRET_KEY_LEN)
		return err_fail(WEFT_EINVALID, "secret key file %s: must hold exactly %d bytes",
		                path, DVCS_SECRET_KEY_LEN);
	memcpy(key, buffer, DVCS_SECRET_KEY_LEN);
	sodium_memzero(buffer, sizeof buffer);
	return 0;
}

/* Creates path with a fresh key, unless another process created it first (O_EXCL). */
static int create_key(const char *path)
{
	unsigned char key[DVCS_SECRET_KEY_LEN];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0
		                       : err_fail(WEFT_EINVALID, "secret key file %s: %s", path,
		                                  strerror(errno));
	randombytes_buf(key, sizeof key);
	ssize_t n = write(fd, key, sizeof key);
	sodium_memzero(key, sizeof key);
	int synced = fsync(fd);
	close(fd);
	if (n != (ssize_t)sizeof key || synced < 0) {
		unlink(path);
		return err_fail(WEFT_EINVALID, "secret key file %s: cannot write it", path);
	}
	return 0;
}

int dvcs_secret_key_load(const char *data_dir, const char *key_file,
                         unsigned char key[DVCS_SECRET_KEY_LEN])
{
	if (key_file && *key_file)
		return read_key(key_file, key);
	char path[4096];
	if (snprintf(path, sizeof path, "%s/secret.key", data_dir) >= (int)sizeof path)
		return err_fail(WEFT_EINVALID, "data directory path too long");
	int rc = create_key(path);
	return rc < 0 ? rc : read_key(path, key);
}

const char *dvcs_secret_seal(arena *a, const unsigned char key[DVCS_SECRET_KEY_LEN],
                             const char *plain)
{
	size_t len = strlen(plain);
	size_t boxed = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *box = arena_alloc(a, boxed);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, len,
	                      box, key);
	size_t text_len = sodium_base64_encoded_len(boxed, sodium_base64_VARIANT_ORIGINAL);
	char *text = arena_alloc(a, text_len);
	return sodium_bin2base64(text, text_len, box, boxed, sodium_base64_VARIANT_ORIGINAL);
}

int dvcs_secret_open(arena *a, const unsigned char key[DVCS_SECRET_KEY_LEN], const char *sealed,
                     const char **plain)
{
	size_t text_len = strlen(sealed), boxed = 0;
	unsigned char *box = arena_alloc(a, text_len + 1);
	if (sodium_base642bin(box, text_len + 1, sealed, text_len, NULL, &boxed, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    boxed < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		return err_fail(WEFT_EINVALID, "sealed secret: malformed");
	size_t len = boxed - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	char *out = arena_alloc(a, len + 1);
	if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
	                               boxed - crypto_secretbox_NONCEBYTES, box, key) != 0)
		return err_fail(WEFT_EINVALID,
		                "sealed secret: not sealed with this installation's key");
	out[len] = '\0';
	*plain = out;
	return 0;
}
