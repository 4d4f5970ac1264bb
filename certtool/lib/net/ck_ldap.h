/*
 * ck_ldap: an LDAP connection the way certkit wants it: ldap://, ldaps:// or
 * StartTLS; TLS verified by default (--cacert or the system roots, or
 * explicitly insecure); simple bind with a password or SASL GSSAPI; one
 * deadline for the whole handle (opts.timeout seconds from ck_ldap_open:
 * connect through ck_net_connect, a watchdog that shuts the socket down at
 * the deadline, as cert-read's ldap:// does); entries taken one at a time
 * as they arrive (max_entries holds then); referrals off; paged results (1000 per page,
 * control 1.2.840.113556.1.2.319 as AD expects); the SD_FLAGS control
 * 1.2.840.113556.1.4.801 for nTSecurityDescriptor; caps on message size
 * and entry count.  No globals; never prints.
 */
#ifndef CK_LDAP_H
#define CK_LDAP_H

#include <stddef.h>
#include <ldap.h>

#include "ck_err.h"

struct ck_ldap_opts {
	const char *uri;		/* ldap://host[:port] or ldaps://... */
	int starttls;			/* 1: StartTLS on ldap:// (required to succeed) */
	const char *cacert;		/* PEM file of trusted CAs; NULL: system roots */
	int insecure;			/* 1: do not verify the server certificate */
	const char *bind_dn;		/* NULL with password NULL: anonymous */
	const char *password;		/* borrowed; never copied or logged */
	int sasl_gssapi;		/* 1: SASL GSSAPI bind (Kerberos ticket) */
	int timeout;			/* seconds for the whole run, from ck_ldap_open on */
	size_t max_entries;		/* per search; 0 = 100000 */
	size_t max_message;		/* bytes per LDAP message; 0 = 16 MiB */
};

void ck_ldap_opts_init(struct ck_ldap_opts *o);

struct ck_ldap;

/*
 * Connects and binds.  Failures: CK_E_USAGE (bad URI), CK_E_NET
 * (unreachable, timeout), CK_E_TLS (handshake or verification), CK_E_AUTH
 * (credentials refused), CK_E_LDAP (other).  Returns NULL with err set.
 */
struct ck_ldap *ck_ldap_open(const struct ck_ldap_opts *o, struct ck_err *err);
void ck_ldap_close(struct ck_ldap *l);

/* The raw handle (for ldap_get_values_len on entries handed to a callback). */
LDAP *ck_ldap_handle(struct ck_ldap *l);

enum ck_ldap_flags {
	CK_LDAP_SD = 1 << 0,		/* send SD_FLAGS (owner+group+DACL) */
	CK_LDAP_NOPAGE = 1 << 1		/* no paged-results control (base reads, rootDSE) */
};

/* Called for every entry; return 0 to go on, -1 to stop (the search then fails). */
typedef int (*ck_ldap_entry_fn)(void *ctx, LDAP *ld, LDAPMessage *entry);

/*
 * Searches base with scope (LDAP_SCOPE_BASE/ONELEVEL/SUBTREE), calling fn
 * for each entry.  Referrals and references are skipped.  "No such object"
 * is success with no entries when missing_ok is set.  Returns the number of
 * entries, or -1 with err set (CK_E_LIMIT beyond max_entries).
 */
long ck_ldap_search(struct ck_ldap *l, const char *base, int scope, const char *filter,
    const char *const *attrs, unsigned flags, int missing_ok, ck_ldap_entry_fn fn,
    void *ctx, struct ck_err *err);

/*
 * First value of attr of the entry at dn (base scope) as a new malloc'd
 * string, or NULL (err set: CK_E_NOTFOUND when the entry or value is absent).
 * dn "" reads the rootDSE.
 */
char *ck_ldap_read_string(struct ck_ldap *l, const char *dn, const char *attr,
    struct ck_err *err);

/* RFC 4515 escaping of a value for a filter (binary safe).  New malloc'd string. */
char *ck_ldap_filter_escape(const unsigned char *v, size_t len);

#endif /* CK_LDAP_H */
