/*
 * ck_http: HTTP(S) GET and POST with libcurl, bounded in time and size.
 *
 * One easy handle per call, so calls from several threads never share
 * state; curl_global_init runs once, guarded by pthread_once.
 */
#include "ck_fetch.h"
#include "ck_fetch_int.h"
#include "ck_url.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define CK_HTTP_MAX_REDIRECTS 3L

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void
curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sink {
	unsigned char *buf;
	size_t len, cap, max;
	int over;	/* the response exceeded max */
};

static size_t
sink_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	unsigned char *nb;
	size_t cap;

	if (n > s->max - s->len) {
		s->over = 1;
		return 0;	/* makes curl abort with CURLE_WRITE_ERROR */
	}
	if (s->len + n + 1 > s->cap) {
		cap = s->cap ? s->cap : 16384;
		while (cap < s->len + n + 1)
			cap *= 2;
		if (cap > s->max + 1)
			cap = s->max + 1;
		nb = realloc(s->buf, cap);
		if (nb == NULL)
			return 0;
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return n;
}

/* "Failed to connect ..." -> "failed to connect ...": our messages are lower case. */
static const char *
lower_first(char *s)
{
	if (s[0] != '\0' && isupper((unsigned char)s[0]) &&
	    !isupper((unsigned char)s[1]))
		s[0] = (char)tolower((unsigned char)s[0]);
	return s;
}

static int
curl_error(struct ck_err *err, CURLcode rc, char *ebuf, const struct sink *s,
    long timeout_ms, long os_errno)
{
	const char *detail = ebuf[0] != '\0' ? lower_first(ebuf) : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (s->over || rc == CURLE_FILESIZE_EXCEEDED)
			return ck_err_set(err, CK_E_LIMIT,
			    "response larger than %zu bytes", s->max);
		return ck_err_set(err, CK_E_NOMEM, "out of memory reading the response");
	case CURLE_OPERATION_TIMEDOUT:
		return ck_err_set(err, CK_E_NET, "timed out after %ld ms", timeout_ms);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return ck_err_set(err, CK_E_USAGE,
		    "unsupported protocol (only http and https): %s", detail);
	case CURLE_URL_MALFORMAT:
		return ck_err_set(err, CK_E_USAGE, "malformed url: %s", detail);
	case CURLE_TOO_MANY_REDIRECTS:
		return ck_err_set(err, CK_E_NET, "more than %ld redirects",
		    CK_HTTP_MAX_REDIRECTS);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return ck_err_set(err, CK_E_NET, "cannot resolve host: %s", detail);
	case CURLE_COULDNT_CONNECT:
		if (os_errno == ECONNREFUSED)
			return ck_err_set(err, CK_E_NET, "connection refused");
		return ck_err_set(err, CK_E_NET, "cannot connect: %s", detail);
	case CURLE_PEER_FAILED_VERIFICATION:
		return ck_err_set(err, CK_E_TLS, "server certificate not trusted: %s",
		    detail);
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
		return ck_err_set(err, CK_E_TLS, "tls: %s", detail);
	case CURLE_OUT_OF_MEMORY:
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	default:
		return ck_err_set(err, CK_E_NET, "%s", detail);
	}
}

static int
curl_ready(struct ck_err *err)
{
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return ck_err_set(err, CK_E_NET, "libcurl initialisation failed: %s",
		    curl_easy_strerror(curl_init_rc));
	return 0;
}

