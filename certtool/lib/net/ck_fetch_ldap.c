/*
 * ck_ldap_url_values: every value of the attribute(s) named in an LDAP URL
 * (RFC 4516), over ldap:// or ldaps://, bounded in time and size.
 *
 * Each call has its own LDAP handle and its own TLS context
 * (LDAP_OPT_X_TLS_NEWCTX), so calls from several threads never share
 * settings.
 *
 * The TCP connection is made here, not by libldap, and handed over with
 * ldap_init_fd(): libldap 2.5 with GnuTLS spins in the ldaps handshake
 * against a server that accepts but never answers, ignoring
 * LDAP_OPT_NETWORK_TIMEOUT (and retrying after SO_RCVTIMEO).  A watchdog
 * thread that shuts the socket down at the deadline bounds the handshake
 * and every request instead, and connecting ourselves tells "refused"
 * apart from a TLS failure.  Referrals are not chased: a referral would send the bind
 * password to a server the user did not name.
 */
#include "ck_fetch.h"
#include "ck_fetch_int.h"
#include "ck_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <ctype.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>
#include <openldap.h>

#define CK_LDAP_SIZELIMIT 1000	/* entries per search */
#define CK_LDAP_MAX_ATTRS 16	/* attributes named in one URL */

struct ldap_call {
	LDAP *ld;
	int ldaps;
	long timeout_ms;
	long long deadline;
};

static void
tv_left(const struct ldap_call *c, struct timeval *tv)
{
	long long left = c->deadline - ck_mono_ms();

	if (left < 1)
		left = 1;
	tv->tv_sec = (time_t)(left / 1000);
	tv->tv_usec = (suseconds_t)((left % 1000) * 1000);
}

/* Maps a libldap result code (and the handle's diagnostic) to a ck_err. */
static int
ldap_fail(const struct ldap_call *c, int rc, const char *what, struct ck_err *err)
{
	char *diag = NULL;
	char detail[300];
	const char *msg;
	int code;

	detail[0] = '\0';
	if (c->ld != NULL &&
	    ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) == LDAP_OPT_SUCCESS &&
	    diag != NULL && diag[0] != '\0')
		snprintf(detail, sizeof(detail), " (%s)", diag);
	ldap_memfree(diag);

	switch (rc) {
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_STRONG_AUTH_REQUIRED:
	case LDAP_CONFIDENTIALITY_REQUIRED:
		code = CK_E_AUTH;
		break;
	case LDAP_UNWILLING_TO_PERFORM:
		code = strcmp(what, "bind") == 0 ? CK_E_AUTH : CK_E_LDAP;
		break;
	case LDAP_TIMEOUT:
	case LDAP_TIMELIMIT_EXCEEDED:
		return ck_err_set(err, CK_E_NET, "%s: timed out after %ld ms", what,
		    c->timeout_ms);
	case LDAP_SERVER_DOWN:
		return ck_err_set(err, CK_E_NET, "%s: cannot contact the ldap server%s",
		    what, detail);
	case LDAP_CONNECT_ERROR:
		/*
		 * libldap reports a failed TLS handshake (untrusted or
		 * mismatched server certificate) as a connect error with the
		 * TLS reason as diagnostic; a refused TCP connection is
		 * LDAP_SERVER_DOWN.
		 */
		code = c->ldaps ? CK_E_TLS : CK_E_NET;
		return ck_err_set(err, code, "%s: %s%s", what,
		    c->ldaps ? "tls connection failed" : "cannot connect", detail);
	case LDAP_NO_SUCH_OBJECT:
		code = CK_E_NOTFOUND;
		break;
	case LDAP_FILTER_ERROR:
	case LDAP_PARAM_ERROR:
	case LDAP_INVALID_DN_SYNTAX:
		code = CK_E_USAGE;
		break;
	case LDAP_NO_MEMORY:
		code = CK_E_NOMEM;
		break;
	case LDAP_SIZELIMIT_EXCEEDED:
		code = CK_E_LIMIT;
		break;
	default:
		code = CK_E_LDAP;
		break;
	}
	msg = ldap_err2string(rc);
	/* "Invalid credentials" -> "invalid credentials": our messages are lower case. */
	return ck_err_set(err, code, "%s: %c%s%s", what,
	    msg[0] != '\0' ? tolower((unsigned char)msg[0]) : ' ',
	    msg[0] != '\0' ? msg + 1 : "", detail);
}

/* "cACertificate;binary" names cACertificate: compares up to the first ';'. */
static int
attr_matches(const char *got, char *const *want)
{
	size_t gl = strcspn(got, ";"), wl;

	for (; *want != NULL; want++) {
		wl = strcspn(*want, ";");
		if (gl == wl && strncasecmp(got, *want, gl) == 0)
			return 1;
	}
	return 0;
}

