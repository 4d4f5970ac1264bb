/*
 * ck_rules_adcs: checks on `template` and `ca` records: AD CS
 * misconfigurations (SpecterOps "Certified Pre-Owned", Certipy; ids adcs.escN) and the ConfigMgr 2007
 * out of band management rules (TechNet cc161785, cc431417, cc161806; ids oob.*).
 *
 * Who can enroll: an allow ACE with enroll, all_extended_rights or
 * generic_all, for a principal no deny ACE (enroll or all) names.
 * "Low-privileged" is every principal ck_sid_is_privileged() does not
 * know; "broad" is ck_sid_is_broad() or, without a SID, a well-known
 * broad group name.
 */
#include "ck_rules.h"
#include "ck_rules_checks.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ck_acl.h"
#include "ck_adcs.h"
#include "ck_caconfig.h"
#include "ck_lint.h"
#include "ck_sid.h"

#define NAMES_MAX 400

static const char *
tname(const json_t *rec)
{
	const char *s = ck_rule_subject(rec);

	return s ? s : "(unnamed)";
}

static uint32_t
flag(const json_t *rec, const char *field)
{
	struct ck_err e;
	uint32_t v = 0;
	int attr = ck_adcs_attr_from_field(field);
	const json_t *j = json_object_get(rec, field);

	if (attr < 0 || j == NULL || ck_adcs_flags_value((enum ck_adcs_attr)attr, j, &v, &e) < 0)
		return 0;
	return v;
}

static int
supplies_subject(const json_t *rec)
{
	return (flag(rec, "name_flag") & CK_ADCS_ENROLLEE_SUPPLIES_SUBJECT) != 0;
}

static int
needs_approval(const json_t *rec)
{
	return (flag(rec, "enrollment_flag") & CK_ADCS_PEND_ALL_REQUESTS) != 0 ||
	    ck_ji(rec, "ra_signatures", 0) > 0;
}

/* The template's purposes: application policies and EKU together. */
static int
eku(const json_t *rec, enum ck_eku e)
{
	return ck_eku_has(json_object_get(rec, "eku"), e) ||
	    ck_eku_has(json_object_get(rec, "application_policies"), e);
}

static int
no_eku(const json_t *rec)
{
	const json_t *a = json_object_get(rec, "eku"), *b = json_object_get(rec, "application_policies");

	/* Absent fields are unknown, not empty. */
	if (!json_is_array(a) && !json_is_array(b))
		return 0;
	return (!json_is_array(a) || json_array_size(a) == 0) &&
	    (!json_is_array(b) || json_array_size(b) == 0);
}

static int
client_auth_capable(const json_t *rec)
{
	return eku(rec, CK_EKU_CLIENT_AUTH) || eku(rec, CK_EKU_SMARTCARD_LOGON) ||
	    eku(rec, CK_EKU_PKINIT_CLIENT) || eku(rec, CK_EKU_ANY_PURPOSE) || no_eku(rec);
}

static const char *
ace_name(const json_t *ace)
{
	const char *n = ck_js(ace, "name"), *s = ck_js(ace, "sid");

	if (n != NULL && *n)
		return n;
	if (s != NULL && ck_sid_wellknown_name(s) != NULL)
		return ck_sid_wellknown_name(s);
	return s ? s : "?";
}

static int
name_is_broad(const char *n)
{
	static const char *const broad[] = {
		"Everyone", "Authenticated Users", "Domain Users", "Domain Computers", "Users",
		"Anonymous Logon",
	};
	const char *b = strrchr(n, '\\');
	size_t i;

	b = b ? b + 1 : n;
	for (i = 0; i < sizeof(broad) / sizeof(broad[0]); i++)
		if (strcasecmp(b, broad[i]) == 0)
			return 1;
	return 0;
}

static int
ace_broad(const json_t *ace)
{
	const char *s = ck_js(ace, "sid");

	if (s != NULL && ck_sid_is_broad(s))
		return 1;
	return ck_js(ace, "name") != NULL && name_is_broad(ck_js(ace, "name"));
}

/*
 * The names of the privileged principals of ck_sid_is_privileged(), for
 * records that carry a name without a SID (a template record written by
 * hand or by cert-tmpl may give an owner or ACE as "CORP\\Domain Admins").
 */
