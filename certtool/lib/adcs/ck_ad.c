/*
 * ck_ad: read AD CS configuration from Active Directory ([MS-ADSC], [MS-CRTD], [MS-ADTS]).
 */
#include "ck_ad.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ck_adcs.h"
#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_record.h"
#include "ck_sid.h"

#define MAX_CAS 1024
#define MAX_DN 1024

struct sid_name {
	char *sid;
	char *name;		/* NULL when it could not be resolved */
};

struct ca_info {
	char *name;
	char *dns_host;
	char **templates;
	size_t ntemplates;
};

struct ck_ad {
	struct ck_ldap *l;
	char *uri;
	char *config_dn;
	char *domain_dn;
	char *root_domain_dn;
	char *netbios;
	char domain_sid[CK_SID_STR_MAX];
	char pks_dn[MAX_DN];
	struct sid_name *names;
	size_t nnames, cap_names;
	struct ca_info *cas;
	size_t ncas;
	int cas_loaded;
};

/* ---------- small helpers ---------- */

static char *
xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* First value of attr as a new string (NULL when absent). */
static char *
str1(LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *s = NULL;

	if (v != NULL && v[0] != NULL)
		s = xstrndup(v[0]->bv_val, v[0]->bv_len);
	ldap_value_free_len(v);
	return s;
}

/* Sets field to the first value of attr as a string (nothing when absent). */
static void
set_str(json_t *rec, const char *field, LDAP *ld, LDAPMessage *e, const char *attr)
{
	char *s = str1(ld, e, attr);

	if (s != NULL)
		json_object_set_new(rec, field, json_stringn(s, strlen(s)));
	free(s);
}

/*
 * An integer attribute: 0 absent (*present 0), 0 parsed, -1 malformed.  AD
 * writes 32-bit integers signed ([MS-CRTD] 2.28: 0x80000000 reads negative); values up to 2^32-1 are accepted
 * too, as other writers produce them.
 */
static int
int_attr(LDAP *ld, LDAPMessage *e, const char *attr, long long *out, int *present,
    struct ck_err *err)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char buf[32], *end;
	long long x;
	int rv = 0;

	*present = 0;
	if (v == NULL || v[0] == NULL)
		goto out;
	if (v[0]->bv_len == 0 || v[0]->bv_len >= sizeof(buf)) {
		rv = ck_err_set(err, CK_E_PARSE, "attribute %s: not an integer", attr);
		goto out;
	}
	memcpy(buf, v[0]->bv_val, v[0]->bv_len);
	buf[v[0]->bv_len] = '\0';
	errno = 0;
	x = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0' || end == buf || x < INT32_MIN || x > (long long)UINT32_MAX) {
		rv = ck_err_set(err, CK_E_PARSE, "attribute %s: '%.20s' is not a 32-bit integer",
		    attr, buf);
		goto out;
	}
	*out = x;
	*present = 1;
out:
	ldap_value_free_len(v);
	return rv;
}

/* Strings of a multi-valued attribute; EKU-style OIDs get short names when known. */
static json_t *
str_array(LDAP *ld, LDAPMessage *e, const char *attr, int eku_names)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	json_t *a = json_array();
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		char *s = xstrndup(v[i]->bv_val, v[i]->bv_len);
		const char *shortn;

		if (s == NULL)
			continue;
		shortn = eku_names ? ck_eku_short_name(s) : NULL;
		json_array_append_new(a, json_string(shortn ? shortn : s));
		free(s);
	}
	ldap_value_free_len(v);
	return a;
}

static json_t *
source_json(const char *dn, long index)
{
	json_t *s = json_object();

	json_object_set_new(s, "type", json_string("ldap"));
	json_object_set_new(s, "uri", json_string(dn));
	if (index >= 0)
		json_object_set_new(s, "index", json_integer(index));
	return s;
}

/* ---------- SID names ---------- */

static const char *
cache_find(struct ck_ad *ad, const char *sid, int *found)
{
	size_t i;

	*found = 0;
	for (i = 0; i < ad->nnames; i++)
		if (strcmp(ad->names[i].sid, sid) == 0) {
			*found = 1;
			return ad->names[i].name;
		}
	return NULL;
}

static const char *
cache_add(struct ck_ad *ad, const char *sid, char *name)
{
	if (ad->nnames == ad->cap_names) {
		size_t nc = ad->cap_names ? ad->cap_names * 2 : 32;
		struct sid_name *n = realloc(ad->names, nc * sizeof(*n));

		if (n == NULL) {
			free(name);
			return NULL;
		}
		ad->names = n;
		ad->cap_names = nc;
	}
	ad->names[ad->nnames].sid = strdup(sid);
	if (ad->names[ad->nnames].sid == NULL) {
		free(name);
		return NULL;
	}
	ad->names[ad->nnames].name = name;
	return ad->names[ad->nnames++].name;
}

static int
got_sam(void *ctx, LDAP *ld, LDAPMessage *e)
{
	char **out = ctx;

	if (*out == NULL)
		*out = str1(ld, e, "sAMAccountName");
	return 0;
}