static int
seen_in_entry(const struct ck_blobs *v, size_t from, const struct berval *bv)
{
	for (size_t i = from; i < v->n; i++)
		if (v->v[i].len == bv->bv_len &&
		    (bv->bv_len == 0 || memcmp(v->v[i].data, bv->bv_val, bv->bv_len) == 0))
			return 1;
	return 0;
}

static int
tls_fail(const struct ldap_call *c, struct ck_err *err)
{
	char *diag = NULL;
	int rv;

	if (ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) == LDAP_OPT_SUCCESS &&
	    diag != NULL && diag[0] != '\0' && diag[0] != '(')
		rv = ck_err_set(err, CK_E_TLS, "tls handshake failed: %s", diag);
	else
		rv = ck_err_set(err, CK_E_TLS,
		    "tls handshake failed: server certificate not trusted for this host, or no common protocol");
	ldap_memfree(diag);
	return rv;
}

static int
set_options(struct ldap_call *c, const struct ck_fetch_opts *o, struct ck_err *err)
{
	struct timeval tv;
	int v3 = LDAP_VERSION3, req, zero = 0;

	tv.tv_sec = (time_t)(c->timeout_ms / 1000);
	tv.tv_usec = (suseconds_t)((c->timeout_ms % 1000) * 1000);
	req = o->insecure ? LDAP_OPT_X_TLS_NEVER : LDAP_OPT_X_TLS_HARD;
	if (ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv) != LDAP_OPT_SUCCESS ||
	    ldap_set_option(c->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &req) != LDAP_OPT_SUCCESS)
		return ck_err_set(err, CK_E_LDAP, "cannot set ldap options");
	if (o->cacert != NULL &&
	    ldap_set_option(c->ld, LDAP_OPT_X_TLS_CACERTFILE, o->cacert) != LDAP_OPT_SUCCESS)
		return ck_err_set(err, CK_E_TLS, "cannot use ca file '%s'", o->cacert);
	/* Applies the TLS settings above to this handle only. */
	if (ldap_set_option(c->ld, LDAP_OPT_X_TLS_NEWCTX, &zero) != LDAP_OPT_SUCCESS)
		return ck_err_set(err, CK_E_TLS, "cannot create a tls context%s",
		    o->cacert != NULL ? " (check the ca file)" : "");
	return 0;
}

int
ck_ldap_url_values(const char *url, const struct ck_fetch_opts *o,
    struct ck_blobs *values, struct ck_err *err)
{
	struct ck_fetch_opts defaults;
	struct ldap_call c = { NULL, 0, 0, 0 };
	struct ck_sigpipe sp;
	LDAPURLDesc *lud = NULL;
	LDAPMessage *res = NULL, *e;
	BerElement *ber = NULL;
	struct berval cred, **vals = NULL;
	struct timeval tv;
	char *attrs[2 * CK_LDAP_MAX_ATTRS + 1];
	char bin[2 * CK_LDAP_MAX_ATTRS][128];
	char uri[600], portstr[16], *a;
	const char *filter;
	size_t total = 0, first = values->n, entry_first;
	struct ck_watchdog wd;
	int rc, rv = -1, scope, nattrs = 0, port, i, nvalues, fd = -1, fl, msgid = 0;
	long nentries = 0;

