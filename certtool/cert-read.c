/*
 * cert-read: ingest certificates from anywhere and print `cert` records.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_cert.h"
#include "ck_err.h"
#include "ck_load.h"
#include "ck_num.h"
#include "ck_record.h"
#include "ck_tool.h"

static const char usage_text[] =
    "usage: cert-read [-r] [--pem | --no-pem] [--password-file F | --password-env VAR]\n"
    "                 [--cacert F] [--insecure] [--sni NAME] [--jobs N] [--timeout SECONDS]\n"
    "                 [--bind-dn DN --bind-password-file F] [--format json|text] [SOURCE ...]\n";

static void
usage(FILE *fp)
{
	fputs(usage_text, fp);
}

enum {
	OPT_PEM = 256, OPT_NO_PEM, OPT_PWFILE, OPT_PWENV, OPT_CACERT, OPT_INSECURE,
	OPT_SNI, OPT_JOBS, OPT_TIMEOUT, OPT_BIND_DN, OPT_BIND_PWFILE, OPT_FORMAT,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "recursive", no_argument, NULL, 'r' },
	{ "pem", no_argument, NULL, OPT_PEM },
	{ "no-pem", no_argument, NULL, OPT_NO_PEM },
	{ "password-file", required_argument, NULL, OPT_PWFILE },
	{ "password-env", required_argument, NULL, OPT_PWENV },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "bind-dn", required_argument, NULL, OPT_BIND_DN },
	{ "bind-password-file", required_argument, NULL, OPT_BIND_PWFILE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* Output state, owned by the main thread. */
struct out {
	int format;
	unsigned long certs, errors;
	struct ck_progress progress;
};

static void
print_text(const json_t *rec)
{
	const json_t *key = json_object_get(rec, "key");
	const char *cn = json_string_value(json_object_get(json_object_get(rec, "subject"), "cn"));
	const char *icn = json_string_value(json_object_get(json_object_get(rec, "issuer"), "cn"));
	const json_t *src = json_object_get(rec, "source");

	printf("%-32s  %-28s  %s  %s/%lld%s  %s#%lld\n",
	    cn ? cn : json_string_value(json_object_get(json_object_get(rec, "subject"), "dn")),
	    icn ? icn : "-", json_string_value(json_object_get(rec, "not_after")),
	    json_string_value(json_object_get(key, "alg")),
	    (long long)json_integer_value(json_object_get(key, "bits")),
	    json_is_true(json_object_get(rec, "ca")) ? " CA" : "",
	    json_string_value(json_object_get(src, "uri")),
	    (long long)json_integer_value(json_object_get(src, "index")));
}

/* Writes one record (steals it). */
static int
output(struct out *o, json_t *rec)
{
	struct ck_err err;

	if (ck_record_is(rec, "error")) {
		const char *src = json_string_value(json_object_get(rec, "source"));

		fprintf(stderr, "%s: '%s': %s\n", ck_prog(), src ? src : "-",
		    json_string_value(json_object_get(rec, "message")));
		o->errors++;
		if (o->format == CK_FMT_JSON)
			ck_record_write(stdout, rec, &err);
	} else {
		o->certs++;
		if (o->format == CK_FMT_JSON)
			ck_record_write(stdout, rec, &err);
		else
			print_text(rec);
		ck_progress_tick(&o->progress);
	}
	json_decref(rec);
	return 0;
}

static int
emit_direct(void *ctx, json_t *rec)
{
	return output(ctx, rec);
}

/* Parallel loading: sources are loaded by workers, printed in input order. */
struct job {
	const char *source;
	json_t *results;	/* array of records */
	int done;
};

struct pool {
	struct job *jobs;
	size_t n, next, printed, window;
	const struct ck_load_opts *lo;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static int
emit_collect(void *ctx, json_t *rec)
{
	json_array_append_new(ctx, rec);
	return 0;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		/* Stay within a window of the printer so memory stays bounded. */
		while (p->next < p->n && p->next >= p->printed + p->window)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->next >= p->n) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		ck_load_source(p->jobs[i].source, p->lo, emit_collect, p->jobs[i].results);
		pthread_mutex_lock(&p->mu);
		p->jobs[i].done = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

static void
load_parallel(char **sources, size_t n, long jobs, const struct ck_load_opts *lo,
    struct out *o)
{
	struct pool p;
	pthread_t *th;
	long nth = jobs < (long)n ? jobs : (long)n, started = 0;

