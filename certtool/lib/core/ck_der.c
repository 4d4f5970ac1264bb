#include "ck_der.h"

#include <stdio.h>
#include <string.h>

void
ck_der_init(struct ck_der *d, const unsigned char *p, size_t len)
{
	d->p = p;
	d->end = p + len;
}

int
ck_der_more(const struct ck_der *d)
{
	return d->p < d->end;
}

int
ck_der_next(struct ck_der *d, struct ck_der_elem *e)
{
	const unsigned char *p = d->p;
	size_t avail = (size_t)(d->end - p), len;
	unsigned tag;

	if (avail < 2)
		return -1;
	tag = *p++;
	if ((tag & 0x1f) == 0x1f) {
		/* High tag number form: up to 4 continuation octets. */
		unsigned num = 0;
		int i;

		for (i = 0; i < 4; i++) {
			if (p >= d->end)
				return -1;
			num = (num << 7) | (*p & 0x7f);
			if (!(*p++ & 0x80))
				break;
		}
		if (i == 4 || num < 31)
			return -1;
		tag = (tag & 0xe0) | 0x1f | (num << 8);
	}
	if (p >= d->end)
		return -1;
	len = *p++;
	if (len & 0x80) {
		size_t n = len & 0x7f;

		/* No indefinite length in DER, and nothing we read is 2 GiB. */
		if (n == 0 || n > 4)
			return -1;
		if ((size_t)(d->end - p) < n)
			return -1;
		len = 0;
		while (n--)
			len = (len << 8) | *p++;
		if (len > 0x7fffffffu)
			return -1;
	}
	if ((size_t)(d->end - p) < len)
		return -1;
	e->tag = tag;
	e->p = p;
	e->len = len;
	e->raw = d->p;
	e->raw_len = (size_t)(p + len - d->p);
	d->p = p + len;
	return 0;
}

int
ck_der_expect(struct ck_der *d, unsigned tag, struct ck_der_elem *e)
{
	if (ck_der_next(d, e) != 0 || e->tag != tag)
		return -1;
	return 0;
}

int
ck_der_optional(struct ck_der *d, unsigned tag, struct ck_der_elem *e)
{
	if (d->p >= d->end || *d->p != (tag & 0xff))
		return 0;
	if (ck_der_next(d, e) != 0 || e->tag != tag)
		return -1;
	return 1;
}

void
ck_der_enter(const struct ck_der_elem *e, struct ck_der *inner)
{
	ck_der_init(inner, e->p, e->len);
}

/* Appends v in decimal; returns the new offset or 0 when it does not fit. */
static size_t
put_arc(char *buf, size_t size, size_t off, unsigned long long v, int dot)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (off + (size_t)n + (dot ? 1 : 0) + 1 > size)
		return 0;
	if (dot)
		buf[off++] = '.';
	while (n)
		buf[off++] = tmp[--n];
	buf[off] = '\0';
	return off;
}

int
ck_der_oid_str(const unsigned char *p, size_t len, char *buf, size_t size)
{
	size_t off = 0, i = 0;
	int first = 1;

	if (len == 0 || size == 0)
		return -1;
	while (i < len) {
		unsigned long long v = 0;
		int k = 0;

		/* A leading 0x80 is not minimal: reject. */
		if (p[i] == 0x80)
			return -1;
		do {
			if (i >= len || ++k > 9)
				return -1;
			v = (v << 7) | (p[i] & 0x7f);
		} while (p[i++] & 0x80);
		if (first) {
			unsigned long long a = v < 40 ? 0 : v < 80 ? 1 : 2;

			off = put_arc(buf, size, 0, a, 0);
			if (off)
				off = put_arc(buf, size, off, v - a * 40, 1);
			first = 0;
		} else {
			off = put_arc(buf, size, off, v, 1);
		}
		if (off == 0)
			return -1;
	}
	return 0;
}
