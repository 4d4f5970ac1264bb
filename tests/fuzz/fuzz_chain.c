/*
 * Fuzz target for cert-chain's library: the input is split at the first
 * 0xff byte into (a) bytes decoded as a candidate chain (PEM or a sequence
 * of DER certificates, each becoming a cert record) and (b) a policy
 * "rules" object in JSON.  Nothing may crash; every outcome is a chain
 * record, an error, or a refused policy.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "ck_cert.h"
#include "ck_chain.h"
#include "ck_policy.h"
#include "ck_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ck_chain_ctx *ctx;
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t clen = sep != NULL ? (size_t)(sep - data) : size;
	const unsigned char *p = data, *end = data + clen;
	json_t *certs = json_array(), *chain, *rules;
	struct ck_policy pol;
	struct ck_err err;
	int st;
	long idx = 0;

	if (ctx == NULL) {
		struct ck_chain_opts o;

		ck_chain_opts_init(&o);
		o.fetch = 0;
		o.at = 1780272000;
		o.policy.max_ca_bits = 2048;
		o.policy.sha1 = CK_CRITICAL;	/* SHA-1 anywhere in the path is critical */
		if ((ctx = ck_chain_ctx_new(&o, &err)) == NULL)
			return 0;
		ck_chain_add_roots(ctx, "tests/fixtures/chain/roots-all.pem", &err);
	}
	/* DER certificates back to back; the remainder as one raw blob. */
	while (p < end && idx < 16) {
		const unsigned char *q = p;
		X509 *x = d2i_X509(NULL, &q, (long)(end - p));
		struct ck_source src = { "file", "fuzz", idx };
		json_t *rec;
		char *pem;

		if (x == NULL) {
			pem = ck_der_to_pem(p, (size_t)(end - p));
			rec = ck_record_new("cert");
			json_object_set_new(rec, "source", json_pack("{s:s,s:s,s:I}", "type", "file",
			    "uri", "fuzz", "index", (json_int_t)idx));
			json_object_set_new(rec, "pem", json_string(pem != NULL ? pem : ""));
			free(pem);
			json_array_append_new(certs, rec);
			break;
		}
		X509_free(x);
		rec = ck_cert_record(p, (size_t)(q - p), &src, 0, &err);
		if (rec != NULL)
			json_array_append_new(certs, rec);
		p = q;
		idx++;
	}
	chain = ck_chain_check(ctx, certs, &st, &err);
	if (chain != NULL) {
		char *s = ck_record_dumps(chain);

		free(s);
		json_decref(chain);
	}
	json_decref(certs);
	if (sep != NULL && (rules = json_loadb((const char *)sep + 1, size - clen - 1, 0, NULL)) != NULL) {
		ck_policy_init(&pol);
		ck_policy_apply(&pol, rules, &err);
		json_decref(rules);
	}
	return 0;
}
