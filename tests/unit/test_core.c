/*
 * Unit tests of the library core: errors and statuses, numbers and
 * durations, time, the DER reader, the record reader/writer, the
 * certificate decoder on hand-made and truncated input, a main's record
 * stream (ck_out).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_der.h"
#include "ck_grow.h"
#include "ck_json.h"
#include "ck_err.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_tool.h"

static void
test_status_worse(void **state)
{
	static const struct { int a, b, want; } t[] = {
		{ CK_OK, CK_OK, CK_OK },
		{ CK_OK, CK_WARNING, CK_WARNING },
		{ CK_WARNING, CK_UNKNOWN, CK_UNKNOWN },
		{ CK_UNKNOWN, CK_CRITICAL, CK_CRITICAL },
		{ CK_CRITICAL, CK_UNKNOWN, CK_CRITICAL },
		{ CK_CRITICAL, CK_WARNING, CK_CRITICAL },
		{ CK_UNKNOWN, CK_WARNING, CK_UNKNOWN },
		{ 7, CK_OK, CK_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(ck_status_worse(t[i].a, t[i].b), t[i].want);
		assert_int_equal(ck_status_worse(t[i].b, t[i].a), t[i].want);
	}
}

static void
test_err(void **state)
{
	struct ck_err e;

	(void)state;
	assert_int_equal(ck_err_set(&e, CK_E_PARSE, "bad %s", "thing"), -1);
	assert_string_equal(e.msg, "bad thing");
	assert_string_equal(ck_err_code_name(e.code), "parse");
	ck_err_prefix(&e, "file '%s'", "x.pem");
	assert_string_equal(e.msg, "file 'x.pem': bad thing");
	assert_string_equal(ck_err_code_name(999), "unknown");
	/* A very long message is cut, never overflows. */
	char big[2000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_err_set(&e, CK_E_IO, "%s", big);
	assert_int_equal(strlen(e.msg), CK_ERR_MSG_MAX - 1);
	ck_err_prefix(&e, "%s", big);
	assert_int_equal(strlen(e.msg), CK_ERR_MSG_MAX - 1);
}

static void
test_parse_long(void **state)
{
	static const struct { const char *s; long min, max; int ok; long want; } t[] = {
		{ "8", 1, 256, 1, 8 }, { "256", 1, 256, 1, 256 }, { "0", 1, 256, 0, 0 },
		{ "257", 1, 256, 0, 0 }, { "-1", -5, 5, 1, -1 }, { "", 0, 9, 0, 0 },
		{ "12x", 0, 99, 0, 0 }, { "x", 0, 99, 0, 0 }, { "99999999999999999999", 0, 9, 0, 0 },
		{ " 5", 0, 9, 1, 5 },
	};
	struct ck_err e;
	long v;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = ck_parse_long(t[i].s, t[i].min, t[i].max, &v, &e);

		assert_int_equal(r, t[i].ok ? 0 : -1);
		if (t[i].ok)
			assert_int_equal(v, t[i].want);
		else
			assert_int_equal(e.code, CK_E_USAGE);
	}
}

static void
test_duration(void **state)
{
	static const struct { const char *s; int ok; long long want; } t[] = {
		{ "30", 1, 30LL * 86400 }, { "30d", 1, 30LL * 86400 }, { "12h", 1, 12LL * 3600 },
		{ "2w", 1, 14LL * 86400 }, { "90m", 1, 90LL * 60 }, { "45s", 1, 45 },
		{ "0", 1, 0 }, { "", 0, 0 }, { "d", 0, 0 }, { "-3d", 0, 0 }, { "3x", 0, 0 },
		{ "3dd", 0, 0 }, { "1.5d", 0, 0 }, { "99999999999999999999", 0, 0 },
		{ "100000w", 0, 0 },
	};
	struct ck_err e;
	long long v;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = ck_parse_duration(t[i].s, &v, &e);

		assert_int_equal(r, t[i].ok ? 0 : -1);
		if (t[i].ok)
			assert_int_equal(v, t[i].want);
	}
}

