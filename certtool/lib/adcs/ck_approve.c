/*
 * ck_approve: the CA's decision for a (template, CA, requester), see
 * ck_approve.h for the order and its sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_acl.h"
#include "ck_adcs.h"
#include "ck_approve.h"
#include "ck_text.h"
#include "ck_caconfig.h"
#include "ck_record.h"
#include "ck_tool.h"

#define REF_PUBLISHED "[MS-ADSC] pKIEnrollmentService certificateTemplates; an enterprise CA refuses templates it does not publish"
#define REF_ENROLL "[MS-CRTD] template security: Enroll extended right 0e10c968-78fb-11d2-90d4-00c04f79dc55; deny ACEs win"
#define REF_DISP "[MS-WCCE] 3.2.1.4.2.1.4.5 RequestDisposition (REQDISP_PENDINGFIRST 0x100, REQDISP_ISSUE 0x1)"
#define REF_PEND "[MS-CRTD] 2.26 msPKI-Enrollment-Flag PEND_ALL_REQUESTS 0x2"
#define REF_RA "[MS-CRTD] msPKI-RA-Signature"

/* Every approve.* id this module emits (the registry, ck_ruledef.h). */
static const struct ck_ruledef approve_defs[] = {
	{ "approve.acl_unknown", "warning", REF_ENROLL,
	    "the template record has no acl: Enroll is not checked" },
	{ "approve.denied_by_ace", "critical", REF_ENROLL,
	    "a deny ACE for the requester or one of its groups takes Enroll away" },
	{ "approve.enroll_granted", "notice", REF_ENROLL,
	    "the requester (or a group of it) holds Enroll on the template" },
	{ "approve.no_enroll_right", "critical", REF_ENROLL,
	    "neither the requester nor any of its groups holds Enroll" },
	{ "approve.not_published", "critical", REF_PUBLISHED,
	    "the CA does not publish the template: it denies the request" },
	{ "approve.publication_unknown", "warning", REF_PUBLISHED,
	    "no record says whether the CA publishes the template" },
	{ "approve.requester_groups_unknown", "warning", REF_ENROLL,
	    "no principal record: judged with the requester's own SID and the broad groups only" },
	{ "approve.disposition_unknown", "warning", REF_DISP,
	    "the CA's RequestDisposition is unknown (give --ca-config)" },
	{ "approve.ca_pending_first", "critical", REF_DISP,
	    "RequestDisposition has REQDISP_PENDINGFIRST: every request waits for a CA manager" },
	{ "approve.ca_disposition", "critical", REF_DISP,
	    "RequestDisposition does not issue automatically" },
	{ "approve.pend_all_requests", "critical", REF_PEND,
	    "the template requires CA manager approval (PEND_ALL_REQUESTS)" },
	{ "approve.ra_signatures", "critical", REF_RA,
	    "the template requires authorised signatures" },
};

static const struct ck_ruleset approve_set = { "approve", approve_defs,
	sizeof(approve_defs) / sizeof(approve_defs[0]) };

const struct ck_ruleset *
ck_approve_ruleset(void)
{
	return &approve_set;
}

/* ---- requester ---- */

