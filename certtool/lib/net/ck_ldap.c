/*
 * ck_ldap: one LDAP connection with certkit's defaults (see ck_ldap.h).
 */
#include "ck_ldap.h"

#include <errno.h>
#include <lber.h>
#include <openldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ck_fetch_int.h"
#include "ck_url.h"

#define PAGE_SIZE 1000
#define OID_SD_FLAGS "1.2.840.113556.1.4.801"
#define DEFAULT_MAX_ENTRIES 100000
#define DEFAULT_MAX_MESSAGE (16u * 1024 * 1024)
#define SYSTEM_ROOTS "/etc/ssl/certs/ca-certificates.crt"

struct ck_ldap {
	LDAP *ld;
	int timeout;
	size_t max_entries;
	int tls;		/* 1 when the connection is (or should be) TLS */
	char uri[512];
	long long deadline;	/* ck_mono_ms(): the whole run ends here */
	struct ck_sigpipe sp;	/* SIGPIPE blocked in the opening thread while open */
	int sp_set;
	struct ck_watchdog wd;	/* shuts the socket down at the deadline */
};

void
ck_ldap_opts_init(struct ck_ldap_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = 30;
}

LDAP *
ck_ldap_handle(struct ck_ldap *l)
{
	return l->ld;
}

/* The server's or library's diagnostic for the last operation ("" if none). */
static void
diag(LDAP *ld, char *out, size_t n)
{
	char *msg = NULL;

	out[0] = '\0';
	if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) == LDAP_OPT_SUCCESS &&
	    msg != NULL) {
		snprintf(out, n, "%s", msg);
		ldap_memfree(msg);
	}
}

/* Maps a failed connect/StartTLS/bind to an error class and message. */
static int
conn_error(struct ck_ldap *l, int rc, const char *what, struct ck_err *err)
{
	char d[256];
	int code = CK_E_LDAP;

	diag(l->ld, d, sizeof(d));
	if (rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INAPPROPRIATE_AUTH ||
	    rc == LDAP_STRONG_AUTH_REQUIRED || rc == LDAP_CONFIDENTIALITY_REQUIRED ||
	    rc == LDAP_AUTH_METHOD_NOT_SUPPORTED || rc == LDAP_INSUFFICIENT_ACCESS)
		code = CK_E_AUTH;
	else if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT)
		code = CK_E_NET;
	/* The TLS layer reports through the diagnostic text (GnuTLS or OpenSSL). */
	if (l->tls && code == CK_E_NET && (strstr(d, "TLS") != NULL ||
	    strstr(d, "certificate") != NULL || strstr(d, "hostname") != NULL))
		code = CK_E_TLS;
	if (code == CK_E_TLS)
		return ck_err_set(err, code, "%s: tls failed: %s", what, d);
	if (code == CK_E_NET)
		return ck_err_set(err, code, "%s: cannot reach the server: %s%s%s", what,
		    ldap_err2string(rc), d[0] ? ": " : "", d);
	if (code == CK_E_AUTH)
		return ck_err_set(err, code, "%s: bind refused: %s%s%s", what,
		    ldap_err2string(rc), d[0] ? ": " : "", d);
	return ck_err_set(err, code, "%s: %s%s%s", what, ldap_err2string(rc),
	    d[0] ? ": " : "", d);
}

static int
sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	(void)in;
	/* GSSAPI takes everything from the Kerberos credential cache. */
	return LDAP_SUCCESS;
}

