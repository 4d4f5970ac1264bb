/*
 * libFuzzer target: private keys from PEM (ck_key_read_pem), the legacy
 * way and through a provider, password "pw".  Never a crash; when both
 * paths read a key, it is the same key.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "ck_key.h"
#include "ck_tool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	(void)rwflag;
	(void)u;
	if (size < 2)
		return -1;
	memcpy(buf, "pw", 2);
	return 2;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return ck_tool_crypto_local() == 0 ? 0 : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EVP_PKEY *legacy = NULL, *prov;

	if (ck_key_legacy_on() == 0) {
		legacy = ck_key_read_pem((const char *)data, size, NULL, pw_cb, NULL);
		ck_key_legacy_off();
	}
	prov = ck_key_read_pem((const char *)data, size, NULL, pw_cb, NULL);
	if (legacy != NULL && prov != NULL && EVP_PKEY_eq(legacy, prov) != 1)
		abort();	/* the two paths read different keys */
	EVP_PKEY_free(legacy);
	EVP_PKEY_free(prov);
	ERR_clear_error();
	return 0;
}
