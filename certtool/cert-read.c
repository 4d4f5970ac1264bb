/*
 * cert-read: ingest certificates from anywhere and print `cert` records.
 */
#include <stdio.h>
#include <string.h>

#include "ck_cert.h"
#include "ck_err.h"
#include "ck_ldap_cli.h"
#include "ck_load.h"
#include "ck_net.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tool.h"

/* Output state, owned by the main thread. */
struct out {
	struct ck_out out;		/* the records; an error record makes the status 3 */
	struct ck_progress progress;
};

static void
print_text(FILE *fp, const json_t *rec)
{
	const json_t *key = json_object_get(rec, "key");
	const json_t *src = json_object_get(rec, "source");
	char cn[512], icn[512], a[1024], b[1024], c[1024];

	/* Names and paths are the certificate's and the file system's: escaped (ck_text.h). */
	ck_name_label(json_object_get(rec, "subject"), cn, sizeof(cn));
	ck_name_label(json_object_get(rec, "issuer"), icn, sizeof(icn));
	fprintf(fp, "%-32s  %-28s  %s  %s/%lld%s  %s#%lld\n", ck_text(*cn ? cn : "-", a, sizeof(a)),
	    ck_text(*icn ? icn : "-", b, sizeof(b)), json_string_value(json_object_get(rec, "not_after")),
	    json_string_value(json_object_get(key, "alg")),
	    (long long)json_integer_value(json_object_get(key, "bits")),
	    json_is_true(json_object_get(rec, "ca")) ? " CA" : "",
	    ck_text(json_string_value(json_object_get(src, "uri")), c, sizeof(c)),
	    (long long)json_integer_value(json_object_get(src, "index")));
}

/* ck_load_sources' emit, on the main thread: puts one record (steals it). */
static int
output(void *ctx, json_t *rec)
{
	struct out *o = ctx;
	int cert = !ck_record_is(rec, "error");

	if (ck_out_put(&o->out, rec) < 0)
		return -1;	/* stdout is gone */
	if (cert)
		ck_progress_tick(&o->progress);
	return 0;
}

static struct ck_load_opts lo;
/*
 * 0 until given: network sources default to CK_NET_CONCURRENCY_DEFAULT at
 * once, other sources to 8 threads.
 */
static long jobs, timeout = 10;
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
	CK_LDAP_BIND_OPTS(lo.fetch.bind_dn, bindpwfile),
	CK_OPT_FORMAT(format),
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-read", .opts = opts,
	.operands = "[SOURCE ...]" };

int
main(int argc, char **argv)
{
	struct ck_err err;
	struct out o = { .out.text = print_text };
	char *password = NULL, *bindpw = NULL;
	char *stdin_only[] = { "-" };
	char **sources;
	size_t nsources;
	int first, rc, status = CK_OK;

	ck_tool_init("cert-read");
	ck_load_opts_init(&lo);
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((o.out.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (pwfile != NULL && pwenv != NULL)
		return ck_opt_usage_error(&tool, NULL,
		    "--password-file and --password-env are exclusive");
	if (ck_ldap_bind_opts_check(lo.fetch.bind_dn, bindpwfile, &err) != 0)
		return ck_opt_usage_error(&tool, NULL, err.msg);
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
	ck_load_sources(sources, nsources, jobs, &lo, output, &o);
	ck_progress_done(&o.progress);
	status = o.out.status;
	ck_secret_free(password);
	ck_secret_free(bindpw);
	if (ck_close_stdout() != 0)
		status = CK_UNKNOWN;
	return status;
fail:
	ck_warnx("%s", err.msg);
	ck_secret_free(password);
	return CK_UNKNOWN;
}
