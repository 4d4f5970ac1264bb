/*
 * libFuzzer target: the JSON Lines record reader and writer.  Every line
 * yields a record or an error record; every record written reads back
 * equal; and the record parser (ck_json) agrees with jansson's json_loadb
 * on every input: both accept it with equal values, or both refuse it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_json.h"
#include "ck_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp;
	struct ck_reader *r;
	struct ck_err err;
	json_t *rec;
	int res;

	if (size == 0)
		return 0;
	{
		json_error_t je;
		json_t *a = ck_json_parse((const char *)data, size, NULL, 0);
		json_t *b = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);

		if ((a == NULL) != (b == NULL))
			abort();	/* one parser accepts what the other refuses */
		if (a != NULL && !json_equal(a, b))
			abort();
		json_decref(a);
		json_decref(b);
	}
	fp = fmemopen((void *)data, size, "r");
	if (fp == NULL)
		return 0;
	r = ck_reader_new(fp, "fuzz");
	while ((res = ck_reader_next(r, &rec, &err)) > 0) {
		char *s = ck_record_dumps(rec);
		json_t *back;
		json_error_t je;

		if (s == NULL)
			abort();
		back = json_loads(s, JSON_ALLOW_NUL, &je);
		if (back == NULL || !json_equal(back, rec))
			abort();	/* what we write must read back the same */
		json_decref(back);
		free(s);
		if (res == CK_READ_BROKEN && !ck_record_is(rec, "error"))
			abort();
		json_decref(rec);
	}
	ck_reader_free(r);
	fclose(fp);
	return 0;
}
