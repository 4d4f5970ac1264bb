/*
 * libFuzzer target: cert-lint's rules.  Each input is one record (any JSON);
 * it is indexed and judged by every rule of the table, twice: with default
 * parameters and with the AMT 16 / explicit-role parameters.  Nothing may
 * crash, and a judged record must end up with a findings array.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_lint.h"
#include "ck_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ck_lint *linters[2];

/* A linter running every rule of the table with params (a JSON object text). */
static struct ck_lint *
all_rules(const char *params)
{
	char path[] = "/tmp/fuzz_lint.XXXXXX";
	const struct ck_rule *t;
	struct ck_lint *l = ck_lint_new();
	struct ck_err err;
	size_t n, i;
	int fd = mkstemp(path);
	FILE *fp;

	if (l == NULL || fd < 0 || (fp = fdopen(fd, "w")) == NULL)
		abort();
	fprintf(fp, "{\"params\": %s, \"rules\": {", params);
	t = ck_rules_all(&n);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s\"%s\": {}", i ? ", " : "", t[i].id);
	fputs("}}\n", fp);
	fclose(fp);
	if (ck_lint_add_policy_file(l, path, &err) != 0)
		abort();
	unlink(path);
	return l;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *rec;
	size_t k;

	if (linters[0] == NULL) {
		linters[0] = all_rules("{}");
		linters[1] = all_rules("{\"amt_version\": 16, \"sha1_forbidden\": true, "
		    "\"leaf_key_bits\": [2048, 4096], \"domain_suffix\": \"corp.example\", "
		    "\"roles\": [\"provisioning\", \"web_server\", \"8021x\"], "
		    "\"template_roles\": {\"T\": \"provisioning\"}, \"include_default_templates\": true, "
		    "\"min_key_bits_range\": [2048, 4096], \"chain_max_len\": 2}");
	}
	for (k = 0; k < 2; k++) {
		int worst = 0, n;

		rec = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
		if (rec == NULL)
			return 0;
		ck_lint_index(linters[k], rec);
		n = ck_lint_judge(linters[k], rec, &worst);
		if (n >= 0 && !json_is_array(json_object_get(rec, "findings")))
			abort();
		if (worst < 0 || worst > 2)
			abort();
		json_decref(rec);
	}
	return 0;
}