static int
name_is_privileged(const char *n)
{
	static const char *const admin[] = {
		"Domain Admins", "Enterprise Admins", "Administrators", "Domain Controllers",
		"Cert Publishers", "Enterprise Read-only Domain Controllers",
		"Read-only Domain Controllers", "Key Admins", "Enterprise Key Admins",
		"Administrator", "SYSTEM", "LOCAL SYSTEM", "Enterprise Domain Controllers",
		"ENTERPRISE DOMAIN CONTROLLERS",
	};
	const char *b = strrchr(n, '\\');
	size_t i;

	b = b ? b + 1 : n;
	for (i = 0; i < sizeof(admin) / sizeof(admin[0]); i++)
		if (strcasecmp(b, admin[i]) == 0)
			return 1;
	return 0;
}

/* A SID decides; without one, a well-known administrative name does. */
static int
ace_privileged(const json_t *ace)
{
	const char *s = ck_js(ace, "sid"), *n = ck_js(ace, "name");

	if (s != NULL && *s)
		return ck_sid_is_privileged(s);
	return n != NULL && name_is_privileged(n);
}

static int
ace_allows(const json_t *ace)
{
	const json_t *a = json_object_get(ace, "allow");

	return !json_is_false(a);
}

static int
ace_can_enroll(const json_t *ace)
{
	return ck_jarr_has(ace, "rights", "enroll") || ck_jarr_has(ace, "rights", "all_extended_rights") ||
	    ck_jarr_has(ace, "rights", "generic_all");
}

struct enrollers {
	int known;		/* the record has an acl */
	int low;		/* a low-privileged principal can enroll */
	int broad;		/* a broad group can enroll */
	char names[NAMES_MAX];	/* the low-privileged ones, "A, B" */
	char broad_names[NAMES_MAX];
};

static void
add_name(char *buf, const char *n)
{
	size_t off = strlen(buf);

	if (strstr(buf, n) != NULL)
		return;
	snprintf(buf + off, NAMES_MAX - off, "%s%s", off ? ", " : "", n);
}

/*
 * The SIDs the principal an ACE names holds rights through: its SID (and
 * its name, for ACEs written by hand without one), its groups when a
 * `principal` record gave them (cert-ad --principal), Everyone and
 * Authenticated Users (every account but Anonymous Logon is in both).
 */
#define TOKEN_MAX 256

struct token {
	const char *sids[TOKEN_MAX];
	size_t n;
};

static void
token_of(const struct ck_rule_env *env, const json_t *ace, struct token *t)
{
	const char *s = ck_js(ace, "sid"), *n = ck_js(ace, "name");
	const json_t *groups = NULL, *g;
	size_t i;

	t->n = 0;
	if (s != NULL && *s != '\0') {
		t->sids[t->n++] = s;
		groups = ck_lint_principal_groups(env->lint, s);
	}
	if (n != NULL && *n != '\0') {
		t->sids[t->n++] = n;
		if (groups == NULL)
			groups = ck_lint_principal_groups(env->lint, n);
	}
	if (s == NULL || strcmp(s, "S-1-5-7") != 0) {
		t->sids[t->n++] = "S-1-1-0";
		t->sids[t->n++] = "S-1-5-11";
	}
	json_array_foreach(groups, i, g)
		if (t->n < TOKEN_MAX && json_is_string(g))
			t->sids[t->n++] = json_string_value(g);
}

/* 1 when the principal an ACE names effectively holds right (ck_acl.h). */
static int
holds(const struct ck_rule_env *env, const json_t *acl, const json_t *ace, const char *right,
    const char *object_type)
{
	struct token t;
	struct ck_err e;

	token_of(env, ace, &t);
	return ck_acl_effective(acl, t.sids, t.n, right, object_type, NULL, &e) == 1;
}