static void
test_time(void **state)
{
	static const struct { const char *s; int ok; long long want; } t[] = {
		{ "1970-01-01T00:00:00Z", 1, 0 },
		{ "2026-08-30T00:00:00Z", 1, 1788048000LL },
		{ "2026-08-30", 1, 1788048000LL },
		{ "2026-08-30t00:00:00z", 1, 1788048000LL },
		{ "2026-08-30 02:00:00+02:00", 1, 1788048000LL },
		{ "2026-08-29T19:00:00-05:00", 1, 1788048000LL },
		{ "2026-08-30T00:00:00.123456Z", 1, 1788048000LL },
		{ "2024-02-29T12:00:00Z", 1, 1709208000LL },
		{ "2050-01-01T00:00:00Z", 1, 2524608000LL },
		{ "2025-02-29T00:00:00Z", 0, 0 },
		{ "2026-13-01T00:00:00Z", 0, 0 },
		{ "2026-08-30T24:00:00Z", 0, 0 },
		{ "2026-08-30T00:00:00", 0, 0 },
		{ "2026-08-30T00:00Z", 0, 0 },
		{ "2026-8-30", 0, 0 },
		{ "yesterday", 0, 0 },
		{ "", 0, 0 },
		{ "2026-08-30T00:00:00Zjunk", 0, 0 },
	};
	struct ck_err e;
	time_t v;
	char buf[CK_TIME_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = ck_time_parse(t[i].s, &v, &e);

		assert_int_equal(r, t[i].ok ? 0 : -1);
		if (t[i].ok)
			assert_int_equal((long long)v, t[i].want);
	}
	ck_time_format(1788048000, buf);
	assert_string_equal(buf, "2026-08-30T00:00:00Z");
	/* Formatting agrees with parsing across centuries, leap days, second by day. */
	for (long long x = -2208988800LL; x < 4102444800LL; x += 86399 * 7 + 3601) {
		time_t back;

		ck_time_format((time_t)x, buf);
		assert_int_equal(ck_time_parse(buf, &back, &e), 0);
		assert_int_equal((long long)back, x);
	}
	ck_time_format(951782400, buf);		/* 2000-02-29, a leap day */
	assert_string_equal(buf, "2000-02-29T00:00:00Z");
	ck_time_format(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

static void
test_clock(void **state)
{
	struct ck_clock c;
	struct ck_err e;

	(void)state;
	setenv("CERTKIT_NOW", "2026-01-02T03:04:05Z", 1);
	assert_int_equal(ck_clock_init(&c, NULL, &e), 0);
	assert_int_equal((long long)ck_clock_now(&c), 1767323045LL);
	assert_int_equal(c.fixed, 1);
	/* --at wins over the environment. */
	assert_int_equal(ck_clock_init(&c, "2026-08-30T00:00:00Z", &e), 0);
	assert_int_equal((long long)ck_clock_now(&c), 1788048000LL);
	assert_int_equal(ck_clock_init(&c, "tomorrow", &e), -1);
	assert_int_equal(e.code, CK_E_USAGE);
	setenv("CERTKIT_NOW", "garbage", 1);
	assert_int_equal(ck_clock_init(&c, NULL, &e), -1);
	unsetenv("CERTKIT_NOW");
	assert_int_equal(ck_clock_init(&c, NULL, &e), 0);
	assert_int_equal(c.fixed, 0);
	/* The monotonic clock ignores CERTKIT_NOW and never goes back. */
	{
		long long a = ck_mono_ms(), b;
		struct timespec ten = { 0, 10 * 1000000 };

		setenv("CERTKIT_NOW", "2000-01-01T00:00:00Z", 1);
		nanosleep(&ten, NULL);
		b = ck_mono_ms();
		unsetenv("CERTKIT_NOW");
		assert_true(a > 0);
		assert_true(b - a >= 10 && b - a < 60000);
	}
}

static void
test_grow(void **state)
{
	size_t cap = 0;
	int *v = NULL, *nv;

	(void)state;
	for (size_t n = 0; n < 100; n++) {
		assert_non_null(nv = ck_grow(v, &cap, n + 1, sizeof(*v), 8));
		v = nv;
		v[n] = (int)n;
		assert_true(cap >= n + 1);
	}
	assert_int_equal(cap, 128);	/* 8 doubled: 16, 32, 64, 128 */
	for (size_t n = 0; n < 100; n++)
		assert_int_equal(v[n], (int)n);
	assert_ptr_equal(ck_grow(v, &cap, 128, sizeof(*v), 8), v);	/* room: unchanged */
	assert_int_equal(cap, 128);
	assert_non_null(nv = ck_grow(v, &cap, 1000, sizeof(*v), 8));	/* more than double */
	v = nv;
	assert_int_equal(cap, 1024);
	/* overflow: refused, array and capacity left as they were */
	assert_null(ck_grow(v, &cap, SIZE_MAX / 2 + 2, sizeof(*v), 8));
	assert_null(ck_grow(v, &cap, 1025, SIZE_MAX / 1024, 8));
	assert_int_equal(cap, 1024);
	assert_int_equal(v[99], 99);
	free(v);
}

static void
test_der(void **state)
{
	/* Each: bytes, whether one element parses from them. */
	static const struct { const char *hex; int ok; } t[] = {
		{ "3000", 1 },			/* empty SEQUENCE */
		{ "020101", 1 },		/* INTEGER 1 */
		{ "0201", 0 },			/* truncated contents */
		{ "02", 0 },			/* no length */
		{ "3080", 0 },			/* indefinite length */
		{ "308101", 0 },		/* long form, truncated */
		{ "3081030101", 0 },		/* declares 3 bytes, has 2 */
		{ "3085ffffffffff", 0 },	/* 5 length octets */
		{ "1f", 0 },			/* high tag, nothing after */
		{ "1f1e00", 0 },		/* high tag number < 31 */
		{ "1f810000", 1 },		/* high tag 128, empty */
		{ "", 0 },
	};
	unsigned char buf[64];
	struct ck_der d;
	struct ck_der_elem e;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = strlen(t[i].hex) / 2;

		for (size_t k = 0; k < n; k++)
			sscanf(t[i].hex + 2 * k, "%2hhx", &buf[k]);
		ck_der_init(&d, buf, n);
		assert_int_equal(ck_der_next(&d, &e), t[i].ok ? 0 : -1);
	}
}

static void
test_oid(void **state)
{
	static const struct { const char *hex; const char *want; } t[] = {
		{ "2a864886f70d010101", "1.2.840.113549.1.1.1" },
		{ "551d13", "2.5.29.19" },
		{ "6086480186f84d010203", "2.16.840.1.113741.1.2.3" },
		{ "2b0601040182371402 02", "1.3.6.1.4.1.311.20.2.2" },
		{ "2a80", NULL },		/* non-minimal / truncated */
		{ "2a86", NULL },		/* continuation without end */
	};
	unsigned char buf[64];
	char out[128];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = 0;
		const char *h = t[i].hex;

		while (*h) {
			if (*h == ' ') {
				h++;
				continue;
			}
			sscanf(h, "%2hhx", &buf[n++]);
			h += 2;
		}
		if (t[i].want != NULL) {
			assert_int_equal(ck_der_oid_str(buf, n, out, sizeof(out)), 0);
			assert_string_equal(out, t[i].want);
		} else {
			assert_int_equal(ck_der_oid_str(buf, n, out, sizeof(out)), -1);
		}
	}
	/* An output buffer too small is an error, never an overflow. */
	buf[0] = 0x2a;
	assert_int_equal(ck_der_oid_str(buf, 1, out, 3), -1);
}

