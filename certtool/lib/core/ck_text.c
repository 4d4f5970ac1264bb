#include "ck_text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * Length of the valid UTF-8 sequence at s (1-4), or 0 when s[0] does not
 * start one (RFC 3629 section 4: no overlong forms, no surrogates, at most
 * U+10FFFF).  *cp receives the code point.
 */
static size_t
utf8_len(const unsigned char *s, size_t avail, unsigned long *cp)
{
	unsigned char c = s[0];
	size_t n;
	unsigned long v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static int
cp_escaped(unsigned long cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The escaped form of the character at s into out (at least 7 bytes):
 * returns its length and sets *used to the input bytes consumed.
 */
static size_t
escape_one(const unsigned char *s, size_t avail, char *out, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	unsigned long cp;
	size_t n = utf8_len(s, avail, &cp);

	if (n == 0) {
		*used = 1;
		out[0] = '\\', out[1] = 'x', out[2] = hex[s[0] >> 4], out[3] = hex[s[0] & 15];
		return 4;
	}
	*used = n;
	if (n == 1 && (cp < 0x20 || cp == 0x7f)) {
		out[0] = '\\';
		switch (cp) {
		case '\n': out[1] = 'n'; return 2;
		case '\r': out[1] = 'r'; return 2;
		case '\t': out[1] = 't'; return 2;
		default:
			out[1] = 'x', out[2] = hex[cp >> 4], out[3] = hex[cp & 15];
			return 4;
		}
	}
	if (cp_escaped(cp)) {
		out[0] = '\\', out[1] = 'u';
		for (int i = 0; i < 4; i++)
			out[2 + i] = hex[(cp >> (12 - 4 * i)) & 15];
		return 6;
	}
	memcpy(out, s, n);
	return n;
}

char *
ck_text_escape(const char *s, size_t len, char *buf, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, i = 0, used, n;
	char one[8];

	if (cap == 0)
		return buf;
	while (i < len) {
		n = escape_one(p + i, len - i, one, &used);
		if (off + n + 1 > cap) {
			/* Room for "..." and the NUL, cutting at a whole character. */
			while (off > 0 && off + 4 > cap)
				off--;
			while (off > 0 && (buf[off] & 0xc0) == 0x80)
				off--;
			memcpy(buf + off, "...", cap - off > 3 ? 3 : cap - off - 1);
			off += cap - off > 3 ? 3 : cap - off - 1;
			break;
		}
		memcpy(buf + off, one, n);
		off += n;
		i += used;
	}
	buf[off] = '\0';
	return buf;
}

char *
ck_text(const char *s, char *buf, size_t cap)
{
	if (s == NULL)
		s = "";
	return ck_text_escape(s, strlen(s), buf, cap);
}

void
ck_text_fputs(const char *s, FILE *fp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, used, n;
	char one[8];

	while (i < len) {
		n = escape_one(p + i, len - i, one, &used);
		fwrite(one, 1, n, fp);
		i += used;
	}
}

int
ck_text_needs_escape(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned long cp;

	while (i < len) {
		n = utf8_len(p + i, len - i, &cp);
		if (n == 0 || (n == 1 && (cp < 0x20 || cp == 0x7f)) || cp_escaped(cp))
			return 1;
		i += n;
	}
	return 0;
}

int
ck_textf(FILE *fp, const char *fmt, ...)
{
	char stackbuf[1024], *buf = stackbuf;
	size_t fl = strlen(fmt);
	int n, nl = fl > 0 && fmt[fl - 1] == '\n';
	va_list ap;

	va_start(ap, fmt);
	n = vsnprintf(stackbuf, sizeof(stackbuf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(stackbuf)) {
		if ((buf = malloc((size_t)n + 1)) == NULL)
			return -1;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (nl)
		buf[n - 1] = '\0';
	ck_text_fputs(buf, fp);
	if (nl)
		fputc('\n', fp);
	if (buf != stackbuf)
		free(buf);
	return n;
}
