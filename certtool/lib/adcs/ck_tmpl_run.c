#include "ck_tmpl_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_err.h"
#include "ck_record.h"
#include "ck_tool.h"

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

/* One line of `cert-tmpl list --format text`. */
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

int
ck_tmpl_run_list(const char *templates, int format)
{
	FILE *errout = format == CK_FMT_JSON ? stdout : NULL;
	char *dir, **paths = NULL;
	size_t n = 0, i;
	struct ck_err err;
	int status = CK_OK;
	json_t *t;

	dir = ck_tmpl_dir(templates);
	if (dir == NULL)
		return CK_UNKNOWN;
	if (ck_tmpl_list(dir, &paths, &n, &err) == -1) {
		ck_report(errout, dir, &err);
		free(dir);
		return CK_UNKNOWN;
	}
	for (i = 0; i < n; i++) {
		t = ck_tmpl_load(paths[i], &err);
		if (t == NULL) {
			ck_report(errout, paths[i], &err);
			status = CK_UNKNOWN;
			continue;
		}
		if (format == CK_FMT_JSON) {
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
generate_one(const char *dir, const char *name, const struct ck_tmpl_ldif_opts *lo, int ldif)
{
	FILE *errout = ldif ? NULL : stdout;
	struct ck_err err;
	char *path, *text;
	json_t *t = NULL;
	int rv = CK_UNKNOWN;

	path = ck_tmpl_find(dir, name, &err);
	if (path == NULL) {
		ck_report(errout, name, &err);
		return CK_UNKNOWN;
	}
	t = ck_tmpl_load(path, &err);
	if (t == NULL || ck_tmpl_apply(t, lo, &err) == -1) {
		ck_report(errout, path, &err);
		goto out;
	}
	if (!ldif) {
		if (write_rec(t) == -1)
			goto out;
	} else {
		if ((text = ck_tmpl_ldif(t, lo, &err)) == NULL) {
			ck_report(NULL, path, &err);
			goto out;
		}
		fputs(text, stdout);
		free(text);
	}
	rv = CK_OK;
out:
	json_decref(t);
	free(path);
	return rv;
}

int
ck_tmpl_run_generate(const char *templates, const char *const *names, size_t n,
    const struct ck_tmpl_ldif_opts *lo, int ldif)
{
	struct ck_err err;
	int status = CK_OK;
	char *dir;

	if ((dir = ck_tmpl_dir(templates)) == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, NULL, &err);
		return CK_UNKNOWN;
	}
	for (size_t i = 0; i < n; i++)
		status = ck_status_worse(status, generate_one(dir, names[i], lo, ldif));
	free(dir);
	return status;
}