/* Reads every record from a string; returns the kinds joined by spaces. */
static void
read_all(const char *text, char *kinds, size_t size)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct ck_reader *r = ck_reader_new(fp, "t");
	struct ck_err e;
	json_t *rec;
	int res;

	kinds[0] = '\0';
	while ((res = ck_reader_next(r, &rec, &e)) > 0) {
		const char *k = ck_record_kind(rec);

		strncat(kinds, res == CK_READ_BROKEN ? "BROKEN" : k, size - strlen(kinds) - 1);
		strncat(kinds, " ", size - strlen(kinds) - 1);
		json_decref(rec);
	}
	assert_int_equal(res, CK_READ_EOF);
	ck_reader_free(r);
	fclose(fp);
}

static void
test_reader(void **state)
{
	static const struct { const char *in; const char *want; } t[] = {
		{ "{\"kind\":\"cert\",\"v\":1}\n", "cert " },
		{ "{\"kind\":\"cert\"}\n\n  \n{\"kind\":\"x\"}", "cert x " },
		{ "{\"kind\":\"a\"}\r\n{\"kind\":\"b\"}\r\n", "a b " },
		{ "not json\n{\"kind\":\"ok\"}\n", "BROKEN ok " },
		{ "[1,2]\n\"s\"\n{\"v\":1}\n{\"kind\":3}\n", "BROKEN BROKEN BROKEN BROKEN " },
		{ "{\"kind\":\"a\",\"kind\":\"b\"}\n", "BROKEN " },
		{ "{\"kind\":\"trunc", "BROKEN " },
		{ "", "" },
		{ "\n{\"kind\":\"a\"}\n", "a " },	/* an empty first line (found by fuzzing) */
		{ "\n\n\n", "" },
	};
	char kinds[256];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		read_all(t[i].in, kinds, sizeof(kinds));
		assert_string_equal(kinds, t[i].want);
	}
}

