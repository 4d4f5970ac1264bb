/*
 * ck_net_http: HTTP(S) GETs and POSTs as engine jobs, with ck_http's rules and words
 * (ck_fetch.h): verification unless insecure, the size cap on the body,
 * status >= 400 an error, the same messages for the failures libcurl
 * reports.  Redirects are not followed here: the caller goes on from the
 * Location with ck_http_follow (libcurl), one redirect used.
 */
#include "ck_net.h"
#include "ck_url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

/* Room for the response head on top of the body cap. */
#define CK_NET_HTTP_HEAD_MAX (64u * 1024)

void
ck_net_http_req_release(struct ck_net_http_req *h)
{
	free(h->req);
	h->req = NULL;
	h->cap = 0;
}

/*
 * The request as libcurl sends it (RFC 9112 section 3: origin-form target
 * without the fragment, Host with a non-default port): a GET, or a POST of
 * body with its Content-Type and Content-Length (RFC 9110 section 8.6).
 */
static int
request(struct ck_net_http_req *h, const struct ck_url *u, const unsigned char *body,
    size_t body_len, const char *content_type)
{
	const char *path = u->rest;
	size_t plen = strcspn(path, "#");
	char port[16] = "", extra[320] = "";
	int need;

	for (size_t i = 0; i < plen; i++)
		if ((unsigned char)path[i] <= 0x20 || (unsigned char)path[i] >= 0x7f)
			return -1;	/* libcurl refuses or re-encodes these */
	if (u->hp.port != ck_url_default_port(u->scheme))
		snprintf(port, sizeof(port), ":%u", u->hp.port);
	if (body != NULL) {
		if (content_type != NULL && strpbrk(content_type, "\r\n") != NULL)
			return -1;
		need = snprintf(extra, sizeof(extra), "%s%.200s%sContent-Length: %zu\r\n",
		    content_type != NULL ? "Content-Type: " : "",
		    content_type != NULL ? content_type : "", content_type != NULL ? "\r\n" : "",
		    body_len);
		if (need < 0 || (size_t)need >= sizeof(extra))
			return -1;
	}
	for (;;) {
		need = snprintf(h->req, h->cap, "%s %s%.*s HTTP/1.1\r\nHost: %s%s%s%s\r\n"
		    "User-Agent: " CK_FETCH_USER_AGENT "\r\nAccept: */*\r\n%s"
		    "Connection: close\r\n\r\n", body != NULL ? "POST" : "GET",
		    plen == 0 || path[0] != '/' ? "/" : "",
		    (int)plen, path, u->hp.v6 ? "[" : "", u->hp.host, u->hp.v6 ? "]" : "", port,
		    extra);
		if (need < 0 || (body != NULL && body_len > (size_t)-1 - (size_t)need - 1))
			return -1;
		if ((size_t)need + (body != NULL ? body_len : 0) < h->cap) {
			if (body != NULL && body_len > 0)
				memcpy(h->req + need, body, body_len);
			return need + (int)(body != NULL ? body_len : 0);
		}
		free(h->req);
		h->cap = (size_t)need + (body != NULL ? body_len : 0) + 1;
		if ((h->req = malloc(h->cap)) == NULL) {
			h->cap = 0;
			return -1;
		}
	}
}

int
ck_net_http_job(struct ck_net_http_req *h, const char *url, const struct ck_fetch_opts *o,
    struct ck_net_job *job)
{
	return ck_net_http_post_job(h, url, NULL, 0, NULL, o, job);
}

int
ck_net_http_post_job(struct ck_net_http_req *h, const char *url, const unsigned char *body,
    size_t body_len, const char *content_type, const struct ck_fetch_opts *o,
    struct ck_net_job *job)
{
	static const char *const schemes[] = { "http", "https", NULL };
	struct ck_url u;
	struct ck_err err;
	int len;

	if (o->http_header != NULL || o->http_user != NULL ||
	    body_len > (1u << 20) ||
	    ck_url_parse(url, schemes, 0, &u, &err) != 0 ||
	    (len = request(h, &u, body, body_len, content_type)) < 0)
		return -1;
	memset(job, 0, sizeof(*job));
	job->kind = CK_NET_TCP;
	job->flags = strcmp(u.scheme, "https") != 0 ? 0 :
	    o->insecure ? CK_NET_F_TLS : CK_NET_F_TLS | CK_NET_F_VERIFY;
	job->cacert = o->cacert;
	memcpy(h->host, u.hp.host, sizeof(h->host));
	job->host = h->host;
	job->port = u.hp.port;
	job->request = (const unsigned char *)h->req;
	job->request_len = (size_t)len;
	job->max_reply = o->max_bytes + CK_NET_HTTP_HEAD_MAX;
	job->reply_done = ck_net_http_done;
	job->timeout_ms = o->timeout_ms;
	return 0;
}

