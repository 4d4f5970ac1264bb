/*
 * libFuzzer target: the CFSSL API answer parser (ck_enroll_parse).  The
 * first two bytes choose the HTTP status (big-endian, modulo 600), the rest
 * is the body.  A success yields a DER certificate that decodes and
 * re-encodes to the same bytes; an HTTP error status never succeeds; a
 * failure leaves no output and always says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ck_enroll.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_err err;
	unsigned char *der = (unsigned char *)"sentinel", *again = NULL;
	const unsigned char *p;
	size_t len = 0;
	long status;
	X509 *x;
	int rc, n;

	if (size < 2)
		return 0;
	status = (long)(((unsigned)data[0] << 8 | data[1]) % 600);
	ck_err_clear(&err);
	rc = ck_enroll_parse((const char *)data + 2, size - 2, status, &der, &len, &err);
	if (rc == -1) {
		if (der != NULL || err.code == CK_E_NONE || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (rc != 0 || der == NULL || len == 0 || status >= 400)
		abort();
	p = der;
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL || p != der + len)
		abort();
	n = i2d_X509(x, &again);
	if (n <= 0 || (size_t)n != len || memcmp(again, der, len) != 0)
		abort();
	OPENSSL_free(again);
	X509_free(x);
	free(der);
	return 0;
}
