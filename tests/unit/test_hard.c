/*
 * Unit tests for the hardening fixes of issue 14: the one text escaper,
 * and the other shared mechanisms as they land.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ck_text.h"
#include "ck_url.h"

static void
test_text_escape(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{ "plain CN=Zürich", 16, "plain CN=Zürich" },
		{ "a\nb\rc\td", 7, "a\\nb\\rc\\td" },
		{ "\033]0;title\007", 10, "\\x1b]0;title\\x07" },
		{ "del\177", 4, "del\\x7f" },
		{ "nul\0after", 9, "nul\\x00after" },
		{ "c1 \xc2\x9b" "2J", 7, "c1 \\u009b2J" },		/* U+009B CSI */
		{ "bidi \xe2\x80\xae" "gpj.exe", 15, "bidi \\u202egpj.exe" },
		{ "latin1 \xe9t\xe9", 10, "latin1 \\xe9t\\xe9" },	/* not UTF-8 */
		{ "overlong \xc0\xaf", 11, "overlong \\xc0\\xaf" },
		{ "surrogate \xed\xa0\x80", 13, "surrogate \\xed\\xa0\\x80" },
		{ "back\\slash kept", 15, "back\\slash kept" },
	};
	char buf[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_text_escape(cases[i].in, cases[i].len, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(ck_text_needs_escape(cases[i].in, cases[i].len),
		    strcmp(cases[i].in, cases[i].want) != 0 || cases[i].len != strlen(cases[i].in));
	}
	/* Too long: cut at a character, marked "...", always terminated. */
	ck_text_escape("abcdefghij", 10, buf, 8);
	assert_string_equal(buf, "abcd...");
	ck_text_escape("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, buf, 8);
	assert_string_equal(buf, "\xc3\xa9\xc3\xa9...");
	assert_string_equal(ck_text(NULL, buf, sizeof(buf)), "");
}

static void
test_url(void **state)
{
	static const char *const schemes[] = { "tls", "https", "http", "ldap", "ldaps", NULL };
	static const struct {
		const char *in;
		int flags;
		const char *host;	/* NULL: must fail */
		unsigned port;
		const char *rest;
	} cases[] = {
		{ "tls://127.0.0.1:16993", CK_URL_NEED_PORT, "127.0.0.1", 16993, "" },
		{ "tls://[2001:db8::1]:1", CK_URL_NEED_PORT, "2001:db8::1", 1, "" },
		{ "tls://h:65535", CK_URL_NEED_PORT, "h", 65535, "" },
		{ "HTTPS://pki.example.com/x.crt", 0, "pki.example.com", 443, "/x.crt" },
		{ "http://pki.example.com:8080?q", 0, "pki.example.com", 8080, "?q" },
		{ "ldaps://dc1.corp.example", 0, "dc1.corp.example", 636, "" },
		{ "ldap://dc1/CN=x?cACertificate", 0, "dc1", 389, "/CN=x?cACertificate" },
		{ "tls://127.0.0.1:99999", CK_URL_NEED_PORT, NULL, 0, NULL },	/* was port 34463 */
		{ "tls://127.0.0.1:65536", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://127.0.0.1:0", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://127.0.0.1:", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://127.0.0.1", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://h:+1", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://h:0x10", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://h:99999999999999999999", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://::1:443", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://[::1:443", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://[::1]x:443", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://[zz]:443", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "tls://:443", CK_URL_NEED_PORT, NULL, 0, NULL },
		{ "https://user:pw@host/", 0, NULL, 0, NULL },
		{ "https://ho st/", 0, NULL, 0, NULL },
		{ "ftp://host/", 0, NULL, 0, NULL },
		{ "host:443", 0, NULL, 0, NULL },
	};
	struct ck_url u;
	struct ck_hostport hp;
	struct ck_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ck_url_parse(cases[i].in, schemes, cases[i].flags, &u, &err);

		if (cases[i].host == NULL) {
			if (rc == 0)
				fail_msg("accepted: %s", cases[i].in);
			assert_int_equal(err.code, CK_E_USAGE);
			continue;
		}
		if (rc != 0)
			fail_msg("refused: %s: %s", cases[i].in, err.msg);
		assert_string_equal(u.hp.host, cases[i].host);
		assert_int_equal(u.hp.port, cases[i].port);
		assert_string_equal(u.rest, cases[i].rest);
	}
	assert_int_equal(ck_hostport_parse("[::1]", 443, 0, &hp, &err), 0);
	assert_string_equal(hp.host, "::1");
	assert_string_equal(hp.port_str, "443");
	assert_int_equal(hp.has_port, 0);
	assert_int_equal(ck_hostport_parse("h", 0, 0, &hp, &err), -1);
	assert_string_equal(err.msg, "no port (HOST:PORT)");
	assert_int_equal(ck_hostport_parse("h:99999", 0, 0, &hp, &err), -1);
	assert_string_equal(err.msg, "port '99999' is not a number from 1 to 65535");
	/* a host alone (cert-amt targets, cert-prereq hosts) */
	assert_int_equal(ck_hostport_parse("[2001:db8::1]", 0, CK_URL_NO_PORT, &hp, &err), 0);
	assert_string_equal(hp.host, "2001:db8::1");
	assert_int_equal(hp.v6, 1);
	assert_string_equal(hp.port_str, "");
	assert_int_equal(ck_hostport_parse("[::1]:443", 0, CK_URL_NO_PORT, &hp, &err), -1);
	assert_int_equal(ck_hostport_parse("h:443", 0, CK_URL_NO_PORT, &hp, &err), -1);
	assert_int_equal(ck_hostport_parse("[::1", 0, CK_URL_NO_PORT, &hp, &err), -1);
	/* "[ADDR:]PORT" (cert-amt hello --listen) */
	assert_int_equal(ck_listen_parse("9971", &hp, &err), 0);
	assert_string_equal(hp.host, "");
	assert_int_equal(hp.port, 9971);
	assert_int_equal(ck_listen_parse("0", &hp, &err), 0);
	assert_int_equal(hp.port, 0);
	assert_int_equal(ck_listen_parse("127.0.0.1:0", &hp, &err), 0);
	assert_string_equal(hp.host, "127.0.0.1");
	assert_int_equal(hp.port, 0);
	assert_string_equal(hp.port_str, "0");
	assert_int_equal(ck_listen_parse("127.0.0.1:9971", &hp, &err), 0);
	assert_string_equal(hp.host, "127.0.0.1");
	assert_int_equal(hp.port, 9971);
	assert_int_equal(hp.v6, 0);
	assert_int_equal(ck_listen_parse("[::1]:65535", &hp, &err), 0);
	assert_string_equal(hp.host, "::1");
	assert_int_equal(hp.port, 65535);
	assert_int_equal(hp.v6, 1);
	assert_int_equal(ck_listen_parse("[::]:0", &hp, &err), 0);
	assert_string_equal(hp.host, "::");
	static const char *const bad[] = { "", "65536", "-1", "+80", " 80", "80x", ":80",
	    "127.0.0.1:", "127.0.0.1:65536", "::1:80", "[::1]", "[::1]80", "[::1]:",
	    "127.0.0.1::0", "h:0x10" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ck_listen_parse(bad[i], &hp, &err) == 0)
			fail_msg("listen accepted: '%s'", bad[i]);
	assert_int_equal(ck_listen_parse("127.0.0.1:99999", &hp, &err), -1);
	assert_string_equal(err.msg, "port '99999' is not a number from 1 to 65535");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escape),
		cmocka_unit_test(test_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
