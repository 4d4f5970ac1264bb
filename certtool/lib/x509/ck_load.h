/*
 * ck_load: read certificates from anywhere (files, directories, stdin,
 * http(s)://, ldap(s)://, tls://host:port) and turn them into `cert`
 * records.  Shared by cert-read and every tool that accepts SOURCEs.
 */
#ifndef CK_LOAD_H
#define CK_LOAD_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_fetch.h"

/*
 * PKCS#12 files asking for more key-derivation rounds than this (MAC, PBE or
 * PBKDF2 iteration count) are refused before any derivation: an error record,
 * never minutes of CPU.  Real files use 2 000-10 000; OpenSSL's default is 2 048.
 */
#define CK_P12_MAX_ITER 4000000L

struct ck_load_opts {
	unsigned cert_flags;		/* enum ck_cert_flags */
	int recursive;			/* -r: descend into sub-directories */
	const char *password;		/* PKCS#12 password or NULL */
	long p12_max_iter;		/* CK_P12_MAX_ITER unless lowered (fuzzing) */
	const char *sni;		/* --sni for tls:// */
	struct ck_fetch_opts fetch;	/* timeouts, caps, TLS trust for network sources */
};

/* Called once per record produced (a `cert` or an `error`); steals rec. Return 0 to go on. */
typedef int (*ck_emit_fn)(void *ctx, json_t *rec);

void ck_load_opts_init(struct ck_load_opts *o);

/*
 * Loads one SOURCE ("-" for stdin).  Every certificate becomes a `cert`
 * record; every unreadable part becomes an `error` record passed to emit as
 * well (the source keeps going where it can, e.g. other files of a
 * directory).  Returns the number of error records emitted (0 = all good),
 * or -1 if emit asked to stop.
 */
int ck_load_source(const char *source, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx);

/*
 * Called once per record like ck_emit_fn (steals rec); der/len are the
 * certificate's DER for a `cert` record (borrowed: valid during the call
 * only), NULL/0 for an `error` record.  Return 0 to go on.
 */
typedef int (*ck_emit_der_fn)(void *ctx, json_t *rec, const unsigned char *der, size_t len);

/*
 * ck_load_source, handing each certificate's DER along with its record, so
 * a caller that needs both (cert-chain) neither re-encodes nor decodes the
 * record's pem.  Same records, same return convention.
 */
int ck_load_source_der(const char *source, const struct ck_load_opts *o,
    ck_emit_der_fn emit, void *ctx);

/*
 * Decodes a buffer holding PEM (any number of certificates, PKCS#7 blocks),
 * DER certificate, DER PKCS#7 or PKCS#12, or certkit records (JSON Lines: the
 * first non-blank byte is '{'; every record is emitted as it is, of any kind,
 * and a broken line as an error record).  type/uri describe the source.
 * Same return convention as ck_load_source.
 */
int ck_load_buffer(const unsigned char *buf, size_t len, const char *type,
    const char *uri, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx);

/* Reads a whole file (or "-" = stdin) up to max bytes.  *buf malloc'd. */
int ck_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
    struct ck_err *err);

/*
 * stdin as a tool reads it: records (a pipeline stage: the first
 * non-blank character is '{') or certificates (PEM, DER, PKCS#7, PKCS#12)
 * like any other SOURCE.  Records: *records = 1 and 0 is returned with
 * only the white space read, for the caller to read them one at a time
 * (ck_reader on fp).  Otherwise (*records = 0) all of fp, at most 256 MiB,
 * goes through ck_load_buffer (source "-", type stdin; an unreadable input
 * is an error record emitted), with ck_load_source's return convention;
 * empty input emits nothing.
 */
int ck_load_stdin(FILE *fp, const struct ck_load_opts *o, ck_emit_fn emit, void *ctx,
    int *records);

/* 1 when SOURCE is read by ck_load_net (tls://HOST:PORT). */
int ck_load_is_net(const char *source);

/*
 * Loads the network SOURCEs sources[0..n) (each ck_load_is_net) through the
 * event-driven engine (ck_net.h), up to jobs at once in one thread.  Emits
 * the same records as ck_load_source would for each source, in the order of
 * sources.  The per-source timeout is o->fetch.timeout_ms.  Same return
 * convention as ck_load_source (error records counted over all sources).
 */
int ck_load_net(char *const *sources, size_t n, long jobs, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx);

/*
 * Loads sources[0..n) (cert-read's run; ck_load_run.c) and emits their
 * records on the calling thread in the order of the sources, each source's
 * as ck_load_source would.  Runs of network sources (ck_load_is_net) go
 * through ck_load_net, jobs at once (0: CK_NET_CONCURRENCY_DEFAULT; fitted
 * to the open file limit by ck_net_jobs_fit, which is said once on stderr
 * when it lowers them); runs
 * of other sources are loaded by jobs worker threads (ck_pool; 0: 8, at most
 * CK_POOL_MAX_THREADS), their records held per source until their turn.
 * CERTKIT_NET_ENGINE=0 in the environment sends network sources through the
 * threads as well (libcurl for http(s), kept for comparison).  Returns the
 * number of error records emitted, or -1 if emit asked to stop.
 */
int ck_load_sources(char *const *sources, size_t n, long jobs, const struct ck_load_opts *o,
    ck_emit_fn emit, void *ctx);

#endif /* CK_LOAD_H */
