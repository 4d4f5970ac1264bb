/*
 * ck_json: a JSON reader for records, building jansson values.
 *
 * jansson's json_loadb spends ~70 us on a 2 KB cert record (it reads
 * through a character callback); every pipeline stage pays that per record.
 * This parser reads the line in place.  It accepts exactly what
 * json_loadb(..., JSON_REJECT_DUPLICATES) accepts for an object or array:
 * RFC 8259 syntax, valid UTF-8, no lone surrogates, integers
 * within int64, reals that do not overflow, nesting at most
 * CK_JSON_MAX_DEPTH (512; jansson allows 2048) deep,
 * duplicate keys rejected; \u0000 is accepted (JSON_ALLOW_NUL): certificate
 * names can hold a NUL, cert-read writes it as \u0000, and every later stage
 * must still read that record (the string keeps its length; see
 * json_string_length).  tests/fuzz/fuzz_record.c checks it against
 * json_loadb on every input.
 */
#include "ck_json.h"

#include "ck_num.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH CK_JSON_MAX_DEPTH
#define CK_STR_(x) #x
#define CK_STR(x) CK_STR_(x)

struct parser {
	const unsigned char *p, *start, *end;
	char *scratch;		/* string decoding buffer */
	size_t scap;
	const char *why;
};

static json_t *value(struct parser *ps, int depth);

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	    *ps->p == '\r'))
		ps->p++;
}

static json_t *
fail(struct parser *ps, const char *why)
{
	if (ps->why == NULL)
		ps->why = why;
	return NULL;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t n = (size_t)(end - p);

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && p[1] > 0x9f)
			return 0;	/* surrogates */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xf4 && p[1] > 0x8f)
			return 0;	/* > U+10FFFF */
		return 4;
	}
	return 0;
}

static int
grow(struct parser *ps, size_t need)
{
	char *n;
	size_t cap;

	if (need <= ps->scap)
		return 0;
	cap = ps->scap ? ps->scap : 256;
	while (cap < need)
		cap *= 2;
	n = realloc(ps->scratch, cap);
	if (n == NULL)
		return -1;
	ps->scratch = n;
	ps->scap = cap;
	return 0;
}

static int
hex4(const unsigned char *p, unsigned *v)
{
	uint32_t u;

	if (ck_hex_u32((const char *)p, 4, &u) != 0)
		return -1;
	*v = u;
	return 0;
}

/*
 * Reads a string (ps->p at the opening quote).  Sets *s and *len to the
 * decoded bytes: either in place in the input (no escapes) or in scratch.
 */
