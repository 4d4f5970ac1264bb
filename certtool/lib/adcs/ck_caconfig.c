/*
 * ck_caconfig: certutil -getreg text and JSON CA settings (see ck_caconfig.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_caconfig.h"
#include "ck_approve.h"
#include "ck_load.h"
#include "ck_num.h"

enum setting { S_DISP, S_EDIT, S_IFACE, S_COUNT };

static const char *const setting_reg[S_COUNT] = {
	"RequestDisposition", "EditFlags", "InterfaceFlags"
};
static const char *const setting_json[S_COUNT] = {
	"request_disposition", "edit_flags", "interface_flags"
};

static int *
has_of(struct ck_caconfig *c, enum setting s)
{
	switch (s) {
	case S_DISP: return &c->has_request_disposition;
	case S_EDIT: return &c->has_edit_flags;
	default: return &c->has_interface_flags;
	}
}

static uint32_t *
val_of(struct ck_caconfig *c, enum setting s)
{
	switch (s) {
	case S_DISP: return &c->request_disposition;
	case S_EDIT: return &c->edit_flags;
	default: return &c->interface_flags;
	}
}

static int
any_setting(const struct ck_caconfig *c)
{
	return c->has_request_disposition || c->has_edit_flags || c->has_interface_flags ||
	    c->has_disable_extension_list;
}

/* Index of the entry for CA name (case-insensitive), created when new; -1 on overflow. */
static int
entry_for(struct ck_caconfig *out, size_t max, size_t *n, const char *name,
    struct ck_err *err)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcasecmp(out[i].ca, name) == 0)
			return (int)i;
	if (*n >= max)
		return ck_err_set(err, CK_E_LIMIT, "more than %zu certification authorities", max);
	memset(&out[*n], 0, sizeof(out[*n]));
	snprintf(out[*n].ca, sizeof(out[*n].ca), "%s", name);
	return (int)(*n)++;
}

static int
set_value(struct ck_caconfig *c, enum setting s, uint32_t v, struct ck_err *err)
{
	int *has = has_of(c, s);
	uint32_t *val = val_of(c, s);

	if (*has && *val != v)
		return ck_err_set(err, CK_E_PARSE, "%s given twice with different values "
		    "(0x%x, 0x%x)%s%s%s", setting_reg[s], *val, v,
		    c->ca[0] ? " for '" : "", c->ca, c->ca[0] ? "'" : "");
	*has = 1;
	*val = v;
	return 0;
}

/* Adds one DisableExtensionList value (a dotted OID, duplicates ignored). */
static int
add_disabled(struct ck_caconfig *c, const char *v, size_t n, struct ck_err *err)
{
	size_t i;
	int ok = n > 0 && n < CK_CACONFIG_OID_LEN;

	/* v is not NUL-terminated: it points into the input buffer. */
	for (i = 0; ok && i < n; i++)
		ok = (v[i] >= '0' && v[i] <= '9') || v[i] == '.';
	if (!ok)
		return ck_err_set(err, CK_E_PARSE, "DisableExtensionList: '%.*s' is not an OID",
		    (int)(n > 40 ? 40 : n), v);
	c->has_disable_extension_list = 1;
	for (i = 0; i < c->n_disabled; i++)
		if (strlen(c->disabled[i]) == n && strncmp(c->disabled[i], v, n) == 0)
			return 0;
	if (c->n_disabled >= CK_CACONFIG_OIDS_MAX)
		return ck_err_set(err, CK_E_LIMIT, "DisableExtensionList: more than %d values",
		    CK_CACONFIG_OIDS_MAX);
	memcpy(c->disabled[c->n_disabled], v, n);
	c->disabled[c->n_disabled][n] = '\0';
	c->n_disabled++;
	return 0;
}

/* Drops entries that ended up with no setting (a registry path with nothing under it). */
static size_t
compact(struct ck_caconfig *out, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!any_setting(&out[i]))
			continue;
		if (k != i)
			out[k] = out[i];
		k++;
	}
	return k;
}

/* ---- text ---- */

/* Case-insensitive search for needle in [s, s+len). */
static const char *
find_ci(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i;

	if (nl > len)
		return NULL;
	for (i = 0; i + nl <= len; i++)
		if (strncasecmp(s + i, needle, nl) == 0)
			return s + i;
	return NULL;
}

