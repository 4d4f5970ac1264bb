/*
 * ck_chain_cli: cert-chain(1)'s command line as the library takes it.  The
 * option table (in the main) writes into a struct ck_chain_cli;
 * ck_chain_cli_ctx checks the combination, loads --policy with the
 * options that override it, reads the LDAP bind password, builds the
 * context and loads the trust inputs, so the main is left with the table,
 * the run (ck_chain_run.h) and the exit status.
 *
 *   static struct ck_chain_cli cc;       options: .target = &cc.o.host, &cc.roots ...
 *   ck_chain_cli_init(&cc);  ... ck_opt_start ...
 *   ctx = ck_chain_cli_ctx(&cc, &usage, &err);   (NULL: say err.msg; usage: print the usage)
 *   run = ck_chain_run_new(ctx, &cc.lo, format, jobs); ...
 *   ck_chain_ctx_free(ctx); ck_chain_cli_release(&cc);
 */
#ifndef CK_CHAIN_CLI_H
#define CK_CHAIN_CLI_H

#include "ck_chain.h"
#include "ck_err.h"
#include "ck_load.h"
#include "ck_opt.h"

struct ck_chain_cli {
	struct ck_chain_opts o;		/* --purpose, --host, --no-fetch, --crl-check, --ocsp,
					   --require-revocation, --bind-dn, the RFC 5280 flags */
	const char *at;			/* --at TIME (NULL: CERTKIT_NOW, else now) */
	const char *policy, *amt_version;	/* --policy NAME, --amt-version V */
	long max_ca_bits, min_bits, max_depth;	/* > 0: override the policy's */
	int no_sha1;			/* SHA-1 signatures are critical */
	const char *ca_key_alg;		/* --ca-key-alg, or NULL */
	long timeout;			/* --timeout SECONDS (10) */
	const char *bind_pwfile;	/* --bind-password-file (goes with --bind-dn) */
	struct ck_strv roots, untrusted, crls, user_policies;
	int system_roots;
	const char *hashes;		/* --amt-hashes FILE */
	/* Set by ck_chain_cli_ctx: */
	char *bind_password;		/* wiped by ck_chain_cli_release */
	struct ck_load_opts lo;		/* for FILE arguments (ck_chain_run_new) */
};

/* The defaults (ck_chain_opts_init; no overrides; timeout 10 s). */
void ck_chain_cli_init(struct ck_chain_cli *c);

/* CK_OPT_PARSE parsers: --purpose server|client|any|OID into a struct ck_chain_opts. */
int ck_chain_purpose_opt(const char *arg, void *target, struct ck_err *err);
/* --ca-key-alg rsa|ec|dsa|ed25519|ed448 into a const char *. */
int ck_chain_key_alg_opt(const char *arg, void *target, struct ck_err *err);

/*
 * Checks the options' combination (--amt-version needs --policy; --bind-dn
 * and --bind-password-file go together) and the time, loads --policy (the
 * command line's limits override it), reads the bind password and returns
 * a new context (ck_chain_ctx_free) with every trust input loaded
 * (ck_chain_add_trust); c->lo is ready for ck_chain_run_new.  NULL: err
 * holds the whole message ("--policy: ...", "'FILE': ..."), and *usage is 1
 * when it is a usage error (the caller prints the usage), else 0.
 */
struct ck_chain_ctx *ck_chain_cli_ctx(struct ck_chain_cli *c, int *usage, struct ck_err *err);

/* Releases the option lists and wipes the password; the context is the caller's. */
void ck_chain_cli_release(struct ck_chain_cli *c);

#endif /* CK_CHAIN_CLI_H */