/* "CORP\name", "BUILTIN\Administrators", "NT AUTHORITY\SYSTEM", "Everyone", or NULL. */
static const char *
sid_name(void *ctx, const char *sid)
{
	struct ck_ad *ad = ctx;
	const char *wk, *prefix = NULL;
	const char *attrs[] = { "sAMAccountName", NULL };
	unsigned char bin[68];
	char *filter = NULL, *esc, *sam = NULL, *name = NULL;
	struct ck_err err;
	int found, n;
	size_t len;

	if (sid == NULL)
		return NULL;
	wk = cache_find(ad, sid, &found);
	if (found)
		return wk;
	if (strncmp(sid, "S-1-5-32-", 9) == 0)
		prefix = "BUILTIN";
	else if (strncmp(sid, "S-1-5-21-", 9) == 0)
		prefix = ad->netbios;
	else if (strncmp(sid, "S-1-5-", 6) == 0)
		prefix = "NT AUTHORITY";
	if (ad->domain_dn != NULL && (strncmp(sid, "S-1-5-21-", 9) == 0 ||
	    strncmp(sid, "S-1-5-32-", 9) == 0) &&
	    (n = ck_sid_from_string(sid, bin, &err)) > 0) {
		esc = ck_ldap_filter_escape(bin, (size_t)n);
		if (esc != NULL) {
			len = strlen(esc) + 16;
			filter = malloc(len);
			if (filter != NULL) {
				snprintf(filter, len, "(objectSid=%s)", esc);
				ck_ldap_search(ad->l, ad->domain_dn, LDAP_SCOPE_SUBTREE, filter,
				    attrs, CK_LDAP_NOPAGE, 1, got_sam, &sam, &err);
			}
			free(esc);
			free(filter);
		}
	}
	wk = ck_sid_wellknown_name(sid);
	if (sam == NULL && wk != NULL && strncmp(sid, "S-1-5-21-", 9) == 0 &&
	    strncmp(sid, ad->domain_sid, strlen(ad->domain_sid)) != 0)
		wk = NULL;	/* a well-known RID of another domain */
	if (sam != NULL || wk != NULL) {
		const char *base = sam != NULL ? sam : wk;

		len = strlen(base) + (prefix ? strlen(prefix) + 2 : 1);
		name = malloc(len);
		if (name != NULL)
			snprintf(name, len, "%s%s%s", prefix ? prefix : "", prefix ? "\\" : "",
			    base);
	}
	free(sam);
	return cache_add(ad, sid, name);
}

/* ---------- security descriptors ---------- */

int
ck_ad_acl_json(const unsigned char *buf, size_t len, ck_sid_name_fn names, void *nctx,
    json_t **acl, json_t **owner, struct ck_err *err)
{
	struct ck_sd sd;
	size_t i;
	char mask[16];

	*acl = NULL;
	*owner = NULL;
	if (ck_sd_parse(buf, len, &sd, err) < 0)
		return -1;
	*acl = json_array();
	for (i = 0; i < sd.nace; i++) {
		const struct ck_ace *a = &sd.aces[i];
		const char *nm;
		json_t *j;

		if (!a->has_sid || (a->flags & CK_ACE_INHERIT_ONLY))
			continue;
		if (a->type != CK_ACE_ALLOWED && a->type != CK_ACE_DENIED &&
		    a->type != CK_ACE_ALLOWED_OBJECT && a->type != CK_ACE_DENIED_OBJECT)
			continue;
		j = json_object();
		json_object_set_new(j, "sid", json_string(a->sid));
		nm = names ? names(nctx, a->sid) : NULL;
		json_object_set_new(j, "name", nm ? json_string(nm) : json_null());
		json_object_set_new(j, "allow", json_boolean(!ck_ace_is_deny(a)));
		json_object_set_new(j, "rights", ck_ace_rights_json(a));
		snprintf(mask, sizeof(mask), "0x%08lx", (unsigned long)a->mask);
		json_object_set_new(j, "mask", json_string(mask));
		if (a->has_object_type)
			json_object_set_new(j, "object_type", json_string(a->object_type));
		if (a->has_inherited_object_type)
			json_object_set_new(j, "inherited_object_type",
			    json_string(a->inherited_object_type));
		json_object_set_new(j, "inherited", json_boolean(a->flags & CK_ACE_INHERITED));
		json_array_append_new(*acl, j);
	}
	if (sd.has_owner) {
		const char *nm = names ? names(nctx, sd.owner) : NULL;

		*owner = json_object();
		json_object_set_new(*owner, "sid", json_string(sd.owner));
		json_object_set_new(*owner, "name", nm ? json_string(nm) : json_null());
	} else {
		*owner = json_null();
	}
	ck_sd_release(&sd);
	return 0;
}

/* ---------- setup ---------- */

static int
got_netbios(void *ctx, LDAP *ld, LDAPMessage *e)
{
	char **out = ctx;

	if (*out == NULL)
		*out = str1(ld, e, "nETBIOSName");
	return 0;
}

static int
got_sid(void *ctx, LDAP *ld, LDAPMessage *e)
{
	char *out = ctx;
	struct berval **v = ldap_get_values_len(ld, e, "objectSid");
	struct ck_err err;

	if (v != NULL && v[0] != NULL)
		ck_sid_to_string((unsigned char *)v[0]->bv_val, v[0]->bv_len, out, &err);
	ldap_value_free_len(v);
	return 0;
}

