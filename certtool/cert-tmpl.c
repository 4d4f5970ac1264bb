/*
 * cert-tmpl: list the shipped AMT / out of band certificate templates and
 * generate them as `template` records or as LDIF for Active Directory.
 */
#include "ck_opt.h"
#include "ck_tmpl.h"
#include "ck_tmpl_run.h"
#include "ck_tool.h"

static struct {
	const char *templates;
	const char *format;
	struct ck_tmpl_ldif_opts lo;
	struct ck_strv enroll;
} cfg;

enum { LIST = 1 << 0, GENERATE = 1 << 1 };

static const struct ck_cmd cmds[] = {
	{ .name = "list", .desc = "the shipped templates" },
	{ .name = "generate", .operands = "NAME ...",
	    .desc = "template records, or LDIF for Active Directory" },
	{ .name = NULL }
};

static const struct ck_opt opts[] = {
	{ .name = "templates", .arg = "DIR", .desc = "where templates are found",
	    .type = CK_OPT_STR, .target = &cfg.templates, .complete = CK_COMPLETE_DIR },
	{ .name = "format", .arg = "json|text", .desc = "output format (generate: json|ldif)",
	    .type = CK_OPT_STR, .target = &cfg.format, .cmds = LIST,
	    .complete = "json text" },
	{ .name = "format", .arg = "json|ldif", .type = CK_OPT_STR, .target = &cfg.format,
	    .cmds = GENERATE, .complete = "json ldif" },
	{ .name = "forest-dn", .arg = "DN", .desc = "the forest root (LDIF)",
	    .type = CK_OPT_STR, .target = &cfg.lo.forest_dn, .cmds = GENERATE },
	{ .name = "name", .arg = "CN", .desc = "rename the one template",
	    .type = CK_OPT_STR, .target = &cfg.lo.name, .cmds = GENERATE },
	{ .name = "oid-base", .arg = "OID", .desc = "the forest's template OID base",
	    .type = CK_OPT_STR, .target = &cfg.lo.oid_base, .cmds = GENERATE },
	{ .name = "enroll", .arg = "SID", .desc = "grant Read + Enroll (repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.enroll, .cmds = GENERATE,
	    .synopsis = "[--enroll SID ...]" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-tmpl", .opts = opts, .cmds = cmds };

int
main(int argc, char **argv)
{
	static const char *const gen_formats[] = { "json", "ldif", NULL };
	int first, cmd, fmt, status;

	ck_tool_init("cert-tmpl");
	if ((status = ck_opt_start(&tool, argc, argv, &first, &cmd)) >= 0)
		return status;
	cfg.lo.enroll = cfg.enroll.v;
	cfg.lo.n_enroll = cfg.enroll.n;
	argc -= first;
	argv += first;
	if ((1 << cmd) == LIST) {
		if ((fmt = ck_format_option(cfg.format, NULL, stdout)) < 0)
			return ck_opt_usage_error(&tool, NULL, NULL);
		status = ck_tmpl_run_list(cfg.templates, fmt);
		return ck_close_stdout() ? CK_UNKNOWN : status;
	}
	if (argc == 0)
		return ck_opt_usage_error(&tool, NULL, "generate needs a template NAME");
	fmt = ck_format_option(cfg.format != NULL ? cfg.format : "json", gen_formats, stdout);
	if (fmt < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (cfg.lo.name != NULL && argc > 1)
		return ck_opt_usage_error(&tool, NULL, "--name renames one template: give one NAME");
	status = ck_tmpl_run_generate(cfg.templates, (const char *const *)argv, (size_t)argc,
	    &cfg.lo, fmt == 1);
	ck_strv_release(&cfg.enroll);
	return ck_close_stdout() ? CK_UNKNOWN : status;
}
