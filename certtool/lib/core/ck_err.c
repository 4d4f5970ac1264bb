#include "ck_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

static void
vset(struct ck_err *e, int code, const char *fmt, va_list ap)
{
	if (e == NULL)
		return;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

int
ck_err_set(struct ck_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

int
ck_err_ssl(struct ck_err *e, int code, const char *fmt, ...)
{
	va_list ap;
	unsigned long l;
	const char *reason;
	size_t n;

	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	l = ERR_peek_last_error();
	if (e != NULL && l != 0) {
		reason = ERR_reason_error_string(l);
		n = strlen(e->msg);
		if (reason != NULL && n + 2 < sizeof(e->msg))
			snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", reason);
	}
	ERR_clear_error();
	return -1;
}

int
ck_err_prefix(struct ck_err *e, const char *fmt, ...)
{
	char old[CK_ERR_MSG_MAX], pre[CK_ERR_MSG_MAX];
	size_t n, rest;
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* Truncation is fine here: the message is for people. */
	n = strlen(pre);
	if (n > sizeof(e->msg) - 3)
		n = sizeof(e->msg) - 3;
	memcpy(e->msg, pre, n);
	memcpy(e->msg + n, ": ", 2);
	n += 2;
	rest = strlen(old);
	if (rest > sizeof(e->msg) - 1 - n)
		rest = sizeof(e->msg) - 1 - n;
	memcpy(e->msg + n, old, rest);
	e->msg[n + rest] = '\0';
	return -1;
}

const char *
ck_err_unprefixed(const char *msg, const char *subject)
{
	size_t n;

	if (msg == NULL || subject == NULL || *subject == '\0')
		return msg;
	n = strlen(subject);
	/* Repeated: a library layer prefixed what the caller names anyway. */
	while (msg[0] == '\'' && strncmp(msg + 1, subject, n) == 0 && msg[n + 1] == '\'' &&
	    msg[n + 2] == ':' && msg[n + 3] == ' ')
		msg += n + 4;
	while (strncmp(msg, subject, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	return msg;
}

void
ck_err_clear(struct ck_err *e)
{
	if (e == NULL)
		return;
	e->code = CK_E_NONE;
	e->msg[0] = '\0';
}

const char *
ck_err_code_name(int code)
{
	static const char *const names[] = {
		[CK_E_NONE] = "none",
		[CK_E_USAGE] = "usage",
		[CK_E_IO] = "io",
		[CK_E_PARSE] = "parse",
		[CK_E_CRYPTO] = "crypto",
		[CK_E_PASSWORD] = "password",
		[CK_E_NET] = "net",
		[CK_E_TLS] = "tls",
		[CK_E_LDAP] = "ldap",
		[CK_E_AUTH] = "auth",
		[CK_E_LIMIT] = "limit",
		[CK_E_NOMEM] = "nomem",
		[CK_E_POLICY] = "policy",
		[CK_E_DB] = "db",
		[CK_E_NOTFOUND] = "not_found",
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]) ||
	    names[code] == NULL)
		return "unknown";
	return names[code];
}

int
ck_status_worse(int a, int b)
{
	/* Rank: OK 0, WARNING 1, UNKNOWN 2, CRITICAL 3. */
	static const int rank[] = { 0, 1, 3, 2 };

	if (a < CK_OK || a > CK_UNKNOWN)
		a = CK_UNKNOWN;
	if (b < CK_OK || b > CK_UNKNOWN)
		b = CK_UNKNOWN;
	return rank[a] >= rank[b] ? a : b;
}
