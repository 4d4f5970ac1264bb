/*
 * ck_forest: the forest and namespace rule of ConfigMgr 2007 out of band
 * management.  A forest's domains are its crossRef objects with
 * systemFlags 0x2 ([MS-ADTS] 6.1.1.2.1.1.5); a tree is a domain whose
 * parent DNS name is not another domain of the forest.  An AMT computer can
 * be provisioned only when its FQDN lies in a domain of the service point's
 * forest and in the service point's tree (TechNet cc161785, "Prerequisites
 * for Out of Band Management": computer1.northwindtraders.com cannot be
 * provisioned by a service point in contoso.com; workgroup computers cannot
 * be provisioned).  No globals; never prints.
 */
#ifndef CK_FOREST_H
#define CK_FOREST_H

#include <stddef.h>

#include "ck_err.h"

/* crossRef systemFlags: FLAG_CR_NTDS_DOMAIN ([MS-ADTS] 6.1.1.2.1.1.5). */
#define CK_CR_NTDS_DOMAIN 0x2

struct ck_forest_domain {
	char *dns;		/* dnsRoot, lower case, no trailing dot */
	char *dn;		/* nCName */
};

struct ck_forest {
	struct ck_forest_domain *v;
	size_t n;
};

/* Adds a domain (dn may be NULL); duplicates are ignored.  Returns 0 or -1. */
int ck_forest_add(struct ck_forest *f, const char *dns, const char *dn, struct ck_err *err);
void ck_forest_release(struct ck_forest *f);

/* The domain whose DNS name is a suffix of fqdn (the longest), or NULL. */
const struct ck_forest_domain *ck_forest_domain_of(const struct ck_forest *f, const char *fqdn);

/* The domain of the forest named dns (case-insensitive), or NULL. */
const struct ck_forest_domain *ck_forest_find(const struct ck_forest *f, const char *dns);

/* The root of d's tree: walk up while the parent DNS name is a forest domain. */
const struct ck_forest_domain *ck_forest_tree_of(const struct ck_forest *f,
    const struct ck_forest_domain *d);

enum ck_ns_verdict {
	CK_NS_OK = 0,		/* same forest, same tree */
	CK_NS_WORKGROUP,	/* a single label: no domain suffix at all */
	CK_NS_FOREIGN,		/* a suffix, but no domain of the forest */
	CK_NS_NONCONTIGUOUS,	/* in the forest, another tree than the service point */
	CK_NS_BAD_NAME		/* not a host name */
};

/*
 * Judges host against the service point's FQDN sp.  msg (size bytes) gets
 * one sentence naming the host's domain and tree and the service point's.
 * sp must itself lie in the forest; otherwise every host is CK_NS_FOREIGN
 * and msg says that the service point is outside the forest.
 */
enum ck_ns_verdict ck_forest_judge(const struct ck_forest *f, const char *sp,
    const char *host, char *msg, size_t size);

#endif /* CK_FOREST_H */
