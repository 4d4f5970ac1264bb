/*
 * ck_ldap_cli: the LDAP options of every tool that reads a directory
 * (cert-ad, cert-prereq): one set of names in the option table, one check of
 * their combination, one way to get the password (a file or the
 * environment, never the command line), one connect and bind (ck_ldap_open).
 *
 *   static struct ck_ldap_cli lc;
 *   static const struct ck_opt opts[] = {
 *       CK_LDAP_CLI_OPTS(lc, 1),          (1: --uri is required)
 *       ...
 *   };
 *   ck_ldap_cli_init(&lc);  ... ck_opt_parse ...
 *   l = ck_ldap_cli_open(&lc, &source, &err);   (NULL: report err for source)
 *   ...
 *   ck_ldap_close(l); ck_ldap_cli_release(&lc);
 */
#ifndef CK_LDAP_CLI_H
#define CK_LDAP_CLI_H

#include "ck_err.h"
#include "ck_ldap.h"
#include "ck_opt.h"

struct ck_ldap_cli {
	struct ck_ldap_opts o;		/* uri, bind_dn, starttls, cacert, insecure, sasl */
	const char *pwfile, *pwenv;
	long timeout, max_entries;	/* -1: ck_ldap's defaults */
	char *password;			/* read by ck_ldap_cli_open; wiped on release */
};

void ck_ldap_cli_init(struct ck_ldap_cli *c);

/* --sasl's parser: only "gssapi" (stores 1 in an int). */
int ck_ldap_sasl_opt(const char *arg, void *target, struct ck_err *err);

/*
 * The option rows (a comma-separated list of struct ck_opt initialisers)
 * for a tool's table, writing into the struct ck_ldap_cli c.  req: 1 when
 * --uri is required.  --password-file and --password-env are the
 * deprecated spellings of --bind-password-file and --bind-password-env.
 */
#define CK_LDAP_CLI_OPTS(c, req) \
	{ .name = "uri", .arg = "ldap[s]://HOST[:PORT]", .desc = "the domain controller", \
	    .type = CK_OPT_STR, .target = &(c).o.uri, .required = (req) }, \
	{ .name = "bind-dn", .arg = "DN", .desc = "LDAP bind DN", .type = CK_OPT_STR, \
	    .target = &(c).o.bind_dn, .synopsis = "[--bind-dn DN --bind-password-file F | " \
	    "--bind-password-env VAR | --sasl gssapi]" }, \
	{ .name = "bind-password-file", .arg = "F", .desc = "LDAP bind password from a file", \
	    .type = CK_OPT_STR, .target = &(c).pwfile, .complete = CK_COMPLETE_FILE, \
	    .synopsis = "" }, \
	{ .name = "bind-password-env", .arg = "VAR", .desc = "LDAP bind password from a variable", \
	    .type = CK_OPT_STR, .target = &(c).pwenv, .synopsis = "" }, \
	{ .name = "sasl", .arg = "gssapi", .desc = "bind with Kerberos (kinit first)", \
	    .type = CK_OPT_PARSE, .target = &(c).o.sasl_gssapi, .parse = ck_ldap_sasl_opt, \
	    .complete = "gssapi", .synopsis = "" }, \
	{ .name = "password-file", .arg = "F", .type = CK_OPT_STR, .target = &(c).pwfile, \
	    .replaced_by = "bind-password-file" }, \
	{ .name = "password-env", .arg = "VAR", .type = CK_OPT_STR, .target = &(c).pwenv, \
	    .replaced_by = "bind-password-env" }, \
	{ .name = "starttls", .desc = "StartTLS on ldap://", .type = CK_OPT_SET, \
	    .target = &(c).o.starttls, .value = 1 }, \
	{ .name = "cacert", .arg = "F", .desc = "CA certificates for LDAPS and StartTLS", \
	    .type = CK_OPT_STR, .target = &(c).o.cacert, .complete = CK_COMPLETE_FILE, \
	    .synopsis = "[--cacert F | --insecure]" }, \
	{ .name = "insecure", .desc = "do not verify the server", .type = CK_OPT_SET, \
	    .target = &(c).o.insecure, .value = 1, .synopsis = "" }, \
	{ .name = "timeout", .arg = "SECONDS", .desc = "network timeout", .type = CK_OPT_LONG, \
	    .target = &(c).timeout, .min = 1, .max = 3600 }, \
	{ .name = "max-entries", .arg = "N", .desc = "refuse larger answers", \
	    .type = CK_OPT_LONG, .target = &(c).max_entries, .min = 1, .max = 10000000 }

/*
 * The two rows of a tool that follows ldap:// URLs it is given (cert-read's
 * SOURCEs, cert-chain's AIA and CDP URLs) instead of reading a directory:
 * --bind-dn DN and --bind-password-file F, into the const char * lvalues
 * dn and pwfile.  The tool reads the password (ck_secret_from_file) into
 * its struct ck_fetch_opts.
 */
#define CK_LDAP_BIND_OPTS(dn, pwfile) \
	{ .name = "bind-dn", .arg = "DN", .desc = "LDAP bind DN (with --bind-password-file)", \
	    .type = CK_OPT_STR, .target = &(dn), \
	    .synopsis = "[--bind-dn DN --bind-password-file F]" }, \
	{ .name = "bind-password-file", .arg = "F", .desc = "LDAP bind password", \
	    .type = CK_OPT_STR, .target = &(pwfile), .complete = CK_COMPLETE_FILE, \
	    .synopsis = "" }

/* CK_LDAP_BIND_OPTS's pair: both or neither; 0, or -1 with CK_E_USAGE. */
int ck_ldap_bind_opts_check(const char *dn, const char *pwfile, struct ck_err *err);

/*
 * Checks the combination (one of the password sources or --sasl; a
 * password needs --bind-dn), reads the password, connects and binds.
 * Returns the connection, or NULL with err set and *source naming what
 * failed (the password file or variable, or the URI; NULL for a usage
 * error, CK_E_USAGE).
 */
struct ck_ldap *ck_ldap_cli_open(struct ck_ldap_cli *c, const char **source,
    struct ck_err *err);

/* Wipes and frees the password. */
void ck_ldap_cli_release(struct ck_ldap_cli *c);

#endif /* CK_LDAP_CLI_H */