/* Next whitespace-separated token of [*p, end); returns its length (0 at the end). */
static size_t
token(const char **p, const char *end, const char **tok)
{
	const char *s = *p;
	size_t n = 0;

	while (s < end && isspace((unsigned char)*s))
		s++;
	*tok = s;
	while (s + n < end && !isspace((unsigned char)s[n]))
		n++;
	*p = s + n;
	return n;
}

static int
parse_hex_token(const char *t, size_t n, uint32_t *out)
{
	size_t i = 0;

	if (n > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
		i = 2;
	return ck_hex_u32(t + i, n - i, out);
}

/* "(257)" -> 257; certutil prints a DWORD >= 0x80000000 as a negative decimal. */
static int
parse_dec_paren(const char *t, size_t n, uint32_t *out)
{
	int64_t v = 0;
	size_t i = 1;
	int neg = 0;

	if (n < 3 || t[0] != '(' || t[n - 1] != ')')
		return -1;
	if (t[i] == '-') {
		neg = 1;
		i++;
	}
	if (i == n - 1 || n - 1 - i > 10)
		return -1;
	for (; i < n - 1; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < INT32_MIN || v > (int64_t)UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/*
 * A registry path line: sets *ca to the key after "\CertSvc\Configuration\"
 * ("" for any other key).  Returns 1 when the line is a path, 0 otherwise, -1
 * when the CA name does not fit.
 */
static int
parse_path(const char *s, size_t len, char ca[CK_CACONFIG_NAME_MAX], struct ck_err *err)
{
	static const char marker[] = "\\CertSvc\\Configuration\\";
	const char *m, *e, *end = s + len;
	size_t n;

	if (len < 5 || strncasecmp(s, "HKEY_", 5) != 0)
		return 0;
	ca[0] = '\0';
	m = find_ci(s, len, marker);
	if (m == NULL)
		return 1;
	m += sizeof(marker) - 1;
	for (e = m; e < end && *e != '\\'; e++)
		;
	/* The key line ends with ':' (certutil appends it after the path). */
	while (e > m && (e[-1] == ':' || isspace((unsigned char)e[-1])))
		e--;
	n = (size_t)(e - m);
	if (n >= CK_CACONFIG_NAME_MAX)
		return ck_err_set(err, CK_E_PARSE, "certification authority name too long");
	memcpy(ca, m, n);
	ca[n] = '\0';
	return 1;
}

/*
 * "Name REG_DWORD = hex (dec)": returns the setting index and the value,
 * S_COUNT when the line is not one of ours, -1 when it is ours but malformed.
 */
static int
parse_value_line(const char *s, size_t len, uint32_t *v, struct ck_err *err)
{
	const char *p = s, *end = s + len, *t;
	size_t n;
	int i, which = S_COUNT;
	uint32_t dec;

	n = token(&p, end, &t);
	for (i = 0; i < S_COUNT; i++)
		if (n == strlen(setting_reg[i]) && strncasecmp(t, setting_reg[i], n) == 0)
			which = i;
	if (which == S_COUNT)
		return S_COUNT;
	n = token(&p, end, &t);
	if (n == 0)	/* a bare name, e.g. in a list of value names */
		return S_COUNT;
	if (n != 9 || strncasecmp(t, "REG_DWORD", 9) != 0)
		return ck_err_set(err, CK_E_PARSE, "%s: expected REG_DWORD, got '%.*s'",
		    setting_reg[which], (int)(n > 40 ? 40 : n), t);
	n = token(&p, end, &t);
	if (n != 1 || *t != '=')
		return ck_err_set(err, CK_E_PARSE, "%s: expected '=' after REG_DWORD",
		    setting_reg[which]);
	n = token(&p, end, &t);
	if (parse_hex_token(t, n, v) < 0)
		return ck_err_set(err, CK_E_PARSE, "%s: '%.*s' is not a hexadecimal DWORD",
		    setting_reg[which], (int)(n > 40 ? 40 : n), t);
	n = token(&p, end, &t);
	if (n > 0) {
		if (parse_dec_paren(t, n, &dec) < 0)
			return ck_err_set(err, CK_E_PARSE, "%s: '%.*s' is not a (decimal) value",
			    setting_reg[which], (int)(n > 40 ? 40 : n), t);
		if (dec != *v)
			return ck_err_set(err, CK_E_PARSE, "%s: hexadecimal 0x%x and decimal %u disagree",
			    setting_reg[which], *v, dec);
		n = token(&p, end, &t);
		if (n > 0)
			return ck_err_set(err, CK_E_PARSE, "%s: unexpected '%.*s' after the value",
			    setting_reg[which], (int)(n > 40 ? 40 : n), t);
	}
	return which;
}

/* UTF-16LE (what PowerShell's '>' writes) to ASCII; non-ASCII becomes '?'. */
static char *
from_utf16le(const unsigned char *b, size_t len, size_t *olen)
{
	char *o = malloc(len / 2 + 1);
	size_t i, k = 0;

	if (o == NULL)
		return NULL;
	for (i = 0; i + 1 < len; i += 2) {
		unsigned u = (unsigned)b[i] | ((unsigned)b[i + 1] << 8);

		o[k++] = u < 0x80 ? (char)u : '?';
	}
	o[k] = '\0';
	*olen = k;
	return o;
}

static int
parse_text(const char *buf, size_t len, struct ck_caconfig *out, size_t max,
    struct ck_err *err)
{
	const char *p = buf, *end = buf + len;
	char ca[CK_CACONFIG_NAME_MAX] = "";
	size_t n = 0;
	int cur = -1, multi = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p;
		size_t l;
		int r;
		uint32_t v;

		p = nl ? nl + 1 : end;
		while (s < le && isspace((unsigned char)*s))
			s++;
		while (le > s && isspace((unsigned char)le[-1]))
			le--;
		l = (size_t)(le - s);
		if (l == 0)
			continue;
		if (memchr(s, '\0', l) != NULL)
			return ck_err_set(err, CK_E_PARSE, "binary data, not certutil output");
		if (l >= 9 && strncasecmp(s, "CertUtil:", 9) == 0) {
			if (find_ci(s, l, "FAILED") != NULL)
				return ck_err_set(err, CK_E_PARSE, "certutil reported a failure: '%.*s'",
				    (int)(l > 120 ? 120 : l), s);
			continue;
		}
		r = parse_path(s, l, ca, err);
		if (r < 0)
			return -1;
		if (r == 1) {
			cur = -1;	/* entry created when a value follows */
			multi = 0;
			continue;
		}
		/* "N: value" lines after "DisableExtensionList REG_MULTI_SZ =". */
		if (multi && isdigit((unsigned char)*s)) {
			const char *c = s;

			while (c < le && isdigit((unsigned char)*c))
				c++;
			if (c < le && *c == ':') {
				c++;
				while (c < le && isspace((unsigned char)*c))
					c++;
				if (add_disabled(&out[cur], c, (size_t)(le - c), err) < 0)
					return -1;
				continue;
			}
		}
		multi = 0;
		if (l > 20 && strncasecmp(s, "DisableExtensionList", 20) == 0 &&
		    isspace((unsigned char)s[20])) {
			const char *eq = memchr(s, '=', l), *c;

			if (find_ci(s, l, "REG_MULTI_SZ") == NULL || eq == NULL)
				return ck_err_set(err, CK_E_PARSE,
				    "DisableExtensionList: expected 'REG_MULTI_SZ ='");
			if (cur < 0 && (cur = entry_for(out, max, &n, ca, err)) < 0)
				return -1;
			out[cur].has_disable_extension_list = 1;
			for (c = eq + 1; c < le && isspace((unsigned char)*c);)
				c++;
			if (c < le && add_disabled(&out[cur], c, (size_t)(le - c), err) < 0)
				return -1;
			multi = 1;
			continue;
		}
		r = parse_value_line(s, l, &v, err);
		if (r < 0)
			return -1;
		if (r == S_COUNT)
			continue;
		if (cur < 0 && (cur = entry_for(out, max, &n, ca, err)) < 0)
			return -1;
		if (set_value(&out[cur], (enum setting)r, v, err) < 0)
			return -1;
	}
	n = compact(out, n);
	if (n == 0)
		return ck_err_set(err, CK_E_PARSE, "no RequestDisposition, EditFlags, "
		    "InterfaceFlags or DisableExtensionList value (expected 'certutil -getreg' "
		    "output or JSON)");
	return (int)n;
}

/* ---- JSON ---- */

int
ck_caconfig_value(const json_t *v, uint32_t *out, struct ck_err *err)
{
	if (json_is_object(v)) {
		const json_t *raw = json_object_get(v, "raw");

		if (raw == NULL || json_is_object(raw))
			return ck_err_set(err, CK_E_PARSE, "expected an object with \"raw\"");
		return ck_caconfig_value(raw, out, err);
	}
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		/*
		 * 0 to 0xffffffff, as the certutil text form's hexadecimal value: a
		 * negative number is no DWORD there, so it is none here either (-1
		 * once became 0xffffffff here while the text form refused it).
		 */
		if (i < 0 || i > (json_int_t)UINT32_MAX)
			return ck_err_set(err, CK_E_PARSE, "%lld is not a DWORD (0 to 4294967295)",
			    (long long)i);
		*out = (uint32_t)i;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		char *e;
		unsigned long long u;

		if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			if (parse_hex_token(s, n, out) < 0)
				return ck_err_set(err, CK_E_PARSE, "'%.40s' is not a hexadecimal DWORD", s);
			return 0;
		}
		if (n == 0 || n > 10 || !isdigit((unsigned char)s[0]))
			return ck_err_set(err, CK_E_PARSE, "'%.40s' is not a DWORD", s);
		errno = 0;
		u = strtoull(s, &e, 10);
		if (errno != 0 || *e != '\0' || u > UINT32_MAX)
			return ck_err_set(err, CK_E_PARSE, "'%.40s' is not a DWORD", s);
		*out = (uint32_t)u;
		return 0;
	}
	return ck_err_set(err, CK_E_PARSE, "expected an integer, a \"0x...\" string or {\"raw\": ...}");
}