static void
test_reader_error_record(void **state)
{
	const char *text = "{\"kind\":\"a\"}\n{oops\n";
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct ck_reader *r = ck_reader_new(fp, "stdin");
	struct ck_err e;
	json_t *rec;

	(void)state;
	assert_int_equal(ck_reader_next(r, &rec, &e), CK_READ_RECORD);
	json_decref(rec);
	assert_int_equal(ck_reader_next(r, &rec, &e), CK_READ_BROKEN);
	assert_true(ck_record_is(rec, "error"));
	assert_string_equal(json_string_value(json_object_get(rec, "source")), "stdin");
	assert_string_equal(json_string_value(json_object_get(rec, "code")), "parse");
	assert_non_null(strstr(json_string_value(json_object_get(rec, "message")), "line 2"));
	json_decref(rec);
	ck_reader_free(r);
	fclose(fp);
}

/* The record parser accepts and refuses exactly what jansson does, with equal values. */
static void
test_json_parser_agrees_with_jansson(void **state)
{
	static const char *const t[] = {
		"{}", "[]", "{\"a\":1}", "{\"a\":[1,2.5,-0,1e3,true,false,null,{}]}",
		"{\"s\":\"\\u00e9\\n\\t\\\"\\\\\\/\"}", "{\"s\":\"\\ud83d\\ude00\"}",
		"{\"s\":\"\xc3\xa9\"}", " \t{ \"a\" : 1 } \r\n",
		"{\"a\":9223372036854775807}", "{\"a\":-9223372036854775808}",
		"{\"a\":1e-400}", "{\"a\":0.1}", "{\"a\":-1.5E+3}", "{\"a\":\"x\\u0000y\"}",
		/* refused */
		"", "1", "\"s\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "{a:1}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":1e}",
		"{\"a\":9223372036854775808}", "{\"a\":1e400}", "{\"\\u0000\":1}",
		"{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\x\"}",
		"{\"a\":\"\x01\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}",
		"{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":1,\"a\":2}", "{} {}", "{}x",
		"{\"a\":tru}", "{\"a\":nul}", "[[[[[[[[[[]]]]]]]]]", "{\"a\":\"unterminated}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char why[200];
		json_error_t je;
		json_t *a = ck_json_parse(t[i], strlen(t[i]), why, sizeof(why));
		json_t *b = json_loadb(t[i], strlen(t[i]), JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);

		if ((a == NULL) != (b == NULL))
			fail_msg("case %zu '%s': ck_json %s, jansson %s", i, t[i],
			    a ? "accepts" : "refuses", b ? "accepts" : "refuses");
		if (a != NULL)
			assert_true(json_equal(a, b));
		json_decref(a);
		json_decref(b);
	}
}

static void
test_writer(void **state)
{
	json_t *r = ck_record_new("x");
	char *s;
	json_t *back;
	json_error_t je;

	(void)state;
	json_object_set_new(r, "s", json_string("a\"b\\c\n\t\x01/é"));
	json_object_set_new(r, "n", json_integer(-42));
	json_object_set_new(r, "f", json_real(12.5));
	json_object_set_new(r, "g", json_real(3.0));
	json_object_set_new(r, "t", json_true());
	json_object_set_new(r, "z", json_null());
	json_object_set_new(r, "a", json_pack("[i,s,{}]", 1, "two"));
	s = ck_record_dumps(r);
	assert_string_equal(s, "{\"kind\":\"x\",\"v\":1,\"s\":\"a\\\"b\\\\c\\n\\t\\u0001/é\","
	    "\"n\":-42,\"f\":12.5,\"g\":3.0,\"t\":true,\"z\":null,\"a\":[1,\"two\",{}]}");
	back = json_loads(s, 0, &je);
	assert_non_null(back);
	assert_true(json_equal(back, r));
	json_decref(back);
	free(s);
	json_decref(r);
}

static void
test_finding_and_error(void **state)
{
	json_t *f = ck_finding_new("amt.ca_key_too_large", "critical", "too big", "ConfigMgr 2007 SP1 prerequisites (cc161785)", NULL);
	json_t *e = ck_error_record("x.pem", "bad\xff", "parse");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(f, "rule")), "amt.ca_key_too_large");
	assert_null(json_object_get(f, "subject"));
	/* Invalid UTF-8 in a message never loses the record. */
	assert_true(ck_record_is(e, "error"));
	assert_non_null(json_object_get(e, "message"));
	json_decref(f);
	json_decref(e);
}

