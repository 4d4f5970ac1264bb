/*
 * ck_caops_run: cert-issue's commands, options to output (see ck_caops_run.h).
 */
#include "ck_caops_run.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "ck_caops.h"
#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_enroll.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tmpl.h"
#include "ck_tool.h"

/* One command's run: the arguments, the time, who acts, the records' stream. */
struct run {
	const struct ck_caops_args *a;
	time_t now;
	char who[64];
	struct ck_out out;
};

static int
sync_full(const struct ck_caops_args *a)
{
	return a->sync != NULL && strcmp(a->sync, "full") == 0;
}

static int
fail(const struct run *r, const char *src, const struct ck_err *e)
{
	ck_report(r->a->fmt == CK_FMT_JSON ? stdout : NULL, src, e);
	return e->code == CK_E_POLICY ? CK_CRITICAL : CK_UNKNOWN;
}

/* ---- output ---- */

static int
print_error(void *arg, const char *where, const struct ck_err *e)
{
	return fail(arg, where, e);
}

/* --format text: an issued certificate, or a ledger row as list prints it. */
static void
print_text(FILE *fp, const json_t *rec)
{
	const char *serial = json_string_value(json_object_get(rec, "serial"));
	const char *na = json_string_value(json_object_get(rec, "not_after"));

	if (ck_record_is(rec, "cert")) {
		ck_textf(fp, "issued %s %s until %s\n", serial,
		    json_string_value(json_object_get(json_object_get(rec, "subject"), "dn")), na);
		return;
	}
	ck_textf(fp, "%-6lld %-8s %-32s %-20s %-20s %s\n",
	    (long long)json_integer_value(json_object_get(rec, "id")),
	    json_string_value(json_object_get(rec, "status")), serial ? serial : "-",
	    na ? na : "-", json_string_value(json_object_get(rec, "template")),
	    json_string_value(json_object_get(rec, "subject")));
}

/* A certificate: a cert record (source: the ledger, or the remote CA's URL). */
static int
print_cert(void *arg, const unsigned char *der, size_t len)
{
	struct run *r = arg;
	const struct ck_caops_args *a = r->a;
	struct ck_source src = { "url", a->url, 0 };
	char *lp = a->dir ? ck_path_join(a->dir, CK_LEDGER_FILE) : NULL;
	struct ck_err err;
	json_t *rec;

	if (a->dir != NULL) {
		src.type = "file";
		src.uri = lp;
	}
	if (a->fmt == CK_CAOPS_FMT_CFSSL) {
		char *pem = ck_der_to_pem(der, len);

		rec = json_object();
		if (pem)
			json_object_set_new(rec, "cert", json_string(pem));
		free(pem);
	} else {
		rec = ck_cert_record(der, len, &src, 0, &err);
	}
	free(lp);
	if (rec == NULL)
		return -1;
	/* A failed write is said once, by the main's ck_close_stdout. */
	ck_out_put(&r->out, rec);
	return 0;
}

static int
print_request(void *arg, const struct ck_ledger_row *row)
{
	json_t *rec = ck_ledger_row_record(row);

	if (rec == NULL)
		return -1;
	ck_out_put(&((struct run *)arg)->out, rec);	/* as print_cert */
	return 0;
}

/* ---- commands ---- */

static int
cmd_init(struct run *r, const char *arg)
{
	const struct ck_caops_args *a = r->a;
	struct ck_ca_init_opts o = { .dir = a->dir, .subject = a->subject,
		.key_type = a->key_type, .bits = (int)a->bits, .days = a->days,
		.path_len = (int)a->path_len, .not_before = a->not_before,
		.not_after = a->not_after, .policy = a->policy, .aia_url = a->aia,
		.crl_url = a->crl, .ocsp_url = a->ocsp, .now = r->now, .who = r->who };
	unsigned char *der = NULL;
	size_t len = 0;
	const char *where;
	struct ck_err e;
	int st = CK_OK;

	(void)arg;
	ck_err_clear(&e);
	if (ck_caops_init(&o, a->pw_file, a->parent, a->parent_pw_file,
	    (int)(a->lock_s * 1000), sync_full(a), &der, &len, &where, &e) == -1 ||
	    print_cert(r, der, len) == -1)
		st = fail(r, where, &e);
	free(der);
	return st;
}

