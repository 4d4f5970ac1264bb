/*
 * ck_chain: the network (AIA, CRL, OCSP), cached per run.  With the engine
 * (ck_chain_prefetch_init), a batch's URLs are fetched ahead, all at once
 * (ck_chain_prefetch), and checks then find them in the cache; what is
 * left (LDAP, redirects, URLs the engine does not read as libcurl would)
 * goes through ck_fetch.
 */
#include "ck_chain_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_cert.h"
#include "ck_net.h"
#include "ck_pool.h"
#include "ck_clock.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_revoke.h"

/* FNV-1a of a cache key, for the URL tables. */
static unsigned
url_slot(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % URL_SLOTS;
}

/* The cache key of a GET (the URL) or a POST (see struct uentry); NULL: no memory. */
static char *
url_key(struct ck_chain_ctx *c, const char *url, const unsigned char *body, size_t body_len)
{
	unsigned char md[32];
	char hex[65], *k;
	size_t n;

	if (body == NULL)
		return strdup(url);
	if (!EVP_Digest(body, body_len, md, NULL, c->sha256, NULL)) {
		ERR_clear_error();
		return NULL;
	}
	ck_chain_hex32(md, hex);
	n = strlen(url) + 71;
	if ((k = malloc(n)) != NULL)
		snprintf(k, n, "POST %s %s", hex, url);
	return k;
}

/*
 * The cached outcome of key: 1 (found; 0 with out appended, or -1 with err
 * in *rc), 0 when not cached.
 */
static int
url_get(struct ck_chain_ctx *c, const char *key, struct ck_blobs *out, int *rc,
    struct ck_err *err)
{
	struct uentry *u;
	size_t i;

