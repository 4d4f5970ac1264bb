/*
 * cert-expiry: how long certificates have left, for cron, Nagios/Icinga and
 * Prometheus, and as a pipeline stage.  The judgement and the renderings
 * live in ck_expiry; this main reads the inputs and picks the output.
 */
#include <getopt.h>
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
#include "ck_record.h"
#include "ck_tool.h"

#define STDIN_MAX (256u * 1024 * 1024)

enum { FMT_JSON, FMT_TEXT, FMT_NAGIOS, FMT_PROMETHEUS };

static struct {
	int format;
	int all;
	FILE *out;
	struct ck_expiry_set set;
	int write_failed;
	struct ck_progress progress;	/* records handled, on a terminal only */
} cfg;

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: cert-expiry [-w DUR] [-c DUR] [--at TIME] [--format json|text|nagios|prometheus]\n"
	    "                   [--all] [-o FILE] [SOURCE ...]\n"
	    "       cert-expiry -h | --help | --version\n");
}

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
		if (rc == CK_READ_BROKEN)
			ck_warnx("'stdin': line %lu: %s", ck_reader_lineno(r), err.msg);
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

static int
parse_format(const char *s)
{
	if (s == NULL) {
		int f = ck_format_parse(NULL, stdout);

		return f == CK_FMT_TEXT ? FMT_TEXT : FMT_JSON;
	}
	if (strcmp(s, "json") == 0)
		return FMT_JSON;
	if (strcmp(s, "text") == 0)
		return FMT_TEXT;
	if (strcmp(s, "nagios") == 0)
		return FMT_NAGIOS;
	if (strcmp(s, "prometheus") == 0)
		return FMT_PROMETHEUS;
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "at", required_argument, NULL, 'T' },
		{ "crit", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "version", no_argument, NULL, 'V' },
		{ "warn", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char *at = NULL, *warn_s = NULL, *crit_s = NULL, *format_s = NULL;
	const char *output = NULL;
	struct ck_expiry_policy pol;
	struct ck_load_opts lo;
	struct ck_clock clk;
	struct ck_err err;
	char *tmp = NULL;
	int ch, i, status, nstatus, colour;

	ck_tool_init("cert-expiry");
	ck_progress_init(&cfg.progress, "records");
	while ((ch = getopt_long(argc, argv, "c:f:ho:w:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': cfg.all = 1; break;
		case 'T': at = optarg; break;
		case 'c': crit_s = optarg; break;
		case 'f': format_s = optarg; break;
		case 'h': usage(stdout); return CK_OK;
		case 'o': output = optarg; break;
		case 'V': ck_print_version(); return CK_OK;
		case 'w': warn_s = optarg; break;
		default: usage(stderr); return CK_UNKNOWN;
		}
	}
	if (ck_clock_init(&clk, at, &err) == -1) {
		ck_warnx("--at: %s", err.msg);
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
		usage(stderr);
		return CK_UNKNOWN;
	}
	cfg.format = parse_format(output != NULL && format_s == NULL ? "json" : format_s);
	if (cfg.format < 0) {
		ck_warnx("--format: '%s': expected json, text, nagios or prometheus", format_s);
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
	if (optind == argc)
		read_stdin(&lo);
	for (i = optind; i < argc && !cfg.write_failed; i++) {
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
