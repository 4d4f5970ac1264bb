/*
 * ck_site: what cert-prereq reads from Active Directory over LDAP: the AD
 * CS objects (through ck_ad, as cert-ad reads them), the site server's and
 * service point's accounts with their groups, the forest's domains
 * (crossRef objects), the out of band container in each AMT domain with its
 * security descriptor, and the AMT computers' names.  Fills a struct
 * ck_prereq.  No globals; never prints.
 */
#ifndef CK_SITE_H
#define CK_SITE_H

#include <stddef.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_ldap.h"
#include "ck_prereq.h"

struct ck_site_opts {
	const char *uri;		/* for `source` fields and messages */
	const char *container;		/* DN, or a path relative to the domain ("OU=AMT") */
	const char *const *amt_domains;	/* DNS names; none: every domain of the forest */
	size_t n_amt_domains;
	const char *computers_ou;	/* AMT computers: the computer objects under this DN */
	int want_hosts;			/* 1: collect AMT host names from the directory */
};

/*
 * Reads the site through l (bound).  Every part that cannot be read is
 * recorded in p (the *_why fields, a container's state -1) and, when it is
 * an input failure, appended to errors as an `error` record; the other
 * parts go on.  Returns 0, or -1 with err set when nothing could be read
 * (no rootDSE).
 */
int ck_site_read(struct ck_prereq *p, struct ck_ldap *l, const struct ck_site_opts *so,
    json_t *errors, struct ck_err *err);

#endif /* CK_SITE_H */
