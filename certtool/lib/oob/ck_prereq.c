/*
 * ck_prereq: the rows of the out of band prerequisite list (see ck_prereq.h).
 * The judgements themselves live where they belong: cert-lint's profiles
 * (ck_lint), cert-chain's policy (ck_chain), cert-approve's verdict
 * (ck_approve), the container ACL (ck_container), the namespace rule
 * (ck_forest), WS-Management Identify (ck_winrm).  This file turns their
 * answers into rows.
 */
#include "ck_prereq.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_acl.h"
#include "ck_approve.h"
#include "ck_caconfig.h"
#include "ck_chain.h"
#include "ck_container.h"
#include "ck_lint.h"
#include "ck_net.h"
#include "ck_record.h"
#include "ck_rules.h"
#include "ck_url.h"
#include "ck_winrm.h"

#define REF_PREREQ "TechNet cc161785, Prerequisites for Out of Band Management (ConfigMgr 2007 SP1)"
#define REF_CERTS "TechNet cc431417, About Certificates for Out of Band Management; " \
	"Certificate Requirements for Out of Band Management"
#define REF_AD "How to Prepare Active Directory Domain Services for Out of Band Management " \
	"(ConfigMgr 2007 SP1); [MS-DTYP] 2.4.4.1"
#define REF_FOREST REF_PREREQ "; [MS-ADTS] 6.1.1.2.1.1 crossRef"
#define REF_PORTS REF_PREREQ "; Intel AMT SDK, Security Considerations (ports 16992-16995)"
#define REF_WINRM REF_PREREQ "; Microsoft, Detecting Whether a Remote Computer Supports " \
	"WS-Management Protocol; DMTF DSP0226"

static const struct ck_prereq_row rows[CK_PR_NROWS] = {
	[CK_PR_ENTERPRISE_CA] = { "oob.enterprise_ca", "Enterprise CA",
	    "A Microsoft enterprise certification authority (CA) with certificate templates to "
	    "deploy and manage the certificates required for out of band management.",
	    REF_PREREQ "; " REF_CERTS, 1 },
	[CK_PR_CA_KEY_SIZE] = { "oob.ca_key_size", "CA key size",
	    "AMT-based computers cannot support certification authority certificates with a key "
	    "length greater than 2048 bits.", REF_PREREQ, 1 },
	[CK_PR_TEMPLATES] = { "oob.templates", "Certificate templates",
	    "The out of band service point and each desktop computer that will be managed with "
	    "the out of band management feature must have specific public key infrastructure "
	    "(PKI) certificates.", REF_CERTS, 1 },
	[CK_PR_AUTO_APPROVAL] = { "oob.auto_approval", "Automatic approval",
	    "The issuing certification authority must automatically approve certificate requests "
	    "from the primary site server on behalf of AMT-based computers.",
	    REF_PREREQ "; [MS-WCCE] 3.2.1.4.2.1.4.5", 1 },
	[CK_PR_AD_CONTAINER] = { "oob.ad_container", "Active Directory container",
	    "You must create and configure with the correct security permissions an Active "
	    "Directory container for the domain in which the AMT-based computers reside; the same "
	    "container name and path must be used for all domains.", REF_AD, 1 },
	[CK_PR_PROVISION_DNS] = { "oob.provision_dns", "DNS for ProvisionServer",
	    "DNS servers that resolve the host name of ProvisionServer to the IP address of the "
	    "out of band service point site system server.", REF_PREREQ, 1 },
	[CK_PR_NAMESPACE] = { "oob.namespace", "Forest and namespace",
	    "Computers that will be managed out of band must belong to the same Active Directory "
	    "forest as the out of band service point's forest and must share the same namespace.",
	    REF_FOREST, 1 },
	[CK_PR_PORTS] = { "oob.ports", "Ports",
	    "Intervening network devices such as routers and firewalls must allow the traffic "
	    "associated with out of band management activity (TCP 9971, 16992, 16993, 16995).",
	    REF_PORTS, 1 },
	[CK_PR_WINRM] = { "oob.winrm", "WinRM on the service point",
	    "Windows Remote Management (WinRM) must be installed on each site system server that "
	    "hosts the out of band service point role; on Windows Server 2003, Service Pack 2 or "
	    "later is required.", REF_WINRM, 1 },
	[CK_PR_HOTFIX] = { "oob.hotfix_942841", "Hotfix 942841",
	    "If you are running Windows Server 2003 Service Pack 2, the following hotfix must be "
	    "installed: 942841.", REF_PREREQ, 0 },
	[CK_PR_MSXML] = { "oob.msxml6", "MSXML 6.0",
	    "MSXML 6.0 is required on computers that run the out of band management console.",
	    REF_PREREQ, 0 },
	[CK_PR_TELNET] = { "oob.telnet_client", "Telnet Client",
	    "The Windows feature Telnet Client must be installed on computers running Windows "
	    "Vista or Windows Server 2008 if they will run the out of band management console and "
	    "perform serial-over-LAN commands.", REF_PREREQ, 0 },
	[CK_PR_CONSOLE_RIGHTS] = { "oob.console_rights", "Console security rights",
	    "You must have the following security rights for the collection that contains the "
	    "computer that you want to manage out of band: View management controllers, Manage "
	    "management controllers.", REF_PREREQ, 0 },
	[CK_PR_REPORTING_POINT] = { "oob.reporting_point", "Reporting point",
	    "The reporting point site system role must be installed before out of band management "
	    "reports can be displayed.", REF_PREREQ, 0 },
	[CK_PR_IPSEC] = { "oob.ipsec", "No IPsec policies",
	    "Do not configure IPsec policies for the AMT communication between the out of band "
	    "service point site system server and computers that will be managed out of band.",
	    REF_PREREQ, 0 },
	[CK_PR_DHCP] = { "oob.dhcp_options", "DHCP options 006 and 015",
	    "If computers will resolve the host name of ProvisionServer using DNS, ensure that the "
	    "DHCP scope options include DNS servers (006) and Domain name (015).", REF_PREREQ, 0 },
	[CK_PR_AMT_FIRMWARE] = { "oob.amt_firmware", "AMT firmware and HECI driver",
	    "Intel vPro Technology or Intel Centrino Pro Technology, Intel AMT version 3.2.1 or "
	    "later, Intel HECI driver.", REF_PREREQ, 0 },
	[CK_PR_SITE_VERSION] = { "oob.site_version", "Primary site and service point",
	    "The primary site must be running Configuration Manager 2007 SP1 and have installed "
	    "the out of band service point.", REF_PREREQ, 0 },
};

/* Why a row cannot be seen from the network, and how to check it by hand. */
static const char *const by_hand[CK_PR_NROWS] = {
	[CK_PR_HOTFIX] = "check Add or Remove Programs (View installed updates) on the service "
	    "point for KB942841",
	[CK_PR_MSXML] = "the ConfigMgr setup prerequisite check reports MSXML 6.0 on each console "
	    "computer",
	[CK_PR_TELNET] = "on each console computer: Server Manager or Programs and Features, "
	    "Turn Windows features on, Telnet Client",
	[CK_PR_CONSOLE_RIGHTS] = "in the ConfigMgr console: Security Rights on the collection",
	[CK_PR_REPORTING_POINT] = "in the ConfigMgr console: Site Systems, look for the reporting "
	    "point role",
	[CK_PR_IPSEC] = "on the service point and the AMT computers' networks: no IPsec policy for "
	    "TCP 16992-16995 and 9971",
	[CK_PR_DHCP] = "on the DHCP server: scope options 006 and 015 of the AMT computers' scopes",
	[CK_PR_AMT_FIRMWARE] = "ask the firmware: cert-amt reports the AMT version of each host; the "
	    "HECI driver is visible only on the computer",
	[CK_PR_SITE_VERSION] = "in the ConfigMgr console: Site Management, site properties and site "
	    "systems",
};

