/*
 * ck_der: a minimal, strict DER reader (definite lengths, single-byte and
 * multi-byte tags up to 30 bits, lengths up to 2^31).  Used by the fast
 * certificate decoder and anything that must walk hostile DER without
 * allocating.
 */
#ifndef CK_DER_H
#define CK_DER_H

#include <stddef.h>
#include <stdint.h>

/* Tag values as they appear in the identifier octet (class | constructed | number). */
#define CK_DER_BOOLEAN		0x01
#define CK_DER_INTEGER		0x02
#define CK_DER_BIT_STRING	0x03
#define CK_DER_OCTET_STRING	0x04
#define CK_DER_NULL		0x05
#define CK_DER_OID		0x06
#define CK_DER_UTF8STRING	0x0c
#define CK_DER_PRINTABLESTRING	0x13
#define CK_DER_T61STRING	0x14
#define CK_DER_IA5STRING	0x16
#define CK_DER_UTCTIME		0x17
#define CK_DER_GENERALIZEDTIME	0x18
#define CK_DER_UNIVERSALSTRING	0x1c
#define CK_DER_BMPSTRING	0x1e
#define CK_DER_SEQUENCE		0x30
#define CK_DER_SET		0x31
#define CK_DER_CTX(n)		(0x80 | (n))	/* [n] IMPLICIT primitive */
#define CK_DER_CTX_CONS(n)	(0xa0 | (n))	/* [n] constructed / EXPLICIT */

/* A window on DER bytes. */
struct ck_der {
	const unsigned char *p;
	const unsigned char *end;
};

/* One element: its tag (identifier octet; multi-byte tags as 0x1f-class | number<<8), contents. */
struct ck_der_elem {
	unsigned tag;
	const unsigned char *p;		/* contents */
	size_t len;
	const unsigned char *raw;	/* whole TLV */
	size_t raw_len;
};

void ck_der_init(struct ck_der *d, const unsigned char *p, size_t len);

/* Non-zero when bytes remain. */
int ck_der_more(const struct ck_der *d);

/* Reads the next element.  Returns 0, or -1 on malformed or truncated input. */
int ck_der_next(struct ck_der *d, struct ck_der_elem *e);

/* Reads the next element and requires its tag.  Returns 0 or -1. */
int ck_der_expect(struct ck_der *d, unsigned tag, struct ck_der_elem *e);

/* If the next element has this tag, reads it and returns 1; 0 if not; -1 on malformed. */
int ck_der_optional(struct ck_der *d, unsigned tag, struct ck_der_elem *e);

/* Window on an element's contents. */
void ck_der_enter(const struct ck_der_elem *e, struct ck_der *inner);

/* Dotted form of OID contents into buf.  Returns 0 or -1 (malformed / too long). */
int ck_der_oid_str(const unsigned char *p, size_t len, char *buf, size_t size);

#endif /* CK_DER_H */
