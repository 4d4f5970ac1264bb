/*
 * cert-amt: the device side of Intel AMT provisioning.  discover: which
 * hosts run AMT firmware, which version, state and certificate.  hello: the
 * provisioning server's Hello endpoint (or a captured message): which root
 * hashes a device trusts, and whether the provisioning chain's root is one
 * of them.  roots: which of these root certificates a device would accept.
 * See man/cert-amt.1.
 */
#include "ck_amt.h"
#include "ck_amt_run.h"
#include "ck_amt_trust.h"
#include "ck_err.h"
#include "ck_net.h"
#include "ck_opt.h"
#include "ck_policy.h"
#include "ck_ruledef.h"
#include "ck_tool.h"

enum { CMD_DISCOVER, CMD_HELLO, CMD_ROOTS };
#define DISCOVER (1u << CMD_DISCOVER)
#define HELLO (1u << CMD_HELLO)
#define ROOTS (1u << CMD_ROOTS)

static struct ck_amt_run r;	/* the options of every command write into it */
static const char *format;
static long timeout, rmcp_port = 623, retries = 3;
static int list_rules;

static const struct ck_opt opts[] = {
	{ .name = "ports", .arg = "PORT[/tls],...",
	    .desc = "web ports to probe (default 16992,16993)", .type = CK_OPT_PARSE,
	    .target = &r.d, .parse = ck_amt_ports_opt, .cmds = DISCOVER },
	{ .name = "rmcp", .desc = "also the RMCP presence ping (UDP 623)", .type = CK_OPT_FLAG,
	    .target = &r.d.rmcp, .cmds = DISCOVER },
	{ .name = "rmcp-port", .arg = "PORT", .desc = "the RMCP port (default 623)",
	    .type = CK_OPT_LONG, .target = &rmcp_port, .min = 1, .max = 65535,
	    .cmds = DISCOVER },
	{ .name = "retries", .arg = "N", .desc = "RMCP pings per host (default 3)",
	    .type = CK_OPT_LONG, .target = &retries, .min = 1, .max = 10,
	    .cmds = DISCOVER },
	{ .name = "all", .desc = "a record for hosts that are not AMT too, with why",
	    .type = CK_OPT_FLAG, .target = &r.d.all, .cmds = DISCOVER },
	{ .name = "jobs", .arg = "N",
	    .desc = "exchanges in flight (default " CK_NET_CONCURRENCY_DEFAULT_STR ")",
	    .type = CK_OPT_LONG, .target = &r.d.jobs, .min = 1, .max = 10000, .cmds = DISCOVER },
	{ .name = "listen", .arg = "[ADDR:]PORT", .desc = "serve Hello connections (AMT: 9971)",
	    .type = CK_OPT_STR, .target = &r.listen, .cmds = HELLO },
	{ .name = "decode", .arg = "FILE|-", .desc = "decode a captured message (raw or hex)",
	    .type = CK_OPT_STR, .target = &r.decode, .cmds = HELLO,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "count", .arg = "N", .desc = "stop after N connections",
	    .type = CK_OPT_LONG, .target = &r.lo.count, .min = 1, .max = 1000000000L, .cmds = HELLO },
	{ .name = "timeout", .arg = "SECONDS",
	    .desc = "per exchange (discover, default 5) or connection (hello, 10)",
	    .type = CK_OPT_LONG, .target = &timeout, .min = 1, .max = 3600,
	    .cmds = DISCOVER | HELLO },
	{ .name = "max-connections", .arg = "N", .desc = "open at once (default 1024)",
	    .type = CK_OPT_LONG, .target = &r.lo.max_conns, .min = 1, .max = 65536, .cmds = HELLO },
	{ .name = "provisioning-chain", .arg = "FILE",
	    .desc = "the provisioning certificate chain (PEM, DER, PKCS#12)", .type = CK_OPT_STR,
	    .target = &r.chain, .cmds = HELLO, .complete = CK_COMPLETE_FILE },
	{ .name = "password-file", .arg = "F", .desc = "PKCS#12 password from a file",
	    .type = CK_OPT_STR, .target = &r.pwfile, .cmds = HELLO,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "password-env", .arg = "VAR", .desc = "PKCS#12 password from a variable",
	    .type = CK_OPT_STR, .target = &r.pwenv, .cmds = HELLO },
	{ .name = "hello", .arg = "FILE", .desc = "a captured Hello message (raw or hex)",
	    .type = CK_OPT_STR, .target = &r.hello, .cmds = ROOTS, .required = ROOTS,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "roots", .arg = "DIR|FILE", .desc = "root certificates (repeatable)",
	    .type = CK_OPT_LIST, .target = &r.roots, .cmds = HELLO | ROOTS, .required = ROOTS,
	    .complete = CK_COMPLETE_FILE },
	CK_OPT_FORMAT(format),
	{ .name = "list-rules", .desc = "list every finding id cert-amt emits, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
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

int
main(int argc, char **argv)
{
	int first, cmd, status;

	ck_tool_init("cert-amt");
	ck_amt_run_init(&r);
	if ((status = ck_opt_start(&tool, argc, argv, &first, &cmd)) >= 0)
		return status;
	if ((r.out.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (list_rules) {
		const struct ck_ruleset *sets[] = { ck_amt_ruleset(), ck_amt_trust_ruleset(),
			ck_policy_ruleset("amt"), NULL };

		return ck_rules_list_stdout(sets, r.out.format);
	}
	if (timeout != 0)
		r.d.timeout_ms = r.lo.timeout_ms = timeout * 1000;
	r.d.rmcp_port = (unsigned)rmcp_port;
	r.d.tries = (int)retries;
	argc -= first;
	argv += first;
	if (cmd == CMD_DISCOVER && argc == 0) {
		ck_warnx("discover: give at least one HOST, CIDR, RANGE or @FILE");
		status = CK_UNKNOWN;
	} else if (cmd == CMD_HELLO && (r.listen == NULL) == (r.decode == NULL)) {
		ck_warnx("hello: give one of --listen or --decode");
		status = CK_UNKNOWN;
	} else if (cmd == CMD_DISCOVER) {
		status = ck_amt_run_discover(&r, argv, (size_t)argc);
	} else {
		status = cmd == CMD_HELLO ? ck_amt_run_hello(&r) : ck_amt_run_roots(&r);
	}
	ck_amt_run_release(&r);
	if (ck_close_stdout() != 0)
		status = ck_status_worse(status, CK_UNKNOWN);
	return status;
}
