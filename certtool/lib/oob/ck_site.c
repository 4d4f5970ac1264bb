/*
 * ck_site: the site as the directory describes it (see ck_site.h).
 */
#include "ck_site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_ad.h"
#include "ck_record.h"

struct take_ctx {
	struct ck_prereq *p;
	json_t *errors;
};

static int
take(void *ctx, json_t *rec)
{
	struct take_ctx *t = ctx;

	if (ck_record_is(rec, "error"))
		json_array_append(t->errors, rec);
	else
		ck_prereq_take(t->p, rec);
	json_decref(rec);
	return 0;
}

static char *
first_value(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *s = NULL;

	if (v != NULL && v[0] != NULL && memchr(v[0]->bv_val, '\0', v[0]->bv_len) == NULL &&
	    (s = malloc(v[0]->bv_len + 1)) != NULL) {
		memcpy(s, v[0]->bv_val, v[0]->bv_len);
		s[v[0]->bv_len] = '\0';
	}
	ldap_value_free_len(v);
	return s;
}

/* ---- the forest's domains ---- */

struct forest_ctx {
	struct ck_forest *f;
	int bad;
};

static int
on_crossref(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct forest_ctx *fc = ctx;
	char *dns = first_value(ld, e, "dnsRoot"), *nc = first_value(ld, e, "nCName");
	char *flags = first_value(ld, e, "systemFlags");
	struct ck_err err;
	long fl = flags ? strtol(flags, NULL, 10) : 0;

	if (dns != NULL && nc != NULL && (fl & CK_CR_NTDS_DOMAIN) &&
	    ck_forest_add(fc->f, dns, nc, &err) < 0)
		fc->bad++;
	free(dns);
	free(nc);
	free(flags);
	return 0;
}

static void
read_forest(struct ck_prereq *p, struct ck_ldap *l, const char *config_dn)
{
	static const char *attrs[] = { "dnsRoot", "nCName", "systemFlags", NULL };
	struct forest_ctx fc = { &p->forest, 0 };
	char base[1024];
	struct ck_err err;

	snprintf(base, sizeof(base), "CN=Partitions,%s", config_dn);
	if (ck_ldap_search(l, base, LDAP_SCOPE_ONELEVEL, "(objectClass=crossRef)", attrs, 0, 0,
	    on_crossref, &fc, &err) < 0) {
		snprintf(p->forest_why, sizeof(p->forest_why), "the forest's domains (%.200s): %.200s",
		    base, err.msg);
		return;
	}
	if (p->forest.n == 0) {
		snprintf(p->forest_why, sizeof(p->forest_why), "no domain crossRef under %.200s", base);
		return;
	}
	p->have_forest = 1;
}

/* ---- the container ---- */

/* The part of dn before ",<domain dn>", or dn itself: the path inside a domain. */
static char *
relative_path(const struct ck_forest *f, const char *dn)
{
	size_t i, n = strlen(dn);

	for (i = 0; i < f->n; i++) {
		size_t d = f->v[i].dn ? strlen(f->v[i].dn) : 0;

		if (d > 0 && n > d + 1 && dn[n - d - 1] == ',' &&
		    strcasecmp(dn + n - d, f->v[i].dn) == 0)
			return strndup(dn, n - d - 1);
	}
	return strdup(dn);
}

static int
on_sd(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct ck_prereq_container *c = ctx;
	struct berval **v = ldap_get_values_len(ld, e, "nTSecurityDescriptor");
	struct ck_err err;

	if (v == NULL || v[0] == NULL) {
		c->state = -1;
		snprintf(c->err, sizeof(c->err), "nTSecurityDescriptor not readable (bind as an "
		    "account that may read the container's permissions)");
	} else if (ck_sd_parse((unsigned char *)v[0]->bv_val, v[0]->bv_len, &c->sd, &err) < 0) {
		c->state = -1;
		snprintf(c->err, sizeof(c->err), "nTSecurityDescriptor: %.200s", err.msg);
	} else {
		c->state = 1;
	}
	ldap_value_free_len(v);
	return 0;
}

