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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
