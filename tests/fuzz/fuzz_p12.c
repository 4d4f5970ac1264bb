/*
 * libFuzzer target: the PKCS#12 path of ck_load_buffer, with and without a
 * password.  The iteration cap is lowered (like a site might) so that the
 * fuzzer cannot spend its time in key derivation: no count above it may
 * ever be derived, which the -timeout of tests/fuzz.sh catches.
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
		abort();
	free(s);
	json_decref(rec);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_load_opts o;

	if (size == 0 || data[0] != 0x30)
		return 0;	/* DER only: PKCS#12 starts with a SEQUENCE */
	ck_load_opts_init(&o);
	o.p12_max_iter = 4096;
	ck_load_buffer(data, size, "file", "fuzz", &o, emit, NULL);
	o.password = "hostile";
	ck_load_buffer(data, size, "file", "fuzz", &o, emit, NULL);
	return 0;
}
