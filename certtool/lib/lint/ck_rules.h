/*
 * ck_rules: cert-lint's rule table.  Every rule has a stable dotted id, a
 * default severity, the kinds of record it judges, the standard or document
 * it comes from, a one-line description and a check.  Profiles
 * (policy/NAME.json, ck_lint.h) select rules and give them parameters; the
 * checks read those parameters through the ck_rule_param_* helpers.
 *
 * A check looks at one record and either stays silent (returns 0) or fills
 * a hit (returns 1): the message in an administrator's words (what is wrong
 * and what to change) and, when the rule has more than one level, the
 * severity of this hit (NULL keeps the rule's severity).
 */
#ifndef CK_RULES_H
#define CK_RULES_H

#include <stddef.h>
#include <jansson.h>

#include "ck_policy.h"
#include "ck_ruledef.h"

/* What a rule judges.  A cert record is a CA cert when "ca" is true. */
enum ck_apply {
	CK_APPLY_LEAF = 1 << 0,		/* cert record, not a CA */
	CK_APPLY_CA_CERT = 1 << 1,	/* cert record with ca: true */
	CK_APPLY_CHAIN = 1 << 2,	/* chain record (certs looked up in the stream) */
	CK_APPLY_TEMPLATE = 1 << 3,	/* template record */
	CK_APPLY_CA = 1 << 4		/* ca record (an enterprise CA) */
};

#define CK_HIT_MSG_MAX 1024

struct ck_hit {
	const char *severity;		/* NULL: the rule's own severity */
	char msg[CK_HIT_MSG_MAX];
};

struct ck_lint;				/* ck_lint.h: index of the stream */

/* What a check sees besides the record. */
struct ck_rule_env {
	const json_t *params;		/* parameters of the selecting profile (object) */
	const struct ck_lint *lint;	/* cross-record lookups; may be NULL */
	unsigned target;		/* the enum ck_apply bit of this record */
	const struct ck_rule *rule;	/* the rule being checked */
	const struct ck_policy *policy;	/* the profile's "amt_policy" (ck_policy.h), or NULL */
};

typedef int (*ck_rule_fn)(const struct ck_rule_env *env, const json_t *rec,
    struct ck_hit *hit);

struct ck_rule {
	const char *id;
	const char *severity;		/* "critical" | "warning" | "notice" */
	unsigned applies_to;		/* enum ck_apply bits */
	const char *ref;
	const char *description;
	ck_rule_fn check;
};

/* The table, in documentation order; *n gets its length. */
const struct ck_rule *ck_rules_all(size_t *n);

/*
 * The AD CS escalations (Certipy ESC list) that no rule checks, each with why: the
 * data they need is not in any record certkit writes.  Documentation only
 * (cert-lint --list-rules --format text, the man page).
 */
struct ck_unchecked {
	const char *id;
	const char *why;
};

/* The table of unchecked escalations; *n gets its length. */
const struct ck_unchecked *ck_rules_unchecked(size_t *n);

/* The table as a registry family (ck_ruledef.h), for --list-rules and tests. */
const struct ck_ruleset *ck_rules_ruleset(void);

/* The rule with this id, or NULL. */
const struct ck_rule *ck_rule_find(const char *id);

/* "leaf", "ca_cert", "chain", "template", "ca" for one bit. */
const char *ck_apply_name(unsigned bit);

/* A new array of the names of the bits set in mask.  New reference. */
json_t *ck_apply_json(unsigned mask);

/* The --list-rules line of a rule.  New reference. */
json_t *ck_rule_json(const struct ck_rule *r, const char *severity);

/* Parameter lookups with defaults (wrong types count as absent). */
long ck_rule_param_int(const struct ck_rule_env *env, const char *name, long dflt);
int ck_rule_param_bool(const struct ck_rule_env *env, const char *name, int dflt);
const char *ck_rule_param_str(const struct ck_rule_env *env, const char *name);
const json_t *ck_rule_param(const struct ck_rule_env *env, const char *name);

/* Sets hit->msg (printf-style); returns 1 so a check can `return ck_hit(...)`. */
int ck_hit(struct ck_hit *hit, const char *severity, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Record helpers shared by the checks (ck_rules_util.c).  Each accepts a
 * missing or mistyped field and answers as if the field were absent.
 */
const char *ck_js(const json_t *obj, const char *key);		/* string or NULL */
long ck_ji(const json_t *obj, const char *key, long dflt);	/* integer or dflt */
int ck_jb(const json_t *obj, const char *key);			/* 1 when true */
/* 1 when the array field key of obj holds the string s (case-insensitive). */
int ck_jarr_has(const json_t *obj, const char *key, const char *s);

/* EKU purposes a rule may ask about (short names or dotted OIDs). */
enum ck_eku {
	CK_EKU_SERVER_AUTH,
	CK_EKU_CLIENT_AUTH,
	CK_EKU_ANY_PURPOSE,
	CK_EKU_SMARTCARD_LOGON,
	CK_EKU_PKINIT_CLIENT,
	CK_EKU_REQUEST_AGENT,
	CK_EKU_AMT_PROVISIONING
};

/* 1 when the EKU array arr (strings) names purpose e. */
int ck_eku_has(const json_t *arr, enum ck_eku e);

/*
 * The ConfigMgr 2007 out of band role of a `template` record, classified
 * as cert-lint(1) documents it ("template_roles" by name, built-in
 * templates excluded unless "include_default_templates", AMT OID or a
 * "provision" name with Server Authentication -> "provisioning", Server
 * Authentication -> "web_server", Client Authentication -> "8021x"),
 * restricted to params' "roles" list: "provisioning", "web_server",
 * "8021x", or NULL.  params is a profile's "params" object (may be NULL).
 */
const char *ck_rules_oob_role(const json_t *params, const json_t *rec);

/* A record's subject for findings: cert CN/DN, template or ca name. */
const char *ck_rule_subject(const json_t *rec);

#endif /* CK_RULES_H */
