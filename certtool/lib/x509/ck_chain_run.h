/*
 * ck_chain_run: cert-chain(1)'s run.  Records read from a stream are
 * grouped into candidate chains (ck_group), FILE arguments are loaded and
 * grouped with their DER (ck_group_der); every candidate is checked with
 * ck_chain_check on worker threads (ck_pool) and printed in input order
 * (JSON Lines, or ck_chain_print_text), with each error also said on
 * stderr.  The URLs a batch needs (AIA, CRLs, OCSP) are fetched ahead, all
 * at once, before its checks (ck_chain_prefetch in ck_chain.h).  Records of other kinds pass through in place.
 *
 *   struct ck_chain_run *r = ck_chain_run_new(ctx, &lo, format, jobs);
 *   ck_chain_run_stream(r, stdin, "stdin");   or ck_chain_run_file(r, path)
 *   status = ck_chain_run_end(r);
 *
 * Candidates are checked in batches (of 512 from a stream); FILE arguments
 * are checked together at the next stream or at the end.  ctx and lo must
 * outlive the run.  A tty on stderr shows progress every 1000 chains.
 */
#ifndef CK_CHAIN_RUN_H
#define CK_CHAIN_RUN_H

#include <stdio.h>

#include "ck_chain.h"
#include "ck_load.h"

struct ck_chain_run;

/*
 * format: CK_FMT_JSON or CK_FMT_TEXT; jobs (--jobs): worker threads (at
 * most CK_POOL_MAX_THREADS) and URLs fetched at once by the prefetch; 0:
 * the CPUs and CK_NET_CONCURRENCY_DEFAULT.  The prefetch (ck_chain_prefetch,
 * per batch, through the event-driven engine) is on when checks may fetch
 * and CERTKIT_NET_ENGINE is not "0" (then each check fetches what it needs
 * itself, one URL at a time, through libcurl, as before the engine).
 * NULL: out of memory.
 */
struct ck_chain_run *ck_chain_run_new(struct ck_chain_ctx *ctx, const struct ck_load_opts *lo,
    int format, long jobs);
/* Reads JSON Lines records from fp (name for messages) to its end, checking and printing them. */
void ck_chain_run_stream(struct ck_chain_run *r, FILE *fp, const char *name);
/* Queues a FILE argument (certificates in any form ck_load reads). */
void ck_chain_run_file(struct ck_chain_run *r, const char *path);
/* Checks and prints what is queued, frees r; returns the worst status (CK_OK..CK_UNKNOWN). */
int ck_chain_run_end(struct ck_chain_run *r);

#endif /* CK_CHAIN_RUN_H */
