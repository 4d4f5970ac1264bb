/*
 * cert-amt: the device side of Intel AMT provisioning.  discover: which
 * hosts run AMT firmware, which version, state and certificate.  hello: the
 * provisioning server's Hello endpoint (or a captured message): which root
 * hashes a device trusts, and whether the provisioning chain's root is one
 * of them.  roots: which of these root certificates a device would accept.
 * See man/cert-amt.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_amt.h"
#include "ck_amt_hello.h"
#include "ck_amt_listen.h"
#include "ck_amt_targets.h"
#include "ck_amt_text.h"
#include "ck_amt_trust.h"
#include "ck_err.h"
#include "ck_load.h"
#include "ck_net.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_policy.h"
#include "ck_record.h"
#include "ck_tool.h"

enum { CMD_DISCOVER, CMD_HELLO, CMD_ROOTS };
#define DISCOVER (1u << CMD_DISCOVER)
#define HELLO (1u << CMD_HELLO)
#define ROOTS (1u << CMD_ROOTS)

static struct {
	const char *listen, *decode, *chain, *pwfile, *pwenv, *hello, *format;
	struct ck_strv roots;
	long count, timeout, max_conns, rmcp_port, retries;
	int fmt, status, list_rules;
	struct ck_amt_certs prov, named;
	struct ck_amt_discover_opts d;
	struct ck_progress progress;
} cfg = { .max_conns = CK_AMT_LISTEN_MAX_CONNS, .rmcp_port = 623,
	.retries = 3 };

static int
parse_ports(const char *arg, void *target, struct ck_err *err)
{
	struct ck_amt_discover_opts *d = target;
	int n = ck_amt_ports_parse(arg, d->ports, err);

	if (n < 0)
		return -1;
	d->nports = n;
	return 0;
}

static const struct ck_opt opts[] = {
	{ .name = "ports", .arg = "PORT[/tls],...",
	    .desc = "web ports to probe (default 16992,16993)", .type = CK_OPT_PARSE,
	    .target = &cfg.d, .parse = parse_ports, .cmds = DISCOVER },
	{ .name = "rmcp", .desc = "also the RMCP presence ping (UDP 623)", .type = CK_OPT_FLAG,
	    .target = &cfg.d.rmcp, .cmds = DISCOVER },
	{ .name = "rmcp-port", .arg = "PORT", .desc = "the RMCP port (default 623)",
	    .type = CK_OPT_LONG, .target = &cfg.rmcp_port, .min = 1, .max = 65535,
	    .cmds = DISCOVER },
	{ .name = "retries", .arg = "N", .desc = "RMCP pings per host (default 3)",
	    .type = CK_OPT_LONG, .target = &cfg.retries, .min = 1, .max = 10,
	    .cmds = DISCOVER },
	{ .name = "all", .desc = "a record for hosts that are not AMT too, with why",
	    .type = CK_OPT_FLAG, .target = &cfg.d.all, .cmds = DISCOVER },
	{ .name = "jobs", .arg = "N",
	    .desc = "exchanges in flight (default " CK_NET_CONCURRENCY_DEFAULT_STR ")",
	    .type = CK_OPT_LONG, .target = &cfg.d.jobs, .min = 1, .max = 10000, .cmds = DISCOVER },
	{ .name = "listen", .arg = "[ADDR:]PORT", .desc = "serve Hello connections (AMT: 9971)",
	    .type = CK_OPT_STR, .target = &cfg.listen, .cmds = HELLO },
	{ .name = "decode", .arg = "FILE|-", .desc = "decode a captured message (raw or hex)",
	    .type = CK_OPT_STR, .target = &cfg.decode, .cmds = HELLO,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "count", .arg = "N", .desc = "stop after N connections",
	    .type = CK_OPT_LONG, .target = &cfg.count, .min = 1, .max = 1000000000L, .cmds = HELLO },
	{ .name = "timeout", .arg = "SECONDS",
	    .desc = "per exchange (discover, default 5) or connection (hello, 10)",
	    .type = CK_OPT_LONG, .target = &cfg.timeout, .min = 1, .max = 3600,
	    .cmds = DISCOVER | HELLO },
	{ .name = "max-connections", .arg = "N", .desc = "open at once (default 1024)",
	    .type = CK_OPT_LONG, .target = &cfg.max_conns, .min = 1, .max = 65536, .cmds = HELLO },
	{ .name = "provisioning-chain", .arg = "FILE",
	    .desc = "the provisioning certificate chain (PEM, DER, PKCS#12)", .type = CK_OPT_STR,
	    .target = &cfg.chain, .cmds = HELLO, .complete = CK_COMPLETE_FILE },
	{ .name = "password-file", .arg = "F", .desc = "PKCS#12 password from a file",
	    .type = CK_OPT_STR, .target = &cfg.pwfile, .cmds = HELLO,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "password-env", .arg = "VAR", .desc = "PKCS#12 password from a variable",
	    .type = CK_OPT_STR, .target = &cfg.pwenv, .cmds = HELLO },
	{ .name = "hello", .arg = "FILE", .desc = "a captured Hello message (raw or hex)",
	    .type = CK_OPT_STR, .target = &cfg.hello, .cmds = ROOTS, .required = ROOTS,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "roots", .arg = "DIR|FILE", .desc = "root certificates (repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.roots, .cmds = HELLO | ROOTS, .required = ROOTS,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "format", .arg = "json|text", .desc = "output format", .type = CK_OPT_STR,
	    .target = &cfg.format, .complete = "json text" },
	{ .name = "list-rules", .desc = "list every finding id cert-amt emits, and exit",
	    .type = CK_OPT_FLAG, .target = &cfg.list_rules },
	{ .name = NULL }
};

static const struct ck_cmd cmds[] = {
	[CMD_DISCOVER] = { .name = "discover", .operands = "HOST|CIDR|RANGE|@FILE ...",
	    .desc = "which hosts run AMT: version, state, ports, TLS certificate" },
	[CMD_HELLO] = { .name = "hello", .operands = "",
	    .desc = "the provisioning server's Hello endpoint, or a captured message" },
	[CMD_ROOTS] = { .name = "roots", .operands = "",
	    .desc = "which of these root certificates a device would accept" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-amt", .opts = opts, .cmds = cmds };

/*
 * Writes a record (steals it); `error` records also go to stderr.  Returns
 * -1 once standard output is gone (a closed pipe): there is no point in
 * probing on.
 */
