/*
 * cert-read: ingest certificates from anywhere and print `cert` records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_cert.h"
#include "ck_err.h"
#include "ck_load.h"
#include "ck_net.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_pool.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tool.h"

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
	const json_t *src = json_object_get(rec, "source");
	char cn[512], icn[512], a[1024], b[1024], c[1024];

	/* Names and paths are the certificate's and the file system's: escaped (ck_text.h). */
	ck_name_label(json_object_get(rec, "subject"), cn, sizeof(cn));
	ck_name_label(json_object_get(rec, "issuer"), icn, sizeof(icn));
	printf("%-32s  %-28s  %s  %s/%lld%s  %s#%lld\n", ck_text(*cn ? cn : "-", a, sizeof(a)),
	    ck_text(*icn ? icn : "-", b, sizeof(b)), json_string_value(json_object_get(rec, "not_after")),
	    json_string_value(json_object_get(key, "alg")),
	    (long long)json_integer_value(json_object_get(key, "bits")),
	    json_is_true(json_object_get(rec, "ca")) ? " CA" : "",
	    ck_text(json_string_value(json_object_get(src, "uri")), c, sizeof(c)),
	    (long long)json_integer_value(json_object_get(src, "index")));
}

/* Writes one record (steals it). */
static int
output(struct out *o, json_t *rec)
{
	struct ck_err err;

	if (ck_record_is(rec, "error")) {
		const char *src = json_string_value(json_object_get(rec, "source"));

		ck_warn_at(src ? src : "-", json_string_value(json_object_get(rec, "message")));
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

/* Parallel loading: sources are loaded by workers (ck_pool), printed in input order. */
struct jobs {
	char **sources;
	json_t **results;	/* per source: array of its records */
	const struct ck_load_opts *lo;
	struct out *o;
};

static int
emit_collect(void *ctx, json_t *rec)
{
	json_array_append_new(ctx, rec);
	return 0;
}

static void
job_run(void *arg, size_t i)
{
	struct jobs *j = arg;

	if ((j->results[i] = json_array()) != NULL)
		ck_load_source(j->sources[i], j->lo, emit_collect, j->results[i]);
}

static void
job_done(void *arg, size_t i)
{
	struct jobs *j = arg;
	size_t k;
	json_t *rec;

	if (j->results[i] == NULL) {
		/* No memory for the worker's array: load it here, directly. */
		ck_load_source(j->sources[i], j->lo, emit_direct, j->o);
		return;
	}
	json_array_foreach(j->results[i], k, rec)
		output(j->o, json_incref(rec));
}

static void
job_release(void *arg, size_t i)
{
	struct jobs *j = arg;

	json_decref(j->results[i]);
	j->results[i] = NULL;
}

static void
load_parallel(char **sources, size_t n, long jobs, const struct ck_load_opts *lo,
    struct out *o)
{
	struct jobs j = { sources, calloc(n, sizeof(json_t *)), lo, o };
	struct ck_pool_ops ops = { .run = job_run, .done = job_done, .release = job_release,
		.arg = &j, .window = 4 };

	if (j.results == NULL) {
		for (size_t i = 0; i < n; i++)
			ck_load_source(sources[i], lo, emit_direct, o);
		return;
	}
	ck_pool_run(&ops, n, jobs);
	free(j.results);
}

static struct ck_load_opts lo;
/*
 * 0 until given: network sources default to CK_NET_CONCURRENCY_DEFAULT at
 * once, other sources to 8 threads.
 */
static long jobs, timeout = 10;

/* --jobs for the network sources, fitted to the open file limit (said once). */
static long
net_jobs(void)
{
	static long fit;
	struct ck_err why;
	long want = jobs == 0 ? CK_NET_CONCURRENCY_DEFAULT : jobs;

	if (fit == 0 && (fit = ck_net_jobs_fit(want, &why)) < want)
		ck_warnx("%s", why.msg);
	return fit;
}

/*
 * Runs of tls:// and http(s):// sources go through the event-driven engine
 * (--jobs connections at once); runs of other sources through the thread
 * pool.  Output stays in the order of the sources.  CERTKIT_NET_ENGINE=0
 * sends them through the thread pool as well (the earlier path, libcurl for
 * http(s), kept for comparison).
 */
static void
load_all(char **sources, size_t n, struct out *o)
{
	const char *env = getenv("CERTKIT_NET_ENGINE");
	int engine = env == NULL || strcmp(env, "0") != 0;
	long threads = jobs == 0 ? 8 : jobs > 256 ? 256 : jobs;
	size_t i = 0, k;

	while (i < n) {
		int net = engine && ck_load_is_net(sources[i]);

		for (k = i + 1; k < n && (engine && ck_load_is_net(sources[k])) == net; k++)
			;
		if (net)
			ck_load_net(sources + i, k - i, net_jobs(), &lo, emit_direct, o);
		else if (k - i == 1 || threads == 1)
			for (size_t j = i; j < k; j++)
				ck_load_source(sources[j], &lo, emit_direct, o);
		else
			load_parallel(sources + i, k - i, threads, &lo, o);
		i = k;
	}
}
static const char *format, *pwfile, *pwenv, *bindpwfile;

static const struct ck_opt opts[] = {
	{ .name = "recursive", .short_name = 'r', .desc = "read directories recursively",
	    .type = CK_OPT_SET, .target = &lo.recursive, .value = 1 },
	{ .name = "pem", .desc = "include the PEM text (the default)", .type = CK_OPT_SET,
	    .target = &lo.cert_flags, .value = 0, .synopsis = "[--pem | --no-pem]" },
	{ .name = "no-pem", .desc = "leave out the PEM text", .type = CK_OPT_SET,
	    .target = &lo.cert_flags, .value = CK_CERT_NO_PEM, .synopsis = "" },
	{ .name = "password-file", .arg = "F", .desc = "PKCS#12 password from a file",
	    .type = CK_OPT_STR, .target = &pwfile, .complete = CK_COMPLETE_FILE,
	    .synopsis = "[--password-file F | --password-env VAR]" },
	{ .name = "password-env", .arg = "VAR", .desc = "PKCS#12 password from a variable",
	    .type = CK_OPT_STR, .target = &pwenv, .synopsis = "" },
	{ .name = "cacert", .arg = "F", .desc = "CA certificates for TLS and LDAPS",
	    .type = CK_OPT_STR, .target = &lo.fetch.cacert, .complete = CK_COMPLETE_FILE },
	{ .name = "insecure", .desc = "do not verify TLS servers", .type = CK_OPT_SET,
	    .target = &lo.fetch.insecure, .value = 1 },
	{ .name = "sni", .arg = "NAME", .desc = "TLS server name to send",
	    .type = CK_OPT_STR, .target = &lo.sni },
	{ .name = "jobs", .arg = "N",
	    .desc = "sources read at once (default " CK_NET_CONCURRENCY_DEFAULT_STR
		" for tls:// and http(s)://, 8 for others)",
	    .type = CK_OPT_LONG, .target = &jobs, .min = 1, .max = CK_NET_CONCURRENCY_MAX },
	{ .name = "timeout", .arg = "SECONDS", .desc = "network timeout (default 10)",
	    .type = CK_OPT_LONG, .target = &timeout, .min = 1, .max = 3600 },
	{ .name = "bind-dn", .arg = "DN", .desc = "LDAP bind DN (with --bind-password-file)",
	    .type = CK_OPT_STR, .target = &lo.fetch.bind_dn,
	    .synopsis = "[--bind-dn DN --bind-password-file F]" },
	{ .name = "bind-password-file", .arg = "F", .desc = "LDAP bind password",
	    .type = CK_OPT_STR, .target = &bindpwfile, .complete = CK_COMPLETE_FILE,
	    .synopsis = "" },
	{ .name = "format", .arg = "json|text", .desc = "output format",
	    .type = CK_OPT_STR, .target = &format, .complete = "json text" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-read", .opts = opts,
	.operands = "[SOURCE ...]" };

int
main(int argc, char **argv)
{
	struct ck_err err;
	struct out o = { 0 };
	char *password = NULL, *bindpw = NULL;
	char *stdin_only[] = { "-" };
	char **sources;
	size_t nsources;
	int first, rc, status = CK_OK;

	ck_tool_init("cert-read");
	ck_load_opts_init(&lo);
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((o.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
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
	sources = argc > first ? argv + first : stdin_only;
	nsources = argc > first ? (size_t)(argc - first) : 1;
	ck_progress_init(&o.progress, "certificates");
	load_all(sources, nsources, &o);
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
	ck_opt_usage(&tool, stderr);
	return CK_UNKNOWN;
fail:
	ck_warnx("%s", err.msg);
	ck_secret_free(password);
	return CK_UNKNOWN;
}
