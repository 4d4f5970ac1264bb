/*
 * libFuzzer target: the PEM scanner (ck_load_buffer on text with
 * "-----BEGIN" lines).  Every record must serialise, and one bad block is
 * at most one error: never more error records than lines.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ck_load.h"
#include "ck_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
emit(void *ctx, json_t *rec)
{
	char *s = ck_record_dumps(rec);

	if (s == NULL)
		abort();
	if (ck_record_is(rec, "error"))
		(*(size_t *)ctx)++;
	free(s);
	json_decref(rec);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_load_opts o;
	size_t errors = 0, lines = 1;
	unsigned char *buf;

	/* Always PEM: the scanner, not the DER sniffing. */
	buf = malloc(size + 12);
	if (buf == NULL)
		return 0;
	memcpy(buf, "-----BEGIN ", 11);
	memcpy(buf + 11, data, size);
	for (size_t i = 0; i < size + 11; i++)
		lines += buf[i] == '\n';
	ck_load_opts_init(&o);
	ck_load_buffer(buf, size + 11, "file", "fuzz", &o, emit, &errors);
	if (errors > lines + 1)
		abort();	/* a bad block is one error */
	free(buf);
	return 0;
}
