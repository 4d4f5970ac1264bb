/*
 * cert-issue: a local CA with a durable ledger, and enrollment with a
 * remote CA over the CFSSL API.  See man/cert-issue.1.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_enroll.h"
#include "ck_err.h"
#include "ck_issue.h"
#include "ck_ledger.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_tmpl.h"
#include "ck_tool.h"

#define FMT_CFSSL 2	/* --format cfssl: its index for ck_format_option() */

static struct {
	const char *cmd, *dir, *subject, *key_type, *parent, *parent_pw_file;
	const char *policy, *pw_file, *aia, *crl, *ocsp, *tmpl, *requester, *san;
	const char *templates, *status, *reason, *url, *profile, *label, *cacert, *at;
	const char *sync;
	struct ck_strv csrs;
	long bits, days, lock_s, path_len;
	time_t not_before, not_after;
	int fmt;
	struct ck_clock clock;
	char who[64];
} cfg;

static int
fail(const char *src, const struct ck_err *e)
{
	ck_report(cfg.fmt == CK_FMT_JSON ? stdout : NULL, src, e);
	return e->code == CK_E_POLICY ? CK_CRITICAL : CK_UNKNOWN;
}

static char *
ledger_path(void)
{
	return ck_path_join(cfg.dir, CK_LEDGER_FILE);
}

