/*
 * cert-chain: build and validate certification paths, with a maximum CA
 * key size (AMT), SHA-1 ban, path length and root hash policies, AIA
 * fetching, CRL and OCSP.  The work is in ck_chain; this file reads
 * records, groups them into candidate chains, runs the checks on worker
 * threads and prints the results in input order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_cert.h"
#include "ck_chain.h"
#include "ck_clock.h"
#include "ck_err.h"
#include "ck_group.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_policy.h"
#include "ck_pool.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tool.h"

#define BATCH 512
#define WINDOW_PER_JOB 64
#define WAKE_BATCH 32		/* the printer is woken for this many finished items */
#define CLAIM 16		/* a worker takes up to this many items at a time */

/*
 * One output slot, printed in input order: a record to pass through, a
 * candidate chain read from stdin, or a FILE argument (loaded, grouped and
 * checked by a worker).  Workers also serialise their output, so the main
 * thread only writes bytes.
 */
struct item {
	json_t *pass;		/* passed through as is (other kinds, errors) */
	json_t *certs;		/* candidate: array of cert records, leaf first */
	const char *file;	/* FILE argument */
	char source[512];	/* for messages */
	json_t *out;		/* records to print (chain and error records) */
	char *text;		/* JSON Lines of out, serialised by the worker */
	int status;
};

static struct {
	struct ck_chain_ctx *ctx;
	struct ck_load_opts lo;
	int format;
	int status;
	long jobs;
	struct item *items;
	size_t n, cap, ncand;
	int progress;			/* stderr is a terminal */
	unsigned long nprinted;
} g;

/* stdout's buffer (glibc ignores setvbuf's size without one). */
static char outbuf[1 << 16];

/* Checks one candidate; appends the chain (or error) record to out. */
static int
check_certs(json_t *certs, const char *source, json_t *out)
{
	struct ck_err err;
	int st = CK_UNKNOWN;
	json_t *rec;

	ck_err_clear(&err);
	rec = ck_chain_check(g.ctx, certs, &st, &err);
	if (rec == NULL) {
		rec = ck_error_record_err(source, &err);
		st = CK_UNKNOWN;
	}
	json_array_append_new(out, rec);
	return st;
}

static void
run_item(struct item *it)
{
	size_t failed;

	it->out = json_array();
	it->status = CK_OK;
	if (it->file != NULL) {
		/* FILE arguments keep their DER from the load (ck_group_der). */
		struct ck_group_der gd = { .ctx = g.ctx, .out = it->out, .status = CK_OK };

		ck_load_source_der(it->file, &g.lo, ck_group_der_emit, &gd);
		ck_group_der_done(&gd);
		it->status = gd.status;
	} else if (it->certs != NULL) {
		it->status = check_certs(it->certs, it->source, it->out);
		json_decref(it->certs);
		it->certs = NULL;
	}
	if (g.format == CK_FMT_JSON) {
		it->text = ck_record_lines(it->out, &failed);
		if (failed > 0)
			it->status = ck_status_worse(it->status, CK_UNKNOWN);
	}
}

/* Frees an item's output (by the thread that allocated it: no malloc arena contention). */
static void
release_item(struct item *it)
{
	free(it->text);
	it->text = NULL;
	json_decref(it->out);
	it->out = NULL;
}

static void
print_record(const json_t *rec)
{
	struct ck_err err;

	if (g.format == CK_FMT_JSON) {
		if (ck_record_write(stdout, rec, &err) != 0)
			g.status = ck_status_worse(g.status, CK_UNKNOWN);
	} else if (ck_record_is(rec, "chain")) {
		ck_chain_print_text(stdout, rec);
	} else if (ck_record_is(rec, "error")) {
		ck_textf(stdout, "error  %s: %s\n", json_string_value(json_object_get(rec, "source")),
		    json_string_value(json_object_get(rec, "message")));
	} else {
		printf("(%s record passed through)\n", ck_record_kind(rec));
	}
}

