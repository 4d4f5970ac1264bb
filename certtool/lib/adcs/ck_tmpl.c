/*
 * ck_tmpl: template definitions -> checked records -> LDIF for AD.
 * Attribute syntaxes: [MS-ADSC] / [MS-CRTD]; encodings: [MS-CRTD] 2.11, 2.28, [MS-DTYP] 2.4.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ck_adcs.h"
#include "ck_cert.h"
#include "ck_datadir.h"
#include "ck_grow.h"
#include "ck_path.h"
#include "ck_sid.h"
#include "ck_tmpl.h"

#ifndef CK_DATADIR
#define CK_DATADIR "/usr/local/share/certkit"
#endif

/* EKU short names are the cert decoder's (one table, in ck_cert.c). */
const char *
ck_tmpl_eku_oid(const char *name)
{
	return ck_eku_oid(name);
}

int
ck_oid_valid(const char *s)
{
	int arcs = 0;
	const char *p = s;

	if (s == NULL || *s == '\0' || strlen(s) > 200)
		return 0;
	if (s[0] < '0' || s[0] > '2' || s[1] != '.')
		return 0;
	while (*p != '\0') {
		const char *start = p;

		while (isdigit((unsigned char)*p))
			p++;
		if (p == start || p - start > 10)
			return 0;
		if (*start == '0' && p - start > 1)
			return 0;
		arcs++;
		if (*p == '.') {
			p++;
			if (*p == '\0')
				return 0;
		} else if (*p != '\0') {
			return 0;
		}
	}
	return arcs >= 2;
}

/* --- a growable string ------------------------------------------------ */

struct sbuf {
	char *s;
	size_t len, cap;
	int failed;
};