static struct ck_ledger *
open_ledger(const char *dir, struct ck_err *err)
{
	char *p = ck_path_join(dir, CK_LEDGER_FILE);
	struct ck_ledger *l;

	if (p == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	l = ck_ledger_open(p, (int)(cfg.lock_s * 1000), err);
	free(p);
	if (l && cfg.sync && strcmp(cfg.sync, "full") == 0 &&
	    ck_ledger_set_sync(l, 1, err) == -1) {
		ck_ledger_close(l);
		return NULL;
	}
	return l;
}

static int
load_key(struct ck_ca *ca, const char *pw_file, struct ck_err *err)
{
	char *pw = NULL;
	int rv;

	if (ca->key)
		return 0;
	if (pw_file && (pw = ck_secret_from_file(pw_file, err)) == NULL)
		return -1;
	rv = ck_ca_load_key(ca, pw, err);
	ck_secret_free(pw);
	return rv;
}

static void
now_str(char buf[CK_TIME_LEN])
{
	ck_time_format(ck_clock_now(&cfg.clock), buf);
}

/* ---- output ---- */

static int
put(json_t *rec)
{
	struct ck_err e;
	int rv = 0;

	if (rec == NULL)
		return -1;
	if (ck_record_write(stdout, rec, &e) == -1) {
		ck_warnx("%s", e.msg);
		rv = -1;
	}
	fflush(stdout);
	json_decref(rec);
	return rv;
}

static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static int
print_cert(const unsigned char *der, size_t len, long long id, struct ck_err *err)
{
	struct ck_source src = { "file", NULL, 0 };
	char *lp = cfg.dir ? ledger_path() : NULL;
	json_t *rec;

	(void)id;
	src.uri = lp;
	if (cfg.dir == NULL) {
		src.type = "url";
		src.uri = cfg.url;
	}
	if (cfg.fmt == FMT_CFSSL) {
		char *pem = ck_der_to_pem(der, len);
		rec = json_object();
		if (pem)
			json_object_set_new(rec, "cert", json_string(pem));
		free(pem);
		free(lp);
		return put(rec);
	}
	rec = ck_cert_record(der, len, &src, 0, err);
	free(lp);
	if (rec == NULL)
		return -1;
	if (cfg.fmt == CK_FMT_TEXT) {
		printf("issued %s %s until %s\n",
		    json_string_value(json_object_get(rec, "serial")),
		    json_string_value(json_object_get(json_object_get(rec, "subject"), "dn")),
		    json_string_value(json_object_get(rec, "not_after")));
		fflush(stdout);
		json_decref(rec);
		return 0;
	}
	return put(rec);
}

static json_t *
request_record(const struct ck_ledger_row *r)
{
	json_t *o = ck_record_new("request");

	json_object_set_new(o, "id", json_integer(r->id));
	set_str(o, "status", r->status);
	set_str(o, "template", r->template);
	set_str(o, "subject", r->subject ? r->subject : "");
	set_str(o, "requester", r->requester);
	set_str(o, "created", r->created);
	set_str(o, "decided", r->decided);
	set_str(o, "serial", r->serial);
	set_str(o, "not_after", r->not_after);
	set_str(o, "revoked_at", r->revoked_at);
	set_str(o, "reason", r->reason);
	return o;
}

static int
print_request(const struct ck_ledger_row *r)
{
	if (cfg.fmt == CK_FMT_TEXT) {
		printf("%-6lld %-8s %-32s %-20s %-20s %s\n", r->id, r->status,
		    r->serial ? r->serial : "-", r->not_after ? r->not_after : "-",
		    r->template, r->subject ? r->subject : "");
		return 0;
	}
	return put(request_record(r));
}

/* ---- init ---- */

static int
cmd_init(void)
{
	struct ck_ca_init_opts o;
	struct ck_ledger *pl = NULL;
	struct ck_ca *parent = NULL;
	struct ck_err e;
	char *pw = NULL;
	int st = CK_OK;

	ck_err_clear(&e);
	memset(&o, 0, sizeof(o));
	o.dir = cfg.dir;
	o.subject = cfg.subject;
	o.key_type = cfg.key_type;
	o.bits = (int)cfg.bits;
	o.days = cfg.days;
	o.path_len = (int)cfg.path_len;
	o.not_before = cfg.not_before;
	o.not_after = cfg.not_after;
	o.policy = cfg.policy;
	o.aia_url = cfg.aia;
	o.crl_url = cfg.crl;
	o.ocsp_url = cfg.ocsp;
	o.now = ck_clock_now(&cfg.clock);
	o.who = cfg.who;
	if (cfg.pw_file && (pw = ck_secret_from_file(cfg.pw_file, &e)) == NULL) {
		st = fail(cfg.pw_file, &e);
		goto out;
	}
	o.password = pw;
	if (cfg.parent) {
		if ((pl = open_ledger(cfg.parent, &e)) == NULL ||
		    (parent = ck_ca_open(cfg.parent, pl, &e)) == NULL) {
			st = fail(cfg.parent, &e);
			goto out;
		}
		/* The policy decides before the parent's key is touched. */
		if (ck_policy_check_key(cfg.policy, X509_get0_pubkey(parent->cert),
		    "parent CA", &e) == -1 ||
		    load_key(parent, cfg.parent_pw_file, &e) == -1) {
			st = fail(cfg.parent, &e);
			goto out;
		}
		o.parent = parent;
		o.parent_ledger = pl;
	}
	if (ck_ca_init(&o, &e) == -1) {
		st = fail(cfg.dir, &e);
		goto out;
	}
	{
		struct ck_ca *ca = ck_ca_open(cfg.dir, NULL, &e);
		unsigned char *der = NULL;
		int n;
		if (ca == NULL || (n = i2d_X509(ca->cert, &der)) <= 0) {
			st = fail(cfg.dir, &e);
		} else if (print_cert(der, (size_t)n, 0, &e) == -1) {
			st = fail(cfg.dir, &e);
		}
		OPENSSL_free(der);
		ck_ca_free(ca);
	}
out:
	ck_secret_free(pw);
	ck_ca_free(parent);
	ck_ledger_close(pl);
	return st;
}

/* ---- sign / approve ---- */

/*
 * Issues one certificate, commits it to the ledger, and only then prints
 * it: a certificate that was printed is always in the ledger.  A serial
 * collision (never seen with 126 random bits, but the schema refuses it)
 * draws a new serial.
 */
static int
issue_and_record(struct ck_ca *ca, struct ck_ledger *l, const struct ck_issue_req *ir,
    long long req_id, const char *tname, const unsigned char *csr_der, size_t csr_len,
    const char *params, struct ck_err *err)
{
	struct ck_ledger_row r;
	unsigned char *der = NULL;
	size_t der_len = 0;
	char *serial = NULL, *subject = NULL, na[CK_TIME_LEN], at[CK_TIME_LEN];
	int tries, rc = -1;
	long long id = 0;

	now_str(at);
	for (tries = 0; tries < 5; tries++) {
		if (ck_issue_cert(ca, ir, &der, &der_len, &serial, &subject, na, err) == -1)
			return -1;
		memset(&r, 0, sizeof(r));
		r.id = req_id;
		r.template = tname;
		r.subject = subject;
		r.requester = cfg.requester;
		r.csr = csr_der;
		r.csr_len = csr_len;
		r.params = params;
		r.serial = serial;
		r.der = der;
		r.der_len = der_len;
		r.not_after = na;
		rc = ck_ledger_issue(l, &r, at, cfg.who, &id, err);
		if (rc != -2)
			break;
		free(der);
		free(serial);
		free(subject);
		der = NULL;
		serial = subject = NULL;
	}
	if (rc == 0)
		rc = print_cert(der, der_len, id, err);
	else
		rc = -1;
	free(der);
	free(serial);
	free(subject);
	return rc;
}

static char *
csr_to_der(X509_REQ *req, size_t *len)
{
	unsigned char *p = NULL, *m;
	int n = i2d_X509_REQ(req, &p);

	if (n <= 0 || (m = malloc((size_t)n)) == NULL) {
		OPENSSL_free(p);
		return NULL;
	}
	memcpy(m, p, (size_t)n);
	OPENSSL_free(p);
	*len = (size_t)n;
	return (char *)m;
}

static int
store_pending(struct ck_ledger *l, const struct ck_issue_req *ir, const json_t *tmpl,
    X509_REQ *req, struct ck_err *err)
{
	struct ck_ledger_row r;
	json_t *params = json_object();
	char *ptext = NULL, *subj = NULL, *csr = NULL, at[CK_TIME_LEN];
	size_t csr_len = 0;
	long long id = 0;
	int rv = -1;

	json_object_set(params, "template", (json_t *)tmpl);
	if (ir->subject)
		json_object_set_new(params, "subject", json_string(ir->subject));
	if (ir->san)
		json_object_set_new(params, "san", json_string(ir->san));
	json_object_set_new(params, "days", json_integer(ir->days));
	if (ir->not_before)
		json_object_set_new(params, "not_before", json_integer((json_int_t)ir->not_before));
	if (ir->not_after)
		json_object_set_new(params, "not_after", json_integer((json_int_t)ir->not_after));
	if (ir->subject) {
		X509_NAME *n = ck_dn_parse(ir->subject, err);
		if (n == NULL)
			goto out;
		subj = ck_dn_string(n);
		X509_NAME_free(n);
	} else {
		subj = ck_dn_string(X509_REQ_get_subject_name(req));
	}
	if ((ptext = ck_record_dumps(params)) == NULL || subj == NULL ||
	    (csr = csr_to_der(req, &csr_len)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.template = json_string_value(json_object_get(tmpl, "name"));
	r.subject = subj;
	r.requester = cfg.requester;
	r.csr = (unsigned char *)csr;
	r.csr_len = csr_len;
	r.params = ptext;
	now_str(at);
	if (ck_ledger_request_add(l, &r, at, cfg.who, &id, err) == -1)
		goto out;
	r.id = id;
	r.status = "pending";
	r.created = at;
	rv = print_request(&r);
out:
	json_decref(params);
	free(ptext);
	free(subj);
	free(csr);
	return rv;
}

static int
cmd_sign(void)
{
	struct ck_ledger *l = NULL;
	struct ck_ca *ca = NULL;
	struct ck_err e;
	json_t *tmpl = NULL;
	char *tdir = NULL, *tpath = NULL;
	const char *tname;
	size_t i;
	int st = CK_OK, pending;

	ck_err_clear(&e);
	if ((tdir = ck_tmpl_dir(cfg.templates)) == NULL ||
	    (tpath = ck_tmpl_find(tdir, cfg.tmpl, &e)) == NULL ||
	    (tmpl = ck_tmpl_load(tpath, &e)) == NULL) {
		st = fail(cfg.tmpl, &e);
		goto out;
	}
	tname = json_string_value(json_object_get(tmpl, "name"));
	pending = ck_issue_pending(tmpl);
	if ((l = open_ledger(cfg.dir, &e)) == NULL ||
	    (ca = ck_ca_open(cfg.dir, l, &e)) == NULL) {
		st = fail(cfg.dir, &e);
		goto out;
	}
	for (i = 0; i < cfg.csrs.n; i++) {
		struct ck_issue_req ir;
		X509_REQ *req;
		char *csr = NULL;
		size_t csr_len = 0;
		int rc;

		ck_err_clear(&e);
		if ((req = ck_csr_read(cfg.csrs.v[i], &e)) == NULL) {
			st = ck_status_worse(st, fail(cfg.csrs.v[i], &e));
			continue;
		}
		memset(&ir, 0, sizeof(ir));
		ir.csr = req;
		ir.tmpl = tmpl;
		ir.subject = cfg.subject;
		ir.san = cfg.san;
		ir.days = cfg.days;
		ir.now = ck_clock_now(&cfg.clock);
		ir.not_before = cfg.not_before;
		ir.not_after = cfg.not_after;
		if (ck_csr_check(req, tmpl, &e) == -1 || ck_issue_precheck(&ir, &e) == -1) {
			st = ck_status_worse(st, fail(cfg.csrs.v[i], &e));
			X509_REQ_free(req);
			continue;
		}
		if (pending) {
			rc = store_pending(l, &ir, tmpl, req, &e);
		} else if (load_key(ca, cfg.pw_file, &e) == -1) {
			/* Without the key no request can be signed: stop. */
			X509_REQ_free(req);
			st = ck_status_worse(st, fail(cfg.dir, &e));
			break;
		} else {
			csr = csr_to_der(req, &csr_len);
			rc = issue_and_record(ca, l, &ir, 0, tname, (unsigned char *)csr,
			    csr_len, NULL, &e);
		}
		if (rc == -1)
			st = ck_status_worse(st, fail(cfg.csrs.v[i], &e));
		free(csr);
		X509_REQ_free(req);
	}
out:
	json_decref(tmpl);
	free(tdir);
	free(tpath);
	ck_ca_free(ca);
	ck_ledger_close(l);
	return st;
}

/* Copy of the row fields approve needs (rows live only in the callback). */
struct found {
	long long id;
	char status[16];
	unsigned char *csr;
	size_t csr_len;
	char *params;
};

static int
grab_row(const struct ck_ledger_row *r, void *arg)
{
	struct found *f = arg;

	f->id = r->id;
	snprintf(f->status, sizeof(f->status), "%s", r->status);
	if (r->csr && (f->csr = malloc(r->csr_len)) != NULL) {
		memcpy(f->csr, r->csr, r->csr_len);
		f->csr_len = r->csr_len;
	}
	if (r->params)
		f->params = strdup(r->params);
	return 0;
}

static int
cmd_approve(const char *key)
{
	struct ck_ledger *l = NULL;
	struct ck_ca *ca = NULL;
	struct found f;
	struct ck_issue_req ir;
	struct ck_err e;
	json_t *params = NULL;
	X509_REQ *req = NULL;
	int st = CK_OK;

	memset(&f, 0, sizeof(f));
	ck_err_clear(&e);
	if ((l = open_ledger(cfg.dir, &e)) == NULL ||
	    (ca = ck_ca_open(cfg.dir, l, &e)) == NULL) {
		st = fail(cfg.dir, &e);
		goto out;
	}
	if (ck_ledger_find(l, key, grab_row, &f, &e) == -1) {
		st = fail(key, &e);
		goto out;
	}
	if (strcmp(f.status, "pending") != 0) {
		ck_err_set(&e, CK_E_POLICY, "request %lld is %s, not pending", f.id, f.status);
		st = fail(key, &e);
		goto out;
	}
	if (f.params == NULL || (params = json_loads(f.params, 0, NULL)) == NULL ||
	    f.csr == NULL || (req = ck_csr_from_der(f.csr, f.csr_len, &e)) == NULL) {
		if (e.code == CK_E_NONE)
			ck_err_set(&e, CK_E_DB, "request %lld: stored request is damaged", f.id);
		st = fail(key, &e);
		goto out;
	}
	memset(&ir, 0, sizeof(ir));
	ir.csr = req;
	ir.tmpl = json_object_get(params, "template");
	ir.subject = json_string_value(json_object_get(params, "subject"));
	ir.san = json_string_value(json_object_get(params, "san"));
	ir.days = (long)json_integer_value(json_object_get(params, "days"));
	ir.now = ck_clock_now(&cfg.clock);
	ir.not_before = (time_t)json_integer_value(json_object_get(params, "not_before"));
	ir.not_after = (time_t)json_integer_value(json_object_get(params, "not_after"));
	if (load_key(ca, cfg.pw_file, &e) == -1) {
		st = fail(cfg.dir, &e);
		goto out;
	}
	if (issue_and_record(ca, l, &ir, f.id,
	    json_string_value(json_object_get(ir.tmpl, "name")), NULL, 0, NULL, &e) == -1)
		st = fail(key, &e);
out:
	X509_REQ_free(req);
	json_decref(params);
	free(f.csr);
	free(f.params);
	ck_ca_free(ca);
	ck_ledger_close(l);
	return st;
}

static int
show_row(const struct ck_ledger_row *r, void *arg)
{
	struct ck_err e;

	(void)arg;
	if (print_request(r) == -1)
		return -1;
	if (r->der && cfg.fmt != CK_FMT_TEXT && print_cert(r->der, r->der_len, r->id, &e) == -1)
		return -1;
	return 0;
}

static int
list_row(const struct ck_ledger_row *r, void *arg)
{
	(void)arg;
	return print_request(r) == -1 ? -1 : 0;
}

static int
cmd_read(const char *key)
{
	struct ck_ledger *l;
	struct ck_err e;
	int st = CK_OK;

	ck_err_clear(&e);
	if ((l = open_ledger(cfg.dir, &e)) == NULL)
		return fail(cfg.dir, &e);
	if (cfg.fmt == CK_FMT_TEXT && key == NULL)
		printf("%-6s %-8s %-32s %-20s %-20s %s\n", "ID", "STATUS", "SERIAL",
		    "NOT_AFTER", "TEMPLATE", "SUBJECT");
	if (key ? ck_ledger_find(l, key, show_row, NULL, &e) == -1 :
	    ck_ledger_each(l, cfg.status, list_row, NULL, &e) == -1)
		st = fail(key ? key : cfg.dir, &e);
	ck_ledger_close(l);
	return st;
}

static int
cmd_deny(const char *key)
{
	struct ck_ledger *l;
	struct ck_err e;
	struct found f;
	char at[CK_TIME_LEN];
	int st = CK_OK;

	memset(&f, 0, sizeof(f));
	ck_err_clear(&e);
	if ((l = open_ledger(cfg.dir, &e)) == NULL)
		return fail(cfg.dir, &e);
	now_str(at);
	if (ck_ledger_find(l, key, grab_row, &f, &e) == -1 ||
	    ck_ledger_deny(l, f.id, at, cfg.who, &e) == -1 ||
	    ck_ledger_find(l, key, list_row, NULL, &e) == -1)
		st = fail(key, &e);
	free(f.csr);
	free(f.params);
	ck_ledger_close(l);
	return st;
}

static int
cmd_revoke(const char *serial)
{
	struct ck_ledger *l;
	struct ck_err e;
	const char *reason = "unspecified";
	char at[CK_TIME_LEN];
	int st = CK_OK, code;

	ck_err_clear(&e);
	if (cfg.reason) {
		code = ck_ledger_reason_code(cfg.reason, &reason);
		if (code == -1 || code == 8) {
			ck_warnx("bad --reason '%s' (e.g. key_compromise, superseded, "
			    "cessation_of_operation)", cfg.reason);
			return CK_UNKNOWN;
		}
	}
	if ((l = open_ledger(cfg.dir, &e)) == NULL)
		return fail(cfg.dir, &e);
	now_str(at);
	if (ck_ledger_revoke(l, serial, reason, at, cfg.who, &e) == -1 ||
	    ck_ledger_find(l, serial, list_row, NULL, &e) == -1)
		st = fail(serial, &e);
	ck_ledger_close(l);
	return st;
}

struct crl_ctx {
	struct ck_ca *ca;
	time_t now, next;
	unsigned char *der;	/* copy kept to print after the commit */
	size_t len;
};

static int
crl_build(const struct ck_ledger_revoked *rv, size_t n, long long number, void *arg,
    unsigned char **der, size_t *len, struct ck_err *err)
{
	struct crl_ctx *c = arg;

	if (ck_issue_crl(c->ca, rv, n, number, c->now, c->next, der, len, err) == -1)
		return -1;
	free(c->der);
	if ((c->der = malloc(*len)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	memcpy(c->der, *der, *len);
	c->len = *len;
	return 0;
}

static int
cmd_crl(void)
{
	struct ck_ledger *l = NULL;
	struct ck_ca *ca = NULL;
	struct ck_err e;
	struct crl_ctx c;
	char t1[CK_TIME_LEN], t2[CK_TIME_LEN];
	long long num = 0;
	int st = CK_OK;

	memset(&c, 0, sizeof(c));
	ck_err_clear(&e);
	if ((l = open_ledger(cfg.dir, &e)) == NULL ||
	    (ca = ck_ca_open(cfg.dir, l, &e)) == NULL ||
	    load_key(ca, cfg.pw_file, &e) == -1) {
		st = fail(cfg.dir, &e);
		goto out;
	}
	c.ca = ca;
	c.now = ck_clock_now(&cfg.clock);
	c.next = c.now + (time_t)(cfg.days > 0 ? cfg.days : 7) * 86400;
	ck_time_format(c.now, t1);
	ck_time_format(c.next, t2);
	/* Printed only after the ledger committed its number. */
	if (ck_ledger_crl(l, t1, t2, cfg.who, crl_build, &c, &num, &e) == -1) {
		st = fail(cfg.dir, &e);
		goto out;
	}
	{
		const unsigned char *p = c.der;
		X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)c.len);
		if (crl == NULL || !PEM_write_X509_CRL(stdout, crl)) {
			ck_err_set(&e, CK_E_IO, "cannot write the CRL");
			st = fail(cfg.dir, &e);
		}
		X509_CRL_free(crl);
	}
out:
	free(c.der);
	ck_ca_free(ca);
	ck_ledger_close(l);
	return st;
}

static int
cmd_enroll(void)
{
	struct ck_enroll_opts o;
	struct ck_err e;
	unsigned char *der = NULL;
	size_t len = 0;
	char *pem = NULL;
	X509_REQ *req;
	BIO *b = NULL;
	long n;
	int st = CK_OK;

	ck_err_clear(&e);
	if ((req = ck_csr_read(cfg.csrs.v[0], &e)) == NULL)
		return fail(cfg.csrs.v[0], &e);
	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509_REQ(b, req) ||
	    (n = BIO_get_mem_data(b, &pem)) <= 0) {
		ck_err_set(&e, CK_E_NOMEM, "out of memory");
		st = fail(cfg.csrs.v[0], &e);
		goto out;
	}
	pem = strndup(pem, (size_t)n);
	memset(&o, 0, sizeof(o));
	o.url = cfg.url;
	o.profile = cfg.profile;
	o.label = cfg.label;
	o.cacert = cfg.cacert;
	if (pem == NULL || ck_enroll_cfssl(&o, pem, &der, &len, &e) == -1 ||
	    print_cert(der, len, 0, &e) == -1)
		st = fail(cfg.url, &e);
	free(pem);
out:
	BIO_free(b);
	X509_REQ_free(req);
	free(der);
	return st;
}

/* ---- main ---- */

enum { INIT = 1 << 0, SIGN = 1 << 1, LIST = 1 << 2, SHOW = 1 << 3, APPROVE = 1 << 4,
	DENY = 1 << 5, REVOKE = 1 << 6, CRL = 1 << 7, ENROLL = 1 << 8,
	LEDGER = INIT | SIGN | LIST | SHOW | APPROVE | DENY | REVOKE | CRL };

static const struct ck_cmd cmds[] = {
	{ .name = "init", .desc = "set up a CA in DIR (a root, or under --parent)" },
	{ .name = "sign", .desc = "issue certificates for requests (or queue them)" },
	{ .name = "list", .desc = "the ledger's requests" },
	{ .name = "show", .operands = "ID|SERIAL", .desc = "one request and its certificate" },
	{ .name = "approve", .operands = "ID", .desc = "issue a pending request" },
	{ .name = "deny", .operands = "ID", .desc = "deny a pending request" },
	{ .name = "revoke", .operands = "SERIAL", .desc = "revoke a certificate" },
	{ .name = "crl", .desc = "write a new CRL (PEM)" },
	{ .name = "enroll", .desc = "have a remote CA (CFSSL API) sign a request" },
	{ .name = NULL }
};

static int
parse_time(const char *arg, void *target, struct ck_err *err)
{
	struct ck_err e;

	if (ck_time_parse(arg, target, &e) == -1)
		return ck_err_set(err, CK_E_USAGE, "bad time '%s': %s", arg, e.msg);
	return 0;
}

static int
parse_status(const char *arg, void *target, struct ck_err *err)
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

static const char *fmt;

static const struct ck_opt opts[] = {
	{ .name = "dir", .arg = "DIR", .desc = "the CA directory", .type = CK_OPT_STR,
	    .target = &cfg.dir, .cmds = LEDGER, .required = LEDGER,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "subject", .arg = "DN", .desc = "subject DN (init; sign: override)",
	    .type = CK_OPT_STR, .target = &cfg.subject, .cmds = INIT | SIGN, .required = INIT },
	{ .name = "template", .arg = "FILE|NAME", .desc = "certificate template",
	    .type = CK_OPT_STR, .target = &cfg.tmpl, .cmds = SIGN, .required = SIGN },
	{ .name = "csr", .arg = "FILE", .desc = "a request (PEM or DER; sign: repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.csrs, .cmds = SIGN, .required = SIGN,
	    .synopsis = "--csr FILE ...", .complete = CK_COMPLETE_FILE },
	{ .name = "url", .arg = "URL", .desc = "the remote CA (CFSSL API)", .type = CK_OPT_STR,
	    .target = &cfg.url, .cmds = ENROLL, .required = ENROLL },
	{ .name = "csr", .arg = "FILE", .type = CK_OPT_LIST, .target = &cfg.csrs,
	    .cmds = ENROLL, .required = ENROLL, .complete = CK_COMPLETE_FILE },
	{ .name = "key-type", .arg = "rsa|ec", .desc = "the new CA key", .type = CK_OPT_STR,
	    .target = &cfg.key_type, .cmds = INIT, .complete = "rsa ec" },
	{ .name = "bits", .arg = "N", .desc = "RSA key size", .type = CK_OPT_LONG,
	    .target = &cfg.bits, .min = 256, .max = 16384, .cmds = INIT },
	{ .name = "days", .arg = "N", .desc = "validity (crl: until the next update)",
	    .type = CK_OPT_LONG, .target = &cfg.days, .min = 1, .max = 36500,
	    .cmds = INIT | SIGN | CRL },
	{ .name = "not-before", .arg = "TIME", .desc = "start of validity",
	    .type = CK_OPT_PARSE, .target = &cfg.not_before, .parse = parse_time,
	    .cmds = INIT | SIGN },
	{ .name = "not-after", .arg = "TIME", .desc = "end of validity",
	    .type = CK_OPT_PARSE, .target = &cfg.not_after, .parse = parse_time,
	    .cmds = INIT | SIGN },
	{ .name = "path-len", .arg = "N", .desc = "pathLenConstraint of the new CA",
	    .type = CK_OPT_LONG, .target = &cfg.path_len, .min = 0, .max = 255, .cmds = INIT },
	{ .name = "parent", .arg = "DIR", .desc = "the issuing CA of a subordinate",
	    .type = CK_OPT_STR, .target = &cfg.parent, .cmds = INIT,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "parent-password-file", .arg = "F", .desc = "the parent's key password",
	    .type = CK_OPT_STR, .target = &cfg.parent_pw_file, .cmds = INIT,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "policy", .arg = "amt", .desc = "refuse what AMT cannot use",
	    .type = CK_OPT_STR, .target = &cfg.policy, .cmds = INIT, .complete = "amt" },
	{ .name = "key-password-file", .arg = "F", .desc = "the CA key's password",
	    .type = CK_OPT_STR, .target = &cfg.pw_file, .cmds = INIT | SIGN | APPROVE | CRL,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "aia-url", .arg = "URL", .desc = "caIssuers URL in issued certificates",
	    .type = CK_OPT_STR, .target = &cfg.aia, .cmds = INIT },
	{ .name = "crl-url", .arg = "URL", .desc = "CRL distribution point",
	    .type = CK_OPT_STR, .target = &cfg.crl, .cmds = INIT },
	{ .name = "ocsp-url", .arg = "URL", .desc = "OCSP responder URL",
	    .type = CK_OPT_STR, .target = &cfg.ocsp, .cmds = INIT },
	{ .name = "requester", .arg = "NAME", .desc = "who asked (kept in the ledger)",
	    .type = CK_OPT_STR, .target = &cfg.requester, .cmds = SIGN },
	{ .name = "san", .arg = "NAMES", .desc = "subject alternative names (override)",
	    .type = CK_OPT_STR, .target = &cfg.san, .cmds = SIGN },
	{ .name = "templates", .arg = "DIR", .desc = "where template NAMEs are found",
	    .type = CK_OPT_STR, .target = &cfg.templates, .cmds = SIGN,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "status", .arg = "issued|pending|revoked|denied", .desc = "only these",
	    .type = CK_OPT_PARSE, .target = &cfg.status, .parse = parse_status, .cmds = LIST,
	    .complete = "issued pending revoked denied" },
	{ .name = "reason", .arg = "NAME", .desc = "CRL reason (e.g. key_compromise)",
	    .type = CK_OPT_STR, .target = &cfg.reason, .cmds = REVOKE,
	    .complete = "unspecified key_compromise ca_compromise affiliation_changed "
	    "superseded cessation_of_operation certificate_hold privilege_withdrawn "
	    "aa_compromise" },
	{ .name = "profile", .arg = "P", .desc = "the remote CA's profile",
	    .type = CK_OPT_STR, .target = &cfg.profile, .cmds = ENROLL },
	{ .name = "label", .arg = "L", .desc = "the remote CA's signer label",
	    .type = CK_OPT_STR, .target = &cfg.label, .cmds = ENROLL },
	{ .name = "cacert", .arg = "F", .desc = "CA certificates for an https URL",
	    .type = CK_OPT_STR, .target = &cfg.cacert, .cmds = ENROLL,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "at", .arg = "TIME", .desc = "the time to act at instead of now",
	    .type = CK_OPT_STR, .target = &cfg.at, .cmds = LEDGER },
	{ .name = "format", .arg = "json|text|cfssl", .desc = "output format",
	    .type = CK_OPT_STR, .target = &fmt, .complete = "json text cfssl" },
	{ .name = "lock-timeout", .arg = "SECONDS", .desc = "wait for the ledger lock (30)",
	    .type = CK_OPT_LONG, .target = &cfg.lock_s, .min = 0, .max = 86400,
	    .cmds = LEDGER },
	{ .name = "sync", .arg = "normal|full", .desc = "ledger durability",
	    .type = CK_OPT_STR, .target = &cfg.sync, .cmds = LEDGER,
	    .complete = "normal full" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-issue", .opts = opts, .cmds = cmds };

static int
usage_error(const char *msg, const char *arg)
{
	ck_warnx("%s: %s%s%s", cfg.cmd, msg, arg ? " " : "", arg ? arg : "");
	ck_opt_usage(&tool, stderr);
	return CK_UNKNOWN;
}

int
main(int argc, char **argv)
{
	static const char *const formats[] = { "json", "text", "cfssl", NULL };
	const char *arg = NULL;
	struct passwd *pw;
	struct ck_err e;
	int first, cmd, st;

	ck_tool_init("cert-issue");
	cfg.lock_s = 30;
	cfg.path_len = -1;
	cfg.sync = getenv("CERTKIT_LEDGER_SYNC");
	switch (ck_opt_parse(&tool, argc, argv, &first, &cmd)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	cfg.cmd = cmds[cmd].name;
	if (first < argc)
		arg = argv[first++];
	if (first < argc)
		return usage_error("unexpected argument", argv[first]);
	if ((cfg.fmt = ck_format_option(fmt, formats, stdout)) < 0) {
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	if (cfg.sync && *cfg.sync && strcmp(cfg.sync, "normal") != 0 &&
	    strcmp(cfg.sync, "full") != 0) {
		ck_warnx("bad --sync '%s': normal|full", cfg.sync);
		return CK_UNKNOWN;
	}
	if (cfg.not_after && cfg.days) {
		ck_warnx("--days and --not-after exclude each other");
		return CK_UNKNOWN;
	}
	if (cfg.not_before && cfg.not_after && cfg.not_after <= cfg.not_before) {
		ck_warnx("--not-after must be later than --not-before");
		return CK_UNKNOWN;
	}
	if ((cmds[cmd].operands != NULL) != (arg != NULL))
		return usage_error(arg ? "unexpected argument" : "missing",
		    arg ? arg : cmds[cmd].operands);
	if ((1 << cmd) == ENROLL && cfg.csrs.n != 1)
		return usage_error("one --csr", NULL);
	if (ck_clock_init(&cfg.clock, cfg.at, &e) == -1) {
		ck_warnx("%s", e.msg);
		return CK_UNKNOWN;
	}
	pw = getpwuid(geteuid());
	snprintf(cfg.who, sizeof(cfg.who), "%s", pw ? pw->pw_name : "unknown");
	switch (1 << cmd) {
	case INIT: st = cmd_init(); break;
	case SIGN: st = cmd_sign(); break;
	case LIST: st = cmd_read(NULL); break;
	case SHOW: st = cmd_read(arg); break;
	case APPROVE: st = cmd_approve(arg); break;
	case DENY: st = cmd_deny(arg); break;
	case REVOKE: st = cmd_revoke(arg); break;
	case CRL: st = cmd_crl(); break;
	default: st = cmd_enroll(); break;
	}
	ck_strv_release(&cfg.csrs);
	return ck_close_stdout() ? CK_UNKNOWN : st;
}
