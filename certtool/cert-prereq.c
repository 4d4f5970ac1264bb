/*
 * cert-prereq: the prerequisite list of ConfigMgr 2007 SP1 out of band
 * management, checked against a live site (LDAP, HTTP) and/or records from
 * the other tools on standard input.  One `prereq` record per check and
 * subject, or a checklist (--format text); the exit status is the worst row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_approve.h"
#include "ck_chain.h"
#include "ck_clock.h"
#include "ck_ldap.h"
#include "ck_ldap_cli.h"
#include "ck_net.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_prereq.h"
#include "ck_policy.h"
#include "ck_record.h"
#include "ck_rules.h"
#include "ck_site.h"
#include "ck_tool.h"

static struct ck_prereq p;
static struct ck_ldap_cli lc;
static struct ck_site_opts so;
static struct ck_strv amt_domains, caconfigs;
static const char *amt_hosts, *only, *skip, *at, *format, *winrm_pwfile;
static const char *sp_address;
static int list_rules;

static int
parse_ports(const char *arg, void *target, struct ck_err *err)
{
	return ck_prereq_parse_ports(target, arg, err);
}

static int
parse_ms(const char *arg, void *target, struct ck_err *err)
{
	return ck_parse_long(arg, 1, 600000, (long *)target, err);
}

#define S(n, a, d, t) .name = n, .arg = a, .desc = d, .type = CK_OPT_STR, .target = t
static const struct ck_opt opts[] = {
	CK_LDAP_CLI_OPTS(lc, 0),
	{ S("site-server", "ACCOUNT", "primary site server (DOMAIN\\NAME$, NAME$ or SID)",
	    &p.site_server) },
	{ S("service-point", "ACCOUNT", "out of band service point's account", &p.service_point) },
	{ S("service-point-address", "ADDR", "the service point's address", &sp_address) },
	{ S("web-template", "NAME", "the AMT web server template", &p.web_template) },
	{ S("provisioning-template", "NAME", "the AMT provisioning template",
	    &p.provisioning_template) },
	{ S("8021x-template", "NAME", "the 802.1X client template", &p.dot1x_template) },
	{ .name = "with-8021x", .desc = "also check the 802.1X template", .type = CK_OPT_FLAG,
	    .target = &p.with_8021x },
	{ .name = "ca-config", .arg = "FILE", .desc = "CA settings (certutil -getreg output)",
	    .type = CK_OPT_LIST, .target = &caconfigs, .complete = CK_COMPLETE_FILE },
	{ S("container", "DN|PATH", "the out of band management container", &so.container) },
	{ .name = "amt-domain", .arg = "DNS", .desc = "a domain holding AMT computers "
	    "(repeatable; default: every domain)", .type = CK_OPT_LIST, .target = &amt_domains },
	{ S("amt-hosts", "FILE", "AMT computers' FQDNs, one a line", &amt_hosts),
	    .complete = CK_COMPLETE_FILE },
	{ S("computers-ou", "DN", "AMT computers: the computer objects under DN",
	    &so.computers_ou) },
	{ S("provision-name", "NAME", "the provisioning server name in MEBx (ProvisionServer)",
	    &p.provision_name) },
	{ S("dns-server", "ADDR[:PORT]", "ask this DNS server instead of the system's",
	    &p.dns_server) },
	{ .name = "ports", .arg = "PORT,...", .desc = "ports on each AMT host (16992,16993,16995)",
	    .type = CK_OPT_PARSE, .target = &p, .parse = parse_ports },
	{ .name = "connect-timeout", .arg = "MS", .desc = "per DNS query and connection (3000)",
	    .type = CK_OPT_PARSE, .target = &p.connect_timeout_ms, .parse = parse_ms },
	{ S("winrm-url", "URL", "WS-Management endpoint (http://SP:5985/wsman)", &p.winrm_url) },
	{ S("winrm-user", "USER", "authenticated Identify as USER", &p.winrm_user) },
	{ S("winrm-password-file", "FILE", "its password", &winrm_pwfile),
	    .complete = CK_COMPLETE_FILE },
	{ .name = "amt-version", .arg = "VERSION", .desc = "AMT version for the CA chain policy",
	    .type = CK_OPT_PARSE, .target = &p.amt_version, .parse = ck_version_opt },
	{ S("only", "ID,...", "run only these checks", &only) },
	{ S("skip", "ID,...", "skip these checks", &skip) },
	{ S("at", "TIME", "validation time (RFC 3339)", &at) },
	{ S("format", "json|text", "output format", &format), .complete = "json text" },
	{ .name = "list-rules", .desc = "list every check and finding id, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
	{ .name = NULL }
};
static const struct ck_tool_def tool = { .prog = "cert-prereq", .opts = opts,
	.operands = "[RECORDS ...]" };

int
main(int argc, char **argv)
{
	struct ck_clock clk;
	struct ck_err err;
	struct ck_ldap *l = NULL;
	json_t *errors = NULL, *warnings = NULL, *rec;
	unsigned long mask = ~0ul, off = 0;
	char *wpw = NULL;
	int first, fmt, i, st = CK_UNKNOWN;
	size_t k;

	ck_tool_init("cert-prereq");
	ck_ldap_cli_init(&lc);
	/* Before the options: they write into p. */
	if (ck_prereq_init(&p, &err) < 0) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	if ((st = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		goto out;
	st = CK_UNKNOWN;
	if ((fmt = ck_format_option(format, NULL, stdout)) < 0)
		goto out;
	if (ck_clock_init(&clk, at, &err) < 0 || (only && ck_prereq_parse_ids(only, &mask, &err) < 0) ||
	    (skip && ck_prereq_parse_ids(skip, &off, &err) < 0)) {
		ck_warnx("%s", err.msg);
		goto out;
	}
	if (list_rules) {
		/* The checks, then the families whose findings the rows carry as evidence. */
		const struct ck_ruleset *sets[] = { ck_prereq_ruleset(), ck_chain_ruleset(),
			ck_policy_ruleset("chain"), ck_policy_ruleset("amt"), ck_rules_ruleset(),
			ck_approve_ruleset(), NULL };

		st = ck_rules_list(stdout, sets, fmt == CK_FMT_TEXT) != 0 ? CK_UNKNOWN : CK_OK;
		goto out;
	}
	if ((errors = json_array()) == NULL ||
	    (warnings = json_array()) == NULL ||
	    (sp_address != NULL && (p.sp_address = strdup(sp_address)) == NULL)) {
		ck_warnx("out of memory");
		goto out;
	}
	st = CK_OK;
	mask &= ~off;
	p.at = ck_clock_now(&clk);
	p.net.timeout_ms = (lc.timeout > 0 ? lc.timeout : 10) * 1000;
	lc.o.timeout = lc.timeout > 0 ? (int)lc.timeout : 10;
	so.uri = lc.o.uri;
	so.amt_domains = p.amt_domains = amt_domains.v;
	so.n_amt_domains = p.n_amt_domains = amt_domains.n;
	so.want_hosts = amt_hosts == NULL;
	if (winrm_pwfile && !(wpw = ck_secret_from_file(winrm_pwfile, &err))) {
		ck_report(NULL, winrm_pwfile, &err);
		st = CK_UNKNOWN;
		goto out;
	}
	p.winrm_password = wpw;
	for (i = first; i < argc; i++)
		st = ck_status_worse(st, ck_prereq_read(&p, argv[i], fmt == CK_FMT_JSON ? stdout : NULL,
		    errors));
	if (first == argc && lc.o.uri == NULL)
		st = ck_status_worse(st, ck_prereq_read(&p, "-", fmt == CK_FMT_JSON ? stdout : NULL,
		    errors));
	if (lc.o.uri != NULL) {
		const char *source = lc.o.uri;

		if ((l = ck_ldap_cli_open(&lc, &source, &err)) == NULL && source == NULL) {
			ck_warnx("%s", err.msg);
			st = CK_UNKNOWN;
			goto out;
		}
		if (l == NULL || ck_site_read(&p, l, &so, errors, &err) < 0)
			ck_prereq_site_failed(&p, source ? source : lc.o.uri, &err, errors);
	}
	if (amt_hosts != NULL && ck_prereq_load_hosts(&p, amt_hosts, &err) < 0) {
		json_array_append_new(errors, ck_error_record_err(amt_hosts, &err));
		snprintf(p.hosts_why, sizeof(p.hosts_why), "'%.200s': %.200s", amt_hosts, err.msg);
	}
	if (caconfigs.n > 0)
		st = ck_status_worse(st, ck_prereq_caconfig(&p, caconfigs.v, caconfigs.n, errors,
		    warnings));
	json_array_foreach(warnings, k, rec)
		ck_warnx("%s", json_string_value(rec));
	if ((mask & (1ul << CK_PR_PORTS)) && (p.nhosts > 0 || p.sp_address != NULL)) {
		/* The ports row runs every connection at once (the engine's default). */
		struct ck_err why;

		if (ck_net_jobs_fit(CK_NET_CONCURRENCY_DEFAULT, &why) < CK_NET_CONCURRENCY_DEFAULT)
			ck_warnx("%s", why.msg);
	}
	if (ck_prereq_run(&p, mask, &err) < 0)
		st = CK_UNKNOWN;
	json_array_foreach(errors, k, rec) {
		ck_warnx("'%s': %s", json_string_value(json_object_get(rec, "source")),
		    json_string_value(json_object_get(rec, "message")));
		if (fmt == CK_FMT_JSON)
			ck_record_write(stdout, rec, &err);
		st = ck_status_worse(st, CK_UNKNOWN);
	}
	json_array_foreach(p.out, k, rec) {
		st = ck_status_worse(st, ck_prereq_status(rec));
		if (fmt == CK_FMT_JSON)
			ck_record_write(stdout, rec, &err);
	}
	if (fmt == CK_FMT_TEXT)
		ck_prereq_print_checklist(stdout, p.out);
out:
	ck_ldap_close(l);
	ck_ldap_cli_release(&lc);
	ck_secret_free(wpw);
	json_decref(errors);
	json_decref(warnings);
	ck_prereq_release(&p);
	ck_strv_release(&amt_domains);
	ck_strv_release(&caconfigs);
	return ck_close_stdout() < 0 ? CK_UNKNOWN : st;
}
