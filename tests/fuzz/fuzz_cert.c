/*
 * libFuzzer target: the certificate decoder and everything cert-read
 * accepts from a file (PEM, DER, PKCS#7, PKCS#12).  Every record produced
 * must serialise.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ck_load.h"
#include "ck_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(void *ctx, json_t *rec)
{
	char *s = ck_record_dumps(rec);

	(void)ctx;
	if (s == NULL)
		abort();	/* every record must serialise */
	free(s);
	json_decref(rec);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_load_opts o;

	ck_load_opts_init(&o);
	o.password = "fixture-pass";
	ck_load_buffer(data, size, "file", "fuzz", &o, emit, NULL);
	return 0;
}