struct ck_ad *
ck_ad_new(struct ck_ldap *l, const char *uri, const char *config_dn, struct ck_err *err)
{
	struct ck_ad *ad = calloc(1, sizeof(*ad));
	const char *nattrs[] = { "nETBIOSName", NULL };
	const char *sattrs[] = { "objectSid", NULL };
	char *filter = NULL, *esc = NULL, parts[MAX_DN];
	size_t len;

	if (ad == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	ad->l = l;
	ad->uri = strdup(uri);
	if (config_dn != NULL)
		ad->config_dn = strdup(config_dn);
	else if ((ad->config_dn = ck_ldap_read_string(l, "", "configurationNamingContext",
	    err)) == NULL) {
		ck_err_prefix(err, "rootDSE");
		goto fail;
	}
	/* Absent on some servers or hidden from anonymous binds: names then stay SIDs. */
	ad->domain_dn = ck_ldap_read_string(l, "", "defaultNamingContext", err);
	ad->root_domain_dn = ck_ldap_read_string(l, "", "rootDomainNamingContext", err);
	if (strlen(ad->config_dn) > MAX_DN - 64) {
		ck_err_set(err, CK_E_LIMIT, "configuration dn too long");
		goto fail;
	}
	snprintf(ad->pks_dn, sizeof(ad->pks_dn), "CN=Public Key Services,CN=Services,%s",
	    ad->config_dn);
	if (ad->domain_dn != NULL) {
		esc = ck_ldap_filter_escape((const unsigned char *)ad->domain_dn,
		    strlen(ad->domain_dn));
		len = esc ? strlen(esc) + 64 : 0;
		filter = esc ? malloc(len) : NULL;
		if (filter != NULL) {
			snprintf(filter, len, "(&(objectClass=crossRef)(nCName=%s))", esc);
			snprintf(parts, sizeof(parts), "CN=Partitions,%s", ad->config_dn);
			ck_ldap_search(l, parts, LDAP_SCOPE_ONELEVEL, filter, nattrs,
			    CK_LDAP_NOPAGE, 1, got_netbios, &ad->netbios, err);
		}
		ck_ldap_search(l, ad->domain_dn, LDAP_SCOPE_BASE, "(objectClass=*)", sattrs,
		    CK_LDAP_NOPAGE, 1, got_sid, ad->domain_sid, err);
		if (ad->netbios == NULL && strncasecmp(ad->domain_dn, "DC=", 3) == 0) {
			/* Fallback: the first DC= label, upper case. */
			const char *s = ad->domain_dn + 3;
			size_t i, n = strcspn(s, ",");

			ad->netbios = xstrndup(s, n);
			for (i = 0; ad->netbios && i < n; i++)
				ad->netbios[i] = (char)toupper((unsigned char)ad->netbios[i]);
		}
	}
	free(esc);
	free(filter);
	ck_err_clear(err);
	return ad;
fail:
	free(esc);
	free(filter);
	ck_ad_free(ad);
	return NULL;
}

void
ck_ad_free(struct ck_ad *ad)
{
	size_t i, j;

	if (ad == NULL)
		return;
	for (i = 0; i < ad->nnames; i++) {
		free(ad->names[i].sid);
		free(ad->names[i].name);
	}
	free(ad->names);
	for (i = 0; i < ad->ncas; i++) {
		free(ad->cas[i].name);
		free(ad->cas[i].dns_host);
		for (j = 0; j < ad->cas[i].ntemplates; j++)
			free(ad->cas[i].templates[j]);
		free(ad->cas[i].templates);
	}
	free(ad->cas);
	free(ad->uri);
	free(ad->config_dn);
	free(ad->domain_dn);
	free(ad->root_domain_dn);
	free(ad->netbios);
	free(ad);
}

int
ck_ad_parse_what(const char *s, unsigned *what, struct ck_err *err)
{
	static const struct {
		const char *name;
		unsigned bit;
	} t[] = {
		{ "templates", CK_AD_TEMPLATES }, { "cas", CK_AD_CAS },
		{ "ntauth", CK_AD_NTAUTH }, { "aia", CK_AD_AIA }, { "cdp", CK_AD_CDP },
		{ "oids", CK_AD_OIDS }, { "all", CK_AD_ALL },
	};
	const char *p = s;
	size_t i, n;

	*what = 0;
	while (*p) {
		n = strcspn(p, ",");
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (strlen(t[i].name) == n && strncmp(p, t[i].name, n) == 0)
				break;
		if (i == sizeof(t) / sizeof(t[0]))
			return ck_err_set(err, CK_E_USAGE, "--what: unknown part '%.*s' (templates, "
			    "cas, ntauth, aia, cdp, oids, all)", (int)n, p);
		*what |= t[i].bit;
		p += n;
		if (*p == ',')
			p++;
	}
	if (*what == 0)
		return ck_err_set(err, CK_E_USAGE, "--what: empty");
	return 0;
}

/* ---------- records ---------- */

struct walk {
	struct ck_ad *ad;
	ck_ad_emit_fn emit;
	void *ctx;
	int nerr;
	int stop;
	const char *const *names;
	size_t nnames;
};

static int
put(struct walk *w, json_t *rec)
{
	if (rec == NULL)
		return 0;
	if (w->emit(w->ctx, rec) != 0) {
		w->stop = 1;
		return -1;
	}
	return 0;
}

static int
put_error(struct walk *w, const char *source, const struct ck_err *err)
{
	w->nerr++;
	return put(w, ck_error_record_err(source, err));
}

static char *
entry_dn(LDAP *ld, LDAPMessage *e)
{
	char *d = ldap_get_dn(ld, e), *s;

	s = d ? strdup(d) : strdup("?");
	ldap_memfree(d);
	return s;
}

static int
cert_values(struct walk *w, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *dn = entry_dn(ld, e);
	struct ck_source src = { "ldap", dn, 0 };
	struct ck_err err;
	size_t i;
	json_t *rec;

	for (i = 0; v != NULL && v[i] != NULL && !w->stop; i++) {
		src.index = (long)i;
		rec = ck_cert_record((unsigned char *)v[i]->bv_val, v[i]->bv_len, &src, 0, &err);
		if (rec == NULL) {
			ck_err_prefix(&err, "%s value %zu", attr, i);
			put_error(w, dn, &err);
			continue;
		}
		put(w, rec);
	}
	ldap_value_free_len(v);
	free(dn);
	return w->stop ? -1 : 0;
}

static int
on_cert_entry(void *ctx, LDAP *ld, LDAPMessage *e)
{
	return cert_values(ctx, ld, e, "cACertificate");
}

static json_t *
name_json(X509_NAME *n)
{
	json_t *j = json_object();
	BIO *b = BIO_new(BIO_s_mem());
	char *p, buf[512];
	long len;
	int i;

	if (b != NULL && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(b, &p);
		json_object_set_new(j, "dn", json_stringn(p, (size_t)len));
	}
	BIO_free(b);
	i = X509_NAME_get_text_by_NID(n, NID_commonName, buf, sizeof(buf));
	if (i >= 0)
		json_object_set_new(j, "cn", json_string(buf));
	return j;
}

static json_t *
time_json(const ASN1_TIME *t)
{
	time_t tt;
	char buf[CK_TIME_LEN];

	if (t == NULL || ck_asn1_time(t, &tt) < 0)
		return json_null();
	ck_time_format(tt, buf);
	return json_string(buf);
}

static json_t *
crl_record(const unsigned char *der, size_t len, const char *dn, long index, int delta,
    struct ck_err *err)
{
	const unsigned char *p = der;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	ASN1_INTEGER *num;
	STACK_OF(X509_REVOKED) *rev;
	json_t *rec;
	int crit;

	if (crl == NULL || p != der + len) {
		X509_CRL_free(crl);
		ck_err_ssl(err, CK_E_PARSE, "not a DER CRL");
		return NULL;
	}
	rec = ck_record_new("crl");
	json_object_set_new(rec, "issuer", name_json(X509_CRL_get_issuer(crl)));
	json_object_set_new(rec, "this_update", time_json(X509_CRL_get0_lastUpdate(crl)));
	json_object_set_new(rec, "next_update", time_json(X509_CRL_get0_nextUpdate(crl)));
	num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
	if (num != NULL) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(num, NULL);
		char *hex = bn ? BN_bn2hex(bn) : NULL;
		char *q;

		if (hex != NULL) {
			for (q = hex; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			/* BN_bn2hex prints "0" for zero and no leading zeros otherwise. */
			json_object_set_new(rec, "crl_number", json_string(hex));
		}
		OPENSSL_free(hex);
		BN_free(bn);
		ASN1_INTEGER_free(num);
	} else {
		json_object_set_new(rec, "crl_number", json_null());
	}
	rev = X509_CRL_get_REVOKED(crl);
	json_object_set_new(rec, "revoked_count", json_integer(rev ? sk_X509_REVOKED_num(rev) : 0));
	json_object_set_new(rec, "delta", json_boolean(delta));
	json_object_set_new(rec, "source", source_json(dn, index));
	X509_CRL_free(crl);
	return rec;
}

static int
crl_values(struct walk *w, LDAP *ld, LDAPMessage *e, const char *attr, int delta)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *dn = entry_dn(ld, e);
	struct ck_err err;
	size_t i;
	json_t *rec;

	for (i = 0; v != NULL && v[i] != NULL && !w->stop; i++) {
		/* AD CS writes a single 0x00 byte as a placeholder before the first CRL. */
		if (v[i]->bv_len <= 1)
			continue;
		rec = crl_record((unsigned char *)v[i]->bv_val, v[i]->bv_len, dn, (long)i, delta,
		    &err);
		if (rec == NULL) {
			ck_err_prefix(&err, "%s value %zu", attr, i);
			put_error(w, dn, &err);
			continue;
		}
		put(w, rec);
	}
	ldap_value_free_len(v);
	free(dn);
	return w->stop ? -1 : 0;
}

