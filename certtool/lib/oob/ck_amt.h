/*
 * ck_amt: discovering Intel AMT devices and what they present.
 *
 * For each host (ck_amt_targets.h), over the event-driven engine (ck_net.h),
 * at most `jobs` exchanges in flight:
 *  - RMCP presence ping on UDP 623 (ck_amt_rmcp.h), retried: version,
 *    provisioning state, open ports;
 *  - HTTP GET / on the plain web port (16992): the `Server:` header
 *    "Intel(R) Active Management Technology A.B.C" gives the version
 *    (MeshCentral amtscanner.js getIntelAmtVersionFromHeaders);
 *  - TLS on 16993, with the same GET: the presented chain and the header.
 *    Old firmware may need TLS 1.0 and RSA key exchange: the handshake is
 *    retried so once (as MeshCentral does).
 * One `amt` record per host that answers as AMT (with `all`, one per host,
 * with why it is not), then the chain presented on the TLS port as `cert`
 * records with source tls://HOST:PORT; output in input order.  Findings:
 * a version below 3.2.1, and what the AMT policy (ck_policy.h, at the
 * device's version) says of the presented chain.
 */
#ifndef CK_AMT_H
#define CK_AMT_H

#include <stddef.h>
#include <jansson.h>

#include "ck_amt_targets.h"
#include "ck_err.h"
#include "ck_ruledef.h"

#define CK_AMT_HTTP_PORT 16992
#define CK_AMT_TLS_PORT 16993
#define CK_AMT_PORTS_MAX 4
#define CK_AMT_HEADER_MAX 16384		/* an HTTP header block longer than this is refused */
#define CK_AMT_MIN_VERSION "3.2.1"	/* ConfigMgr 2007's floor (TechNet cc161963) */

#define CK_AMT_RULE_VERSION_UNSUPPORTED "amt.version_unsupported"
#define CK_AMT_REF_VERSION "Overview of Out of Band Management in Configuration Manager " \
	"2007 (TechNet cc161963): AMT 3.2 with revision 3.2.1 or later, 4.0, 5.0"

/* The finding ids discovery emits itself (the chain's come from ck_policy). */
const struct ck_ruleset *ck_amt_ruleset(void);

/* An AMT firmware version from the HTTP Server header. */
struct ck_amt_version {
	int major, minor, build;
	char text[40];		/* "A.B.C" */
};

/*
 * Reads the AMT version from an HTTP response head (buf[0..len), the
 * status line and headers).  Returns 1 with v filled when the Server header
 * is "Intel(R) Active Management Technology A.B.C" (the first three
 * dot-separated integers), 0 with err saying why when the response is HTTP
 * but not AMT's (no Server header, another server, a version that is not
 * A.B.C), -1 with err set when it is not an HTTP response head at all
 * (garbled, or no end of headers within CK_AMT_HEADER_MAX bytes).
 */
int ck_amt_http_version(const unsigned char *buf, size_t len, struct ck_amt_version *v,
    struct ck_err *err);

/* One port to probe: plain HTTP or TLS. */
struct ck_amt_port {
	unsigned port;
	int tls;
};

/*
 * Parses "16992,16993": a comma-separated list of at most CK_AMT_PORTS_MAX
 * ports, each PORT, PORT/http or PORT/tls; a bare 16993 or 16995 is TLS,
 * any other bare port plain HTTP.  Returns the number of ports or -1
 * (CK_E_USAGE).
 */
int ck_amt_ports_parse(const char *s, struct ck_amt_port *ports, struct ck_err *err);

struct ck_amt_discover_opts {
	struct ck_amt_port ports[CK_AMT_PORTS_MAX];
	int nports;
	int rmcp;			/* 1: also the RMCP presence ping */
	unsigned rmcp_port;		/* default 623 */
	int tries;			/* RMCP datagrams per host (default 3) */
	int all;			/* 1: a record for hosts that are not AMT too */
	long jobs;			/* exchanges in flight (default CK_NET_CONCURRENCY_DEFAULT) */
	long timeout_ms;		/* per exchange (default 5000) */
	unsigned cert_flags;		/* enum ck_cert_flags */
	void (*tick)(void *ctx);	/* NULL, or called once per host probed (progress) */
};

void ck_amt_discover_opts_init(struct ck_amt_discover_opts *o);

/* --ports' parser (ck_opt.h CK_OPT_PARSE): ck_amt_ports_parse into target, a struct ck_amt_discover_opts. */
int ck_amt_ports_opt(const char *arg, void *target, struct ck_err *err);

/* Receives each record (steals it).  Return 0 to go on. */
typedef int (*ck_amt_emit_fn)(void *ctx, json_t *rec);

/*
 * Probes every host of t and emits its records in input order.  *status
 * gets the worst finding (CK_OK, CK_WARNING, CK_CRITICAL); a host that
 * does not answer is a result, never a failure.  Returns 0, or -1 with err
 * set when the engine could not run.
 */
int ck_amt_discover(const struct ck_amt_discover_opts *o, struct ck_amt_targets *t,
    ck_amt_emit_fn emit, void *ctx, int *status, struct ck_err *err);

#endif /* CK_AMT_H */