/* The transfer itself: url as libcurl takes it, at most maxredirs redirects. */
static int
http_perform(const char *url, long maxredirs, const char *body, size_t body_len,
    const char *content_type, const struct ck_fetch_opts *o,
    unsigned char **out, size_t *len, long *status, struct ck_err *err)
{
	struct sink s = { NULL, 0, 0, 0, 0 };
	struct curl_slist *hdrs = NULL;
	char ebuf[CURL_ERROR_SIZE];
	char ctype[256];
	CURL *c = NULL;
	CURLcode rc;
	long code = 0, os_errno = 0;
	int rv = -1;

	if (curl_ready(err) != 0)
		return -1;
	s.max = o->max_bytes;
	ebuf[0] = '\0';
	if ((c = curl_easy_init()) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "curl_easy_init failed");

	/* Every setopt below is on a fresh handle and cannot fail except OOM. */
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, CK_FETCH_USER_AGENT);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, maxredirs);
	if (o->timeout_ms > 0) {
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
	}
	/* Reject early when the server announces a larger body. */
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	/* Proxies from the environment would defeat "loopback only" tests. */
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		if (content_type != NULL) {
			snprintf(ctype, sizeof(ctype), "Content-Type: %s", content_type);
			if ((hdrs = curl_slist_append(NULL, ctype)) == NULL) {
				ck_err_set(err, CK_E_NOMEM, "out of memory");
				goto out;
			}
		}
	}
	if (o->http_header != NULL) {
		struct curl_slist *h = curl_slist_append(hdrs, o->http_header);

		if (h == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		hdrs = h;
	}
	if (hdrs != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (o->http_user != NULL) {
		/* The server's challenge decides; credentials never go out unasked. */
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)(CURLAUTH_ANY & ~CURLAUTH_DIGEST_IE));
		curl_easy_setopt(c, CURLOPT_USERNAME, o->http_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    o->http_password != NULL ? o->http_password : "");
	}

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (status != NULL)
		*status = code;
	if (rc != CURLE_OK) {
		/* An error page larger than the cap still reports its status. */
		if (code >= 400 && (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED)) {
			ck_err_set(err, CK_E_NET, "http status %ld", code);
		} else {
			curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
			curl_error(err, rc, ebuf, &s, o->timeout_ms, os_errno);
		}
		goto out;
	}
	if (code >= 400) {
		ck_err_set(err, CK_E_NET, "http status %ld", code);
		goto out;
	}
	if (s.buf == NULL && (s.buf = malloc(1)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	s.buf[s.len] = '\0';
	*out = s.buf;
	*len = s.len;
	s.buf = NULL;
	rv = 0;
out:
	free(s.buf);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return rv;
}

int
ck_http(const char *url, const char *body, size_t body_len,
    const char *content_type, const struct ck_fetch_opts *o,
    unsigned char **out, size_t *len, long *status, struct ck_err *err)
{
	static const char *const schemes[] = { "http", "https", NULL };
	struct ck_fetch_opts defaults;
	struct ck_url u;

	*out = NULL;
	*len = 0;
	if (status != NULL)
		*status = 0;
	if (o == NULL) {
		ck_fetch_opts_init(&defaults);
		o = &defaults;
	}
	if (url == NULL || (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0))
		return ck_err_set(err, CK_E_USAGE,
		    "unsupported url (only http:// and https://)");
	/* Host and port by the one rule (ck_url.h), before libcurl sees them. */
	if (ck_url_parse(url, schemes, 0, &u, err) != 0)
		return -1;
	return http_perform(url, CK_HTTP_MAX_REDIRECTS, body, body_len, content_type, o, out,
	    len, status, err);
}

int
ck_http_follow(const char *url, const char *location, const struct ck_fetch_opts *o,
    unsigned char **out, size_t *len, struct ck_err *err)
{
	struct ck_fetch_opts defaults;
	CURLU *h;
	CURLUcode uc;
	char *target = NULL;
	int rv;

	*out = NULL;
	*len = 0;
	if (o == NULL) {
		ck_fetch_opts_init(&defaults);
		o = &defaults;
	}
	if (curl_ready(err) != 0)
		return -1;
	if ((h = curl_url()) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	/*
	 * The Location relative to the URL that answered, with the flags
	 * libcurl's own redirect uses (lib/transfer.c Curl_follow: URL-encode,
	 * spaces allowed); libcurl then applies its rules to the target
	 * (schemes allowed, the redirects left).
	 */
	if ((uc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME)) != CURLUE_OK ||
	    (uc = curl_url_set(h, CURLUPART_URL, location, CURLU_URLENCODE |
	    CURLU_ALLOW_SPACE)) != CURLUE_OK ||
	    (uc = curl_url_get(h, CURLUPART_URL, &target, 0)) != CURLUE_OK) {
		curl_url_cleanup(h);
		return ck_err_set(err, CK_E_USAGE, "malformed url: %s", curl_url_strerror(uc));
	}
	curl_url_cleanup(h);
	rv = http_perform(target, CK_HTTP_MAX_REDIRECTS - 1, NULL, 0, NULL, o, out, len, NULL,
	    err);
	curl_free(target);
	return rv;
}
