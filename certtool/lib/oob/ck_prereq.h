/*
 * ck_prereq: the prerequisite list of ConfigMgr 2007 SP1 out of band
 * management ("Prerequisites for Out of Band Management", TechNet
 * cc161785) as checks, one `prereq` record per check and subject.
 *
 * The caller fills a struct ck_prereq with what it knows about the site
 * (records from cert-ad or read here over LDAP, the forest's domains, the
 * container's security descriptors, AMT host names, the service point's
 * address) and runs the rows it selected.  A row that lacks its inputs says
 * so with status "unknown" and the reason; the rows nothing on the network
 * can show are "not_checkable", never "ok".  No globals; never prints.
 */
#ifndef CK_PREREQ_H
#define CK_PREREQ_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_fetch.h"
#include "ck_forest.h"
#include "ck_ruledef.h"
#include "ck_sd.h"

enum ck_prereq_id {
	CK_PR_ENTERPRISE_CA = 0,
	CK_PR_CA_KEY_SIZE,
	CK_PR_TEMPLATES,
	CK_PR_AUTO_APPROVAL,
	CK_PR_AD_CONTAINER,
	CK_PR_PROVISION_DNS,
	CK_PR_NAMESPACE,
	CK_PR_PORTS,
	CK_PR_WINRM,
	CK_PR_HOTFIX,
	CK_PR_MSXML,
	CK_PR_TELNET,
	CK_PR_CONSOLE_RIGHTS,
	CK_PR_REPORTING_POINT,
	CK_PR_IPSEC,
	CK_PR_DHCP,
	CK_PR_AMT_FIRMWARE,
	CK_PR_SITE_VERSION,
	CK_PR_NROWS
};

struct ck_prereq_row {
	const char *id;		/* stable: "oob.ad_container" */
	const char *title;	/* a few words for the checklist */
	const char *seed;	/* the requirement in the source document's words */
	const char *ref;	/* the public source */
	int checkable;		/* 0: always not_checkable */
};

/* The rows in checklist order; *n gets CK_PR_NROWS. */
const struct ck_prereq_row *ck_prereq_rows(size_t *n);

/*
 * The checks as the rule registry's family "oob" (ck_ruledef.h): id,
 * severity (the worst a row reports), ref, title.  For --list-rules.
 */
const struct ck_ruleset *ck_prereq_ruleset(void);

/*
 * "oob.templates,oob.ports" (ids, or the ids without "oob.") -> a bit per
 * enum ck_prereq_id in *mask.  Returns 0 or -1 (CK_E_USAGE naming the
 * unknown id).
 */
int ck_prereq_parse_ids(const char *list, unsigned long *mask, struct ck_err *err);
/* The same as a CK_OPT_PARSE parser (--only, --skip): target is an unsigned long. */
int ck_prereq_ids_opt(const char *arg, void *target, struct ck_err *err);

/* The out of band container in one domain, as read from the directory. */
struct ck_prereq_container {
	char *domain;		/* DNS name of the domain */
	char *dn;		/* the container's DN in that domain */
	int state;		/* 1 found (sd valid), 0 no such object, -1 not readable (err) */
	char err[1024];
	struct ck_sd sd;
};

struct ck_prereq {
	/* Records (arrays; the struct owns them). */
	json_t *templates, *cas, *certs, *principals;
	int have_ad;			/* templates and CAs came from somewhere */
	char ad_why[1024];		/* why not (for "unknown") */

	/* Accounts and templates (borrowed strings). */
	const char *site_server;	/* DOMAIN\NAME$, NAME$ or a SID */
	const char *service_point;
	const char *web_template, *provisioning_template, *dot1x_template;
	int with_8021x;
	int have_caconfig;		/* --ca-config applied to the ca records */
	const char *amt_version;	/* for the amt chain policy; NULL: its default */
	time_t at;			/* validation time of the CA chains */

	/* The directory (filled by ck_site or the caller). */
	int have_forest;
	char forest_why[1024];
	struct ck_forest forest;
	const char *container;		/* as given */
	int have_containers;
	char containers_why[1024];
	struct ck_prereq_container *containers;
	size_t ncontainers;

	/* The service point and the AMT hosts. */
	char *sp_fqdn;			/* dNSHostName of the service point */
	char *sp_address;		/* its address, when known */
	char sp_why[1024];
	char **hosts;
	size_t nhosts;
	int have_hosts;
	char hosts_why[1024];