static void
print_item(struct item *it)
{
	size_t i;
	json_t *r;

	if (it->pass != NULL) {
		print_record(it->pass);
		json_decref(it->pass);
		it->pass = NULL;
		return;
	}
	json_array_foreach(it->out, i, r)
		if (ck_record_is(r, "error")) {
			const char *src = json_string_value(json_object_get(r, "source"));

			fprintf(stderr, "%s: '%s': %s\n", ck_prog(), src != NULL ? src : "-",
			    json_string_value(json_object_get(r, "message")));
		}
	if (g.format == CK_FMT_JSON) {
		if (it->text != NULL && fputs(it->text, stdout) == EOF)
			g.status = ck_status_worse(g.status, CK_UNKNOWN);
	} else {
		json_array_foreach(it->out, i, r)
			print_record(r);
	}
	g.status = ck_status_worse(g.status, it->status);
	if (g.progress && ++g.nprinted % 1000 == 0)
		fprintf(stderr, "\r%s: %lu chains checked", ck_prog(), g.nprinted);
}

static void
pool_run(void *arg, size_t i)
{
	(void)arg;
	run_item(&g.items[i]);
}

static void
pool_done(void *arg, size_t i)
{
	(void)arg;
	print_item(&g.items[i]);
}

static void
pool_release(void *arg, size_t i)
{
	(void)arg;
	release_item(&g.items[i]);
}

static int
pool_skip(void *arg, size_t i)
{
	(void)arg;
	return g.items[i].pass != NULL;
}

/*
 * Checks the items on worker threads and prints them in input order
 * (ck_pool).  A chain check is ~100 us: workers take runs of CLAIM items
 * and wake the printer for WAKE_BATCH finished ones.
 */
static void
run_items(void)
{
	static const struct ck_pool_ops ops = { .run = pool_run, .done = pool_done,
		.release = pool_release, .skip = pool_skip, .window = WINDOW_PER_JOB,
		.claim = CLAIM, .batch = WAKE_BATCH };

	ck_pool_run(&ops, g.n, g.jobs < (long)g.ncand ? g.jobs : (long)g.ncand);
	g.n = 0;
	g.ncand = 0;
}

static int
push_item(struct item *it)
{
	if (g.n == g.cap) {
		size_t nc = g.cap ? g.cap * 2 : 256;
		struct item *ni = realloc(g.items, nc * sizeof(*ni));

		if (ni == NULL)
			return -1;
		g.items = ni;
		g.cap = nc;
	}
	g.items[g.n++] = *it;
	return 0;
}

/* stdin: a candidate is complete. */
static void
stdin_close(void *arg, json_t *certs, const char *source)
{
	struct item it;

	(void)arg;
	memset(&it, 0, sizeof(it));
	it.certs = certs;
	snprintf(it.source, sizeof(it.source), "%s", source);
	if (push_item(&it) != 0) {
		json_decref(certs);
		g.status = ck_status_worse(g.status, CK_UNKNOWN);
		return;
	}
	if (++g.ncand >= BATCH)
		run_items();
}

static void
stdin_pass(void *arg, json_t *rec)
{
	struct item it;

	(void)arg;
	/* Broken lines and upstream errors: the input could not be checked. */
	if (ck_record_is(rec, "error"))
		g.status = ck_status_worse(g.status, CK_UNKNOWN);
	memset(&it, 0, sizeof(it));
	it.pass = rec;
	if (ck_record_is(rec, "error")) {
		const char *src = json_string_value(json_object_get(rec, "source"));

		fprintf(stderr, "%s: '%s': %s\n", ck_prog(), src ? src : "-",
		    json_string_value(json_object_get(rec, "message")));
	}
	if (push_item(&it) != 0) {
		print_record(rec);
		json_decref(rec);
	}
}

static void
read_stream(FILE *fp, const char *name)
{
	struct ck_reader *r = ck_reader_new(fp, name);
	struct ck_group gr = { .close = stdin_close, .pass = stdin_pass };
	struct ck_err err;
	json_t *rec;
	int rc;

	if (r == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(g.format == CK_FMT_JSON ? stdout : NULL, name, &err);
		g.status = ck_status_worse(g.status, CK_UNKNOWN);
		return;
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_group_close(&gr);
			run_items();
			ck_report(g.format == CK_FMT_JSON ? stdout : NULL, name, &err);
			g.status = ck_status_worse(g.status, CK_UNKNOWN);
			break;
		}
		ck_group_take(&gr, rec);	/* a broken line is an error record: reported and counted */
	}
	ck_group_close(&gr);
	run_items();
	ck_reader_free(r);
}

