/*
 * cert-approve: would the CA issue this requester's request automatically?
 * Reads template, ca and principal records; writes approval records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_approve.h"
#include "ck_caconfig.h"
#include "ck_err.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_tool.h"


struct vec {
	json_t **v;
	size_t n;
};

/* A tool-local configuration (docs/style.md allows one in a main). */
static struct {
	const char *requester;
	struct ck_strv cas, templates, configs;
	int format;
} cfg;

static int
vec_push(struct vec *a, json_t *rec)
{
	json_t **n = realloc(a->v, (a->n + 1) * sizeof(*n));

	if (n == NULL)
		return -1;
	a->v = n;
	a->v[a->n++] = json_incref(rec);
	return 0;
}

static void
vec_free(struct vec *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		json_decref(a->v[i]);
	free(a->v);
}

/* "-" -> stdin, else the file: every record into all (in order). Returns a status. */
static int
read_records(const char *path, struct vec *all, FILE *out)
{
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct ck_reader *r;
	struct ck_err err = { 0 };
	json_t *rec;
	int st = CK_OK, rc;

	if ((r = ck_reader_open(path, &err)) == NULL) {
		ck_report(out, path, &err);
		return CK_UNKNOWN;
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_report(out, path, &err);
			st = CK_UNKNOWN;
			break;
		}
		if (rc == CK_READ_BROKEN) {
			ck_warn_at(name, err.msg);
			st = CK_UNKNOWN;
		} else if (ck_record_is(rec, "error")) {
			/* An upstream stage could not read something: the picture is incomplete. */
			st = CK_UNKNOWN;
		}
		if (vec_push(all, rec) < 0) {
			json_decref(rec);
			ck_err_set(&err, CK_E_NOMEM, "out of memory");
			ck_report(out, path, &err);
			st = CK_UNKNOWN;
			break;
		}
		json_decref(rec);
	}
	ck_reader_free(r);
	return st;
}

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
	struct vec all = { 0 }, tmpls = { 0 }, cas = { 0 }, principals = { 0 };
	struct ck_caconfig_set conf = { 0 };
	struct ck_requester rq = { 0 };
	struct ck_err err = { 0 };
	FILE *out = stdout, *rep;
	size_t i;
	int first, st = CK_OK, judge = 1, r;

	ck_tool_init("cert-approve");
	switch (ck_opt_parse(&tool, argc, argv, &first, NULL)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	if ((cfg.format = ck_format_option(format, NULL, stdout)) < 0) {
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	if (list_rules) {
		const struct ck_ruleset *sets[] = { ck_approve_ruleset(), NULL };

		if (ck_rules_list(stdout, sets, cfg.format == CK_FMT_TEXT) != 0)
			return CK_UNKNOWN;
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	}
	if (cfg.requester == NULL || cfg.requester[0] == '\0') {
		ck_warnx("--requester is required");
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	rep = cfg.format == CK_FMT_JSON ? out : NULL;

	/* CA settings first: an unparseable one makes every verdict doubtful. */
	for (i = 0; i < cfg.configs.n; i++)
		if (ck_caconfig_set_load(&conf, cfg.configs.v[i], &err) < 0) {
			ck_report(rep, cfg.configs.v[i], &err);
			st = CK_UNKNOWN;
			judge = 0;
		}

	if (first == argc) {
		st = ck_status_worse(st, read_records("-", &all, out));
	} else {
		for (i = (size_t)first; i < (size_t)argc; i++)
			st = ck_status_worse(st, read_records(argv[i], &all, out));
	}
	for (i = 0; i < all.n; i++) {
		json_t *rec = all.v[i];
		int bad = 0;

		if (ck_record_is(rec, "template"))
			bad = vec_push(&tmpls, rec);
		else if (ck_record_is(rec, "ca"))
			bad = vec_push(&cas, rec);
		else if (ck_record_is(rec, "principal"))
			bad = vec_push(&principals, rec);
		if (bad < 0) {
			ck_warnx("out of memory");
			st = CK_UNKNOWN;
			goto out;
		}
	}

	/* A CA setting that cannot be placed makes every verdict doubtful: none is given. */
	if (judge && conf.n > 0) {
		struct config_report cr = { rep, &conf, 0 };

		ck_caconfig_apply_all(conf.conf, conf.n, cas.v, cas.n, cfg.cas.n == 1 ? cfg.cas.v[0] : NULL,
		    config_report, &cr);
		if (cr.failed) {
			st = CK_UNKNOWN;
			judge = 0;
		}
	}

	/* Records pass through in order (ca records with their settings applied). */
	for (i = 0; i < all.n; i++)
		if (emit(all.v[i], out) < 0)
			st = CK_UNKNOWN;

	if (!judge)
		goto out;
	if (tmpls.n == 0 || cas.n == 0) {
		ck_err_set(&err, CK_E_NOTFOUND, "no %s records in the input (pipe cert-ad output "
		    "or give record files)", tmpls.n == 0 ? "template" : "ca");
		ck_report(rep, NULL, &err);
		st = CK_UNKNOWN;
		goto out;
	}
	r = ck_approve_check_names(cfg.templates.v, cfg.templates.n, tmpls.v, tmpls.n,
	    ck_approve_template_named, "template", rep);
	r = ck_status_worse(r, ck_approve_check_names(cfg.cas.v, cfg.cas.n, cas.v, cas.n,
	    ck_approve_ca_named, "ca", rep));
	if (r != CK_OK) {
		st = CK_UNKNOWN;
		goto out;
	}
	if (ck_requester_find(&rq, principals.v, principals.n, cfg.requester, &err) < 0) {
		ck_report(rep, cfg.requester, &err);
		st = CK_UNKNOWN;
		goto out;
	}
	/* Input errors (UNKNOWN) lose to a verdict that is not "issue" (CRITICAL). */
	st = ck_status_worse(st, ck_approve_judge_all(tmpls.v, tmpls.n, cas.v, cas.n,
	    cfg.templates.v, cfg.templates.n, cfg.cas.v, cfg.cas.n, &rq, emit_approval,
	    judge_failed, out));
out:
	ck_requester_release(&rq);
	ck_caconfig_set_release(&conf);
	vec_free(&all);
	vec_free(&tmpls);
	vec_free(&cas);
	vec_free(&principals);
	ck_strv_release(&cfg.cas);
	ck_strv_release(&cfg.templates);
	ck_strv_release(&cfg.configs);
	if (ck_close_stdout() < 0)
		st = ck_status_worse(st, CK_UNKNOWN);
	return st;
}
