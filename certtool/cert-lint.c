/*
 * cert-lint: judges cert, chain, template and ca records with the rules of
 * policy profiles, adds "findings" to each record it judges, passes every
 * record through in order, and exits by the worst finding.
 */
#include <stdio.h>
#include <string.h>

#include "ck_caconfig.h"
#include "ck_err.h"
#include "ck_lint.h"
#include "ck_lint_run.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_tool.h"

static struct {
	int fail_on_warning;
	const char *ca;			/* --ca: the CA of settings without a registry path */
	struct ck_caconfig_set conf;	/* --ca-config settings */
	struct ck_progress progress;	/* records read, on a terminal only */
	struct ck_lint_run run;
} cfg;

static int
parse_fail_on(const char *arg, void *target, struct ck_err *err)
{
	if (strcmp(arg, "warning") != 0 && strcmp(arg, "critical") != 0)
		return ck_err_set(err, CK_E_USAGE, "'%s': expected critical or warning", arg);
	*(int *)target = strcmp(arg, "warning") == 0;
	return 0;
}

static int
parse_ca(const char *arg, void *target, struct ck_err *err)
{
	if (*(const char **)target != NULL)
		return ck_err_set(err, CK_E_USAGE,
		    "given twice (name the CA in the certutil text instead)");
	*(const char **)target = arg;
	return 0;
}

static struct ck_strv profiles, policies, configs;
static const char *format;
static const char *amt;
static int list;

static const struct ck_opt opts[] = {
	{ .name = "profile", .arg = "NAME", .desc = "a policy profile (repeatable)",
	    .type = CK_OPT_LIST, .target = &profiles, .synopsis = "[--profile NAME ...]",
	    .complete = CK_COMPLETE_PROFILE },
	{ .name = "policy", .arg = "FILE", .desc = "a policy file (repeatable)",
	    .type = CK_OPT_LIST, .target = &policies, .synopsis = "[--policy FILE ...]",
	    .complete = CK_COMPLETE_FILE },
	{ .name = "amt-version", .arg = "V", .desc = "the AMT firmware version (3.2.1, 11, 16.1)",
	    .type = CK_OPT_PARSE, .target = &amt, .parse = ck_version_opt },
	{ .name = "ca-config", .arg = "FILE", .desc = "certutil -getreg output (repeatable)",
	    .type = CK_OPT_LIST, .target = &configs, .synopsis = "[--ca-config FILE ...]",
	    .complete = CK_COMPLETE_FILE },
	{ .name = "ca", .arg = "NAME", .desc = "the CA of settings without a registry path",
	    .type = CK_OPT_PARSE, .target = &cfg.ca, .parse = parse_ca },
	{ .name = "fail-on", .arg = "critical|warning", .desc = "exit 2 from this severity",
	    .type = CK_OPT_PARSE, .target = &cfg.fail_on_warning, .parse = parse_fail_on,
	    .complete = "critical warning" },
	{ .name = "list-rules", .desc = "list the rules instead of judging",
	    .type = CK_OPT_FLAG, .target = &list },
	CK_OPT_FORMAT(format),
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-lint", .opts = opts,
	.operands = "[FILE ...]" };

int
main(int argc, char **argv)
{
	struct ck_lint *l = NULL;
	struct ck_err err;
	size_t i;
	int first, rc, all, rv = CK_UNKNOWN;

	ck_tool_init("cert-lint");
	ck_progress_init(&cfg.progress, "records");
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((cfg.run.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if ((l = ck_lint_open(amt, &profiles, &policies, list, &all, &err)) == NULL) {
		ck_warnx("%s", err.msg);
		goto out;
	}
	if (list) {
		rv = ck_lint_list_rules(stdout, l, all, cfg.run.format == CK_FMT_TEXT) < 0 ?
		    CK_UNKNOWN : CK_OK;
		goto out;
	}
	/* A broken --ca-config is like a broken policy: nothing is judged. */
	for (i = 0; i < configs.n; i++)
		if (ck_caconfig_set_load(&cfg.conf, configs.v[i], &err) < 0) {
			ck_warnx("--ca-config: '%s': %s", configs.v[i], err.msg);
			goto out;
		}
	cfg.run.lint = l;
	/* ca records wait for --ca-config even when no rule judges them. */
	cfg.run.hold_cas = cfg.conf.n > 0;
	cfg.run.progress = &cfg.progress;
	if (ck_lint_run_init(&cfg.run) < 0) {
		ck_warnx("out of memory");
		goto out;
	}
	if (first == argc)
		ck_lint_run_stream(&cfg.run, stdin, "stdin");
	for (i = (size_t)first; i < (size_t)argc; i++)
		ck_lint_run_source(&cfg.run, argv[i]);
	ck_lint_run_caconfig(&cfg.run, &cfg.conf, cfg.ca);
	ck_lint_run_end(&cfg.run);
	if (cfg.run.format == CK_FMT_TEXT)
		printf("%lu judged: %lu critical, %lu warning, %lu notice\n", cfg.run.judged,
		    cfg.run.counts[2], cfg.run.counts[1], cfg.run.counts[0]);
	rv = ck_lint_run_status(&cfg.run, cfg.fail_on_warning);
out:
	json_decref(cfg.run.held);
	ck_lint_free(l);
	ck_strv_release(&profiles);
	ck_strv_release(&policies);
	ck_strv_release(&configs);
	ck_caconfig_set_release(&cfg.conf);
	ck_progress_done(&cfg.progress);
	if (ck_close_stdout() < 0)
		rv = CK_UNKNOWN;
	return rv;
}