static int
string(struct parser *ps, const char **s, size_t *len)
{
	const unsigned char *p = ps->p + 1, *run = p;
	size_t o = 0;
	int escaped = 0;

	for (;;) {
		if (p >= ps->end) {
			fail(ps, "unterminated string");
			return -1;
		}
		if (*p == '"')
			break;
		if (*p < 0x20) {
			fail(ps, "control character in a string");
			return -1;
		}
		if (*p < 0x80 && *p != '\\') {
			p++;
			continue;
		}
		if (*p >= 0x80) {
			size_t k = utf8_len(p, ps->end);

			if (k == 0) {
				fail(ps, "invalid UTF-8");
				return -1;
			}
			p += k;
			continue;
		}
		/* An escape: copy what came before into scratch, then decode. */
		if (!escaped) {
			escaped = 1;
			o = 0;
		}
		if (grow(ps, o + (size_t)(p - run) + 8) != 0) {
			fail(ps, "out of memory");
			return -1;
		}
		memcpy(ps->scratch + o, run, (size_t)(p - run));
		o += (size_t)(p - run);
		if (ps->end - p < 2) {
			fail(ps, "unterminated string");
			return -1;
		}
		switch (p[1]) {
		case '"': ps->scratch[o++] = '"'; p += 2; break;
		case '\\': ps->scratch[o++] = '\\'; p += 2; break;
		case '/': ps->scratch[o++] = '/'; p += 2; break;
		case 'b': ps->scratch[o++] = '\b'; p += 2; break;
		case 'f': ps->scratch[o++] = '\f'; p += 2; break;
		case 'n': ps->scratch[o++] = '\n'; p += 2; break;
		case 'r': ps->scratch[o++] = '\r'; p += 2; break;
		case 't': ps->scratch[o++] = '\t'; p += 2; break;
		case 'u': {
			unsigned cp, lo;

			if (ps->end - p < 6 || hex4(p + 2, &cp) != 0) {
				fail(ps, "invalid \\u escape");
				return -1;
			}
			p += 6;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    hex4(p + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) {
					fail(ps, "invalid Unicode surrogate pair");
					return -1;
				}
				p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail(ps, "invalid Unicode surrogate pair");
				return -1;
			}
			if (cp < 0x80) {
				ps->scratch[o++] = (char)cp;
			} else if (cp < 0x800) {
				ps->scratch[o++] = (char)(0xc0 | (cp >> 6));
				ps->scratch[o++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				ps->scratch[o++] = (char)(0xe0 | (cp >> 12));
				ps->scratch[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				ps->scratch[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				ps->scratch[o++] = (char)(0xf0 | (cp >> 18));
				ps->scratch[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				ps->scratch[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				ps->scratch[o++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default:
			fail(ps, "invalid escape");
			return -1;
		}
		run = p;
	}
	if (escaped) {
		if (grow(ps, o + (size_t)(p - run) + 1) != 0) {
			fail(ps, "out of memory");
			return -1;
		}
		memcpy(ps->scratch + o, run, (size_t)(p - run));
		o += (size_t)(p - run);
		*s = ps->scratch;
		*len = o;
	} else {
		*s = (const char *)ps->p + 1;
		*len = (size_t)(p - (ps->p + 1));
	}
	ps->p = p + 1;
	return 0;
}

static json_t *
number(struct parser *ps)
{
	const unsigned char *p = ps->p, *s = p;
	int real = 0;
	char buf[128];
	size_t n;

	if (*p == '-')
		p++;
	if (p >= ps->end)
		return fail(ps, "invalid number");
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return fail(ps, "invalid number");
	}
	if (p < ps->end && *p == '.') {
		real = 1;
		p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return fail(ps, "invalid number");
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		real = 1;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || *p < '0' || *p > '9')
			return fail(ps, "invalid number");
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	n = (size_t)(p - s);
	if (n >= sizeof(buf)) {
		/* Longer than any number a record holds; parse from a heap copy. */
		char *h = malloc(n + 1);
		json_t *v;
		double d;

		if (h == NULL)
			return fail(ps, "out of memory");
		memcpy(h, s, n);
		h[n] = '\0';
		ps->p = p;
		if (!real) {
			free(h);
			return fail(ps, "too big integer");
		}
		errno = 0;
		d = strtod(h, NULL);
		free(h);
		if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
			return fail(ps, "real number overflow");
		v = json_real(d);
		return v ? v : fail(ps, "out of memory");
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	ps->p = p;
	if (!real) {
		long long v;

		errno = 0;
		v = strtoll(buf, NULL, 10);
		if (errno == ERANGE)
			return fail(ps, buf[0] == '-' ? "too big negative integer" : "too big integer");
		return json_integer((json_int_t)v);
	} else {
		double d;

		errno = 0;
		d = strtod(buf, NULL);
		if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
			return fail(ps, "real number overflow");
		return json_real(d);
	}
}

static json_t *
object(struct parser *ps, int depth)
{
	json_t *o = json_object(), *v;
	const char *k;
	size_t kl;
	char small[256], *key;

	if (o == NULL)
		return fail(ps, "out of memory");
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return o;
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			goto bad_key;
		if (string(ps, &k, &kl) != 0)
			goto bad;
		if (memchr(k, '\0', kl) != NULL) {
			/* As jansson: a C string key cannot hold one. */
			fail(ps, "NUL byte in an object key");
			goto bad;
		}
		/* The key must outlive the scratch buffer the value may reuse. */
		key = kl < sizeof(small) ? small : malloc(kl + 1);
		if (key == NULL) {
			fail(ps, "out of memory");
			goto bad;
		}
		memcpy(key, k, kl);
		key[kl] = '\0';
		if (json_object_getn(o, key, kl) != NULL) {
			if (key != small)
				free(key);
			fail(ps, "duplicate object key");
			goto bad;
		}
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			if (key != small)
				free(key);
			fail(ps, "':' expected");
			goto bad;
		}
		ps->p++;
		v = value(ps, depth + 1);
		if (v == NULL || json_object_setn_new_nocheck(o, key, kl, v) != 0) {
			if (key != small)
				free(key);
			goto bad;
		}
		if (key != small)
			free(key);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			return o;
		}
		fail(ps, "'}' or ',' expected");
		goto bad;
	}
bad_key:
	fail(ps, "string or '}' expected");
bad:
	json_decref(o);
	return NULL;
}

static json_t *
array(struct parser *ps, int depth)
{
	json_t *a = json_array(), *v;

	if (a == NULL)
		return fail(ps, "out of memory");
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return a;
	}
	for (;;) {
		v = value(ps, depth + 1);
		if (v == NULL || json_array_append_new(a, v) != 0)
			goto bad;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return a;
		}
		fail(ps, "']' or ',' expected");
		goto bad;
	}
bad:
	json_decref(a);
	return NULL;
}

static int
word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
		return 0;
	ps->p += n;
	return 1;
}

static json_t *
value(struct parser *ps, int depth)
{
	const char *s;
	size_t len;

	if (depth > MAX_DEPTH)
		return fail(ps, "nested deeper than " CK_STR(CK_JSON_MAX_DEPTH) " levels");
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end of input");
	switch (*ps->p) {
	case '{':
		return object(ps, depth);
	case '[':
		return array(ps, depth);
	case '"':
		if (string(ps, &s, &len) != 0)
			return NULL;
		return json_stringn_nocheck(s, len);
	case 't':
		if (word(ps, "true"))
			return json_true();
		break;
	case 'f':
		if (word(ps, "false"))
			return json_false();
		break;
	case 'n':
		if (word(ps, "null"))
			return json_null();
		break;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return number(ps);
		break;
	}
	return fail(ps, "invalid token");
}

json_t *
ck_json_parse(const char *buf, size_t len, char *why, size_t why_size)
{
	struct parser ps = { 0 };
	json_t *v = NULL;

	ps.p = ps.start = (const unsigned char *)buf;
	ps.end = ps.p + len;
	skip_ws(&ps);
	if (ps.p < ps.end && (*ps.p == '{' || *ps.p == '['))
		v = value(&ps, 1);
	else
		fail(&ps, "'[' or '{' expected");
	if (v != NULL) {
		skip_ws(&ps);
		if (ps.p != ps.end) {
			json_decref(v);
			v = NULL;
			fail(&ps, "end of file expected");
		}
	}
	if (v == NULL && why != NULL)
		snprintf(why, why_size, "%s (column %ld)", ps.why ? ps.why : "invalid JSON",
		    (long)(ps.p - ps.start) + 1);
	free(ps.scratch);
	return v;
}
