/* libFuzzer target: ck_caconfig_parse on arbitrary certutil -getreg text / JSON. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ck_caconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_caconfig c[4];
	struct ck_err err;
	int n;

	memset(&err, 0, sizeof(err));
	n = ck_caconfig_parse((const char *)data, size, c, 4, &err);
	if (n > 4)
		__builtin_trap();
	if (n > 0) {
		(void)ck_caconfig_disposition_action(c[0].request_disposition);
		if (memchr(c[0].ca, '\0', sizeof(c[0].ca)) == NULL)
			__builtin_trap();
	}
	return 0;
}