const struct ck_ruleset *
ck_prereq_ruleset(void)
{
	static struct ck_ruledef defs[CK_PR_NROWS];
	static struct ck_ruleset set = { "oob", defs, CK_PR_NROWS };
	size_t i;

	/* Filled from the row table on every call: the same constants each time. */
	for (i = 0; i < CK_PR_NROWS; i++) {
		defs[i].id = rows[i].id;
		defs[i].severity = rows[i].checkable ? "critical" : "notice";
		defs[i].ref = rows[i].ref;
		defs[i].description = rows[i].seed;
	}
	return &set;
}

const struct ck_prereq_row *
ck_prereq_rows(size_t *n)
{
	*n = CK_PR_NROWS;
	return rows;
}

int
ck_prereq_parse_ids(const char *list, unsigned long *mask, struct ck_err *err)
{
	const char *p = list;

	*mask = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ", "), i;
		int found = 0;

		for (i = 0; n > 0 && i < CK_PR_NROWS; i++) {
			const char *id = rows[i].id;

			if ((strlen(id) == n && strncmp(id, p, n) == 0) ||
			    (strlen(id + 4) == n && strncmp(id + 4, p, n) == 0)) {
				*mask |= 1ul << i;
				found = 1;
			}
		}
		if (n > 0 && !found)
			return ck_err_set(err, CK_E_USAGE, "'%.*s': no such check (see cert-prereq(1))",
			    (int)(n > 100 ? 100 : n), p);
		p += n;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

int
ck_prereq_ids_opt(const char *arg, void *target, struct ck_err *err)
{
	return ck_prereq_parse_ids(arg, target, err);
}

int
ck_prereq_init(struct ck_prereq *p, struct ck_err *err)
{
	memset(p, 0, sizeof(*p));
	p->templates = json_array();
	p->cas = json_array();
	p->certs = json_array();
	p->principals = json_array();
	p->out = json_array();
	ck_fetch_opts_init(&p->net);
	p->net.timeout_ms = 5000;
	snprintf(p->ad_why, sizeof(p->ad_why), "no template or ca records on the input and no "
	    "--uri");
	snprintf(p->forest_why, sizeof(p->forest_why), "the forest's domains are read over LDAP: "
	    "give --uri");
	snprintf(p->containers_why, sizeof(p->containers_why), "the container is read over LDAP: "
	    "give --uri and --container");
	if (p->templates == NULL || p->cas == NULL || p->certs == NULL || p->principals == NULL ||
	    p->out == NULL) {
		ck_prereq_release(p);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	return 0;
}

void
ck_prereq_release(struct ck_prereq *p)
{
	size_t i;

	json_decref(p->templates);
	json_decref(p->cas);
	json_decref(p->certs);
	json_decref(p->principals);
	json_decref(p->out);
	ck_forest_release(&p->forest);
	for (i = 0; i < p->ncontainers; i++) {
		free(p->containers[i].domain);
		free(p->containers[i].dn);
		ck_sd_release(&p->containers[i].sd);
	}
	free(p->containers);
	for (i = 0; i < p->nhosts; i++)
		free(p->hosts[i]);
	free(p->hosts);
	free(p->sp_fqdn);
	free(p->sp_address);
	memset(p, 0, sizeof(*p));
}

void
ck_prereq_site_failed(struct ck_prereq *p, const char *source, const struct ck_err *err,
    json_t *errors)
{
	json_array_append_new(errors, ck_error_record_err(source, err));
	snprintf(p->ad_why, sizeof(p->ad_why), "%.200s: %.300s", source, err->msg);
	snprintf(p->forest_why, sizeof(p->forest_why), "%.200s: %.300s", source, err->msg);
	snprintf(p->containers_why, sizeof(p->containers_why), "%.200s: %.300s", source, err->msg);
}

int
ck_prereq_take(struct ck_prereq *p, json_t *rec)
{
	json_t *arr = ck_record_is(rec, "template") ? p->templates : ck_record_is(rec, "ca") ?
	    p->cas : ck_record_is(rec, "cert") ? p->certs : ck_record_is(rec, "principal") ?
	    p->principals : NULL;

	if (arr == NULL)
		return 0;
	json_array_append(arr, rec);
	if (arr == p->templates || arr == p->cas)
		p->have_ad = 1;
	return 1;
}

int
ck_prereq_read(struct ck_prereq *p, const char *path, FILE *out, json_t *errors)
{
	struct ck_reader *r;
	struct ck_err err;
	json_t *rec;
	int rc, st = CK_OK;

	if ((r = ck_reader_open(path, &err)) == NULL) {
		err.code = CK_E_IO;
		ck_err_prefix(&err, "cannot open");
		json_array_append_new(errors, ck_error_record_err(path, &err));
		return CK_UNKNOWN;
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			json_array_append_new(errors, ck_error_record_err(path, &err));
			st = CK_UNKNOWN;
			break;
		}
		if (rc == CK_READ_BROKEN || ck_record_is(rec, "error")) {
			json_array_append(errors, rec);
			st = CK_UNKNOWN;
		} else if (!ck_prereq_take(p, rec) && out != NULL &&
		    ck_record_write(out, rec, &err) < 0) {
			st = CK_UNKNOWN;
		}
		json_decref(rec);
	}
	ck_reader_free(r);
	return st;
}

struct config_report {
	json_t *errors, *warnings;
	const char *const *src;		/* entry -> its file */
	int failed;
};

static void
config_report(void *arg, size_t entry, const struct ck_err *err, int failed)
{
	struct config_report *cr = arg;

	/* Settings for a CA the input does not hold judge nothing: said, not an error. */
	if (!failed) {
		json_array_append_new(cr->warnings, json_sprintf("'%s': %s", cr->src[entry],
		    err->msg));
		return;
	}
	json_array_append_new(cr->errors, ck_error_record_err(cr->src[entry], err));
	cr->failed = 1;
}

int
ck_prereq_caconfig(struct ck_prereq *p, const char *const *files, size_t n, json_t *errors,
    json_t *warnings)
{
	struct ck_caconfig_set set = { 0 };
	json_t **cas = calloc(json_array_size(p->cas) + 1, sizeof(*cas));
	struct config_report cr = { errors, warnings, NULL, 0 };
	struct ck_err err;
	size_t i;
	int st = CK_OK;

	if (cas == NULL)
		return CK_UNKNOWN;
	for (i = 0; i < n; i++)
		if (ck_caconfig_set_load(&set, files[i], &err) < 0) {
			json_array_append_new(errors, ck_error_record_err(files[i], &err));
			st = CK_UNKNOWN;
		}
	for (i = 0; i < json_array_size(p->cas); i++)
		cas[i] = json_array_get(p->cas, i);
	cr.src = set.src;
	ck_caconfig_apply_all(set.conf, set.n, cas, json_array_size(p->cas), NULL, config_report,
	    &cr);
	if (cr.failed)
		st = CK_UNKNOWN;
	p->have_caconfig = 1;
	ck_caconfig_set_release(&set);
	free(cas);
	return st;
}