	pthread_mutex_lock(&c->mu);
	for (u = c->urls[url_slot(key)]; u != NULL; u = u->next)
		if (strcmp(u->key, key) == 0)
			break;
	if (u == NULL) {
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	*rc = 0;
	if (u->failed)
		*rc = ck_err_set(err, u->code, "%s", u->why);
	for (i = 0; *rc == 0 && i < u->blobs.n; i++)
		ck_blobs_add(out, u->blobs.v[i].data, u->blobs.v[i].len);
	pthread_mutex_unlock(&c->mu);
	return 1;
}

/* Caches key's outcome (failed with err, or the blobs b), unless it is there already. */
static void
url_put(struct ck_chain_ctx *c, const char *key, int failed, const struct ck_err *err,
    const struct ck_blobs *b)
{
	struct uentry *u = calloc(1, sizeof(*u)), *e;
	unsigned slot = url_slot(key);
	size_t i;

	if (u == NULL || (u->key = strdup(key)) == NULL) {
		free(u);
		return;
	}
	u->failed = failed;
	if (failed) {
		u->code = err->code;
		snprintf(u->why, sizeof(u->why), "%s", err->msg);
	}
	for (i = 0; !failed && i < b->n; i++)
		ck_blobs_add(&u->blobs, b->v[i].data, b->v[i].len);
	pthread_mutex_lock(&c->mu);
	for (e = c->urls[slot]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			break;
	if (e == NULL) {
		u->next = c->urls[slot];
		c->urls[slot] = u;
		u = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	if (u != NULL) {
		ck_blobs_release(&u->blobs);
		free(u->key);
		free(u);
	}
}

static int
is_http(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

static int
is_ldap(const char *url)
{
	return strncmp(url, "ldap://", 7) == 0 || strncmp(url, "ldaps://", 8) == 0;
}

/*
 * The fetch itself, without the cache: ck_http (libcurl) for http(s), a
 * POST when body is set; ck_ldap_url_values for ldap(s).  Returns 0 with
 * the answer in b, or -1 with err set.
 */
static int
fetch_direct(struct ck_chain_ctx *c, const char *url, const unsigned char *body,
    size_t body_len, const char *ctype, struct ck_blobs *b, struct ck_err *err)
{
	if (is_http(url)) {
		unsigned char *buf = NULL;
		size_t len = 0;
		int rv = -1;

		if (ck_http(url, (const char *)body, body_len, ctype, &c->o.net, &buf, &len, NULL,
		    err) == 0 && ck_blobs_add(b, buf, len) == 0)
			rv = 0;
		free(buf);
		return rv;
	}
	if (body == NULL && is_ldap(url))
		return ck_ldap_url_values(url, &c->o.net, b, err);
	return ck_err_set(err, CK_E_USAGE, "unsupported url scheme");
}

/* Notes key for ck_chain_prefetch (once); the probe has missed. */
static void
want_add(struct ck_chain_fx *fx, const char *key, const char *url, const unsigned char *body,
    size_t body_len, const char *ctype, int aia)
{
	struct ck_chain_ctx *c = fx->c;
	struct ck_chain_probe *pr = fx->probe;
	unsigned slot = url_slot(key), seq = pr->seq++;
	struct want *w;

	pr->missed = 1;
	pthread_mutex_lock(&c->mu);
	for (w = c->wants[slot]; w != NULL; w = w->next)
		if (strcmp(w->key, key) == 0)
			break;
	if (w != NULL) {
		w->aia |= aia;
		if (pr->index < w->index || (pr->index == w->index && seq < w->seq)) {
			w->index = pr->index;
			w->seq = seq;
		}
	} else if ((w = calloc(1, sizeof(*w))) != NULL) {
		w->key = strdup(key);
		w->url = strdup(url);
		w->body = body != NULL ? malloc(body_len + 1) : NULL;
		if (w->key == NULL || w->url == NULL || (body != NULL && w->body == NULL)) {
			free(w->key);
			free(w->url);
			free(w->body);
			free(w);
		} else {
			if (body != NULL)
				memcpy(w->body, body, body_len);
			w->body_len = body_len;
			w->ctype = ctype;
			w->aia = aia;
			w->index = pr->index;
			w->seq = seq;
			w->next = c->wants[slot];
			c->wants[slot] = w;
			w->all = c->want_all;
			c->want_all = w;
			c->nwants++;
		}
	}
	pthread_mutex_unlock(&c->mu);
}

/* The cached or fetched answer to key (url, body); see ck_chain_fetch_cached. */
static int
fetch_key(struct ck_chain_fx *fx, const char *key, const char *url, const unsigned char *body,
    size_t body_len, const char *ctype, int aia, struct ck_blobs *out, struct ck_err *err)
{
	struct ck_chain_ctx *c = fx->c;
	struct ck_blobs b = { NULL, 0, 0 };
	size_t i;
	int rc, failed;

	if (url_get(c, key, out, &rc, err))
		return rc;
	if (fx->probe != NULL && (is_http(url) || (body == NULL && is_ldap(url)))) {
		want_add(fx, key, url, body, body_len, ctype, aia);
		return ck_err_set(err, CK_E_NET, "not fetched yet");
	}
	failed = fetch_direct(c, url, body, body_len, ctype, &b, err) != 0;
	url_put(c, key, failed, err, &b);
	for (i = 0; !failed && i < b.n; i++)
		ck_blobs_add(out, b.v[i].data, b.v[i].len);
	ck_blobs_release(&b);
	return failed ? -1 : 0;
}

int
ck_chain_fetch_cached(struct ck_chain_fx *fx, const char *url, struct ck_blobs *out,
    struct ck_err *err)
{
	return fetch_key(fx, url, url, NULL, 0, NULL, 1, out, err);
}

/* The fetch function handed to ck_revoke (see ck_chain_int.h). */
int
ck_chain_rev_fetch(void *ctx, const char *url, const unsigned char *body, size_t body_len,
    const char *content_type, unsigned char **out, size_t *len, struct ck_err *err)
{
	struct ck_chain_fx *fx = ctx;
	struct ck_blobs b = { NULL, 0, 0 };
	char *key = NULL;
	int rc;

	if (body != NULL && !fx->c->engine)
		return ck_http(url, (const char *)body, body_len, content_type, &fx->c->o.net,
		    out, len, NULL, err);
	if ((key = url_key(fx->c, url, body, body_len)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	/* The one content type ck_revoke sends (a static string, kept by the wants). */
	rc = fetch_key(fx, key, url, body, body_len,
	    body != NULL ? "application/ocsp-request" : NULL, 0, &b, err);
	free(key);
	if (rc != 0)
		return -1;
	if (b.n == 0) {
		ck_blobs_release(&b);
		return ck_err_set(err, CK_E_NOTFOUND, "empty answer");
	}
	*out = b.v[0].data;
	*len = b.v[0].len;
	b.v[0].data = NULL;
	ck_blobs_release(&b);
	return 0;
}

/* AIA caIssuers of x fetched into pool; returns how many new certificates. */
int
ck_chain_aia_fetch(struct ck_chain_fx *fx, X509 *x, STACK_OF(X509) *pool, json_t *visited,
    json_t *findings, int *budget)
{
	struct ck_chain_ctx *c = fx->c;
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	int i, added = 0;

	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia) && *budget > 0; i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		struct ck_blobs b = { NULL, 0, 0 };
		struct ck_err err;
		const char *u;
		size_t k;
		char subj[256];

		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI)
			continue;
		u = (const char *)ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier);
		if (json_object_get(visited, u) != NULL)
			continue;	/* a loop, or already tried for this candidate */
		json_object_set_new(visited, u, json_true());
		(*budget)--;
		if (ck_chain_fetch_cached(fx, u, &b, &err) != 0) {
			char msg[700];

			ck_chain_name_of(x, subj, sizeof(subj));
			snprintf(msg, sizeof(msg), "cannot fetch issuer from '%s': %s", u, err.msg);
			json_array_append_new(findings, ck_finding_new("chain.aia_unreachable",
			    "warning", msg, "RFC 5280 section 4.2.2.1", subj));
			continue;
		}
		for (k = 0; k < b.n; k++) {
			STACK_OF(X509) *got = sk_X509_new_null();
			int j;

			if (got == NULL)
				break;
			ck_chain_blob_certs(c, b.v[k].data, b.v[k].len, got,
			    strncmp(u, "ldap", 4) == 0 ? "ldap" : "url", u);
			for (j = 0; j < sk_X509_num(got); j++) {
				X509 *y = sk_X509_value(got, j);
				int m, dup = 0;

				for (m = 0; m < sk_X509_num(pool); m++)
					if (X509_cmp(sk_X509_value(pool, m), y) == 0)
						dup = 1;
				if (!dup && sk_X509_push(pool, y)) {
					X509_up_ref(y);
					added++;
				}
			}
			sk_X509_pop_free(got, X509_free);
		}
		ck_blobs_release(&b);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	return added;
}

void
ck_chain_prefetch_init(struct ck_chain_ctx *c)
{
	if (RAND_bytes(c->nonce_key, sizeof(c->nonce_key)) != 1) {
		ERR_clear_error();
		return;		/* no key: OCSP requests keep random nonces, sent each time */
	}
	c->engine = 1;
}

int
ck_chain_uses_network(const struct ck_chain_ctx *c)
{
	return c->o.fetch || c->o.crl_check || c->o.ocsp;
}

/* One prefetch: the wants taken from the context, and where each goes. */
struct prefetch {
	struct ck_chain_ctx *c;
	struct want **eng;	/* read by the engine */
	size_t neng;
	struct want **old;	/* read by ck_fetch (LDAP, redirects, refused by the engine) */
	size_t nold;
	struct ck_net_http_req http;
};

static int
prefetch_next(void *arg, size_t index, struct ck_net_job *job)
{
	struct prefetch *p = arg;
	struct want *w;

	if (index >= p->neng)
		return 0;
	w = p->eng[index];
	if (ck_net_http_post_job(&p->http, w->url, w->body, w->body_len, w->ctype, &p->c->o.net,
	    job) != 0)
		return -1;	/* checked when the job was chosen: cannot happen */
	job->user = w;
	return 1;
}

static int
prefetch_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct prefetch *p = arg;
	struct want *w = job->user;
	struct ck_blobs b = { NULL, 0, 0 };
	struct ck_err err;
	unsigned char *body;
	size_t len;

	ck_err_clear(&err);
	switch (ck_net_http_reply(job, res, &p->c->o.net, &body, &len, &err)) {
	case 0:
		if (ck_blobs_add(&b, body, len) != 0) {
			ck_err_set(&err, CK_E_NOMEM, "out of memory");
			url_put(p->c, w->key, 1, &err, &b);
			break;
		}
		url_put(p->c, w->key, 0, &err, &b);
		ck_blobs_release(&b);
		break;
	case 1:
		/*
		 * A redirect: libcurl goes on from its Location (a GET; a POST
		 * starts again), as the path without the engine does, without
		 * asking for the first URL again.
		 */
		if (w->body == NULL && w->location == NULL)
			w->location = ck_net_http_location(res);	/* NULL: fetched again */
		p->old[p->nold++] = w;
		break;
	default:
		url_put(p->c, w->key, 1, &err, &b);
		break;
	}
	return 0;
}

static void
prefetch_old_run(void *arg, size_t i)
{
	struct prefetch *p = arg;
	struct want *w = p->old[i];
	struct ck_blobs b = { NULL, 0, 0 };
	struct ck_err err;
	int failed;

	ck_err_clear(&err);
	if (w->location != NULL) {
		unsigned char *buf = NULL;
		size_t len = 0;

		failed = ck_http_follow(w->url, w->location, &p->c->o.net, &buf, &len, &err) != 0 ||
		    ck_blobs_add(&b, buf, len) != 0;
		if (failed && err.code == 0)
			ck_err_set(&err, CK_E_NOMEM, "out of memory");
		free(buf);
	} else {
		failed = fetch_direct(p->c, w->url, w->body, w->body_len, w->ctype, &b, &err) != 0;
	}
	url_put(p->c, w->key, failed, &err, &b);
	ck_blobs_release(&b);
}

static void
prefetch_old_done(void *arg, size_t i)
{
	(void)arg;
	(void)i;
}

/* Oldest asker first: the probe's index, then its order. */
static int
want_cmp(const void *a, const void *b)
{
	const struct want *x = *(struct want *const *)a, *y = *(struct want *const *)b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The certificates of the AIA answers into the certificate cache, in the
 * order the probes asked (see ck_chain_prefetch in ck_chain.h).
 */
static void
prefetch_register(struct ck_chain_ctx *c, struct want **v, size_t n)
{
	qsort(v, n, sizeof(*v), want_cmp);
	for (size_t i = 0; i < n; i++) {
		struct ck_blobs b = { NULL, 0, 0 };
		struct ck_err err;
		int rc;

		if (!v[i]->aia || !url_get(c, v[i]->key, &b, &rc, &err) || rc != 0) {
			ck_blobs_release(&b);
			continue;
		}
		for (size_t k = 0; k < b.n; k++) {
			STACK_OF(X509) *got = sk_X509_new_null();

			if (got == NULL)
				break;
			ck_chain_blob_certs(c, b.v[k].data, b.v[k].len, got,
			    is_ldap(v[i]->url) ? "ldap" : "url", v[i]->url);
			sk_X509_pop_free(got, X509_free);
		}
		ck_blobs_release(&b);
	}
}

static void
want_free(struct want *w)
{
	free(w->key);
	free(w->url);
	free(w->body);
	free(w->location);
	free(w);
}

size_t
ck_chain_prefetch(struct ck_chain_ctx *c, long concurrency)
{
	struct prefetch p;
	struct want *w, *all, *next;
	struct ck_net_opts no;
	struct ck_net *net = NULL;
	struct ck_err err;
	size_t n, i;

	pthread_mutex_lock(&c->mu);
	all = c->want_all;
	n = c->nwants;
	c->want_all = NULL;
	c->nwants = 0;
	memset(c->wants, 0, sizeof(c->wants));
	pthread_mutex_unlock(&c->mu);
	if (n == 0)
		return 0;
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.eng = calloc(n, sizeof(*p.eng));
	p.old = calloc(n, sizeof(*p.old));
	if (p.eng != NULL && p.old != NULL) {
		struct ck_net_job probe;

		/* Oldest first: the order the checks asked in. */
		for (w = all; w != NULL; w = w->all)
			p.old[p.nold++] = w;
		for (i = 0; i < p.nold / 2; i++) {
			w = p.old[i];
			p.old[i] = p.old[p.nold - 1 - i];
			p.old[p.nold - 1 - i] = w;
		}
		n = p.nold;
		p.nold = 0;
		for (i = 0; i < n; i++) {
			w = p.old[i];
			if (is_http(w->url) && ck_net_http_post_job(&p.http, w->url, w->body,
			    w->body_len, w->ctype, &c->o.net, &probe) == 0)
				p.eng[p.neng++] = w;
			else
				p.old[p.nold++] = w;
		}
		ck_net_opts_init(&no);
		no.concurrency = concurrency;
		no.timeout_ms = c->o.net.timeout_ms;
		no.unordered = 1;
		if (p.neng > 0 && (net = ck_net_new(&no, &err)) == NULL) {
			/* No engine (epoll, c-ares): every URL the way without it. */
			for (i = 0; i < p.neng; i++)
				p.old[p.nold++] = p.eng[i];
			p.neng = 0;
		}
		if (net != NULL)
			ck_net_run(net, prefetch_next, prefetch_done, &p, &err);
		ck_net_free(net);
		ck_net_http_req_release(&p.http);
		if (p.nold > 0) {
			struct ck_pool_ops ops = { .run = prefetch_old_run, .done = prefetch_old_done,
				.arg = &p };

			ck_pool_run(&ops, p.nold, (long)(p.nold < 64 ? p.nold : 64));
		}
		/* Every want once more, for the order of the certificates. */
		for (i = 0, w = all; w != NULL; w = w->all)
			p.eng[i++] = w;
		prefetch_register(c, p.eng, i);
	}
	/* Anything not fetched (no memory) is fetched by the check itself. */
	for (w = all; w != NULL; w = next) {
		next = w->all;
		want_free(w);
	}
	free(p.eng);
	free(p.old);
	return n;
}

void
ck_chain_net_release(struct ck_chain_ctx *c)
{
	struct want *w, *wn;
	size_t i;

	for (i = 0; i < URL_SLOTS; i++) {
		struct uentry *u = c->urls[i], *un;

		for (; u != NULL; u = un) {
			un = u->next;
			free(u->key);
			ck_blobs_release(&u->blobs);
			free(u);
		}
	}
	for (w = c->want_all; w != NULL; w = wn) {
		wn = w->all;
		want_free(w);
	}
}