static void
enrollers(const struct ck_rule_env *env, const json_t *rec, struct enrollers *en)
{
	const json_t *acl = json_object_get(rec, "acl"), *ace;
	size_t i;

	memset(en, 0, sizeof(*en));
	if (!json_is_array(acl))
		return;
	en->known = 1;
	json_array_foreach(acl, i, ace) {
		if (!json_is_object(ace) || !ace_allows(ace) || !ace_can_enroll(ace) ||
		    ace_privileged(ace) || !holds(env, acl, ace, "enroll", NULL))
			continue;
		en->low = 1;
		add_name(en->names, ace_name(ace));
		if (ace_broad(ace)) {
			en->broad = 1;
			add_name(en->broad_names, ace_name(ace));
		}
	}
}

/*
 * 1 when no CA publishes the template: published_by is empty, or, without
 * that field, ca records were read and none lists the template.  Nothing
 * known about publication counts as published.
 */
static int
unpublished(const struct ck_rule_env *env, const json_t *rec)
{
	const json_t *pub = json_object_get(rec, "published_by");
	const json_t *cas = ck_lint_cas(env->lint), *ca;
	const char *name = ck_js(rec, "name");
	size_t i;

	if (name == NULL || (json_is_array(pub) && json_array_size(pub) > 0))
		return 0;
	if (cas != NULL)
		json_array_foreach(cas, i, ca)
			if (ck_jarr_has(ca, "templates", name))
				return 0;
	return json_is_array(pub) || (cas != NULL && json_array_size(cas) > 0);
}

/*
 * A template no CA publishes cannot be enrolled in today: its escalation
 * is latent.  The finding says what it would be once published, at notice
 * severity, so it never raises the exit status.  The profile parameter
 * include_unpublished judges such templates as if they were published.
 */
static int
latent(const struct ck_rule_env *env, const json_t *rec, struct ck_hit *hit)
{
	char msg[2 * CK_HIT_MSG_MAX];
	size_t len;

	if (ck_rule_param_bool(env, "include_unpublished", 0) || !unpublished(env, rec))
		return 1;
	snprintf(msg, sizeof(msg), "latent: no CA publishes template '%s', so nobody can enroll "
	    "in it today; once published: %s", tname(rec), hit->msg);
	len = strlen(msg);
	if (len >= sizeof(hit->msg))
		len = sizeof(hit->msg) - 1;
	memcpy(hit->msg, msg, len);
	hit->msg[len] = '\0';
	hit->severity = "notice";
	return 1;
}

/* ESC1-3, 15 share "low-privileged enroll without approval". */
static int
open_enroll(const struct ck_rule_env *env, const json_t *rec, struct enrollers *en)
{
	enrollers(env, rec, en);
	return en->known && en->low && !needs_approval(rec);
}

CK_CHECK(ck_chk_esc1)
{
	struct enrollers en;

	if (!supplies_subject(rec) || !client_auth_capable(rec) || !open_enroll(env, rec, &en))
		return 0;
	ck_hit(hit, NULL, "template '%s' lets %s enroll, supply any subject and get a "
	    "certificate usable for client authentication without approval (ESC1): anyone of them "
	    "can log on as any user, including Domain Admins; clear 'Supply in the request' on the "
	    "Subject Name tab, or require CA manager approval, or restrict Enroll to administrators",
	    tname(rec), en.names);
	return latent(env, rec, hit);
}

CK_CHECK(ck_chk_esc2)
{
	struct enrollers en;

	if (!(eku(rec, CK_EKU_ANY_PURPOSE) || no_eku(rec)) || !open_enroll(env, rec, &en))
		return 0;
	ck_hit(hit, NULL, "template '%s' issues %s certificates to %s without approval "
	    "(ESC2): they are usable for client authentication and as enrollment agents; set "
	    "explicit Application Policies on the Extensions tab, or restrict Enroll",
	    tname(rec), no_eku(rec) ? "no-EKU (any purpose)" : "Any Purpose", en.names);
	return latent(env, rec, hit);
}

CK_CHECK(ck_chk_esc3)
{
	struct enrollers en;

	if (!eku(rec, CK_EKU_REQUEST_AGENT) || !open_enroll(env, rec, &en))
		return 0;
	ck_hit(hit, NULL, "template '%s' issues Certificate Request Agent certificates to "
	    "%s without approval (ESC3): they can enroll on behalf of any user; restrict Enroll to "
	    "the enrollment agents' group and require CA manager approval", tname(rec), en.names);
	return latent(env, rec, hit);
}

