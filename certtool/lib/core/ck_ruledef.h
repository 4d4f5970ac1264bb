/*
 * ck_ruledef: the rule registry.  Every finding id a tool can emit
 * (ck_finding_new's `rule`) is defined once, with its severity (the worst
 * it reports), its public source and a one-line description, in the table
 * of its family, at the layer of the code that emits it:
 *
 *   chain.*   x509/ck_chain.c     ck_chain_ruleset()   (verify errors, revocation, path)
 *   chain.*, amt.*  x509/ck_policy.c  ck_policy_ruleset(family)  (key size, SHA-1, depth)
 *   approve.* adcs/ck_approve.c   ck_approve_ruleset()
 *   lint      lint/ck_rules.c     ck_rules_ruleset()   (rfc5280.*, amt.*, adcs.*, oob.*)
 *
 * A tool main (which may include any layer) lists the rulesets of what it
 * emits in a NULL-terminated array; `--list-rules` prints them with
 * ck_rules_list_stdout, and tests/e2e/rules.bats fails when a tool emits an id
 * its --list-rules lacks.  A new family: a static table of struct
 * ck_ruledef beside the code that emits it, a function returning its
 * struct ck_ruleset, and the main's array (docs/HACKING.md).
 */
#ifndef CK_RULEDEF_H
#define CK_RULEDEF_H

#include <stddef.h>
#include <stdio.h>

struct ck_ruledef {
	const char *id;			/* "family.name", stable */
	const char *severity;		/* "critical" | "warning" | "notice": the worst reported */
	const char *ref;		/* public source: document and section, URL */
	const char *description;	/* one line, what the finding means */
};

struct ck_ruleset {
	const char *family;		/* "chain", "amt", "approve", ... (documentation) */
	const struct ck_ruledef *rules;
	size_t n;
};

/* The definition of id in sets (NULL-terminated array), or NULL. */
const struct ck_ruledef *ck_rules_find(const struct ck_ruleset *const *sets, const char *id);

/*
 * Prints every rule of sets, first definition of an id only: JSON Lines
 * {"id","severity","description","ref"} (format 0) or one aligned line per
 * rule (format 1, CK_FMT_TEXT).  Returns 0 or -1 (write error).
 */
int ck_rules_list(FILE *out, const struct ck_ruleset *const *sets, int format);

/*
 * A main's --list-rules: ck_rules_list on stdout, then ck_close_stdout.
 * Returns the exit status: CK_OK, or CK_UNKNOWN when stdout could not be
 * written.
 */
int ck_rules_list_stdout(const struct ck_ruleset *const *sets, int format);

#endif /* CK_RULEDEF_H */
