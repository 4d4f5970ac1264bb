/*
 * ck_amt_text: one line per cert-amt record (see the header).
 */
#include "ck_amt_text.h"

#include <string.h>

#include "ck_text.h"

static const char *
str(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

/* An untrusted field, escaped, padded to width (0: none). */
static void
field(FILE *fp, const char *s, int width)
{
	char buf[512];

	fprintf(fp, "%-*s", width, ck_text(s, buf, sizeof(buf)));
}

void
ck_amt_print_text(FILE *fp, const json_t *rec)
{
	const char *kind = str(rec, "kind", "");

	if (strcmp(kind, "amt") == 0) {
		const json_t *f = json_array_get(json_object_get(rec, "findings"), 0);
		const char *v = str(rec, "version", NULL);

		field(fp, str(rec, "host", "-"), 24);
		fputc(' ', fp);
		field(fp, str(rec, "address", "-"), 15);
		fprintf(fp, " %-10s %-5s ", json_is_true(json_object_get(rec, "found")) ?
		    (v ? v : "AMT") : "not AMT", str(rec, "provisioning_state", "-"));
		field(fp, f ? str(f, "message", "") : "", 0);
		fputc('\n', fp);
	} else if (strcmp(kind, "amt_hello") == 0) {
		const json_t *tr = json_object_get(rec, "trusted_root");

		fprintf(fp, "%s  ", str(rec, "uuid", "-"));
		field(fp, str(rec, "address", "-"), 0);
		fprintf(fp, "  admin credentials %s  %zu root hashes",
		    json_is_true(json_object_get(rec, "admin_credentials_set")) ? "set" : "not set",
		    json_array_size(json_object_get(rec, "hashes")));
		if (json_is_object(tr)) {
			fputs("  trusts ", fp);
			field(fp, str(tr, "subject", ""), 0);
		} else if (tr != NULL) {
			fputs("  DOES NOT TRUST the chain's root", fp);
		}
		fputc('\n', fp);
	} else if (strcmp(kind, "cert") == 0 && json_object_get(rec, "amt_hello_match")) {
		const json_t *m = json_object_get(rec, "amt_hello_match");

		fprintf(fp, "%-8s ", json_is_object(m) ? str(m, "alg", "?") : "-");
		field(fp, str(json_object_get(rec, "subject"), "dn", ""), 0);
		fputc('\n', fp);
	}
}