static int
on_cdp_entry(void *ctx, LDAP *ld, LDAPMessage *e)
{
	if (crl_values(ctx, ld, e, "certificateRevocationList", 0) < 0)
		return -1;
	return crl_values(ctx, ld, e, "deltaRevocationList", 1);
}

/* CA list (for `ca` records and published_by). */
static int
on_ca_entry(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct walk *w = ctx;
	struct ck_ad *ad = w->ad;
	struct ca_info *ci;
	struct berval **v;
	size_t i, n = 0;

	if (ad->ncas >= MAX_CAS)
		return 0;
	if (ad->cas == NULL && (ad->cas = calloc(MAX_CAS, sizeof(*ad->cas))) == NULL)
		return -1;
	ci = &ad->cas[ad->ncas++];
	ci->name = str1(ld, e, "cn");
	ci->dns_host = str1(ld, e, "dNSHostName");
	v = ldap_get_values_len(ld, e, "certificateTemplates");
	while (v != NULL && v[n] != NULL)
		n++;
	ci->templates = calloc(n + 1, sizeof(char *));
	for (i = 0; ci->templates != NULL && i < n; i++)
		ci->templates[ci->ntemplates++] = xstrndup(v[i]->bv_val, v[i]->bv_len);
	ldap_value_free_len(v);
	return 0;
}

