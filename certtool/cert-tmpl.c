/*
 * cert-tmpl: list the shipped AMT / out of band certificate templates and
 * generate them as `template` records or as LDIF for Active Directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_err.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_tmpl.h"
#include "ck_tool.h"

enum { FMT_JSON, FMT_TEXT, FMT_LDIF };

static struct {
	const char *templates;
	const char *format;
	struct ck_tmpl_ldif_opts lo;
	struct ck_strv enroll;
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

enum { LIST = 1 << 0, GENERATE = 1 << 1 };

static const struct ck_cmd cmds[] = {
	{ .name = "list", .desc = "the shipped templates" },
	{ .name = "generate", .operands = "NAME ...",
	    .desc = "template records, or LDIF for Active Directory" },
	{ .name = NULL }
};

static const struct ck_opt opts[] = {
	{ .name = "templates", .arg = "DIR", .desc = "where templates are found",
	    .type = CK_OPT_STR, .target = &cfg.templates, .complete = CK_COMPLETE_DIR },
	{ .name = "format", .arg = "json|text", .desc = "output format (generate: json|ldif)",
	    .type = CK_OPT_STR, .target = &cfg.format, .cmds = LIST,
	    .complete = "json text" },
	{ .name = "format", .arg = "json|ldif", .type = CK_OPT_STR, .target = &cfg.format,
	    .cmds = GENERATE, .complete = "json ldif" },
	{ .name = "forest-dn", .arg = "DN", .desc = "the forest root (LDIF)",
	    .type = CK_OPT_STR, .target = &cfg.lo.forest_dn, .cmds = GENERATE },
	{ .name = "name", .arg = "CN", .desc = "rename the one template",
	    .type = CK_OPT_STR, .target = &cfg.lo.name, .cmds = GENERATE },
	{ .name = "oid-base", .arg = "OID", .desc = "the forest's template OID base",
	    .type = CK_OPT_STR, .target = &cfg.lo.oid_base, .cmds = GENERATE },
	{ .name = "enroll", .arg = "SID", .desc = "grant Read + Enroll (repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.enroll, .cmds = GENERATE,
	    .synopsis = "[--enroll SID ...]" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-tmpl", .opts = opts, .cmds = cmds };

int
main(int argc, char **argv)
{
	static const char *const gen_formats[] = { "json", "ldif", NULL };
	char *dir;
	int first, rc, cmd, fmt, status = CK_OK, i;
	struct ck_err err;

	ck_tool_init("cert-tmpl");
	if ((rc = ck_opt_start(&tool, argc, argv, &first, &cmd)) >= 0)
		return rc;
	cfg.lo.enroll = cfg.enroll.v;
	cfg.lo.n_enroll = cfg.enroll.n;
	argc -= first;
	argv += first;
	if ((1 << cmd) == LIST) {
		if ((fmt = ck_format_option(cfg.format, NULL, stdout)) < 0)
			return ck_opt_usage_error(&tool, NULL, NULL);
		status = cmd_list(fmt == CK_FMT_JSON ? FMT_JSON : FMT_TEXT);
		return ck_close_stdout() ? CK_UNKNOWN : status;
	}
	if (argc == 0)
		return ck_opt_usage_error(&tool, NULL, "generate needs a template NAME");
	fmt = ck_format_option(cfg.format != NULL ? cfg.format : "json", gen_formats, stdout);
	if (fmt < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	fmt = fmt == 1 ? FMT_LDIF : FMT_JSON;
	if (cfg.lo.name != NULL && argc > 1)
		return ck_opt_usage_error(&tool, NULL, "--name renames one template: give one NAME");
	dir = ck_tmpl_dir(cfg.templates);
	if (dir == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, NULL, &err);
		return CK_UNKNOWN;
	}
	for (i = 0; i < argc; i++)
		status = ck_status_worse(status, generate_one(dir, argv[i], fmt));
	free(dir);
	ck_strv_release(&cfg.enroll);
	return ck_close_stdout() ? CK_UNKNOWN : status;
}
