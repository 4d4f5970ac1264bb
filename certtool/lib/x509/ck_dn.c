#include "ck_dn.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>

#include "ck_grow.h"
#include "ck_num.h"

/* One attribute/value pair, with the raw bytes of its value. */
struct ava {
	char type[128];
	unsigned char *val;
	size_t len;
	int ber;		/* val is the BER of the value ("#hex") */
	int joined;		/* '+': same RDN as the pair before */
};

struct avas {
	struct ava *v;
	size_t n, cap;
};

static void
avas_release(struct avas *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].val);
	free(a->v);
}

static struct ava *
avas_add(struct avas *a)
{
	struct ava *nv = ck_grow(a->v, &a->cap, a->n + 1, sizeof(*nv), 8);

	if (nv == NULL)
		return NULL;
	a->v = nv;
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	unsigned long cp;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* An attribute type at s[*i]: a name or a dotted OID ("OID." prefix allowed). */
static int
parse_type(const char *s, size_t *i, char *out, size_t cap, struct ck_err *err)
{
	size_t st = *i, n;

	if ((s[*i] | 0x20) >= 'a' && (s[*i] | 0x20) <= 'z') {
		while ((s[*i] | 0x20) >= 'a' && (s[*i] | 0x20) <= 'z' ? 1 :
		    (s[*i] >= '0' && s[*i] <= '9') || s[*i] == '-')
			(*i)++;
		if (*i - st == 3 && strncasecmp(s + st, "oid", 3) == 0 && s[*i] == '.') {
			(*i)++;
			return parse_type(s, i, out, cap, err);
		}
	} else if (s[*i] >= '0' && s[*i] <= '9') {
		while ((s[*i] >= '0' && s[*i] <= '9') || (s[*i] == '.' && s[*i + 1] >= '0' &&
		    s[*i + 1] <= '9'))
			(*i)++;
	} else {
		return ck_err_set(err, CK_E_USAGE, "expected an attribute type at offset %zu", st);
	}
	n = *i - st;
	if (n >= cap)
		return ck_err_set(err, CK_E_USAGE, "attribute type at offset %zu too long", st);
	memcpy(out, s + st, n);
	out[n] = '\0';
	return 0;
}

/* An RFC 4514 attribute value at s[*i] into a (new buffer). */
static int
parse_value(const char *s, size_t *i, struct ava *a, struct ck_err *err)
{
	size_t len = strlen(s + *i), n = 0, keep = 0, st = *i;
	unsigned char *out = malloc(len + 1);

	if (out == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	a->val = out;
	if (s[*i] == '#') {
		(*i)++;
		while (ck_hex_digit((unsigned char)s[*i]) >= 0) {
			int hi = ck_hex_digit((unsigned char)s[*i]);
			int lo = ck_hex_digit((unsigned char)s[*i + 1]);

			if (lo < 0)
				return ck_err_set(err, CK_E_USAGE, "odd number of hex digits at offset %zu",
				    st);
			out[n++] = (unsigned char)(hi << 4 | lo);
			*i += 2;
		}
		if (n == 0)
			return ck_err_set(err, CK_E_USAGE, "'#' without hex digits at offset %zu", st);
		a->len = n;
		a->ber = 1;
		return 0;
	}
	for (;;) {
		char c = s[*i];

		if (c == '\0' || c == ',' || c == '+')
			break;
		if (c == '\\') {
			int hi = ck_hex_digit((unsigned char)s[*i + 1]);
			int lo = hi >= 0 ? ck_hex_digit((unsigned char)s[*i + 2]) : -1;

			if (hi >= 0 && lo >= 0) {
				out[n++] = (unsigned char)(hi << 4 | lo);
				*i += 3;
			} else if (s[*i + 1] != '\0' && strchr(",+\"\\<>;=# ", s[*i + 1]) != NULL) {
				out[n++] = (unsigned char)s[*i + 1];
				*i += 2;
			} else {
				return ck_err_set(err, CK_E_USAGE, "bad escape '\\%c' at offset %zu",
				    s[*i + 1] ? s[*i + 1] : ' ', *i);
			}
			keep = n;	/* an escaped character is never trimmed */
			continue;
		}
		if (c == '"' || c == ';' || c == '<' || c == '>')
			return ck_err_set(err, CK_E_USAGE,
			    "'%c' at offset %zu must be escaped (\\%c)", c, *i, c);
		if (c == ' ' && n == 0) {	/* leading unescaped spaces are padding */
			(*i)++;
			continue;
		}
		out[n++] = (unsigned char)c;
		if (c != ' ')
			keep = n;
		(*i)++;
	}
	n = keep;	/* trailing unescaped spaces are padding */
	if (memchr(out, '\0', n) != NULL)
		return ck_err_set(err, CK_E_USAGE, "a NUL in the value at offset %zu", st);
	if (!utf8_ok(out, n))
		return ck_err_set(err, CK_E_USAGE, "the value at offset %zu is not UTF-8", st);
	a->len = n;
	return 0;
}

static int
parse_4514(const char *s, struct avas *out, struct ck_err *err)
{
	size_t i = 0;
	int joined = 0;

	for (;;) {
		struct ava *a = avas_add(out);

		if (a == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		a->joined = joined;
		while (s[i] == ' ')
			i++;
		if (parse_type(s, &i, a->type, sizeof(a->type), err) != 0)
			return -1;
		while (s[i] == ' ')
			i++;
		if (s[i] != '=')
			return ck_err_set(err, CK_E_USAGE, "expected '=' at offset %zu", i);
		i++;
		while (s[i] == ' ')
			i++;
		if (parse_value(s, &i, a, err) != 0)
			return -1;
		while (s[i] == ' ')
			i++;
		if (s[i] == '\0')
			return 0;
		if (s[i] != ',' && s[i] != '+')
			return ck_err_set(err, CK_E_USAGE, "expected ',' or '+' at offset %zu", i);
		joined = s[i] == '+';
		i++;
	}
}

/* OpenSSL's "/C=US/O=Org/CN=name" (least specific first); '\' escapes. */
static int
parse_slash(const char *s, struct avas *out, struct ck_err *err)
{
	size_t i = 1;
	int joined = 0;

	while (s[i] != '\0') {
		struct ava *a = avas_add(out);
		size_t n = 0, tl = 0;

		if (a == NULL || (a->val = malloc(strlen(s + i) + 1)) == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		a->joined = joined;
		while (s[i] != '\0' && s[i] != '=' && s[i] != '/' && tl + 1 < sizeof(a->type))
			a->type[tl++] = s[i++];
		a->type[tl] = '\0';
		if (s[i] != '=' || tl == 0)
			return ck_err_set(err, CK_E_USAGE, "expected TYPE=VALUE at offset %zu", i);
		i++;
		while (s[i] != '\0' && s[i] != '/' && s[i] != '+') {
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			a->val[n++] = (unsigned char)s[i++];
		}
		a->len = n;
		if (memchr(a->val, '\0', n) != NULL || !utf8_ok(a->val, n))
			return ck_err_set(err, CK_E_USAGE, "the value of '%s' is not UTF-8", a->type);
		joined = s[i] == '+';
		if (s[i] != '\0')
			i++;
	}
	return out->n > 0 ? 0 : ck_err_set(err, CK_E_USAGE, "empty DN");
}

/* Adds one pair to name (set: -1 joins the RDN added last, 0 a new RDN). */
static int
add(X509_NAME *name, const struct ava *a, int set, struct ck_err *err)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(a->type, 0);
	int ok, type = MBSTRING_UTF8;
	const unsigned char *data = a->val;
	long len = (long)a->len;

	if (obj == NULL) {
		ERR_clear_error();
		return ck_err_set(err, CK_E_USAGE, "unknown attribute type '%s'", a->type);
	}
	if (a->ber) {
		/* "#hex": a primitive string type (universal tag) and its contents. */
		int tag = a->len >= 2 ? a->val[0] : -1;
		size_t hl = a->len >= 2 && a->val[1] < 0x80 ? 2 : 0;

		if (hl == 0 || (size_t)a->val[1] != a->len - 2 ||
		    (tag != V_ASN1_UTF8STRING && tag != V_ASN1_PRINTABLESTRING &&
		    tag != V_ASN1_IA5STRING && tag != V_ASN1_T61STRING &&
		    tag != V_ASN1_NUMERICSTRING && tag != V_ASN1_VISIBLESTRING &&
		    tag != V_ASN1_BMPSTRING && tag != V_ASN1_UNIVERSALSTRING &&
		    tag != V_ASN1_OCTET_STRING)) {
			ASN1_OBJECT_free(obj);
			return ck_err_set(err, CK_E_USAGE, "'%s=#...': not a short BER string value",
			    a->type);
		}
		type = tag;
		data = a->val + hl;
		len = (long)(a->len - hl);
		/* The contents must be what the type says (UTF-8 for a UTF8String...), no NUL. */
		{
			ASN1_STRING *as = ASN1_STRING_type_new(tag);
			unsigned char *u = NULL;
			int ul = -1;

			if (as != NULL && ASN1_STRING_set(as, data, (int)len))
				ul = ASN1_STRING_to_UTF8(&u, as);
			ASN1_STRING_free(as);
			ERR_clear_error();
			if (ul < 0 || memchr(u, '\0', (size_t)ul) != NULL ||
			    (tag == V_ASN1_UTF8STRING && !utf8_ok(data, (size_t)len))) {
				OPENSSL_free(u);
				ASN1_OBJECT_free(obj);
				return ck_err_set(err, CK_E_USAGE,
				    "'%s=#...': the value is not a valid string of its type", a->type);
			}
			OPENSSL_free(u);
		}
	}
	ok = X509_NAME_add_entry_by_OBJ(name, obj, type, data, (int)len, -1, set);
	ASN1_OBJECT_free(obj);
	if (!ok)
		return ck_err_ssl(err, CK_E_USAGE, "bad value for '%s'", a->type);
	return 0;
}

X509_NAME *
ck_dn_parse(const char *s, struct ck_err *err)
{
	struct avas a = { 0 };
	X509_NAME *name = NULL;
	int slash = s[0] == '/';

	if (s[0] == '\0' || (slash && s[1] == '\0')) {
		ck_err_set(err, CK_E_USAGE, "empty DN");
		return NULL;
	}
	if ((slash ? parse_slash(s, &a, err) : parse_4514(s, &a, err)) != 0)
		goto out;
	if ((name = X509_NAME_new()) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	/*
	 * RFC 4514 lists the most specific RDN first, and within an RDN cert-read
	 * prints the last pair first: both are added in reverse.
	 */
	for (size_t i = 0; i < a.n; i++) {
		size_t k = slash ? i : a.n - 1 - i;
		int joined = slash ? a.v[k].joined : (k + 1 < a.n && a.v[k + 1].joined);

		if (add(name, &a.v[k], joined ? -1 : 0, err) != 0) {
			X509_NAME_free(name);
			name = NULL;
			goto out;
		}
	}
out:
	avas_release(&a);
	return name;
}
