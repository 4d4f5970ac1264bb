/*
 * ck_group: certificates -> candidate chains, the way cert-chain(1) reads
 * its input.  A candidate is every certificate of one source (the same
 * source.type and source.uri: one file, one TLS connection, one LDAP value
 * set); the first is the leaf.  A record without a source, or index 0 again
 * (the same file named twice), starts a new candidate.  Records of other
 * kinds end the open candidate and pass through, in order.
 */
#ifndef CK_GROUP_H
#define CK_GROUP_H

#include <stddef.h>
#include <jansson.h>

#include "ck_chain.h"

#define CK_GROUP_KEY 1024

/*
 * The grouping key of a cert record ("type uri"; "" without a source) in
 * key, and 1 when the record starts a new candidate after one with key cur.
 */
int ck_group_starts(const json_t *rec, const char *cur, char *key, size_t size);

/* Records (from stdin): close(arg, certs, source) per candidate, pass(arg, rec) for others. */
struct ck_group {
	void (*close)(void *arg, json_t *certs, const char *source);	/* takes certs */
	void (*pass)(void *arg, json_t *rec);				/* takes rec */
	void *arg;
	/* private */
	json_t *cur;
	char key[CK_GROUP_KEY];
};

/* Takes one record (steals it). */
void ck_group_take(struct ck_group *g, json_t *rec);
/* Ends the open candidate, if any (at the end of the input). */
void ck_group_close(struct ck_group *g);

/*
 * Certificates with their DER (ck_load_source_der's emit, with a struct
 * ck_group_der as its context), checked with ck_chain_check_der as each
 * candidate closes: nothing is re-encoded as PEM and decoded again.  The
 * chain records (and error records, in order) are appended to out; status
 * is the worst.  Call ck_group_der_done at the end of the input.
 */
struct ck_group_der {
	struct ck_chain_ctx *ctx;
	json_t *out;
	int status;
	struct ck_chain_probe *probe;	/* NULL, or checks are probing (ck_chain.h) */
	/* private */
	struct ck_chain_input *in;	/* rec owned (one reference), der malloc'd */
	size_t n, cap;
	char key[CK_GROUP_KEY];
};

int ck_group_der_emit(void *arg, json_t *rec, const unsigned char *der, size_t len);
void ck_group_der_done(struct ck_group_der *g);

#endif /* CK_GROUP_H */