/* Opens the CA directory for a command (with its CA certificate when need_ca). */
static int
open_ca(struct run *r, struct ck_caops *c, int need_ca, struct ck_err *e)
{
	const struct ck_caops_args *a = r->a;

	if (ck_caops_open(c, a->dir, (int)(a->lock_s * 1000), sync_full(a), need_ca, e) == -1)
		return -1;
	c->now = r->now;
	c->who = r->who;
	c->requester = a->requester;
	c->key_pw_file = a->pw_file;
	c->out.request = print_request;
	c->out.cert = print_cert;
	c->out.error = print_error;
	c->out.arg = r;
	return 0;
}

static int
cmd_sign(struct run *r, const char *arg)
{
	const struct ck_caops_args *a = r->a;
	struct ck_issue_req base = { .subject = a->subject, .san = a->san, .days = a->days,
		.not_before = a->not_before, .not_after = a->not_after };
	struct ck_caops c;
	struct ck_err e;
	json_t *tmpl;
	int st;

	(void)arg;
	ck_err_clear(&e);
	if ((tmpl = ck_tmpl_open(a->templates, a->tmpl, &e)) == NULL)
		return fail(r, a->tmpl, &e);
	if (open_ca(r, &c, 1, &e) == -1) {
		json_decref(tmpl);
		return fail(r, a->dir, &e);
	}
	st = ck_caops_sign_files(&c, a->dir, tmpl, &base, a->csrs.v, a->csrs.n);
	ck_caops_close(&c);
	json_decref(tmpl);
	return st;
}

/*
 * The commands on an open CA (approve, list/show, deny, revoke, crl):
 * each returns NULL, or with e set the input at fault.
 */
static const char *
op_approve(struct run *r, struct ck_caops *c, const char *key, struct ck_err *e)
{
	switch (ck_caops_approve(c, key, e)) {
	case -2: return r->a->dir;
	case -1: return key;
	}
	return NULL;
}

static const char *
op_show(struct run *r, struct ck_caops *c, const char *key, struct ck_err *e)
{
	const struct ck_caops_args *a = r->a;

	if (a->fmt == CK_FMT_TEXT && key == NULL)
		printf("%-6s %-8s %-32s %-20s %-20s %s\n", "ID", "STATUS", "SERIAL",
		    "NOT_AFTER", "TEMPLATE", "SUBJECT");
	if (ck_caops_show(c, key, a->status, key != NULL && a->fmt != CK_FMT_TEXT, e) == -1)
		return key ? key : a->dir;
	return NULL;
}

static const char *
op_deny(struct run *r, struct ck_caops *c, const char *key, struct ck_err *e)
{
	(void)r;
	return ck_caops_deny(c, key, e) == -1 ? key : NULL;
}

static const char *
op_revoke(struct run *r, struct ck_caops *c, const char *serial, struct ck_err *e)
{
	const char *reason = "unspecified";

	if (r->a->reason)
		ck_ledger_reason_code(r->a->reason, &reason);	/* ck_caops_args_check */
	return ck_caops_revoke(c, serial, reason, e) == -1 ? serial : NULL;
}

static const char *
op_crl(struct run *r, struct ck_caops *c, const char *arg, struct ck_err *e)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len = 0;
	X509_CRL *crl = NULL;
	const char *where = NULL;

	(void)arg;
	if (ck_caops_key(c, e) == -1 || ck_caops_crl(c, r->a->days, &der, &len, e) == -1) {
		where = r->a->dir;
	} else {
		p = der;
		if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL ||
		    !PEM_write_X509_CRL(stdout, crl)) {
			ck_err_set(e, CK_E_IO, "cannot write the CRL");
			where = r->a->dir;
		}
	}
	X509_CRL_free(crl);
	free(der);
	return where;
}

/* Opens the CA (with its certificate when need_ca), runs op, reports its error. */
static int
on_ca(struct run *r, int need_ca,
    const char *(*op)(struct run *, struct ck_caops *, const char *, struct ck_err *),
    const char *key)
{
	struct ck_caops c;
	struct ck_err e;
	const char *where;
	int st = CK_OK;

	ck_err_clear(&e);
	if (open_ca(r, &c, need_ca, &e) == -1)
		return fail(r, r->a->dir, &e);
	if ((where = op(r, &c, key, &e)) != NULL)
		st = fail(r, where, &e);
	ck_caops_close(&c);
	return st;
}