/* The rights that let the holder rewrite the whole template (ESC4). */
static int
dangerous_right(const struct ck_rule_env *env, const json_t *acl, const json_t *ace)
{
	static const char *const bad[] = {
		"generic_all", "write_dacl", "write_owner", "generic_write", "write_property",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ck_jarr_has(ace, "rights", bad[i]) && holds(env, acl, ace, bad[i], NULL))
			return 1;
	return 0;
}

/*
 * The security-relevant attribute (ck_adcs_security_attrs) an
 * object-specific WriteProperty ACE lets its principal write, or NULL.
 */
static const char *
attr_write(const struct ck_rule_env *env, const json_t *acl, const json_t *ace)
{
	const struct ck_adcs_schema_attr *a;
	const char *ot = ck_js(ace, "object_type");
	size_t i, n;

	if (ot == NULL || !ck_jarr_has(ace, "rights", "write_property_object"))
		return NULL;
	a = ck_adcs_security_attrs(&n);
	for (i = 0; i < n; i++)
		if (strcasecmp(ot, a[i].guid) == 0 &&
		    holds(env, acl, ace, "write_property_object", a[i].guid))
			return a[i].ldap;
	return NULL;
}

CK_CHECK(ck_chk_esc4)
{
	const json_t *acl = json_object_get(rec, "acl"), *ace, *owner = json_object_get(rec, "owner");
	char names[NAMES_MAX] = "", enrolling[NAMES_MAX] = "", others[NAMES_MAX] = "";
	char one[NAMES_MAX];
	const char *attr;
	size_t i;

	if (json_is_array(acl))
		json_array_foreach(acl, i, ace) {
			if (!json_is_object(ace) || !ace_allows(ace) || ace_privileged(ace))
				continue;
			if (dangerous_right(env, acl, ace))
				add_name(names, ace_name(ace));
			else if ((attr = attr_write(env, acl, ace)) != NULL) {
				snprintf(one, sizeof(one), "%s (%s)", ace_name(ace), attr);
				add_name(holds(env, acl, ace, "enroll", NULL) ? enrolling : others, one);
			}
		}
	if (names[0] != '\0') {
		ck_hit(hit, NULL, "%s can change template '%s' (write rights on its ACL, owner "
		    "or attributes; ESC4) and so turn it into an ESC1 template: on the Security tab "
		    "leave Full Control and Write to administrators only", names, tname(rec));
		return latent(env, rec, hit);
	}
	if (enrolling[0] != '\0') {
		ck_hit(hit, "critical", "%s can write that attribute of template '%s' and can also "
		    "enroll in it (ESC4, one attribute): one LDAP write (say, setting "
		    "ENROLLEE_SUPPLIES_SUBJECT or Client Authentication) gives an ESC1, ESC2 or ESC3 "
		    "template; on the Security tab, Advanced, remove the Write permission on that "
		    "property", enrolling, tname(rec));
		return latent(env, rec, hit);
	}
	if (others[0] != '\0') {
		ck_hit(hit, "warning", "%s can write that attribute of template '%s' but cannot "
		    "enroll in it (ESC4, one attribute): one more right away from an ESC1, ESC2 or "
		    "ESC3 template; on the Security tab, Advanced, remove the Write permission on that "
		    "property", others, tname(rec));
		return latent(env, rec, hit);
	}
	/*
	 * The owner comes as cert-ad writes it ({sid, name}, name possibly
	 * null), as a bare string (a SID, or a name when it does not start with
	 * "S-1-"), or null/absent (unknown: nothing to say).
	 */
	if (json_is_string(owner) || json_is_object(owner)) {
		const char *os = NULL, *on = NULL, *v;
		char who[NAMES_MAX];

		if (json_is_string(owner)) {
			v = json_string_value(owner);
			if (strncasecmp(v, "S-1-", 4) == 0)
				os = v;
			else
				on = v;
		} else {
			os = ck_js(owner, "sid");
			on = ck_js(owner, "name");
		}
		if (os != NULL && *os == '\0')
			os = NULL;
		if (on != NULL && *on == '\0')
			on = NULL;
		if (os == NULL && on == NULL)
			return 0;
		if (os != NULL ? ck_sid_is_privileged(os) : name_is_privileged(on))
			return 0;
		if (on != NULL && os != NULL)
			snprintf(who, sizeof(who), "%s (%s)", on, os);
		else if (on != NULL)
			snprintf(who, sizeof(who), "%s", on);
		else
			snprintf(who, sizeof(who), "%s", ck_sid_wellknown_name(os) ? ck_sid_wellknown_name(os) : os);
		ck_hit(hit, NULL, "template '%s' is owned by %s, who can rewrite its ACL "
		    "(ESC4): take ownership as Enterprise Admins (Security, Advanced, Owner)",
		    tname(rec), who);
		return latent(env, rec, hit);
	}
	return 0;
}