	memset(attrs, 0, sizeof(attrs));
	memset(&wd, 0, sizeof(wd));
	if (o == NULL) {
		ck_fetch_opts_init(&defaults);
		o = &defaults;
	}
	if (url == NULL)
		return ck_err_set(err, CK_E_USAGE, "no ldap url");
	rc = ldap_url_parse(url, &lud);
	if (rc != LDAP_URL_SUCCESS)
		return ck_err_set(err, CK_E_USAGE, "malformed ldap url (error %d)", rc);
	ck_sigpipe_block(&sp);
	if (lud->lud_scheme == NULL || (strcasecmp(lud->lud_scheme, "ldap") != 0 &&
	    strcasecmp(lud->lud_scheme, "ldaps") != 0)) {
		ck_err_set(err, CK_E_USAGE, "unsupported scheme '%s' (only ldap and ldaps)",
		    lud->lud_scheme != NULL ? lud->lud_scheme : "");
		goto out;
	}
	c.ldaps = strcasecmp(lud->lud_scheme, "ldaps") == 0;
	if (lud->lud_host == NULL || lud->lud_host[0] == '\0') {
		ck_err_set(err, CK_E_USAGE, "ldap url names no host");
		goto out;
	}
	{
		static const char *const schemes[] = { "ldap", "ldaps", NULL };
		struct ck_url u;

		/* Host and port by the one rule (ck_url.h); libldap's parser takes port 0. */
		if (ck_url_parse(url, schemes, 0, &u, err) != 0)
			goto out;
	}
	if (lud->lud_attrs == NULL || lud->lud_attrs[0] == NULL) {
		ck_err_set(err, CK_E_USAGE,
		    "ldap url names no attribute (ldap://host/DN?attribute?scope?filter)");
		goto out;
	}
	if (lud->lud_crit_exts > 0) {
		ck_err_set(err, CK_E_USAGE, "ldap url has critical extensions, not supported");
		goto out;
	}
	/*
	 * Checked before connecting.  A DN without a password would be an
	 * unauthenticated bind (RFC 4513 5.1.2), which AD accepts as anonymous.
	 */
	if (o->bind_dn != NULL && o->bind_dn[0] != '\0' &&
	    (o->bind_password == NULL || o->bind_password[0] == '\0')) {
		ck_err_set(err, CK_E_AUTH, "bind: empty password for '%s'", o->bind_dn);
		goto out;
	}
	/* Ask for every attribute both plain and with ;binary: servers differ. */
	for (i = 0; lud->lud_attrs[i] != NULL; i++) {
		if (i >= CK_LDAP_MAX_ATTRS ||
		    strlen(lud->lud_attrs[i]) + sizeof(";binary") > sizeof(bin[0])) {
			ck_err_set(err, CK_E_LIMIT, "too many or too long attributes in ldap url");
			goto out;
		}
		attrs[nattrs++] = lud->lud_attrs[i];
		if (strchr(lud->lud_attrs[i], ';') == NULL &&
		    strcmp(lud->lud_attrs[i], "*") != 0 && strcmp(lud->lud_attrs[i], "+") != 0) {
			snprintf(bin[i], sizeof(bin[i]), "%s;binary", lud->lud_attrs[i]);
			attrs[nattrs++] = bin[i];
		}
	}
	port = lud->lud_port > 0 ? lud->lud_port : (c.ldaps ? LDAPS_PORT : LDAP_PORT);
	snprintf(uri, sizeof(uri), strchr(lud->lud_host, ':') != NULL ?
	    "%s://[%s]:%d" : "%s://%s:%d", c.ldaps ? "ldaps" : "ldap", lud->lud_host, port);
	scope = lud->lud_scope == LDAP_SCOPE_DEFAULT ? LDAP_SCOPE_BASE : lud->lud_scope;
	filter = lud->lud_filter != NULL && lud->lud_filter[0] != '\0' ?
	    lud->lud_filter : "(objectClass=*)";

