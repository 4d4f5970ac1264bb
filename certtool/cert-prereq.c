/*
 * cert-prereq: the prerequisite list of ConfigMgr 2007 SP1 out of band
 * management, checked against a live site (LDAP, HTTP) and/or records from
 * the other tools on standard input.  One `prereq` record per check and
 * subject, or a checklist (--format text); the exit status is the worst row.
 */
#include <stdio.h>

#include "ck_approve.h"
#include "ck_chain.h"
#include "ck_clock.h"
#include "ck_opt.h"
#include "ck_prereq.h"
#include "ck_prereq_run.h"
#include "ck_policy.h"
#include "ck_rules.h"
#include "ck_tool.h"

static struct ck_prereq p;
static struct ck_prereq_cli c;
static const char *at, *format;
static unsigned long mask = ~0ul, off;	/* --only, --skip */
static int list_rules;

#define S(n, a, d, t) .name = n, .arg = a, .desc = d, .type = CK_OPT_STR, .target = t
static const struct ck_opt opts[] = {
	CK_LDAP_CLI_OPTS(c.lc, 0),
	{ S("site-server", "ACCOUNT", "primary site server (DOMAIN\\NAME$, NAME$ or SID)",
	    &p.site_server) },
	{ S("service-point", "ACCOUNT", "out of band service point's account", &p.service_point) },
	{ S("service-point-address", "ADDR", "the service point's address", &c.sp_address) },
	{ S("web-template", "NAME", "the AMT web server template", &p.web_template) },
	{ S("provisioning-template", "NAME", "the AMT provisioning template",
	    &p.provisioning_template) },
	{ S("8021x-template", "NAME", "the 802.1X client template", &p.dot1x_template) },
	{ .name = "with-8021x", .desc = "also check the 802.1X template", .type = CK_OPT_FLAG,
	    .target = &p.with_8021x },
	{ .name = "ca-config", .arg = "FILE", .desc = "CA settings (certutil -getreg output)",
	    .type = CK_OPT_LIST, .target = &c.caconfigs, .complete = CK_COMPLETE_FILE },
	{ S("container", "DN|PATH", "the out of band management container", &c.so.container) },
	{ .name = "amt-domain", .arg = "DNS", .desc = "a domain holding AMT computers "
	    "(repeatable; default: every domain)", .type = CK_OPT_LIST, .target = &c.amt_domains },
	{ S("amt-hosts", "FILE", "AMT computers' FQDNs, one a line", &c.amt_hosts),
	    .complete = CK_COMPLETE_FILE },
	{ S("computers-ou", "DN", "AMT computers: the computer objects under DN",
	    &c.so.computers_ou) },
	{ S("provision-name", "NAME", "the provisioning server name in MEBx (ProvisionServer)",
	    &p.provision_name) },
	{ S("dns-server", "ADDR[:PORT]", "ask this DNS server instead of the system's",
	    &p.dns_server) },
	{ .name = "ports", .arg = "PORT,...", .desc = "ports on each AMT host (16992,16993,16995)",
	    .type = CK_OPT_PARSE, .target = &p, .parse = ck_prereq_ports_opt },
	{ .name = "connect-timeout", .arg = "MS", .desc = "per DNS query and connection (3000)",
	    .type = CK_OPT_LONG, .target = &p.connect_timeout_ms, .min = 1, .max = 600000 },
	{ S("winrm-url", "URL", "WS-Management endpoint (http://SP:5985/wsman)", &p.winrm_url) },
	{ S("winrm-user", "USER", "authenticated Identify as USER", &p.winrm_user) },
	{ S("winrm-password-file", "FILE", "its password", &c.winrm_pwfile),
	    .complete = CK_COMPLETE_FILE },
	{ .name = "amt-version", .arg = "VERSION", .desc = "AMT version for the CA chain policy",
	    .type = CK_OPT_PARSE, .target = &p.amt_version, .parse = ck_version_opt },
	{ .name = "only", .arg = "ID,...", .desc = "run only these checks", .type = CK_OPT_PARSE,
	    .target = &mask, .parse = ck_prereq_ids_opt },
	{ .name = "skip", .arg = "ID,...", .desc = "skip these checks", .type = CK_OPT_PARSE,
	    .target = &off, .parse = ck_prereq_ids_opt },
	{ S("at", "TIME", "validation time (RFC 3339)", &at) },
	CK_OPT_FORMAT(format),
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
	int first, fmt, st = CK_UNKNOWN;

	ck_tool_init("cert-prereq");
	ck_prereq_cli_init(&c);
	/* Before the options: they write into p. */
	if (ck_prereq_init(&p, &err) < 0) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	if ((st = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		goto out;
	st = CK_UNKNOWN;
	if ((fmt = ck_format_option(format, NULL, stdout)) < 0) {
		st = ck_opt_usage_error(&tool, NULL, NULL);
		goto out;
	}
	if (ck_clock_init(&clk, at, &err) < 0) {
		st = ck_opt_usage_error(&tool, NULL, err.msg);
		goto out;
	}
	if (list_rules) {
		/* The checks, then the families whose findings the rows carry as evidence. */
		const struct ck_ruleset *sets[] = { ck_prereq_ruleset(), ck_chain_ruleset(),
			ck_policy_ruleset("chain"), ck_policy_ruleset("amt"), ck_rules_ruleset(),
			ck_approve_ruleset(), NULL };

		st = ck_rules_list_stdout(sets, fmt);
		goto out;
	}
	p.at = ck_clock_now(&clk);
	st = ck_prereq_cli_run(&p, &c, mask & ~off, argv + first, (size_t)(argc - first), fmt);
out:
	ck_prereq_cli_release(&c);
	ck_prereq_release(&p);
	return ck_close_stdout() < 0 ? CK_UNKNOWN : st;
}