static int
emit_ca(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct walk *w = ctx;
	json_t *rec = ck_record_new("ca"), *cert = NULL;
	struct berval **v;
	char *dn = entry_dn(ld, e);
	struct ck_source src = { "ldap", dn, 0 };
	struct ck_err err;
	long long x;
	int present;

	set_str(rec, "name", ld, e, "cn");
	set_str(rec, "display_name", ld, e, "displayName");
	set_str(rec, "dns_host", ld, e, "dNSHostName");
	v = ldap_get_values_len(ld, e, "cACertificate");
	if (v != NULL && v[0] != NULL) {
		cert = ck_cert_record((unsigned char *)v[0]->bv_val, v[0]->bv_len, &src, 0, &err);
		if (cert == NULL) {
			ck_err_prefix(&err, "cACertificate");
			put_error(w, dn, &err);
		}
	}
	ldap_value_free_len(v);
	json_object_set_new(rec, "cert", cert ? cert : json_null());
	json_object_set_new(rec, "templates", str_array(ld, e, "certificateTemplates", 0));
	if (int_attr(ld, e, "flags", &x, &present, &err) == 0 && present)
		json_object_set_new(rec, "flags", json_integer(x));
	json_object_set_new(rec, "dn", json_string(dn));
	json_object_set_new(rec, "source", source_json(dn, -1));
	free(dn);
	return put(w, rec);
}

static int
load_cas(struct walk *w, int emit_records)
{
	static const char *attrs[] = { "cn", "displayName", "dNSHostName", "cACertificate",
		"certificateTemplates", "flags", NULL };
	struct ck_ad *ad = w->ad;
	char base[MAX_DN + 32];
	struct ck_err err;

	snprintf(base, sizeof(base), "CN=Enrollment Services,%s", ad->pks_dn);
	if (!ad->cas_loaded) {
		ad->cas_loaded = 1;
		if (ck_ldap_search(ad->l, base, LDAP_SCOPE_ONELEVEL,
		    "(objectClass=pKIEnrollmentService)", attrs, 0, 1, on_ca_entry, w, &err) < 0)
			return put_error(w, base, &err);
	}
	if (emit_records && ck_ldap_search(ad->l, base, LDAP_SCOPE_ONELEVEL,
	    "(objectClass=pKIEnrollmentService)", attrs, 0, 1, emit_ca, w, &err) < 0 && !w->stop)
		return put_error(w, base, &err);
	return w->stop ? -1 : 0;
}

static const char *const tmpl_attrs[] = {
	"cn", "displayName", "msPKI-Cert-Template-OID", "msPKI-Template-Schema-Version",
	"revision", "msPKI-Template-Minor-Revision", "flags", "msPKI-Enrollment-Flag",
	"msPKI-Certificate-Name-Flag", "msPKI-Private-Key-Flag", "msPKI-RA-Signature",
	"msPKI-RA-Application-Policies", "msPKI-RA-Policies", "msPKI-Minimal-Key-Size",
	"pKIExtendedKeyUsage", "msPKI-Certificate-Application-Policy",
	"msPKI-Certificate-Policy", "pKIKeyUsage", "pKIExpirationPeriod", "pKIOverlapPeriod",
	"pKIDefaultKeySpec", "pKIMaxIssuingDepth", "pKICriticalExtensions", "pKIDefaultCSPs",
	"msPKI-Supersede-Templates", "nTSecurityDescriptor", "whenChanged", NULL
};

static int
name_selected(struct walk *w, const char *cn, const char *display)
{
	size_t i;

	if (w->nnames == 0)
		return 1;
	for (i = 0; i < w->nnames; i++)
		if ((cn && strcasecmp(cn, w->names[i]) == 0) ||
		    (display && strcasecmp(display, w->names[i]) == 0))
			return 1;
	return 0;
}

static int
period(json_t *rec, const char *field, LDAP *ld, LDAPMessage *e, const char *attr,
    struct ck_err *err)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	double days;
	int rv = 0;

	if (v == NULL || v[0] == NULL) {
		json_object_set_new(rec, field, json_null());
	} else if (ck_adcs_period_decode((unsigned char *)v[0]->bv_val, v[0]->bv_len, &days,
	    err) < 0) {
		rv = ck_err_prefix(err, "attribute %s", attr);
	} else if (days == (double)(long long)days) {
		json_object_set_new(rec, field, json_integer((long long)days));
	} else {
		json_object_set_new(rec, field, json_real(days));
	}
	ldap_value_free_len(v);
	return rv;
}