static int
parse_json_object(const json_t *o, struct ck_caconfig *out, size_t max, size_t *n,
    struct ck_err *err)
{
	const json_t *name;
	const char *ca = "";
	int i, idx, found = 0;

	if (!json_is_object(o))
		return ck_err_set(err, CK_E_PARSE, "expected a JSON object of CA settings");
	name = json_object_get(o, "ca");
	if (name == NULL)
		name = json_object_get(o, "name");
	if (name != NULL) {
		if (!json_is_string(name))
			return ck_err_set(err, CK_E_PARSE, "\"ca\" must be a string");
		ca = json_string_value(name);
		if (strlen(ca) >= CK_CACONFIG_NAME_MAX)
			return ck_err_set(err, CK_E_PARSE, "certification authority name too long");
	}
	if ((idx = entry_for(out, max, n, ca, err)) < 0)
		return -1;
	for (i = 0; i < S_COUNT; i++) {
		const json_t *v = json_object_get(o, setting_json[i]);
		uint32_t u;

		if (v == NULL || json_is_null(v))
			continue;
		if (ck_caconfig_value(v, &u, err) < 0)
			return ck_err_prefix(err, "\"%s\"", setting_json[i]);
		if (set_value(&out[idx], (enum setting)i, u, err) < 0)
			return -1;
		found = 1;
	}
	{
		const json_t *list = json_object_get(o, "disable_extension_list"), *x;
		size_t k;

		if (list != NULL && !json_is_null(list)) {
			if (!json_is_array(list))
				return ck_err_set(err, CK_E_PARSE,
				    "\"disable_extension_list\" must be an array of OIDs");
			out[idx].has_disable_extension_list = 1;
			json_array_foreach(list, k, x) {
				const char *v = json_string_value(x);

				if (v == NULL)
					return ck_err_set(err, CK_E_PARSE,
					    "\"disable_extension_list\" must be an array of OIDs");
				if (add_disabled(&out[idx], v, strlen(v), err) < 0)
					return -1;
			}
			found = 1;
		}
	}
	if (!found)
		return ck_err_set(err, CK_E_PARSE, "no request_disposition, edit_flags, "
		    "interface_flags or disable_extension_list in the JSON object");
	return 0;
}