	c.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : CK_FETCH_TIMEOUT_MS;
	c.deadline = ck_mono_ms() + c.timeout_ms;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((fd = ck_net_connect(lud->lud_host, portstr, c.deadline, c.timeout_ms,
	    err)) < 0)
		goto out;
	/* libldap expects a blocking socket; the watchdog bounds it. */
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
	    ck_watchdog_start(&wd, fd, c.deadline) != 0) {
		ck_err_set(err, CK_E_NET, "cannot prepare the socket");
		goto out;
	}
	rc = ldap_init_fd(fd, LDAP_PROTO_TCP, uri, &c.ld);
	if (rc != LDAP_SUCCESS) {
		ck_err_set(err, CK_E_LDAP, "cannot use ldap server '%s': %s", uri,
		    ldap_err2string(rc));
		goto out;
	}
	fd = -1;	/* the handle owns it now */
	if (set_options(&c, o, err) != 0)
		goto out;
	{
		/* No single message may exceed the size cap either. */
		Sockbuf *sb = NULL;
		ber_len_t maxin = (ber_len_t)o->max_bytes + 65536;

		if (ldap_get_option(c.ld, LDAP_OPT_SOCKBUF, &sb) == LDAP_OPT_SUCCESS && sb != NULL)
			ber_sockbuf_ctrl(sb, LBER_SB_OPT_SET_MAX_INCOMING, &maxin);
	}
	if (c.ldaps) {
		rc = ldap_install_tls(c.ld);
		if (rc != LDAP_SUCCESS) {
			if (ck_mono_ms() < c.deadline)
				tls_fail(&c, err);
			goto out;
		}
	}

	cred.bv_val = o->bind_dn != NULL ? (char *)o->bind_password : NULL;
	cred.bv_len = cred.bv_val != NULL ? strlen(cred.bv_val) : 0;
	rc = ldap_sasl_bind_s(c.ld, o->bind_dn != NULL ? o->bind_dn : "",
	    LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		ldap_fail(&c, rc, "bind", err);
		goto out;
	}

	/*
	 * One entry at a time, as it arrives: the size cap (o->max_bytes) and the
	 * entry cap hold while the answer comes in, not after a hostile server
	 * has made us hold all of it (one run once reached 466 MB).  Over a cap,
	 * the search is abandoned.
	 */
	rc = ldap_search_ext(c.ld, lud->lud_dn != NULL ? lud->lud_dn : "", scope,
	    filter, attrs, 0, NULL, NULL, NULL, CK_LDAP_SIZELIMIT, &msgid);
	if (rc != LDAP_SUCCESS) {
		ldap_fail(&c, rc, "search", err);
		goto out;
	}
	for (;;) {
		tv_left(&c, &tv);
		ldap_msgfree(res);
		res = NULL;
		rc = ldap_result(c.ld, msgid, LDAP_MSG_ONE, &tv, &res);
		if (rc == 0 || rc == -1) {
			if (rc == 0 || ck_mono_ms() >= c.deadline)
				ck_err_set(err, CK_E_NET, "search: timed out after %ld ms",
				    c.timeout_ms);
			else
				ldap_fail(&c, ldap_get_option(c.ld, LDAP_OPT_RESULT_CODE, &rc) ==
				    LDAP_OPT_SUCCESS ? rc : LDAP_SERVER_DOWN, "search", err);
			goto out;
		}
		if (rc == LDAP_RES_SEARCH_RESULT) {
			int lrc = ldap_parse_result(c.ld, res, &rc, NULL, NULL, NULL, NULL, 0);

			if (lrc != LDAP_SUCCESS)
				rc = lrc;
			if (rc == LDAP_SIZELIMIT_EXCEEDED) {
				ck_err_set(err, CK_E_LIMIT, "search: more than %d entries",
				    CK_LDAP_SIZELIMIT);
				goto out;
			}
			if (rc != LDAP_SUCCESS) {
				ldap_fail(&c, rc, "search", err);
				goto out;
			}
			break;
		}
		if (rc != LDAP_RES_SEARCH_ENTRY)
			continue;	/* references (not chased), intermediate responses */
		if (++nentries > CK_LDAP_SIZELIMIT) {
			ldap_abandon_ext(c.ld, msgid, NULL, NULL);
			ck_err_set(err, CK_E_LIMIT, "search: more than %d entries",
			    CK_LDAP_SIZELIMIT);
			goto out;
		}
		e = ldap_first_entry(c.ld, res);
		if (e == NULL)
			continue;
		entry_first = values->n;
		for (a = ldap_first_attribute(c.ld, e, &ber); a != NULL;
		    a = ldap_next_attribute(c.ld, e, ber)) {
			if (!attr_matches(a, lud->lud_attrs)) {
				ldap_memfree(a);
				continue;
			}
			vals = ldap_get_values_len(c.ld, e, a);
			ldap_memfree(a);
			nvalues = vals != NULL ? ldap_count_values_len(vals) : 0;
			for (i = 0; i < nvalues; i++) {
				if (seen_in_entry(values, entry_first, vals[i]))
					continue;
				total += vals[i]->bv_len;
				if (total > o->max_bytes) {
					ldap_abandon_ext(c.ld, msgid, NULL, NULL);
					ck_err_set(err, CK_E_LIMIT,
					    "attribute values larger than %zu bytes",
					    o->max_bytes);
					goto out;
				}
				if (ck_blobs_add(values, (unsigned char *)vals[i]->bv_val,
				    vals[i]->bv_len) != 0) {
					ck_err_set(err, CK_E_NOMEM, "out of memory");
					goto out;
				}
			}
			ldap_value_free_len(vals);
			vals = NULL;
		}
		ber_free(ber, 0);
		ber = NULL;
	}
	if (values->n == first) {
		ck_err_set(err, CK_E_NOTFOUND, "no value of '%s' found",
		    lud->lud_attrs[0]);
		goto out;
	}
	rv = 0;
out:
	/* All or nothing: drop what this call added before failing. */
	while (rv != 0 && values->n > first) {
		values->n--;
		free(values->v[values->n].data);
	}
	ldap_value_free_len(vals);
	if (ber != NULL)
		ber_free(ber, 0);
	ldap_msgfree(res);
	if (ck_watchdog_stop(&wd) && rv != 0)
		ck_err_set(err, CK_E_NET, "timed out after %ld ms", c.timeout_ms);
	if (c.ld != NULL)
		ldap_unbind_ext_s(c.ld, NULL, NULL);
	if (fd >= 0)
		close(fd);
	ldap_free_urldesc(lud);
	ck_sigpipe_restore(&sp);
	return rv;
}