	/* DNS and ports (ck_net). */
	const char *provision_name;	/* NULL: "ProvisionServer" */
	const char *dns_server;		/* "addr[:port]"; NULL: the system's resolver */
	const char *const *amt_domains;	/* DNS names; none: every domain of the forest, */
	size_t n_amt_domains;		/* else the service point's domain */
	unsigned amt_ports[8];		/* ports on each AMT host; none: 16992 16993 16995 */
	size_t n_amt_ports;
	unsigned sp_port;		/* 0: 9971 (AMT Hello to the service point) */
	long connect_timeout_ms;	/* per connection (0: 3000) */

	/* WinRM. */
	const char *winrm_url;		/* NULL: http://SP:5985/wsman */
	const char *winrm_user, *winrm_password;
	struct ck_fetch_opts net;	/* timeouts, TLS for the network rows */

	/* Output: the prereq records, in checklist order. */
	json_t *out;
};

/*
 * Zeroes p, makes its arrays and sets the reasons of the rows that need a
 * directory ("give --uri").  Returns 0 or -1 (ENOMEM).
 */
int ck_prereq_init(struct ck_prereq *p, struct ck_err *err);
void ck_prereq_release(struct ck_prereq *p);

/*
 * The directory at source could not be read (err): an `error` record in
 * errors, and the rows that need it say why.
 */
void ck_prereq_site_failed(struct ck_prereq *p, const char *source, const struct ck_err *err,
    json_t *errors);

/*
 * Takes a record from the input: template, ca, cert and principal records
 * are kept (a new reference is taken); returns 1 when kept, 0 for any
 * other kind (the caller passes it through).
 */
int ck_prereq_take(struct ck_prereq *p, json_t *rec);

/*
 * Reads records from path ("-" = standard input): template, ca, cert and
 * principal records are kept (ck_prereq_take), other kinds are written to
 * out unchanged (out NULL: dropped, for the checklist), broken lines and
 * `error` records are appended to errors.  Returns CK_OK, or CK_UNKNOWN
 * when anything was broken or could not be read or written.
 */
int ck_prereq_read(struct ck_prereq *p, const char *path, FILE *out, json_t *errors);

/*
 * Applies the CA settings files (cert-approve's --ca-config: certutil
 * -getreg text or JSON) to the ca records, by ck_caconfig_apply_all's one
 * rule.  A file that cannot be read or applied becomes an `error` record in
 * errors; settings for a CA the input does not hold are a warning (a
 * string "'FILE': message" appended to warnings).  Returns CK_OK or
 * CK_UNKNOWN.
 */
int ck_prereq_caconfig(struct ck_prereq *p, const char *const *files, size_t n,
    json_t *errors, json_t *warnings);

/* Appends a host (copied, trailing dot and case kept).  Returns 0 or -1. */
int ck_prereq_add_host(struct ck_prereq *p, const char *host, struct ck_err *err);

/*
 * "16992,16993" -> p->amt_ports (at most 8 ports, each 1-65535).  Returns 0
 * or -1 (CK_E_USAGE).
 */
int ck_prereq_parse_ports(struct ck_prereq *p, const char *list, struct ck_err *err);

/* At most this many AMT hosts (--amt-hosts) are judged. */
#define CK_PREREQ_MAX_HOSTS 1000000

/*
 * Reads AMT host names from a file ("-" = standard input), one a line;
 * blank lines and lines starting with '#' are skipped, surrounding blanks
 * trimmed.  Returns the number read, or -1 with err set (CK_E_IO;
 * CK_E_LIMIT beyond CK_PREREQ_MAX_HOSTS names or a line over 1024 bytes).
 */
long ck_prereq_load_hosts(struct ck_prereq *p, const char *path, struct ck_err *err);

/*
 * Runs the rows whose bit is set in mask, appending records to p->out.
 * Rows whose inputs are missing produce "unknown" records.  Returns 0, or
 * -1 on ENOMEM.
 */
int ck_prereq_run(struct ck_prereq *p, unsigned long mask, struct ck_err *err);

/*
 * A new `prereq` record.  findings may be NULL (an empty array is used; a
 * given array is stolen).  fix may be NULL.
 */
json_t *ck_prereq_record(enum ck_prereq_id row, const char *status, const char *subject,
    const char *message, const char *fix, json_t *findings);

/* Exit status a prereq record contributes (not_checkable: CK_OK). */
int ck_prereq_status(const json_t *rec);

/*
 * The checklist for a person (--format text): per row, in checklist
 * order, one line with the row's worst status, title, id and the
 * requirement in the source document's words, then one line per subject
 * (status, subject, reason) with the fix under each that is not ok; more
 * than 20 ok subjects in a row are counted in one line.  recs is an array
 * of records (other kinds are ignored).  Returns 0 or -1 (write error).
 */
int ck_prereq_print_checklist(FILE *fp, const json_t *recs);

#endif /* CK_PREREQ_H */
