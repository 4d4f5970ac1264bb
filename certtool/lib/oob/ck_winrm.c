/*
 * ck_winrm: WS-Management Identify (see ck_winrm.h).
 */
#include "ck_winrm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32
#define MAX_NAME 64

/* DMTF DSP0226 Identify: SOAP 1.2 envelope, empty header, no WS-Addressing. */
static const char identify_body[] =
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\">"
    "<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>";

struct scan {
	const char *p, *end;
	int depth;
	char stack[MAX_DEPTH][MAX_NAME];
	int seen_response;
	struct ck_winrm_identity *id;
	struct ck_err *err;
};

static int
starts(const struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0;
}

/* Moves past the first occurrence of lit, or fails: the document is cut short. */
static int
skip_past(struct scan *s, const char *lit, const char *what)
{
	size_t n = strlen(lit);
	const char *q;

	for (q = s->p; (size_t)(s->end - q) >= n; q++)
		if (memcmp(q, lit, n) == 0) {
			s->p = q + n;
			return 0;
		}
	return ck_err_set(s->err, CK_E_PARSE, "unterminated %s", what);
}

/* The local part of a qualified name ("wsmid:ProductVersion" -> "ProductVersion"). */
static const char *
local_name(const char *qn)
{
	const char *c = strchr(qn, ':');

	return c ? c + 1 : qn;
}

/*
 * Appends the character data [a, b) to out (bounded), decoding the five
 * predefined entities and character references; any other reference is
 * refused, so nothing a document defines is ever expanded.
 */
static int
text(struct scan *s, const char *a, const char *b, char *out, size_t outsz)
{
	size_t o = out ? strlen(out) : 0;

	while (a < b) {
		char c = *a;

		if (c == '&') {
			const char *semi = memchr(a, ';', (size_t)(b - a));
			size_t n = semi ? (size_t)(semi - a) + 1 : 0;

			if (semi == NULL || n > 12)
				return ck_err_set(s->err, CK_E_PARSE, "malformed entity reference");
			if (n == 4 && memcmp(a, "&lt;", 4) == 0)
				c = '<';
			else if (n == 4 && memcmp(a, "&gt;", 4) == 0)
				c = '>';
			else if (n == 5 && memcmp(a, "&amp;", 5) == 0)
				c = '&';
			else if (n == 6 && memcmp(a, "&quot;", 6) == 0)
				c = '"';
			else if (n == 6 && memcmp(a, "&apos;", 6) == 0)
				c = '\'';
			else if (n > 3 && a[1] == '#')
				c = '?';	/* a character reference: not needed verbatim */
			else
				return ck_err_set(s->err, CK_E_PARSE, "entity reference '%.*s' refused "
				    "(no entity expansion)", (int)n, a);
			a += n;
		} else {
			a++;
		}
		if (out != NULL && o + 1 < outsz) {
			out[o++] = c;
			out[o] = '\0';
		}
	}
	return 0;
}

static char *
field_for(struct scan *s)
{
	const char *ln;

	if (s->depth == 0)
		return NULL;
	ln = local_name(s->stack[s->depth - 1]);
	if (strcmp(ln, "ProtocolVersion") == 0)
		return s->id->protocol_version;
	if (strcmp(ln, "ProductVendor") == 0)
		return s->id->product_vendor;
	if (strcmp(ln, "ProductVersion") == 0)
		return s->id->product_version;
	return NULL;
}

static int
tag(struct scan *s)
{
	const char *q = s->p + 1, *gt;
	int closing = 0, selfclose;
	char quote = 0;
	size_t n;

	if (*q == '/') {
		closing = 1;
		q++;
	}
	for (gt = q; gt < s->end; gt++) {
		if (quote) {
			if (*gt == quote)
				quote = 0;
		} else if (*gt == '"' || *gt == '\'') {
			quote = *gt;
		} else if (*gt == '>') {
			break;
		} else if (*gt == '<') {
			return ck_err_set(s->err, CK_E_PARSE, "'<' inside a tag");
		}
	}
	if (gt >= s->end)
		return ck_err_set(s->err, CK_E_PARSE, "unterminated tag");
	n = strcspn(q, " \t\r\n/>");
	if ((size_t)(gt - q) < n)
		n = (size_t)(gt - q);
	if (n == 0 || n >= MAX_NAME)
		return ck_err_set(s->err, CK_E_PARSE, "bad element name");
	/* Attribute values may hold references too: the same rule applies. */
	if (text(s, q + n, gt, NULL, 0) < 0)
		return -1;
	selfclose = gt[-1] == '/';
	if (closing) {
		if (s->depth == 0 || strlen(s->stack[s->depth - 1]) != n ||
		    memcmp(s->stack[s->depth - 1], q, n) != 0)
			return ck_err_set(s->err, CK_E_PARSE, "mismatched end tag '%.*s'", (int)n, q);
		s->depth--;
	} else {
		char name[MAX_NAME];

		memcpy(name, q, n);
		name[n] = '\0';
		if (strcmp(local_name(name), "IdentifyResponse") == 0)
			s->seen_response = 1;
		if (!selfclose) {
			if (s->depth == MAX_DEPTH)
				return ck_err_set(s->err, CK_E_PARSE, "elements nested deeper than %d",
				    MAX_DEPTH);
			memcpy(s->stack[s->depth++], name, n + 1);
		}
	}
	s->p = gt + 1;
	return 0;
}

