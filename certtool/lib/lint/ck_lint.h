/*
 * ck_lint: profiles and judging for cert-lint.
 *
 * A profile (policy/NAME.json, format in policy/README.md) selects rules
 * from the table in ck_rules.h, may override their severity, and gives
 * them parameters.  A struct ck_lint holds the selected rules and an index
 * of the stream (certificates by id, CAs and the templates they publish)
 * for the rules that look across records (chains, "published by a CA").
 */
#ifndef CK_LINT_H
#define CK_LINT_H

#include <stddef.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_rules.h"

struct ck_lint;

/* A new, empty linter (no rules).  NULL on ENOMEM. */
struct ck_lint *ck_lint_new(void);
void ck_lint_free(struct ck_lint *l);

/*
 * Adds a directory to the profile search path (searched in the order
 * added).  The string is copied.  Returns 0 or -1.
 */
int ck_lint_add_dir(struct ck_lint *l, const char *dir, struct ck_err *err);

/*
 * Adds the profile directories of ck_datadir_search("policy")
 * (ck_datadir.h), in its order.  Returns 0 or -1.
 */
int ck_lint_add_default_dirs(struct ck_lint *l, struct ck_err *err);

/*
 * Sets the AMT firmware version (ck_version_valid: "3.2.1", "11", "16.1")
 * at which profiles load their "amt_policy" (policy/amt.json) and resolve
 * "amt_versions"; overrides the profile's "amt_version" parameter.  Call
 * before adding profiles.
 */
void ck_lint_set_amt_version(struct ck_lint *l, const char *version);

/*
 * Adds the rules of profile NAME (looked up as NAME.json in the search
 * path; names are [a-z0-9._-]).  A rule selected twice keeps its first
 * selection.  Returns 0, or -1 with err: CK_E_NOTFOUND (unknown profile),
 * CK_E_PARSE (broken policy file: bad JSON, unknown rule, bad severity...).
 */
int ck_lint_add_profile(struct ck_lint *l, const char *name, struct ck_err *err);

/* The same for a policy file given by path. */
int ck_lint_add_policy_file(struct ck_lint *l, const char *path, struct ck_err *err);

/* Number of selected rules; the i-th rule and its effective severity. */
size_t ck_lint_count(const struct ck_lint *l);
const struct ck_rule *ck_lint_rule(const struct ck_lint *l, size_t i, const char **severity);

/* The enum ck_apply bit of a record, or 0 when no rule can judge its kind. */
unsigned ck_lint_target(const json_t *rec);

/* 1 when some selected rule judges records of this target. */
int ck_lint_wants(const struct ck_lint *l, unsigned target);

/*
 * Remembers what later records may ask about: cert records (by id: key,
 * signature algorithm, subject), ca records (the templates they publish),
 * oid records (issuance policies linked to groups), principal records
 * (their groups).
 * Call for every record, before judging it.
 */
void ck_lint_index(struct ck_lint *l, const json_t *rec);

/* A remembered cert summary {id, key, sig_alg, ca, subject}, or NULL. */
const json_t *ck_lint_cert(const struct ck_lint *l, const char *id);

/*
 * The group an issuance policy OID is linked to (msDS-OIDToGroupLink), from
 * the `oid` records seen so far, or NULL.
 */
const char *ck_lint_oid_group(const struct ck_lint *l, const char *oid);

/* How many oid records were seen (0: the issuance policies' links are unknown). */
size_t ck_lint_oids_seen(const struct ck_lint *l);

/*
 * The group SIDs (tokenGroups, an array of strings) of the principal with
 * this SID or name, from the `principal` records seen so far, or NULL.
 */
const json_t *ck_lint_principal_groups(const struct ck_lint *l, const char *who);

/* The ca records seen so far (an array, possibly empty). */
const json_t *ck_lint_cas(const struct ck_lint *l);

/*
 * Judges rec with every selected rule that applies to it, appending the
 * findings to rec's "findings" array (created if absent, kept if the
 * record already had one).  Records no rule applies to are left alone.
 * *worst is raised to the worst severity found: 0 none/notice, 1 warning,
 * 2 critical.  Returns the number of findings added, -1 when rec was not
 * judged.
 */
int ck_lint_judge(const struct ck_lint *l, json_t *rec, int *worst);

/* "critical" -> 2, "warning" -> 1, "notice" -> 0, other -> -1. */
int ck_severity_level(const char *s);

#endif /* CK_LINT_H */
