/*
 * Fuzz target: the AMT Hello decoder (ck_amt_hello).  Checks what the
 * listener relies on: parse never reads past len, a message parse accepts
 * is also complete() by its own count, complete() never says "invalid" for
 * a message parse accepts, the record has exactly the hashes decoded, and
 * hex captures decode to at most their own length.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ck_amt_hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ck_amt_hello h;
	struct ck_err err;
	unsigned char *copy;
	size_t n;
	json_t *rec;

	if (ck_amt_hello_parse(data, size, &h, &err) == 0) {
		if (ck_amt_hello_complete(data, size) != 1)
			__builtin_trap();	/* a valid message is complete */
		rec = ck_amt_hello_record(&h, "192.0.2.1");
		if (rec == NULL || json_array_size(json_object_get(rec, "hashes")) != h.nhashes)
			__builtin_trap();
		json_decref(rec);
		ck_amt_hello_match(&h, data, size);
	} else if (err.msg[0] == '\0') {
		__builtin_trap();	/* every refusal says why */
	}
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	ck_amt_hello_unhex(copy, size, &n);
	if (n > size)
		__builtin_trap();
	if (ck_amt_hello_parse(copy, n, &h, &err) == 0)
		ck_amt_hello_complete(copy, n);
	free(copy);
	return 0;
}
