/*
 * ck_amt_trust: matching certificates against the root hashes of an AMT
 * Hello message (see the header).
 */
#include "ck_amt_trust.h"

#include <stdlib.h>
#include <string.h>

#include "ck_err.h"
#include "ck_load.h"
#include "ck_record.h"

static const struct ck_ruledef rules[] = {
	{ CK_AMT_RULE_ROOT_NOT_TRUSTED, "critical", CK_AMT_REF_HASHES,
	    "the provisioning chain's root hash is not in the device's list (AMT Hello): the "
	    "device refuses the provisioning server" },
	{ CK_AMT_RULE_CHAIN_NO_ROOT, "critical", CK_AMT_REF_HASHES,
	    "the provisioning chain has no self-signed root, so no hash the device could match" },
};

const struct ck_ruleset *
ck_amt_trust_ruleset(void)
{
	static const struct ck_ruleset set = { "amt", rules, sizeof(rules) / sizeof(rules[0]) };

	return &set;
}

void
ck_amt_certs_init(struct ck_amt_certs *c)
{
	memset(c, 0, sizeof(*c));
	c->recs = json_array();
	c->errors = json_array();
	c->seen = json_object();
}

void
ck_amt_certs_release(struct ck_amt_certs *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->der[i]);
	free(c->der);
	free(c->len);
	json_decref(c->recs);
	json_decref(c->errors);
	json_decref(c->seen);
	memset(c, 0, sizeof(*c));
}

struct load_ctx {
	struct ck_amt_certs *c;
	long added;
	int nomem;
};

static int
add_one(void *ctx, json_t *rec, const unsigned char *der, size_t len)
{
	struct load_ctx *l = ctx;
	struct ck_amt_certs *c = l->c;
	unsigned char *copy;
	const char *id;

	if (der == NULL) {
		json_array_append_new(c->errors, rec);
		return 0;
	}
	id = json_string_value(json_object_get(rec, "id"));
	if (id != NULL && json_object_get(c->seen, id) != NULL) {
		json_decref(rec);
		return 0;
	}
	if (id != NULL && json_object_set_new(c->seen, id, json_true()) != 0)
		goto nomem;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		unsigned char **d = realloc(c->der, cap * sizeof(*d));
		size_t *n;

		if (d == NULL)
			goto nomem;
		c->der = d;
		if ((n = realloc(c->len, cap * sizeof(*n))) == NULL)
			goto nomem;
		c->len = n;
		c->cap = cap;
	}
	if ((copy = malloc(len)) == NULL)
		goto nomem;
	memcpy(copy, der, len);
	c->der[c->n] = copy;
	c->len[c->n] = len;
	c->n++;
	json_array_append_new(c->recs, rec);
	l->added++;
	return 0;
nomem:
	json_decref(rec);
	l->nomem = 1;
	return -1;
}

long
ck_amt_certs_load(struct ck_amt_certs *c, const char *source, const char *password)
{
	struct ck_load_opts o;
	struct load_ctx l = { c, 0, 0 };

	if (c->recs == NULL || c->errors == NULL || c->seen == NULL)
		return -1;
	ck_load_opts_init(&o);
	o.password = password;
	o.recursive = 1;
	ck_load_source_der(source, &o, add_one, &l);
	return l.nomem ? -1 : l.added;
}

static const char *
subject_dn(const json_t *cert)
{
	const char *dn = json_string_value(json_object_get(json_object_get(cert, "subject"), "dn"));

	return dn ? dn : "";
}

/* The chain's root: its self-signed certificate (the last, if several); -1 if none. */
static long
chain_root(const struct ck_amt_certs *chain)
{
	for (size_t i = chain->n; i > 0; i--)
		if (json_is_true(json_object_get(json_array_get(chain->recs, i - 1), "self_signed")))
			return (long)(i - 1);
	return -1;
}

static json_t *
findings_of(json_t *rec)
{
	json_t *f = json_object_get(rec, "findings");

	if (!json_is_array(f)) {
		f = json_array();
		json_object_set_new(rec, "findings", f);
	}
	return f;
}

