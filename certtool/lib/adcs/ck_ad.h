/*
 * ck_ad: AD CS configuration read from Active Directory as certkit records
 * (cert-ad): `template`, `ca`, `cert` (NTAuth, AIA), `crl` (CDP), `forest`
 * and `oid` (OID container), `principal` (tokenGroups).
 * No globals; never prints.
 */
#ifndef CK_AD_H
#define CK_AD_H

#include <stddef.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_ldap.h"
#include "ck_sd.h"

enum ck_ad_what {
	CK_AD_TEMPLATES = 1 << 0,
	CK_AD_CAS = 1 << 1,
	CK_AD_NTAUTH = 1 << 2,
	CK_AD_AIA = 1 << 3,
	CK_AD_CDP = 1 << 4,
	CK_AD_OIDS = 1 << 5,
	CK_AD_ALL = 0x3f
};

/* "templates,cas,ntauth,aia,cdp,oids" or "all" -> bits.  Returns 0 or -1 (CK_E_USAGE). */
int ck_ad_parse_what(const char *s, unsigned *what, struct ck_err *err);

/* Called for every record produced; steals rec.  Return 0 to go on. */
typedef int (*ck_ad_emit_fn)(void *ctx, json_t *rec);

struct ck_ad;

/*
 * A reader over a bound connection (borrowed; must outlive the reader).
 * config_dn: the configuration naming context, or NULL to read it from the
 * rootDSE.  uri is used in `source` fields.  Reads the domain's NetBIOS name
 * and SID for naming principals.  Returns NULL with err set.
 */
struct ck_ad *ck_ad_new(struct ck_ldap *l, const char *uri, const char *config_dn,
    struct ck_err *err);
void ck_ad_free(struct ck_ad *ad);

/*
 * Emits the records selected by what.  names (n entries) restricts
 * templates to those whose cn or displayName matches (case-insensitive).
 * A part that cannot be read or decoded becomes an `error` record and the
 * rest goes on.  Returns the number of error records emitted, or -1 when
 * emit asked to stop.
 */
int ck_ad_read(struct ck_ad *ad, unsigned what, const char *const *names, size_t n,
    ck_ad_emit_fn emit, void *ctx);

/*
 * A `principal` record for name (DOMAIN\sam, sam, sam without its '$', UPN or
 * SID) with its transitive groups from tokenGroups.  Returns a new
 * reference, or NULL with err set (CK_E_NOTFOUND when no such account).
 */
json_t *ck_ad_principal(struct ck_ad *ad, const char *name, struct ck_err *err);

/* Resolver for SID display names; may return NULL (unknown). */
typedef const char *(*ck_sid_name_fn)(void *ctx, const char *sid);

/*
 * The `acl` array and `owner` object of a template from a binary security
 * descriptor: one entry per ACE that applies to the object itself (not
 * inherit-only) {sid, name, allow, rights[], object_type?, inherited}, deny
 * ACEs first as Windows orders them.  names may be NULL.  Returns 0 (the
 * caller owns *acl and *owner) or -1 (CK_E_PARSE).
 */
int ck_ad_acl_json(const unsigned char *sd, size_t len, ck_sid_name_fn names, void *nctx,
    json_t **acl, json_t **owner, struct ck_err *err);

#endif /* CK_AD_H */
