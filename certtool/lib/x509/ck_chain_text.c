/* ck_chain: a chain record as a readable tree. */
#include "ck_chain_int.h"
#include "ck_text.h"

#include <stdio.h>
#include <string.h>

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

int
ck_chain_print_text(FILE *fp, const json_t *chain)
{
	const json_t *certs = json_object_get(chain, "certs"), *f, *rev;
	const char *anchor = json_string_value(json_object_get(chain, "anchor"));
	size_t i, n = json_array_size(certs);
	const json_t *e;
	char status[16];

	snprintf(status, sizeof(status), "%s", jstr(chain, "status"));
	for (i = 0; status[i] != '\0'; i++)
		if (status[i] >= 'a' && status[i] <= 'z')
			status[i] = (char)(status[i] - 'a' + 'A');
	ck_textf(fp, "chain %.16s  %s\n", jstr(chain, "id"), status);
	json_array_foreach(certs, i, e) {
		const json_t *key = json_object_get(e, "key");
		const char *dn = jstr(json_object_get(e, "subject"), "dn");
		size_t k;

		ck_textf(fp, "  ");
		for (k = 0; k < i; k++)
			ck_textf(fp, "   ");
		ck_textf(fp, "%s%s  [%s %lld, %s]%s\n", i == 0 ? "" : "`- ",
		    dn[0] != '\0' ? dn : "(no subject)", jstr(key, "alg"),
		    (long long)json_integer_value(json_object_get(key, "bits")),
		    jstr(e, "sig_alg"),
		    anchor != NULL && i + 1 == n ? "  (trust anchor)" : "");
	}
	if (n == 0)
		ck_textf(fp, "  (no path)\n");
	rev = json_object_get(chain, "revocation");
	if (json_object_size(rev) > 0) {
		const char *k;
		const json_t *v;

		ck_textf(fp, "  revocation:\n");
		json_object_foreach((json_t *)rev, k, v)
			ck_textf(fp, "    %.16s  %s (%s)\n", k, jstr(v, "status"), jstr(v, "method"));
	}
	f = json_object_get(chain, "findings");
	json_array_foreach(f, i, e) {
		const char *subj = jstr(e, "subject");

		ck_textf(fp, "  %-8s %s: %s%s%s%s\n", jstr(e, "severity"), jstr(e, "rule"),
		    jstr(e, "message"), subj[0] != '\0' ? " [" : "", subj,
		    subj[0] != '\0' ? "]" : "");
	}
	return ferror(fp) ? -1 : 0;
}
