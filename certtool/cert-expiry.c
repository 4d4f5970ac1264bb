/*
 * cert-expiry: how long certificates have left, for cron, Nagios/Icinga and
 * Prometheus, and as a pipeline stage.  The judgement and the renderings
 * live in ck_expiry; this main reads the inputs and picks the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_err.h"
#include "ck_expiry.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_tool.h"

/* The --format values, as ck_format_option() numbers them. */
enum { FMT_JSON = CK_FMT_JSON, FMT_TEXT = CK_FMT_TEXT, FMT_NAGIOS, FMT_PROMETHEUS };

static struct {
	int format;
	int all;
	FILE *out;
	struct ck_expiry_set set;
	struct ck_progress progress;	/* records handled, on a terminal only */
	struct ck_expiry_run run;
	struct ck_expiry_policy pol;	/* --warn and --crit; now is set after the options */
} cfg;

static const char *at, *format_s, *output;

static const struct ck_opt opts[] = {
	{ .name = "warn", .short_name = 'w', .arg = "DUR", .desc = "warning within DUR (30d)",
	    .type = CK_OPT_PARSE, .target = &cfg.pol.warn, .parse = ck_opt_duration },
	{ .name = "crit", .short_name = 'c', .arg = "DUR", .desc = "critical within DUR (7d)",
	    .type = CK_OPT_PARSE, .target = &cfg.pol.crit, .parse = ck_opt_duration },
	{ .name = "at", .arg = "TIME", .desc = "judge at TIME instead of now",
	    .type = CK_OPT_STR, .target = &at },
	{ .name = "format", .short_name = 'f', .arg = "json|text|nagios|prometheus",
	    .desc = "output format", .type = CK_OPT_STR, .target = &format_s,
	    .complete = "json text nagios prometheus",
	    .synopsis = "[--format json|text|nagios|prometheus]" },
	{ .name = "all", .desc = "also list what is fine", .type = CK_OPT_SET,
	    .target = &cfg.all, .value = 1 },
	{ .name = "output", .short_name = 'o', .arg = "FILE",
	    .desc = "write FILE atomically (json unless --format)", .type = CK_OPT_STR,
	    .target = &output, .complete = CK_COMPLETE_FILE },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-expiry", .opts = opts,
	.operands = "[SOURCE ...]" };

int
main(int argc, char **argv)
{
	static const char *const formats[] = { "json", "text", "nagios", "prometheus", NULL };
	struct ck_load_opts lo;
	struct ck_clock clk;
	struct ck_err err;
	char *tmp = NULL;
	int first, rc, i, status, nstatus, colour;

	ck_tool_init("cert-expiry");
	ck_progress_init(&cfg.progress, "records");
	ck_expiry_policy_init(&cfg.pol, 0);
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if (ck_clock_init(&clk, at, &err) == -1) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	cfg.pol.now = ck_clock_now(&clk);
	if (cfg.pol.crit > cfg.pol.warn) {
		ck_warnx("--crit (%llds) must not be longer than --warn (%llds)",
		    cfg.pol.crit, cfg.pol.warn);
		return ck_opt_usage_error(&tool, NULL, NULL);
	}
	cfg.format = ck_format_option(output != NULL && format_s == NULL ? "json" : format_s,
	    formats, stdout);
	if (cfg.format < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (ck_expiry_set_init(&cfg.set, &cfg.pol, &err) == -1) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	cfg.out = stdout;
	if (output != NULL && strcmp(output, "-") != 0) {
		cfg.out = ck_expiry_out_open(output, &tmp, &err);
		if (cfg.out == NULL) {
			ck_report(NULL, output, &err);
			ck_expiry_set_release(&cfg.set);
			return CK_UNKNOWN;
		}
	}

	ck_load_opts_init(&lo);
	if (cfg.format != FMT_JSON)
		lo.cert_flags |= CK_CERT_NO_PEM;
	cfg.run = (struct ck_expiry_run){ .set = &cfg.set, .lo = &lo, .progress = &cfg.progress,
		.out = cfg.format == FMT_JSON ? cfg.out : NULL };
	if (first == argc)
		ck_expiry_run_source(&cfg.run, "-");
	for (i = first; i < argc && !cfg.run.write_failed; i++)
		ck_expiry_run_source(&cfg.run, argv[i]);

	status = cfg.set.status;
	ck_expiry_sort(&cfg.set);
	colour = cfg.out == stdout && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
	    (getenv("TERM") == NULL || strcmp(getenv("TERM"), "dumb") != 0);
	ck_err_clear(&err);
	switch (cfg.format) {
	case FMT_TEXT:
		if (ck_expiry_write_text(cfg.out, &cfg.set, cfg.all, colour, &err) == -1)
			cfg.run.write_failed = 1;
		break;
	case FMT_NAGIOS:
		if (ck_expiry_write_nagios(cfg.out, &cfg.set, cfg.all, &nstatus, &err) == -1)
			cfg.run.write_failed = 1;
		else
			status = nstatus;
		break;
	case FMT_PROMETHEUS:
		if (ck_expiry_write_prometheus(cfg.out, &cfg.set, &err) == -1)
			cfg.run.write_failed = 1;
		break;
	}
	ck_expiry_set_release(&cfg.set);
	if (cfg.run.write_failed && err.msg[0] != '\0')
		ck_warnx("%s", err.msg);
	if (tmp != NULL) {
		if (cfg.run.write_failed) {
			ck_expiry_out_abort(cfg.out, tmp);
			return CK_UNKNOWN;
		}
		if (ck_expiry_out_commit(cfg.out, tmp, output, &err) == -1) {
			ck_report(NULL, output, &err);
			return CK_UNKNOWN;
		}
	}
	ck_progress_done(&cfg.progress);
	if (ck_close_stdout() == -1 || cfg.run.write_failed)
		return CK_UNKNOWN;
	return status;
}