static int
on_template(void *ctx, LDAP *ld, LDAPMessage *e)
{
	static const struct {
		const char *attr, *field;
		int flag;	/* -1: plain integer */
	} ints[] = {
		{ "msPKI-Template-Schema-Version", "schema_version", -1 },
		{ "revision", "revision", -1 },
		{ "msPKI-Template-Minor-Revision", "minor_revision", -1 },
		{ "flags", "flags", CK_ADCS_FLAGS },
		{ "msPKI-Enrollment-Flag", "enrollment_flag", CK_ADCS_ENROLLMENT_FLAG },
		{ "msPKI-Certificate-Name-Flag", "name_flag", CK_ADCS_NAME_FLAG },
		{ "msPKI-Private-Key-Flag", "private_key_flag", CK_ADCS_PRIVATE_KEY_FLAG },
		{ "msPKI-RA-Signature", "ra_signatures", -1 },
		{ "msPKI-Minimal-Key-Size", "min_key_bits", -1 },
		{ "pKIDefaultKeySpec", "default_key_spec", -1 },
		{ "pKIMaxIssuingDepth", "max_issuing_depth", -1 },
	};
	struct walk *w = ctx;
	struct ck_ad *ad = w->ad;
	char *cn = str1(ld, e, "cn"), *display = str1(ld, e, "displayName");
	char *dn = entry_dn(ld, e);
	json_t *rec = NULL, *pub, *acl = NULL, *owner = NULL;
	struct berval **v;
	struct ck_err err;
	long long x;
	int present;
	size_t i, j;

	if (!name_selected(w, cn, display))
		goto out;
	rec = ck_record_new("template");
	json_object_set_new(rec, "name", json_string(cn ? cn : ""));
	json_object_set_new(rec, "display_name", display ? json_string(display) : json_null());
	set_str(rec, "oid", ld, e, "msPKI-Cert-Template-OID");
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (int_attr(ld, e, ints[i].attr, &x, &present, &err) < 0)
			goto bad;
		if (!present && ints[i].flag >= 0)
			x = 0;	/* an absent flag attribute means no flags */
		else if (!present) {
			json_object_set_new(rec, ints[i].field, json_null());
			continue;
		}
		if (ints[i].flag >= 0)
			json_object_set_new(rec, ints[i].field,
			    ck_adcs_flags_json((enum ck_adcs_attr)ints[i].flag,
			    (int32_t)(uint32_t)(x & 0xFFFFFFFF)));
		else
			json_object_set_new(rec, ints[i].field, json_integer(x));
	}
	json_object_set_new(rec, "eku", str_array(ld, e, "pKIExtendedKeyUsage", 1));
	json_object_set_new(rec, "application_policies",
	    str_array(ld, e, "msPKI-Certificate-Application-Policy", 1));
	json_object_set_new(rec, "issuance_policies", str_array(ld, e, "msPKI-Certificate-Policy", 0));
	json_object_set_new(rec, "ra_application_policies",
	    str_array(ld, e, "msPKI-RA-Application-Policies", 1));
	json_object_set_new(rec, "ra_issuance_policies", str_array(ld, e, "msPKI-RA-Policies", 0));
	json_object_set_new(rec, "critical_extensions", str_array(ld, e, "pKICriticalExtensions", 0));
	json_object_set_new(rec, "csps", str_array(ld, e, "pKIDefaultCSPs", 0));
	json_object_set_new(rec, "supersedes", str_array(ld, e, "msPKI-Supersede-Templates", 0));
	v = ldap_get_values_len(ld, e, "pKIKeyUsage");
	json_object_set_new(rec, "key_usage", v && v[0] ?
	    ck_adcs_key_usage_json((unsigned char *)v[0]->bv_val, v[0]->bv_len) : json_array());
	ldap_value_free_len(v);
	if (period(rec, "validity_days", ld, e, "pKIExpirationPeriod", &err) < 0 ||
	    period(rec, "renewal_days", ld, e, "pKIOverlapPeriod", &err) < 0)
		goto bad;
	v = ldap_get_values_len(ld, e, "nTSecurityDescriptor");
	if (v != NULL && v[0] != NULL) {
		if (ck_ad_acl_json((unsigned char *)v[0]->bv_val, v[0]->bv_len, sid_name, ad,
		    &acl, &owner, &err) < 0) {
			ldap_value_free_len(v);
			ck_err_prefix(&err, "nTSecurityDescriptor");
			goto bad;
		}
	}
	ldap_value_free_len(v);
	json_object_set_new(rec, "acl", acl ? acl : json_array());
	json_object_set_new(rec, "owner", owner ? owner : json_null());
	pub = json_array();
	for (i = 0; cn != NULL && i < ad->ncas; i++)
		for (j = 0; j < ad->cas[i].ntemplates; j++)
			if (ad->cas[i].templates[j] &&
			    strcasecmp(ad->cas[i].templates[j], cn) == 0 && ad->cas[i].name) {
				json_array_append_new(pub, json_string(ad->cas[i].name));
				break;
			}
	json_object_set_new(rec, "published_by", pub);
	set_str(rec, "when_changed", ld, e, "whenChanged");
	json_object_set_new(rec, "dn", json_string(dn));
	json_object_set_new(rec, "source", source_json(dn, -1));
	put(w, rec);
	rec = NULL;
	goto out;
bad:
	ck_err_prefix(&err, "template '%s'", cn ? cn : "?");
	put_error(w, dn, &err);
out:
	json_decref(rec);
	free(cn);
	free(display);
	free(dn);
	return w->stop ? -1 : 0;
}

