/*
 * Fuzz target: what cert-amt discover reads from the network: the RMCP
 * presence pong (ck_amt_rmcp_parse, with the tag from the first byte) and
 * the HTTP response head with the AMT Server header (ck_amt_http_version).
 * Checks that every refusal says why and that an accepted version is the
 * A.B.C it claims.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ck_amt.h"
#include "ck_amt_rmcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_amt_rmcp r;
	struct ck_amt_version v;
	struct ck_err err;
	char text[40];
	int rv;

	if (size > 0) {
		err.msg[0] = '\0';
		if (ck_amt_rmcp_parse(data + 1, size - 1, data[0], &r, &err) == 0) {
			if (r.major > 15 || r.minor > 15 || r.state > 3 || r.port > 65535)
				__builtin_trap();
		} else if (err.msg[0] == '\0') {
			__builtin_trap();
		}
	}
	err.msg[0] = '\0';
	rv = ck_amt_http_version(data, size, &v, &err);
	if (rv == 1) {
		snprintf(text, sizeof(text), "%d.%d.%d", v.major, v.minor, v.build);
		if (strcmp(text, v.text) != 0)
			__builtin_trap();
	} else if (err.msg[0] == '\0') {
		__builtin_trap();
	}
	return 0;
}
