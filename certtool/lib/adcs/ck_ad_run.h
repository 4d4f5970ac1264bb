/*
 * ck_ad_run: cert-ad(1)'s run.  Connects and binds with the tool's LDAP
 * options (ck_ldap_cli_open), reads what r->what selects (ck_ad_read) and
 * each principal's groups (ck_ad_principal), and prints every record as it
 * comes: JSON Lines, or ck_ad_print_text (struct ck_out: an `error` record
 * is also said on stderr, and in text only there).
 *
 *   struct ck_ad_run r = { .lc = &lc, .what = CK_AD_ALL, .format = fmt, ... };
 *   status = ck_ad_run(&r);
 */
#ifndef CK_AD_RUN_H
#define CK_AD_RUN_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "ck_ad.h"
#include "ck_ldap_cli.h"

struct ck_ad_run {
	struct ck_ldap_cli *lc;		/* the LDAP options, parsed */
	const char *base;		/* the configuration naming context; NULL: the rootDSE's */
	unsigned what;			/* enum ck_ad_what bits; 0: principals only */
	const char *const *templates;	/* only these templates (none: all) */
	size_t ntemplates;
	const char *const *principals;	/* a `principal` record for each */
	size_t nprincipals;
	int format;			/* CK_FMT_JSON or CK_FMT_TEXT */
};

/*
 * Returns the exit status: CK_OK, or CK_UNKNOWN when the directory could
 * not be read (connect, bind, the configuration context: reported, with an
 * error record in JSON), a part of it or a principal could not be read
 * (error records), or stdout failed.  An inconsistent set of LDAP options
 * (ck_ldap_cli_open's CK_E_USAGE) is said on stderr alone.
 */
int ck_ad_run(const struct ck_ad_run *r);

/*
 * One record for people (--format text): a template with its EKUs, flags,
 * signatures, CAs and ACL; a CA and its templates; a certificate, CRL,
 * principal and its groups, forest, or OID on one line.  Directory values
 * are escaped (ck_textf).  Other kinds print nothing.
 */
void ck_ad_print_text(FILE *fp, const json_t *rec);

#endif /* CK_AD_RUN_H */