	memset(&p, 0, sizeof(p));
	p.jobs = calloc(n, sizeof(*p.jobs));
	th = calloc((size_t)nth, sizeof(*th));
	if (p.jobs == NULL || th == NULL) {
		free(p.jobs);
		free(th);
		for (size_t i = 0; i < n; i++)
			ck_load_source(sources[i], lo, emit_direct, o);
		return;
	}
	p.n = n;
	p.lo = lo;
	p.window = (size_t)nth * 4;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (size_t i = 0; i < n; i++) {
		p.jobs[i].source = sources[i];
		p.jobs[i].results = json_array();
	}
	for (long t = 0; t < nth; t++)
		if (pthread_create(&th[t], NULL, worker, &p) == 0)
			started++;
	if (started == 0)
		worker(&p);
	for (size_t i = 0; i < n; i++) {
		size_t k;
		json_t *rec;

		pthread_mutex_lock(&p.mu);
		while (!p.jobs[i].done)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		json_array_foreach(p.jobs[i].results, k, rec)
			output(o, json_incref(rec));
		json_decref(p.jobs[i].results);
		p.jobs[i].results = NULL;
		pthread_mutex_lock(&p.mu);
		p.printed = i + 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
	}
	for (long t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv);
	free(p.jobs);
	free(th);
}

int
main(int argc, char **argv)
{
	struct ck_load_opts lo;
	struct ck_err err;
	struct out o = { 0 };
	const char *format = NULL, *pwfile = NULL, *pwenv = NULL, *bindpwfile = NULL;
	char *password = NULL, *bindpw = NULL;
	char *stdin_only[] = { "-" };
	char **sources;
	long jobs = 8, timeout = 10;
	size_t nsources;
	int c, status = CK_OK;

	ck_tool_init("cert-read");
	ck_load_opts_init(&lo);
	while ((c = getopt_long(argc, argv, "rh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			lo.recursive = 1;
			break;
		case OPT_PEM:
			lo.cert_flags &= ~(unsigned)CK_CERT_NO_PEM;
			break;
		case OPT_NO_PEM:
			lo.cert_flags |= CK_CERT_NO_PEM;
			break;
		case OPT_PWFILE:
			pwfile = optarg;
			break;
		case OPT_PWENV:
			pwenv = optarg;
			break;
		case OPT_CACERT:
			lo.fetch.cacert = optarg;
			break;
		case OPT_INSECURE:
			lo.fetch.insecure = 1;
			break;
		case OPT_SNI:
			lo.sni = optarg;
			break;
		case OPT_JOBS:
			if (ck_parse_long(optarg, 1, 256, &jobs, &err) != 0)
				goto usage_err;
			break;
		case OPT_TIMEOUT:
			if (ck_parse_long(optarg, 1, 3600, &timeout, &err) != 0)
				goto usage_err;
			break;
		case OPT_BIND_DN:
			lo.fetch.bind_dn = optarg;
			break;
		case OPT_BIND_PWFILE:
			bindpwfile = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'h':
			usage(stdout);
			return CK_OK;
		case OPT_VERSION:
			ck_print_version();
			return CK_OK;
		default:
			usage(stderr);
			return CK_UNKNOWN;
		}
	}
	o.format = ck_format_parse(format, stdout);
	if (o.format < 0) {
		ck_err_set(&err, CK_E_USAGE, "--format: '%s' is not json or text", format);
		goto usage_err;
	}
	if (pwfile != NULL && pwenv != NULL) {
		ck_err_set(&err, CK_E_USAGE, "--password-file and --password-env are exclusive");
		goto usage_err;
	}
	lo.fetch.timeout_ms = timeout * 1000;
	if (pwfile != NULL && (password = ck_secret_from_file(pwfile, &err)) == NULL)
		goto fail;
	if (pwenv != NULL && (password = ck_secret_from_env(pwenv, &err)) == NULL)
		goto fail;
	lo.password = password;
	if (bindpwfile != NULL) {
		if ((bindpw = ck_secret_from_file(bindpwfile, &err)) == NULL)
			goto fail;
		lo.fetch.bind_password = bindpw;
	}
	sources = argc > optind ? argv + optind : stdin_only;
	nsources = argc > optind ? (size_t)(argc - optind) : 1;
	ck_progress_init(&o.progress, "certificates");
	if (nsources == 1 || jobs == 1) {
		for (size_t i = 0; i < nsources; i++)
			ck_load_source(sources[i], &lo, emit_direct, &o);
	} else {
		load_parallel(sources, nsources, jobs, &lo, &o);
	}
	ck_progress_done(&o.progress);
	if (o.errors > 0)
		status = CK_UNKNOWN;
	ck_secret_free(password);
	ck_secret_free(bindpw);
	if (ck_close_stdout() != 0)
		status = CK_UNKNOWN;
	return status;
usage_err:
	ck_warnx("%s", err.msg);
	usage(stderr);
	return CK_UNKNOWN;
fail:
	ck_warnx("%s", err.msg);
	ck_secret_free(password);
	return CK_UNKNOWN;
}