/* A CA setting given as integer, "0x..." or {"raw"}; 0 when absent or bad. */
static int
ca_value(const json_t *rec, const char *field, uint32_t *v)
{
	const json_t *j = json_object_get(rec, field);
	struct ck_err e;

	if (j == NULL || json_is_null(j))
		return 0;
	return ck_caconfig_value(j, v, &e) == 0;
}

CK_CHECK(ck_chk_esc6)
{
	uint32_t v;

	(void)env;
	if (!ca_value(rec, "edit_flags", &v) || !(v & CK_EDITF_ATTRIBUTESUBJECTALTNAME2))
		return 0;
	return ck_hit(hit, NULL, "CA '%s' has EDITF_ATTRIBUTESUBJECTALTNAME2 set: every requester "
	    "can add any subject alternative name to any certificate (ESC6), including an AMT web "
	    "server certificate; run certutil -config \"%s\" -setreg policy\\EditFlags "
	    "-EDITF_ATTRIBUTESUBJECTALTNAME2 and restart certsvc", tname(rec),
	    ck_js(rec, "dns_host") ? ck_js(rec, "dns_host") : tname(rec));
}

CK_CHECK(ck_chk_esc9)
{
	struct enrollers en;

	if (!(flag(rec, "enrollment_flag") & CK_ADCS_NO_SECURITY_EXTENSION) ||
	    !client_auth_capable(rec) || !open_enroll(env, rec, &en))
		return 0;
	ck_hit(hit, NULL, "template '%s' has NO_SECURITY_EXTENSION and is usable for client "
	    "authentication by %s (ESC9): without the SID extension a domain controller not in "
	    "full enforcement maps the certificate by name only; clear the flag (certutil "
	    "-dstemplate %s msPKI-Enrollment-Flag -0x80000)", tname(rec), en.names, tname(rec));
	return latent(env, rec, hit);
}

CK_CHECK(ck_chk_esc11)
{
	uint32_t v;

	(void)env;
	if (!ca_value(rec, "interface_flags", &v) || (v & CK_IF_ENFORCEENCRYPTICERTREQUEST))
		return 0;
	return ck_hit(hit, NULL, "CA '%s' accepts unencrypted RPC enrollment (InterfaceFlags lacks "
	    "IF_ENFORCEENCRYPTICERTREQUEST; ESC11): NTLM relay to the CA issues certificates; run "
	    "certutil -setreg CA\\InterfaceFlags +IF_ENFORCEENCRYPTICERTREQUEST and restart certsvc",
	    tname(rec));
}

CK_CHECK(ck_chk_esc13)
{
	const json_t *pol = json_object_get(rec, "issuance_policies"), *p;
	struct enrollers en;
	const char *unlinked = NULL;
	size_t i;

	if (!json_is_array(pol) || !client_auth_capable(rec))
		return 0;
	/*
	 * Entries are OIDs, linked to groups by the `oid` records cert-ad
	 * writes (msDS-OIDToGroupLink), or {oid, group_link} objects.
	 */
	json_array_foreach(pol, i, p) {
		const char *oid = json_is_string(p) ? json_string_value(p) : ck_js(p, "oid");
		const char *g = json_is_object(p) ? ck_js(p, "group_link") : NULL;

		if (g == NULL)
			g = ck_lint_oid_group(env->lint, oid);
		/* A bare OID with no oid record read at all: its link is unknown. */
		if (g == NULL && unlinked == NULL && json_is_string(p) &&
		    ck_lint_oids_seen(env->lint) == 0)
			unlinked = oid;
		if (g == NULL || *g == '\0')
			continue;
		if (!open_enroll(env, rec, &en))
			return 0;
		ck_hit(hit, NULL, "template '%s' carries issuance policy %s, which is linked to "
		    "group '%s'; %s can enroll and so act as members of that group (ESC13): remove the "
		    "group link (msDS-OIDToGroupLink) or restrict Enroll", tname(rec),
		    oid ? oid : "?", g, en.names);
		return latent(env, rec, hit);
	}
	if (unlinked == NULL || !open_enroll(env, rec, &en))
		return 0;
	ck_hit(hit, "notice", "unknown: template '%s' carries issuance policy %s and %s can "
	    "enroll, but the issuance policies' group links were not read (cert-ad --what oids): "
	    "ESC13 not judged", tname(rec), unlinked, en.names);
	return latent(env, rec, hit);
}