struct ck_ldap *
ck_ldap_open(const struct ck_ldap_opts *o, struct ck_err *err)
{
	static const char *const schemes[] = { "ldap", "ldaps", NULL };
	struct ck_ldap *l;
	struct ck_url u;
	struct timeval tv;
	int v, rc, fd = -1, fl;
	ber_len_t maxin;
	Sockbuf *sb = NULL;

	if (o->uri == NULL || (strncmp(o->uri, "ldap://", 7) != 0 &&
	    strncmp(o->uri, "ldaps://", 8) != 0)) {
		ck_err_set(err, CK_E_USAGE, "'%s': not an ldap:// or ldaps:// uri",
		    o->uri ? o->uri : "");
		return NULL;
	}
	/* Host and port by the one rule (ck_url.h). */
	if (ck_url_parse(o->uri, schemes, 0, &u, err) != 0)
		return NULL;
	if (o->bind_dn != NULL && o->password == NULL && !o->sasl_gssapi) {
		/* An empty password would be an unauthenticated (anonymous) bind. */
		ck_err_set(err, CK_E_USAGE, "--bind-dn needs --password-file or --password-env");
		return NULL;
	}
	if (o->cacert != NULL && access(o->cacert, R_OK) != 0) {
		ck_err_set(err, CK_E_IO, "'%s': %s", o->cacert, strerror(errno));
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	snprintf(l->uri, sizeof(l->uri), "%s", o->uri);
	l->timeout = o->timeout > 0 ? o->timeout : 30;
	l->max_entries = o->max_entries ? o->max_entries : DEFAULT_MAX_ENTRIES;
	l->tls = strncmp(o->uri, "ldaps://", 8) == 0 || o->starttls;
	/*
	 * One deadline for the whole run (connect, bind, every search), and the
	 * connection made as cert-read's ldap:// makes it: resolved and
	 * connected within the deadline (ck_net_connect), handed to libldap
	 * with ldap_init_fd, and a watchdog that shuts it down at the deadline,
	 * since libldap 2.5 ignores LDAP_OPT_NETWORK_TIMEOUT in the ldaps
	 * handshake.  A refused or unreachable host is CK_E_NET; a failure after
	 * the TCP connection is TLS or LDAP.
	 */
	l->deadline = ck_mono_ms() + (long long)l->timeout * 1000;
	/* A write after the watchdog's shutdown (or a peer's close) must not kill the tool. */
	ck_sigpipe_block(&l->sp);
	l->sp_set = 1;
	if ((fd = ck_net_connect(u.hp.host, u.hp.port_str, l->deadline,
	    (long)l->timeout * 1000, err)) < 0)
		goto fail;
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
	    ck_watchdog_start(&l->wd, fd, l->deadline) != 0) {
		ck_err_set(err, CK_E_NET, "cannot prepare the socket");
		close(fd);
		goto fail;
	}
	rc = ldap_init_fd(fd, LDAP_PROTO_TCP, o->uri, &l->ld);
	if (rc != LDAP_SUCCESS || l->ld == NULL) {
		ck_err_set(err, CK_E_LDAP, "cannot use the ldap server: %s", ldap_err2string(rc));
		ck_watchdog_stop(&l->wd);
		close(fd);
		goto fail;
	}
	v = LDAP_VERSION3;
	ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &v);
	ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	tv.tv_sec = l->timeout;
	tv.tv_usec = 0;
	ldap_set_option(l->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(l->ld, LDAP_OPT_TIMEOUT, &tv);
	v = LDAP_DEREF_NEVER;
	ldap_set_option(l->ld, LDAP_OPT_DEREF, &v);
	if (l->tls) {
		const char *ca = o->cacert;

		v = o->insecure ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_DEMAND;
		ldap_set_option(l->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &v);
		if (ca == NULL && access(SYSTEM_ROOTS, R_OK) == 0)
			ca = SYSTEM_ROOTS;
		if (ca != NULL)
			ldap_set_option(l->ld, LDAP_OPT_X_TLS_CACERTFILE, ca);
		v = 0;
		if (ldap_set_option(l->ld, LDAP_OPT_X_TLS_NEWCTX, &v) != LDAP_OPT_SUCCESS) {
			ck_err_set(err, CK_E_TLS, "cannot set up tls (ca file '%s')",
			    ca ? ca : "");
			goto fail;
		}
	}
	if (strncmp(o->uri, "ldaps://", 8) == 0 && (rc = ldap_install_tls(l->ld)) != LDAP_SUCCESS) {
		if (ck_mono_ms() >= l->deadline)
			ck_err_set(err, CK_E_NET, "connect: timed out after %d s", l->timeout);
		else
			ck_err_set(err, CK_E_TLS, "tls handshake or server certificate "
			    "verification failed%s", o->insecure ? "" :
			    " (check --cacert and that the certificate names the host)");
		goto fail;
	}
	/* Cap what one LDAP message may make the library allocate. */
	if (ldap_get_option(l->ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_OPT_SUCCESS && sb != NULL) {
		maxin = o->max_message ? o->max_message : DEFAULT_MAX_MESSAGE;
		ber_sockbuf_ctrl(sb, LBER_SB_OPT_SET_MAX_INCOMING, &maxin);
	}
	if (o->starttls && strncmp(o->uri, "ldap://", 7) == 0) {
		rc = ldap_start_tls_s(l->ld, NULL, NULL);
		if (rc != LDAP_SUCCESS) {
			if (rc == LDAP_CONNECT_ERROR || rc == LDAP_SERVER_DOWN)
				ck_err_set(err, CK_E_TLS, "starttls: tls handshake or server "
				    "certificate verification failed%s", o->insecure ? "" :
				    " (check --cacert and that the certificate names the host)");
			else
				conn_error(l, rc, "starttls", err);
			if (err != NULL)
				err->code = CK_E_TLS;
			goto fail;
		}
	}
	if (o->sasl_gssapi) {
		rc = ldap_sasl_interactive_bind_s(l->ld, NULL, "GSSAPI", NULL, NULL,
		    LDAP_SASL_QUIET, sasl_interact, NULL);
		if (rc != LDAP_SUCCESS) {
			conn_error(l, rc, "sasl gssapi bind", err);
			goto fail;
		}
	} else if (o->bind_dn != NULL) {
		struct berval cred;

		cred.bv_val = (char *)o->password;
		cred.bv_len = strlen(o->password);
		rc = ldap_sasl_bind_s(l->ld, o->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
		    NULL);
		if (rc != LDAP_SUCCESS) {
			conn_error(l, rc, "bind", err);
			if (err != NULL && rc == LDAP_INVALID_CREDENTIALS)
				ck_err_set(err, CK_E_AUTH, "bind as '%s' refused: invalid "
				    "credentials", o->bind_dn);
			goto fail;
		}
	}
	return l;
fail:
	ck_ldap_close(l);
	return NULL;
}

void
ck_ldap_close(struct ck_ldap *l)
{
	if (l == NULL)
		return;
	ck_watchdog_stop(&l->wd);
	if (l->ld != NULL)
		ldap_unbind_ext_s(l->ld, NULL, NULL);
	if (l->sp_set)
		ck_sigpipe_restore(&l->sp);
	free(l);
}

/* SD_FLAGS value: SEQUENCE { INTEGER 7 } (owner, group, DACL; no SACL). */
static int
sd_control(LDAP *ld, LDAPControl **out)
{
	static const char val[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };
	struct berval bv;

	(void)ld;
	bv.bv_val = (char *)val;
	bv.bv_len = sizeof(val);
	return ldap_control_create(OID_SD_FLAGS, 1, &bv, 1, out);
}

long
ck_ldap_search(struct ck_ldap *l, const char *base, int scope, const char *filter,
    const char *const *attrs, unsigned flags, int missing_ok, ck_ldap_entry_fn fn,
    void *ctx, struct ck_err *err)
{
	LDAPControl *ctrls[3] = { NULL, NULL, NULL };
	LDAPControl *sdc = NULL, *page = NULL, **rctrls = NULL;
	LDAPMessage *res = NULL, *e;
	struct berval *cookie = NULL;
	struct timeval tv;
	long n = 0, rv = -1;
	int rc, lrc, nc, msgid = 0, mt;
	char *matched = NULL, *emsg = NULL;

	if ((flags & CK_LDAP_SD) && sd_control(l->ld, &sdc) != LDAP_SUCCESS) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		nc = 0;
		if (sdc != NULL)
			ctrls[nc++] = sdc;
		if (!(flags & CK_LDAP_NOPAGE)) {
			if (ldap_create_page_control(l->ld, PAGE_SIZE, cookie, 0, &page) !=
			    LDAP_SUCCESS) {
				ck_err_set(err, CK_E_NOMEM, "cannot create the paged-results control");
				goto out;
			}
			ctrls[nc++] = page;
		}
		ctrls[nc] = NULL;
		/*
		 * Entries are taken one at a time as they arrive, and the entry cap
		 * holds then (was: the whole answer held before it was counted);
		 * every wait ends at the run's deadline.
		 */
		rc = ldap_search_ext(l->ld, base, scope, filter, (char **)attrs, 0, ctrls,
		    NULL, NULL, LDAP_NO_LIMIT, &msgid);
		if (rc != LDAP_SUCCESS) {
			conn_error(l, rc, "search", err);
			ck_err_prefix(err, "'%s'", base);
			goto out;
		}
		for (;;) {
			long long left = l->deadline - ck_mono_ms();

			ldap_msgfree(res);
			res = NULL;
			if (left < 1)
				left = 1;
			tv.tv_sec = (time_t)(left / 1000);
			tv.tv_usec = (suseconds_t)(left % 1000 * 1000);
			mt = ldap_result(l->ld, msgid, LDAP_MSG_ONE, &tv, &res);
			if (mt == 0 || (mt == -1 && ck_mono_ms() >= l->deadline)) {
				ck_err_set(err, CK_E_NET, "'%s': timed out (--timeout %d s for the "
				    "whole run)", base, l->timeout);
				goto out;
			}
			if (mt == -1) {
				if (ldap_get_option(l->ld, LDAP_OPT_RESULT_CODE, &rc) != LDAP_OPT_SUCCESS)
					rc = LDAP_SERVER_DOWN;
				conn_error(l, rc, "search", err);
				ck_err_prefix(err, "'%s'", base);
				goto out;
			}
			if (mt == LDAP_RES_SEARCH_RESULT)
				break;
			if (mt != LDAP_RES_SEARCH_ENTRY || (e = ldap_first_entry(l->ld, res)) == NULL)
				continue;	/* references are not followed */
			if ((size_t)n >= l->max_entries) {
				ldap_abandon_ext(l->ld, msgid, NULL, NULL);
				ck_err_set(err, CK_E_LIMIT, "'%s': more than %zu entries", base,
				    l->max_entries);
				goto out;
			}
			n++;
			if (fn != NULL && fn(ctx, l->ld, e) != 0) {
				ldap_abandon_ext(l->ld, msgid, NULL, NULL);
				ck_err_set(err, CK_E_LDAP, "'%s': stopped", base);
				goto out;
			}
		}
		lrc = ldap_parse_result(l->ld, res, &rc, &matched, &emsg, NULL, &rctrls, 0);
		if (lrc != LDAP_SUCCESS)
			rc = lrc;
		if (rc == LDAP_NO_SUCH_OBJECT && missing_ok) {
			rv = n;
			goto out;
		}
		if (rc != LDAP_SUCCESS) {
			ck_err_set(err, rc == LDAP_SIZELIMIT_EXCEEDED ? CK_E_LIMIT : CK_E_LDAP,
			    "'%s': search failed: %s%s%s", base, ldap_err2string(rc),
			    emsg && *emsg ? ": " : "", emsg ? emsg : "");
			goto out;
		}
		ldap_memfree(matched);
		ldap_memfree(emsg);
		matched = emsg = NULL;
		ldap_msgfree(res);
		res = NULL;
		if (page != NULL) {
			ldap_control_free(page);
			page = NULL;
		}
		if (cookie != NULL) {
			ber_bvfree(cookie);
			cookie = NULL;
		}
		if (flags & CK_LDAP_NOPAGE)
			break;
		{
			LDAPControl *pc = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, NULL);
			ber_int_t count;
			struct berval ck = { 0, NULL };

			if (pc == NULL ||
			    ldap_parse_pageresponse_control(l->ld, pc, &count, &ck) != LDAP_SUCCESS ||
			    ck.bv_len == 0) {
				ber_memfree(ck.bv_val);
				break;
			}
			cookie = ber_bvdup(&ck);
			ber_memfree(ck.bv_val);
			if (cookie == NULL) {
				ck_err_set(err, CK_E_NOMEM, "out of memory");
				goto out;
			}
		}
		ldap_controls_free(rctrls);
		rctrls = NULL;
	}
	rv = n;
