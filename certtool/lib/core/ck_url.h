/*
 * ck_url: the one parser for network addresses a user or a document gives
 * a tool: "host:port", "[v6]:port", and URLs "scheme://host[:port]/rest"
 * (http, https, ldap, ldaps, tls, and any other scheme a caller allows).
 *
 * Contract, the same for every tool:
 *  - a port is decimal, 1 to 65535 (RFC 6335 section 6), with no sign,
 *    space or other character; 0 and 65536 or more are refused (strtol-style
 *    wrapping once turned tls://h:99999 into port 34463);
 *  - an IPv6 address is written in brackets ("[2001:db8::1]:443", RFC 3986
 *    section 3.2.2); hp->host holds it without the brackets;
 *  - a host is 1-255 bytes, none of them a control character, space, '/',
 *    '?', '#', '@', '[' or ']' (outside the brackets of an IPv6 literal);
 *  - userinfo ("user@host") is refused: certkit never takes credentials in
 *    a URL (secrets travel in files or the environment).
 * Errors are CK_E_USAGE with a message that does not repeat the input
 * (callers print "prog: 'INPUT': message").
 */
#ifndef CK_URL_H
#define CK_URL_H

#include <stddef.h>

#include "ck_err.h"

#define CK_URL_HOST_MAX 256

struct ck_hostport {
	char host[CK_URL_HOST_MAX];	/* no brackets; "" only with CK_URL_EMPTY_HOST */
	unsigned port;			/* 1-65535, or the default given (0 = none) */
	char port_str[8];		/* port in decimal ("" when port is 0) */
	int v6;				/* host was a bracketed IPv6 literal */
	int has_port;			/* the input named the port */
};

/* Flags for the parsers below. */
enum {
	CK_URL_EMPTY_HOST = 1,	/* "ldap:///dn": an empty host is allowed (library default) */
	CK_URL_NEED_PORT = 2,	/* the port must be written (tls://HOST:PORT) */
	CK_URL_NO_PORT = 4	/* a host alone: a written port is an error */
};

/*
 * Parses the port in s (len bytes, no NUL needed).  Returns 0 and sets
 * *port, or -1 (err: "port 'S' is not a number from 1 to 65535").
 */
int ck_port_parse(const char *s, size_t len, unsigned *port, struct ck_err *err);

/*
 * Parses "host[:port]" or "[v6][:port]" (the whole string).  default_port
 * (0 = none) applies when the port is not written; with CK_URL_NEED_PORT
 * or without a default, a missing port is an error.  Returns 0 or -1.
 */
int ck_hostport_parse(const char *s, unsigned default_port, int flags,
    struct ck_hostport *hp, struct ck_err *err);

/*
 * Parses a listening address "[ADDR:]PORT": a bare port ("9971", hp->host
 * ""), "ADDR:PORT" or "[V6]:PORT".  Port 0 is allowed here and means "any
 * free port" (the caller asks the socket which one it got).  ADDR is not
 * checked to be a literal; the caller's inet_pton does that.  Returns 0 or -1.
 */
int ck_listen_parse(const char *s, struct ck_hostport *hp, struct ck_err *err);

struct ck_url {
	char scheme[16];		/* lower case */
	struct ck_hostport hp;		/* port: written, else the scheme's default */
	const char *rest;		/* into the input: "/path?query", "?..." or "" */
};

/* 80, 443, 389, 636 for http, https, ldap, ldaps; 0 for others. */
unsigned ck_url_default_port(const char *scheme);

/*
 * Parses "scheme://authority[rest]".  schemes is a NULL-terminated list of
 * the schemes the caller handles (compared without case); any other is an
 * error ("unsupported URL scheme").  The port defaults to the scheme's
 * (ck_url_default_port) unless CK_URL_NEED_PORT.  Returns 0 or -1.
 */
int ck_url_parse(const char *url, const char *const *schemes, int flags,
    struct ck_url *u, struct ck_err *err);

#endif /* CK_URL_H */