CK_CHECK(ck_chk_esc15)
{
	struct enrollers en;

	if (ck_ji(rec, "schema_version", 0) != 1 || !supplies_subject(rec) || !open_enroll(env, rec, &en))
		return 0;
	ck_hit(hit, NULL, "template '%s' is schema version 1 and takes the subject from the "
	    "request, and %s can enroll (ESC15, CVE-2024-49019): a requester can add any "
	    "application policy, such as Client Authentication; duplicate it as a version 2 template "
	    "and unpublish this one, or install the November 2024 update", tname(rec), en.names);
	return latent(env, rec, hit);
}

CK_CHECK(ck_chk_esc16)
{
	(void)env;
	if (!ck_jarr_has(rec, "disable_extension_list", "1.3.6.1.4.1.311.25.2"))
		return 0;
	return ck_hit(hit, NULL, "CA '%s' leaves the SID security extension 1.3.6.1.4.1.311.25.2 "
	    "out of every certificate (DisableExtensionList; ESC16): strong certificate mapping is "
	    "off for all its templates; remove the OID with certutil -setreg "
	    "policy\\DisableExtensionList -1.3.6.1.4.1.311.25.2", tname(rec));
}

CK_CHECK(ck_chk_esc17)
{
	struct enrollers en;

	if (!supplies_subject(rec) || !eku(rec, CK_EKU_SERVER_AUTH) || needs_approval(rec))
		return 0;
	enrollers(env, rec, &en);
	if (en.broad)
		ck_hit(hit, "critical", "template '%s' lets %s request Server Authentication "
		    "certificates for any name without approval (ESC17): anyone of them can "
		    "impersonate any web server; on the Security tab remove Enroll from %s and grant it "
		    "only to the server that needs it (for ConfigMgr 2007 AMT: the primary site "
		    "server's computer account)", tname(rec), en.broad_names, en.broad_names);
	else
		ck_hit(hit, "warning", "template '%s' lets its enrollees request Server "
		    "Authentication certificates for any name without approval (ESC17 shape; the "
		    "ConfigMgr 2007 AMT web server template needs it by design): keep Enroll to the "
		    "primary site server's computer account and administrators%s%s%s", tname(rec),
		    en.known ? " (non-administrators now: " : "",
		    en.known ? (en.names[0] ? en.names : "none") : "",
		    en.known ? ")" : "; the record carries no ACL to verify this");
	return latent(env, rec, hit);
}

/* --- ConfigMgr 2007 out of band management ------------------------ */

enum oob_role { ROLE_NONE = 0, ROLE_PROVISIONING, ROLE_WEB, ROLE_8021X };

static const char *const role_names[] = { "none", "provisioning", "web_server", "8021x" };
static const char *const role_words[] = {
	"", "AMT provisioning", "AMT web server", "AMT 802.1X"
};

static enum oob_role
role_from_name(const char *s)
{
	size_t i;

	for (i = 1; s != NULL && i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum oob_role)i;
	return ROLE_NONE;
}

static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * The classification documented in cert-lint(1): an explicit
 * template_roles entry; built-in templates (IS_DEFAULT) are no role unless
 * include_default_templates; AMT OID -> provisioning; a name with
 * "provision" and Server Authentication -> provisioning; Server
 * Authentication -> web server; Client Authentication -> 802.1X.  The
 * result counts only when the profile's "roles" list has it.
 */
