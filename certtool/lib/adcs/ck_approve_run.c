#include "ck_approve_run.h"

#include <stdio.h>
#include <stdlib.h>

#include "ck_approve.h"
#include "ck_caconfig.h"
#include "ck_err.h"
#include "ck_record.h"
#include "ck_tool.h"

/* What the callbacks share. */
struct run {
	const struct ck_approve_run *r;
	FILE *rep;			/* error records go here too (NULL in text) */
	const struct ck_caconfig_set *set;
	int config_failed;
};

/* ck_caconfig_apply_all's report: what cannot be applied stops the judging. */
static void
config_report(void *arg, size_t entry, const struct ck_err *err, int failed)
{
	struct run *x = arg;
	const char *file = x->set->src[entry];

	if (!failed) {
		ck_warnx("'%s': %s", file, err->msg);
		return;
	}
	ck_report(x->rep, file, err);
	x->config_failed = 1;
}

/* A record passed through or an approval: JSON, or (text) approvals only. */
static int
emit(const struct run *x, json_t *rec)
{
	struct ck_err err = { 0 };
	char *line;

	if (x->r->format != CK_FMT_TEXT)
		return ck_record_write(stdout, rec, &err);
	if (!ck_record_is(rec, "approval"))
		return 0;
	if ((line = ck_approval_text(rec)) == NULL)
		return -1;
	printf("%s\n", line);
	free(line);
	return 0;
}

static int
emit_approval(void *arg, json_t *approval)
{
	return emit(arg, approval);
}

static void
judge_failed(void *arg, const char *what, const struct ck_err *err)
{
	ck_report(((struct run *)arg)->rep, what, err);
}

/* The records of every input, sorted by kind; the CA settings placed.  Returns the status. */
static int
read_inputs(struct run *x, struct ck_approve_input *in, char *const *files, size_t n,
    int *judge)
{
	const struct ck_approve_run *r = x->r;
	int st = CK_OK;
	size_t i;

	if (n == 0)
		st = ck_approve_input_read(in, "-", stdout);
	for (i = 0; i < n; i++)
		st = ck_status_worse(st, ck_approve_input_read(in, files[i], stdout));
	if (ck_approve_input_sort(in) < 0) {
		ck_warnx("out of memory");
		*judge = 0;
		return CK_UNKNOWN;
	}
	/* A CA setting that cannot be placed makes every verdict doubtful: none is given. */
	if (*judge && x->set->n > 0) {
		ck_caconfig_apply_all(x->set->conf, x->set->n, in->cas.v, in->cas.n,
		    r->ncas == 1 ? r->cas[0] : NULL, config_report, x);
		if (x->config_failed) {
			st = CK_UNKNOWN;
			*judge = 0;
		}
	}
	/* Records pass through in order (ca records with their settings applied). */
	for (i = 0; i < in->all.n; i++)
		if (emit(x, in->all.v[i]) < 0)
			st = CK_UNKNOWN;
	return st;
}

/* The verdicts, once the input holds what they need.  Returns the status. */
static int
judge_all(struct run *x, const struct ck_approve_input *in)
{
	const struct ck_approve_run *r = x->r;
	struct ck_requester rq = { 0 };
	struct ck_err err = { 0 };
	int st;

	if (in->tmpls.n == 0 || in->cas.n == 0) {
		ck_err_set(&err, CK_E_NOTFOUND, "no %s records in the input (pipe cert-ad output "
		    "or give record files)", in->tmpls.n == 0 ? "template" : "ca");
		ck_report(x->rep, NULL, &err);
		return CK_UNKNOWN;
	}
	st = ck_approve_check_names(r->templates, r->ntemplates, in->tmpls.v, in->tmpls.n,
	    ck_approve_template_named, "template", x->rep);
	st = ck_status_worse(st, ck_approve_check_names(r->cas, r->ncas, in->cas.v, in->cas.n,
	    ck_approve_ca_named, "ca", x->rep));
	if (st != CK_OK)
		return CK_UNKNOWN;
	if (ck_requester_find(&rq, in->principals.v, in->principals.n, r->requester, &err) < 0) {
		ck_report(x->rep, r->requester, &err);
		return CK_UNKNOWN;
	}
	st = ck_approve_judge_all(in->tmpls.v, in->tmpls.n, in->cas.v, in->cas.n, r->templates,
	    r->ntemplates, r->cas, r->ncas, &rq, emit_approval, judge_failed, x);
	ck_requester_release(&rq);
	return st;
}

int
ck_approve_run(const struct ck_approve_run *r, char *const *files, size_t n)
{
	struct ck_caconfig_set set = { 0 };
	struct ck_approve_input in = { 0 };
	struct run x = { r, r->format == CK_FMT_JSON ? stdout : NULL, &set, 0 };
	struct ck_err err = { 0 };
	int st = CK_OK, judge = 1;
	size_t i;

	/* CA settings first: an unparseable one makes every verdict doubtful. */
	for (i = 0; i < r->nconfigs; i++)
		if (ck_caconfig_set_load(&set, r->configs[i], &err) < 0) {
			ck_report(x.rep, r->configs[i], &err);
			st = CK_UNKNOWN;
			judge = 0;
		}
	st = ck_status_worse(st, read_inputs(&x, &in, files, n, &judge));
	/* Input errors (UNKNOWN) lose to a verdict that is not "issue" (CRITICAL). */
	if (judge)
		st = ck_status_worse(st, judge_all(&x, &in));
	ck_caconfig_set_release(&set);
	ck_approve_input_release(&in);
	return st;
}