static int
on_oid(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct walk *w = ctx;
	json_t *rec = ck_record_new("oid");
	char *dn = entry_dn(ld, e);
	struct ck_err err;
	long long x;
	int present;

	set_str(rec, "oid", ld, e, "msPKI-Cert-Template-OID");
	set_str(rec, "name", ld, e, "cn");
	set_str(rec, "display_name", ld, e, "displayName");
	if (int_attr(ld, e, "flags", &x, &present, &err) == 0 && present)
		json_object_set_new(rec, "type", json_string(x == 1 ? "template" :
		    x == 2 ? "issuance_policy" : x == 3 ? "application_policy" : "other"));
	set_str(rec, "group_link", ld, e, "msDS-OIDToGroupLink");
	set_str(rec, "cps", ld, e, "msPKI-OID-CPS");
	json_object_set_new(rec, "source", source_json(dn, -1));
	free(dn);
	return put(w, rec);
}

static int
read_oids(struct walk *w)
{
	static const char *attrs[] = { "cn", "displayName", "flags", "msPKI-Cert-Template-OID",
		"msDS-OIDToGroupLink", "msPKI-OID-CPS", NULL };
	struct ck_ad *ad = w->ad;
	char base[MAX_DN + 16];
	struct ck_err err;
	char *oid;
	json_t *rec;

	snprintf(base, sizeof(base), "CN=OID,%s", ad->pks_dn);
	oid = ck_ldap_read_string(ad->l, base, "msPKI-Cert-Template-OID", &err);
	if (oid == NULL && err.code != CK_E_NOTFOUND)
		return put_error(w, base, &err);
	rec = ck_record_new("forest");
	json_object_set_new(rec, "oid_base", oid ? json_string(oid) : json_null());
	json_object_set_new(rec, "config_dn", json_string(ad->config_dn));
	json_object_set_new(rec, "domain_dn", ad->domain_dn ? json_string(ad->domain_dn) : json_null());
	json_object_set_new(rec, "root_domain_dn",
	    ad->root_domain_dn ? json_string(ad->root_domain_dn) : json_null());
	json_object_set_new(rec, "netbios_name", ad->netbios ? json_string(ad->netbios) : json_null());
	json_object_set_new(rec, "domain_sid",
	    ad->domain_sid[0] ? json_string(ad->domain_sid) : json_null());
	json_object_set_new(rec, "source", source_json(base, -1));
	free(oid);
	if (put(w, rec) < 0)
		return -1;
	if (ck_ldap_search(ad->l, base, LDAP_SCOPE_ONELEVEL, "(objectClass=msPKI-Enterprise-Oid)",
	    attrs, 0, 1, on_oid, w, &err) < 0 && !w->stop)
		return put_error(w, base, &err);
	return w->stop ? -1 : 0;
}

int
ck_ad_read(struct ck_ad *ad, unsigned what, const char *const *names, size_t n,
    ck_ad_emit_fn emit, void *ctx)
{
	static const char *cattrs[] = { "cACertificate", NULL };
	static const char *crlattrs[] = { "certificateRevocationList", "deltaRevocationList", NULL };
	struct walk w = { ad, emit, ctx, 0, 0, names, n };
	char base[MAX_DN + 64];
	struct ck_err err;

	if (what & (CK_AD_TEMPLATES | CK_AD_CAS))
		if (load_cas(&w, 0) < 0)
			return -1;
	if (what & CK_AD_TEMPLATES) {
		snprintf(base, sizeof(base), "CN=Certificate Templates,%s", ad->pks_dn);
		if (ck_ldap_search(ad->l, base, LDAP_SCOPE_ONELEVEL,
		    "(objectClass=pKICertificateTemplate)", (const char *const *)tmpl_attrs,
		    CK_LDAP_SD, 1, on_template, &w, &err) < 0 && !w.stop)
			put_error(&w, base, &err);
	}
	if (!w.stop && (what & CK_AD_CAS))
		load_cas(&w, 1);
	if (!w.stop && (what & CK_AD_NTAUTH)) {
		snprintf(base, sizeof(base), "CN=NTAuthCertificates,%s", ad->pks_dn);
		if (ck_ldap_search(ad->l, base, LDAP_SCOPE_BASE, "(objectClass=*)", cattrs,
		    CK_LDAP_NOPAGE, 1, on_cert_entry, &w, &err) < 0 && !w.stop)
			put_error(&w, base, &err);
	}
	if (!w.stop && (what & CK_AD_AIA)) {
		snprintf(base, sizeof(base), "CN=AIA,%s", ad->pks_dn);
		if (ck_ldap_search(ad->l, base, LDAP_SCOPE_ONELEVEL,
		    "(objectClass=certificationAuthority)", cattrs, 0, 1, on_cert_entry, &w,
		    &err) < 0 && !w.stop)
			put_error(&w, base, &err);
	}
	if (!w.stop && (what & CK_AD_CDP)) {
		snprintf(base, sizeof(base), "CN=CDP,%s", ad->pks_dn);
		if (ck_ldap_search(ad->l, base, LDAP_SCOPE_SUBTREE,
		    "(objectClass=cRLDistributionPoint)", crlattrs, 0, 1, on_cdp_entry, &w,
		    &err) < 0 && !w.stop)
			put_error(&w, base, &err);
	}
	if (!w.stop && (what & CK_AD_OIDS))
		read_oids(&w);
	return w.stop ? -1 : w.nerr;
}

/* ---------- principals ---------- */