static int
put(json_t *rec)
{
	struct ck_err e;

	if (ck_record_is(rec, "error")) {
		ck_warnx("'%s': %s", json_string_value(json_object_get(rec, "source")),
		    json_string_value(json_object_get(rec, "message")));
		cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
	}
	if (cfg.fmt == CK_FMT_JSON)
		ck_record_write(stdout, rec, &e);
	else
		ck_amt_print_text(stdout, rec);
	json_decref(rec);
	return fflush(stdout) != 0 || ferror(stdout) ? -1 : 0;
}

static void
put_errors(const struct ck_amt_certs *c)
{
	size_t i;
	json_t *e;

	json_array_foreach(c->errors, i, e)
		put(json_incref(e));
}

/* One Hello (from the listener or a file): decoded, judged, printed. */
static int
hello_one(void *ctx, const char *peer, int port, const unsigned char *msg, size_t len,
    const struct ck_err *why)
{
	char src[128];
	json_t *rec;

	(void)ctx;
	if (port > 0)
		snprintf(src, sizeof(src), "%s:%d", peer, port);
	else
		snprintf(src, sizeof(src), "%s", peer);
	if (why != NULL)
		rec = ck_error_record_err(src, why);
	else
		rec = ck_amt_hello_examine(msg, len, src, port > 0 ? peer : NULL,
		    cfg.chain ? &cfg.prov : NULL, &cfg.named, &cfg.status);
	if (rec == NULL)
		return -1;
	return put(rec);
}

static long
load_certs(struct ck_amt_certs *c, const char *source, const char *password)
{
	long n = ck_amt_certs_load(c, source, password);

	put_errors(c);
	json_array_clear(c->errors);
	return n;
}

static int
cmd_hello(int argc __attribute__((unused)), char **argv __attribute__((unused)))
{
	struct ck_amt_listen_opts lo = { cfg.count, (cfg.timeout ? cfg.timeout : 10) * 1000,
		cfg.max_conns };
	struct ck_amt_listener *l;
	struct ck_err err;
	unsigned char *buf;
	size_t len;
	char *pw = NULL;

	if ((cfg.listen == NULL) == (cfg.decode == NULL)) {
		ck_warnx("hello: give one of --listen or --decode");
		return CK_UNKNOWN;
	}
	if (cfg.pwfile && (pw = ck_secret_from_file(cfg.pwfile, &err)) == NULL)
		goto fail;
	if (cfg.pwenv && (pw = ck_secret_from_env(cfg.pwenv, &err)) == NULL)
		goto fail;
	if (cfg.chain && load_certs(&cfg.prov, cfg.chain, pw) < 0)
		goto nomem;
	ck_secret_free(pw);
	pw = NULL;	/* the failure paths below free it again */
	for (size_t i = 0; i < cfg.roots.n; i++)
		if (load_certs(&cfg.named, cfg.roots.v[i], NULL) < 0)
			goto nomem;
	if (cfg.decode != NULL) {
		if (ck_amt_hello_read(cfg.decode, &buf, &len, &err) != 0) {
			put(ck_error_record_err(cfg.decode, &err));
			return cfg.status;
		}
		hello_one(NULL, cfg.decode, 0, buf, len, NULL);
		free(buf);
		return cfg.status;
	}
	if ((l = ck_amt_listen_open(cfg.listen, &err)) == NULL)
		goto fail;
	if (ck_amt_listen_run(l, &lo, hello_one, NULL, &err) < 0) {
		ck_amt_listen_close(l);
		goto fail;
	}
	ck_amt_listen_close(l);
	return cfg.status;
nomem:
	ck_err_set(&err, CK_E_NOMEM, "out of memory");
fail:
	ck_secret_free(pw);
	ck_warnx("%s", err.msg);
	return CK_UNKNOWN;
}

