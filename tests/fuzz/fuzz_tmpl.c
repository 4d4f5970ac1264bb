/*
 * libFuzzer target: the template loader's check (ck_tmpl_check, what
 * cert-tmpl, cert-lint and cert-issue run on template files).  A template
 * it accepts has whole days (validity over renewal) and turns into LDIF.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ck_tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	struct ck_err err;
	json_t *t = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);

	if (t == NULL)
		return 0;
	if (ck_tmpl_check(t, &err) == 0) {
		const json_t *v = json_object_get(t, "validity_days");
		const json_t *r = json_object_get(t, "renewal_days");

		if (!json_is_integer(v) || !json_is_integer(r) ||
		    json_integer_value(r) >= json_integer_value(v))
			abort();	/* the check let a bad period through */
	}
	json_decref(t);
	return 0;
}
