/*
 * ck_err: how the library reports failure.
 *
 * Every library function that can fail returns -1 (or NULL) and fills a
 * caller-provided struct ck_err.  The library never exits, and below a
 * tool's run (ck_tool's ck_out/ck_report, the *_run modules) it never
 * prints: the run decides what to say and which exit status to use.
 */
#ifndef CK_ERR_H
#define CK_ERR_H

#include <stddef.h>

/* Exit status of every tool, monitoring-plugin compatible (Monitoring Plugins Development Guidelines; certkit-records(5)). */
enum ck_status {
	CK_OK = 0,
	CK_WARNING = 1,
	CK_CRITICAL = 2,
	CK_UNKNOWN = 3
};

/* Error classes; ck_err_code_name() gives the string used in `error` records. */
enum ck_errcode {
	CK_E_NONE = 0,
	CK_E_USAGE,	/* bad option or argument */
	CK_E_IO,	/* open/read/write failed */
	CK_E_PARSE,	/* input is not what it claims (DER, PEM, JSON, text) */
	CK_E_CRYPTO,	/* an OpenSSL operation failed */
	CK_E_PASSWORD,	/* wrong or missing password */
	CK_E_NET,	/* connect, resolve, timeout, HTTP status */
	CK_E_TLS,	/* TLS handshake or verification */
	CK_E_LDAP,	/* LDAP protocol or server error */
	CK_E_AUTH,	/* bind or credentials refused */
	CK_E_LIMIT,	/* size, depth or count cap exceeded */
	CK_E_NOMEM,
	CK_E_POLICY,	/* a request the policy refuses */
	CK_E_DB,	/* ledger (SQLite) error */
	CK_E_NOTFOUND	/* named object does not exist */
};

#define CK_ERR_MSG_MAX 512

struct ck_err {
	int code;			/* enum ck_errcode */
	char msg[CK_ERR_MSG_MAX];	/* lower case, no trailing newline */
};

/* Sets code and message; always returns -1 so callers can `return ck_err_set(...)`. */
int ck_err_set(struct ck_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Like ck_err_set, then appends ": " and the reason of the most recent
 * OpenSSL error (if any) and clears the OpenSSL error queue.  Returns -1.
 */
int ck_err_ssl(struct ck_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with "fmt: " (adds context). Returns -1. */
int ck_err_prefix(struct ck_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ck_err_clear(struct ck_err *e);

/*
 * msg without a leading "'subject': " (or "subject: ") naming subject again:
 * where a message is shown with its subject (stderr "prog: 'SUBJECT': msg",
 * an error record's source), a library layer that also named it would make
 * it appear twice.  Returns a pointer into msg (msg itself when it does not
 * start so).  subject may be NULL.
 */
const char *ck_err_unprefixed(const char *msg, const char *subject);

/* "usage", "io", "parse", ... : the `code` field of an `error` record. */
const char *ck_err_code_name(int code);

/* Worst of two statuses: CRITICAL > UNKNOWN > WARNING > OK. */
int ck_status_worse(int a, int b);

#endif /* CK_ERR_H */
