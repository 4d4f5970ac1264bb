/*
 * Unit tests of the AMT device-side decoders: the Hello message (every
 * malformation refused with its reason, completeness for a streaming
 * reader, UUID text, hex captures), the RMCP presence pong, the HTTP Server
 * header, --ports, and the discovery operands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ck_amt.h"
#include "ck_amt_hello.h"
#include "ck_amt_rmcp.h"
#include "ck_amt_targets.h"
#include "ck_tool.h"

/* A message: header (admin, version, retry 7, UUID 00..0f, count) + hashes. */
static size_t
msg(unsigned char *out, int admin, int version, int count, const int *types,
    const int *sizes, int n)
{
	size_t o = 0;

	out[o++] = (unsigned char)admin;
	out[o++] = 0;
	out[o++] = (unsigned char)version;
	out[o++] = 0;
	out[o++] = 7;
	out[o++] = 0;
	out[o++] = 0;
	out[o++] = 0;
	for (int i = 0; i < 16; i++)
		out[o++] = (unsigned char)i;
	out[o++] = (unsigned char)count;
	for (int i = 0; i < n; i++) {
		out[o++] = (unsigned char)types[i];
		out[o++] = (unsigned char)sizes[i];
		memset(out + o, 0xa0 + i, (size_t)sizes[i]);
		o += (size_t)sizes[i];
	}
	return o;
}

struct hello_case {
	const char *name;
	int admin, version, count, n;
	int types[4], sizes[4];
	long cut;		/* bytes removed from the end (>0) */
	const char *error;	/* expected substring of the message; NULL: valid */
	int complete;		/* ck_amt_hello_complete on the whole buffer */
};

static const struct hello_case cases[] = {
	{ "three types", 1, 3, 3, 3, { 1, 2, 3 }, { 20, 32, 48 }, 0, NULL, 1 },
	{ "no hashes", 0, 3, 0, 0, { 0 }, { 0 }, 0, NULL, 1 },
	{ "truncated hash", 1, 3, 1, 1, { 2 }, { 32 }, 5, "truncated", 0 },
	{ "truncated header", 1, 3, 0, 0, { 0 }, { 0 }, 3, "header alone", 0 },
	{ "count too high", 1, 3, 2, 1, { 2 }, { 32 }, 0, "the hash count says 2", 0 },
	{ "count too low", 1, 3, 1, 2, { 2, 2 }, { 32, 32 }, 0, "34 bytes after", 1 },
	{ "type 0", 1, 3, 1, 1, { 0 }, { 32 }, 0, "type 0 is not", -1 },
	{ "type 4", 1, 3, 1, 1, { 4 }, { 32 }, 0, "type 4 is not", -1 },
	{ "type 255", 1, 3, 1, 1, { 255 }, { 32 }, 0, "type 255 is not", -1 },
	{ "size vs type", 1, 3, 1, 1, { 1 }, { 32 }, 0, "size 32 does not match", -1 },
	{ "version 2", 1, 2, 0, 0, { 0 }, { 0 }, 0, "hello version 2", 1 },
	{ "admin 2", 2, 3, 0, 0, { 0 }, { 0 }, 0, "admin credentials flag is 2", 1 },
};

static void
test_hello_cases(void **state)
{
	static struct ck_amt_hello h;
	unsigned char buf[512];
	struct ck_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hello_case *c = &cases[i];
		size_t len = msg(buf, c->admin, c->version, c->count, c->types, c->sizes, c->n);
		int rv;

		len -= (size_t)c->cut;
		rv = ck_amt_hello_parse(buf, len, &h, &e);
		if (c->error == NULL) {
			if (rv != 0)
				fail_msg("%s: %s", c->name, e.msg);
			assert_int_equal(h.nhashes, (size_t)c->n);
		} else {
			if (rv != -1 || strstr(e.msg, c->error) == NULL)
				fail_msg("%s: expected '%s', got rv %d '%s'", c->name, c->error, rv,
				    rv ? e.msg : "");
		}
		if (ck_amt_hello_complete(buf, len) != c->complete)
			fail_msg("%s: complete() is %d, expected %d", c->name,
			    ck_amt_hello_complete(buf, len), c->complete);
	}
}

static void
test_hello_fields(void **state)
{
	static struct ck_amt_hello h;
	static const int t[] = { 3 }, s[] = { 48 };
	unsigned char buf[128];
	char uuid[CK_AMT_UUID_LEN];
	struct ck_err e;
	size_t len = msg(buf, 1, 3, 1, t, s, 1);
	json_t *rec;

	(void)state;
	assert_int_equal(ck_amt_hello_parse(buf, len, &h, &e), 0);
	assert_int_equal(h.admin_credentials_set, 1);
	assert_int_equal(h.retry_count, 7);
	assert_int_equal(h.hashes[0].type, CK_AMT_SHA384);
	ck_amt_uuid_format(h.uuid, uuid);
	assert_string_equal(uuid, "03020100-0504-0706-0809-0a0b0c0d0e0f");
	rec = ck_amt_hello_record(&h, "192.0.2.7");
	assert_string_equal(json_string_value(json_object_get(rec, "address")), "192.0.2.7");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(rec, "hashes"), 0), "alg")), "sha384");
	json_decref(rec);
	/* Each prefix of a valid message is incomplete, never invalid. */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(ck_amt_hello_complete(buf, i), 0);
}