static int
count_emit(void *ctx, json_t *rec)
{
	int *n = ctx;

	n[ck_record_is(rec, "cert") ? 0 : 1]++;
	json_decref(rec);
	return 0;
}

static void
test_cert_truncations(void **state)
{
	/* Every prefix of a real certificate is refused cleanly. */
	unsigned char *der;
	size_t len;
	struct ck_err e;
	struct ck_source src = { "file", "t", 0 };
	json_t *rec;

	(void)state;
	if (ck_read_file("tests/fixtures/read/amt-prov.der", 1 << 20, &der, &len, &e) != 0)
		skip();
	rec = ck_cert_record(der, len, &src, 0, &e);
	assert_non_null(rec);
	assert_true(json_is_true(json_object_get(json_object_get(rec, "amt"), "provisioning_oid")));
	json_decref(rec);
	for (size_t n = 0; n < len; n++) {
		rec = ck_cert_record(der, n, &src, 0, &e);
		assert_null(rec);
		assert_int_equal(e.code, CK_E_PARSE);
	}
	/* Single flipped bytes never crash; most are refused. */
	for (size_t i = 0; i < len; i++) {
		unsigned char save = der[i];

		der[i] ^= 0x5a;
		json_decref(ck_cert_record(der, len, &src, 0, &e));
		der[i] = save;
	}
	free(der);
}

