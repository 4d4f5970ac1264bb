/*
 * ck_fetch: bounded network access.  Every call has a timeout and a size
 * cap, and verifies TLS unless insecure is set explicitly.
 *
 * Common to every call (ck_fetch_*.c):
 *  - thread-safe: no shared state but libcurl's one-time global init;
 *    cert-read calls these from several threads (--jobs).
 *  - o may be NULL (defaults of ck_fetch_opts_init).
 *  - on failure a blob list is left as it was before the call (nothing
 *    half-added), *out is NULL; err->msg never repeats the source (callers
 *    print "prog: 'SOURCE': msg").
 *  - SIGPIPE from a peer that hangs up is blocked for the call's thread.
 *  - error codes: CK_E_USAGE bad URL/host/scheme; CK_E_NET refused,
 *    unresolvable, "timed out after N ms", HTTP status; CK_E_TLS handshake
 *    or verification; CK_E_AUTH bind refused; CK_E_LDAP other LDAP result;
 *    CK_E_NOTFOUND no such object / no value; CK_E_LIMIT size cap.
 */
#ifndef CK_FETCH_H
#define CK_FETCH_H

#include <stddef.h>

#include "ck_err.h"

#define CK_FETCH_TIMEOUT_MS 10000
#define CK_FETCH_MAX_BYTES (16u * 1024 * 1024)
#define CK_FETCH_USER_AGENT "certkit/0.1"

struct ck_fetch_opts {
	long timeout_ms;	/* whole operation */
	size_t max_bytes;	/* response cap */
	const char *cacert;	/* PEM file of trust anchors for https/ldaps, NULL = system */
	int insecure;		/* 1: do not verify server certificates (explicit --insecure) */
	const char *bind_dn;	/* LDAP simple bind DN, NULL = anonymous */
	const char *bind_password;
	/* HTTP only: */
	const char *http_header;	/* one extra request header "Name: value", or NULL */
	const char *http_user;		/* authenticate as this user (libcurl picks Basic, */
	const char *http_password;	/* NTLM or Negotiate from the challenge); NULL: none */
};

void ck_fetch_opts_init(struct ck_fetch_opts *o);

/* A list of binary blobs (e.g. the values of an LDAP attribute, a TLS chain). */
struct ck_blob {
	unsigned char *data;
	size_t len;
};
struct ck_blobs {
	struct ck_blob *v;
	size_t n, cap;
};
int ck_blobs_add(struct ck_blobs *b, const unsigned char *data, size_t len);
void ck_blobs_release(struct ck_blobs *b);

/*
 * HTTP(S) GET (or POST when body != NULL, with content_type).  Follows at
 * most 3 redirects; a status >= 400 is an error (CK_E_NET) whose message
 * has the status.  *out is malloc'd and NUL-terminated (not counted in *len).
 * status may be NULL.
 */
int ck_http(const char *url, const char *body, size_t body_len,
    const char *content_type, const struct ck_fetch_opts *o,
    unsigned char **out, size_t *len, long *status, struct ck_err *err);

/*
 * A GET of url whose first answer, a redirect to location, was received
 * elsewhere (the network engine): libcurl resolves location against url and
 * goes on from there as ck_http would have, with one of its redirects used,
 * the same rules and the same words.  *out as for ck_http.
 */
int ck_http_follow(const char *url, const char *location, const struct ck_fetch_opts *o,
    unsigned char **out, size_t *len, struct ck_err *err);

/*
 * The certificate chain a TLS server presents on host:port, in the order
 * sent, without verifying it (ingest is not validation).  sni may be NULL
 * (then host is used when it is a name, none for an IP literal).
 * host may be a name, an IPv4 or IPv6 literal, with or without [brackets];
 * port a number or service name.  timeout_ms bounds resolve + connect +
 * handshake together.  TLS 1.0-1.3 at security level 0, so that old AMT
 * firmware (SHA-1, 1024-bit RSA) is still recorded.  max_bytes caps the
 * total DER size.
 */
int ck_tls_chain(const char *host, const char *port, const char *sni,
    const struct ck_fetch_opts *o, struct ck_blobs *chain, struct ck_err *err);

/*
 * The values of the attribute named in an LDAP URL
 * (ldap[s]://host[:port]/DN?attr?scope?filter, RFC 4516), all entries, all
 * values.  The attribute is fetched as binary.
 * Defaults: scope base, filter (objectClass=*); at most 1000 entries
 * (more: CK_E_LIMIT).  Each attribute is requested plain and as
 * "attr;binary"; a value both return is kept once per entry.  A search
 * that yields no value at all is CK_E_NOTFOUND.  bind_dn without a
 * password is refused (CK_E_AUTH) before connecting: it would be an
 * unauthenticated bind.  Referrals are not followed.  timeout_ms bounds the
 * whole call (connect, TLS, bind, search).
 */
int ck_ldap_url_values(const char *url, const struct ck_fetch_opts *o,
    struct ck_blobs *values, struct ck_err *err);

#endif /* CK_FETCH_H */