int
ck_caconfig_parse_json(const json_t *j, struct ck_caconfig *out, size_t max,
    struct ck_err *err)
{
	size_t n = 0, i;

	if (json_is_array(j)) {
		if (json_array_size(j) == 0)
			return ck_err_set(err, CK_E_PARSE, "empty array of CA settings");
		for (i = 0; i < json_array_size(j); i++)
			if (parse_json_object(json_array_get(j, i), out, max, &n, err) < 0)
				return ck_err_prefix(err, "element %zu", i);
	} else if (parse_json_object(j, out, max, &n, err) < 0) {
		return -1;
	}
	return (int)compact(out, n);
}

int
ck_caconfig_parse(const char *buf, size_t len, struct ck_caconfig *out, size_t max,
    struct ck_err *err)
{
	const unsigned char *b = (const unsigned char *)buf;
	char *conv = NULL;
	size_t i;
	int rv;

	if (max == 0)
		return ck_err_set(err, CK_E_LIMIT, "no room for CA settings");
	if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] != 0 && b[1] == 0))) {
		size_t skip = (b[0] == 0xFF && b[1] == 0xFE) ? 2 : 0;

		if ((conv = from_utf16le(b + skip, len - skip, &len)) == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		buf = conv;
	} else if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		buf += 3;
		len -= 3;
	}
	for (i = 0; i < len && isspace((unsigned char)buf[i]); i++)
		;
	if (i < len && (buf[i] == '{' || buf[i] == '[')) {
		json_error_t je;
		json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);

		if (j == NULL) {
			rv = ck_err_set(err, CK_E_PARSE, "invalid JSON at line %d: %s", je.line, je.text);
		} else {
			rv = ck_caconfig_parse_json(j, out, max, err);
			json_decref(j);
		}
	} else {
		rv = parse_text(buf, len, out, max, err);
	}
	free(conv);
	return rv;
}