static enum oob_role
classify(const struct ck_rule_env *env, const json_t *rec)
{
	const json_t *map = ck_rule_param(env, "template_roles");
	const json_t *roles = ck_rule_param(env, "roles"), *v;
	const char *name = ck_js(rec, "name");
	enum oob_role r = ROLE_NONE;
	size_t i;

	if (json_is_object(map) && name != NULL && json_is_string(json_object_get(map, name)))
		r = role_from_name(json_string_value(json_object_get(map, name)));
	else if ((flag(rec, "flags") & 0x10000u) && !ck_rule_param_bool(env, "include_default_templates", 0))
		r = ROLE_NONE;
	else if (eku(rec, CK_EKU_AMT_PROVISIONING))
		r = ROLE_PROVISIONING;
	else if (eku(rec, CK_EKU_SERVER_AUTH) &&
	    (contains_ci(name, "provision") || contains_ci(ck_js(rec, "display_name"), "provision")))
		r = ROLE_PROVISIONING;
	else if (eku(rec, CK_EKU_SERVER_AUTH))
		r = ROLE_WEB;
	else if (eku(rec, CK_EKU_CLIENT_AUTH))
		r = ROLE_8021X;
	if (r == ROLE_NONE || !json_is_array(roles))
		return r;
	json_array_foreach(roles, i, v)
		if (json_string_value(v) && role_from_name(json_string_value(v)) == r)
			return r;
	return ROLE_NONE;
}

const char *
ck_rules_oob_role(const json_t *params, const json_t *rec)
{
	struct ck_rule_env env = { .params = params };
	enum oob_role r = classify(&env, rec);

	return r == ROLE_NONE ? NULL : role_names[r];
}

CK_CHECK(ck_chk_oob_schema_version)
{
	enum oob_role r = classify(env, rec);
	long v = ck_ji(rec, "schema_version", 0);

	if (r == ROLE_NONE || v == 2 || v == 0)
		return 0;
	if (v == 1)
		return ck_hit(hit, NULL, "%s template '%s' is schema version 1, which cannot be "
		    "customised%s; duplicate it and choose 'Windows 2003 Server, Enterprise Edition' "
		    "(version 2)", role_words[r], tname(rec),
		    supplies_subject(rec) ? " and with 'Supply in the request' is exploitable (ESC15)" : "");
	return ck_hit(hit, NULL, "%s template '%s' is schema version %ld; ConfigMgr 2007 cannot "
	    "use certificates from version 3 templates: duplicate the Web Server template again and "
	    "choose 'Windows 2003 Server, Enterprise Edition' (version 2)", role_words[r], tname(rec), v);
}

CK_CHECK(ck_chk_oob_pend_all)
{
	enum oob_role r = classify(env, rec);

	if (r == ROLE_NONE || !(flag(rec, "enrollment_flag") & CK_ADCS_PEND_ALL_REQUESTS))
		return 0;
	return ck_hit(hit, NULL, "template '%s' requires CA manager approval (PEND_ALL_REQUESTS); "
	    "ConfigMgr 2007 needs automatic issuance for the %s certificate: clear \"CA certificate "
	    "manager approval\" on its Issuance Requirements tab", tname(rec), role_words[r]);
}

CK_CHECK(ck_chk_oob_ra_signatures)
{
	enum oob_role r = classify(env, rec);
	long n = ck_ji(rec, "ra_signatures", 0);

	if (r == ROLE_NONE || n <= 0)
		return 0;
	return ck_hit(hit, NULL, "template '%s' requires %ld authorised signature%s; ConfigMgr "
	    "2007 requests %s certificates on its own and cannot get them signed: set \"This number "
	    "of authorized signatures\" to 0 on the Issuance Requirements tab", tname(rec), n,
	    n == 1 ? "" : "s", role_words[r]);
}

CK_CHECK(ck_chk_oob_server_auth)
{
	enum oob_role r = classify(env, rec);

	if ((r != ROLE_PROVISIONING && r != ROLE_WEB) || eku(rec, CK_EKU_SERVER_AUTH))
		return 0;
	return ck_hit(hit, NULL, "%s template '%s' lacks Server Authentication; AMT uses the "
	    "certificate for TLS: add Server Authentication to Application Policies on the "
	    "Extensions tab", role_words[r], tname(rec));
}