/* --purpose server|client|any|OID */
static int
parse_purpose(const char *arg, void *target, struct ck_err *err)
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

/* --ca-key-alg ALG */
static int
parse_caalg(const char *arg, void *target, struct ck_err *err)
{
	if (strcmp(arg, "rsa") != 0 && strcmp(arg, "ec") != 0 && strcmp(arg, "dsa") != 0 &&
	    strcmp(arg, "ed25519") != 0 && strcmp(arg, "ed448") != 0)
		return ck_err_set(err, CK_E_USAGE, "'%s': not a key algorithm", arg);
	*(const char **)target = arg;
	return 0;
}

static struct ck_chain_opts o;
static struct ck_strv roots, untrusted, crls;
static int list_rules;
static struct ck_strv user_policies;
static const char *hashes, *format, *at, *policy, *amtver, *caalg, *bind_pwfile;
static long maxca = -1, minbits = -1, maxdepth = -1, timeout = 10;
static int sysroots, nosha1;

static const struct ck_opt opts[] = {
	{ .name = "roots", .arg = "FILE|DIR", .desc = "trust anchors (repeatable)",
	    .type = CK_OPT_LIST, .target = &roots, .complete = CK_COMPLETE_FILE },
	{ .name = "system-roots", .desc = "also trust the system's roots",
	    .type = CK_OPT_FLAG, .target = &sysroots },
	{ .name = "untrusted", .arg = "FILE", .desc = "extra intermediates (repeatable)",
	    .type = CK_OPT_LIST, .target = &untrusted, .complete = CK_COMPLETE_FILE },
	{ .name = "amt-hashes", .arg = "FILE", .desc = "AMT firmware root hashes",
	    .type = CK_OPT_STR, .target = &hashes, .complete = CK_COMPLETE_FILE },
	{ .name = "purpose", .arg = "server|client|any|OID", .desc = "the leaf's purpose",
	    .type = CK_OPT_PARSE, .target = &o, .parse = parse_purpose,
	    .complete = "server client any" },
	{ .name = "host", .arg = "NAME", .desc = "the name the leaf must match",
	    .type = CK_OPT_STR, .target = &o.host },
	{ .name = "at", .arg = "TIME", .desc = "validate at TIME instead of now",
	    .type = CK_OPT_STR, .target = &at },
	{ .name = "policy", .arg = "NAME", .desc = "a policy file or name (amt)",
	    .type = CK_OPT_STR, .target = &policy, .complete = CK_COMPLETE_PROFILE },
	{ .name = "amt-version", .arg = "V", .desc = "the AMT firmware version (with --policy)",
	    .type = CK_OPT_PARSE, .target = &amtver, .parse = ck_version_opt },
	{ .name = "max-ca-bits", .arg = "N", .desc = "largest CA key size",
	    .type = CK_OPT_LONG, .target = &maxca, .min = 1, .max = 1000000 },
	{ .name = "min-bits", .arg = "N", .desc = "smallest key size",
	    .type = CK_OPT_LONG, .target = &minbits, .min = 1, .max = 1000000 },
	{ .name = "max-depth", .arg = "N", .desc = "longest path",
	    .type = CK_OPT_LONG, .target = &maxdepth, .min = 1, .max = 1000000 },
	{ .name = "no-sha1", .desc = "SHA-1 signatures are critical",
	    .type = CK_OPT_FLAG, .target = &nosha1 },
	{ .name = "ca-key-alg", .arg = "ALG", .desc = "the CA key algorithm required",
	    .type = CK_OPT_PARSE, .target = &caalg, .parse = parse_caalg,
	    .complete = "rsa ec dsa ed25519 ed448" },
	{ .name = "no-fetch", .desc = "fetch nothing: no missing issuers (AIA), no CDP CRLs",
	    .type = CK_OPT_SET, .target = &o.fetch, .value = 0 },
	{ .name = "crl-check", .desc = "check CRLs", .type = CK_OPT_SET,
	    .target = &o.crl_check, .value = 1 },
	{ .name = "crl", .arg = "FILE|DIR", .desc = "local CRLs (repeatable; implies --crl-check)",
	    .type = CK_OPT_LIST, .target = &crls, .complete = CK_COMPLETE_FILE,
	    .synopsis = "[--crl FILE|DIR ...]" },
	{ .name = "ocsp", .desc = "ask OCSP responders", .type = CK_OPT_SET,
	    .target = &o.ocsp, .value = 1 },
	{ .name = "require-revocation", .desc = "unknown revocation status is critical",
	    .type = CK_OPT_SET, .target = &o.require_revocation, .value = 1 },
	{ .name = "timeout", .arg = "SECONDS", .desc = "network timeout (default 10)",
	    .type = CK_OPT_LONG, .target = &timeout, .min = 1, .max = 3600 },
	{ .name = "bind-dn", .arg = "DN", .desc = "LDAP bind DN (with --bind-password-file)",
	    .type = CK_OPT_STR, .target = &o.net.bind_dn,
	    .synopsis = "[--bind-dn DN --bind-password-file F]" },
	{ .name = "bind-password-file", .arg = "F", .desc = "LDAP bind password",
	    .type = CK_OPT_STR, .target = &bind_pwfile, .complete = CK_COMPLETE_FILE,
	    .synopsis = "" },
	{ .name = "jobs", .arg = "N", .desc = "worker threads (default: the CPUs)",
	    .type = CK_OPT_LONG, .target = &g.jobs, .min = 1, .max = 256 },
	{ .name = "user-policy", .arg = "OID", .desc = "acceptable certificate policy (repeatable; "
	    "default anyPolicy)", .type = CK_OPT_LIST, .target = &user_policies,
	    .synopsis = "[--user-policy OID ...]" },
	{ .name = "explicit-policy", .desc = "a valid policy is required (RFC 5280 6.1.1 e)",
	    .type = CK_OPT_FLAG, .target = &o.explicit_policy },
	{ .name = "inhibit-policy-mapping", .desc = "policy mapping is not allowed",
	    .type = CK_OPT_FLAG, .target = &o.inhibit_policy_mapping },
	{ .name = "inhibit-any-policy", .desc = "anyPolicy in certificates does not match",
	    .type = CK_OPT_FLAG, .target = &o.inhibit_any_policy },
	{ .name = "list-rules", .desc = "list every finding id this tool emits, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
	{ .name = "format", .arg = "json|text", .desc = "output format",
	    .type = CK_OPT_STR, .target = &format, .complete = "json text" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-chain", .opts = opts,
	.operands = "[FILE ...]" };

/* --roots, --untrusted, --crl, --system-roots, --amt-hashes into g.ctx; -1 said on stderr. */
static int
load_trust(void)
{
	struct ck_err err;
	size_t i;

	for (i = 0; i < roots.n; i++)
		if (ck_chain_add_roots(g.ctx, roots.v[i], &err) < 0) {
			ck_warnx("'%s': %s", roots.v[i], err.msg);
			return -1;
		}
	for (i = 0; i < untrusted.n; i++)
		if (ck_chain_add_untrusted(g.ctx, untrusted.v[i], &err) < 0) {
			ck_warnx("'%s': %s", untrusted.v[i], err.msg);
			return -1;
		}
	for (i = 0; i < crls.n; i++)
		if (ck_chain_add_crls(g.ctx, crls.v[i], &err) < 0) {
			ck_warnx("--crl: %s", err.msg);
			return -1;
		}
	if (sysroots && ck_chain_add_system_roots(g.ctx, &err) != 0) {
		ck_warnx("%s", err.msg);
		return -1;
	}
	if (hashes != NULL && ck_chain_load_hashes(g.ctx, hashes, &err) < 0) {
		ck_warnx("'%s': %s", hashes, err.msg);
		return -1;
	}
	return 0;
}

static int
usage_error(const struct ck_err *e)
{
	if (e != NULL)
		ck_warnx("%s", e->msg);
	ck_opt_usage(&tool, stderr);
	return CK_UNKNOWN;
}

int
main(int argc, char **argv)
{
	struct ck_clock clk;
	struct ck_err err;
	char *bind_pw = NULL;
	int first;

	ck_tool_init("cert-chain");
	ck_chain_opts_init(&o);
	ck_err_clear(&err);
	g.jobs = sysconf(_SC_NPROCESSORS_ONLN);
	if (g.jobs < 1)
		g.jobs = 1;
	switch (ck_opt_parse(&tool, argc, argv, &first, NULL)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	if ((g.format = ck_format_option(format, NULL, stdout)) < 0)
		return usage_error(NULL);
	if (list_rules) {
		/* The registry (ck_ruledef.h): what ck_chain and ck_policy emit. */
		const struct ck_ruleset *sets[] = { ck_chain_ruleset(), ck_policy_ruleset("chain"),
			ck_policy_ruleset("amt"), NULL };

		if (ck_rules_list(stdout, sets, g.format == CK_FMT_TEXT) != 0)
			return CK_UNKNOWN;
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	}
	/* Chain records are kilobytes: a 4 KiB stdio buffer means one write() per record. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (amtver != NULL && policy == NULL) {
		ck_err_set(&err, CK_E_USAGE, "--amt-version needs --policy");
		return usage_error(&err);
	}
	if ((o.net.bind_dn != NULL) != (bind_pwfile != NULL)) {
		ck_err_set(&err, CK_E_USAGE, "--bind-dn and --bind-password-file go together");
		return usage_error(&err);
	}
	if (ck_clock_init(&clk, at, &err) != 0)
		return usage_error(&err);
	o.at = ck_clock_now(&clk);
	if (policy != NULL && ck_policy_load(&o.policy, policy, amtver, &err) != 0) {
		ck_warnx("--policy: %s", err.msg);
		return CK_UNKNOWN;
	}
	/* Command line options override the policy file. */
	if (maxca > 0)
		o.policy.max_ca_bits = maxca;
	if (minbits > 0)
		o.policy.min_bits = minbits;
	if (maxdepth > 0)
		o.policy.max_depth = maxdepth;
	if (nosha1)
		o.policy.sha1 = CK_CRITICAL;
	if (caalg != NULL)
		snprintf(o.policy.ca_key_alg, sizeof(o.policy.ca_key_alg), "%s", caalg);
	o.net.timeout_ms = timeout * 1000;

	if (bind_pwfile != NULL) {
		if ((bind_pw = ck_secret_from_file(bind_pwfile, &err)) == NULL) {
			ck_warnx("'%s': %s", bind_pwfile, err.msg);
			return CK_UNKNOWN;
		}
		o.net.bind_password = bind_pw;
	}
	ck_chain_fast_keys();
	o.user_policies = user_policies.v;
	o.n_user_policies = user_policies.n;
	if (crls.n > 0)
		o.crl_check = 1;
	if ((g.ctx = ck_chain_ctx_new(&o, &err)) == NULL) {
		ck_warnx("%s", err.msg);
		ck_secret_free(bind_pw);
		return CK_UNKNOWN;
	}
	/* Unusable trust material is a configuration error: nothing can be judged. */
	if (load_trust() != 0) {
		ck_chain_ctx_free(g.ctx);
		ck_secret_free(bind_pw);
		return CK_UNKNOWN;
	}
	g.progress = ck_progress_enabled();
	ck_load_opts_init(&g.lo);
	g.lo.fetch = o.net;
	/* The DER comes with each record (ck_load_source_der); chain records carry no pem. */
	g.lo.cert_flags = CK_CERT_NO_PEM;
	if (first == argc)
		read_stream(stdin, "stdin");
	for (; first < argc; first++) {
		struct item it;

		if (strcmp(argv[first], "-") == 0) {
			run_items();
			read_stream(stdin, "stdin");
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.file = argv[first];
		snprintf(it.source, sizeof(it.source), "%s", argv[first]);
		if (push_item(&it) != 0) {
			g.status = ck_status_worse(g.status, CK_UNKNOWN);
			continue;
		}
		g.ncand++;
	}
	run_items();
	if (g.progress && g.nprinted >= 1000)
		fputc('\n', stderr);
	free(g.items);
	ck_chain_ctx_free(g.ctx);
	ck_secret_free(bind_pw);
	ck_strv_release(&roots);
	ck_strv_release(&untrusted);
	ck_strv_release(&crls);
	return ck_close_stdout() != 0 ? ck_status_worse(g.status, CK_UNKNOWN) : g.status;
}