/* ---- records ---- */

const char *
ck_caconfig_disposition_action(uint32_t disp)
{
	if (disp & CK_REQDISP_PENDINGFIRST)
		return "pending";
	switch (disp & CK_REQDISP_MASK) {
	case CK_REQDISP_ISSUE:
		return "issue";
	case CK_REQDISP_DENY:
		return "deny";
	default:
		return "pending";
	}
}

json_t *
ck_caconfig_flags_json(char which, uint32_t v)
{
	json_t *o = json_object(), *names = json_array();
	unsigned bit;

	if (o == NULL || names == NULL) {
		json_decref(o);
		json_decref(names);
		return NULL;
	}
	for (bit = 0; bit < 32; bit++) {
		uint32_t m = 1u << bit;
		char hex[16];

		if (!(v & m))
			continue;
		if (which == 'e' && m == CK_EDITF_ATTRIBUTESUBJECTALTNAME2) {
			json_array_append_new(names, json_string("EDITF_ATTRIBUTESUBJECTALTNAME2"));
		} else if (which == 'i' && m == CK_IF_ENFORCEENCRYPTICERTREQUEST) {
			json_array_append_new(names, json_string("IF_ENFORCEENCRYPTICERTREQUEST"));
		} else {
			snprintf(hex, sizeof(hex), "0x%08x", m);
			json_array_append_new(names, json_string(hex));
		}
	}
	json_object_set_new(o, "raw", json_integer((json_int_t)v));
	json_object_set_new(o, "names", names);
	return o;
}

