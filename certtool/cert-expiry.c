/*
 * cert-expiry: how long certificates have left, for cron, Nagios/Icinga and
 * Prometheus, and as a pipeline stage.  The judgement and the renderings
 * live in ck_expiry; this main reads the inputs and picks the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ctype.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_err.h"
#include "ck_expiry.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_tool.h"

#define STDIN_MAX (256u * 1024 * 1024)

/* The --format values, as ck_format_option() numbers them. */
enum { FMT_JSON = CK_FMT_JSON, FMT_TEXT = CK_FMT_TEXT, FMT_NAGIOS, FMT_PROMETHEUS };

static struct {
	int format;
	int all;
	FILE *out;
	struct ck_expiry_set set;
	int write_failed;
	struct ck_progress progress;	/* records handled, on a terminal only */
} cfg;

/* Writes one record when the output is JSON Lines. */
static void
pass(json_t *rec)
{
	struct ck_err err;

	if (cfg.format != FMT_JSON || cfg.write_failed)
		return;
	if (ck_record_write(cfg.out, rec, &err) == -1) {
		ck_warnx("%s", err.msg);
		cfg.write_failed = 1;
	}
}

/*
 * Judges and passes one record.  upstream: the record came from stdin (an
 * `error` there was already reported by the stage that made it).
 */
static void
handle(json_t *rec, int upstream)
{
	struct ck_err err;
	json_t *src;

	ck_progress_tick(&cfg.progress);
	const char *where;

	ck_err_clear(&err);
	if (ck_record_is(rec, "error") && !upstream) {
		src = json_object_get(rec, "source");
		where = json_is_string(src) ? json_string_value(src) :
		    json_string_value(json_object_get(src, "uri"));
		ck_warnx("'%s': %s", where ? where : "-",
		    json_string_value(json_object_get(rec, "message")) ?
		    json_string_value(json_object_get(rec, "message")) : "unreadable");
	}
	if (ck_expiry_record(&cfg.set, rec, &err) == -1) {
		pass(rec);
		ck_report(cfg.format == FMT_JSON && !cfg.write_failed ? cfg.out : NULL,
		    NULL, &err);
		return;
	}
	pass(rec);
}

static int
emit_loaded(void *ctx, json_t *rec)
{
	(void)ctx;
	handle(rec, 0);
	json_decref(rec);
	return cfg.write_failed ? -1 : 0;
}

/* Records (JSON Lines) from stdin. */
static void
read_records(FILE *fp)
{
	struct ck_reader *r = ck_reader_new(fp, "stdin");
	struct ck_err err;
	json_t *rec;
	int rc;

	if (r == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, "stdin", &err);
		cfg.set.errors++;
		cfg.set.status = ck_status_worse(cfg.set.status, CK_UNKNOWN);
		return;
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_report(cfg.format == FMT_JSON ? cfg.out : NULL, "stdin", &err);
			cfg.set.errors++;
			cfg.set.status = ck_status_worse(cfg.set.status, CK_UNKNOWN);
			break;
		}
		/* A broken line is an error record: handle() reports it, once. */
		handle(rec, rc == CK_READ_RECORD);
		json_decref(rec);
		if (cfg.write_failed)
			break;
	}
	ck_reader_free(r);
}

/* Reads all of fp (at most STDIN_MAX bytes) into a new buffer. */
static int
slurp(FILE *fp, unsigned char **buf, size_t *len, struct ck_err *err)
{
	size_t cap = 1u << 16, n = 0, k;
	unsigned char *b = malloc(cap), *nb;

	if (b == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	while ((k = fread(b + n, 1, cap - n, fp)) > 0) {
		n += k;
		if (n == cap) {
			if (cap >= STDIN_MAX) {
				free(b);
				return ck_err_set(err, CK_E_LIMIT, "input larger than %u bytes",
				    STDIN_MAX);
			}
			nb = realloc(b, cap * 2);
			if (nb == NULL) {
				free(b);
				return ck_err_set(err, CK_E_NOMEM, "out of memory");
			}
			b = nb;
			cap *= 2;
		}
	}
	if (ferror(fp)) {
		free(b);
		return ck_err_set(err, CK_E_IO, "read failed");
	}
	*buf = b;
	*len = n;
	return 0;
}

/*
 * stdin holds either records (a pipeline: the first non-blank character is
 * '{') or certificates (PEM, DER, PKCS#7, PKCS#12) like any other SOURCE.
 */
static void
read_stdin(const struct ck_load_opts *lo)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct ck_err err;
	int c;

	while ((c = getc(stdin)) != EOF && isspace(c))
		;
	if (c == EOF)
		return;
	ungetc(c, stdin);
	if (c == '{') {
		read_records(stdin);
		return;
	}
	/* Read through stdio: the character looked at is still in its buffer. */
	if (slurp(stdin, &buf, &len, &err) == -1) {
		json_t *e = ck_error_record_err("-", &err);

		if (e != NULL) {
			handle(e, 0);
			json_decref(e);
		}
		return;
	}
	ck_load_buffer(buf, len, "stdin", "-", lo, emit_loaded, NULL);
	free(buf);
}

static const char *at, *warn_s, *crit_s, *format_s, *output;

