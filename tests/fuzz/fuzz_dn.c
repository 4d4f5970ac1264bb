/*
 * libFuzzer target: the RFC 4514 / OpenSSL-form DN parser (ck_dn_parse,
 * cert-issue --subject).  A name it accepts must encode (DER) and reads
 * back equal from that encoding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "ck_dn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_err err;
	char *s = malloc(size + 1);
	X509_NAME *n, *back;
	unsigned char *der = NULL;
	const unsigned char *p;
	int len;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	n = ck_dn_parse(s, &err);
	if (n != NULL) {
		len = i2d_X509_NAME(n, &der);
		if (len <= 0)
			abort();	/* accepted but cannot be encoded */
		p = der;
		back = d2i_X509_NAME(NULL, &p, len);
		if (back == NULL || X509_NAME_cmp(n, back) != 0)
			abort();
		X509_NAME_free(back);
		OPENSSL_free(der);
		X509_NAME_free(n);
	}
	ERR_clear_error();
	free(s);
	return 0;
}