int
ck_caconfig_apply(const struct ck_caconfig *cfg, json_t *ca, struct ck_err *err)
{
	if (!json_is_object(ca))
		return ck_err_set(err, CK_E_PARSE, "not a ca record");
	if (cfg->has_request_disposition) {
		json_t *d = json_object();

		if (d == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		json_object_set_new(d, "raw", json_integer((json_int_t)cfg->request_disposition));
		json_object_set_new(d, "action",
		    json_string(ck_caconfig_disposition_action(cfg->request_disposition)));
		json_object_set_new(ca, "request_disposition", d);
	}
	if (cfg->has_edit_flags)
		json_object_set_new(ca, "edit_flags", ck_caconfig_flags_json('e', cfg->edit_flags));
	if (cfg->has_interface_flags)
		json_object_set_new(ca, "interface_flags",
		    ck_caconfig_flags_json('i', cfg->interface_flags));
	if (cfg->has_disable_extension_list) {
		json_t *list = json_array();

		for (size_t i = 0; i < cfg->n_disabled; i++)
			json_array_append_new(list, json_string(cfg->disabled[i]));
		json_object_set_new(ca, "disable_extension_list", list);
	}
	return 0;
}

int
ck_caconfig_load(const char *path, struct ck_caconfig *out, size_t max,
    struct ck_err *err)
{
	unsigned char *buf;
	size_t len;
	int rv;

	if (ck_read_file(path, 1024 * 1024, &buf, &len, err) != 0)
		return -1;
	rv = ck_caconfig_parse((const char *)buf, len, out, max, err);
	free(buf);
	return rv;
}

int
ck_caconfig_from_ca(const json_t *ca, struct ck_caconfig *cfg, struct ck_err *err)
{
	const json_t *name;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	if (!json_is_object(ca))
		return ck_err_set(err, CK_E_PARSE, "not a ca record");
	name = json_object_get(ca, "name");
	if (json_is_string(name))
		snprintf(cfg->ca, sizeof(cfg->ca), "%s", json_string_value(name));
	for (i = 0; i < S_COUNT; i++) {
		const json_t *v = json_object_get(ca, setting_json[i]);

		if (v == NULL || json_is_null(v))
			continue;
		if (ck_caconfig_value(v, val_of(cfg, (enum setting)i), err) < 0)
			return ck_err_prefix(err, "ca \"%s\"", setting_json[i]);
		*has_of(cfg, (enum setting)i) = 1;
	}
	{
		const json_t *list = json_object_get(ca, "disable_extension_list"), *x;
		size_t k;

		if (json_is_array(list)) {
			cfg->has_disable_extension_list = 1;
			json_array_foreach(list, k, x)
				if (json_is_string(x) && add_disabled(cfg, json_string_value(x),
				    strlen(json_string_value(x)), err) < 0)
					return ck_err_prefix(err, "ca");
		}
	}
	return 0;
}

size_t
ck_caconfig_apply_all(const struct ck_caconfig *conf, size_t nconf, json_t *const *cas,
    size_t ncas, const char *ca,
    void (*report)(void *arg, size_t entry, const struct ck_err *err, int failed), void *arg)
{
	struct ck_err err;
	size_t i, k, hit, failed = 0;

	for (i = 0; i < nconf; i++) {
		const char *target = conf[i].ca;
		json_t *only = NULL;	/* the only ca record, for an entry without a path */
		int bad = 0;

		ck_err_clear(&err);
		if (target[0] == '\0' && ca != NULL && ca[0] != '\0') {
			target = ca;
		} else if (target[0] == '\0') {
			if (ncas != 1) {
				ck_err_set(&err, CK_E_USAGE, "no registry path names the CA and the "
				    "input has %zu ca records: give --ca NAME", ncas);
				report(arg, i, &err, 1);
				failed++;
				continue;
			}
			only = cas[0];
			target = json_string_value(json_object_get(only, "name"));
			if (target == NULL)
				target = "(unnamed)";
		}
		for (k = 0, hit = 0; k < ncas; k++) {
			if (only != NULL ? cas[k] != only : !ck_approve_ca_named(cas[k], target))
				continue;
			hit++;
			if (ck_caconfig_apply(&conf[i], cas[k], &err) < 0) {
				report(arg, i, &err, 1);
				bad = 1;
			}
		}
		if (hit == 0) {
			ck_err_set(&err, CK_E_NOTFOUND, "settings for CA '%s' ignored: no ca record "
			    "of that name", target);
			report(arg, i, &err, 0);
		}
		failed += (size_t)bad;
	}
	return failed;
}

int
ck_caconfig_set_load(struct ck_caconfig_set *set, const char *path, struct ck_err *err)
{
	size_t k;
	int r;

	if (set->n + CK_CACONFIG_MAX > set->cap) {
		size_t nc = set->cap * 2 + CK_CACONFIG_MAX;
		struct ck_caconfig *c = realloc(set->conf, nc * sizeof(*c));
		const char **s;

		if (c == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		set->conf = c;
		if ((s = realloc(set->src, nc * sizeof(*s))) == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		set->src = s;
		set->cap = nc;
	}
	if ((r = ck_caconfig_load(path, set->conf + set->n, CK_CACONFIG_MAX, err)) < 0)
		return -1;
	for (k = 0; k < (size_t)r; k++)
		set->src[set->n + k] = path;
	set->n += (size_t)r;
	return 0;
}

void
ck_caconfig_set_release(struct ck_caconfig_set *set)
{
	free(set->conf);
	free(set->src);
	memset(set, 0, sizeof(*set));
}
