/* Tests of src/track/dvcs/secret.c: sealing and opening, another key, tampering, malformed
 * input, and the key file (created 0600 once, refused when it is not 32 bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/err.h"
#include "track/dvcs/secret.h"

static void keys(unsigned char k1[DVCS_SECRET_KEY_LEN], unsigned char k2[DVCS_SECRET_KEY_LEN])
{
	assert_true(sodium_init() >= 0);
	randombytes_buf(k1, DVCS_SECRET_KEY_LEN);
	randombytes_buf(k2, DVCS_SECRET_KEY_LEN);
}

static void sealed_secrets_open_with_their_key(void **state)
{
	(void)state;
	unsigned char k1[DVCS_SECRET_KEY_LEN], k2[DVCS_SECRET_KEY_LEN];
	keys(k1, k2);
	arena *a = arena_new();
	const char *plain = "an OAuth secret: 0123456789abcdef";
	const char *sealed = dvcs_secret_seal(a, k1, plain);
	assert_null(strstr(sealed, "OAuth"));
	const char *opened = NULL;
	assert_int_equal(dvcs_secret_open(a, k1, sealed, &opened), 0);
	assert_string_equal(opened, plain);
	/* A fresh nonce each time: the same secret never seals to the same text. */
	assert_string_not_equal(dvcs_secret_seal(a, k1, plain), sealed);
	assert_int_equal(dvcs_secret_open(a, k1, dvcs_secret_seal(a, k1, ""), &opened), 0);
	assert_string_equal(opened, "");
	arena_free(a);
}

static void another_key_or_tampering_is_refused(void **state)
{
	(void)state;
	unsigned char k1[DVCS_SECRET_KEY_LEN], k2[DVCS_SECRET_KEY_LEN];
	keys(k1, k2);
	arena *a = arena_new();
	const char *sealed = dvcs_secret_seal(a, k1, "token");
	const char *opened = NULL;
	assert_int_equal(dvcs_secret_open(a, k2, sealed, &opened), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "not sealed with this installation's key"));
	char *tampered = arena_strdup(a, sealed);
	size_t mid = strlen(tampered) / 2;
	tampered[mid] = tampered[mid] == 'A' ? 'B' : 'A';
	assert_int_equal(dvcs_secret_open(a, k1, tampered, &opened), WEFT_EINVALID);
	assert_null(opened);
	arena_free(a);
}

static void malformed_text_is_refused(void **state)
{
	(void)state;
	unsigned char k1[DVCS_SECRET_KEY_LEN], k2[DVCS_SECRET_KEY_LEN];
	keys(k1, k2);
	arena *a = arena_new();
	const char *opened = NULL;
	const char *bad[] = { "", "not base64 at all!", "QUJD", "AAAA====" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(dvcs_secret_open(a, k1, bad[i], &opened), WEFT_EINVALID);
		assert_non_null(strstr(err_msg(), "malformed"));
	}
	arena_free(a);
}

static void the_key_file_is_made_once_and_checked(void **state)
{
	(void)state;
	char dir[] = "/tmp/weft-secret-XXXXXX";
	assert_non_null(mkdtemp(dir));
	unsigned char k1[DVCS_SECRET_KEY_LEN], k2[DVCS_SECRET_KEY_LEN];
	assert_int_equal(dvcs_secret_key_load(dir, NULL, k1), 0);
	assert_int_equal(dvcs_secret_key_load(dir, "", k2), 0);
	assert_memory_equal(k1, k2, DVCS_SECRET_KEY_LEN);
	char path[512];
	snprintf(path, sizeof path, "%s/secret.key", dir);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(dvcs_secret_key_load(dir, path, k2), 0);
	assert_memory_equal(k1, k2, DVCS_SECRET_KEY_LEN);
	char other[512];
	snprintf(other, sizeof other, "%s/short.key", dir);
	FILE *f = fopen(other, "w");
	fputs("too short", f);
	fclose(f);
	assert_int_equal(dvcs_secret_key_load(dir, other, k2), WEFT_EINVALID);
	assert_non_null(strstr(err_msg(), "exactly 32 bytes"));
	assert_int_equal(dvcs_secret_key_load(dir, "/nonexistent/key", k2), WEFT_EINVALID);
	unlink(other);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sealed_secrets_open_with_their_key),
		cmocka_unit_test(another_key_or_tampering_is_refused),
		cmocka_unit_test(malformed_text_is_refused),
		cmocka_unit_test(the_key_file_is_made_once_and_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