struct found {
	char *dn;
	char *sam;
	char sid[CK_SID_STR_MAX];
	int n;
};

static int
on_account(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct found *f = ctx;
	struct berval **v;
	struct ck_err err;

	if (f->n++ > 0)
		return 0;
	f->dn = entry_dn(ld, e);
	f->sam = str1(ld, e, "sAMAccountName");
	v = ldap_get_values_len(ld, e, "objectSid");
	if (v != NULL && v[0] != NULL)
		ck_sid_to_string((unsigned char *)v[0]->bv_val, v[0]->bv_len, f->sid, &err);
	ldap_value_free_len(v);
	return 0;
}

struct groups_ctx {
	struct ck_ad *ad;
	json_t *groups;
	int bad;
};

static int
on_token_groups(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct groups_ctx *g = ctx;
	struct berval **v = ldap_get_values_len(ld, e, "tokenGroups");
	char sid[CK_SID_STR_MAX];
	struct ck_err err;
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++) {
		const char *nm;
		json_t *j;

		if (ck_sid_to_string((unsigned char *)v[i]->bv_val, v[i]->bv_len, sid, &err) < 0) {
			g->bad++;
			continue;
		}
		nm = sid_name(g->ad, sid);
		j = json_object();
		json_object_set_new(j, "sid", json_string(sid));
		json_object_set_new(j, "name", nm ? json_string(nm) : json_null());
		json_array_append_new(g->groups, j);
	}
	ldap_value_free_len(v);
	return 0;
}

static int
try_filter(struct ck_ad *ad, const char *a1, const char *a2, const char *suffix2,
    const char *value, struct found *f, struct ck_err *err)
{
	static const char *attrs[] = { "sAMAccountName", "objectSid", NULL };
	char *esc = ck_ldap_filter_escape((const unsigned char *)value, strlen(value));
	char *filter;
	size_t len;
	long r;

	if (esc == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	len = strlen(a1) + strlen(a2) + strlen(suffix2) + 2 * strlen(esc) + 16;
	filter = malloc(len);
	if (filter == NULL) {
		free(esc);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	snprintf(filter, len, "(|(%s=%s)(%s=%s%s))", a1, esc, a2, esc, suffix2);
	r = ck_ldap_search(ad->l, ad->domain_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, 1,
	    on_account, f, err);
	free(filter);
	free(esc);
	return r < 0 ? -1 : 0;
}

json_t *
ck_ad_principal(struct ck_ad *ad, const char *name, struct ck_err *err)
{
	static const char *tattrs[] = { "tokenGroups", NULL };
	struct found f;
	struct groups_ctx g;
	json_t *rec = NULL;
	const char *p;
	char full[512];
	int r;

	memset(&f, 0, sizeof(f));
	if (ad->domain_dn == NULL) {
		ck_err_set(err, CK_E_LDAP, "the server did not name its domain (defaultNamingContext)");
		return NULL;
	}
	if (strncmp(name, "S-1-", 4) == 0 || strncmp(name, "s-1-", 4) == 0) {
		unsigned char bin[68];
		char *esc, filter[300];
		static const char *attrs[] = { "sAMAccountName", "objectSid", NULL };
		int n = ck_sid_from_string(name, bin, err);

		if (n < 0)
			return NULL;
		esc = ck_ldap_filter_escape(bin, (size_t)n);
		if (esc == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			return NULL;
		}
		snprintf(filter, sizeof(filter), "(objectSid=%s)", esc);
		free(esc);
		r = ck_ldap_search(ad->l, ad->domain_dn, LDAP_SCOPE_SUBTREE, filter, attrs, 0, 1,
		    on_account, &f, err) < 0 ? -1 : 0;
	} else if ((p = strchr(name, '\\')) != NULL) {
		r = try_filter(ad, "sAMAccountName", "sAMAccountName", "$", p + 1, &f, err);
	} else if (strchr(name, '@') != NULL) {
		r = try_filter(ad, "userPrincipalName", "sAMAccountName", "", name, &f, err);
	} else {
		r = try_filter(ad, "sAMAccountName", "sAMAccountName", "$", name, &f, err);
	}
	if (r < 0)
		goto out;
	if (f.n == 0 || f.dn == NULL) {
		ck_err_set(err, CK_E_NOTFOUND, "no account named '%s'", name);
		goto out;
	}
	g.ad = ad;
	g.groups = json_array();
	g.bad = 0;
	/* tokenGroups is constructed: only a base-scope read that names it returns it. */
	if (ck_ldap_search(ad->l, f.dn, LDAP_SCOPE_BASE, "(objectClass=*)", tattrs,
	    CK_LDAP_NOPAGE, 0, on_token_groups, &g, err) < 0) {
		json_decref(g.groups);
		goto out;
	}
	rec = ck_record_new("principal");
	snprintf(full, sizeof(full), "%s\\%s", ad->netbios ? ad->netbios : "",
	    f.sam ? f.sam : name);
	json_object_set_new(rec, "name", json_string(full));
	json_object_set_new(rec, "sid", f.sid[0] ? json_string(f.sid) : json_null());
	json_object_set_new(rec, "groups", g.groups);
	json_object_set_new(rec, "dn", json_string(f.dn));
	json_object_set_new(rec, "source", source_json(f.dn, -1));
out:
	free(f.dn);
	free(f.sam);
	return rec;
}
