/*
 * ck_tool: what every tool main shares: its name, --version, reporting
 * errors (one stderr line + an `error` record), secrets, output format.
 * With the *_run modules (a tool's run over its inputs) it is where the
 * library prints, only where the caller says; nothing below them prints.
 */
#ifndef CK_TOOL_H
#define CK_TOOL_H

#include <stdio.h>
#include <jansson.h>

#include "ck_err.h"

#define CK_VERSION "0.1.0"

/* Sets the program name used in messages (basename of argv[0] or a literal). */
void ck_tool_init(const char *prog);
const char *ck_prog(void);

/*
 * For a tool (or command) that uses OpenSSL only on local keys and
 * certificates, never for TLS: initialises OpenSSL without reading its
 * configuration file (openssl.cnf: providers, TLS policy; OPENSSL_CONF)
 * and without its exit-time cleanup (the process ends anyway), with a
 * Hash_DRBG (SHA-256) as its random generator, and without the table of
 * legacy cipher names (EVP_get_cipherbyname finds nothing, and PKCS #8
 * encryption no cipher's object identifier: ck_key_ciphers registers the
 * ones keys are encrypted with; ck_key_read_pem does so for an encrypted
 * key).  Call it before any other OpenSSL call;
 * 0, or -1 when OpenSSL could not start.
 */
int ck_tool_crypto_local(void);

/* Prints "prog version" to stdout. */
void ck_print_version(void);

/*
 * "prog: message" on stderr (message formatted, no trailing newline needed).
 * Control characters and terminal escapes in the message are escaped
 * (ck_text.h): one call is one line.
 */
void ck_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "prog: 'source': msg" (or "prog: msg" when source is NULL), escaped likewise. */
void ck_warn_at(const char *source, const char *msg);

/*
 * Reports a failed input: "prog: 'source': message" on stderr and an `error`
 * record on out (out may be NULL for text output).
 */
void ck_report(FILE *out, const char *source, const struct ck_err *e);

/* An `error` record said on stderr as ck_warn_at does ("-" for a missing source or message). */
void ck_warn_record(const json_t *rec);

/*
 * A tool's stream of records on stdout: JSON Lines (CK_FMT_JSON), or each
 * record through .text (CK_FMT_TEXT).  An `error` record is also said on
 * stderr (ck_warn_record) and makes the status CK_UNKNOWN; in text it is
 * only said there.
 *
 *   struct ck_out o = { .format = fmt, .text = ck_amt_print_text };
 *   if (ck_out_put(&o, rec) < 0) stop producing;
 *   status = ck_status_worse(status, o.status);
 */
struct ck_out {
	int format;			/* CK_FMT_JSON or CK_FMT_TEXT */
	void (*text)(FILE *fp, const json_t *rec);	/* prints one record that is not an error */
	int flush;			/* 1: stdout is flushed after each record (output that streams) */
	/* results */
	int status;			/* CK_OK; CK_UNKNOWN after an error record or a failed write */
	unsigned long errors;		/* error records put */
};

/*
 * Puts rec (steals it).  Returns 0, or -1 when stdout could not be written
 * (a closed pipe, a full disk): there is no point in producing more.
 */
int ck_out_put(struct ck_out *o, json_t *rec);

/*
 * Reads a secret from a file or an environment variable: every tool's
 * --*-password-file is this one rule.  From a file, the secret is the first
 * line, without its line end (LF or CRLF); the rest of the file is ignored;
 * a first line longer than CK_SECRET_MAX bytes is an error.  From the
 * environment, the whole value.  The result is malloc'd; release it with
 * ck_secret_free(), which wipes it.
 */
#define CK_SECRET_MAX 4096
char *ck_secret_from_file(const char *path, struct ck_err *err);

/*
 * 0 when secret is non-empty, else -1 with CK_E_PASSWORD "WHAT is empty".
 * For secrets that protect something new (a CA key to be encrypted): an
 * empty one would protect nothing.
 */
int ck_secret_require(const char *secret, const char *what, struct ck_err *err);
char *ck_secret_from_env(const char *var, struct ck_err *err);
void ck_secret_free(char *s);

enum ck_format { CK_FMT_JSON = 0, CK_FMT_TEXT = 1 };

/*
 * The --format option, the same for every tool: names lists the accepted
 * values (NULL: json and text, CK_FMT_JSON and CK_FMT_TEXT); the result is
 * the index of name in names.  name NULL: "text" on a terminal (when
 * listed), else the first name.  Anything else prints the one message
 * "prog: --format: 'NAME': use json, text or ..." on stderr and returns
 * -1 (the caller prints its usage and exits 3).
 */
int ck_format_option(const char *name, const char *const *names, FILE *out);

/* Non-zero when progress lines may be shown (stderr is a terminal). */
int ck_progress_enabled(void);

/*
 * A progress line on stderr ("\rcert-read: 12000 certificates"), shown
 * only when stderr is a terminal, never in pipes; updated every 1000
 * items.  Embedded: ck_progress_init, then ck_progress_tick per item,
 * ck_progress_done at the end (ends the line if one was shown).
 */
struct ck_progress {
	int on;
	unsigned long n;
	const char *noun;
};
void ck_progress_init(struct ck_progress *p, const char *noun);
void ck_progress_tick(struct ck_progress *p);
void ck_progress_done(struct ck_progress *p);

/*
 * Flushes and closes stdout; returns -1 (and warns) if anything was lost.
 * Later calls return the first call's result (stdout stays closed).
 */
int ck_close_stdout(void);

#endif /* CK_TOOL_H */