static int
add_sid(struct ck_requester *rq, const char *sid, const char *name, struct ck_err *err)
{
	char **s, **n;
	size_t i;

	for (i = 0; i < rq->nsids; i++)
		if (strcasecmp(rq->sids[i], sid) == 0)
			return 0;
	s = realloc(rq->sids, (rq->nsids + 1) * sizeof(*s));
	if (s == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	rq->sids = s;
	n = realloc(rq->sid_names, (rq->nsids + 1) * sizeof(*n));
	if (n == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	rq->sid_names = n;
	s[rq->nsids] = strdup(sid);
	n[rq->nsids] = strdup(name ? name : sid);
	if (s[rq->nsids] == NULL || n[rq->nsids] == NULL) {
		free(s[rq->nsids]);
		free(n[rq->nsids]);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	rq->nsids++;
	return 0;
}

void
ck_requester_release(struct ck_requester *rq)
{
	size_t i;

	if (rq == NULL)
		return;
	for (i = 0; i < rq->nsids; i++) {
		free(rq->sids[i]);
		free(rq->sid_names[i]);
	}
	free(rq->sids);
	free(rq->sid_names);
	free(rq->name);
	free(rq->sid);
	memset(rq, 0, sizeof(*rq));
}

int
ck_approve_is_sid(const char *s)
{
	return s != NULL && (s[0] == 'S' || s[0] == 's') && s[1] == '-' && s[2] == '1' &&
	    s[3] == '-';
}

static int
add_broad(struct ck_requester *rq, struct ck_err *err)
{
	if (add_sid(rq, CK_SID_EVERYONE, "Everyone", err) < 0)
		return -1;
	return add_sid(rq, CK_SID_AUTHENTICATED_USERS, "Authenticated Users", err);
}

int
ck_requester_from_sid(struct ck_requester *rq, const char *sid, struct ck_err *err)
{
	memset(rq, 0, sizeof(*rq));
	if (!ck_approve_is_sid(sid))
		return ck_err_set(err, CK_E_PARSE, "'%.100s' is not a SID", sid ? sid : "");
	rq->name = strdup(sid);
	rq->sid = strdup(sid);
	if (rq->name == NULL || rq->sid == NULL) {
		ck_requester_release(rq);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	if (add_sid(rq, sid, sid, err) < 0 || add_broad(rq, err) < 0) {
		ck_requester_release(rq);
		return -1;
	}
	return 0;
}

int
ck_requester_from_principal(struct ck_requester *rq, const json_t *p, struct ck_err *err)
{
	const json_t *name = json_object_get(p, "name"), *sid = json_object_get(p, "sid");
	const json_t *groups = json_object_get(p, "groups"), *g;
	size_t i;

	memset(rq, 0, sizeof(*rq));
	if (!json_is_string(name) && !json_is_string(sid))
		return ck_err_set(err, CK_E_PARSE, "principal record without name or sid");
	if (sid != NULL && !json_is_string(sid))
		return ck_err_set(err, CK_E_PARSE, "principal \"sid\" is not a string");
	rq->groups_known = 1;
	rq->name = strdup(json_is_string(name) ? json_string_value(name) : json_string_value(sid));
	rq->sid = strdup(json_is_string(sid) ? json_string_value(sid) : "");
	if (rq->name == NULL || rq->sid == NULL) {
		ck_requester_release(rq);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	if (rq->sid[0] != '\0' && add_sid(rq, rq->sid, rq->name, err) < 0)
		goto fail;
	if (groups != NULL && !json_is_array(groups)) {
		ck_err_set(err, CK_E_PARSE, "principal \"groups\" is not an array");
		goto fail;
	}
	json_array_foreach(groups, i, g) {
		const json_t *gs = json_object_get(g, "sid"), *gn = json_object_get(g, "name");

		if (json_is_string(g))	/* a bare SID is accepted too */
			gs = g;
		if (!json_is_string(gs)) {
			ck_err_set(err, CK_E_PARSE, "principal group %zu has no \"sid\"", i);
			goto fail;
		}
		if (add_sid(rq, json_string_value(gs),
		    json_is_string(gn) ? json_string_value(gn) : NULL, err) < 0)
			goto fail;
	}
	if (add_broad(rq, err) < 0)
		goto fail;
	return 0;
fail:
	ck_requester_release(rq);
	return -1;
}

/* ---- matching names ---- */

/* Splits "DOMAIN\account" into a domain length (0 = none) and the account part. */
static const char *
account_part(const char *s, size_t *domlen)
{
	const char *b = strrchr(s, '\\');

	*domlen = b ? (size_t)(b - s) : 0;
	return b ? b + 1 : s;
}

int
ck_approve_principal_match(const json_t *p, const char *q)
{
	const json_t *jn = json_object_get(p, "name"), *js = json_object_get(p, "sid");
	const char *name, *pa, *qa;
	size_t pd, qd, ql;

	if (q == NULL || *q == '\0')
		return 0;
	if (ck_approve_is_sid(q))
		return json_is_string(js) && strcasecmp(json_string_value(js), q) == 0 ? 3 : 0;
	if (!json_is_string(jn))
		return 0;
	name = json_string_value(jn);
	if (strcasecmp(name, q) == 0)
		return 3;
	pa = account_part(name, &pd);
	qa = account_part(q, &qd);
	/* Two different domains never match. */
	if (pd > 0 && qd > 0 && (pd != qd || strncasecmp(name, q, pd) != 0))
		return 0;
	if (strcasecmp(pa, qa) == 0)
		return 2;
	ql = strlen(qa);
	if (ql > 0 && strlen(pa) == ql + 1 && pa[ql] == '$' && strncasecmp(pa, qa, ql) == 0)
		return 1;
	return 0;
}

static int
str_field_is(const json_t *rec, const char *field, const char *name)
{
	const json_t *v = json_object_get(rec, field);

	return json_is_string(v) && strcasecmp(json_string_value(v), name) == 0;
}

int
ck_approve_template_named(const json_t *t, const char *name)
{
	return str_field_is(t, "name", name) || str_field_is(t, "display_name", name);
}

int
ck_approve_ca_named(const json_t *ca, const char *name)
{
	return str_field_is(ca, "name", name) || str_field_is(ca, "dns_host", name);
}

/* ---- judgement ---- */

struct judge {
	json_t *reasons;
	const char *subject;
};

static const char *
str_or(const json_t *rec, const char *field, const char *dflt)
{
	const json_t *v = json_object_get(rec, field);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* 1 when names (an array of strings) holds s (case-insensitive). */
static int
array_has(const json_t *arr, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcasecmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* Is the template in the CA's certificateTemplates?  -1 when neither side says. */
static int
published(const json_t *tmpl, const json_t *ca, const char *tname, const char *cname)
{
	const json_t *list = json_object_get(ca, "templates");

	if (json_is_array(list))
		return array_has(list, tname);
	list = json_object_get(tmpl, "published_by");
	if (json_is_array(list))
		return array_has(list, cname) ||
		    array_has(list, str_or(ca, "dns_host", "\x01"));
	return -1;
}

/* Index of sid in the requester's SID set, or -1. */
static long
holds(const struct ck_requester *rq, const char *sid)
{
	size_t i;

	for (i = 0; i < rq->nsids; i++)
		if (strcasecmp(rq->sids[i], sid) == 0)
			return (long)i;
	return -1;
}

static const char *
ace_name(const json_t *ace, const struct ck_requester *rq, long idx, const char *sid)
{
	const char *n = str_or(ace, "name", NULL), *w;

	if (n != NULL && *n != '\0')
		return n;
	if (idx >= 0)
		return rq->sid_names[idx];
	w = ck_sid_wellknown_name(sid);
	return w ? w : sid;
}

/*
 * Access check on the template's ACL.  Returns 1 enrollable, 0 not, -1
 * unknown (no acl), -2 malformed.
 */
static int
check_enroll(struct judge *j, const json_t *tmpl, const char *tname,
    const struct ck_requester *rq, struct ck_err *err)
{
	const json_t *acl = json_object_get(tmpl, "acl"), *ace;
	struct ck_acl_answer ans;
	struct ck_err e;
	size_t i;
	int held;

	if (acl == NULL || json_is_null(acl)) {
		ck_finding_addf(j->reasons, "approve.acl_unknown", "warning", REF_ENROLL,
		    j->subject,
		    "template '%s' has no acl in the record (was its nTSecurityDescriptor read?); "
		    "Enroll not checked", tname);
		return -1;
	}
	if (!json_is_array(acl))
		return ck_err_set(err, CK_E_PARSE, "template '%s': \"acl\" is not an array", tname) - 1;
	json_array_foreach(acl, i, ace)
		if (str_or(ace, "sid", NULL) == NULL)
			return ck_err_set(err, CK_E_PARSE, "template '%s': acl entry %zu needs "
			    "\"sid\", \"allow\" and \"rights\"", tname, i) - 1;
	held = ck_acl_effective(acl, (const char *const *)rq->sids, rq->nsids, "enroll", NULL,
	    &ans, &e);
	if (held < 0)
		return ck_err_set(err, CK_E_PARSE, "template '%s': %s", tname, e.msg) - 1;
	if (ans.deny != NULL) {
		const char *sid = str_or(ans.deny, "sid", "?");

		ck_finding_addf(j->reasons, "approve.denied_by_ace", "critical", REF_ENROLL,
		    j->subject,
		    "a deny ACE for '%s' (%s) on template '%s' takes Enroll away from '%s'",
		    ace_name(ans.deny, rq, holds(rq, sid), sid), sid, tname, rq->name);
	}
	if (held) {
		const char *sid = str_or(ans.allow, "sid", "?");

		ck_finding_addf(j->reasons, "approve.enroll_granted", "notice", REF_ENROLL,
		    j->subject,
		    "'%s' may enroll in template '%s' through '%s' (%s)", rq->name, tname,
		    ace_name(ans.allow, rq, holds(rq, sid), sid), sid);
	}
	if (ans.allow == NULL)
		ck_finding_addf(j->reasons, "approve.no_enroll_right", "critical", REF_ENROLL,
		    j->subject,
		    "no ACE on template '%s' grants Enroll to '%s', its groups, Everyone or "
		    "Authenticated Users", tname, rq->name);
	return held;
}

json_t *
ck_approve_judge(const json_t *tmpl, const json_t *ca, const struct ck_requester *rq,
    struct ck_err *err)
{
	const char *tname = str_or(tmpl, "name", NULL), *cname = str_or(ca, "name", NULL);
	const char *verdict, *disp_action;
	char subject[512];
	struct judge j;
	struct ck_caconfig cfg;
	json_t *rec = NULL, *ef, *ra, *d;
	uint32_t eflag = 0, disp;
	json_int_t ras = 0;
	int pub, enroll, pend = 0, ca_deny = 0;

	if (tname == NULL)
		return ck_err_set(err, CK_E_PARSE, "template record without \"name\""), NULL;
	if (cname == NULL)
		return ck_err_set(err, CK_E_PARSE, "ca record without \"name\""), NULL;
	if (ck_caconfig_from_ca(ca, &cfg, err) < 0) {
		ck_err_prefix(err, "ca '%s'", cname);
		return NULL;
	}
	ef = json_object_get(tmpl, "enrollment_flag");
	if (ef != NULL && !json_is_null(ef) &&
	    ck_adcs_flags_value(CK_ADCS_ENROLLMENT_FLAG, ef, &eflag, err) < 0) {
		ck_err_prefix(err, "template '%s': enrollment_flag", tname);
		return NULL;
	}
	ra = json_object_get(tmpl, "ra_signatures");
	if (ra != NULL && !json_is_null(ra)) {
		if (!json_is_integer(ra) || json_integer_value(ra) < 0)
			return ck_err_set(err, CK_E_PARSE, "template '%s': \"ra_signatures\" is not "
			    "a non-negative integer", tname), NULL;
		ras = json_integer_value(ra);
	}

	snprintf(subject, sizeof(subject), "%s @ %s", tname, cname);
	j.subject = subject;
	if ((j.reasons = json_array()) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory"), NULL;

	/* 1. Published by this CA ([MS-ADSC] pKIEnrollmentService certificateTemplates). */
	pub = published(tmpl, ca, tname, cname);
	if (pub == 0)
		ck_finding_addf(j.reasons, "approve.not_published", "critical", REF_PUBLISHED,
		    j.subject,
		    "template '%s' is not published by CA '%s' (not in its certificateTemplates): "
		    "the CA denies the request", tname, cname);
	else if (pub < 0)
		ck_finding_addf(j.reasons, "approve.publication_unknown", "warning", REF_PUBLISHED,
		    j.subject,
		    "neither the ca record's templates nor the template's published_by say whether "
		    "CA '%s' publishes '%s'", cname, tname);

	/* 2. Enroll right ([MS-CRTD] template security; ck_acl.h). */
	if (!rq->groups_known)
		ck_finding_addf(j.reasons, "approve.requester_groups_unknown", "warning", REF_ENROLL,
		    j.subject,
		    "no principal record for '%s': judged with its own SID, Everyone and "
		    "Authenticated Users only (run cert-ad --principal for its groups)", rq->name);
	enroll = check_enroll(&j, tmpl, tname, rq, err);
	if (enroll == -2) {
		json_decref(j.reasons);
		return NULL;
	}

	/* 3, 4. CA policy module disposition ([MS-WCCE] 3.2.1.4.2.1.4.5). */
	disp = cfg.has_request_disposition ? cfg.request_disposition : CK_REQDISP_ENTERPRISE_DEFAULT;
	disp_action = ck_caconfig_disposition_action(disp);
	if (!cfg.has_request_disposition)
		ck_finding_addf(j.reasons, "approve.disposition_unknown", "warning", REF_DISP,
		    j.subject,
		    "RequestDisposition of CA '%s' unknown (give --ca-config with the output of "
		    "'certutil -getreg policy\\RequestDisposition'); assumed the enterprise default 0x1",
		    cname);
	if (disp & CK_REQDISP_PENDINGFIRST) {
		pend = 1;
		ck_finding_addf(j.reasons, "approve.ca_pending_first", "critical", REF_DISP,
		    j.subject,
		    "CA '%s' RequestDisposition 0x%x has REQDISP_PENDINGFIRST (0x100): every "
		    "request waits for a CA manager", cname, disp);
	} else if ((disp & CK_REQDISP_MASK) != CK_REQDISP_ISSUE) {
		if ((disp & CK_REQDISP_MASK) == CK_REQDISP_DENY)
			ca_deny = 1;
		else
			pend = 1;
		ck_finding_addf(j.reasons, "approve.ca_disposition", "critical", REF_DISP,
		    j.subject,
		    "CA '%s' RequestDisposition 0x%x (low byte 0x%x, not REQDISP_ISSUE 0x1): "
		    "requests are %s", cname, disp, disp & CK_REQDISP_MASK,
		    ca_deny ? "denied" : "left pending");
	}
	if (eflag & CK_ADCS_PEND_ALL_REQUESTS) {
		pend = 1;
		ck_finding_addf(j.reasons, "approve.pend_all_requests", "critical", REF_PEND,
		    j.subject,
		    "template '%s' has PEND_ALL_REQUESTS (msPKI-Enrollment-Flag 0x%x): CA manager "
		    "approval required", tname, eflag);
	}
	if (ras > 0) {
		pend = 1;
		ck_finding_addf(j.reasons, "approve.ra_signatures", "critical", REF_RA,
		    j.subject,
		    "template '%s' requires %lld authorized signature%s (msPKI-RA-Signature): the "
		    "requester's own request is not enough", tname, (long long)ras,
		    ras == 1 ? "" : "s");
	}

	if (pub == 0)
		verdict = "deny";
	else if (enroll == 0)
		verdict = "not_enrollable";
	else if (ca_deny)
		verdict = "deny";
	else if (pend)
		verdict = "pending";
	else
		verdict = "issue";

	if ((rec = ck_record_new("approval")) == NULL || (d = json_object()) == NULL) {
		json_decref(rec);
		json_decref(j.reasons);
		return ck_err_set(err, CK_E_NOMEM, "out of memory"), NULL;
	}
	json_object_set_new(rec, "template", json_string(tname));
	json_object_set_new(rec, "ca", json_string(cname));
	json_object_set_new(rec, "requester", json_string(rq->name));
	if (rq->sid != NULL && rq->sid[0] != '\0')
		json_object_set_new(rec, "requester_sid", json_string(rq->sid));
	json_object_set_new(rec, "verdict", json_string(verdict));
	json_object_set_new(d, "raw", json_integer((json_int_t)disp));
	json_object_set_new(d, "action", json_string(disp_action));
	json_object_set_new(d, "assumed", json_boolean(!cfg.has_request_disposition));
	json_object_set_new(rec, "request_disposition", d);
	json_object_set_new(rec, "reasons", j.reasons);
	return rec;
}

int
ck_approval_status(const json_t *a)
{
	const json_t *r;
	size_t i;
	int st = CK_OK;

	if (!str_field_is(a, "verdict", "issue"))
		return CK_CRITICAL;
	json_array_foreach(json_object_get(a, "reasons"), i, r)
		if (str_field_is(r, "severity", "warning") || str_field_is(r, "severity", "critical"))
			st = CK_WARNING;
	return st;
}

char *
ck_approval_text(const json_t *a)
{
	const json_t *r;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	ck_textf(fp, "%-14s %s @ %s (requester %s)", str_or(a, "verdict", "?"),
	    str_or(a, "template", "?"), str_or(a, "ca", "?"), str_or(a, "requester", "?"));
	json_array_foreach(json_object_get(a, "reasons"), i, r)
		ck_textf(fp, "%s %s [%s]: %s", i == 0 ? ":" : ";", str_or(r, "rule", "?"),
		    str_or(r, "severity", "?"), str_or(r, "message", ""));
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- the pairs of a run (cert-approve) ---- */

int
ck_requester_find(struct ck_requester *rq, json_t *const *principals, size_t n,
    const char *query, struct ck_err *err)
{
	const json_t *found = NULL;
	size_t i;
	int best = 0, count = 0;

	for (i = 0; i < n; i++) {
		int m = ck_approve_principal_match(principals[i], query);

		if (m > best) {
			best = m;
			count = 1;
			found = principals[i];
		} else if (m == best && m > 0) {
			count++;
		}
	}
	if (count > 1)
		return ck_err_set(err, CK_E_USAGE, "several principal records match; give the "
		    "DOMAIN\\name or the SID");
	if (best > 0)
		return ck_requester_from_principal(rq, found, err);
	if (ck_approve_is_sid(query))
		return ck_requester_from_sid(rq, query, err);
	return ck_err_set(err, CK_E_NOTFOUND, "no principal record for this requester "
	    "(run cert-ad --principal NAME, or give its SID)");
}

static int
in_scope(const json_t *rec, const char *const *names, size_t n,
    int (*named)(const json_t *, const char *))
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (named(rec, names[i]))
			return 1;
	return 0;
}

/* Lower-case ASCII copy of s in buf (truncated to its size). */
static const char *
lower(const char *s, char *buf, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		buf[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
	buf[i] = '\0';
	return buf;
}

/* The set (object keyed by lower-case name) of the templates a ca record publishes. */
static json_t *
published_set(const json_t *ca)
{
	json_t *set = json_object(), *v;
	char buf[512];
	size_t i;

	if (set == NULL)
		return NULL;
	json_array_foreach(json_object_get(ca, "templates"), i, v)
		if (json_is_string(v))
			json_object_set_new(set, lower(json_string_value(v), buf, sizeof(buf)),
			    json_true());
	return set;
}

int
ck_approve_judge_all(json_t *const *tmpls, size_t ntmpls, json_t *const *cas, size_t ncas,
    const char *const *tnames, size_t ntnames, const char *const *cnames, size_t ncnames,
    const struct ck_requester *rq, int (*emit)(void *arg, json_t *approval),
    void (*fail)(void *arg, const char *what, const struct ck_err *err), void *arg)
{
	struct ck_err err = { 0 };
	json_t **sets;
	size_t t, c;
	int st = CK_OK;

	if ((sets = calloc(ncas + 1, sizeof(*sets))) == NULL)
		return CK_UNKNOWN;
	for (c = 0; c < ncas; c++)
		if ((sets[c] = published_set(cas[c])) == NULL)
			st = CK_UNKNOWN;
	for (t = 0; st != CK_UNKNOWN && t < ntmpls; t++) {
		const json_t *tm = tmpls[t];
		const char *tname = json_string_value(json_object_get(tm, "name"));
		char key[512] = "";
		int publishers = 0;

		if (!in_scope(tm, tnames, ntnames, ck_approve_template_named))
			continue;
		/*
		 * Without --ca a template is judged on the CAs that publish it; one
		 * that no CA publishes is judged on every CA (each says why not).
		 */
		if (tname != NULL)
			lower(tname, key, sizeof(key));
		if (ncnames == 0 && tname != NULL)
			for (c = 0; c < ncas; c++)
				if (json_object_get(sets[c], key) != NULL)
					publishers++;
		for (c = 0; c < ncas; c++) {
			json_t *a;

			if (!in_scope(cas[c], cnames, ncnames, ck_approve_ca_named))
				continue;
			if (ncnames == 0 && publishers > 0 && json_object_get(sets[c], key) == NULL)
				continue;
			if ((a = ck_approve_judge(tm, cas[c], rq, &err)) == NULL) {
				fail(arg, tname ? tname : "template", &err);
				st = ck_status_worse(st, CK_UNKNOWN);
				continue;
			}
			st = ck_status_worse(st, ck_approval_status(a));
			if (emit(arg, a) < 0)
				st = ck_status_worse(st, CK_UNKNOWN);
			json_decref(a);
		}
	}
	for (c = 0; c < ncas; c++)
		json_decref(sets[c]);
	free(sets);
	return st;
}

int
ck_approve_check_names(const char *const *names, size_t n, json_t *const *recs,
    size_t nrecs, int (*named)(const json_t *, const char *), const char *what, FILE *out)
{
	struct ck_err err = { 0 };
	size_t i, k;
	int st = CK_OK;

	for (i = 0; i < n; i++) {
		for (k = 0; k < nrecs; k++)
			if (named(recs[k], names[i]))
				break;
		if (k == nrecs) {
			ck_err_set(&err, CK_E_NOTFOUND, "no %s record of that name in the input", what);
			ck_report(out, names[i], &err);
			st = CK_UNKNOWN;
		}
	}
	return st;
}

static int
recs_push(struct ck_recs *a, json_t *rec)
{
	json_t **n = realloc(a->v, (a->n + 1) * sizeof(*n));

	if (n == NULL)
		return -1;
	a->v = n;
	a->v[a->n++] = json_incref(rec);
	return 0;
}

static void
recs_free(struct ck_recs *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		json_decref(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

int
ck_approve_input_read(struct ck_approve_input *in, const char *path, FILE *out)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct ck_reader *r;
	struct ck_err err = { 0 };
	json_t *rec;
	int st = CK_OK, rc;

	if ((r = ck_reader_open(path, &err)) == NULL) {
		ck_report(out, path, &err);
		return CK_UNKNOWN;
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_report(out, path, &err);
			st = CK_UNKNOWN;
			break;
		}
		if (rc == CK_READ_BROKEN) {
			ck_warn_at(name, err.msg);
			st = CK_UNKNOWN;
		} else if (ck_record_is(rec, "error")) {
			/* An upstream stage could not read something: the picture is incomplete. */
			st = CK_UNKNOWN;
		}
		if (recs_push(&in->all, rec) < 0) {
			json_decref(rec);
			ck_err_set(&err, CK_E_NOMEM, "out of memory");
			ck_report(out, path, &err);
			st = CK_UNKNOWN;
			break;
		}
		json_decref(rec);
	}
	ck_reader_free(r);
	return st;
}

int
ck_approve_input_sort(struct ck_approve_input *in)
{
	size_t i;

	for (i = 0; i < in->all.n; i++) {
		json_t *rec = in->all.v[i];
		int bad = 0;

		if (ck_record_is(rec, "template"))
			bad = recs_push(&in->tmpls, rec);
		else if (ck_record_is(rec, "ca"))
			bad = recs_push(&in->cas, rec);
		else if (ck_record_is(rec, "principal"))
			bad = recs_push(&in->principals, rec);
		if (bad < 0)
			return -1;
	}
	return 0;
}

void
ck_approve_input_release(struct ck_approve_input *in)
{
	recs_free(&in->all);
	recs_free(&in->tmpls);
	recs_free(&in->cas);
	recs_free(&in->principals);
}
