/*
 * cert-issue: a local CA with a durable ledger, and enrollment with a
 * remote CA over the CFSSL API.  See man/cert-issue.1.
 */
#include <getopt.h>
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
#include "ck_record.h"
#include "ck_tmpl.h"
#include "ck_tool.h"

#define FMT_CFSSL 2
#define MAX_CSRS 100000

static const char usage_text[] =
"usage: cert-issue init --dir DIR --subject DN [--key-type rsa|ec] [--bits N]\n"
"                  [--days N] [--not-before TIME] [--not-after TIME]\n"
"                  [--path-len N] [--parent DIR] [--parent-password-file F]\n"
"                  [--policy amt] [--key-password-file F] [--aia-url URL]\n"
"                  [--crl-url URL] [--ocsp-url URL]\n"
"       cert-issue sign --dir DIR --template FILE|NAME --csr FILE ...\n"
"                  [--requester NAME] [--days N] [--not-before TIME]\n"
"                  [--not-after TIME] [--subject DN] [--san NAMES]\n"
"                  [--templates DIR] [--key-password-file F]\n"
"       cert-issue list --dir DIR [--status issued|pending|revoked|denied]\n"
"       cert-issue show --dir DIR ID|SERIAL\n"
"       cert-issue approve --dir DIR [--key-password-file F] ID\n"
"       cert-issue deny --dir DIR ID\n"
"       cert-issue revoke --dir DIR [--reason NAME] SERIAL\n"
"       cert-issue crl --dir DIR [--days N] [--key-password-file F]\n"
"       cert-issue enroll --url URL --csr FILE [--profile P] [--label L]\n"
"                  [--cacert F]\n"
"       common options: [--at TIME] [--format json|text|cfssl]\n"
"                  [--lock-timeout SECONDS] [--sync normal|full]\n";

static struct {
	const char *cmd, *dir, *subject, *key_type, *parent, *parent_pw_file;
	const char *policy, *pw_file, *aia, *crl, *ocsp, *tmpl, *requester, *san;
	const char *templates, *status, *reason, *url, *profile, *label, *cacert, *at;
	const char *sync;
	const char **csrs;
	size_t ncsr;
	long bits, days, lock_s, path_len;
	time_t not_before, not_after;
	int fmt;
	struct ck_clock clock;
	char who[64];
} cfg;

static void
usage(FILE *fp)
{
	fputs(usage_text, fp);
}

static int
fail(const char *src, const struct ck_err *e)
{
	ck_report(cfg.fmt == CK_FMT_JSON ? stdout : NULL, src, e);
	return e->code == CK_E_POLICY ? CK_CRITICAL : CK_UNKNOWN;
}

static char *
ledger_path(void)
{
	size_t n = strlen(cfg.dir) + sizeof(CK_LEDGER_FILE) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", cfg.dir, CK_LEDGER_FILE);
	return p;
}

