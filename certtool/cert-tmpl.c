/*
 * cert-tmpl: list the shipped AMT / out of band certificate templates and
 * generate them as `template` records or as LDIF for Active Directory.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_err.h"
#include "ck_record.h"
#include "ck_tmpl.h"
#include "ck_tool.h"

#define MAX_ENROLL 64

enum { FMT_JSON, FMT_TEXT, FMT_LDIF };

static void
usage(FILE *fp)
{
	fputs("usage: cert-tmpl list [--templates dir] [--format json|text]\n"
	    "       cert-tmpl generate [--templates dir] [--format json|ldif]\n"
	    "           [--forest-dn dn] [--name cn] [--oid-base oid] [--enroll sid] ...\n"
	    "           name ...\n"
	    "       cert-tmpl -h | --version\n", fp);
}

enum { OPT_TEMPLATES = 256, OPT_FORMAT, OPT_FOREST_DN, OPT_NAME, OPT_OID_BASE, OPT_ENROLL,
	OPT_VERSION };

static const struct option longopts[] = {
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "forest-dn", required_argument, NULL, OPT_FOREST_DN },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "oid-base", required_argument, NULL, OPT_OID_BASE },
	{ "enroll", required_argument, NULL, OPT_ENROLL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static struct {
	const char *templates;
	const char *format;
	struct ck_tmpl_ldif_opts lo;
	const char *enroll[MAX_ENROLL];
} cfg;

static int
write_rec(const json_t *rec)
{
	struct ck_err err;

	if (ck_record_write(stdout, rec, &err) == -1) {
		ck_report(NULL, "stdout", &err);
		return -1;
	}
	return 0;
}

static const char *
str_or(const json_t *t, const char *field, const char *dflt)
{
	const char *s = json_string_value(json_object_get(t, field));

	return s != NULL ? s : dflt;
}

static void
print_text(const char *path, const json_t *t)
{
	const char *base = strrchr(path, '/');
	char stem[256];
	size_t i;
	json_t *e;

	snprintf(stem, sizeof(stem), "%s", base ? base + 1 : path);
	if (strlen(stem) > 5 && strcmp(stem + strlen(stem) - 5, ".json") == 0)
		stem[strlen(stem) - 5] = '\0';
	printf("%-22s %-18s v%lld  %-40s ", stem, str_or(t, "name", "-"),
	    (long long)json_integer_value(json_object_get(t, "schema_version")),
	    str_or(t, "display_name", "-"));
	json_array_foreach(json_object_get(t, "eku"), i, e)
		printf("%s%s", i ? "," : "", json_string_value(e));
	putchar('\n');
}

static int
cmd_list(int fmt)
{
	char *dir, **paths = NULL;
	size_t n = 0, i;
	struct ck_err err;
	int status = CK_OK;
	json_t *t;

	dir = ck_tmpl_dir(cfg.templates);
	if (dir == NULL)
		return CK_UNKNOWN;
	if (ck_tmpl_list(dir, &paths, &n, &err) == -1) {
		ck_report(fmt == FMT_JSON ? stdout : NULL, dir, &err);
		free(dir);
		return CK_UNKNOWN;
	}
	for (i = 0; i < n; i++) {
		t = ck_tmpl_load(paths[i], &err);
		if (t == NULL) {
			ck_report(fmt == FMT_JSON ? stdout : NULL, paths[i], &err);
			status = CK_UNKNOWN;
			continue;
		}
		if (fmt == FMT_JSON) {
			if (write_rec(t) == -1)
				status = CK_UNKNOWN;
		} else {
			print_text(paths[i], t);
		}
		json_decref(t);
	}
	ck_tmpl_list_free(paths, n);
	free(dir);
	return status;
}

static int
generate_one(const char *dir, const char *name, int fmt)
{
	struct ck_err err;
	char *path, *ldif;
	json_t *t = NULL;
	int rv = CK_UNKNOWN;
	FILE *errout = fmt == FMT_JSON ? stdout : NULL;

	path = ck_tmpl_find(dir, name, &err);
	if (path == NULL) {
		ck_report(errout, name, &err);
		return CK_UNKNOWN;
	}
	t = ck_tmpl_load(path, &err);
	if (t == NULL) {
		ck_report(errout, path, &err);
		goto out;
	}
	if (ck_tmpl_apply(t, &cfg.lo, &err) == -1) {
		ck_report(errout, path, &err);
		goto out;
	}
	if (fmt == FMT_JSON) {
		if (write_rec(t) == -1)
			goto out;
	} else {
		ldif = ck_tmpl_ldif(t, &cfg.lo, &err);
		if (ldif == NULL) {
			ck_report(NULL, path, &err);
			goto out;
		}
		fputs(ldif, stdout);
		free(ldif);
	}
	rv = CK_OK;
out:
	json_decref(t);
	free(path);
	return rv;
}

int
main(int argc, char **argv)
{
	const char *cmd;
	char *dir;
	int c, fmt, status = CK_OK, i;
	struct ck_err err;

	ck_tool_init("cert-tmpl");
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		ck_print_version();
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	}
	if (argc < 2 || (strcmp(argv[1], "list") != 0 && strcmp(argv[1], "generate") != 0)) {
		if (argc >= 2)
			ck_warnx("'%s': unknown command (list or generate)", argv[1]);
		usage(stderr);
		return CK_UNKNOWN;
	}
	cmd = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TEMPLATES:
			cfg.templates = optarg;
			break;
		case OPT_FORMAT:
			cfg.format = optarg;
			break;
		case OPT_FOREST_DN:
			cfg.lo.forest_dn = optarg;
			break;
		case OPT_NAME:
			cfg.lo.name = optarg;
			break;
		case OPT_OID_BASE:
			cfg.lo.oid_base = optarg;
			break;
		case OPT_ENROLL:
			if (cfg.lo.n_enroll == MAX_ENROLL) {
				ck_warnx("at most %d --enroll options", MAX_ENROLL);
				return CK_UNKNOWN;
			}
			cfg.enroll[cfg.lo.n_enroll++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
		case OPT_VERSION:
			ck_print_version();
			return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
		default:
			usage(stderr);
			return CK_UNKNOWN;
		}
	}
	cfg.lo.enroll = cfg.enroll;
	argc -= optind;
	argv += optind;

	if (strcmp(cmd, "list") == 0) {
		if (argc != 0) {
			ck_warnx("list takes no arguments");
			usage(stderr);
			return CK_UNKNOWN;
		}
		fmt = ck_format_parse(cfg.format, stdout);
		if (fmt < 0) {
			ck_warnx("--format '%s': json or text", cfg.format);
			return CK_UNKNOWN;
		}
		status = cmd_list(fmt == CK_FMT_JSON ? FMT_JSON : FMT_TEXT);
		return ck_close_stdout() ? CK_UNKNOWN : status;
	}

	if (argc == 0) {
		ck_warnx("generate needs a template NAME");
		usage(stderr);
		return CK_UNKNOWN;
	}
	if (cfg.format == NULL || strcmp(cfg.format, "json") == 0) {
		fmt = FMT_JSON;
	} else if (strcmp(cfg.format, "ldif") == 0) {
		fmt = FMT_LDIF;
	} else {
		ck_warnx("--format '%s': json or ldif", cfg.format);
		return CK_UNKNOWN;
	}
	if (cfg.lo.name != NULL && argc > 1) {
		ck_warnx("--name renames one template: give one NAME");
		return CK_UNKNOWN;
	}
	dir = ck_tmpl_dir(cfg.templates);
	if (dir == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, NULL, &err);
		return CK_UNKNOWN;
	}
	for (i = 0; i < argc; i++)
		status = ck_status_worse(status, generate_one(dir, argv[i], fmt));
	free(dir);
	return ck_close_stdout() ? CK_UNKNOWN : status;
}