static void
sb_add(struct sbuf *b, const char *data, size_t n)
{
	char *ns;
	size_t nc;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		nc = b->cap ? b->cap * 2 : 1024;
		while (nc < b->len + n + 1)
			nc *= 2;
		ns = realloc(b->s, nc);
		if (ns == NULL) {
			b->failed = 1;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		sb_add(b, small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);

		if (big == NULL) {
			b->failed = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_add(b, big, (size_t)n);
		free(big);
	}
}

/* --- finding templates ------------------------------------------------ */

char *
ck_tmpl_dir(const char *dir)
{
	char dirs[CK_DATADIR_MAX][CK_DATADIR_PATH];

	if (dir != NULL)
		return strdup(dir);
	if (ck_datadir_search("templates", dirs, CK_DATADIR_MAX) > 0)
		return strdup(dirs[0]);
	return strdup(CK_DATADIR "/templates");
}

json_t *
ck_tmpl_open(const char *dir, const char *name, struct ck_err *err)
{
	char *tdir, *tpath = NULL;
	json_t *tmpl = NULL;

	if ((tdir = ck_tmpl_dir(dir)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if ((tpath = ck_tmpl_find(tdir, name, err)) != NULL)
		tmpl = ck_tmpl_load(tpath, err);
	free(tdir);
	free(tpath);
	return tmpl;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
ck_tmpl_list(const char *dir, char ***paths, size_t *n, struct ck_err *err)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL, **nv;
	size_t cnt = 0, cap = 0, l;

	*paths = NULL;
	*n = 0;
	d = opendir(dir);
	if (d == NULL)
		return ck_err_set(err, CK_E_IO, "'%s': %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0 || de->d_name[0] == '.')
			continue;
		if ((nv = ck_grow(v, &cap, cnt + 1, sizeof(*v), 16)) == NULL)
			goto nomem;
		v = nv;
		if ((v[cnt] = ck_path_join(dir, de->d_name)) == NULL)
			goto nomem;
		cnt++;
	}
	closedir(d);
	if (cnt > 0)
		qsort(v, cnt, sizeof(*v), cmp_str);
	*paths = v;
	*n = cnt;
	return 0;
nomem:
	closedir(d);
	ck_tmpl_list_free(v, cnt);
	return ck_err_set(err, CK_E_NOMEM, "out of memory");
}

void
ck_tmpl_list_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

char *
ck_tmpl_find(const char *dir, const char *name, struct ck_err *err)
{
	char *p = NULL, **paths, tmp[4096];
	size_t n, i, l;
	struct stat st;

	if (name == NULL || *name == '\0') {
		ck_err_set(err, CK_E_USAGE, "empty template name");
		return NULL;
	}
	l = strlen(name);
	if (strchr(name, '/') != NULL || (l > 5 && strcmp(name + l - 5, ".json") == 0)) {
		if (stat(name, &st) != 0) {
			ck_err_set(err, CK_E_IO, "%s", strerror(errno));
			return NULL;
		}
		return strdup(name);
	}
	if (ck_path_fmt(tmp, sizeof(tmp), dir, name, "json") != 0) {
		ck_err_set(err, CK_E_LIMIT, "template path too long");
		return NULL;
	}
	if ((p = strdup(tmp)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if (stat(p, &st) == 0)
		return p;
	free(p);
	p = NULL;
	/* Not a file name: try the AD names (record "name") of the shipped files. */
	if (ck_tmpl_list(dir, &paths, &n, err) == 0) {
		for (i = 0; i < n && p == NULL; i++) {
			json_t *j = json_load_file(paths[i], 0, NULL);
			const char *rn = json_string_value(json_object_get(j, "name"));

			if (rn != NULL && strcasecmp(rn, name) == 0)
				p = strdup(paths[i]);
			json_decref(j);
		}
		ck_tmpl_list_free(paths, n);
	}
	if (p == NULL)
		ck_err_set(err, CK_E_NOTFOUND, "no such template (looked in '%s')", dir);
	return p;
}

/* --- checking --------------------------------------------------------- */

static int
check_int(json_t *t, const char *field, long long min, long long max, int required,
    struct ck_err *err)
{
	json_t *v = json_object_get(t, field);

	if (v == NULL) {
		if (required)
			return ck_err_set(err, CK_E_PARSE, "%s: missing", field);
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return ck_err_set(err, CK_E_PARSE, "%s: not an integer in %lld..%lld",
		    field, min, max);
	return 0;
}

static int
check_string(json_t *t, const char *field, int required, struct ck_err *err)
{
	json_t *v = json_object_get(t, field);

	if (v == NULL && !required)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0)
		return ck_err_set(err, CK_E_PARSE, "%s: %s", field,
		    v == NULL ? "missing" : "not a non-empty string");
	return 0;
}

static int
check_flags(json_t *t, enum ck_adcs_attr attr, struct ck_err *err)
{
	const char *field = ck_adcs_attr_field(attr);
	json_t *v = json_object_get(t, field), *names, *norm;
	uint32_t value, from_names;

	if (v == NULL) {
		json_object_set_new(t, field, ck_adcs_flags_json(attr, 0));
		return 0;
	}
	if (ck_adcs_flags_value(attr, v, &value, err) == -1)
		return -1;
	names = json_is_object(v) ? json_object_get(v, "names") : NULL;
	if (names != NULL && json_object_get(v, "raw") != NULL) {
		if (!json_is_array(names))
			return ck_err_set(err, CK_E_PARSE, "%s: names is not an array", field);
		if (ck_adcs_flags_value(attr, names, &from_names, err) == -1)
			return -1;
		if (from_names != value)
			return ck_err_set(err, CK_E_PARSE,
			    "%s: raw 0x%08" PRIx32 " does not match names (0x%08" PRIx32 ")",
			    field, value, from_names);
	}
	norm = ck_adcs_flags_json(attr, (int32_t)value);
	if (norm == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	json_object_set_new(t, field, norm);
	return 0;
}

static int
check_oid_list(json_t *t, const char *field, struct ck_err *err)
{
	json_t *v = json_object_get(t, field), *e;
	size_t i;
	const char *s;

	if (v == NULL) {
		json_object_set_new(t, field, json_array());
		return 0;
	}
	if (!json_is_array(v))
		return ck_err_set(err, CK_E_PARSE, "%s: not an array", field);
	json_array_foreach(v, i, e) {
		s = json_string_value(e);
		if (s == NULL)
			return ck_err_set(err, CK_E_PARSE, "%s: entries must be strings", field);
		if (ck_tmpl_eku_oid(s) == NULL && !ck_oid_valid(s))
			return ck_err_set(err, CK_E_PARSE,
			    "%s: '%s' is neither a known short name nor a dotted OID", field, s);
	}
	return 0;
}

static int
check_days(json_t *t, const char *field, double *out, struct ck_err *err)
{
	json_t *v = json_object_get(t, field);

	if (v == NULL)
		return ck_err_set(err, CK_E_PARSE, "%s: missing", field);
	/*
	 * Whole days: 1.5 once passed here and then read as 0 (the 365-day
	 * default) where an integer was taken.  Periods read from AD may be
	 * fractional; those are `template` records, not template files.
	 */
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 36500)
		return ck_err_set(err, CK_E_PARSE, "%s: not a whole number of days in 1..36500",
		    field);
	*out = (double)json_integer_value(v);
	return 0;
}

int
ck_tmpl_check(json_t *t, struct ck_err *err)
{
	unsigned char ku[2];
	size_t kulen;
	double validity, renewal;
	json_t *v;

	if (!json_is_object(t))
		return ck_err_set(err, CK_E_PARSE, "not a JSON object");
	v = json_object_get(t, "kind");
	if (v != NULL && (!json_is_string(v) || strcmp(json_string_value(v), "template") != 0))
		return ck_err_set(err, CK_E_PARSE, "kind: not \"template\"");
	json_object_set_new(t, "kind", json_string("template"));
	if (check_int(t, "v", 1, 1, 0, err) == -1)
		return -1;
	json_object_set_new(t, "v", json_integer(1));
	if (check_string(t, "name", 1, err) == -1 ||
	    check_string(t, "display_name", 0, err) == -1 ||
	    check_int(t, "schema_version", 1, 4, 1, err) == -1 ||
	    check_int(t, "revision", 0, INT32_MAX, 0, err) == -1 ||
	    check_int(t, "minor_revision", 0, INT32_MAX, 0, err) == -1 ||
	    check_int(t, "ra_signatures", 0, INT32_MAX, 0, err) == -1 ||
	    check_int(t, "min_key_bits", 0, 65536, 1, err) == -1 ||
	    check_int(t, "default_key_spec", 1, 2, 0, err) == -1 ||
	    check_int(t, "max_issuing_depth", 0, INT32_MAX, 0, err) == -1)
		return -1;
	v = json_object_get(t, "oid");
	if (v != NULL && !json_is_null(v) &&
	    (!json_is_string(v) || !ck_oid_valid(json_string_value(v))))
		return ck_err_set(err, CK_E_PARSE, "oid: not a dotted OID");
	if (check_flags(t, CK_ADCS_FLAGS, err) == -1 ||
	    check_flags(t, CK_ADCS_ENROLLMENT_FLAG, err) == -1 ||
	    check_flags(t, CK_ADCS_NAME_FLAG, err) == -1 ||
	    check_flags(t, CK_ADCS_PRIVATE_KEY_FLAG, err) == -1)
		return -1;
	if (check_oid_list(t, "eku", err) == -1 ||
	    check_oid_list(t, "application_policies", err) == -1 ||
	    check_oid_list(t, "critical_extensions", err) == -1)
		return -1;
	v = json_object_get(t, "key_usage");
	if (v == NULL)
		return ck_err_set(err, CK_E_PARSE, "key_usage: missing");
	if (ck_adcs_key_usage_encode(v, ku, &kulen, err) == -1)
		return -1;
	if (check_days(t, "validity_days", &validity, err) == -1 ||
	    check_days(t, "renewal_days", &renewal, err) == -1)
		return -1;
	if (renewal >= validity)
		return ck_err_set(err, CK_E_PARSE,
		    "renewal_days: must be shorter than validity_days");
	v = json_object_get(t, "csps");
	if (v != NULL) {
		size_t i;
		json_t *e;

		if (!json_is_array(v))
			return ck_err_set(err, CK_E_PARSE, "csps: not an array");
		json_array_foreach(v, i, e)
			if (!json_is_string(e) || json_string_length(e) == 0)
				return ck_err_set(err, CK_E_PARSE, "csps: entries must be strings");
	}
	v = json_object_get(t, "ca");
	if (v != NULL && !json_is_boolean(v))
		return ck_err_set(err, CK_E_PARSE, "ca: not a boolean");
	v = json_object_get(t, "subject_source");
	if (v != NULL && (!json_is_string(v) ||
	    (strcmp(json_string_value(v), "request") != 0 &&
	    strcmp(json_string_value(v), "ad") != 0)))
		return ck_err_set(err, CK_E_PARSE, "subject_source: not \"request\" or \"ad\"");
	if (json_object_get(t, "acl") == NULL)
		json_object_set_new(t, "acl", json_array());
	else if (!json_is_array(json_object_get(t, "acl")))
		return ck_err_set(err, CK_E_PARSE, "acl: not an array");
	if (json_object_get(t, "published_by") == NULL)
		json_object_set_new(t, "published_by", json_array());
	else if (!json_is_array(json_object_get(t, "published_by")))
		return ck_err_set(err, CK_E_PARSE, "published_by: not an array");
	return 0;
}

int
ck_tmpl_check_definition(const json_t *rec, struct ck_err *err)
{
	const char *type = json_string_value(json_object_get(json_object_get(rec, "source"),
	    "type"));
	json_t *copy;
	int rv;

	if (!json_is_object(rec) || json_string_value(json_object_get(rec, "kind")) == NULL ||
	    strcmp(json_string_value(json_object_get(rec, "kind")), "template") != 0 ||
	    type == NULL || strcmp(type, "file") != 0)
		return 0;
	if ((copy = json_deep_copy(rec)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	rv = ck_tmpl_check(copy, err);
	json_decref(copy);
	return rv;
}

json_t *
ck_tmpl_load(const char *path, struct ck_err *err)
{
	json_t *t, *src;
	json_error_t je;
	FILE *fp;
	struct stat st;

	fp = fopen(path, "r");
	if (fp == NULL) {
		ck_err_set(err, CK_E_IO, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && (size_t)st.st_size > CK_TMPL_FILE_MAX) {
		fclose(fp);
		ck_err_set(err, CK_E_LIMIT, "larger than %u bytes", CK_TMPL_FILE_MAX);
		return NULL;
	}
	t = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
	fclose(fp);
	if (t == NULL) {
		ck_err_set(err, CK_E_PARSE, "line %d: %s", je.line, je.text);
		return NULL;
	}
	if (ck_tmpl_check(t, err) == -1) {
		json_decref(t);
		return NULL;
	}
	src = json_pack("{s:s, s:s}", "type", "file", "uri", path);
	json_object_set_new(t, "source", src);
	return t;
}

/* --- OIDs and security descriptors ------------------------------------ */

int
ck_tmpl_oid(const char *base, const char *name, char *out, size_t outlen,
    struct ck_err *err)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	uint32_t a, b;
	int n;

	if (!ck_oid_valid(base))
		return ck_err_set(err, CK_E_USAGE, "'%s': not a dotted OID", base ? base : "");
	if (!EVP_Digest(name, strlen(name), md, &mdlen, EVP_sha256(), NULL))
		return ck_err_set(err, CK_E_CRYPTO, "sha-256 failed");
	a = 1 + (((uint32_t)md[0] << 16 | (uint32_t)md[1] << 8 | md[2]) % 16777215u);
	b = 1 + (((uint32_t)md[3] << 16 | (uint32_t)md[4] << 8 | md[5]) % 16777215u);
	n = snprintf(out, outlen, "%s.%" PRIu32 ".%" PRIu32, base, a, b);
	if (n < 0 || (size_t)n >= outlen)
		return ck_err_set(err, CK_E_LIMIT, "OID too long");
	return 0;
}

/* DS access rights ([MS-ADTS] 5.1.3.2). */
#define RIGHT_DS_READ		0x00020094u	/* READ_CONTROL | LIST | READ_PROP | LIST_OBJECT */
#define RIGHT_DS_CONTROL_ACCESS	0x00000100u
#define RIGHT_FULL_CONTROL	0x000F01FFu
#define ACE_ALLOWED		0x00
#define ACE_ALLOWED_OBJECT	0x05
#define ACE_OBJECT_TYPE_PRESENT	0x1u
#define ACL_REVISION_DS		4
#define SE_DACL_PRESENT		0x0004u
#define SE_SELF_RELATIVE	0x8000u

/* Enroll extended right 0e10c968-78fb-11d2-90d4-00c04f79dc55 ([MS-CRTD] template security), GUID byte order. */
static const unsigned char enroll_guid[16] = {
	0x68, 0xc9, 0x10, 0x0e, 0xfb, 0x78, 0xd2, 0x11,
	0x90, 0xd4, 0x00, 0xc0, 0x4f, 0x79, 0xdc, 0x55
};

static void
put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* Appends one ACE; returns the new offset. */
static size_t
put_ace(unsigned char *buf, size_t off, int type, uint32_t mask,
    const unsigned char *sid, int sidlen)
{
	size_t size = 4 + 4 + (type == ACE_ALLOWED_OBJECT ? 4 + 16 : 0) + (size_t)sidlen;
	unsigned char *p = buf + off;

	p[0] = (unsigned char)type;
	p[1] = 0;	/* not inherited, not inheritable */
	put16(p + 2, (uint32_t)size);
	put32(p + 4, mask);
	p += 8;
	if (type == ACE_ALLOWED_OBJECT) {
		put32(p, ACE_OBJECT_TYPE_PRESENT);
		memcpy(p + 4, enroll_guid, 16);
		p += 20;
	}
	memcpy(p, sid, (size_t)sidlen);
	return off + size;
}

int
ck_tmpl_enroll_sd(const char *const *sids, size_t n, unsigned char **sd,
    size_t *len, struct ck_err *err)
{
	static const struct {
		const char *sid;
		uint32_t mask;
	} defaults[] = {
		{ "S-1-5-18", RIGHT_FULL_CONTROL },	/* SYSTEM */
		{ "S-1-5-32-544", RIGHT_FULL_CONTROL },	/* BUILTIN\Administrators */
		{ "S-1-5-11", RIGHT_DS_READ },		/* Authenticated Users */
	};
	unsigned char bin[68], *buf;
	size_t i, off, cap, aces = 0;
	int l;

	*sd = NULL;
	*len = 0;
	if (n > 1000)
		return ck_err_set(err, CK_E_LIMIT, "too many --enroll SIDs");
	/* Worst case per ACE: 8 + 20 + 68. */
	cap = 20 + 8 + (n * 2 + 3) * 96;
	buf = calloc(1, cap);
	if (buf == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	off = 20 + 8;
	for (i = 0; i < n; i++) {
		l = ck_sid_from_string(sids[i], bin, err);
		if (l < 0) {
			free(buf);
			return ck_err_prefix(err, "'%s'", sids[i]);
		}
		off = put_ace(buf, off, ACE_ALLOWED, RIGHT_DS_READ, bin, l);
		off = put_ace(buf, off, ACE_ALLOWED_OBJECT, RIGHT_DS_CONTROL_ACCESS, bin, l);
		aces += 2;
	}
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		l = ck_sid_from_string(defaults[i].sid, bin, err);
		if (l < 0) {
			free(buf);
			return -1;
		}
		off = put_ace(buf, off, ACE_ALLOWED, defaults[i].mask, bin, l);
		aces++;
	}
	/* Header: revision 1, control, owner/group/SACL absent, DACL at 20. */
	buf[0] = 1;
	put16(buf + 2, SE_DACL_PRESENT | SE_SELF_RELATIVE);
	put32(buf + 16, 20);
	buf[20] = ACL_REVISION_DS;
	put16(buf + 22, (uint32_t)(off - 20));
	put16(buf + 24, (uint32_t)aces);
	*sd = buf;
	*len = off;
	return 0;
}

int
ck_tmpl_apply(json_t *t, const struct ck_tmpl_ldif_opts *o, struct ck_err *err)
{
	char oid[256];
	const char *name;
	unsigned char bin[68];
	json_t *acl;
	size_t i;

	if (o->name != NULL)
		json_object_set_new(t, "name", json_string(o->name));
	name = json_string_value(json_object_get(t, "name"));
	if (name == NULL)
		return ck_err_set(err, CK_E_PARSE, "name: missing");
	if (o->oid_base != NULL) {
		if (ck_tmpl_oid(o->oid_base, name, oid, sizeof(oid), err) == -1)
			return ck_err_prefix(err, "--oid-base");
		json_object_set_new(t, "oid", json_string(oid));
	}
	if (o->n_enroll > 0) {
		acl = json_object_get(t, "acl");
		if (!json_is_array(acl)) {
			acl = json_array();
			json_object_set_new(t, "acl", acl);
		}
		for (i = 0; i < o->n_enroll; i++) {
			const char *wk;
			json_t *e;

			if (ck_sid_from_string(o->enroll[i], bin, err) < 0)
				return ck_err_prefix(err, "--enroll '%s'", o->enroll[i]);
			e = json_pack("{s:s, s:b, s:[ss]}", "sid", o->enroll[i], "allow", 1,
			    "rights", "read", "enroll");
			wk = ck_sid_wellknown_name(o->enroll[i]);
			if (wk != NULL)
				json_object_set_new(e, "name", json_string(wk));
			json_array_append_new(acl, e);
		}
	}
	return 0;
}

/* --- LDIF ------------------------------------------------------------- */

/* RFC 2849 SAFE-STRING: no leading space, ':' or '<', ASCII without NUL/CR/LF, no trailing space. */
static int
ldif_safe(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0)
		return 1;
	if (s[0] == ' ' || s[0] == ':' || s[0] == '<' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0 || c == '\n' || c == '\r' || c > 0x7e)
			return 0;
	}
	return 1;
}

static void
ldif_bin(struct sbuf *b, const char *attr, const unsigned char *v, size_t n)
{
	char *enc = malloc(4 * ((n + 2) / 3) + 1);

	if (enc == NULL) {
		b->failed = 1;
		return;
	}
	EVP_EncodeBlock((unsigned char *)enc, v, (int)n);
	sb_printf(b, "%s:: %s\n", attr, enc);
	free(enc);
}

static void
ldif_str(struct sbuf *b, const char *attr, const char *v)
{
	if (ldif_safe(v))
		sb_printf(b, "%s: %s\n", attr, v);
	else
		ldif_bin(b, attr, (const unsigned char *)v, strlen(v));
}

static void
ldif_oids(struct sbuf *b, const char *attr, const json_t *arr)
{
	size_t i;
	json_t *e;
	const char *s, *oid;

	json_array_foreach(arr, i, e) {
		s = json_string_value(e);
		if (s == NULL)
			continue;
		oid = ck_tmpl_eku_oid(s);
		sb_printf(b, "%s: %s\n", attr, oid != NULL ? oid : s);
	}
}

/* A CN usable in a DN without escaping, as AD template names are. */
static int
cn_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == ' ' || s[0] == '#' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || strchr(",+\"\\<>;=", c) != NULL)
			return 0;
	}
	return 1;
}

static int
dn_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 1024 || strchr(s, '=') == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			return 0;
	return 1;
}

static long long
int_field(const json_t *t, const char *field, long long dflt)
{
	json_t *v = json_object_get(t, field);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

char *
ck_tmpl_ldif(const json_t *t, const struct ck_tmpl_ldif_opts *o, struct ck_err *err)
{
	struct sbuf b = { 0 };
	const char *name, *oid, *dname;
	unsigned char period[8], ku[2], *sd = NULL;
	size_t kulen, sdlen, i;
	json_t *v, *e;
	int a;
	static const enum ck_adcs_attr flag_attrs[] = {
		CK_ADCS_FLAGS, CK_ADCS_ENROLLMENT_FLAG, CK_ADCS_NAME_FLAG,
		CK_ADCS_PRIVATE_KEY_FLAG
	};

	name = json_string_value(json_object_get(t, "name"));
	oid = json_string_value(json_object_get(t, "oid"));
	if (o->forest_dn == NULL || *o->forest_dn == '\0') {
		ck_err_set(err, CK_E_USAGE, "ldif needs the forest DN (--forest-dn)");
		return NULL;
	}
	if (!dn_ok(o->forest_dn)) {
		ck_err_set(err, CK_E_USAGE, "--forest-dn '%s': not a DN", o->forest_dn);
		return NULL;
	}
	if (name == NULL || !cn_ok(name)) {
		ck_err_set(err, CK_E_USAGE, "template name '%s' cannot be a CN "
		    "(1-64 characters, none of , + \" \\ < > ; =)", name ? name : "");
		return NULL;
	}
	if (oid == NULL) {
		ck_err_set(err, CK_E_USAGE, "no template OID: give --oid-base "
		    "(the forest's OID base: cert-ad --what oids)");
		return NULL;
	}
	dname = json_string_value(json_object_get(t, "display_name"));
	if (dname == NULL)
		dname = name;

	sb_printf(&b, "dn: CN=%s,CN=Certificate Templates,CN=Public Key Services,"
	    "CN=Services,CN=Configuration,%s\n", name, o->forest_dn);
	sb_printf(&b, "objectClass: top\nobjectClass: pKICertificateTemplate\n");
	sb_printf(&b, "cn: %s\n", name);
	ldif_str(&b, "displayName", dname);
	sb_printf(&b, "showInAdvancedViewOnly: TRUE\n");
	sb_printf(&b, "revision: %lld\n", int_field(t, "revision", 100));
	sb_printf(&b, "msPKI-Template-Schema-Version: %lld\n", int_field(t, "schema_version", 2));
	sb_printf(&b, "msPKI-Template-Minor-Revision: %lld\n", int_field(t, "minor_revision", 0));
	sb_printf(&b, "msPKI-Cert-Template-OID: %s\n", oid);
	/* Flag attributes are signed 32-bit integers in AD ([MS-CRTD] 2.28). */
	for (i = 0; i < sizeof(flag_attrs) / sizeof(flag_attrs[0]); i++) {
		uint32_t val = 0;

		v = json_object_get(t, ck_adcs_attr_field(flag_attrs[i]));
		if (v != NULL && ck_adcs_flags_value(flag_attrs[i], v, &val, err) == -1)
			goto fail;
		sb_printf(&b, "%s: %" PRId32 "\n", ck_adcs_attr_ldap(flag_attrs[i]),
		    (int32_t)val);
	}
	sb_printf(&b, "msPKI-RA-Signature: %lld\n", int_field(t, "ra_signatures", 0));
	sb_printf(&b, "msPKI-Minimal-Key-Size: %lld\n", int_field(t, "min_key_bits", 2048));
	sb_printf(&b, "pKIDefaultKeySpec: %lld\n", int_field(t, "default_key_spec", 1));
	sb_printf(&b, "pKIMaxIssuingDepth: %lld\n", int_field(t, "max_issuing_depth", 0));
	v = json_object_get(t, "key_usage");
	if (ck_adcs_key_usage_encode(v, ku, &kulen, err) == -1)
		goto fail;
	/* Windows stores two bytes even when the second is zero. */
	ldif_bin(&b, "pKIKeyUsage", ku, 2);
	ck_adcs_period_encode(json_number_value(json_object_get(t, "validity_days")), period);
	ldif_bin(&b, "pKIExpirationPeriod", period, 8);
	ck_adcs_period_encode(json_number_value(json_object_get(t, "renewal_days")), period);
	ldif_bin(&b, "pKIOverlapPeriod", period, 8);
	ldif_oids(&b, "pKIExtendedKeyUsage", json_object_get(t, "eku"));
	ldif_oids(&b, "pKICriticalExtensions", json_object_get(t, "critical_extensions"));
	a = int_field(t, "schema_version", 2) >= 2;
	if (a)
		ldif_oids(&b, "msPKI-Certificate-Application-Policy",
		    json_object_get(t, "application_policies"));
	v = json_object_get(t, "csps");
	json_array_foreach(v, i, e) {
		char line[600];
		const char *csp = json_string_value(e);
		size_t digits = strspn(csp, "0123456789");

		/* "1,Name" as AD stores it (and cert-ad reads it) is kept; a bare name is numbered. */
		if (digits > 0 && csp[digits] == ',')
			snprintf(line, sizeof(line), "%s", csp);
		else
			snprintf(line, sizeof(line), "%zu,%s", i + 1, csp);
		ldif_str(&b, "pKIDefaultCSPs", line);
	}
	if (o->n_enroll > 0) {
		if (ck_tmpl_enroll_sd(o->enroll, o->n_enroll, &sd, &sdlen, err) == -1)
			goto fail;
		ldif_bin(&b, "nTSecurityDescriptor", sd, sdlen);
		free(sd);
	}
	sb_add(&b, "\n", 1);
	if (b.failed) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	return b.s;
fail:
	free(b.s);
	return NULL;
}
