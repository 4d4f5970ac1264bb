/*
 * Unit tests of ck_fetch that need no server: option defaults, blob lists,
 * and the error paths that are decided before (or at) the first packet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ck_fetch.h"
#include "ck_fetch_int.h"

static void
test_opts_defaults(void **state)
{
	struct ck_fetch_opts o;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	ck_fetch_opts_init(&o);
	assert_int_equal(o.timeout_ms, 10000);
	assert_int_equal(o.max_bytes, 16u * 1024 * 1024);
	assert_null(o.cacert);
	assert_int_equal(o.insecure, 0);	/* verification is on by default */
	assert_null(o.bind_dn);
	assert_null(o.bind_password);
}

static void
test_blobs(void **state)
{
	struct ck_blobs b = { 0 };
	unsigned char data[40];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	/* More than the initial capacity, including an empty value. */
	for (i = 0; i < 20; i++)
		assert_int_equal(ck_blobs_add(&b, data, i), 0);
	assert_int_equal(b.n, 20);
	assert_true(b.cap >= 20);
	for (i = 0; i < 20; i++) {
		assert_int_equal(b.v[i].len, i);
		assert_non_null(b.v[i].data);
		if (i > 0)
			assert_memory_equal(b.v[i].data, data, i);
	}
	/* The blob is a copy, not a reference. */
	data[0] = 0xff;
	assert_int_equal(b.v[5].data[0], 0);
	ck_blobs_release(&b);
	assert_int_equal(b.n, 0);
	assert_null(b.v);
	ck_blobs_release(&b);	/* twice is harmless */
	ck_blobs_release(NULL);
}

