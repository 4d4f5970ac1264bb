/*
 * cert-approve: would the CA issue this requester's request automatically?
 * Reads template, ca and principal records; writes approval records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_approve.h"
#include "ck_caconfig.h"
#include "ck_err.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_tool.h"


/* A tool-local configuration (docs/style.md allows one in a main). */
static struct {
	const char *requester;
	struct ck_strv cas, templates, configs;
	int format;
} cfg;

/* ck_caconfig_apply_all's report: what cannot be applied stops the judging. */
struct config_report {
	FILE *rep;
	const struct ck_caconfig_set *set;
	int failed;
};

static void
config_report(void *arg, size_t entry, const struct ck_err *err, int failed)
{
	struct config_report *cr = arg;
	const char *file = cr->set->src[entry];

	if (!failed) {
		ck_warnx("'%s': %s", file, err->msg);
		return;
	}
	ck_report(cr->rep, file, err);
	cr->failed = 1;
}

static int
emit(json_t *rec, FILE *out)
{
	struct ck_err err = { 0 };

	if (cfg.format == CK_FMT_TEXT) {
		char *line;

		if (!ck_record_is(rec, "approval"))
			return 0;
		if ((line = ck_approval_text(rec)) == NULL)
			return -1;
		fprintf(out, "%s\n", line);
		free(line);
		return 0;
	}
	return ck_record_write(out, rec, &err);
}

static int
emit_approval(void *arg, json_t *approval)
{
	return emit(approval, arg);
}

static void
judge_failed(void *arg, const char *what, const struct ck_err *err)
{
	ck_report(cfg.format == CK_FMT_JSON ? arg : NULL, what, err);
}

static const char *format;
static int list_rules;

static const struct ck_opt opts[] = {
	{ .name = "requester", .arg = "NAME|SID", .desc = "who enrolls (DOMAIN\\name or SID)",
	    .type = CK_OPT_STR, .target = &cfg.requester, .synopsis = "--requester NAME|SID" },
	{ .name = "ca", .arg = "NAME", .desc = "only these CAs (repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.cas, .synopsis = "[--ca NAME ...]" },
	{ .name = "template", .arg = "NAME", .desc = "only these templates (repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.templates, .synopsis = "[--template NAME ...]" },
	{ .name = "ca-config", .arg = "FILE", .desc = "certutil -getreg output (repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.configs, .synopsis = "[--ca-config FILE ...]",
	    .complete = CK_COMPLETE_FILE },
	{ .name = "list-rules", .desc = "list every finding id this tool emits, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
	{ .name = "format", .arg = "json|text", .desc = "output format", .type = CK_OPT_STR,
	    .target = &format, .complete = "json text" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-approve", .opts = opts,
	.operands = "[FILE ...]" };

int
main(int argc, char **argv)
{
	struct ck_approve_input in = { 0 };
	struct ck_caconfig_set conf = { 0 };
	struct ck_requester rq = { 0 };
	struct ck_err err = { 0 };
	FILE *out = stdout, *rep;
	size_t i;
	int first, rc, st = CK_OK, judge = 1, r;

	ck_tool_init("cert-approve");
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((cfg.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (list_rules) {
		const struct ck_ruleset *sets[] = { ck_approve_ruleset(), NULL };

		if (ck_rules_list(stdout, sets, cfg.format == CK_FMT_TEXT) != 0)
			return CK_UNKNOWN;
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	}
	if (cfg.requester == NULL || cfg.requester[0] == '\0')
		return ck_opt_usage_error(&tool, NULL, "--requester is required");
	rep = cfg.format == CK_FMT_JSON ? out : NULL;

	/* CA settings first: an unparseable one makes every verdict doubtful. */
	for (i = 0; i < cfg.configs.n; i++)
		if (ck_caconfig_set_load(&conf, cfg.configs.v[i], &err) < 0) {
			ck_report(rep, cfg.configs.v[i], &err);
			st = CK_UNKNOWN;
			judge = 0;
		}

	if (first == argc) {
		st = ck_status_worse(st, ck_approve_input_read(&in, "-", out));
	} else {
		for (i = (size_t)first; i < (size_t)argc; i++)
			st = ck_status_worse(st, ck_approve_input_read(&in, argv[i], out));
	}
	if (ck_approve_input_sort(&in) < 0) {
		ck_warnx("out of memory");
		st = CK_UNKNOWN;
		goto out;
	}

	/* A CA setting that cannot be placed makes every verdict doubtful: none is given. */
	if (judge && conf.n > 0) {
		struct config_report cr = { rep, &conf, 0 };

		ck_caconfig_apply_all(conf.conf, conf.n, in.cas.v, in.cas.n,
		    cfg.cas.n == 1 ? cfg.cas.v[0] : NULL, config_report, &cr);
		if (cr.failed) {
			st = CK_UNKNOWN;
			judge = 0;
		}
	}

	/* Records pass through in order (ca records with their settings applied). */
	for (i = 0; i < in.all.n; i++)
		if (emit(in.all.v[i], out) < 0)
			st = CK_UNKNOWN;

	if (!judge)
		goto out;
	if (in.tmpls.n == 0 || in.cas.n == 0) {
		ck_err_set(&err, CK_E_NOTFOUND, "no %s records in the input (pipe cert-ad output "
		    "or give record files)", in.tmpls.n == 0 ? "template" : "ca");
		ck_report(rep, NULL, &err);
		st = CK_UNKNOWN;
		goto out;
	}
	r = ck_approve_check_names(cfg.templates.v, cfg.templates.n, in.tmpls.v, in.tmpls.n,
	    ck_approve_template_named, "template", rep);
	r = ck_status_worse(r, ck_approve_check_names(cfg.cas.v, cfg.cas.n, in.cas.v, in.cas.n,
	    ck_approve_ca_named, "ca", rep));
	if (r != CK_OK) {
		st = CK_UNKNOWN;
		goto out;
	}
	if (ck_requester_find(&rq, in.principals.v, in.principals.n, cfg.requester, &err) < 0) {
		ck_report(rep, cfg.requester, &err);
		st = CK_UNKNOWN;
		goto out;
	}
	/* Input errors (UNKNOWN) lose to a verdict that is not "issue" (CRITICAL). */
	st = ck_status_worse(st, ck_approve_judge_all(in.tmpls.v, in.tmpls.n, in.cas.v, in.cas.n,
	    cfg.templates.v, cfg.templates.n, cfg.cas.v, cfg.cas.n, &rq, emit_approval,
	    judge_failed, out));
out:
	ck_requester_release(&rq);
	ck_caconfig_set_release(&conf);
	ck_approve_input_release(&in);
	ck_strv_release(&cfg.cas);
	ck_strv_release(&cfg.templates);
	ck_strv_release(&cfg.configs);
	if (ck_close_stdout() < 0)
		st = ck_status_worse(st, CK_UNKNOWN);
	return st;
}