int
ck_winrm_parse(const char *xml, size_t len, struct ck_winrm_identity *id, struct ck_err *err)
{
	struct scan s;

	memset(id, 0, sizeof(*id));
	memset(&s, 0, sizeof(s));
	s.p = xml;
	s.end = xml + len;
	s.id = id;
	s.err = err;
	if (len > CK_WINRM_MAX_BYTES)
		return ck_err_set(err, CK_E_LIMIT, "identify response larger than %u bytes",
		    CK_WINRM_MAX_BYTES);
	if (memchr(xml, '\0', len) != NULL)
		return ck_err_set(err, CK_E_PARSE, "NUL byte in the identify response");
	while (s.p < s.end) {
		if (*s.p != '<') {
			const char *lt = memchr(s.p, '<', (size_t)(s.end - s.p));

			if (lt == NULL)
				lt = s.end;
			if (text(&s, s.p, lt, field_for(&s), CK_WINRM_STR) < 0)
				return -1;
			s.p = lt;
		} else if (starts(&s, "<?")) {
			if (skip_past(&s, "?>", "processing instruction") < 0)
				return -1;
		} else if (starts(&s, "<!--")) {
			if (skip_past(&s, "-->", "comment") < 0)
				return -1;
		} else if (starts(&s, "<![CDATA[")) {
			if (skip_past(&s, "]]>", "CDATA section") < 0)
				return -1;
		} else if (starts(&s, "<!")) {
			return ck_err_set(err, CK_E_PARSE, "document type or entity declaration "
			    "refused (no entity expansion)");
		} else if (tag(&s) < 0) {
			return -1;
		}
	}
	if (s.depth != 0)
		return ck_err_set(err, CK_E_PARSE, "document ends inside element '%s'",
		    s.stack[s.depth - 1]);
	if (!s.seen_response)
		return ck_err_set(err, CK_E_PARSE, "no IdentifyResponse element");
	ck_winrm_parse_version(id);
	return 0;
}

void
ck_winrm_parse_version(struct ck_winrm_identity *id)
{
	const char *os = strstr(id->product_version, "OS:");
	const char *sp = strstr(id->product_version, "SP:");

	id->has_os = 0;
	id->os_major = id->os_minor = id->os_build = 0;
	id->sp_major = id->sp_minor = 0;
	if (os == NULL || sscanf(os, "OS: %d.%d.%d", &id->os_major, &id->os_minor,
	    &id->os_build) < 2)
		return;
	if (sp != NULL && sscanf(sp, "SP: %d.%d", &id->sp_major, &id->sp_minor) < 1)
		id->sp_major = id->sp_minor = 0;
	id->has_os = id->os_major != 0 || id->os_minor != 0 || id->os_build != 0;
}

int
ck_winrm_identify(const char *url, const struct ck_fetch_opts *o,
    struct ck_winrm_identity *id, long *status, struct ck_err *err)
{
	struct ck_fetch_opts fo = *o;
	unsigned char *body = NULL;
	size_t len = 0;
	int rv;

	memset(id, 0, sizeof(*id));
	fo.max_bytes = CK_WINRM_MAX_BYTES;
	fo.http_header = fo.http_user == NULL ? "WSMANIDENTIFY: unauthenticated" : NULL;
	if (ck_http(url, identify_body, sizeof(identify_body) - 1,
	    "application/soap+xml;charset=UTF-8", &fo, &body, &len, status, err) < 0)
		return -1;
	rv = ck_winrm_parse((const char *)body, len, id, err);
	free(body);
	return rv;
}
