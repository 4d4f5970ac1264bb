/*
 * cert-approve: would the CA issue this requester's request automatically?
 * Reads template, ca and principal records; writes approval records.
 */
#include "ck_approve.h"
#include "ck_approve_run.h"
#include "ck_opt.h"
#include "ck_ruledef.h"
#include "ck_tool.h"

static const char *requester, *format;
static struct ck_strv cas, templates, configs;
static int list_rules;

static const struct ck_opt opts[] = {
	{ .name = "requester", .arg = "NAME|SID", .desc = "who enrolls (DOMAIN\\name or SID)",
	    .type = CK_OPT_STR, .target = &requester, .synopsis = "--requester NAME|SID" },
	{ .name = "ca", .arg = "NAME", .desc = "only these CAs (repeatable)",
	    .type = CK_OPT_LIST, .target = &cas, .synopsis = "[--ca NAME ...]" },
	{ .name = "template", .arg = "NAME", .desc = "only these templates (repeatable)",
	    .type = CK_OPT_LIST, .target = &templates, .synopsis = "[--template NAME ...]" },
	{ .name = "ca-config", .arg = "FILE", .desc = "certutil -getreg output (repeatable)",
	    .type = CK_OPT_LIST, .target = &configs, .synopsis = "[--ca-config FILE ...]",
	    .complete = CK_COMPLETE_FILE },
	{ .name = "list-rules", .desc = "list every finding id this tool emits, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
	CK_OPT_FORMAT(format),
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-approve", .opts = opts,
	.operands = "[FILE ...]" };

int
main(int argc, char **argv)
{
	struct ck_approve_run r = { 0 };
	int first, st;

	ck_tool_init("cert-approve");
	if ((st = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return st;
	if ((r.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (list_rules) {
		const struct ck_ruleset *sets[] = { ck_approve_ruleset(), NULL };

		return ck_rules_list_stdout(sets, r.format);
	}
	if (requester == NULL || requester[0] == '\0')
		return ck_opt_usage_error(&tool, NULL, "--requester is required");
	r.requester = requester;
	r.cas = cas.v;
	r.ncas = cas.n;
	r.templates = templates.v;
	r.ntemplates = templates.n;
	r.configs = configs.v;
	r.nconfigs = configs.n;
	st = ck_approve_run(&r, argv + first, (size_t)(argc - first));
	ck_strv_release(&cas);
	ck_strv_release(&templates);
	ck_strv_release(&configs);
	if (ck_close_stdout() < 0)
		st = ck_status_worse(st, CK_UNKNOWN);
	return st;
}