static int
cmd_roots(int argc __attribute__((unused)), char **argv __attribute__((unused)))
{
	static struct ck_amt_hello h;
	struct ck_err err;
	size_t i, matched;
	json_t *rec;

	if (ck_amt_hello_load(cfg.hello, &h, &err) != 0) {
		put(ck_error_record_err(cfg.hello, &err));
		return CK_UNKNOWN;
	}
	for (i = 0; i < cfg.roots.n; i++)
		if (load_certs(&cfg.named, cfg.roots.v[i], NULL) < 0) {
			ck_warnx("out of memory");
			return CK_UNKNOWN;
		}
	matched = ck_amt_trust_roots(&h, &cfg.named);
	json_array_foreach(cfg.named.recs, i, rec)
		put(json_incref(rec));
	/* The buyer's question: is any of these roots good for this device? */
	return ck_status_worse(cfg.status, matched > 0 ? CK_OK : CK_CRITICAL);
}

static int
emit_discovered(void *ctx, json_t *rec)
{
	(void)ctx;
	return put(rec);
}

static void
tick(void *ctx)
{
	(void)ctx;
	ck_progress_tick(&cfg.progress);
}

static int
cmd_discover(int argc, char **argv)
{
	json_t *errors = json_array(), *e;
	struct ck_amt_targets *t;
	struct ck_err err;
	int status = CK_OK;
	size_t i;

	if (argc == 0) {
		ck_warnx("discover: give at least one HOST, CIDR, RANGE or @FILE");
		return CK_UNKNOWN;
	}
	if (errors == NULL || (t = ck_amt_targets_new(argv, (size_t)argc, errors)) == NULL) {
		json_decref(errors);
		ck_warnx("out of memory");
		return CK_UNKNOWN;
	}
	json_array_foreach(errors, i, e)
		put(json_incref(e));
	json_decref(errors);
	cfg.d.rmcp_port = (unsigned)cfg.rmcp_port;
	cfg.d.tries = (int)cfg.retries;
	cfg.d.timeout_ms = cfg.timeout ? cfg.timeout * 1000 : cfg.d.timeout_ms;
	cfg.d.tick = tick;
	{
		struct ck_err why;
		long want = cfg.d.jobs;

		if ((cfg.d.jobs = ck_net_jobs_fit(want, &why)) < want)
			ck_warnx("%s", why.msg);
	}
	ck_progress_init(&cfg.progress, "hosts");
	if (ck_amt_discover(&cfg.d, t, emit_discovered, NULL, &status, &err) != 0) {
		if (!ferror(stdout))	/* a closed pipe is said once, by ck_close_stdout */
			ck_warnx("%s", err.msg);
		status = CK_UNKNOWN;
	}
	ck_progress_done(&cfg.progress);
	ck_amt_targets_free(t);
	return ck_status_worse(status, cfg.status);
}

static int (*const run[])(int argc, char **argv) = {
	[CMD_DISCOVER] = cmd_discover,
	[CMD_HELLO] = cmd_hello,
	[CMD_ROOTS] = cmd_roots,
};

int
main(int argc, char **argv)
{
	int first, cmd, status;

	ck_tool_init("cert-amt");
	ck_amt_discover_opts_init(&cfg.d);
	if ((status = ck_opt_start(&tool, argc, argv, &first, &cmd)) >= 0)
		return status;
	if ((cfg.fmt = ck_format_option(cfg.format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (cfg.list_rules) {
		const struct ck_ruleset *sets[] = { ck_amt_ruleset(), ck_amt_trust_ruleset(),
			ck_policy_ruleset("amt"), NULL };

		status = ck_rules_list(stdout, sets, cfg.fmt) == 0 ? CK_OK : CK_UNKNOWN;
		return ck_close_stdout() != 0 ? CK_UNKNOWN : status;
	}
	ck_amt_certs_init(&cfg.prov);
	ck_amt_certs_init(&cfg.named);
	status = run[cmd](argc - first, argv + first);
	ck_amt_certs_release(&cfg.prov);
	ck_amt_certs_release(&cfg.named);
	ck_strv_release(&cfg.roots);
	if (ck_close_stdout() != 0)
		status = ck_status_worse(status, CK_UNKNOWN);
	return status;
}