static void
test_hello_limit(void **state)
{
	static struct ck_amt_hello h;
	static unsigned char big[CK_AMT_HELLO_MAX + 1];
	struct ck_err e;

	(void)state;
	assert_int_equal(ck_amt_hello_parse(big, sizeof(big), &h, &e), -1);
	assert_int_equal(e.code, CK_E_LIMIT);
	assert_int_equal(ck_amt_hello_complete(big, sizeof(big)), -1);
}

static void
test_unhex(void **state)
{
	unsigned char a[] = "01 00:03\n00 ff";
	unsigned char b[] = "01 0g";
	unsigned char c[] = { 0x01, 0x00, 0x03 };
	size_t n;

	(void)state;
	ck_amt_hello_unhex(a, strlen((char *)a), &n);
	assert_int_equal(n, 5);
	assert_memory_equal(a, "\x01\x00\x03\x00\xff", 5);
	ck_amt_hello_unhex(b, strlen((char *)b), &n);
	assert_int_equal(n, 5);		/* not hex: taken as raw bytes */
	ck_amt_hello_unhex(c, sizeof(c), &n);
	assert_int_equal(n, 3);
}

/* A 28-byte AMT pong (DSP0136 presence pong; AMT fields per MeshCentral). */
static void
pong(unsigned char p[28], unsigned char tag)
{
	static const unsigned char base[28] = {
		0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x40, 0x00, 0x00, 0x10,
		0x00, 0x00, 0x11, 0xbe, 0x42, 0x21, 0x71, 0x06, 0x81, 0x20
	};

	memcpy(p, base, sizeof(base));
	p[9] = tag;
}

static void
test_rmcp(void **state)
{
	unsigned char ping[CK_AMT_RMCP_PING_LEN], p[28];
	static const unsigned char want[] = { 0x06, 0x00, 0x00, 0x06, 0x00, 0x00, 0x11, 0xbe,
		0x80, 0x2a, 0x00, 0x00 };
	struct ck_amt_rmcp r;
	struct ck_err e;

	(void)state;
	ck_amt_rmcp_ping(ping, 0x2a);
	assert_memory_equal(ping, want, sizeof(want));
	pong(p, 0x2a);
	assert_int_equal(ck_amt_rmcp_parse(p, sizeof(p), 0x2a, &r, &e), 0);
	assert_int_equal(r.port, 16929);
	assert_int_equal(r.major, 7);
	assert_int_equal(r.minor, 1);
	assert_int_equal(r.state, 2);
	assert_int_equal(r.both_ports, 1);
	assert_string_equal(ck_amt_state_name(r.state), "post");
	/* The smallest pong that has byte 21. */
	assert_int_equal(ck_amt_rmcp_parse(p, 22, 0x2a, &r, &e), 0);
	assert_int_equal(ck_amt_rmcp_parse(p, 21, 0x2a, &r, &e), -1);
	assert_non_null(strstr(e.msg, "short RMCP reply: 21 bytes"));
	assert_int_equal(ck_amt_rmcp_parse(p, sizeof(p), 0x2b, &r, &e), -1);
	assert_non_null(strstr(e.msg, "pong with tag 42, the ping had 43"));
	p[21] = 0x00;
	assert_int_equal(ck_amt_rmcp_parse(p, sizeof(p), 0x2a, &r, &e), -1);
	assert_non_null(strstr(e.msg, "without the AMT bit"));
	pong(p, 0x2a);
	p[8] = 0x80;	/* a ping echoed back is not a pong */
	assert_int_equal(ck_amt_rmcp_parse(p, sizeof(p), 0x2a, &r, &e), -1);
	assert_non_null(strstr(e.msg, "not an ASF presence pong"));
}

struct http_case {
	const char *reply;
	int rv;
	const char *version;	/* rv 1 */
	const char *why;	/* rv 0, -1 */
};

