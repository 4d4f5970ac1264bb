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

static const char *at, *output;
static struct ck_report_opts o;

static const struct ck_opt opts[] = {
	{ .name = "title", .arg = "TEXT", .desc = "the page title (default: certkit report)",
	    .type = CK_OPT_STR, .target = &o.title },
	{ .name = "at", .arg = "TIME", .desc = "judge at TIME instead of now",
	    .type = CK_OPT_STR, .target = &at },
	{ .name = "from", .arg = "TIME", .desc = "timeline start (default: 30 days before now)",
	    .type = CK_OPT_PARSE, .target = &o.from, .parse = ck_opt_time },
	{ .name = "to", .arg = "TIME", .desc = "timeline end (default: 2 years after now)",
	    .type = CK_OPT_PARSE, .target = &o.to, .parse = ck_opt_time },
	{ .name = "warn", .short_name = 'w', .arg = "DUR", .desc = "warning window (default 30d)",
	    .type = CK_OPT_PARSE, .target = &o.warn, .parse = ck_opt_duration },
	{ .name = "crit", .short_name = 'c', .arg = "DUR", .desc = "critical window (default 7d)",
	    .type = CK_OPT_PARSE, .target = &o.crit, .parse = ck_opt_duration },
	{ .name = "output", .short_name = 'o', .arg = "FILE", .desc = "write the page to FILE",
	    .type = CK_OPT_STR, .target = &output, .complete = CK_COMPLETE_FILE },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-report", .opts = opts,
	.operands = "[FILE ...]" };

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
	struct ck_report *rep;
	struct ck_clock clk;
	struct ck_err err;
	FILE *out = stdout;
	int first, rc, i, st = CK_OK;

	ck_tool_init("cert-report");
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if (ck_clock_init(&clk, at, &err) != 0)
		return ck_opt_usage_error(&tool, "--at", err.msg);
	o.now = ck_clock_now(&clk);
	if ((o.from != 0 || o.to != 0) &&
	    (o.from == 0 ? o.now - 30 * 86400 : o.from) >= (o.to == 0 ? o.now + 730 * 86400 : o.to))
		return ck_opt_usage_error(&tool, "--from/--to", "the timeline must end after it starts");
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