static int
cmd_enroll(struct run *r, const char *arg)
{
	const struct ck_caops_args *a = r->a;
	struct ck_enroll_opts o = { .url = a->url, .profile = a->profile, .label = a->label,
		.cacert = a->cacert };
	struct ck_err e;
	unsigned char *der = NULL;
	size_t len = 0;
	int st = CK_OK;

	(void)arg;
	ck_err_clear(&e);
	if (ck_enroll_cfssl_file(&o, a->csrs.v[0], &der, &len, &e) == -1)
		st = fail(r, e.code == CK_E_NET ? a->url : a->csrs.v[0], &e);
	else if (print_cert(r, der, len) == -1)
		st = fail(r, a->url, &e);
	free(der);
	return st;
}

int
ck_caops_run(const struct ck_caops_args *a, enum ck_caops_cmd cmd, const char *operand)
{
	struct run r = { .a = a, .out = { .format = a->fmt == CK_FMT_TEXT ? CK_FMT_TEXT :
	    CK_FMT_JSON, .text = print_text, .flush = 1 } };
	struct ck_clock clock;
	struct passwd *pw;
	struct ck_err e;

	if (ck_clock_init(&clock, a->at, &e) == -1) {
		ck_warnx("%s", e.msg);
		return CK_UNKNOWN;
	}
	r.now = ck_clock_now(&clock);
	pw = getpwuid(geteuid());
	snprintf(r.who, sizeof(r.who), "%s", pw ? pw->pw_name : "unknown");
	switch (cmd) {
	case CK_CAOPS_INIT: return cmd_init(&r, operand);
	case CK_CAOPS_SIGN: return cmd_sign(&r, operand);
	case CK_CAOPS_LIST:
	case CK_CAOPS_SHOW: return on_ca(&r, 0, op_show, operand);
	case CK_CAOPS_APPROVE: return on_ca(&r, 1, op_approve, operand);
	case CK_CAOPS_DENY: return on_ca(&r, 0, op_deny, operand);
	case CK_CAOPS_REVOKE: return on_ca(&r, 0, op_revoke, operand);
	case CK_CAOPS_CRL: return on_ca(&r, 1, op_crl, operand);
	case CK_CAOPS_ENROLL: return cmd_enroll(&r, operand);
	}
	return CK_UNKNOWN;
}

int
ck_caops_args_check(const struct ck_caops_args *a, struct ck_err *err)
{
	int code;

	if (a->sync && *a->sync && strcmp(a->sync, "normal") != 0 && strcmp(a->sync, "full") != 0)
		return ck_err_set(err, CK_E_USAGE, "bad --sync '%s': normal|full", a->sync);
	if (a->not_after && a->days)
		return ck_err_set(err, CK_E_USAGE, "--days and --not-after exclude each other");
	if (a->not_before && a->not_after && a->not_after <= a->not_before)
		return ck_err_set(err, CK_E_USAGE, "--not-after must be later than --not-before");
	/* removeFromCRL (8) belongs in delta CRLs only (RFC 5280 5.3.1): not a reason to revoke. */
	code = a->reason ? ck_ledger_reason_code(a->reason, NULL) : 0;
	if (code == -1 || code == 8)
		return ck_err_set(err, CK_E_USAGE, "bad --reason '%s' (e.g. key_compromise, "
		    "superseded, cessation_of_operation)", a->reason);
	return 0;
}

int
ck_caops_opt_time(const char *arg, void *target, struct ck_err *err)
{
	struct ck_err e;

	if (ck_time_parse(arg, target, &e) == -1)
		return ck_err_set(err, CK_E_USAGE, "bad time '%s': %s", arg, e.msg);
	return 0;
}

int
ck_caops_opt_status(const char *arg, void *target, struct ck_err *err)
{
	static const char *const statuses[] = { "issued", "pending", "revoked", "denied" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(arg, statuses[i]) == 0) {
			*(const char **)target = arg;
			return 0;
		}
	return ck_err_set(err, CK_E_USAGE, "bad --status '%s': issued|pending|revoked|denied",
	    arg);
}