static struct ck_ledger *
open_ledger(const char *dir, struct ck_err *err)
{
	size_t n = strlen(dir) + sizeof(CK_LEDGER_FILE) + 2;
	char *p = malloc(n);
	struct ck_ledger *l;

	if (p == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	snprintf(p, n, "%s/%s", dir, CK_LEDGER_FILE);
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
	if (cfg.subject == NULL) {
		ck_warnx("init: --subject is required");
		return CK_UNKNOWN;
	}
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
	if (cfg.tmpl == NULL || cfg.ncsr == 0) {
		ck_warnx("sign: --template and --csr are required");
		return CK_UNKNOWN;
	}
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
	for (i = 0; i < cfg.ncsr; i++) {
		struct ck_issue_req ir;
		X509_REQ *req;
		char *csr = NULL;
		size_t csr_len = 0;
		int rc;

		ck_err_clear(&e);
		if ((req = ck_csr_read(cfg.csrs[i], &e)) == NULL) {
			st = ck_status_worse(st, fail(cfg.csrs[i], &e));
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
			st = ck_status_worse(st, fail(cfg.csrs[i], &e));
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
			st = ck_status_worse(st, fail(cfg.csrs[i], &e));
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
	static const char *const statuses[] = { "issued", "pending", "revoked", "denied" };
	size_t i;

	ck_err_clear(&e);
	if (cfg.status) {
		for (i = 0; i < 4 && strcmp(cfg.status, statuses[i]) != 0; i++)
			;
		if (i == 4) {
			ck_warnx("bad --status '%s': issued|pending|revoked|denied", cfg.status);
			return CK_UNKNOWN;
		}
	}
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
	if (cfg.url == NULL || cfg.ncsr != 1) {
		ck_warnx("enroll: --url and one --csr are required");
		return CK_UNKNOWN;
	}
	if ((req = ck_csr_read(cfg.csrs[0], &e)) == NULL)
		return fail(cfg.csrs[0], &e);
	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509_REQ(b, req) ||
	    (n = BIO_get_mem_data(b, &pem)) <= 0) {
		ck_err_set(&e, CK_E_NOMEM, "out of memory");
		st = fail(cfg.csrs[0], &e);
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

enum {
	O_DIR = 256, O_SUBJECT, O_KEYTYPE, O_BITS, O_DAYS, O_PARENT, O_PPW, O_POLICY,
	O_PW, O_AIA, O_CRL, O_OCSP, O_TEMPLATE, O_CSR, O_REQUESTER, O_SAN, O_TEMPLATES,
	O_STATUS, O_REASON, O_URL, O_PROFILE, O_LABEL, O_CACERT, O_AT, O_FORMAT,
	O_LOCK, O_VERSION, O_NOTBEFORE, O_NOTAFTER, O_PATHLEN, O_SYNC
};

static const struct option longopts[] = {
	{ "dir", required_argument, NULL, O_DIR },
	{ "subject", required_argument, NULL, O_SUBJECT },
	{ "key-type", required_argument, NULL, O_KEYTYPE },
	{ "bits", required_argument, NULL, O_BITS },
	{ "days", required_argument, NULL, O_DAYS },
	{ "parent", required_argument, NULL, O_PARENT },
	{ "parent-password-file", required_argument, NULL, O_PPW },
	{ "policy", required_argument, NULL, O_POLICY },
	{ "key-password-file", required_argument, NULL, O_PW },
	{ "aia-url", required_argument, NULL, O_AIA },
	{ "crl-url", required_argument, NULL, O_CRL },
	{ "ocsp-url", required_argument, NULL, O_OCSP },
	{ "template", required_argument, NULL, O_TEMPLATE },
	{ "csr", required_argument, NULL, O_CSR },
	{ "requester", required_argument, NULL, O_REQUESTER },
	{ "san", required_argument, NULL, O_SAN },
	{ "templates", required_argument, NULL, O_TEMPLATES },
	{ "status", required_argument, NULL, O_STATUS },
	{ "reason", required_argument, NULL, O_REASON },
	{ "url", required_argument, NULL, O_URL },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "label", required_argument, NULL, O_LABEL },
	{ "cacert", required_argument, NULL, O_CACERT },
	{ "at", required_argument, NULL, O_AT },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "lock-timeout", required_argument, NULL, O_LOCK },
	{ "not-before", required_argument, NULL, O_NOTBEFORE },
	{ "not-after", required_argument, NULL, O_NOTAFTER },
	{ "path-len", required_argument, NULL, O_PATHLEN },
	{ "sync", required_argument, NULL, O_SYNC },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

static int
time_opt(const char *s, time_t *out)
{
	struct ck_err e;

	if (ck_time_parse(s, out, &e) == -1) {
		ck_warnx("bad time '%s': %s", s, e.msg);
		return -1;
	}
	return 0;
}

static int
num_opt(const char *s, long min, long max, long *out)
{
	struct ck_err e;

	if (ck_parse_long(s, min, max, out, &e) == -1) {
		ck_warnx("%s", e.msg);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *fmt = NULL, *arg = NULL;
	struct passwd *pw;
	struct ck_err e;
	int c, st;

	ck_tool_init("cert-issue");
	cfg.lock_s = 30;
	cfg.path_len = -1;
	cfg.sync = getenv("CERTKIT_LEDGER_SYNC");
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return CK_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		ck_print_version();
		return CK_OK;
	}
	if (argc < 2 || argv[1][0] == '-') {
		usage(stderr);
		return CK_UNKNOWN;
	}
	cfg.cmd = argv[1];
	if ((cfg.csrs = calloc((size_t)argc, sizeof(*cfg.csrs))) == NULL)
		return CK_UNKNOWN;
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DIR: cfg.dir = optarg; break;
		case O_SUBJECT: cfg.subject = optarg; break;
		case O_KEYTYPE: cfg.key_type = optarg; break;
		case O_BITS: if (num_opt(optarg, 256, 16384, &cfg.bits)) return CK_UNKNOWN; break;
		case O_DAYS: if (num_opt(optarg, 1, 36500, &cfg.days)) return CK_UNKNOWN; break;
		case O_PARENT: cfg.parent = optarg; break;
		case O_PPW: cfg.parent_pw_file = optarg; break;
		case O_POLICY: cfg.policy = optarg; break;
		case O_PW: cfg.pw_file = optarg; break;
		case O_AIA: cfg.aia = optarg; break;
		case O_CRL: cfg.crl = optarg; break;
		case O_OCSP: cfg.ocsp = optarg; break;
		case O_TEMPLATE: cfg.tmpl = optarg; break;
		case O_CSR: cfg.csrs[cfg.ncsr++] = optarg; break;
		case O_REQUESTER: cfg.requester = optarg; break;
		case O_SAN: cfg.san = optarg; break;
		case O_TEMPLATES: cfg.templates = optarg; break;
		case O_STATUS: cfg.status = optarg; break;
		case O_REASON: cfg.reason = optarg; break;
		case O_URL: cfg.url = optarg; break;
		case O_PROFILE: cfg.profile = optarg; break;
		case O_LABEL: cfg.label = optarg; break;
		case O_CACERT: cfg.cacert = optarg; break;
		case O_AT: cfg.at = optarg; break;
		case O_FORMAT: fmt = optarg; break;
		case O_LOCK: if (num_opt(optarg, 0, 86400, &cfg.lock_s)) return CK_UNKNOWN; break;
		case O_NOTBEFORE: if (time_opt(optarg, &cfg.not_before)) return CK_UNKNOWN; break;
		case O_NOTAFTER: if (time_opt(optarg, &cfg.not_after)) return CK_UNKNOWN; break;
		case O_PATHLEN: if (num_opt(optarg, 0, 255, &cfg.path_len)) return CK_UNKNOWN; break;
		case O_SYNC: cfg.sync = optarg; break;
		case O_VERSION: ck_print_version(); return CK_OK;
		case 'h': usage(stdout); return CK_OK;
		default: usage(stderr); return CK_UNKNOWN;
		}
	}
	if (optind < argc)
		arg = argv[optind++];
	if (optind < argc) {
		ck_warnx("unexpected argument '%s'", argv[optind]);
		return CK_UNKNOWN;
	}
	if (fmt && strcmp(fmt, "cfssl") == 0) {
		cfg.fmt = FMT_CFSSL;
	} else if ((cfg.fmt = ck_format_parse(fmt, stdout)) == -1) {
		ck_warnx("bad --format '%s': json|text|cfssl", fmt);
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
	if (cfg.path_len >= 0 && strcmp(cfg.cmd, "init") != 0) {
		ck_warnx("--path-len is an init option");
		return CK_UNKNOWN;
	}
	if (ck_clock_init(&cfg.clock, cfg.at, &e) == -1) {
		ck_warnx("%s", e.msg);
		return CK_UNKNOWN;
	}
	pw = getpwuid(geteuid());
	snprintf(cfg.who, sizeof(cfg.who), "%s", pw ? pw->pw_name : "unknown");

	if (strcmp(cfg.cmd, "enroll") == 0) {
		st = cmd_enroll();
		goto done;
	}
	if (cfg.dir == NULL) {
		ck_warnx("%s: --dir is required", cfg.cmd);
		return CK_UNKNOWN;
	}
	if (strcmp(cfg.cmd, "init") == 0 || strcmp(cfg.cmd, "sign") == 0 ||
	    strcmp(cfg.cmd, "list") == 0 || strcmp(cfg.cmd, "crl") == 0) {
		if (arg) {
			ck_warnx("%s: unexpected argument '%s'", cfg.cmd, arg);
			return CK_UNKNOWN;
		}
	} else if (arg == NULL && strcmp(cfg.cmd, "init") != 0) {
		ck_warnx("%s: missing %s", cfg.cmd,
		    strcmp(cfg.cmd, "revoke") == 0 ? "SERIAL" : "ID");
		return CK_UNKNOWN;
	}
	if (strcmp(cfg.cmd, "init") == 0)
		st = cmd_init();
	else if (strcmp(cfg.cmd, "sign") == 0)
		st = cmd_sign();
	else if (strcmp(cfg.cmd, "list") == 0)
		st = cmd_read(NULL);
	else if (strcmp(cfg.cmd, "show") == 0)
		st = cmd_read(arg);
	else if (strcmp(cfg.cmd, "approve") == 0)
		st = cmd_approve(arg);
	else if (strcmp(cfg.cmd, "deny") == 0)
		st = cmd_deny(arg);
	else if (strcmp(cfg.cmd, "revoke") == 0)
		st = cmd_revoke(arg);
	else if (strcmp(cfg.cmd, "crl") == 0)
		st = cmd_crl();
	else {
		ck_warnx("unknown command '%s'", cfg.cmd);
		usage(stderr);
		return CK_UNKNOWN;
	}
done:
	free(cfg.csrs);
	return ck_close_stdout() ? CK_UNKNOWN : st;
}