/*
 * The Content-Length of the head in buf[0..len) (the reply as read), or -1
 * when there is none or the head is incomplete.
 */
static long long
content_length(const unsigned char *buf, size_t len)
{
	static const char name[] = "\r\ncontent-length:";
	size_t i, k, n = sizeof(name) - 1;
	long long cl = -1;

	for (i = 0; i + 4 <= len && memcmp(buf + i, "\r\n\r\n", 4) != 0; i++) {
		if (i + n > len)
			break;
		for (k = 0; k < n && tolower(buf[i + k]) == name[k]; k++)
			;
		if (k < n)
			continue;
		for (k = i + n; k < len && (buf[k] == ' ' || buf[k] == '\t'); k++)
			;
		for (cl = 0; k < len && isdigit(buf[k]) && cl < (1ll << 50); k++)
			cl = cl * 10 + (buf[k] - '0');
		return cl;
	}
	return cl;
}

int
ck_net_http_reply(const struct ck_net_job *job, struct ck_net_result *res,
    const struct ck_fetch_opts *o, unsigned char **body, size_t *len, struct ck_err *err)
{
	int status = 0, p = -1;

	*body = NULL;
	*len = 0;
	if (res->status == CK_NET_OK || res->status == CK_NET_LIMIT)
		p = ck_net_http_parse(res->reply, res->reply_len, &status, body, len);
	if (status >= 300 && status < 400 && res->status == CK_NET_OK) {
		char *loc = ck_net_http_location(res);

		if (loc != NULL) {
			free(loc);
			return 1;
		}
	}
	if (status >= 400)
		return ck_err_set(err, CK_E_NET, "http status %d", status);
	if (res->status == CK_NET_LIMIT || (p == 0 && *len > o->max_bytes))
		return ck_err_set(err, CK_E_LIMIT, "response larger than %zu bytes", o->max_bytes);
	switch (res->status) {
	case CK_NET_OK:
		if (res->reply_len == 0)
			return ck_err_set(err, CK_E_NET, "empty reply from server");
		if (status == 0)
			return ck_err_set(err, CK_E_USAGE, "unsupported protocol (only http and "
			    "https): received HTTP/0.9 when not allowed");
		if (p != 0) {
			/* libcurl's words: the bytes missing when the length was announced. */
			long long cl = content_length(res->reply, res->reply_len);

			if (cl >= 0 && *body != NULL && (unsigned long long)cl > *len)
				return ck_err_set(err, CK_E_NET,
				    "transfer closed with %lld bytes remaining to read",
				    cl - (long long)*len);
			return ck_err_set(err, CK_E_NET,
			    "transfer closed with outstanding read data remaining");
		}
		(*body)[*len] = '\0';	/* within the reply: *len <= what was read */
		return 0;
	case CK_NET_TIMEOUT:
		return ck_err_set(err, CK_E_NET, "timed out after %ld ms", o->timeout_ms);
	case CK_NET_REFUSED:
		return ck_err_set(err, CK_E_NET, "connection refused");
	case CK_NET_UNRESOLVED:
		return ck_err_set(err, CK_E_NET, "cannot resolve host: could not resolve host: %s",
		    job->host);
	case CK_NET_TLS:
		if (res->verify_result != X509_V_OK && res->stage == CK_NET_STAGE_TLS)
			return ck_err_set(err, CK_E_TLS,
			    "server certificate not trusted: SSL certificate problem: %s",
			    X509_verify_cert_error_string(res->verify_result));
		return ck_err_set(err, CK_E_TLS, "tls: %s", res->msg);
	case CK_NET_RESET:
		if (res->stage == CK_NET_STAGE_TLS)
			return ck_err_set(err, CK_E_TLS, "tls: %s", res->msg);
		return ck_err_set(err, CK_E_NET, "%s", res->msg);
	default:
		return ck_err_set(err, CK_E_NET, "%s", res->msg);
	}
}
