/*
 * ck_amt_run: cert-amt(1)'s three commands over their inputs.  Each record
 * is printed as it is made (r->out: JSON Lines or ck_amt_print_text,
 * flushed, errors also on stderr) so a listener or a long scan shows its
 * results at once; a closed stdout stops the work.
 *
 *   static struct ck_amt_run r;
 *   ck_amt_run_init(&r);                 (defaults: discovery, listener)
 *   ... the option table writes into r's option fields ...
 *   r.out.format = fmt;
 *   status = ck_amt_run_discover(&r, hosts, n);   (or _hello, _roots)
 *   ck_amt_run_release(&r);
 *
 * The status is the worst of the findings (CK_OK..CK_CRITICAL) and
 * CK_UNKNOWN for any input that could not be read or judged.
 */
#ifndef CK_AMT_RUN_H
#define CK_AMT_RUN_H

#include <stddef.h>

#include "ck_amt.h"
#include "ck_amt_listen.h"
#include "ck_amt_trust.h"
#include "ck_opt.h"
#include "ck_tool.h"

struct ck_amt_run {
	struct ck_out out;		/* .format is the caller's; the rest ck_amt_run_init sets */
	/* discover */
	struct ck_amt_discover_opts d;
	/* hello: one of listen ("[ADDR:]PORT") or decode (a captured message, "-": stdin) */
	const char *listen, *decode;
	struct ck_amt_listen_opts lo;
	const char *chain;		/* the provisioning chain judged against each Hello, or NULL */
	const char *pwfile, *pwenv;	/* its PKCS#12 password, from a file or a variable */
	/* roots: the captured Hello judged against roots */
	const char *hello;
	struct ck_strv roots;		/* hello and roots: root certificates (names the hashes) */
	/* private */
	struct ck_amt_certs prov, named;
	struct ck_progress progress;
};

/* Sets the defaults (ck_amt_discover_opts_init, CK_AMT_LISTEN_MAX_CONNS, text output). */
void ck_amt_run_init(struct ck_amt_run *r);
/* Frees what the run loaded and r->roots. */
void ck_amt_run_release(struct ck_amt_run *r);

/*
 * discover: probes hosts[0..n) (HOST, CIDR, RANGE or @FILE, ck_amt_targets)
 * with ck_amt_discover and prints each host's records in input order;
 * targets that cannot be read become error records.  A progress line on a
 * terminal.  Returns the status.
 */
int ck_amt_run_discover(struct ck_amt_run *r, char *const *hosts, size_t n);

/*
 * hello: loads r->chain (with its password) and r->roots, then decodes
 * r->decode, or serves r->listen (ck_amt_listen_run with r->lo) until
 * r->lo.count connections; each message becomes an `amt_hello` record,
 * named and judged (ck_amt_hello_examine), or an error record.  A chain
 * or listener that cannot be set up is said on stderr.  Returns the status.
 */
int ck_amt_run_hello(struct ck_amt_run *r);

/*
 * roots: decodes r->hello and prints every certificate of r->roots marked
 * with the device hash it matches (ck_amt_trust_roots).  Returns CK_CRITICAL
 * when none matches (no root a device with this Hello would accept), else
 * the status.
 */
int ck_amt_run_roots(struct ck_amt_run *r);

#endif /* CK_AMT_RUN_H */
