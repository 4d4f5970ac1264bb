/* ck_chain_cli: cert-chain's options into a context (contract in ck_chain_cli.h). */
#include "ck_chain_cli.h"

#include <stdio.h>
#include <string.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_key.h"
#include "ck_ldap_cli.h"
#include "ck_tool.h"

void
ck_chain_cli_init(struct ck_chain_cli *c)
{
	memset(c, 0, sizeof(*c));
	ck_chain_opts_init(&c->o);
	c->max_ca_bits = c->min_bits = c->max_depth = -1;
	c->timeout = 10;
}

int
ck_chain_purpose_opt(const char *arg, void *target, struct ck_err *err)
{
	struct ck_chain_opts *o = target;

	if (strcmp(arg, "server") == 0)
		o->purpose = CK_PURPOSE_SERVER;
	else if (strcmp(arg, "client") == 0)
		o->purpose = CK_PURPOSE_CLIENT;
	else if (strcmp(arg, "any") == 0)
		o->purpose = CK_PURPOSE_ANY;
	else if (strspn(arg, "0123456789.") == strlen(arg) && strchr(arg, '.') != NULL &&
	    strlen(arg) < sizeof(o->purpose_oid)) {
		o->purpose = CK_PURPOSE_OID;
		snprintf(o->purpose_oid, sizeof(o->purpose_oid), "%s", arg);
	} else {
		return ck_err_set(err, CK_E_USAGE, "'%s': not a purpose", arg);
	}
	return 0;
}

int
ck_chain_key_alg_opt(const char *arg, void *target, struct ck_err *err)
{
	if (strcmp(arg, "rsa") != 0 && strcmp(arg, "ec") != 0 && strcmp(arg, "dsa") != 0 &&
	    strcmp(arg, "ed25519") != 0 && strcmp(arg, "ed448") != 0)
		return ck_err_set(err, CK_E_USAGE, "'%s': not a key algorithm", arg);
	*(const char **)target = arg;
	return 0;
}

/* The policy file, then the command line's limits on top of it. */
static int
load_policy(struct ck_chain_cli *c, struct ck_err *err)
{
	struct ck_policy *p = &c->o.policy;

	if (c->policy != NULL && ck_policy_load(p, c->policy, c->amt_version, err) != 0)
		return ck_err_prefix(err, "--policy");
	if (c->max_ca_bits > 0)
		p->max_ca_bits = c->max_ca_bits;
	if (c->min_bits > 0)
		p->min_bits = c->min_bits;
	if (c->max_depth > 0)
		p->max_depth = c->max_depth;
	if (c->no_sha1)
		p->sha1 = CK_CRITICAL;
	if (c->ca_key_alg != NULL)
		snprintf(p->ca_key_alg, sizeof(p->ca_key_alg), "%s", c->ca_key_alg);
	return 0;
}

struct ck_chain_ctx *
ck_chain_cli_ctx(struct ck_chain_cli *c, int *usage, struct ck_err *err)
{
	struct ck_chain_trust t = { .roots = c->roots.v, .nroots = c->roots.n,
		.untrusted = c->untrusted.v, .nuntrusted = c->untrusted.n, .crls = c->crls.v,
		.ncrls = c->crls.n, .system_roots = c->system_roots, .hashes = c->hashes };
	struct ck_chain_ctx *ctx;
	struct ck_clock clk;

	*usage = 1;
	if (c->amt_version != NULL && c->policy == NULL) {
		ck_err_set(err, CK_E_USAGE, "--amt-version needs --policy");
		return NULL;
	}
	if (ck_ldap_bind_opts_check(c->o.net.bind_dn, c->bind_pwfile, err) != 0)
		return NULL;
	if (ck_clock_init(&clk, c->at, err) != 0)
		return NULL;
	*usage = 0;
	c->o.at = ck_clock_now(&clk);
	if (load_policy(c, err) != 0)
		return NULL;
	c->o.net.timeout_ms = c->timeout * 1000;
	if (c->bind_pwfile != NULL) {
		/* The message names the file. */
		if ((c->bind_password = ck_secret_from_file(c->bind_pwfile, err)) == NULL)
			return NULL;
		c->o.net.bind_password = c->bind_password;
	}
	/* Certificates decode their RSA and EC keys the legacy way (ck_key.h). */
	ck_key_legacy_on();
	c->o.user_policies = c->user_policies.v;
	c->o.n_user_policies = c->user_policies.n;
	if (c->crls.n > 0)
		c->o.crl_check = 1;
	if ((ctx = ck_chain_ctx_new(&c->o, err)) == NULL)
		return NULL;
	/* Unusable trust material is a configuration error: nothing can be judged. */
	if (ck_chain_add_trust(ctx, &t, err) != 0) {
		ck_chain_ctx_free(ctx);
		return NULL;
	}
	ck_load_opts_init(&c->lo);
	c->lo.fetch = c->o.net;
	/* The DER comes with each record (ck_load_source_der); chain records carry no pem. */
	c->lo.cert_flags = CK_CERT_NO_PEM;
	return ctx;
}

void
ck_chain_cli_release(struct ck_chain_cli *c)
{
	ck_secret_free(c->bind_password);
	c->bind_password = NULL;
	c->o.net.bind_password = NULL;
	ck_strv_release(&c->roots);
	ck_strv_release(&c->untrusted);
	ck_strv_release(&c->crls);
	ck_strv_release(&c->user_policies);
}
