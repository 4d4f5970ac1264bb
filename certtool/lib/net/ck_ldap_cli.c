/*
 * ck_ldap_cli: the shared LDAP options (see ck_ldap_cli.h).
 */
#include "ck_ldap_cli.h"

#include <string.h>
#include <strings.h>

#include "ck_tool.h"

void
ck_ldap_cli_init(struct ck_ldap_cli *c)
{
	memset(c, 0, sizeof(*c));
	ck_ldap_opts_init(&c->o);
	c->timeout = -1;
	c->max_entries = -1;
}

int
ck_ldap_sasl_opt(const char *arg, void *target, struct ck_err *err)
{
	if (strcasecmp(arg, "gssapi") != 0)
		return ck_err_set(err, CK_E_USAGE, "only gssapi is supported");
	*(int *)target = 1;
	return 0;
}

struct ck_ldap *
ck_ldap_cli_open(struct ck_ldap_cli *c, const char **source, struct ck_err *err)
{
	struct ck_ldap *l;

	*source = NULL;
	if ((c->pwfile != NULL) + (c->pwenv != NULL) + c->o.sasl_gssapi > 1) {
		ck_err_set(err, CK_E_USAGE, "give one of --bind-password-file, --bind-password-env, "
		    "--sasl");
		return NULL;
	}
	if ((c->pwfile != NULL || c->pwenv != NULL) && c->o.bind_dn == NULL) {
		ck_err_set(err, CK_E_USAGE, "a password needs --bind-dn");
		return NULL;
	}
	if (c->timeout > 0)
		c->o.timeout = (int)c->timeout;
	if (c->max_entries > 0)
		c->o.max_entries = (size_t)c->max_entries;
	if (c->password == NULL && (c->pwfile != NULL || c->pwenv != NULL)) {
		c->password = c->pwfile ? ck_secret_from_file(c->pwfile, err) :
		    ck_secret_from_env(c->pwenv, err);
		if (c->password == NULL) {
			*source = c->pwfile ? c->pwfile : c->pwenv;
			return NULL;
		}
	}
	c->o.password = c->password;
	if ((l = ck_ldap_open(&c->o, err)) == NULL)
		*source = c->o.uri;
	return l;
}

void
ck_ldap_cli_release(struct ck_ldap_cli *c)
{
	ck_secret_free(c->password);
	c->password = NULL;
	c->o.password = NULL;
}

int
ck_ldap_bind_opts_check(const char *dn, const char *pwfile, struct ck_err *err)
{
	if ((dn != NULL) != (pwfile != NULL))
		return ck_err_set(err, CK_E_USAGE, "--bind-dn and --bind-password-file go together");
	return 0;
}