out:
	ldap_controls_free(rctrls);
	ldap_memfree(matched);
	ldap_memfree(emsg);
	ldap_msgfree(res);
	ldap_control_free(page);
	ldap_control_free(sdc);
	if (cookie != NULL)
		ber_bvfree(cookie);
	return rv;
}

struct read_ctx {
	const char *attr;
	char *val;
};

static int
read_one(void *ctx, LDAP *ld, LDAPMessage *e)
{
	struct read_ctx *r = ctx;
	struct berval **v = ldap_get_values_len(ld, e, r->attr);

	if (v != NULL && v[0] != NULL && r->val == NULL) {
		r->val = malloc(v[0]->bv_len + 1);
		if (r->val != NULL) {
			memcpy(r->val, v[0]->bv_val, v[0]->bv_len);
			r->val[v[0]->bv_len] = '\0';
		}
	}
	ldap_value_free_len(v);
	return 0;
}

char *
ck_ldap_read_string(struct ck_ldap *l, const char *dn, const char *attr, struct ck_err *err)
{
	struct read_ctx r = { attr, NULL };
	const char *attrs[2] = { attr, NULL };

	if (ck_ldap_search(l, dn, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, CK_LDAP_NOPAGE, 1,
	    read_one, &r, err) < 0)
		return NULL;
	if (r.val == NULL)
		ck_err_set(err, CK_E_NOTFOUND, "'%s': no %s", dn[0] ? dn : "rootDSE", attr);
	return r.val;
}

char *
ck_ldap_filter_escape(const unsigned char *v, size_t len)
{
	char *out = malloc(len * 3 + 1), *p;
	size_t i;

	if (out == NULL)
		return NULL;
	p = out;
	for (i = 0; i < len; i++) {
		unsigned char c = v[i];

		if (c == '*' || c == '(' || c == ')' || c == '\\' || c == 0 || c >= 0x80) {
			snprintf(p, 4, "\\%02x", c);
			p += 3;
		} else {
			*p++ = (char)c;
		}
	}
	*p = '\0';
	return out;
}