int
ck_prereq_add_host(struct ck_prereq *p, const char *host, struct ck_err *err)
{
	char **v = realloc(p->hosts, (p->nhosts + 1) * sizeof(*v));

	if (v == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	p->hosts = v;
	if ((v[p->nhosts] = strdup(host)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	p->nhosts++;
	p->have_hosts = 1;
	return 0;
}

long
ck_prereq_load_hosts(struct ck_prereq *p, const char *path, struct ck_err *err)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[1026];
	long n = 0, lineno = 0;

	if (fp == NULL)
		return ck_err_set(err, CK_E_IO, "cannot open: %s", strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *a = line, *e;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			ck_err_set(err, CK_E_LIMIT, "line %ld longer than 1024 bytes", lineno);
			n = -1;
			break;
		}
		while (*a == ' ' || *a == '\t')
			a++;
		e = a + strlen(a);
		while (e > a && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*a == '\0' || *a == '#')
			continue;
		if (p->nhosts >= CK_PREREQ_MAX_HOSTS) {
			ck_err_set(err, CK_E_LIMIT, "more than %d host names", CK_PREREQ_MAX_HOSTS);
			n = -1;
			break;
		}
		if (ck_prereq_add_host(p, a, err) < 0) {
			n = -1;
			break;
		}
		n++;
	}
	if (n >= 0 && ferror(fp)) {
		ck_err_set(err, CK_E_IO, "read error");
		n = -1;
	}
	if (fp != stdin)
		fclose(fp);
	p->have_hosts = n >= 0;
	return n;
}

/* ---------- records ---------- */

json_t *
ck_prereq_record(enum ck_prereq_id row, const char *status, const char *subject,
    const char *message, const char *fix, json_t *findings)
{
	json_t *rec = ck_record_new("prereq");

	if (rec == NULL) {
		json_decref(findings);
		return NULL;
	}
	json_object_set_new(rec, "check", json_string(rows[row].id));
	json_object_set_new(rec, "status", json_string(status));
	json_object_set_new(rec, "subject", json_string(subject ? subject : "site"));
	json_object_set_new(rec, "message", json_string(message ? message : ""));
	json_object_set_new(rec, "requirement", json_string(rows[row].seed));
	json_object_set_new(rec, "ref", json_string(rows[row].ref));
	if (fix != NULL && strcmp(status, "ok") != 0)
		json_object_set_new(rec, "fix", json_string(fix));
	json_object_set_new(rec, "findings", findings ? findings : json_array());
	return rec;
}

int
ck_prereq_status(const json_t *rec)
{
	const char *s = json_string_value(json_object_get(rec, "status"));

	if (s == NULL)
		return CK_UNKNOWN;
	if (strcmp(s, "ok") == 0 || strcmp(s, "not_checkable") == 0)
		return CK_OK;
	if (strcmp(s, "warning") == 0)
		return CK_WARNING;
	if (strcmp(s, "critical") == 0)
		return CK_CRITICAL;
	return CK_UNKNOWN;
}

struct row_out {
	struct ck_prereq *p;
	enum ck_prereq_id row;
	int failed;
};

static void
put(struct row_out *o, const char *status, const char *subject, const char *fix,
    json_t *findings, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
put(struct row_out *o, const char *status, const char *subject, const char *fix,
    json_t *findings, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;
	json_t *rec;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rec = ck_prereq_record(o->row, status, subject, msg, fix, findings);
	if (rec == NULL || json_array_append_new(o->p->out, rec) < 0)
		o->failed = 1;
}

static const char *
js(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *
js_or(const json_t *o, const char *k, const char *dflt)
{
	const char *s = js(o, k);

	return s ? s : dflt;
}

/* ---------- 1. enterprise CA ---------- */

static void
row_enterprise_ca(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	const json_t *ca;
	size_t i;

	if (!p->have_ad) {
		put(o, "unknown", "forest", NULL, NULL, "%s", p->ad_why);
		return;
	}
	if (json_array_size(p->cas) == 0) {
		put(o, "critical", "forest", "install an Enterprise (or Datacenter) edition CA as an "
		    "enterprise CA; a stand-alone CA is not supported", NULL,
		    "no pKIEnrollmentService in CN=Enrollment Services: the forest has no "
		    "enterprise CA");
		return;
	}
	json_array_foreach(p->cas, i, ca)
		put(o, "ok", js_or(ca, "name", "?"), NULL, NULL,
		    "enterprise CA '%s' on %s (pKIEnrollmentService), publishing %zu templates",
		    js_or(ca, "name", "?"), js_or(ca, "dns_host", "an unnamed host"),
		    json_array_size(json_object_get(ca, "templates")));
}

/* ---------- 2. CA key size ---------- */

/* The AMT policy's CA key size finding (family amt, or chain for a plain policy). */
static int
is_key_finding(const json_t *f)
{
	const char *rule = js_or(f, "rule", "");

	return strcmp(rule, "amt.ca_key_too_large") == 0 || strcmp(rule, "chain.ca_key_too_large") == 0;
}

static void
row_ca_key_size(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	struct ck_chain_opts co;
	struct ck_chain_ctx *ctx = NULL;
	struct ck_err err;
	const json_t *ca, *c;
	size_t i, j;

	if (!p->have_ad) {
		put(o, "unknown", "forest", NULL, NULL, "%s", p->ad_why);
		return;
	}
	if (json_array_size(p->cas) == 0) {
		put(o, "unknown", "forest", NULL, NULL, "no enterprise CA, so no CA certificate to "
		    "check");
		return;
	}
	ck_chain_opts_init(&co);
	co.at = p->at;
	co.net = p->net;
	if (ck_policy_load(&co.policy, "amt", p->amt_version, &err) < 0 ||
	    (ctx = ck_chain_ctx_new(&co, &err)) == NULL) {
		put(o, "unknown", "forest", NULL, NULL, "the amt chain policy: %s", err.msg);
		return;
	}
	json_array_foreach(p->cas, i, ca) {
		const json_t *cert = json_object_get(ca, "cert"), *f;
		const char *name = js_or(ca, "name", "?");
		json_t *certs = json_array(), *chain, *findings = json_array(), *key, *own;
		long bits;
		int st = CK_OK, big = 0;
		char cause[768] = "";

		if (!json_is_object(cert)) {
			put(o, "unknown", name, NULL, findings, "the ca record of '%s' carries no CA "
			    "certificate (cACertificate)", name);
			json_decref(certs);
			continue;
		}
		/* The CA first, then everything else the input offers as issuers. */
		json_array_append(certs, (json_t *)cert);
		json_array_foreach(p->cas, j, c)
			if (c != ca && json_is_object(json_object_get(c, "cert")))
				json_array_append(certs, json_object_get(c, "cert"));
		json_array_foreach(p->certs, j, c)
			json_array_append(certs, (json_t *)c);
		key = json_object_get(cert, "key");
		bits = (long)json_integer_value(json_object_get(key, "bits"));
		/* The CA itself is judged as a CA; ck_chain judges the certificates above it. */
		own = json_array();
		ck_policy_check_cert(&co.policy, cert, CK_POL_CA, own);
		json_array_foreach(own, j, f)
			if (is_key_finding(f)) {
				json_array_append(findings, (json_t *)f);
				if (!big++)
					snprintf(cause, sizeof(cause), "CA '%s' itself: %s", name,
					    js_or(f, "message", ""));
			}
		json_decref(own);
		chain = ck_chain_check(ctx, certs, &st, &err);
		json_decref(certs);
		if (chain == NULL) {
			put(o, "unknown", name, NULL, findings, "CA '%s': %s", name, err.msg);
			continue;
		}
		json_array_foreach(json_object_get(chain, "findings"), j, f) {
			if (!is_key_finding(f))
				continue;
			json_array_append(findings, (json_t *)f);
			if (!big++)
				snprintf(cause, sizeof(cause), "'%s' above CA '%s' has a key too large "
				    "for AMT (%s)", js_or(f, "subject", "?"), name, js_or(f, "message", ""));
		}
		if (big)
			put(o, "critical", name, "AMT firmware before version 6 rejects CA keys above "
			    "2048 bits: re-key the CA (and any CA above it) with a 2048-bit RSA key",
			    findings, "%s", cause);
		else
			put(o, "ok", name, NULL, findings, "CA '%s' (%s %ld bits) and the %zu "
			    "certificate%s above it: no CA key larger than %ld bits", name,
			    js_or(key, "alg", "?"), bits,
			    json_array_size(json_object_get(chain, "path")) > 0 ?
			    json_array_size(json_object_get(chain, "path")) - 1 : 0,
			    json_array_size(json_object_get(chain, "path")) == 2 ? "" : "s",
			    co.policy.max_ca_bits);
		json_decref(chain);
	}
	ck_chain_ctx_free(ctx);
}

/* ---------- requesters ---------- */

/*
 * The requester for an account option: the best matching principal record,
 * else a bare SID.  Returns 1 filled, 0 not found (why set), -1 error.
 */
static int
requester(const struct ck_prereq *p, const char *name, struct ck_requester *rq, char *why,
    size_t whysz)
{
	const json_t *best = NULL, *pr;
	struct ck_err err;
	int bm = 0, m;
	size_t i;

	json_array_foreach(p->principals, i, pr)
		if ((m = ck_approve_principal_match(pr, name)) > bm) {
			bm = m;
			best = pr;
		}
	if (best != NULL) {
		if (ck_requester_from_principal(rq, best, &err) < 0) {
			snprintf(why, whysz, "principal record for '%.200s': %.250s", name, err.msg);
			return -1;
		}
		return 1;
	}
	if (ck_approve_is_sid(name)) {
		if (ck_requester_from_sid(rq, name, &err) < 0) {
			snprintf(why, whysz, "%s", err.msg);
			return -1;
		}
		return 1;
	}
	snprintf(why, whysz, "no principal record for '%.150s' (give --uri, or pipe cert-ad "
	    "--principal '%.150s')", name, name);
	return 0;
}

/* ---------- templates by role ---------- */

enum role { ROLE_PROV = 0, ROLE_WEB, ROLE_8021X, NROLES };

static const char *const role_ids[NROLES] = { "provisioning", "web_server", "8021x" };
static const char *const role_words[NROLES] = {
	"AMT provisioning certificate (out of band service point)",
	"AMT web server certificate (each AMT computer)",
	"802.1X client certificate (AMT computers)"
};

static const char *
role_name_option(const struct ck_prereq *p, enum role r)
{
	return r == ROLE_PROV ? p->provisioning_template : r == ROLE_WEB ? p->web_template :
	    p->dot1x_template;
}

/* The templates of a role: the one named, or those cert-lint classifies so.  New array. */
static json_t *
role_templates(const struct ck_prereq *p, enum role r)
{
	const char *named = role_name_option(p, r);
	json_t *params = json_pack("{s:[sss]}", "roles", "provisioning", "web_server", "8021x");
	json_t *out = json_array(), *t;
	size_t i;

	json_array_foreach(p->templates, i, t) {
		const char *role;

		if (named != NULL) {
			if (ck_approve_template_named(t, named))
				json_array_append(out, t);
			continue;
		}
		role = ck_rules_oob_role(params, t);
		if (role != NULL && strcmp(role, role_ids[r]) == 0)
			json_array_append(out, t);
	}
	json_decref(params);
	return out;
}

static const char *const role_fix[NROLES] = {
	"duplicate the Web Server template as a version 2 template (Windows 2003 Server, "
	"Enterprise Edition) with Server Authentication and the AMT Provisioning OID "
	"2.16.840.1.113741.1.2.3 (or the OU Intel(R) Client Setup Certificate), give the "
	"service point's computer account Read and Enroll, and publish it on the enterprise CA",
	"duplicate the Web Server template as a version 2 template, subject Supply in the "
	"request, Server Authentication only, Read and Enroll for the primary site server's "
	"computer account, no CA manager approval, and publish it on the enterprise CA",
	"duplicate the Workstation Authentication template as a version 2 template with "
	"Client Authentication, Supply in the request, and publish it on the enterprise CA",
};

/* The account a role's template is for: the site server or the service point. */
static const char *
role_account(const struct ck_prereq *p, enum role r)
{
	return r == ROLE_WEB ? p->site_server : r == ROLE_PROV ? p->service_point : NULL;
}

/*
 * The ESC17 shape is what ConfigMgr 2007 needs (supply in the request,
 * Server Authentication, automatic issuance); cert-lint warns about it
 * unless it knows who may enroll.  Here that is known: when every
 * non-administrator holding Enroll is the role's own account (or one of its
 * groups), the warning is the design, not a defect.
 */
static int
esc17_by_design(const struct ck_prereq *p, enum role r, const json_t *t, const json_t *h)
{
	const char *who = role_account(p, r);
	struct ck_requester rq;
	const json_t *ace;
	char why[512];
	size_t i, k;
	int ok = 1;

	if (strcmp(js_or(h, "rule", ""), "adcs.esc17") != 0 ||
	    strcmp(js_or(h, "severity", ""), "warning") != 0 || who == NULL ||
	    !json_is_array(json_object_get(t, "acl")) || requester(p, who, &rq, why, sizeof(why)) <= 0)
		return 0;
	json_array_foreach(json_object_get(t, "acl"), i, ace) {
		const char *sid = js(ace, "sid");
		int mine = 0;

		struct ck_err err;

		/* An allow ACE through which this SID alone holds Enroll (the one access check). */
		if (!json_is_true(json_object_get(ace, "allow")) || sid == NULL ||
		    ck_sid_is_privileged(sid) || ck_acl_effective(json_object_get(t, "acl"), &sid, 1,
		    "enroll", NULL, NULL, &err) != 1)
			continue;
		for (k = 0; k < rq.nsids; k++)
			if (strcasecmp(rq.sids[k], sid) == 0 && strcmp(sid, CK_SID_EVERYONE) != 0 &&
			    strcmp(sid, CK_SID_AUTHENTICATED_USERS) != 0)
				mine = 1;
		if (!mine)
			ok = 0;
	}
	ck_requester_release(&rq);
	return ok;
}

static void
row_templates(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	struct ck_lint *l = NULL;
	struct ck_err err;
	int nroles = p->with_8021x ? NROLES : ROLE_8021X, r;
	const json_t *x;
	size_t i;

	if (!p->have_ad) {
		put(o, "unknown", "forest", NULL, NULL, "%s", p->ad_why);
		return;
	}
	if ((l = ck_lint_new()) == NULL || ck_lint_add_default_dirs(l, &err) < 0 ||
	    ck_lint_add_profile(l, "oob-2007", &err) < 0) {
		put(o, "unknown", "forest", NULL, NULL, "cert-lint profile oob-2007: %s",
		    l ? err.msg : "out of memory");
		ck_lint_free(l);
		return;
	}
	json_array_foreach(p->cas, i, x)
		ck_lint_index(l, x);
	json_array_foreach(p->certs, i, x)
		ck_lint_index(l, x);
	for (r = 0; r < nroles; r++) {
		json_t *found = role_templates(p, (enum role)r);
		const json_t *t;
		size_t k;

		if (json_array_size(found) == 0) {
			const char *named = role_name_option(p, (enum role)r);

			if (named != NULL)
				put(o, "critical", role_ids[r], role_fix[r], NULL, "no template named "
				    "'%s' for the %s", named, role_words[r]);
			else
				put(o, "critical", role_ids[r], role_fix[r], NULL, "no template for the "
				    "%s (classified as cert-lint(1) does: by EKU, AMT OID or OU, "
				    "subject source)", role_words[r]);
		}
		json_array_foreach(found, k, t) {
			json_t *copy = json_deep_copy(t), *f, *findings = json_array(), *h;
			const char *tn = js_or(t, "name", "?");
			char subject[512], first[1024] = "";
			int worst = 0, ncrit = 0;
			size_t m;

			snprintf(subject, sizeof(subject), "%s: %s", role_ids[r], tn);
			/* Findings the input already carried are not this run's judgement. */
			json_object_del(copy, "findings");
			ck_lint_judge(l, copy, &worst);
			f = json_object_get(copy, "findings");
			worst = 0;
			json_array_foreach(f, m, h) {
				int lv = ck_severity_level(js_or(h, "severity", ""));

				json_array_append(findings, h);
				if (esc17_by_design(p, (enum role)r, t, h))
					continue;
				if (lv > worst) {
					worst = lv;
					snprintf(first, sizeof(first), "%s", js_or(h, "message", ""));
				}
				if (lv == 2)
					ncrit++;
			}
			json_decref(copy);
			if (worst == 2)
				put(o, "critical", subject, role_fix[r], findings, "%s%s", first,
				    ncrit > 1 ? " (and more: see findings)" : "");
			else if (worst == 1)
				put(o, "warning", subject, role_fix[r], findings, "%s", first);
			else
				put(o, "ok", subject, NULL, findings, "template '%s' for the %s: version "
				    "%lld, published, passes cert-lint --profile oob-2007", tn,
				    role_words[r],
				    (long long)json_integer_value(json_object_get(t, "schema_version")));
		}
		json_decref(found);
	}
	ck_lint_free(l);
}

/* ---------- 4. automatic approval ---------- */


/* 1 when the ca record lists the template in its certificateTemplates. */
static int
published_by(const json_t *t, const json_t *ca)
{
	const json_t *v;
	size_t k;

	json_array_foreach(json_object_get(ca, "templates"), k, v)
		if (json_is_string(v) && ck_approve_template_named(t, json_string_value(v)))
			return 1;
	return 0;
}

static size_t
publishers(const struct ck_prereq *p, const json_t *t)
{
	const json_t *ca;
	size_t i, n = 0;

	json_array_foreach(p->cas, i, ca)
		n += (size_t)published_by(t, ca);
	return n;
}

static void
approve_pair(struct row_out *o, enum role r, const char *who, const char *option)
{
	struct ck_prereq *p = o->p;
	struct ck_requester rq;
	struct ck_err err;
	json_t *found;
	const json_t *t, *ca;
	char why[512];
	size_t i, j;

	if (who == NULL) {
		put(o, "unknown", role_ids[r], NULL, NULL, "give %s to judge the %s", option,
		    role_words[r]);
		return;
	}
	if (requester(p, who, &rq, why, sizeof(why)) <= 0) {
		put(o, "unknown", who, NULL, NULL, "%s", why);
		return;
	}
	found = role_templates(p, r);
	if (json_array_size(found) == 0)
		put(o, "critical", role_ids[r], role_fix[r], NULL, "no template for the %s, so "
		    "nothing can be approved for '%s'", role_words[r], who);
	json_array_foreach(found, i, t) {

		json_array_foreach(p->cas, j, ca) {
			json_t *a, *reasons, *rs;
			char subject[768], msg[1024] = "";
			int st;
			size_t k;

			/* Every CA that publishes it; when none does, every CA says why not. */
			if (publishers(p, t) > 0 && !published_by(t, ca))
				continue;
			a = ck_approve_judge(t, ca, &rq, &err);
			snprintf(subject, sizeof(subject), "%s @ %s for %s", js_or(t, "name", "?"),
			    js_or(ca, "name", "?"), rq.name);
			if (a == NULL) {
				put(o, "unknown", subject, NULL, NULL, "%s", err.msg);
				continue;
			}
			st = ck_approval_status(a);
			reasons = json_incref(json_object_get(a, "reasons"));
			json_array_foreach(reasons, k, rs) {
				const char *sev = js_or(rs, "severity", "");

				if (msg[0] == '\0' && (strcmp(sev, "critical") == 0 ||
				    (st == CK_WARNING && strcmp(sev, "warning") == 0)))
					snprintf(msg, sizeof(msg), "%s", js_or(rs, "message", ""));
			}
			if (st == CK_CRITICAL)
				put(o, "critical", subject, "make the CA issue it without a CA manager: "
				    "clear PEND_ALL_REQUESTS (Issuance Requirements), set "
				    "msPKI-RA-Signature 0, grant Enroll, publish the template, "
				    "RequestDisposition 0x1", reasons, "verdict %s: %s",
				    js_or(a, "verdict", "?"), msg);
			else if (st == CK_WARNING)
				put(o, "warning", subject, "give --ca-config with the output of "
				    "'certutil -getreg policy\\RequestDisposition'", reasons,
				    "verdict issue, but %s", msg);
			else
				put(o, "ok", subject, NULL, reasons, "CA '%s' issues '%s' for '%s' "
				    "automatically", js_or(ca, "name", "?"), js_or(t, "name", "?"),
				    rq.name);
			json_decref(a);
		}
		if (json_array_size(p->cas) == 0)
			put(o, "critical", js_or(t, "name", "?"), NULL, NULL, "no enterprise CA to "
			    "issue '%s'", js_or(t, "name", "?"));
	}
	json_decref(found);
	ck_requester_release(&rq);
}

static void
row_auto_approval(struct row_out *o)
{
	struct ck_prereq *p = o->p;

	if (!p->have_ad) {
		put(o, "unknown", "forest", NULL, NULL, "%s", p->ad_why);
		return;
	}
	approve_pair(o, ROLE_WEB, p->site_server, "--site-server");
	approve_pair(o, ROLE_PROV, p->service_point, "--service-point");
}

/* ---------- 5. AD container ---------- */

static void
row_ad_container(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	struct ck_requester rq;
	char why[512], msg[1024];
	size_t i;
	int have_rq = 0;

	if (!p->have_containers) {
		put(o, "unknown", p->container ? p->container : "container", NULL, NULL, "%s",
		    p->containers_why);
		return;
	}
	if (p->site_server == NULL)
		snprintf(why, sizeof(why), "give --site-server to judge the container's permissions");
	else
		have_rq = requester(p, p->site_server, &rq, why, sizeof(why)) > 0;
	for (i = 0; i < p->ncontainers; i++) {
		const struct ck_prereq_container *c = &p->containers[i];

		if (c->state < 0) {
			put(o, "unknown", c->dn, NULL, NULL, "domain %s: %s", c->domain, c->err);
			continue;
		}
		if (c->state == 0) {
			put(o, "critical", c->dn, "create the container (or OU) with the same name and "
			    "path in every domain that holds AMT computers, and give the primary site "
			    "server's computer account Full Control on it (this object and all child "
			    "objects)", NULL, "the container '%s' does not exist in domain %s", c->dn,
			    c->domain);
			continue;
		}
		if (!have_rq) {
			put(o, "unknown", c->dn, NULL, NULL, "the container exists in domain %s; %s",
			    c->domain, why);
			continue;
		}
		if (ck_container_full_control(&c->sd, &rq, msg, sizeof(msg)) == CK_FC_GRANTED)
			put(o, "ok", c->dn, NULL, NULL, "%s", msg);
		else
			put(o, "critical", c->dn, "on the container's Security tab (Advanced) give the "
			    "primary site server's computer account Full Control, Apply to: This object "
			    "and all child objects, and remove Deny entries that apply to it or its "
			    "groups", NULL, "%s", msg);
	}
	if (have_rq)
		ck_requester_release(&rq);
}

/* ---------- 7. forest and namespace ---------- */

static void
row_namespace(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	char msg[1024];
	size_t i;

	if (!p->have_forest) {
		put(o, "unknown", "forest", NULL, NULL, "%s", p->forest_why);
		return;
	}
	if (p->sp_fqdn == NULL) {
		put(o, "unknown", p->service_point ? p->service_point : "service point", NULL, NULL,
		    "%s", p->sp_why[0] ? p->sp_why : "give --service-point to know its namespace");
		return;
	}
	if (!p->have_hosts) {
		put(o, "unknown", "AMT computers", NULL, NULL, "%s", p->hosts_why[0] ? p->hosts_why :
		    "give --amt-hosts FILE or --computers-ou DN");
		return;
	}
	if (p->nhosts == 0)
		put(o, "unknown", "AMT computers", NULL, NULL, "no AMT computer names to judge");
	for (i = 0; i < p->nhosts; i++) {
		switch (ck_forest_judge(&p->forest, p->sp_fqdn, p->hosts[i], msg, sizeof(msg))) {
		case CK_NS_OK:
			put(o, "ok", p->hosts[i], NULL, NULL, "%s", msg);
			break;
		case CK_NS_BAD_NAME:
			put(o, "unknown", p->hosts[i], NULL, NULL, "%s", msg);
			break;
		default:
			put(o, "critical", p->hosts[i], "manage it from a service point in its own "
			    "tree and forest, or join it to a domain in the service point's tree", NULL,
			    "%s", msg);
			break;
		}
	}
}

/* ---------- 9. WinRM ---------- */

static void
row_winrm(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	struct ck_winrm_identity id;
	struct ck_fetch_opts fo = p->net;
	struct ck_err err;
	char url[600];
	long status = 0;
	const char *host = p->sp_address ? p->sp_address : p->sp_fqdn;

	if (p->winrm_url != NULL)
		snprintf(url, sizeof(url), "%s", p->winrm_url);
	else if (host != NULL)
		snprintf(url, sizeof(url), strchr(host, ':') ? "http://[%s]:5985/wsman" :
		    "http://%s:5985/wsman", host);
	else {
		put(o, "unknown", "service point", NULL, NULL, "%s", p->sp_why[0] ? p->sp_why :
		    "give --service-point or --service-point-address");
		return;
	}
	fo.http_user = NULL;
	if (ck_winrm_identify(url, &fo, &id, &status, &err) < 0) {
		if (err.code == CK_E_NET && (status > 0 || strstr(err.msg, "refused") != NULL))
			put(o, "critical", url, "install WinRM (Windows Management Framework) on the "
			    "service point and run 'winrm quickconfig'", NULL, "no WS-Management "
			    "Identify answer from %s: %s", url, err.msg);
		else
			put(o, "unknown", url, NULL, NULL, "WS-Management Identify to %s: %s", url,
			    err.msg);
		return;
	}
	if (p->winrm_user == NULL) {
		put(o, "ok", url, NULL, NULL, "WinRM answers Identify (%s, %s); give --winrm-user to "
		    "also check the Windows version and service pack", id.product_vendor[0] ?
		    id.product_vendor : "no vendor", id.protocol_version[0] ? id.protocol_version :
		    "no protocol version");
		return;
	}
	fo.http_user = p->winrm_user;
	fo.http_password = p->winrm_password;
	if (ck_winrm_identify(url, &fo, &id, &status, &err) < 0) {
		put(o, "unknown", url, NULL, NULL, "WinRM answers, but the authenticated Identify "
		    "failed: %s", err.msg);
		return;
	}
	if (!id.has_os) {
		put(o, "unknown", url, NULL, NULL, "the authenticated Identify gave no OS version "
		    "(ProductVersion '%s')", id.product_version);
		return;
	}
	if (id.os_major == 5 && id.os_minor == 2 && id.sp_major < 2)
		put(o, "critical", url, "install Windows Server 2003 Service Pack 2 (and hotfix "
		    "942841) on the service point", NULL, "the service point runs Windows Server 2003 "
		    "(OS %d.%d.%d) with service pack %d.%d; Service Pack 2 or later is required",
		    id.os_major, id.os_minor, id.os_build, id.sp_major, id.sp_minor);
	else
		put(o, "ok", url, NULL, NULL, "WinRM answers; OS %d.%d.%d service pack %d.%d",
		    id.os_major, id.os_minor, id.os_build, id.sp_major, id.sp_minor);
}

/* ---------- the service point's address ---------- */

/* Resolves the service point's dNSHostName (through --dns-server) once. */
static void
resolve_sp(struct ck_prereq *p)
{
	struct ck_dns_answer ans;
	struct ck_err err;

	if (p->sp_address != NULL || p->sp_fqdn == NULL)
		return;
	if (ck_dns_query(p->sp_fqdn, CK_DNS_A, p->dns_server, p->connect_timeout_ms > 0 ?
	    p->connect_timeout_ms : 5000, &ans, &err) < 0) {
		snprintf(p->sp_why, sizeof(p->sp_why), "the service point '%.200s': %.300s",
		    p->sp_fqdn, err.msg);
		return;
	}
	if (ans.status != CK_DNS_OK || ans.naddr == 0) {
		snprintf(p->sp_why, sizeof(p->sp_why), "the service point's name '%.200s' does not "
		    "resolve%s%.100s (%s); give --service-point-address", p->sp_fqdn,
		    p->dns_server ? " on " : "", p->dns_server ? p->dns_server : "",
		    ck_dns_status_name(ans.status));
		return;
	}
	p->sp_address = strdup(ans.addr[0]);
}

/* ---------- 6. DNS for ProvisionServer ---------- */

static void
dns_one(struct row_out *o, const char *domain)
{
	struct ck_prereq *p = o->p;
	const char *pn = p->provision_name ? p->provision_name : "ProvisionServer";
	struct ck_dns_answer ans;
	struct ck_err err;
	char name[600], via[400] = "", got[600] = "", server[160];
	size_t i;
	int hit = 0;

	snprintf(name, sizeof(name), "%s.%s", pn, domain);
	snprintf(server, sizeof(server), "%s", p->dns_server ? p->dns_server : "the system resolver");
	if (ck_dns_query(name, CK_DNS_A, p->dns_server, p->connect_timeout_ms > 0 ?
	    p->connect_timeout_ms : 5000, &ans, &err) < 0) {
		put(o, "unknown", name, NULL, NULL, "%s", err.msg);
		return;
	}
	for (i = 0; i < ans.ncname && i < 8; i++)
		snprintf(via + strlen(via), sizeof(via) - strlen(via), "%s CNAME %s",
		    i ? "," : " via", ans.cname[i]);
	for (i = 0; i < ans.naddr; i++) {
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? ", " : "",
		    ans.addr[i]);
		if (p->sp_address != NULL && strcmp(ans.addr[i], p->sp_address) == 0)
			hit = 1;
	}
	switch (ans.status) {
	case CK_DNS_OK:
		if (p->sp_address == NULL)
			put(o, "unknown", name, NULL, NULL, "%s resolves to %s%s, but the service "
			    "point's address is not known: %s", name, got, via, p->sp_why[0] ?
			    p->sp_why : "give --service-point or --service-point-address");
		else if (hit)
			put(o, "ok", name, NULL, NULL, "%s resolves to the service point %s%s (%s)",
			    name, p->sp_address, via, server);
		else
			put(o, "critical", name, "point the A record (or the CNAME) of the name set in "
			    "MEBx at the out of band service point", NULL, "%s resolves to %s%s, not "
			    "to the service point %s (%s)", name, got, via, p->sp_address, server);
		break;
	case CK_DNS_NXDOMAIN:
	case CK_DNS_NODATA:
		put(o, "critical", name, "create an A record (or a CNAME to the service point's "
		    "name) for the name set in MEBx in each domain that holds AMT computers, and "
		    "secure it", NULL, "no %s record for %s (%s: %s)", "A", name, server,
		    ck_dns_status_name(ans.status));
		break;
	default:
		put(o, "unknown", name, NULL, NULL, "asking %s for %s: %s%s%s", server, name,
		    ck_dns_status_name(ans.status), ans.rcode > 0 ? ", rcode " : "",
		    ans.rcode > 0 ? (ans.rcode == 2 ? "2 (SERVFAIL)" : ans.rcode == 5 ? "5 (REFUSED)" :
		    "set") : "");
		break;
	}
}

static void
row_provision_dns(struct row_out *o)
{
	struct ck_prereq *p = o->p;
	size_t i;

	if (p->n_amt_domains > 0) {
		for (i = 0; i < p->n_amt_domains; i++)
			dns_one(o, p->amt_domains[i]);
	} else if (p->have_forest) {
		for (i = 0; i < p->forest.n; i++)
			dns_one(o, p->forest.v[i].dns);
	} else if (p->sp_fqdn != NULL && strchr(p->sp_fqdn, '.') != NULL) {
		dns_one(o, strchr(p->sp_fqdn, '.') + 1);
	} else {
		put(o, "unknown", "ProvisionServer", NULL, NULL, "give --amt-domain (the domains "
		    "that hold AMT computers), or --uri to read the forest's domains");
	}
}

/* ---------- 8. ports ---------- */

struct port_target {
	const char *host;		/* connected to (the resolved address when resolved) */
	char addr[INET6_ADDRSTRLEN];
	const char *label;		/* the subject */
	int is_sp;
	const unsigned *ports;
	size_t nports;
};

struct port_run {
	struct row_out *o;
	struct port_target *t;
	size_t nt, job_t, job_k;	/* producer position */
	size_t res_t, res_k;		/* consumer position (ordered delivery) */
	char line[1024];
	int crit, unk;
	long timeout_ms;
};

/* 1 when s is an IPv4 or IPv6 literal (with or without brackets). */
static int
is_address(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	struct ck_hostport hp;
	struct ck_err err;

	if (s[0] == '[') {	/* "[v6]", no port: ck_url's brackets */
		if (ck_hostport_parse(s, 0, CK_URL_NO_PORT, &hp, &err) != 0)
			return 0;
		s = hp.host;
	}
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int
port_next(void *arg, size_t index, struct ck_net_job *job)
{
	struct port_run *r = arg;

	(void)index;
	while (r->job_t < r->nt && r->job_k >= r->t[r->job_t].nports) {
		r->job_t++;
		r->job_k = 0;
	}
	if (r->job_t >= r->nt)
		return 0;
	memset(job, 0, sizeof(*job));
	job->kind = CK_NET_TCP;
	job->host = r->t[r->job_t].host;
	job->port = r->t[r->job_t].ports[r->job_k++];
	job->timeout_ms = r->timeout_ms;
	job->dns_server = r->o->p->dns_server;
	return 1;
}

static int
port_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct port_run *r = arg;
	struct port_target *t;
	const char *state, *detail;
	size_t len = strlen(r->line);

	while (r->res_t < r->nt && r->res_k >= r->t[r->res_t].nports) {
		r->res_t++;
		r->res_k = 0;
	}
	if (r->res_t >= r->nt)
		return -1;
	t = &r->t[r->res_t];
	switch (res->status) {
	case CK_NET_OK:
		state = "open";
		break;
	case CK_NET_REFUSED:
		state = "closed (connection refused)";
		r->crit = 1;
		break;
	case CK_NET_TIMEOUT:
		state = res->connected ? "open" : "filtered";
		r->crit |= !res->connected;
		break;
	case CK_NET_UNREACHABLE:
		state = "unreachable";
		r->crit = 1;
		break;
	default:
		state = ck_net_status_name(res->status);
		r->unk = 1;
		break;
	}
	detail = res->status != CK_NET_OK && res->status != CK_NET_REFUSED && res->msg[0] ?
	    res->msg : NULL;
	snprintf(r->line + len, sizeof(r->line) - len, "%s%u %s%s%s%s", len ? ", " : "",
	    job->port, state, detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
	if (++r->res_k == t->nports) {
		const char *fix = t->is_sp ? "let AMT computers reach TCP 9971 on the service point "
		    "(firewalls, the service point's Windows Firewall)" : "let the service point and "
		    "the console reach TCP 16992, 16993 and 16995 on the AMT computers (routers, "
		    "firewalls)";
		char subject[300];

		snprintf(subject, sizeof(subject), "%s%s", t->label, t->is_sp ? " (service point)" : "");
		if (r->crit)
			put(r->o, "critical", subject, fix, NULL, "TCP from here: %s", r->line);
		else if (r->unk)
			put(r->o, "unknown", subject, NULL, NULL, "TCP from here: %s", r->line);
		else
			put(r->o, "ok", subject, NULL, NULL, "TCP from here: %s", r->line);
		r->line[0] = '\0';
		r->crit = r->unk = 0;
	}
	return r->o->failed ? -1 : 0;
}

/* Phase 1: each name resolved once (not once per port), all at once. */
static int
resolve_next(void *arg, size_t index, struct ck_net_job *job)
{
	struct port_run *r = arg;

	(void)index;
	while (r->job_t < r->nt && (r->t[r->job_t].nports == 0 || is_address(r->t[r->job_t].host)))
		r->job_t++;
	if (r->job_t >= r->nt)
		return 0;
	memset(job, 0, sizeof(*job));
	job->kind = CK_NET_DNS;
	job->host = r->t[r->job_t].host;
	job->dns_type = CK_DNS_A;
	job->dns_server = r->o->p->dns_server;
	job->timeout_ms = r->timeout_ms;
	job->user = &r->t[r->job_t++];
	return 1;
}

static int
resolve_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct port_run *r = arg;
	struct port_target *t = job->user;
	char subject[300];

	if (res->dns.status == CK_DNS_OK && res->dns.naddr > 0) {
		snprintf(t->addr, sizeof(t->addr), "%s", res->dns.addr[0]);
		t->host = t->addr;
		return 0;
	}
	snprintf(subject, sizeof(subject), "%s%s", t->label, t->is_sp ? " (service point)" : "");
	put(r->o, "unknown", subject, NULL, NULL, "'%s' does not resolve (%s%s%s)", t->label,
	    res->status == CK_NET_OK ? ck_dns_status_name(res->dns.status) :
	    ck_net_status_name(res->status), res->msg[0] ? ": " : "", res->msg);
	t->nports = 0;
	return r->o->failed ? -1 : 0;
}

static void
row_ports(struct row_out *o)
{
	static const unsigned amt_default[] = { 16992, 16993, 16995 };
	struct ck_prereq *p = o->p;
	struct port_run r;
	struct ck_net_opts no;
	struct ck_net *n;
	struct ck_err err;
	unsigned sp_port = p->sp_port ? p->sp_port : 9971;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.timeout_ms = p->connect_timeout_ms > 0 ? p->connect_timeout_ms : 3000;
	if ((r.t = calloc(p->nhosts + 1, sizeof(*r.t))) == NULL) {
		o->failed = 1;
		return;
	}
	if (p->sp_address != NULL || p->sp_fqdn != NULL) {
		r.t[r.nt].host = p->sp_address ? p->sp_address : p->sp_fqdn;
		r.t[r.nt].label = p->sp_fqdn ? p->sp_fqdn : p->sp_address;
		r.t[r.nt].is_sp = 1;
		r.t[r.nt].ports = &sp_port;
		r.t[r.nt++].nports = 1;
	} else {
		put(o, "unknown", "service point", NULL, NULL, "%s", p->sp_why[0] ? p->sp_why :
		    "give --service-point or --service-point-address");
	}
	for (i = 0; i < p->nhosts; i++) {
		r.t[r.nt].host = p->hosts[i];
		r.t[r.nt].label = p->hosts[i];
		r.t[r.nt].ports = p->n_amt_ports ? p->amt_ports : amt_default;
		r.t[r.nt++].nports = p->n_amt_ports ? p->n_amt_ports : 3;
	}
	if (!p->have_hosts)
		put(o, "unknown", "AMT computers", NULL, NULL, "%s", p->hosts_why[0] ?
		    p->hosts_why : "give --amt-hosts FILE or --computers-ou DN");
	ck_net_opts_init(&no);
	no.timeout_ms = r.timeout_ms;
	/* A DNS server answers a few dozen queries at once, not hundreds (UDP drops). */
	no.concurrency = 32;
	if (r.nt > 0 && (n = ck_net_new(&no, &err)) != NULL) {
		if (ck_net_run(n, resolve_next, resolve_done, &r, &err) < 0 && !o->failed)
			put(o, "unknown", "ports", NULL, NULL, "the network engine: %s", err.msg);
		ck_net_free(n);
		n = NULL;
	}
	no.concurrency = 0;
	r.job_t = 0;
	if (r.nt > 0 && !o->failed && (n = ck_net_new(&no, &err)) != NULL) {
		if (ck_net_run(n, port_next, port_done, &r, &err) < 0 && !o->failed)
			put(o, "unknown", "ports", NULL, NULL, "the network engine: %s", err.msg);
		ck_net_free(n);
	} else if (r.nt > 0 && !o->failed) {
		put(o, "unknown", "ports", NULL, NULL, "the network engine: %s", err.msg);
	}
	free(r.t);
}

int
ck_prereq_parse_ports(struct ck_prereq *p, const char *list, struct ck_err *err)
{
	const char *s = list;

	p->n_amt_ports = 0;
	while (*s != '\0') {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v < 1 || v > 65535 || (*end != ',' && *end != '\0'))
			return ck_err_set(err, CK_E_USAGE, "'%.100s': ports are numbers 1-65535 "
			    "separated by commas", list);
		if (p->n_amt_ports == sizeof(p->amt_ports) / sizeof(p->amt_ports[0]))
			return ck_err_set(err, CK_E_USAGE, "at most 8 ports");
		p->amt_ports[p->n_amt_ports++] = (unsigned)v;
		s = *end == ',' ? end + 1 : end;
	}
	if (p->n_amt_ports == 0)
		return ck_err_set(err, CK_E_USAGE, "no port given");
	return 0;
}

/* ---------- rows the network cannot show ---------- */

static void
row_not_checkable(struct row_out *o)
{
	put(o, "not_checkable", "site", by_hand[o->row], NULL, "not checkable remotely: %s",
	    by_hand[o->row]);
}

int
ck_prereq_run(struct ck_prereq *p, unsigned long mask, struct ck_err *err)
{
	static void (*const fn[CK_PR_NROWS])(struct row_out *) = {
		[CK_PR_ENTERPRISE_CA] = row_enterprise_ca,
		[CK_PR_CA_KEY_SIZE] = row_ca_key_size,
		[CK_PR_TEMPLATES] = row_templates,
		[CK_PR_AUTO_APPROVAL] = row_auto_approval,
		[CK_PR_AD_CONTAINER] = row_ad_container,
		[CK_PR_PROVISION_DNS] = row_provision_dns,
		[CK_PR_NAMESPACE] = row_namespace,
		[CK_PR_PORTS] = row_ports,
		[CK_PR_WINRM] = row_winrm,
	};
	struct row_out o = { p, 0, 0 };
	int i;

	if (mask & ((1ul << CK_PR_PROVISION_DNS) | (1ul << CK_PR_PORTS) | (1ul << CK_PR_WINRM)))
		resolve_sp(p);

	for (i = 0; i < CK_PR_NROWS && !o.failed; i++) {
		if (!(mask & (1ul << i)))
			continue;
		o.row = (enum ck_prereq_id)i;
		if (fn[i] != NULL)
			fn[i](&o);
		else
			row_not_checkable(&o);
	}
	if (o.failed)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	return 0;
}

/* ---------- the checklist ---------- */

static const char *
label(const char *status)
{
	return strcmp(status, "ok") == 0 ? "[ OK ]" : strcmp(status, "warning") == 0 ? "[WARN]" :
	    strcmp(status, "critical") == 0 ? "[CRIT]" : strcmp(status, "unknown") == 0 ?
	    "[ ?? ]" : "[HAND]";
}

/* More ok lines than this in one row are summed up in one line. */
#define OK_LINES_MAX 20

int
ck_prereq_print_checklist(FILE *fp, const json_t *recs)
{
	size_t r, i;
	const json_t *rec;

	for (r = 0; r < CK_PR_NROWS; r++) {
		int worst = -1, any = 0;
		size_t nok = 0, shown = 0;
		const char *wst = "ok";

		json_array_foreach(recs, i, rec) {
			const char *st = js_or(rec, "status", "unknown");
			int rank;

			if (!ck_record_is(rec, "prereq") || strcmp(js_or(rec, "check", ""), rows[r].id) != 0)
				continue;
			any = 1;
			rank = strcmp(st, "not_checkable") == 0 ? 0 : strcmp(st, "ok") == 0 ? 1 :
			    strcmp(st, "warning") == 0 ? 2 : strcmp(st, "unknown") == 0 ? 3 : 4;
			if (rank > worst) {
				worst = rank;
				wst = st;
			}
			nok += strcmp(st, "ok") == 0;
		}
		if (!any)
			continue;
		fprintf(fp, "%s %s (%s): %s\n", label(wst), rows[r].title, rows[r].id, rows[r].seed);
		json_array_foreach(recs, i, rec) {
			const char *st = js_or(rec, "status", "unknown");

			if (!ck_record_is(rec, "prereq") || strcmp(js_or(rec, "check", ""), rows[r].id) != 0)
				continue;
			if (strcmp(st, "ok") == 0 && nok > OK_LINES_MAX) {
				if (shown++ == 0)
					fprintf(fp, "       ok   %zu subjects\n", nok);
				continue;
			}
			if (strcmp(st, "not_checkable") == 0) {
				fprintf(fp, "       %s\n", js_or(rec, "message", ""));
				continue;
			}
			fprintf(fp, "       %-4s %s: %s\n", strcmp(st, "critical") == 0 ? "crit" :
			    strcmp(st, "warning") == 0 ? "warn" : strcmp(st, "unknown") == 0 ? "??" :
			    "ok", js_or(rec, "subject", "?"), js_or(rec, "message", ""));
			if (js(rec, "fix") != NULL)
				fprintf(fp, "            fix: %s\n", js(rec, "fix"));
		}
	}
	return ferror(fp) ? -1 : 0;
}
