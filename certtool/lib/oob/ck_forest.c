/*
 * ck_forest: domains, trees and the namespace rule (see ck_forest.h).
 */
#include "ck_forest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *
dns_norm(const char *s)
{
	size_t n = strlen(s), i;
	char *d;

	while (n > 0 && s[n - 1] == '.')
		n--;
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[n] = '\0';
	return d;
}

int
ck_forest_add(struct ck_forest *f, const char *dns, const char *dn, struct ck_err *err)
{
	struct ck_forest_domain *v;

	if (dns == NULL || *dns == '\0')
		return ck_err_set(err, CK_E_PARSE, "domain without a DNS name");
	if (ck_forest_find(f, dns) != NULL)
		return 0;
	if ((v = realloc(f->v, (f->n + 1) * sizeof(*v))) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	f->v = v;
	v[f->n].dns = dns_norm(dns);
	v[f->n].dn = dn ? strdup(dn) : NULL;
	if (v[f->n].dns == NULL || (dn != NULL && v[f->n].dn == NULL)) {
		free(v[f->n].dns);
		free(v[f->n].dn);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	f->n++;
	return 0;
}

void
ck_forest_release(struct ck_forest *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].dns);
		free(f->v[i].dn);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

const struct ck_forest_domain *
ck_forest_find(const struct ck_forest *f, const char *dns)
{
	size_t i, n = strlen(dns);

	while (n > 0 && dns[n - 1] == '.')
		n--;
	for (i = 0; i < f->n; i++)
		if (strlen(f->v[i].dns) == n && strncasecmp(f->v[i].dns, dns, n) == 0)
			return &f->v[i];
	return NULL;
}

/* 1 when fqdn equals dom or ends in "." dom (case-insensitive). */
static int
under(const char *fqdn, size_t fl, const char *dom)
{
	size_t dl = strlen(dom);

	if (fl == dl)
		return strncasecmp(fqdn, dom, dl) == 0;
	return fl > dl && fqdn[fl - dl - 1] == '.' && strncasecmp(fqdn + fl - dl, dom, dl) == 0;
}

const struct ck_forest_domain *
ck_forest_domain_of(const struct ck_forest *f, const char *fqdn)
{
	const struct ck_forest_domain *best = NULL;
	size_t i, fl = strlen(fqdn);

	while (fl > 0 && fqdn[fl - 1] == '.')
		fl--;
	for (i = 0; i < f->n; i++)
		if (under(fqdn, fl, f->v[i].dns) &&
		    (best == NULL || strlen(f->v[i].dns) > strlen(best->dns)))
			best = &f->v[i];
	return best;
}

const struct ck_forest_domain *
ck_forest_tree_of(const struct ck_forest *f, const struct ck_forest_domain *d)
{
	const struct ck_forest_domain *p;
	const char *dot;
	size_t guard;

	for (guard = 0; d != NULL && guard < 128; guard++) {
		if ((dot = strchr(d->dns, '.')) == NULL || (p = ck_forest_find(f, dot + 1)) == NULL)
			return d;
		d = p;
	}
	return d;
}

static int
host_name_ok(const char *h)
{
	size_t n = strlen(h), i;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.' && h[i] != '_')
			return 0;
	return h[0] != '.' && h[0] != '-';
}

enum ck_ns_verdict
ck_forest_judge(const struct ck_forest *f, const char *sp, const char *host, char *msg,
    size_t size)
{
	const struct ck_forest_domain *sd = ck_forest_domain_of(f, sp), *hd, *st, *ht;
	size_t hl = strlen(host);

	if (!host_name_ok(host)) {
		snprintf(msg, size, "'%.200s' is not a host name", host);
		return CK_NS_BAD_NAME;
	}
	if (sd == NULL) {
		snprintf(msg, size, "the service point '%.200s' is in no domain of the forest, so "
		    "no computer can share its namespace", sp);
		return CK_NS_FOREIGN;
	}
	st = ck_forest_tree_of(f, sd);
	if (strchr(host, '.') == NULL || (hl > 0 && host[hl - 1] == '.' &&
	    memchr(host, '.', hl - 1) == NULL)) {
		snprintf(msg, size, "'%.200s' has no domain suffix: a workgroup computer cannot be "
		    "provisioned", host);
		return CK_NS_WORKGROUP;
	}
	if ((hd = ck_forest_domain_of(f, host)) == NULL) {
		snprintf(msg, size, "'%.200s' lies in no domain of the service point's forest "
		    "(tree of the service point: %s)", host, st->dns);
		return CK_NS_FOREIGN;
	}
	ht = ck_forest_tree_of(f, hd);
	if (ht != st) {
		snprintf(msg, size, "'%.200s' is in domain %s of tree %s, but the service point "
		    "'%.200s' is in tree %s: noncontiguous namespace", host, hd->dns, ht->dns, sp,
		    st->dns);
		return CK_NS_NONCONTIGUOUS;
	}
	snprintf(msg, size, "'%.200s' is in domain %s, in the service point's tree %s", host,
	    hd->dns, st->dns);
	return CK_NS_OK;
}