static void
test_load_buffer(void **state)
{
	static const struct { const char *in; int certs, errors; } t[] = {
		{ "", 0, 1 },
		{ "hello", 0, 1 },
		{ "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 0, 1 },
		{ "-----BEGIN CERTIFICATE-----\nAAAA\n", 0, 1 },
		{ "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0, 1 },
		{ "-----BEGIN ", 0, 1 },
		{ "\x30\x03\x02\x01\x03", 0, 1 },
	};
	struct ck_load_opts o;

	(void)state;
	ck_load_opts_init(&o);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int n[2] = { 0, 0 };

		ck_load_buffer((const unsigned char *)t[i].in, strlen(t[i].in) ? strlen(t[i].in) : 0,
		    "file", "t", &o, count_emit, n);
		if (i == 6)
			ck_load_buffer((const unsigned char *)t[i].in, 5, "file", "t", &o, count_emit, n);
		assert_int_equal(n[0], t[i].certs);
		assert_true(n[1] >= t[i].errors);
	}
}

static void
test_eku_names(void **state)
{
	(void)state;
	assert_string_equal(ck_eku_short_name("1.3.6.1.5.5.7.3.1"), "server_auth");
	assert_string_equal(ck_eku_short_name(CK_OID_AMT_PROVISIONING), "amt_provisioning");
	assert_string_equal(ck_eku_short_name("2.5.29.37.0"), "any_purpose");
	assert_null(ck_eku_short_name("1.2.3.4"));
}

static void
test_path_join(void **state)
{
	static const char *const t[][3] = {
		{ "/etc/ssl/certs/", "a.pem", "/etc/ssl/certs/a.pem" },
		{ "/etc/ssl/certs", "a.pem", "/etc/ssl/certs/a.pem" },
		{ "/", "etc", "/etc" },
		{ "", "a.pem", "a.pem" },
		{ ".", "a.pem", "./a.pem" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *p = ck_path_join(t[i][0], t[i][1]);

		assert_non_null(p);
		assert_string_equal(p, t[i][2]);
		free(p);
	}
	{
		char buf[32];

		assert_int_equal(ck_path_fmt(buf, sizeof(buf), "/srv/certkit/", "policy", NULL), 0);
		assert_string_equal(buf, "/srv/certkit/policy");
		assert_int_equal(ck_path_fmt(buf, sizeof(buf), "policy/", "amt", "json"), 0);
		assert_string_equal(buf, "policy/amt.json");
		assert_int_equal(ck_path_fmt(buf, sizeof(buf), "policy", "amt", "json"), 0);
		assert_string_equal(buf, "policy/amt.json");
		assert_int_equal(ck_path_fmt(buf, 8, "policy", "amt", "json"), -1);
	}
}

/* ck_record_lines: every record on its own line, in order; empty array -> NULL. */
static void
test_record_lines(void **state)
{
	json_t *recs = json_array();
	size_t failed = 9;
	char *text;
	int i;

	(void)state;
	assert_null(ck_record_lines(recs, &failed));
	assert_int_equal(failed, 0);
	for (i = 0; i < 300; i++)
		json_array_append_new(recs, json_pack("{s:s, s:i, s:s}", "kind", "x", "n", i,
		    "pad", "0123456789abcdef0123456789abcdef"));
	text = ck_record_lines(recs, &failed);
	assert_non_null(text);
	assert_int_equal(failed, 0);
	assert_true(strncmp(text, "{\"kind\":\"x\",\"n\":0,", 16) == 0);
	assert_non_null(strstr(text, "\"n\":299,"));
	for (i = 0; text[i] != '\0'; i++)
		failed += text[i] == '\n';
	assert_int_equal(failed, 300);
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
	json_decref(recs);
}

static void
print_kind(FILE *fp, const json_t *rec)
{
	fprintf(fp, "text %s\n", ck_record_kind(rec));
}

/* What fp holds, from its start (malloc'd). */
static char *
slurp(FILE *fp)
{
	char *buf = calloc(1, 4096);

	rewind(fp);
	buf[fread(buf, 1, 4095, fp)] = '\0';
	return buf;
}

/*
 * ck_out_put: JSON writes every record, text prints through .text but an
 * error record only on stderr (escaped), every error record makes the
 * status UNKNOWN, and a stdout that cannot be written returns -1.
 */
static void
test_out_put(void **state)
{
	struct ck_out json = { .format = CK_FMT_JSON }, text = { .format = CK_FMT_TEXT,
		.text = print_kind }, full = { .format = CK_FMT_JSON, .flush = 1 }, quiet = { 0 };	/* zero: JSON */
	FILE *o = tmpfile(), *e = tmpfile();
	int so = dup(1), se = dup(2), devfull = open("/dev/full", O_WRONLY);
	int r_err, r_cert, r_text_err, r_text, r_full, r_quiet;
	char *out, *err;

	(void)state;
	assert_non_null(o);
	assert_non_null(e);
	ck_tool_init("test_core");
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(o), 1);
	dup2(fileno(e), 2);
	r_err = ck_out_put(&json, ck_error_record("src\x1b[2J", "no such file", "io"));
	r_cert = ck_out_put(&json, ck_record_new("cert"));
	r_text_err = ck_out_put(&text, ck_error_record(NULL, "bad line", "parse"));
	r_text = ck_out_put(&text, ck_record_new("amt"));
	r_quiet = ck_out_put(&quiet, ck_record_new("cert"));
	fflush(stdout);
	fflush(stderr);
	if (devfull >= 0)
		dup2(devfull, 1);
	r_full = ck_out_put(&full, ck_record_new("cert"));
	dup2(so, 1);
	dup2(se, 2);
	clearerr(stdout);
	out = slurp(o);
	err = slurp(e);
	assert_int_equal(r_err, 0);
	assert_int_equal(r_cert, 0);
	assert_int_equal(r_text_err, 0);
	assert_int_equal(r_text, 0);
	assert_int_equal(json.status, CK_UNKNOWN);
	assert_int_equal(json.errors, 1);
	assert_int_equal(text.status, CK_UNKNOWN);
	assert_int_equal(quiet.status, CK_OK);
	assert_int_equal(r_quiet, 0);
	assert_string_equal(out,
	    "{\"kind\":\"error\",\"v\":1,\"source\":\"src\\u001b[2J\",\"message\":\"no such file\","
	    "\"code\":\"io\"}\n{\"kind\":\"cert\",\"v\":1}\ntext amt\n{\"kind\":\"cert\",\"v\":1}\n");
	assert_null(strchr(err, '\x1b'));	/* the escape never reaches a terminal */
	assert_non_null(strstr(err, "test_core: 'src"));
	assert_non_null(strstr(err, "': no such file\ntest_core: '-': bad line\n"));
	if (devfull >= 0) {
		assert_int_equal(r_full, -1);
		assert_int_equal(full.status, CK_UNKNOWN);
		close(devfull);
	}
	free(out);
	free(err);
	fclose(o);
	fclose(e);
	close(so);
	close(se);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_worse),
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_parse_long),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_der),
		cmocka_unit_test(test_oid),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_reader_error_record),
		cmocka_unit_test(test_json_parser_agrees_with_jansson),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_finding_and_error),
		cmocka_unit_test(test_cert_truncations),
		cmocka_unit_test(test_load_buffer),
		cmocka_unit_test(test_eku_names),
		cmocka_unit_test(test_record_lines),
		cmocka_unit_test(test_out_put),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
