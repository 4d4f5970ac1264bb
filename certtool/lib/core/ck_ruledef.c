#include "ck_ruledef.h"

#include <string.h>

#include "ck_record.h"
#include "ck_tool.h"

const struct ck_ruledef *
ck_rules_find(const struct ck_ruleset *const *sets, const char *id)
{
	size_t i;

	for (; *sets != NULL; sets++)
		for (i = 0; i < (*sets)->n; i++)
			if (strcmp((*sets)->rules[i].id, id) == 0)
				return &(*sets)->rules[i];
	return NULL;
}

int
ck_rules_list(FILE *out, const struct ck_ruleset *const *sets, int format)
{
	const struct ck_ruleset *const *s;
	struct ck_err err;
	size_t i;

	for (s = sets; *s != NULL; s++)
		for (i = 0; i < (*s)->n; i++) {
			const struct ck_ruledef *r = &(*s)->rules[i];
			json_t *j;

			if (ck_rules_find(sets, r->id) != r)
				continue;	/* defined by an earlier set */
			if (format == 1) {
				fprintf(out, "%-32s %-8s %s (%s)\n", r->id, r->severity,
				    r->description, r->ref);
				continue;
			}
			j = json_pack("{s:s,s:s,s:s,s:s}", "id", r->id, "severity", r->severity,
			    "description", r->description, "ref", r->ref);
			if (j == NULL || ck_record_write(out, j, &err) < 0) {
				json_decref(j);
				return -1;
			}
			json_decref(j);
		}
	return ferror(out) ? -1 : 0;
}

int
ck_rules_list_stdout(const struct ck_ruleset *const *sets, int format)
{
	int st = ck_rules_list(stdout, sets, format) == 0 ? CK_OK : CK_UNKNOWN;

	return ck_close_stdout() != 0 ? CK_UNKNOWN : st;
}