static void
test_ip_literal(void **state)
{
	static const struct {
		const char *s;
		int want;
	} t[] = {
		{ "127.0.0.1", 1 }, { "::1", 1 }, { "fe80::1", 1 }, { "10.1.2.3", 1 },
		{ "localhost", 0 }, { "[::1]", 0 }, { "amt01.corp.example", 0 },
		{ "1.2.3", 0 }, { "", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(ck_is_ip_literal(t[i].s), t[i].want);
}

static void
test_http_bad_urls(void **state)
{
	static const char *const bad[] = {
		"ftp://127.0.0.1/x", "file:///etc/passwd", "ldap://127.0.0.1/", "127.0.0.1/x",
		"gopher://127.0.0.1/", "",
	};
	struct ck_fetch_opts o;
	struct ck_err err;
	unsigned char *out = (unsigned char *)"sentinel";
	size_t len = 7;
	long status = 99;

	(void)state;
	ck_fetch_opts_init(&o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_err_clear(&err);
		assert_int_equal(ck_http(bad[i], NULL, 0, NULL, &o, &out, &len, &status, &err), -1);
		assert_int_equal(err.code, CK_E_USAGE);
		assert_null(out);
		assert_int_equal(len, 0);
		assert_int_equal(status, 0);
	}
	assert_int_equal(ck_http(NULL, NULL, 0, NULL, &o, &out, &len, NULL, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	/* A malformed http URL is refused by libcurl, still as usage. */
	assert_int_equal(ck_http("http://[zz/", NULL, 0, NULL, &o, &out, &len, NULL, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
}

/*
 * A one-request HTTP server on 127.0.0.1 in a thread: it records the
 * request it got and answers with a canned response.  Real sockets, real
 * libcurl; nothing is mocked.
 */
struct mini_httpd {
	int lfd;
	unsigned short port;
	const char *response;	/* whole response, headers and body */
	size_t response_len;
	char request[4096];
	size_t request_len;
	pthread_t thread;
};

static void *
mini_httpd_main(void *arg)
{
	struct mini_httpd *h = arg;
	ssize_t n;
	size_t off = 0;
	int fd = accept(h->lfd, NULL, NULL);
	const char *body;
	long want = -1;

	if (fd < 0)
		return NULL;
	/* Reads the headers and, when Content-Length says so, the body. */
	while (off < sizeof(h->request) - 1 &&
	    (n = read(fd, h->request + off, sizeof(h->request) - 1 - off)) > 0) {
		off += (size_t)n;
		h->request[off] = '\0';
		if ((body = strstr(h->request, "\r\n\r\n")) == NULL)
			continue;
		body += 4;
		if (want < 0) {
			const char *cl = strcasestr(h->request, "\r\nContent-Length: ");

			want = cl != NULL ? strtol(cl + 18, NULL, 10) : 0;
		}
		if ((long)(off - (size_t)(body - h->request)) >= want)
			break;
	}
	h->request_len = off;
	for (size_t w = 0; w < h->response_len; w += (size_t)n)
		if ((n = write(fd, h->response + w, h->response_len - w)) <= 0)
			break;
	close(fd);
	return NULL;
}

static void
mini_httpd_start(struct mini_httpd *h, const char *response, size_t len)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);

	memset(h, 0, sizeof(*h));
	h->response = response;
	h->response_len = len;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	h->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(h->lfd >= 0);
	assert_int_equal(bind(h->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(h->lfd, 1), 0);
	assert_int_equal(getsockname(h->lfd, (struct sockaddr *)&a, &alen), 0);
	h->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&h->thread, NULL, mini_httpd_main, h), 0);
}

static void
mini_httpd_stop(struct mini_httpd *h)
{
	pthread_join(h->thread, NULL);
	close(h->lfd);
}

static const char ok_response[] =
    "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\n"
    "Content-Length: 5\r\n\r\nhello";

static void
test_http_post(void **state)
{
	struct mini_httpd h;
	struct ck_fetch_opts o;
	struct ck_err err;
	char url[64];
	unsigned char *out = NULL;
	size_t len = 0;
	long status = 0;
	static const char body[] = "\x30\x03\x02\x01\x00 binary\0body";

	(void)state;
	ck_fetch_opts_init(&o);
	mini_httpd_start(&h, ok_response, sizeof(ok_response) - 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/ocsp", h.port);
	assert_int_equal(ck_http(url, body, sizeof(body) - 1, "application/ocsp-request",
	    &o, &out, &len, &status, &err), 0);
	mini_httpd_stop(&h);
	assert_int_equal(status, 200);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(out[5], '\0');	/* NUL-terminated, not counted */
	free(out);
	assert_true(strncmp(h.request, "POST /ocsp HTTP/1.1\r\n", 21) == 0);
	assert_non_null(strcasestr(h.request, "\r\nContent-Type: application/ocsp-request\r\n"));
	assert_non_null(strcasestr(h.request, "\r\nUser-Agent: certkit/0.1\r\n"));
	/* The body arrives intact, embedded NUL included. */
	assert_true(h.request_len >= sizeof(body) - 1);
	assert_memory_equal(h.request + h.request_len - (sizeof(body) - 1), body,
	    sizeof(body) - 1);
}

static void
test_http_get_status_and_cap(void **state)
{
	static const char not_found[] =
	    "HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\nno!";
	struct mini_httpd h;
	struct ck_fetch_opts o;
	struct ck_err err;
	char url[64];
	unsigned char *out = NULL;
	size_t len = 0;
	long status = 0;

	(void)state;
	ck_fetch_opts_init(&o);
	mini_httpd_start(&h, not_found, sizeof(not_found) - 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x.crt", h.port);
	assert_int_equal(ck_http(url, NULL, 0, NULL, &o, &out, &len, &status, &err), -1);
	mini_httpd_stop(&h);
	assert_true(strncmp(h.request, "GET /x.crt HTTP/1.1\r\n", 21) == 0);
	assert_int_equal(status, 404);
	assert_int_equal(err.code, CK_E_NET);
	assert_string_equal(err.msg, "http status 404");
	assert_null(out);

	/* Exactly at the cap is fine; one byte less cap is not. */
	o.max_bytes = 5;
	mini_httpd_start(&h, ok_response, sizeof(ok_response) - 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x.crt", h.port);
	assert_int_equal(ck_http(url, NULL, 0, NULL, &o, &out, &len, &status, &err), 0);
	mini_httpd_stop(&h);
	free(out);
	o.max_bytes = 4;
	mini_httpd_start(&h, ok_response, sizeof(ok_response) - 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x.crt", h.port);
	assert_int_equal(ck_http(url, NULL, 0, NULL, &o, &out, &len, &status, &err), -1);
	mini_httpd_stop(&h);
	assert_int_equal(err.code, CK_E_LIMIT);
	assert_string_equal(err.msg, "response larger than 4 bytes");
	assert_null(out);
}

/* A loopback port that nothing listens on (bound, then closed). */
static int
dead_port(char *buf, size_t n)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) != 0)
		return -1;
	close(fd);
	snprintf(buf, n, "%u", ntohs(a.sin_port));
	return 0;
}

static void
test_refused(void **state)
{
	struct ck_fetch_opts o;
	struct ck_err err;
	struct ck_blobs b = { 0 };
	char port[16], url[128];
	unsigned char *out;
	size_t len;

	(void)state;
	ck_fetch_opts_init(&o);
	assert_int_equal(dead_port(port, sizeof(port)), 0);
	/* What was in the list before a failed call stays, nothing is added. */
	assert_int_equal(ck_blobs_add(&b, (const unsigned char *)"x", 1), 0);
	assert_int_equal(ck_tls_chain("127.0.0.1", port, NULL, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_NET);
	assert_string_equal(err.msg, "connection refused");
	assert_int_equal(b.n, 1);
	assert_int_equal(ck_tls_chain("[127.0.0.1]", port, NULL, &o, &b, &err), -1);
	assert_string_equal(err.msg, "connection refused");

	snprintf(url, sizeof(url), "http://127.0.0.1:%s/x.pem", port);
	assert_int_equal(ck_http(url, NULL, 0, NULL, &o, &out, &len, NULL, &err), -1);
	assert_int_equal(err.code, CK_E_NET);
	assert_string_equal(err.msg, "connection refused");

	snprintf(url, sizeof(url), "ldap://127.0.0.1:%s/CN=x?cACertificate?base", port);
	assert_int_equal(ck_ldap_url_values(url, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_NET);
	assert_string_equal(err.msg, "connection refused");
	assert_int_equal(b.n, 1);
	ck_blobs_release(&b);
}

static void
test_tls_bad_args(void **state)
{
	struct ck_fetch_opts o;
	struct ck_err err;
	struct ck_blobs b = { 0 };
	char longhost[400];

	(void)state;
	ck_fetch_opts_init(&o);
	assert_int_equal(ck_tls_chain("", "443", NULL, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	assert_int_equal(ck_tls_chain("127.0.0.1", "", NULL, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	assert_int_equal(ck_tls_chain(NULL, "443", NULL, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	memset(longhost, 'a', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';
	assert_int_equal(ck_tls_chain(longhost, "443", NULL, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	assert_int_equal(b.n, 0);
}

static void
test_ldap_bad_urls(void **state)
{
	static const struct {
		const char *url;
		int code;
		const char *msg;	/* substring */
	} t[] = {
		{ "not a url", CK_E_USAGE, "malformed ldap url" },
		{ "http://127.0.0.1/CN=x?cACertificate", CK_E_USAGE, "malformed ldap url" },
		{ "ldapi://%2Fsock/CN=x?cACertificate", CK_E_USAGE, "unsupported scheme" },
		{ "ldap:///CN=x?cACertificate", CK_E_USAGE, "no host" },
		{ "ldap://127.0.0.1/CN=x", CK_E_USAGE, "no attribute" },
		{ "ldap://127.0.0.1/CN=x?cACertificate?sideways", CK_E_USAGE, "malformed" },
		{ "ldap://127.0.0.1/CN=x?cACertificate?base?" "?!1.2.3.4", CK_E_USAGE, "critical" },
	};
	struct ck_fetch_opts o;
	struct ck_err err;
	struct ck_blobs b = { 0 };

	(void)state;
	ck_fetch_opts_init(&o);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_err_clear(&err);
		assert_int_equal(ck_ldap_url_values(t[i].url, &o, &b, &err), -1);
		if (err.code != t[i].code || strstr(err.msg, t[i].msg) == NULL)
			fail_msg("%s: got %d '%s'", t[i].url, err.code, err.msg);
		assert_int_equal(b.n, 0);
	}
	assert_int_equal(ck_ldap_url_values(NULL, &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
}

static void
test_ldap_dn_without_password(void **state)
{
	struct ck_fetch_opts o;
	struct ck_err err;
	struct ck_blobs b = { 0 };

	(void)state;
	ck_fetch_opts_init(&o);
	o.bind_dn = "CN=Administrator,CN=Users,DC=corp,DC=example";
	/* Port 9 (discard) is never contacted: the check comes first. */
	o.bind_password = "";
	assert_int_equal(ck_ldap_url_values("ldap://127.0.0.1:9/CN=x?cACertificate",
	    &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_AUTH);
	o.bind_password = NULL;
	assert_int_equal(ck_ldap_url_values("ldap://127.0.0.1:9/CN=x?cACertificate",
	    &o, &b, &err), -1);
	assert_int_equal(err.code, CK_E_AUTH);
	assert_non_null(strstr(err.msg, "empty password"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_defaults),
		cmocka_unit_test(test_blobs),
		cmocka_unit_test(test_ip_literal),
		cmocka_unit_test(test_http_bad_urls),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_http_post),
		cmocka_unit_test(test_http_get_status_and_cap),
		cmocka_unit_test(test_tls_bad_args),
		cmocka_unit_test(test_ldap_bad_urls),
		cmocka_unit_test(test_ldap_dn_without_password),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
