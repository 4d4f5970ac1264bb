/*
 * ck_approve: would an enterprise CA issue a requester's request for a
 * template automatically, and if not, why ([MS-ADSC], [MS-CRTD] 2.26, msPKI-RA-Signature,
 * 24-26).  Reads `template`, `ca` and `principal` records and builds
 * `approval` records; used by cert-approve.
 *
 * Order of judgement, as the CA applies it:
 *   1. template not in the CA's certificateTemplates       -> "deny"
 *   2. requester lacks Enroll (a deny ACE for it or any of
 *      its groups wins; allow via its SID, a group, Everyone,
 *      Authenticated Users; all_extended_rights and
 *      generic_all count as Enroll)                         -> "not_enrollable"
 *   3. CA RequestDisposition low byte 2 (REQDISP_DENY)      -> "deny"
 *   4. CA pending-first / low byte not 1, template
 *      PEND_ALL_REQUESTS, msPKI-RA-Signature > 0            -> "pending"
 *   5. otherwise                                            -> "issue"
 * Every reason that applies is reported, not only the one that decides.
 */
#ifndef CK_APPROVE_H
#define CK_APPROVE_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_ruledef.h"
#include "ck_sid.h"

#define CK_SID_EVERYONE "S-1-1-0"
#define CK_SID_AUTHENTICATED_USERS "S-1-5-11"

/* Whose request is judged: its own SID and every SID it holds rights through. */
struct ck_requester {
	char *name;		/* principal name, or the SID when given as a bare SID */
	char *sid;		/* its own SID ("" when the principal record has none) */
	char **sids;		/* own SID, groups, Everyone, Authenticated Users */
	char **sid_names;	/* display name for each of sids (never NULL entries) */
	size_t nsids;
	int groups_known;	/* 0 when built from a bare SID without a principal record */
};

/*
 * From a `principal` record {name, sid, groups[] {sid, name}}: the SID set
 * is its SID, every group SID, Everyone and Authenticated Users.  Returns
 * 0, or -1 (CK_E_PARSE) when name and sid are both missing or a group is
 * malformed.  Release with ck_requester_release().
 */
int ck_requester_from_principal(struct ck_requester *rq, const json_t *principal,
    struct ck_err *err);

/* From a bare SID ("S-1-..."): the SID, Everyone, Authenticated Users; groups_known 0. */
int ck_requester_from_sid(struct ck_requester *rq, const char *sid, struct ck_err *err);

void ck_requester_release(struct ck_requester *rq);

/*
 * The requester that query (--requester) names: built from the principal
 * record that matches it best (ck_approve_principal_match), else from
 * query itself when it is a SID.  -1 with CK_E_USAGE when several records
 * match equally well, CK_E_NOTFOUND when none does and query is no SID.
 */
int ck_requester_find(struct ck_requester *rq, json_t *const *principals, size_t n,
    const char *query, struct ck_err *err);

/*
 * Judges every (template, CA) pair in scope for rq and calls emit(arg,
 * approval) per pair (the record is borrowed).  Templates: those tnames
 * names (none: all).  CAs: those cnames names; without cnames, the CAs that
 * publish the template, or every CA when none does (each then says why
 * not).  A pair that cannot be judged calls fail(arg, template name, err).
 * Returns the worst status of the verdicts (ck_approval_status), CK_UNKNOWN
 * for failures and failed emits.
 */
int ck_approve_judge_all(json_t *const *tmpls, size_t ntmpls, json_t *const *cas, size_t ncas,
    const char *const *tnames, size_t ntnames, const char *const *cnames, size_t ncnames,
    const struct ck_requester *rq, int (*emit)(void *arg, json_t *approval),
    void (*fail)(void *arg, const char *what, const struct ck_err *err), void *arg);

/* 1 when s looks like a string SID ("S-1-..."). */
int ck_approve_is_sid(const char *s);

/*
 * How well query (--requester: "CORP\NAME$", "NAME$", "NAME" or a SID)
 * matches a principal record: 0 no match, 1 sAMAccountName plus '$'
 * (a computer named without its '$'), 2 account name without or with a
 * matching domain, 3 the whole name or the SID (case-insensitive).
 */
int ck_approve_principal_match(const json_t *principal, const char *query);

/* 1 when the `template` record's name or display_name equals name (case-insensitive). */
int ck_approve_template_named(const json_t *tmpl, const char *name);

/* 1 when the `ca` record's name or dns_host equals name (case-insensitive). */
int ck_approve_ca_named(const json_t *ca, const char *name);

/*
 * cert-approve's input: every record of every file, in order (all), and
 * the template, ca and principal records among them (ck_approve_input_sort).
 * Each array holds its own references.
 */
struct ck_recs {
	json_t **v;
	size_t n;
};
struct ck_approve_input {
	struct ck_recs all, tmpls, cas, principals;
};
/*
 * Appends the records of path ("-": stdin) to in->all; a failure is
 * reported with ck_report (to out too, when set), a broken line on stderr.
 * Returns CK_OK, or CK_UNKNOWN (the file or a line could not be read, an
 * upstream `error` record: the picture is incomplete).
 */
int ck_approve_input_read(struct ck_approve_input *in, const char *path, FILE *out);
/* Picks the template, ca and principal records of in->all.  Returns 0 or -1 (ENOMEM). */
int ck_approve_input_sort(struct ck_approve_input *in);
void ck_approve_input_release(struct ck_approve_input *in);

/*
 * --template/--ca: each of names[0..n) must name one of recs[0..nrecs)
 * (named: ck_approve_template_named or ck_approve_ca_named); one that does
 * not is reported with ck_report (to out too, when set): "no WHAT record
 * of that name in the input".  Returns CK_OK or CK_UNKNOWN.
 */
int ck_approve_check_names(const char *const *names, size_t n, json_t *const *recs,
    size_t nrecs, int (*named)(const json_t *, const char *), const char *what, FILE *out);

/*
 * Judges one (template, CA) pair for the requester.  The CA's disposition
 * comes from its request_disposition field (see ck_caconfig_apply); when
 * absent, the enterprise default 0x1 is assumed and a warning
 * approve.disposition_unknown says so.  Returns a new `approval` record
 * {template, ca, requester, requester_sid, verdict, request_disposition
 * {raw, action, assumed}, reasons[]}, or NULL with err set (CK_E_PARSE)
 * when a record field is malformed.
 */
json_t *ck_approve_judge(const json_t *tmpl, const json_t *ca,
    const struct ck_requester *rq, struct ck_err *err);

/*
 * Exit status an approval contributes: CK_CRITICAL unless the verdict is
 * "issue"; else CK_WARNING when a reason is a warning; else CK_OK.
 */
int ck_approval_status(const json_t *approval);

/*
 * One line of text: "VERDICT TEMPLATE @ CA: rule: message; ..." (reasons of
 * severity notice included), no newline.  Returns a malloc'd string.
 */
char *ck_approval_text(const json_t *approval);

/* The approve.* finding ids (ck_ruledef.h), for --list-rules. */
const struct ck_ruleset *ck_approve_ruleset(void);

#endif /* CK_APPROVE_H */