static struct ck_prereq_container *
add_container(struct ck_prereq *p, const char *domain, const char *rel, const char *ddn)
{
	struct ck_prereq_container *v = realloc(p->containers,
	    (p->ncontainers + 1) * sizeof(*v)), *c;
	size_t n;

	if (v == NULL)
		return NULL;
	p->containers = v;
	c = &v[p->ncontainers];
	memset(c, 0, sizeof(*c));
	c->domain = strdup(domain);
	n = strlen(rel) + (ddn ? strlen(ddn) : 0) + 2;
	if ((c->dn = malloc(n)) != NULL)
		snprintf(c->dn, n, "%s%s%s", rel, ddn ? "," : "", ddn ? ddn : "");
	if (c->domain == NULL || c->dn == NULL) {
		free(c->domain);
		free(c->dn);
		return NULL;
	}
	p->ncontainers++;
	return c;
}

static void
read_containers(struct ck_prereq *p, struct ck_ldap *l, const struct ck_site_opts *so,
    const char *own_dn)
{
	static const char *attrs[] = { "nTSecurityDescriptor", NULL };
	struct ck_prereq_container *c;
	struct ck_err err;
	char *rel;
	size_t i, n;

	if (so->container == NULL) {
		snprintf(p->containers_why, sizeof(p->containers_why), "give --container with the "
		    "out of band management container's path (e.g. 'CN=OOB,CN=System')");
		return;
	}
	if (!p->have_forest) {
		snprintf(p->containers_why, sizeof(p->containers_why), "%.200s", p->forest_why);
		return;
	}
	if ((rel = relative_path(&p->forest, so->container)) == NULL)
		return;
	n = so->n_amt_domains > 0 ? so->n_amt_domains : p->forest.n;
	for (i = 0; i < n; i++) {
		const struct ck_forest_domain *d = so->n_amt_domains > 0 ?
		    ck_forest_find(&p->forest, so->amt_domains[i]) : &p->forest.v[i];
		const char *dname = so->n_amt_domains > 0 ? so->amt_domains[i] : d->dns;
		long r;

		if ((c = add_container(p, dname, rel, d ? d->dn : NULL)) == NULL)
			break;
		if (d == NULL || d->dn == NULL) {
			c->state = -1;
			snprintf(c->err, sizeof(c->err), "'%.200s' is not a domain of this forest", dname);
			continue;
		}
		if (own_dn == NULL || strcasecmp(d->dn, own_dn) != 0) {
			c->state = -1;
			snprintf(c->err, sizeof(c->err), "this domain controller does not hold domain "
			    "%.200s (run again with --uri of one of its domain controllers)", d->dns);
			continue;
		}
		r = ck_ldap_search(l, c->dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs,
		    CK_LDAP_SD | CK_LDAP_NOPAGE, 1, on_sd, c, &err);
		if (r < 0) {
			c->state = -1;
			snprintf(c->err, sizeof(c->err), "%.200s", err.msg);
		} else if (r == 0) {
			c->state = 0;
		}
	}
	free(rel);
	p->have_containers = 1;
}

/* ---- AMT computers ---- */

struct hosts_ctx {
	struct ck_prereq *p;
	const char *domain;
};

static int
on_computer(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct hosts_ctx *h = ctx;
	char *name = first_value(ld, e, "dNSHostName"), buf[512];
	struct ck_err err;

	if (name == NULL) {
		char *cn = first_value(ld, e, "cn");

		if (cn == NULL)
			return 0;
		snprintf(buf, sizeof(buf), "%s.%s", cn, h->domain ? h->domain : "");
		free(cn);
		ck_prereq_add_host(h->p, buf, &err);
		return 0;
	}
	ck_prereq_add_host(h->p, name, &err);
	free(name);
	return 0;
}

