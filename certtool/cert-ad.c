/*
 * cert-ad: read AD CS configuration (certificate templates with decoded
 * flags and ACLs, enrollment services, NTAuth, AIA, CDP, OIDs) and
 * principals' groups from Active Directory over LDAP, as certkit records.
 */
#include <string.h>

#include "ck_ad.h"
#include "ck_ad_run.h"
#include "ck_err.h"
#include "ck_ldap_cli.h"
#include "ck_opt.h"
#include "ck_tool.h"

static struct ck_ldap_cli lc;
static const char *base, *format, *what_s;
static struct ck_strv principals, templates;

static const struct ck_opt opts[] = {
	CK_LDAP_CLI_OPTS(lc, 1),
	{ .name = "base", .arg = "DN", .desc = "the configuration naming context",
	    .type = CK_OPT_STR, .target = &base },
	{ .name = "what", .arg = "LIST", .desc = "what to read (templates,cas,...; none)",
	    .type = CK_OPT_STR, .target = &what_s,
	    .complete = "templates cas ntauth aia cdp oids all none" },
	{ .name = "principal", .arg = "NAME", .desc = "a principal's groups (repeatable)",
	    .type = CK_OPT_LIST, .target = &principals, .synopsis = "[--principal NAME ...]" },
	{ .name = "template", .arg = "NAME", .desc = "only these templates (repeatable)",
	    .type = CK_OPT_LIST, .target = &templates, .synopsis = "[--template NAME ...]" },
	CK_OPT_FORMAT(format),
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-ad", .opts = opts };

int
main(int argc, char **argv)
{
	struct ck_ad_run r = { .lc = &lc, .what = CK_AD_ALL };
	struct ck_err err;
	int first, status;

	ck_tool_init("cert-ad");
	ck_ldap_cli_init(&lc);
	if ((status = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return status;
	if ((r.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (what_s != NULL && strcmp(what_s, "none") == 0)
		r.what = 0;
	else if (what_s != NULL && ck_ad_parse_what(what_s, &r.what, &err) < 0) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	r.base = base;
	r.templates = templates.v;
	r.ntemplates = templates.n;
	r.principals = principals.v;
	r.nprincipals = principals.n;
	status = ck_ad_run(&r);
	ck_ldap_cli_release(&lc);
	ck_strv_release(&principals);
	ck_strv_release(&templates);
	if (ck_close_stdout() < 0)
		status = CK_UNKNOWN;
	return status;
}
