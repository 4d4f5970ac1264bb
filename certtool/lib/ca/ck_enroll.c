/*
 * ck_enroll: CFSSL API client (see ck_enroll.h).
 *
 * ck_http() drops the body of an answer with status >= 400, and CFSSL puts
 * its error messages exactly there, so the POST is done here with libcurl,
 * under the same rules as ck_fetch: timeout, size cap, TLS verified unless
 * insecure, no proxies.
 *
 * libcurl is loaded with dlopen() the first time an enrollment runs: it
 * drags in some thirty shared libraries (GnuTLS, Kerberos, LDAP, SSH...)
 * whose loading and relocation cost about 5 ms at every start of
 * cert-issue, which would otherwise be paid by every local `sign` too.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ck_enroll.h"
#include "ck_fetch.h"
#include "ck_issue.h"
#include "ck_record.h"

#define CURL_SONAME "libcurl.so.4"

/* The libcurl entry points used here, resolved by curl_load(). */
struct curl_api {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	void (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
};

/* Fills api from libcurl (the handle stays open for the process's life). */
static int
curl_load(struct curl_api *api, struct ck_err *err)
{
	static const char *const names[] = {
		"curl_global_init", "curl_easy_init", "curl_easy_setopt",
		"curl_easy_perform", "curl_easy_getinfo", "curl_easy_strerror",
		"curl_easy_cleanup", "curl_slist_append", "curl_slist_free_all",
	};
	void *sym[sizeof(names) / sizeof(names[0])];
	void *h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (h == NULL)
		return ck_err_set(err, CK_E_NET, "cannot load %s: %s", CURL_SONAME, dlerror());
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((sym[i] = dlsym(h, names[i])) == NULL)
			return ck_err_set(err, CK_E_NET, "%s: no %s", CURL_SONAME, names[i]);
	/* POSIX dlsym: object pointers convert to function pointers (via memcpy to stay ISO C). */
	memcpy(&api->global_init, &sym[0], sizeof(void *));
	memcpy(&api->easy_init, &sym[1], sizeof(void *));
	memcpy(&api->easy_setopt, &sym[2], sizeof(void *));
	memcpy(&api->easy_perform, &sym[3], sizeof(void *));
	memcpy(&api->easy_getinfo, &sym[4], sizeof(void *));
	memcpy(&api->easy_strerror, &sym[5], sizeof(void *));
	memcpy(&api->easy_cleanup, &sym[6], sizeof(void *));
	memcpy(&api->slist_append, &sym[7], sizeof(void *));
	memcpy(&api->slist_free_all, &sym[8], sizeof(void *));
	return 0;
}

#define ENROLL_PATH "/api/v1/cfssl/sign"
#define ENROLL_MAX (1024u * 1024)

char *
ck_enroll_url(const char *base)
{
	size_t n = strlen(base), pl = strlen(ENROLL_PATH);
	char *u;

	if (n >= pl && strcmp(base + n - pl, ENROLL_PATH) == 0)
		return strdup(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	if ((u = malloc(n + pl + 1)) == NULL)
		return NULL;
	memcpy(u, base, n);
	memcpy(u + n, ENROLL_PATH, pl + 1);
	return u;
}

int
ck_enroll_parse(const char *body, size_t body_len, long http_status,
    unsigned char **der, size_t *len, struct ck_err *err)
{
	json_t *j = json_loadb(body, body_len, 0, NULL), *e0;
	const char *pem, *msg;
	X509 *x = NULL;
	BIO *b;
	unsigned char *p = NULL;
	int n, rv = -1;

	*der = NULL;
	if (!json_is_object(j)) {
		if (http_status >= 400)
			ck_err_set(err, CK_E_NET, "remote CA: http status %ld", http_status);
		else
			ck_err_set(err, CK_E_NET, "remote CA: answer is not a CFSSL API envelope");
		goto out;
	}
	e0 = json_array_get(json_object_get(j, "errors"), 0);
	msg = json_string_value(json_object_get(e0, "message"));
	if (!json_is_true(json_object_get(j, "success")) || http_status >= 400) {
		if (msg)
			ck_err_set(err, CK_E_NET, "remote CA: code %lld: %s",
			    (long long)json_integer_value(json_object_get(e0, "code")), msg);
		else
			ck_err_set(err, CK_E_NET, "remote CA: request failed (http status %ld)", http_status);
		goto out;
	}
	pem = json_string_value(json_object_get(json_object_get(j, "result"), "certificate"));
	if (pem == NULL) {
		ck_err_set(err, CK_E_NET, "remote CA: answer has no result.certificate");
		goto out;
	}
	if ((b = BIO_new_mem_buf(pem, -1)) != NULL) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	if (x == NULL || (n = i2d_X509(x, &p)) <= 0) {
		ck_err_ssl(err, CK_E_PARSE, "remote CA: result.certificate is not a PEM certificate");
		goto out;
	}
	if ((*der = malloc((size_t)n)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(*der, p, (size_t)n);
	*len = (size_t)n;
	rv = 0;
out:
	OPENSSL_free(p);
	X509_free(x);
	json_decref(j);
	return rv;
}

struct sink {
	char *buf;
	size_t len;
};

static size_t
sink_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char *p;

	if (s->len + n > ENROLL_MAX)
		return 0;
	if ((p = realloc(s->buf, s->len + n + 1)) == NULL)
		return 0;
	s->buf = p;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

int
ck_enroll_cfssl(const struct ck_enroll_opts *o, const char *csr_pem,
    unsigned char **der, size_t *len, struct ck_err *err)
{
	json_t *req = json_object();
	struct curl_api api;
	struct curl_slist *h = NULL;
	struct sink s = { NULL, 0 };
	char *url = NULL, *body = NULL, ebuf[CURL_ERROR_SIZE] = "";
	CURL *c = NULL;
	CURLcode rc;
	long code = 0, tmo = o->timeout_ms > 0 ? o->timeout_ms : CK_FETCH_TIMEOUT_MS;
	int rv = -1;

	*der = NULL;
	memset(&api, 0, sizeof(api));
	if (o->url == NULL || (strncmp(o->url, "http://", 7) != 0 &&
	    strncmp(o->url, "https://", 8) != 0)) {
		ck_err_set(err, CK_E_USAGE, "--url must be http:// or https://");
		goto out;
	}
	if (req == NULL || json_object_set_new(req, "certificate_request", json_string(csr_pem)) ||
	    (o->profile && json_object_set_new(req, "profile", json_string(o->profile))) ||
	    (o->label && json_object_set_new(req, "label", json_string(o->label))) ||
	    (body = ck_record_dumps(req)) == NULL || (url = ck_enroll_url(o->url)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	if (curl_load(&api, err) == -1)
		goto out;
	if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = api.easy_init()) == NULL ||
	    (h = api.slist_append(NULL, "Content-Type: application/json")) == NULL) {
		ck_err_set(err, CK_E_NET, "libcurl initialisation failed");
		goto out;
	}
	api.easy_setopt(c, CURLOPT_URL, url);
	api.easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	api.easy_setopt(c, CURLOPT_TIMEOUT_MS, tmo);
	api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, tmo);
	api.easy_setopt(c, CURLOPT_NOPROXY, "*");
	api.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	api.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->cacert)
		api.easy_setopt(c, CURLOPT_CAINFO, o->cacert);
	api.easy_setopt(c, CURLOPT_HTTPHEADER, h);
	api.easy_setopt(c, CURLOPT_POSTFIELDS, body);
	api.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	api.easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	api.easy_setopt(c, CURLOPT_WRITEDATA, &s);
	rc = api.easy_perform(c);
	api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		ck_err_set(err, rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ?
		    CK_E_TLS : CK_E_NET, "'%s': %s", url, ebuf[0] ? ebuf : api.easy_strerror(rc));
		goto out;
	}
	rv = ck_enroll_parse(s.buf ? s.buf : "", s.len, code, der, len, err);
out:
	if (h)
		api.slist_free_all(h);
	if (c)
		api.easy_cleanup(c);
	free(s.buf);
	free(url);
	free(body);
	json_decref(req);
	return rv;
}

int
ck_enroll_cfssl_file(const struct ck_enroll_opts *o, const char *csr_path,
    unsigned char **der, size_t *len, struct ck_err *err)
{
	X509_REQ *req;
	BIO *b = NULL;
	char *mem = NULL, *pem = NULL;
	long n;
	int rv = -1;

	if ((req = ck_csr_read(csr_path, err)) == NULL)
		return -1;
	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509_REQ(b, req) ||
	    (n = BIO_get_mem_data(b, &mem)) <= 0 || (pem = strndup(mem, (size_t)n)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	rv = ck_enroll_cfssl(o, pem, der, len, err);
out:
	free(pem);
	BIO_free(b);
	X509_REQ_free(req);
	return rv;
}
