/*
 * cert-report: any certkit records in, one self-contained HTML page out
 * (expiry timeline, chain trees, findings, approval verdicts, the
 * prerequisite checklist).  The page is made by ck_report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ck_clock.h"
#include "ck_err.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_report.h"
#include "ck_tool.h"

static const char *title, *at, *from_s, *to_s, *warn_s, *crit_s, *output;

static const struct ck_opt opts[] = {
	{ .name = "title", .arg = "TEXT", .desc = "the page title (default: certkit report)",
	    .type = CK_OPT_STR, .target = &title },
	{ .name = "at", .arg = "TIME", .desc = "judge at TIME instead of now",
	    .type = CK_OPT_STR, .target = &at },
	{ .name = "from", .arg = "TIME", .desc = "timeline start (default: 30 days before now)",
	    .type = CK_OPT_STR, .target = &from_s },
	{ .name = "to", .arg = "TIME", .desc = "timeline end (default: 2 years after now)",
	    .type = CK_OPT_STR, .target = &to_s },
	{ .name = "warn", .short_name = 'w', .arg = "DUR", .desc = "warning window (default 30d)",
	    .type = CK_OPT_STR, .target = &warn_s },
	{ .name = "crit", .short_name = 'c', .arg = "DUR", .desc = "critical window (default 7d)",
	    .type = CK_OPT_STR, .target = &crit_s },
	{ .name = "output", .short_name = 'o', .arg = "FILE", .desc = "write the page to FILE",
	    .type = CK_OPT_STR, .target = &output, .complete = CK_COMPLETE_FILE },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-report", .opts = opts,
	.operands = "[FILE ...]" };

static int
usage_error(const char *opt, const struct ck_err *e)
{
	ck_warnx("%s: %s", opt, e->msg);
	ck_opt_usage(&tool, stderr);
	return CK_UNKNOWN;
}

/* Adds every record of one input; broken lines become error records. Returns an exit status. */
static int
read_input(struct ck_report *rep, const char *name)
{
	struct ck_reader *rd;
	struct ck_err err;
	json_t *rec;
	int rc, st = CK_OK;

	if ((rd = ck_reader_open(name, &err)) == NULL) {
		if (err.code == CK_E_NOMEM) {
			ck_warnx("out of memory");
			return CK_UNKNOWN;
		}
		ck_report(NULL, name, &err);
		rec = ck_error_record_err(name, &err);
		ck_report_add(rep, rec, &err);
		json_decref(rec);
		return CK_UNKNOWN;
	}
	while ((rc = ck_reader_next(rd, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_report(NULL, name, &err);
			st = CK_UNKNOWN;
			break;
		}
		if (rc == CK_READ_BROKEN) {
			ck_warnx("'%s': %s", name, err.msg);
			st = CK_UNKNOWN;
		}
		if (ck_report_add(rep, rec, &err) != 0) {
			ck_warnx("%s", err.msg);
			st = CK_UNKNOWN;
		}
		json_decref(rec);
	}
	ck_reader_free(rd);
	return st;
}

int
main(int argc, char **argv)
{
	struct ck_report_opts o;
	struct ck_report *rep;
	struct ck_clock clk;
	struct ck_err err;
	FILE *out = stdout;
	int first, i, st = CK_OK;

	ck_tool_init("cert-report");
	switch (ck_opt_parse(&tool, argc, argv, &first, NULL)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	memset(&o, 0, sizeof(o));
	o.title = title;
	if (ck_clock_init(&clk, at, &err) != 0)
		return usage_error("--at", &err);
	o.now = ck_clock_now(&clk);
	if (from_s != NULL && ck_time_parse(from_s, &o.from, &err) != 0)
		return usage_error("--from", &err);
	if (to_s != NULL && ck_time_parse(to_s, &o.to, &err) != 0)
		return usage_error("--to", &err);
	if (warn_s != NULL && ck_parse_duration(warn_s, &o.warn, &err) != 0)
		return usage_error("--warn", &err);
	if (crit_s != NULL && ck_parse_duration(crit_s, &o.crit, &err) != 0)
		return usage_error("--crit", &err);
	if ((o.from != 0 || o.to != 0) &&
	    (o.from == 0 ? o.now - 30 * 86400 : o.from) >= (o.to == 0 ? o.now + 730 * 86400 : o.to)) {
		ck_err_set(&err, CK_E_USAGE, "the timeline must end after it starts");
		return usage_error("--from/--to", &err);
	}
	if ((rep = ck_report_new(&o)) == NULL) {
		ck_warnx("out of memory");
		return CK_UNKNOWN;
	}
	if (first >= argc)
		st = read_input(rep, "-");
	for (i = first; i < argc; i++)
		st = ck_status_worse(st, read_input(rep, argv[i]));
	if (output != NULL && strcmp(output, "-") != 0 && (out = fopen(output, "w")) == NULL) {
		ck_warnx("'%s': %s", output, strerror(errno));
		ck_report_free(rep);
		return CK_UNKNOWN;
	}
	if (ck_report_write(rep, out, &err) != 0) {
		ck_warnx("'%s': %s", output ? output : "stdout", err.msg);
		st = CK_UNKNOWN;
	}
	ck_report_free(rep);
	if (out != stdout) {
		if (fclose(out) != 0) {
			ck_warnx("'%s': %s", output, strerror(errno));
			st = CK_UNKNOWN;
		}
		return st;
	}
	return ck_close_stdout() ? CK_UNKNOWN : st;
}
