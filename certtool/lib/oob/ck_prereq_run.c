/* ck_prereq_run: cert-prereq's run (contract in ck_prereq_run.h). */
#include "ck_prereq_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_ldap.h"
#include "ck_net.h"
#include "ck_record.h"
#include "ck_tool.h"

void
ck_prereq_cli_init(struct ck_prereq_cli *c)
{
	memset(c, 0, sizeof(*c));
	ck_ldap_cli_init(&c->lc);
}

void
ck_prereq_cli_release(struct ck_prereq_cli *c)
{
	ck_ldap_cli_release(&c->lc);
	ck_strv_release(&c->amt_domains);
	ck_strv_release(&c->caconfigs);
}

int
ck_prereq_ports_opt(const char *arg, void *target, struct ck_err *err)
{
	return ck_prereq_parse_ports(target, arg, err);
}

/*
 * The site over LDAP into p (*l: the connection, open until the run ends);
 * -1 after a usage error (said on stderr).
 */
static int
read_site(struct ck_prereq *p, struct ck_prereq_cli *c, struct ck_ldap **l, json_t *errors)
{
	const char *source = c->lc.o.uri;
	struct ck_err err;

	if ((*l = ck_ldap_cli_open(&c->lc, &source, &err)) == NULL && source == NULL) {
		ck_warnx("%s", err.msg);
		return -1;
	}
	if (*l == NULL || ck_site_read(p, *l, &c->so, errors, &err) < 0)
		ck_prereq_site_failed(p, source ? source : c->lc.o.uri, &err, errors);
	return 0;
}

/* Reads every input into p; returns the status so far, or -1 to stop (said on stderr). */
static int
gather(struct ck_prereq *p, struct ck_prereq_cli *c, char *const *inputs, size_t n,
    FILE *pass, struct ck_ldap **l, json_t *errors, json_t *warnings)
{
	struct ck_err err;
	int st = CK_OK;

	for (size_t i = 0; i < n; i++)
		st = ck_status_worse(st, ck_prereq_read(p, inputs[i], pass, errors));
	if (n == 0 && c->lc.o.uri == NULL)
		st = ck_status_worse(st, ck_prereq_read(p, "-", pass, errors));
	if (c->lc.o.uri != NULL && read_site(p, c, l, errors) < 0)
		return -1;
	if (c->amt_hosts != NULL && ck_prereq_load_hosts(p, c->amt_hosts, &err) < 0) {
		json_array_append_new(errors, ck_error_record_err(c->amt_hosts, &err));
		snprintf(p->hosts_why, sizeof(p->hosts_why), "'%.200s': %.200s", c->amt_hosts,
		    err.msg);
	}
	if (c->caconfigs.n > 0)
		st = ck_status_worse(st, ck_prereq_caconfig(p, c->caconfigs.v, c->caconfigs.n,
		    errors, warnings));
	return st;
}

int
ck_prereq_cli_run(struct ck_prereq *p, struct ck_prereq_cli *c, unsigned long mask,
    char *const *inputs, size_t n, int format)
{
	FILE *out = format == CK_FMT_JSON ? stdout : NULL;
	struct ck_out o = { .format = format };	/* text: the checklist at the end */
	json_t *errors = json_array(), *warnings = json_array(), *rec;
	struct ck_ldap *l = NULL;
	char *wpw = NULL;
	struct ck_err err;
	int st = CK_UNKNOWN;
	size_t k;

	if (errors == NULL || warnings == NULL ||
	    (c->sp_address != NULL && (p->sp_address = strdup(c->sp_address)) == NULL)) {
		ck_warnx("out of memory");
		goto out;
	}
	p->net.timeout_ms = (c->lc.timeout > 0 ? c->lc.timeout : 10) * 1000;
	c->lc.o.timeout = c->lc.timeout > 0 ? (int)c->lc.timeout : 10;
	c->so.uri = c->lc.o.uri;
	c->so.amt_domains = p->amt_domains = c->amt_domains.v;
	c->so.n_amt_domains = p->n_amt_domains = c->amt_domains.n;
	c->so.want_hosts = c->amt_hosts == NULL;
	if (c->winrm_pwfile && !(wpw = ck_secret_from_file(c->winrm_pwfile, &err))) {
		ck_report(NULL, c->winrm_pwfile, &err);
		goto out;
	}
	p->winrm_password = wpw;
	if ((st = gather(p, c, inputs, n, out, &l, errors, warnings)) < 0) {
		st = CK_UNKNOWN;
		goto out;
	}
	json_array_foreach(warnings, k, rec)
		ck_warnx("%s", json_string_value(rec));
	if ((mask & (1ul << CK_PR_PORTS)) &&
	    (p->nhosts > 0 || p->sp_address != NULL || p->sp_fqdn != NULL)) {
		/* The ports row runs every connection at once (the engine's default). */
		struct ck_err why;

		if (ck_net_jobs_fit(CK_NET_CONCURRENCY_DEFAULT, &why) < CK_NET_CONCURRENCY_DEFAULT)
			ck_warnx("%s", why.msg);
	}
	if (ck_prereq_run(p, mask, &err) < 0)
		st = CK_UNKNOWN;
	json_array_foreach(errors, k, rec)
		ck_out_put(&o, json_incref(rec));
	json_array_foreach(p->out, k, rec) {
		st = ck_status_worse(st, ck_prereq_status(rec));
		ck_out_put(&o, json_incref(rec));
	}
	st = ck_status_worse(st, o.status);
	if (format == CK_FMT_TEXT)
		ck_prereq_print_checklist(stdout, p->out);
out:
	ck_ldap_close(l);
	p->winrm_password = NULL;
	ck_secret_free(wpw);
	json_decref(errors);
	json_decref(warnings);
	return st;
}