static const struct http_case http_cases[] = {
	{ "HTTP/1.1 303 See Other\r\nLocation: /logon.htm\r\nContent-Length: 0\r\n"
	  "Server: Intel(R) Active Management Technology 7.1.91\r\n\r\n", 1, "7.1.91", NULL },
	{ "HTTP/1.1 200 OK\r\nserver:Intel(R) Active Management Technology 11.8.50.3399\r\n\r\n",
	  1, "11.8.50", NULL },
	{ "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, NULL, "no Server header" },
	{ "HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n", 0, NULL, "Server is 'nginx'" },
	{ "HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology 7.1\r\n\r\n", 0,
	  NULL, "without an A.B.C version" },
	{ "HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology x.1.2\r\n\r\n", 0,
	  NULL, "without an A.B.C version" },
	{ "\x16\x03\x01 garbage\r\n\r\n", -1, NULL, "not an HTTP response" },
	{ "HTTP/1.1 200 OK\r\nServer: Intel(R) Active Management Technology 7.1.91\r\n", -1,
	  NULL, "end early" },
	/* The Server header after the blank line is body, not a header. */
	{ "HTTP/1.1 200 OK\r\n\r\nServer: Intel(R) Active Management Technology 7.1.91\r\n\r\n",
	  0, NULL, "no Server header" },
};

static void
test_http_version(void **state)
{
	struct ck_amt_version v;
	struct ck_err e;
	static unsigned char endless[CK_AMT_HEADER_MAX + 100];

	(void)state;
	for (size_t i = 0; i < sizeof(http_cases) / sizeof(http_cases[0]); i++) {
		const struct http_case *c = &http_cases[i];
		int rv = ck_amt_http_version((const unsigned char *)c->reply, strlen(c->reply), &v, &e);

		if (rv != c->rv)
			fail_msg("case %zu: rv %d, expected %d (%s)", i, rv, c->rv, e.msg);
		if (rv == 1)
			assert_string_equal(v.text, c->version);
		else if (strstr(e.msg, c->why) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, c->why);
	}
	memset(endless, 'a', sizeof(endless));
	memcpy(endless, "HTTP/1.1 200 OK\r\n", 17);
	assert_int_equal(ck_amt_http_version(endless, sizeof(endless), &v, &e), -1);
	assert_non_null(strstr(e.msg, "no end of the HTTP headers within 16384 bytes"));
}

static void
test_ports(void **state)
{
	struct ck_amt_port p[CK_AMT_PORTS_MAX];
	struct ck_err e;

	(void)state;
	assert_int_equal(ck_amt_ports_parse("16992,16993", p, &e), 2);
	assert_int_equal(p[0].tls, 0);
	assert_int_equal(p[1].tls, 1);
	assert_int_equal(ck_amt_ports_parse("8080,8443/tls,16995,80/http", p, &e), 4);
	assert_int_equal(p[1].port, 8443);
	assert_int_equal(p[1].tls, 1);
	assert_int_equal(p[2].tls, 1);
	assert_int_equal(p[3].tls, 0);
	assert_int_equal(ck_amt_ports_parse("1,2,3,4,5", p, &e), -1);
	assert_int_equal(ck_amt_ports_parse("0", p, &e), -1);
	assert_int_equal(ck_amt_ports_parse("16993/ssl", p, &e), -1);
	assert_int_equal(ck_amt_ports_parse("16992,,16993", p, &e), -1);
	assert_int_equal(ck_amt_ports_parse("", p, &e), -1);
}

/* The hosts operands name, space-separated, and the number of errors. */
static const char *
expand(char **ops, size_t n, size_t *nerr)
{
	static char out[4096];
	json_t *errors = json_array();
	struct ck_amt_targets *t = ck_amt_targets_new(ops, n, errors);
	char host[CK_AMT_HOST_MAX];
	const char *src;
	size_t o = 0;

	assert_non_null(t);
	out[0] = '\0';
	while (ck_amt_targets_next(t, host, &src) == 1)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s", o ? " " : "", host);
	*nerr = json_array_size(errors);
	ck_amt_targets_free(t);
	json_decref(errors);
	return out;
}

static void
test_targets(void **state)
{
	char *a[] = { "10.1.0.0/30", "10.1.0.8/31", "10.1.0.9/32", "10.2.0.250-10.2.1.1",
		"10.3.0.7-8", "amt01.corp.example", "[2001:db8::1]", "fe80::1" };
	char *b[] = { "10.0.0.0/8", "10.0.0.0/15", "10.1.0.5-3", "10.1.0.1-300", "bad host",
		"-x", "10.1.0.1/33", "10.1.0.1/", "10.1.0.1-10.3.0.1" };
	size_t nerr;

	(void)state;
	assert_string_equal(expand(a, 8, &nerr), "10.1.0.1 10.1.0.2 10.1.0.8 10.1.0.9 10.1.0.9 "
	    "10.2.0.250 10.2.0.251 10.2.0.252 10.2.0.253 10.2.0.254 10.2.0.255 10.2.1.0 10.2.1.1 "
	    "10.3.0.7 10.3.0.8 amt01.corp.example 2001:db8::1 fe80::1");
	assert_int_equal(nerr, 0);
	assert_string_equal(expand(b, 9, &nerr), "");
	assert_int_equal(nerr, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_cases),
		cmocka_unit_test(test_hello_fields),
		cmocka_unit_test(test_hello_limit),
		cmocka_unit_test(test_unhex),
		cmocka_unit_test(test_rmcp),
		cmocka_unit_test(test_http_version),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_targets),
	};

	ck_tool_init("test_amt");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
