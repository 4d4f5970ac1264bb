/*
 * Unit tests of ck_opt: the option table drives parsing (flags, strings,
 * repeatable lists, checked parsers, commands), the usage text and the
 * completion words; usage errors are reported, not ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ck_num.h"
#include "ck_opt.h"
#include "ck_tool.h"

static int all;
static const char *format;
static struct ck_strv roots;
static long jobs;

static int
parse_jobs(const char *arg, void *target, struct ck_err *err)
{
	return ck_parse_long(arg, 1, 64, (long *)target, err);
}

static const struct ck_opt opts[] = {
	{ .name = "all", .short_name = 'a', .desc = "everything", .type = CK_OPT_FLAG,
	    .target = &all },
	{ .name = "format", .short_name = 'f', .arg = "json|text", .desc = "output format",
	    .type = CK_OPT_STR, .target = &format, .complete = "json text" },
	{ .name = "roots", .arg = "FILE", .desc = "anchors", .type = CK_OPT_LIST,
	    .target = &roots, .complete = CK_COMPLETE_FILE },
	{ .name = "jobs", .short_name = 'j', .arg = "N", .desc = "workers",
	    .type = CK_OPT_PARSE, .target = &jobs, .parse = parse_jobs },
	{ .name = "old-roots", .arg = "FILE", .type = CK_OPT_LIST, .target = &roots,
	    .replaced_by = "roots" },
	{ .name = NULL }
};
static const struct ck_tool_def def = { .prog = "cert-x", .opts = opts,
	.operands = "[SOURCE ...]" };

static const struct ck_opt cmd_opts[] = {
	{ .name = "dir", .short_name = 'd', .arg = "DIR", .desc = "the CA",
	    .type = CK_OPT_STR, .target = &format, .cmds = 0x3 },
	{ .name = "csr", .arg = "FILE", .desc = "a request", .type = CK_OPT_LIST,
	    .target = &roots, .cmds = 0x2 },
	{ .name = NULL }
};
static const struct ck_cmd cmds[] = {
	{ .name = "init", .operands = "", .desc = "set up" },
	{ .name = "sign", .operands = "[CSR ...]", .desc = "sign" },
	{ .name = NULL }
};
static const struct ck_tool_def cdef = { .prog = "cert-y", .opts = cmd_opts, .cmds = cmds };

static void
reset(void)
{
	all = 0;
	format = NULL;
	ck_strv_release(&roots);
	jobs = 0;
}

static void
test_parse(void **state)
{
	char *argv[] = { "cert-x", "-a", "--format", "text", "--roots", "r1", "x",
		"--roots=r2", "-j", "9", "--old-roots", "r3", NULL };
	int first = -1;

	(void)state;
	reset();
	assert_int_equal(ck_opt_parse(&def, 12, argv, &first, NULL), CK_OPT_OK);
	assert_int_equal(all, 1);
	assert_string_equal(format, "text");
	assert_int_equal(roots.n, 3);
	assert_string_equal(roots.v[1], "r2");
	assert_int_equal(jobs, 9);
	assert_string_equal(argv[first], "x");
}

static void
test_errors(void **state)
{
	char *a1[] = { "cert-x", "--nope", NULL };
	char *a2[] = { "cert-x", "--format", NULL };
	char *a3[] = { "cert-x", "-j", "0", NULL };
	char *a4[] = { "cert-y", "init", "--csr", "x", NULL };
	char *a5[] = { "cert-y", "frob", NULL };
	char *a6[] = { "cert-y", "sign", "-d", "ca", "--csr", "c", "z", NULL };
	int first, cmd;

	(void)state;
	reset();
	assert_int_equal(ck_opt_parse(&def, 2, a1, &first, NULL), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&def, 2, a2, &first, NULL), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&def, 3, a3, &first, NULL), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&cdef, 4, a4, &first, &cmd), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&cdef, 2, a5, &first, &cmd), CK_OPT_USAGE);
	reset();
	assert_int_equal(ck_opt_parse(&cdef, 7, a6, &first, &cmd), CK_OPT_OK);
	assert_int_equal(cmd, 1);
	assert_string_equal(format, "ca");
	assert_string_equal(a6[first], "z");
	reset();
}

/*
 * ck_opt_start maps the result to the exit status (-1: go on, 0: --help
 * printed, 3: usage error); operands where none are taken, a time and a
 * duration that do not parse, are usage errors; the typed parsers store.
 */