int
ck_amt_trust_judge(json_t *rec, const struct ck_amt_hello *h, const struct ck_amt_certs *chain)
{
	const struct ck_amt_hash *m;
	const char *dn;
	char msg[1024];
	json_t *tr;
	long r = chain_root(chain);

	if (r < 0) {
		json_object_set_new(rec, "trusted_root", json_null());
		json_array_append_new(findings_of(rec), ck_finding_new(CK_AMT_RULE_CHAIN_NO_ROOT,
		    "critical", chain->n == 0 ? "the provisioning chain holds no certificate" :
		    "the provisioning chain has no self-signed root certificate: AMT compares "
		    "the hash of the root the provisioning server sends, so the chain must end "
		    "in its root (export the certificate with its whole chain)",
		    CK_AMT_REF_HASHES, chain->n ? subject_dn(json_array_get(chain->recs, 0)) : NULL));
		return CK_CRITICAL;
	}
	dn = subject_dn(json_array_get(chain->recs, (size_t)r));
	if ((m = ck_amt_hello_match(h, chain->der[r], chain->len[r])) != NULL) {
		tr = ck_amt_hash_json(m);
		json_object_set_new(tr, "subject", json_string(dn));
		json_object_set_new(rec, "trusted_root", tr);
		return CK_OK;
	}
	json_object_set_new(rec, "trusted_root", json_null());
	snprintf(msg, sizeof(msg), "the provisioning chain's root '%s' is not among the %zu "
	    "root hashes this device trusts (listed in hashes; cert-amt roots names them): "
	    "the device will refuse this provisioning certificate; use one that chains to a "
	    "listed root, or add this root's hash to the device in MEBx", dn, h->nhashes);
	json_array_append_new(findings_of(rec), ck_finding_new(CK_AMT_RULE_ROOT_NOT_TRUSTED,
	    "critical", msg, CK_AMT_REF_HASHES, dn));
	return CK_CRITICAL;
}

void
ck_amt_trust_name(json_t *rec, const struct ck_amt_hello *h, const struct ck_amt_certs *roots)
{
	json_t *hashes = json_object_get(rec, "hashes");

	for (size_t i = 0; i < roots->n; i++) {
		const struct ck_amt_hash *m = ck_amt_hello_match(h, roots->der[i], roots->len[i]);

		if (m == NULL)
			continue;
		json_object_set_new(json_array_get(hashes, (size_t)(m - h->hashes)), "subject",
		    json_string(subject_dn(json_array_get(roots->recs, i))));
	}
}

size_t
ck_amt_trust_roots(const struct ck_amt_hello *h, struct ck_amt_certs *roots)
{
	size_t matched = 0;

	for (size_t i = 0; i < roots->n; i++) {
		const struct ck_amt_hash *m = ck_amt_hello_match(h, roots->der[i], roots->len[i]);

		json_object_set_new(json_array_get(roots->recs, i), "amt_hello_match",
		    m ? ck_amt_hash_json(m) : json_null());
		matched += m != NULL;
	}
	return matched;
}

json_t *
ck_amt_hello_examine(const unsigned char *msg, size_t len, const char *source,
    const char *address, const struct ck_amt_certs *chain, const struct ck_amt_certs *roots,
    int *status)
{
	struct ck_amt_hello *h = malloc(sizeof(*h));	/* 13 KiB: not on the stack */
	struct ck_err e;
	json_t *rec;

	if (h == NULL)
		return NULL;
	if (ck_amt_hello_parse(msg, len, h, &e) != 0) {
		free(h);
		*status = ck_status_worse(*status, CK_UNKNOWN);
		return ck_error_record_err(source, &e);
	}
	if ((rec = ck_amt_hello_record(h, address)) != NULL) {
		if (roots != NULL && roots->n > 0)
			ck_amt_trust_name(rec, h, roots);
		if (chain != NULL)
			*status = ck_status_worse(*status, ck_amt_trust_judge(rec, h, chain));
	}
	free(h);
	return rec;
}

int
ck_amt_hello_read(const char *path, unsigned char **buf, size_t *len, struct ck_err *err)
{
	/* Hex doubles the size; a little more lets an oversized message say so. */
	if (ck_read_file(path, 4 * CK_AMT_HELLO_MAX, buf, len, err) != 0)
		return -1;
	ck_amt_hello_unhex(*buf, *len, len);
	return 0;
}

int
ck_amt_hello_load(const char *path, struct ck_amt_hello *h, struct ck_err *err)
{
	unsigned char *buf;
	size_t len;
	int rv;

	if (ck_amt_hello_read(path, &buf, &len, err) != 0)
		return -1;
	rv = ck_amt_hello_parse(buf, len, h, err);
	free(buf);
	return rv;
}