static const struct ck_opt opts[] = {
	{ .name = "warn", .short_name = 'w', .arg = "DUR", .desc = "warning within DUR (30d)",
	    .type = CK_OPT_STR, .target = &warn_s },
	{ .name = "crit", .short_name = 'c', .arg = "DUR", .desc = "critical within DUR (7d)",
	    .type = CK_OPT_STR, .target = &crit_s },
	{ .name = "at", .arg = "TIME", .desc = "judge at TIME instead of now",
	    .type = CK_OPT_STR, .target = &at },
	{ .name = "format", .short_name = 'f', .arg = "json|text|nagios|prometheus",
	    .desc = "output format", .type = CK_OPT_STR, .target = &format_s,
	    .complete = "json text nagios prometheus",
	    .synopsis = "[--format json|text|nagios|prometheus]" },
	{ .name = "all", .desc = "also list what is fine", .type = CK_OPT_SET,
	    .target = &cfg.all, .value = 1 },
	{ .name = "output", .short_name = 'o', .arg = "FILE",
	    .desc = "write FILE atomically (json unless --format)", .type = CK_OPT_STR,
	    .target = &output, .complete = CK_COMPLETE_FILE },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-expiry", .opts = opts,
	.operands = "[SOURCE ...]" };

int
main(int argc, char **argv)
{
	static const char *const formats[] = { "json", "text", "nagios", "prometheus", NULL };
	struct ck_expiry_policy pol;
	struct ck_load_opts lo;
	struct ck_clock clk;
	struct ck_err err;
	char *tmp = NULL;
	int first, i, status, nstatus, colour;

	ck_tool_init("cert-expiry");
	ck_progress_init(&cfg.progress, "records");
	switch (ck_opt_parse(&tool, argc, argv, &first, NULL)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	if (ck_clock_init(&clk, at, &err) == -1) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	ck_expiry_policy_init(&pol, ck_clock_now(&clk));
	if (warn_s != NULL && ck_parse_duration(warn_s, &pol.warn, &err) == -1) {
		ck_warnx("--warn: %s", err.msg);
		return CK_UNKNOWN;
	}
	if (crit_s != NULL && ck_parse_duration(crit_s, &pol.crit, &err) == -1) {
		ck_warnx("--crit: %s", err.msg);
		return CK_UNKNOWN;
	}
	if (pol.crit > pol.warn) {
		ck_warnx("--crit (%llds) must not be longer than --warn (%llds)",
		    pol.crit, pol.warn);
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	cfg.format = ck_format_option(output != NULL && format_s == NULL ? "json" : format_s,
	    formats, stdout);
	if (cfg.format < 0) {
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	if (ck_expiry_set_init(&cfg.set, &pol, &err) == -1) {
		ck_warnx("%s", err.msg);
		return CK_UNKNOWN;
	}
	cfg.out = stdout;
	if (output != NULL && strcmp(output, "-") != 0) {
		cfg.out = ck_expiry_out_open(output, &tmp, &err);
		if (cfg.out == NULL) {
			ck_report(NULL, output, &err);
			ck_expiry_set_release(&cfg.set);
			return CK_UNKNOWN;
		}
	}

	ck_load_opts_init(&lo);
	if (cfg.format != FMT_JSON)
		lo.cert_flags |= CK_CERT_NO_PEM;
	if (first == argc)
		read_stdin(&lo);
	for (i = first; i < argc && !cfg.write_failed; i++) {
		if (strcmp(argv[i], "-") == 0)
			read_stdin(&lo);
		else
			ck_load_source(argv[i], &lo, emit_loaded, NULL);
	}

	status = cfg.set.status;
	ck_expiry_sort(&cfg.set);
	colour = cfg.out == stdout && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
	    (getenv("TERM") == NULL || strcmp(getenv("TERM"), "dumb") != 0);
	ck_err_clear(&err);
	switch (cfg.format) {
	case FMT_TEXT:
		if (ck_expiry_write_text(cfg.out, &cfg.set, cfg.all, colour, &err) == -1)
			cfg.write_failed = 1;
		break;
	case FMT_NAGIOS:
		if (ck_expiry_write_nagios(cfg.out, &cfg.set, cfg.all, &nstatus, &err) == -1)
			cfg.write_failed = 1;
		else
			status = nstatus;
		break;
	case FMT_PROMETHEUS:
		if (ck_expiry_write_prometheus(cfg.out, &cfg.set, &err) == -1)
			cfg.write_failed = 1;
		break;
	}
	ck_expiry_set_release(&cfg.set);
	if (cfg.write_failed && err.msg[0] != '\0')
		ck_warnx("%s", err.msg);
	if (tmp != NULL) {
		if (cfg.write_failed) {
			ck_expiry_out_abort(cfg.out, tmp);
			return CK_UNKNOWN;
		}
		if (ck_expiry_out_commit(cfg.out, tmp, output, &err) == -1) {
			ck_report(NULL, output, &err);
			return CK_UNKNOWN;
		}
	}
	ck_progress_done(&cfg.progress);
	if (ck_close_stdout() == -1 || cfg.write_failed)
		return CK_UNKNOWN;
	return status;
}