static time_t t_at;
static long long t_dur;
static const struct ck_opt typed_opts[] = {
	{ .name = "at", .arg = "TIME", .type = CK_OPT_PARSE, .target = &t_at,
	    .parse = ck_opt_time },
	{ .name = "warn", .arg = "DUR", .type = CK_OPT_PARSE, .target = &t_dur,
	    .parse = ck_opt_duration },
	{ .name = NULL }
};
static const struct ck_tool_def tdef = { .prog = "cert-t", .opts = typed_opts };

static void
test_start_and_typed(void **state)
{
	char *ok[] = { "cert-t", "--at", "2026-01-02T03:04:05Z", "--warn", "2d", NULL };
	char *help[] = { "cert-t", "--help", NULL };
	char *extra[] = { "cert-t", "stray", NULL };
	char *bad_time[] = { "cert-t", "--at", "yesterday", NULL };
	char *bad_dur[] = { "cert-t", "--warn", "2x", NULL };
	char *init_extra[] = { "cert-y", "init", "stray", NULL };
	char *sign_extra[] = { "cert-y", "sign", "c1", NULL };
	int first, cmd;
	FILE *saved = stdout;

	(void)state;
	assert_int_equal(ck_opt_start(&tdef, 5, ok, &first, NULL), -1);
	assert_int_equal((long long)t_at, 1767323045LL);
	assert_int_equal(t_dur, 2 * 86400);
	assert_int_equal(first, 5);
	stdout = fopen("/dev/null", "w");
	assert_non_null(stdout);
	assert_int_equal(ck_opt_start(&tdef, 2, help, &first, NULL), 0);
	stdout = saved;
	assert_int_equal(ck_opt_start(&tdef, 2, extra, &first, NULL), 3);
	assert_int_equal(ck_opt_start(&tdef, 3, bad_time, &first, NULL), 3);
	assert_int_equal(ck_opt_start(&tdef, 3, bad_dur, &first, NULL), 3);
	assert_int_equal(ck_opt_start(&cdef, 3, init_extra, &first, &cmd), 3);
	assert_int_equal(ck_opt_start(&cdef, 3, sign_extra, &first, &cmd), -1);
	assert_int_equal(cmd, 1);
	assert_int_equal(ck_opt_usage_error(&tdef, "--at", "why"), 3);
	reset();
}

/* Reads what f printed into a static buffer. */
static const char *
capture(void (*f)(FILE *))
{
	static char buf[4096];
	FILE *fp = fmemopen(buf, sizeof(buf) - 1, "w");

	f(fp);
	fclose(fp);
	return buf;
}

static void usage_x(FILE *fp) { ck_opt_usage(&def, fp); }
static void usage_y(FILE *fp) { ck_opt_usage(&cdef, fp); }
static void words_y(FILE *fp) { ck_opt_complete(&cdef, "init", NULL, fp); }
static void hint_x(FILE *fp) { ck_opt_complete(&def, NULL, "--format", fp); }

static void
test_usage_and_completion(void **state)
{
	(void)state;
	assert_string_equal(capture(usage_x),
	    "usage: cert-x [-a] [-f json|text] [--roots FILE] [-j N] [SOURCE ...]\n"
	    "       cert-x -h | --help | --version\n");
	assert_string_equal(capture(usage_y),
	    "usage: cert-y init [-d DIR]\n"
	    "       cert-y sign [-d DIR] [--csr FILE] [CSR ...]\n"
	    "       cert-y -h | --help | --version\n");
	assert_string_equal(capture(words_y), "--dir\n--help\n--version\n");
	assert_string_equal(capture(hint_x), "json text\n");
}

/* Entries per command, required options, numbers, set flags, a shared synopsis item. */
static long bits = -1;
static int nofetch = 1, insecure;
static const char *csr_one, *pwfile;
static struct ck_strv csrs;
static const struct ck_opt z_opts[] = {
	{ .name = "dir", .arg = "DIR", .type = CK_OPT_STR, .target = &format, .cmds = 0x3,
	    .required = 0x3 },
	{ .name = "csr", .arg = "FILE", .type = CK_OPT_LIST, .target = &csrs, .cmds = 0x1,
	    .required = 0x1, .synopsis = "--csr FILE ..." },
	{ .name = "csr", .arg = "FILE", .type = CK_OPT_STR, .target = &csr_one, .cmds = 0x4 },
	{ .name = "bits", .arg = "N", .type = CK_OPT_LONG, .target = &bits, .min = 256,
	    .max = 16384, .cmds = 0x2 },
	{ .name = "no-fetch", .type = CK_OPT_SET, .target = &nofetch, .value = 0 },
	{ .name = "cacert", .arg = "F", .type = CK_OPT_STR, .target = &pwfile,
	    .synopsis = "[--cacert F | --insecure]" },
	{ .name = "insecure", .type = CK_OPT_SET, .target = &insecure, .value = 1,
	    .synopsis = "" },
	{ .name = NULL }
};
static const struct ck_cmd z_cmds[] = {
	{ .name = "sign", .operands = "" },
	{ .name = "init", .operands = "" },
	{ .name = "enroll", .operands = "" },
	{ .name = NULL }
};
static const struct ck_tool_def zdef = { .prog = "cert-z", .opts = z_opts, .cmds = z_cmds };

