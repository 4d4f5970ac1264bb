#include "ck_amt_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_amt_hello.h"
#include "ck_amt_targets.h"
#include "ck_amt_text.h"
#include "ck_err.h"
#include "ck_net.h"
#include "ck_record.h"

void
ck_amt_run_init(struct ck_amt_run *r)
{
	memset(r, 0, sizeof(*r));
	r->out.text = ck_amt_print_text;
	r->out.flush = 1;
	r->out.format = CK_FMT_TEXT;
	ck_amt_discover_opts_init(&r->d);
	r->lo.max_conns = CK_AMT_LISTEN_MAX_CONNS;
	ck_amt_certs_init(&r->prov);
	ck_amt_certs_init(&r->named);
}

void
ck_amt_run_release(struct ck_amt_run *r)
{
	ck_amt_certs_release(&r->prov);
	ck_amt_certs_release(&r->named);
	ck_strv_release(&r->roots);
}

/* Adds the certificates of source to c; what could not be read is printed.  -1: out of memory. */
static long
load_certs(struct ck_amt_run *r, struct ck_amt_certs *c, const char *source, const char *password)
{
	long n = ck_amt_certs_load(c, source, password);
	size_t i;
	json_t *e;

	json_array_foreach(c->errors, i, e)
		ck_out_put(&r->out, json_incref(e));
	json_array_clear(c->errors);
	return n;
}

static int
load_roots(struct ck_amt_run *r)
{
	for (size_t i = 0; i < r->roots.n; i++)
		if (load_certs(r, &r->named, r->roots.v[i], NULL) < 0)
			return -1;
	return 0;
}

/* ---- hello ---- */

struct hello_ctx {
	struct ck_amt_run *r;
	int status;		/* the judgements' worst */
};

/* One Hello (from the listener or a file): decoded, judged, printed. */
static int
hello_one(void *arg, const char *peer, int port, const unsigned char *msg, size_t len,
    const struct ck_err *why)
{
	struct hello_ctx *hc = arg;
	struct ck_amt_run *r = hc->r;
	char src[128];
	json_t *rec;

	if (port > 0)
		snprintf(src, sizeof(src), "%s:%d", peer, port);
	else
		snprintf(src, sizeof(src), "%s", peer);
	if (why != NULL)
		rec = ck_error_record_err(src, why);
	else
		rec = ck_amt_hello_examine(msg, len, src, port > 0 ? peer : NULL,
		    r->chain ? &r->prov : NULL, &r->named, &hc->status);
	if (rec == NULL)
		return -1;
	return ck_out_put(&r->out, rec);
}

/* The chain's password, from a file or a variable (the variable wins).  0 or -1 (err set). */
static int
chain_password(const struct ck_amt_run *r, char **pw, struct ck_err *err)
{
	*pw = NULL;
	if (r->pwfile && (*pw = ck_secret_from_file(r->pwfile, err)) == NULL)
		return -1;
	if (r->pwenv) {
		ck_secret_free(*pw);
		if ((*pw = ck_secret_from_env(r->pwenv, err)) == NULL)
			return -1;
	}
	return 0;
}

int
ck_amt_run_hello(struct ck_amt_run *r)
{
	struct hello_ctx hc = { r, CK_OK };
	struct ck_amt_listener *l;
	struct ck_err err;
	unsigned char *buf;
	size_t len;
	char *pw;
	long n = 0;

	if (chain_password(r, &pw, &err) < 0)
		goto fail;
	if (r->chain)
		n = load_certs(r, &r->prov, r->chain, pw);
	ck_secret_free(pw);
	if (n < 0 || load_roots(r) < 0)
		goto nomem;
	if (r->decode != NULL) {
		if (ck_amt_hello_read(r->decode, &buf, &len, &err) != 0) {
			ck_out_put(&r->out, ck_error_record_err(r->decode, &err));
			return r->out.status;
		}
		hello_one(&hc, r->decode, 0, buf, len, NULL);
		free(buf);
		return ck_status_worse(hc.status, r->out.status);
	}
	if ((l = ck_amt_listen_open(r->listen, &err)) == NULL)
		goto fail;
	n = ck_amt_listen_run(l, &r->lo, hello_one, &hc, &err);
	ck_amt_listen_close(l);
	if (n < 0)
		goto fail;
	return ck_status_worse(hc.status, r->out.status);
nomem:
	ck_err_set(&err, CK_E_NOMEM, "out of memory");
fail:
	ck_warnx("%s", err.msg);
	return CK_UNKNOWN;
}

/* ---- roots ---- */

int
ck_amt_run_roots(struct ck_amt_run *r)
{
	struct ck_amt_hello *h;
	struct ck_err err;
	size_t i, matched;
	json_t *rec;

	if ((h = malloc(sizeof(*h))) == NULL) {	/* 13 KiB: not on the stack */
		ck_warnx("out of memory");
		return CK_UNKNOWN;
	}
	if (ck_amt_hello_load(r->hello, h, &err) != 0) {
		ck_out_put(&r->out, ck_error_record_err(r->hello, &err));
		free(h);
		return CK_UNKNOWN;
	}
	if (load_roots(r) < 0) {
		ck_warnx("out of memory");
		free(h);
		return CK_UNKNOWN;
	}
	matched = ck_amt_trust_roots(h, &r->named);
	free(h);
	json_array_foreach(r->named.recs, i, rec)
		ck_out_put(&r->out, json_incref(rec));
	/* The buyer's question: is any of these roots good for this device? */
	return ck_status_worse(r->out.status, matched > 0 ? CK_OK : CK_CRITICAL);
}

/* ---- discover ---- */

static int
emit_discovered(void *arg, json_t *rec)
{
	return ck_out_put(&((struct ck_amt_run *)arg)->out, rec);
}

static void
tick(void *arg)
{
	ck_progress_tick(&((struct ck_amt_run *)arg)->progress);
}

int
ck_amt_run_discover(struct ck_amt_run *r, char *const *hosts, size_t n)
{
	json_t *errors = json_array(), *e;
	struct ck_amt_targets *t;
	struct ck_err err;
	int status = CK_OK;
	long want = r->d.jobs;
	size_t i;

	if (errors == NULL || (t = ck_amt_targets_new(hosts, n, errors)) == NULL) {
		json_decref(errors);
		ck_warnx("out of memory");
		return CK_UNKNOWN;
	}
	json_array_foreach(errors, i, e)
		ck_out_put(&r->out, json_incref(e));
	json_decref(errors);
	r->d.tick = tick;
	if ((r->d.jobs = ck_net_jobs_fit(want, &err)) < want)
		ck_warnx("%s", err.msg);	/* lowered to the open file limit */
	ck_progress_init(&r->progress, "hosts");
	if (ck_amt_discover(&r->d, t, emit_discovered, r, &status, &err) != 0) {
		if (!ferror(stdout))	/* a closed pipe is said once, by ck_close_stdout */
			ck_warnx("%s", err.msg);
		status = CK_UNKNOWN;
	}
	ck_progress_done(&r->progress);
	ck_amt_targets_free(t);
	return ck_status_worse(status, r->out.status);
}
