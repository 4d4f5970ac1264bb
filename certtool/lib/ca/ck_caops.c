/*
 * ck_caops: cert-issue's commands as library calls (see ck_caops.h).
 */
#include "ck_caops.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ck_clock.h"
#include "ck_key.h"
#include "ck_path.h"
#include "ck_pool.h"
#include "ck_record.h"
#include "ck_tool.h"

static struct ck_ledger *
open_ledger(const char *dir, int lock_ms, int sync_full, struct ck_err *err)
{
	char *p = ck_path_join(dir, CK_LEDGER_FILE);
	struct ck_ledger *l;

	if (p == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	l = ck_ledger_open(p, lock_ms, err);
	free(p);
	if (l != NULL && sync_full && ck_ledger_set_sync(l, 1, err) == -1) {
		ck_ledger_close(l);
		return NULL;
	}
	return l;
}

/* Loads ca's key once, with the password from pw_file when given. */
static int
load_key(struct ck_ca *ca, const char *pw_file, struct ck_err *err)
{
	char *pw = NULL;
	int rv;

	if (ca->key != NULL)
		return 0;
	if (pw_file != NULL && (pw = ck_secret_from_file(pw_file, err)) == NULL)
		return -1;
	rv = ck_ca_load_key(ca, pw, err);
	ck_secret_free(pw);
	return rv;
}

int
ck_caops_open(struct ck_caops *c, const char *dir, int lock_ms, int sync_full, int need_ca,
    struct ck_err *err)
{
	memset(c, 0, sizeof(*c));
	if ((c->ledger = open_ledger(dir, lock_ms, sync_full, err)) == NULL)
		return -1;
	/*
	 * The commands that sign with the CA's key (sign, approve, crl): the CA
	 * certificate, the requests and the key decode the legacy way, which
	 * halves the instructions of a one-request process (ck_key.h).
	 */
	if (need_ca)
		ck_key_legacy_on();
	if (need_ca && (c->ca = ck_ca_open(dir, c->ledger, err)) == NULL) {
		ck_ledger_close(c->ledger);
		c->ledger = NULL;
		return -1;
	}
	return 0;
}

void
ck_caops_close(struct ck_caops *c)
{
	/* An open batch is rolled back by the ledger: nothing held was printed. */
	ck_blobs_release(&c->held);
	c->batch = 0;
	ck_ca_free(c->ca);
	ck_ledger_close(c->ledger);
	c->ca = NULL;
	c->ledger = NULL;
}

int
ck_caops_key(struct ck_caops *c, struct ck_err *err)
{
	return load_key(c->ca, c->key_pw_file, err);
}

static void
now_str(const struct ck_caops *c, char buf[CK_TIME_LEN])
{
	ck_time_format(c->now, buf);
}

/* A certificate's DER, malloc'd. */
static int
cert_der(X509 *x, unsigned char **der, size_t *len, struct ck_err *err)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	if (n <= 0 || (*der = malloc((size_t)n)) == NULL) {
		OPENSSL_free(p);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	memcpy(*der, p, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(p);
	return 0;
}

int
ck_caops_init(struct ck_ca_init_opts *o, const char *pw_file, const char *parent_dir,
    const char *parent_pw_file, int lock_ms, int sync_full, unsigned char **der, size_t *len,
    const char **where, struct ck_err *err)
{
	struct ck_ledger *pl = NULL;
	struct ck_ca *parent = NULL, *ca = NULL;
	char *pw = NULL;
	int rv = -1;

	*der = NULL;
	*where = o->dir;
	/* The new CA key is encrypted with it: an empty password would protect nothing. */
	if (pw_file != NULL && ((pw = ck_secret_from_file(pw_file, err)) == NULL ||
	    ck_secret_require(pw, "the key password (first line of the file)", err) != 0)) {
		*where = pw_file;
		goto out;
	}
	o->password = pw;
	if (parent_dir != NULL) {
		*where = parent_dir;
		if ((pl = open_ledger(parent_dir, lock_ms, sync_full, err)) == NULL ||
		    (parent = ck_ca_open(parent_dir, pl, err)) == NULL)
			goto out;
		/* The policy decides before the parent's key is touched. */
		if (ck_policy_check_key(o->policy, X509_get0_pubkey(parent->cert), "parent CA",
		    err) == -1 || load_key(parent, parent_pw_file, err) == -1)
			goto out;
		o->parent = parent;
		o->parent_ledger = pl;
		*where = o->dir;
	}
	if (ck_ca_init(o, err) == -1 || (ca = ck_ca_open(o->dir, NULL, err)) == NULL ||
	    cert_der(ca->cert, der, len, err) == -1)
		goto out;
	rv = 0;
out:
	o->password = NULL;
	ck_secret_free(pw);
	ck_ca_free(ca);
	ck_ca_free(parent);
	ck_ledger_close(pl);
	return rv;
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

/* A certificate built and signed, not yet in the ledger. */
struct issued {
	unsigned char *der;
	size_t len;
	char *serial, *subject;
	char not_after[CK_TIME_LEN];
};

static void
issued_release(struct issued *s)
{
	free(s->der);
	free(s->serial);
	free(s->subject);
	memset(s, 0, sizeof(*s));
}

static int
issue(struct ck_caops *c, const struct ck_issue_req *ir, struct issued *s, struct ck_err *err)
{
	return ck_issue_cert(c->ca, ir, &s->der, &s->len, &s->serial, &s->subject, s->not_after,
	    err);
}

/*
 * Commits an issued certificate to the ledger, and only then hands it to
 * out.cert (or, in a batch, holds it until the batch commits): a
 * certificate that was printed is always in the ledger.  A serial
 * collision (never seen with 126 random bits, but the schema refuses it)
 * signs ir again with a new serial, up to 5 tries in all.
 */
static int
record(struct ck_caops *c, const struct ck_issue_req *ir, struct issued *s, long long req_id,
    const char *tname, const unsigned char *csr_der, size_t csr_len, struct ck_err *err)
{
	struct ck_ledger_row r;
	char at[CK_TIME_LEN];
	int tries, rc = -1;
	long long id = 0;

	now_str(c, at);
	for (tries = 0; tries < 5; tries++) {
		if (tries > 0) {
			issued_release(s);
			if (issue(c, ir, s, err) == -1)
				return -1;
		}
		memset(&r, 0, sizeof(r));
		r.id = req_id;
		r.template = tname;
		r.subject = s->subject;
		r.requester = c->requester;
		r.csr = csr_der;
		r.csr_len = csr_len;
		r.serial = s->serial;
		r.der = s->der;
		r.der_len = s->len;
		r.not_after = s->not_after;
		rc = ck_ledger_issue(c->ledger, &r, at, c->who, &id, err);
		if (rc != -2)
			break;
	}
	if (rc == 0 && c->batch) {
		if (ck_blobs_add(&c->held, s->der, s->len) != 0)
			rc = ck_err_set(err, CK_E_NOMEM, "out of memory");
	} else if (rc == 0) {
		rc = c->out.cert(c->out.arg, s->der, s->len);
	} else {
		rc = -1;
	}
	return rc;
}

/* Issues one certificate and records it (record()). */
static int
issue_and_record(struct ck_caops *c, const struct ck_issue_req *ir, long long req_id,
    const char *tname, const unsigned char *csr_der, size_t csr_len, struct ck_err *err)
{
	struct issued s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (issue(c, ir, &s, err) == -1)
		return -1;
	rc = record(c, ir, &s, req_id, tname, csr_der, csr_len, err);
	issued_release(&s);
	return rc;
}

int
ck_caops_batch_begin(struct ck_caops *c, struct ck_err *err)
{
	if (ck_ledger_batch_begin(c->ledger, err) == -1)
		return -1;
	c->batch = 1;
	return 0;
}

int
ck_caops_batch_end(struct ck_caops *c, struct ck_err *err)
{
	int rv = 0;

	if (!c->batch)
		return 0;
	c->batch = 0;
	if (ck_ledger_batch_commit(c->ledger, err) == -1) {
		ck_err_prefix(err, "%zu certificates not issued", c->held.n);
		rv = -1;
	} else {
		for (size_t i = 0; i < c->held.n; i++)
			if (c->out.cert(c->out.arg, c->held.v[i].data, c->held.v[i].len) != 0)
				rv = -1;
	}
	ck_blobs_release(&c->held);
	return rv;
}

int
ck_caops_batch_flush(struct ck_caops *c, struct ck_err *err)
{
	if (!c->batch || c->held.n == 0)
		return 0;
	if (ck_caops_batch_end(c, err) == -1)
		return -1;
	return ck_caops_batch_begin(c, err);
}

/* Queues a request for approval with what it needs to be issued later. */
static int
store_pending(struct ck_caops *c, const struct ck_issue_req *ir, const json_t *tmpl,
    struct ck_err *err)
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
		subj = ck_dn_string(X509_REQ_get_subject_name(ir->csr));
	}
	if ((ptext = ck_record_dumps(params)) == NULL || subj == NULL ||
	    (csr = csr_to_der(ir->csr, &csr_len)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.template = json_string_value(json_object_get(tmpl, "name"));
	r.subject = subj;
	r.requester = c->requester;
	r.csr = (unsigned char *)csr;
	r.csr_len = csr_len;
	r.params = ptext;
	now_str(c, at);
	if (ck_ledger_request_add(c->ledger, &r, at, c->who, &id, err) == -1)
		goto out;
	r.id = id;
	r.status = "pending";
	r.created = at;
	rv = c->out.request(c->out.arg, &r);
out:
	json_decref(params);
	free(ptext);
	free(subj);
	free(csr);
	return rv;
}

/* The request against the template, before any key is read. */
static int
sign_check(const struct ck_caops *c, const json_t *tmpl, struct ck_issue_req *ir,
    struct ck_err *err)
{
	ir->tmpl = tmpl;
	ir->now = c->now;
	if (ck_csr_check(ir->csr, tmpl, err) == -1 || ck_issue_precheck(ir, err) == -1)
		return -1;
	return 0;
}

int
ck_caops_sign(struct ck_caops *c, const json_t *tmpl, int pending, struct ck_issue_req *ir,
    struct ck_err *err)
{
	char *csr;
	size_t csr_len = 0;
	int rc;

	if (sign_check(c, tmpl, ir, err) == -1)
		return -1;
	if (pending)
		return store_pending(c, ir, tmpl, err);
	if (ck_caops_key(c, err) == -1)
		return -2;
	if ((csr = csr_to_der(ir->csr, &csr_len)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	rc = issue_and_record(c, ir, 0, json_string_value(json_object_get(tmpl, "name")),
	    (unsigned char *)csr, csr_len, err);
	free(csr);
	return rc;
}

/* Copy of the row fields approve and deny need (rows live only in the callback). */
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

int
ck_caops_approve(struct ck_caops *c, const char *key, struct ck_err *err)
{
	struct found f;
	struct ck_issue_req ir;
	json_t *params = NULL;
	X509_REQ *req = NULL;
	int rv = -1;

	memset(&f, 0, sizeof(f));
	if (ck_ledger_find(c->ledger, key, grab_row, &f, err) == -1)
		goto out;
	if (strcmp(f.status, "pending") != 0) {
		ck_err_set(err, CK_E_POLICY, "request %lld is %s, not pending", f.id, f.status);
		goto out;
	}
	if (f.params == NULL || (params = json_loads(f.params, 0, NULL)) == NULL ||
	    f.csr == NULL || (req = ck_csr_from_der(f.csr, f.csr_len, err)) == NULL) {
		if (err->code == CK_E_NONE)
			ck_err_set(err, CK_E_DB, "request %lld: stored request is damaged", f.id);
		goto out;
	}
	memset(&ir, 0, sizeof(ir));
	ir.csr = req;
	ir.tmpl = json_object_get(params, "template");
	ir.subject = json_string_value(json_object_get(params, "subject"));
	ir.san = json_string_value(json_object_get(params, "san"));
	ir.days = (long)json_integer_value(json_object_get(params, "days"));
	ir.now = c->now;
	ir.not_before = (time_t)json_integer_value(json_object_get(params, "not_before"));
	ir.not_after = (time_t)json_integer_value(json_object_get(params, "not_after"));
	if (ck_caops_key(c, err) == -1) {
		rv = -2;
		goto out;
	}
	rv = issue_and_record(c, &ir, f.id, json_string_value(json_object_get(ir.tmpl, "name")),
	    NULL, 0, err);
out:
	X509_REQ_free(req);
	json_decref(params);
	free(f.csr);
	free(f.params);
	return rv;
}

static int
emit_row(const struct ck_ledger_row *r, void *arg)
{
	const struct ck_caops *c = arg;

	return c->out.request(c->out.arg, r) == -1 ? -1 : 0;
}

int
ck_caops_deny(struct ck_caops *c, const char *key, struct ck_err *err)
{
	struct found f;
	char at[CK_TIME_LEN];
	int rv = 0;

	memset(&f, 0, sizeof(f));
	now_str(c, at);
	if (ck_ledger_find(c->ledger, key, grab_row, &f, err) == -1 ||
	    ck_ledger_deny(c->ledger, f.id, at, c->who, err) == -1 ||
	    ck_ledger_find(c->ledger, key, emit_row, c, err) == -1)
		rv = -1;
	free(f.csr);
	free(f.params);
	return rv;
}

int
ck_caops_revoke(struct ck_caops *c, const char *serial, const char *reason,
    struct ck_err *err)
{
	char at[CK_TIME_LEN];

	now_str(c, at);
	if (ck_ledger_revoke(c->ledger, serial, reason, at, c->who, err) == -1 ||
	    ck_ledger_find(c->ledger, serial, emit_row, c, err) == -1)
		return -1;
	return 0;
}

struct crl_ctx {
	struct ck_ca *ca;
	time_t now, next;
	unsigned char *der;	/* copy kept to hand out after the commit */
	size_t len;
};

static int
crl_build(const struct ck_ledger_revoked *rv, size_t n, long long number, void *arg,
    unsigned char **der, size_t *len, struct ck_err *err)
{
	struct crl_ctx *x = arg;

	if (ck_issue_crl(x->ca, rv, n, number, x->now, x->next, der, len, err) == -1)
		return -1;
	free(x->der);
	if ((x->der = malloc(*len)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	memcpy(x->der, *der, *len);
	x->len = *len;
	return 0;
}

int
ck_caops_crl(struct ck_caops *c, long days, unsigned char **der, size_t *len,
    struct ck_err *err)
{
	struct crl_ctx x;
	char t1[CK_TIME_LEN], t2[CK_TIME_LEN];
	long long num = 0;

	memset(&x, 0, sizeof(x));
	x.ca = c->ca;
	x.now = c->now;
	x.next = c->now + (time_t)(days > 0 ? days : 7) * 86400;
	ck_time_format(x.now, t1);
	ck_time_format(x.next, t2);
	/* Handed out only after the ledger committed its number. */
	if (ck_ledger_crl(c->ledger, t1, t2, c->who, crl_build, &x, &num, err) == -1) {
		free(x.der);
		return -1;
	}
	*der = x.der;
	*len = x.len;
	return 0;
}

struct show {
	const struct ck_caops *c;
	int with_cert;
};

static int
show_row(const struct ck_ledger_row *r, void *arg)
{
	const struct show *s = arg;

	if (s->c->out.request(s->c->out.arg, r) == -1)
		return -1;
	if (s->with_cert && r->der != NULL && s->c->out.cert(s->c->out.arg, r->der, r->der_len) == -1)
		return -1;
	return 0;
}

int
ck_caops_show(struct ck_caops *c, const char *key, const char *status, int with_cert,
    struct ck_err *err)
{
	struct show s = { c, with_cert };

	if (key != NULL)
		return ck_ledger_find(c->ledger, key, show_row, &s, err) == -1 ? -1 : 0;
	return ck_ledger_each(c->ledger, status, show_row, &s, err) == -1 ? -1 : 0;
}

/* Prints what the open batch issued, then reports the error (request order). */
static int
flush_fail(struct ck_caops *c, const char *dir, const char *what, const struct ck_err *e)
{
	struct ck_err fe;
	int st = CK_OK;

	ck_err_clear(&fe);
	if (ck_caops_batch_flush(c, &fe) == -1)
		st = c->out.error(c->out.arg, dir, &fe);
	return ck_status_worse(st, c->out.error(c->out.arg, what, e));
}

/*
 * Signing on every core (ck_pool): workers read each request, check it,
 * and build and sign its certificate; the calling thread records them in
 * the ledger in input order, in the batch's one transaction, and reports
 * errors in that order too.  The ledger is touched by the calling thread
 * only.  The CA key is loaded by the first worker whose request is good
 * (as the sequential loop did: never for a batch of bad requests).
 */
struct sign_item {
	struct ck_issue_req ir;
	unsigned char *csr_der;
	size_t csr_len;
	struct issued s;
	const struct ck_err *err;	/* rc != 0: why (malloc'd, or &nomem); most need none */
	int rc;			/* 0 signed, -1 failed, -2 no CA key */
};

static const struct ck_err nomem = { CK_E_NOMEM, "out of memory" };

struct sign_run {
	struct ck_caops *c;
	const json_t *tmpl;
	const char *tname;
	const struct ck_issue_req *base;
	const char *dir;
	const char *const *files;
	struct sign_item *items;
	pthread_mutex_t key_mu;
	int key_state;		/* 0 not tried, 1 loaded, -1 failed (key_err) */
	struct ck_err key_err;
	int stop, st;
};

/* ck_caops_key once for all workers; a failure is remembered and repeated. */
static int
shared_key(struct sign_run *r, struct ck_err *err)
{
	int rc;

	pthread_mutex_lock(&r->key_mu);
	if (r->key_state == 0)
		r->key_state = ck_caops_key(r->c, &r->key_err) == 0 ? 1 : -1;
	rc = r->key_state;
	if (rc == -1)
		*err = r->key_err;
	pthread_mutex_unlock(&r->key_mu);
	return rc == 1 ? 0 : -1;
}

/* Item it failed with rc and e: e is kept with it until release. */
static void
sign_fail(struct sign_item *it, int rc, const struct ck_err *e)
{
	struct ck_err *copy = malloc(sizeof(*copy));

	it->rc = rc;
	if (copy != NULL)
		*copy = *e;
	it->err = copy != NULL ? copy : &nomem;
}

static void
sign_run_item(void *arg, size_t i)
{
	struct sign_run *r = arg;
	struct sign_item *it = &r->items[i];
	struct ck_err e;

	it->ir = *r->base;
	ck_err_clear(&e);
	if ((it->ir.csr = ck_csr_read(r->files[i], &e)) == NULL ||
	    sign_check(r->c, r->tmpl, &it->ir, &e) == -1) {
		sign_fail(it, -1, &e);
		return;
	}
	if (shared_key(r, &e) == -1) {
		sign_fail(it, -2, &e);
		return;
	}
	if ((it->csr_der = (unsigned char *)csr_to_der(it->ir.csr, &it->csr_len)) == NULL) {
		sign_fail(it, -1, &nomem);
		return;
	}
	if (issue(r->c, &it->ir, &it->s, &e) == -1)
		sign_fail(it, -1, &e);
}

static void
sign_done_item(void *arg, size_t i)
{
	struct sign_run *r = arg;
	struct sign_item *it = &r->items[i];
	struct ck_err e;

	if (r->stop)
		return;
	ck_err_clear(&e);
	if (it->rc == -2) {
		/* Without the key no request can be signed: stop. */
		r->st = ck_status_worse(r->st, flush_fail(r->c, r->dir, r->dir, it->err));
		r->stop = 1;
	} else if (it->rc == -1) {
		r->st = ck_status_worse(r->st, flush_fail(r->c, r->dir, r->files[i], it->err));
	} else if (record(r->c, &it->ir, &it->s, 0, r->tname, it->csr_der, it->csr_len,
	    &e) == -1) {
		r->st = ck_status_worse(r->st, flush_fail(r->c, r->dir, r->files[i], &e));
	}
}

static void
sign_release_item(void *arg, size_t i)
{
	struct sign_run *r = arg;
	struct sign_item *it = &r->items[i];

	X509_REQ_free(it->ir.csr);
	it->ir.csr = NULL;
	free(it->csr_der);
	it->csr_der = NULL;
	issued_release(&it->s);
	if (it->err != &nomem)
		free((struct ck_err *)it->err);
	it->err = NULL;
}

int
ck_caops_sign_files(struct ck_caops *c, const char *dir, const json_t *tmpl,
    const struct ck_issue_req *base, const char *const *files, size_t n)
{
	int pending = ck_issue_pending(tmpl), st = CK_OK, rc;
	struct ck_pool_ops ops = { .run = sign_run_item, .done = sign_done_item,
	    .release = sign_release_item };
	struct sign_run r;
	struct ck_err e;
	long jobs;
	size_t i;

	ck_err_clear(&e);
	if (!pending && n > 1 && ck_caops_batch_begin(c, &e) == -1)
		return c->out.error(c->out.arg, dir, &e);
	if (!pending) {
		memset(&r, 0, sizeof(r));
		if ((r.items = calloc(n, sizeof(*r.items))) == NULL) {
			ck_err_set(&e, CK_E_NOMEM, "out of memory");
			st = c->out.error(c->out.arg, dir, &e);
			ck_caops_batch_end(c, &e);
			return st;
		}
		r.c = c;
		r.tmpl = tmpl;
		r.tname = json_string_value(json_object_get(tmpl, "name"));
		r.base = base;
		r.dir = dir;
		r.files = files;
		pthread_mutex_init(&r.key_mu, NULL);
		/* The CA certificate's extension cache, filled before threads read it. */
		X509_get_extension_flags(c->ca->cert);
		ops.arg = &r;
		jobs = n > 1 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;	/* one request: no threads */
		ck_pool_run(&ops, n, jobs > 0 ? jobs : 1);
		pthread_mutex_destroy(&r.key_mu);
		free(r.items);
		st = r.st;
	}
	for (i = 0; pending && i < n; i++) {
		struct ck_issue_req ir = *base;

		ck_err_clear(&e);
		if ((ir.csr = ck_csr_read(files[i], &e)) == NULL) {
			st = ck_status_worse(st, flush_fail(c, dir, files[i], &e));
			continue;
		}
		rc = ck_caops_sign(c, tmpl, pending, &ir, &e);
		X509_REQ_free(ir.csr);
		if (rc == -2) {
			/* Without the key no request can be signed: stop. */
			st = ck_status_worse(st, flush_fail(c, dir, dir, &e));
			break;
		}
		if (rc == -1)
			st = ck_status_worse(st, flush_fail(c, dir, files[i], &e));
	}
	if (ck_caops_batch_end(c, &e) == -1)
		st = ck_status_worse(st, c->out.error(c->out.arg, dir, &e));
	return st;
}