static void usage_z(FILE *fp) { ck_opt_usage(&zdef, fp); }
static void words_z(FILE *fp) { ck_opt_complete(&zdef, "enroll", NULL, fp); }

static void
test_commands_required_numbers(void **state)
{
	char *ok1[] = { "cert-z", "sign", "--no-fetch", "--csr", "a", "--dir", "d", "--csr", "b",
		"--insecure", NULL };
	char *ok2[] = { "cert-z", "enroll", "--csr", "x", "--csr", "y", NULL };
	char *ok3[] = { "cert-z", "init", "--dir", "d", "--bits", "4096", NULL };
	char *no_dir[] = { "cert-z", "init", "--bits", "4096", NULL };
	char *no_csr[] = { "cert-z", "sign", "--dir", "d", NULL };
	char *bad_bits[] = { "cert-z", "init", "--dir", "d", "--bits", "100", NULL };
	char *not_init[] = { "cert-z", "init", "--dir", "d", "--csr", "x", NULL };
	int first, cmd;

	(void)state;
	reset();
	assert_int_equal(ck_opt_parse(&zdef, 10, ok1, &first, &cmd), CK_OPT_OK);
	assert_int_equal(cmd, 0);
	assert_int_equal(csrs.n, 2);
	assert_string_equal(csrs.v[1], "b");
	assert_int_equal(nofetch, 0);
	assert_int_equal(insecure, 1);
	/* --csr of enroll is the other entry (a string: the last one wins). */
	assert_int_equal(ck_opt_parse(&zdef, 6, ok2, &first, &cmd), CK_OPT_OK);
	assert_int_equal(cmd, 2);
	assert_string_equal(csr_one, "y");
	assert_int_equal(csrs.n, 2);
	assert_int_equal(ck_opt_parse(&zdef, 6, ok3, &first, &cmd), CK_OPT_OK);
	assert_int_equal(bits, 4096);
	assert_int_equal(ck_opt_parse(&zdef, 4, no_dir, &first, &cmd), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&zdef, 4, no_csr, &first, &cmd), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&zdef, 6, bad_bits, &first, &cmd), CK_OPT_USAGE);
	assert_int_equal(ck_opt_parse(&zdef, 6, not_init, &first, &cmd), CK_OPT_USAGE);
	ck_strv_release(&csrs);
	/* Required options first, without brackets; a shared item shown once. */
	assert_string_equal(capture(usage_z),
	    "usage: cert-z sign --dir DIR --csr FILE ... [--no-fetch]\n"
	    "              [--cacert F | --insecure]\n"
	    "       cert-z init --dir DIR [--bits N] [--no-fetch] [--cacert F | --insecure]\n"
	    "       cert-z enroll [--csr FILE] [--no-fetch] [--cacert F | --insecure]\n"
	    "       cert-z -h | --help | --version\n");
	/* A name with two entries is offered once. */
	assert_string_equal(capture(words_z),
	    "--csr\n--no-fetch\n--cacert\n--insecure\n--help\n--version\n");
}

static void
test_format_option(void **state)
{
	static const char *const extra[] = { "json", "text", "nagios", "prometheus", NULL };
	static const char *const ldif[] = { "json", "ldif", NULL };

	(void)state;
	assert_int_equal(ck_format_option("json", NULL, stdout), CK_FMT_JSON);
	assert_int_equal(ck_format_option("text", extra, stdout), CK_FMT_TEXT);
	assert_int_equal(ck_format_option("prometheus", extra, stdout), 3);
	assert_int_equal(ck_format_option("prometheus", NULL, stdout), -1);
	assert_int_equal(ck_format_option("xml", extra, stdout), -1);
	assert_int_equal(ck_format_option("text", ldif, stdout), -1);
	assert_int_equal(ck_format_option("ldif", ldif, stdout), 1);
	/* Not a terminal (a test's stdout is not): the first name. */
	assert_int_equal(ck_format_option(NULL, ldif, stdout), 0);
	assert_int_equal(ck_format_option(NULL, extra, stdout), isatty(1) ? 1 : 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_usage_and_completion),
		cmocka_unit_test(test_commands_required_numbers),
		cmocka_unit_test(test_format_option),
		cmocka_unit_test(test_start_and_typed),
	};

	ck_tool_init("test_opt");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