static void
read_hosts(struct ck_prereq *p, struct ck_ldap *l, const struct ck_site_opts *so)
{
	static const char *attrs[] = { "dNSHostName", "cn", NULL };
	struct hosts_ctx h = { p, NULL };
	struct ck_err err;
	size_t i;

	if (so->computers_ou != NULL) {
		const struct ck_forest_domain *d = NULL;
		size_t k, n = strlen(so->computers_ou);

		for (k = 0; k < p->forest.n; k++) {
			size_t dl = p->forest.v[k].dn ? strlen(p->forest.v[k].dn) : 0;

			if (dl > 0 && n >= dl && strcasecmp(so->computers_ou + n - dl,
			    p->forest.v[k].dn) == 0)
				d = &p->forest.v[k];
		}
		h.domain = d ? d->dns : NULL;
		if (ck_ldap_search(l, so->computers_ou, LDAP_SCOPE_SUBTREE, "(objectClass=computer)",
		    attrs, 0, 0, on_computer, &h, &err) < 0) {
			snprintf(p->hosts_why, sizeof(p->hosts_why), "computers under '%.200s': %.200s",
			    so->computers_ou, err.msg);
			return;
		}
		p->have_hosts = 1;
		return;
	}
	for (i = 0; i < p->ncontainers; i++) {
		if (p->containers[i].state != 1)
			continue;
		h.domain = p->containers[i].domain;
		if (ck_ldap_search(l, p->containers[i].dn, LDAP_SCOPE_SUBTREE,
		    "(objectClass=computer)", attrs, 0, 1, on_computer, &h, &err) >= 0)
			p->have_hosts = 1;
	}
	if (!p->have_hosts)
		snprintf(p->hosts_why, sizeof(p->hosts_why), "give --amt-hosts FILE or "
		    "--computers-ou DN (no readable container to list AMT computers from)");
}

/* ---- accounts ---- */

static void
read_account(struct ck_prereq *p, struct ck_ad *ad, struct ck_ldap *l, const char *name,
    int is_sp, json_t *errors, const char *uri)
{
	struct ck_err err;
	json_t *pr;
	const char *dn;

	if (name == NULL)
		return;
	if ((pr = ck_ad_principal(ad, name, &err)) == NULL) {
		json_array_append_new(errors, ck_error_record_err(name, &err));
		if (is_sp)
			snprintf(p->sp_why, sizeof(p->sp_why), "service point '%.200s': %.200s", name, err.msg);
		return;
	}
	ck_prereq_take(p, pr);
	dn = json_string_value(json_object_get(pr, "dn"));
	if (is_sp && p->sp_fqdn == NULL && dn != NULL &&
	    (p->sp_fqdn = ck_ldap_read_string(l, dn, "dNSHostName", &err)) == NULL)
		snprintf(p->sp_why, sizeof(p->sp_why), "service point '%.200s' has no dNSHostName "
		    "(%.200s) on %.200s", name, err.msg, uri);
	json_decref(pr);
}

int
ck_site_read(struct ck_prereq *p, struct ck_ldap *l, const struct ck_site_opts *so,
    json_t *errors, struct ck_err *err)
{
	struct take_ctx tc = { p, errors };
	struct ck_ad *ad;
	char *config_dn, *own_dn;
	int rv = 0;

	if ((config_dn = ck_ldap_read_string(l, "", "configurationNamingContext", err)) == NULL)
		return ck_err_prefix(err, "rootDSE");
	own_dn = ck_ldap_read_string(l, "", "defaultNamingContext", err);
	if ((ad = ck_ad_new(l, so->uri, config_dn, err)) == NULL) {
		rv = -1;
		goto out;
	}
	p->have_ad = 1;
	ck_ad_read(ad, CK_AD_TEMPLATES | CK_AD_CAS | CK_AD_AIA, NULL, 0, take, &tc);
	read_account(p, ad, l, p->site_server, 0, errors, so->uri);
	read_account(p, ad, l, p->service_point, 1, errors, so->uri);
	read_forest(p, l, config_dn);
	read_containers(p, l, so, own_dn);
	if (so->want_hosts)
		read_hosts(p, l, so);
out:
	ck_ad_free(ad);
	free(config_dn);
	free(own_dn);
	return rv;
}