CK_CHECK(ck_chk_oob_amt_oid)
{
	if (classify(env, rec) != ROLE_PROVISIONING || eku(rec, CK_EKU_AMT_PROVISIONING))
		return 0;
	return ck_hit(hit, NULL, "AMT provisioning template '%s' lacks the AMT provisioning OID "
	    "2.16.840.1.113741.1.2.3; AMT then needs the subject OU 'Intel(R) Client Setup "
	    "Certificate' exactly: add the OID as an application policy on the Extensions tab",
	    tname(rec));
}

CK_CHECK(ck_chk_oob_web_client_auth)
{
	const char *what = NULL;

	if (classify(env, rec) != ROLE_WEB)
		return 0;
	if (eku(rec, CK_EKU_ANY_PURPOSE))
		what = "Any Purpose";
	else if (eku(rec, CK_EKU_CLIENT_AUTH))
		what = "Client Authentication";
	else if (eku(rec, CK_EKU_SMARTCARD_LOGON))
		what = "Smart Card Logon";
	else if (eku(rec, CK_EKU_PKINIT_CLIENT))
		what = "PKINIT Client Authentication";
	if (what == NULL)
		return 0;
	return ck_hit(hit, NULL, "AMT web server template '%s' takes the subject from the request "
	    "and also allows %s: whoever can enroll could log on as any account (ESC1); remove %s "
	    "so that only Server Authentication remains", tname(rec), what, what);
}

CK_CHECK(ck_chk_oob_web_supply_subject)
{
	if (classify(env, rec) != ROLE_WEB || supplies_subject(rec))
		return 0;
	return ck_hit(hit, NULL, "AMT web server template '%s' builds the subject from Active "
	    "Directory; the site server requests the certificate on behalf of each AMT computer "
	    "with its FQDN: choose 'Supply in the request' on the Subject Name tab", tname(rec));
}

CK_CHECK(ck_chk_oob_min_key_bits)
{
	enum oob_role r = classify(env, rec);
	const json_t *range = ck_rule_param(env, "min_key_bits_range");
	long lo = 1024, hi = 2048, v = ck_ji(rec, "min_key_bits", 0);

	if (r == ROLE_NONE || v <= 0)
		return 0;
	if (json_is_array(range) && json_array_size(range) == 2) {
		lo = (long)json_integer_value(json_array_get(range, 0));
		hi = (long)json_integer_value(json_array_get(range, 1));
	}
	if (v >= lo && v <= hi)
		return 0;
	return ck_hit(hit, NULL, "%s template '%s' has a minimum key size of %ld bits; the AMT "
	    "firmware of this profile takes %ld to %ld bits: set 'Minimum key size' on the Request "
	    "Handling tab to %ld", role_words[r], tname(rec), v, lo, hi, hi);
}

CK_CHECK(ck_chk_oob_not_published)
{
	enum oob_role r = classify(env, rec);

	if (r == ROLE_NONE || !unpublished(env, rec))
		return 0;
	return ck_hit(hit, NULL, "%s template '%s' is not published by any enterprise CA, so "
	    "requests for it are refused: in the Certification Authority console choose "
	    "Certificate Templates, New, Certificate Template to Issue", role_words[r], tname(rec));
}

CK_CHECK(ck_chk_oob_ca_pending)
{
	const json_t *rd = json_object_get(rec, "request_disposition");
	const char *action = ck_js(rd, "action");
	uint32_t v;

	(void)env;
	if (action == NULL) {
		if (!ca_value(rec, "request_disposition", &v))
			return 0;
		action = ck_caconfig_disposition_action(v);
	}
	if (action == NULL || strcmp(action, "issue") == 0)
		return 0;
	return ck_hit(hit, NULL, "CA '%s' %s requests (RequestDisposition) instead of issuing them; "
	    "ConfigMgr 2007 needs automatic issuance of AMT certificates: on the CA's Policy Module "
	    "properties choose 'Follow the settings in the certificate template, if applicable. "
	    "Otherwise, automatically issue the certificate'", tname(rec),
	    strcmp(action, "deny") == 0 ? "denies" : "holds pending");
}
