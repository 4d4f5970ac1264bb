/*
 * cert-lint: judges cert, chain, template and ca records with the rules of
 * policy profiles, adds "findings" to each record it judges, passes every
 * record through in order, and exits by the worst finding.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck_approve.h"
#include "ck_caconfig.h"
#include "ck_datadir.h"
#include "ck_err.h"
#include "ck_lint.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_rules.h"
#include "ck_text.h"
#include "ck_tmpl.h"
#include "ck_tool.h"


static struct {
	int format;
	int fail_on_warning;
	int worst;		/* 0 notice/none, 1 warning, 2 critical */
	int status;
	unsigned long judged, counts[3];
	const char *ca;			/* --ca: the CA of settings without a registry path */
	struct ck_caconfig_set conf;	/* --ca-config settings */
	struct ck_progress progress;	/* records read, on a terminal only */
} cfg;

/* ck_caconfig_apply_all's report: an error record and exit 3, or a warning. */
static void
config_report(void *arg, size_t entry, const struct ck_err *err, int failed)
{
	(void)arg;
	if (!failed) {
		ck_warnx("'%s': %s", cfg.conf.src[entry], err->msg);
		return;
	}
	ck_report(cfg.format == CK_FMT_JSON ? stdout : NULL, cfg.conf.src[entry], err);
	cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
}

/*
 * Fills the held ca records with the --ca-config settings before any rule
 * runs (ck_caconfig_apply_all: the registry path's CA, else --ca NAME, else
 * the only ca record).  Records are changed in place, so the linter's index
 * (which holds references) sees the settings too.
 */
static void
apply_configs(json_t *held)
{
	json_t **cas = calloc(json_array_size(held) + 1, sizeof(*cas)), *rec;
	size_t k, ncas = 0;

	if (cas == NULL) {
		ck_warnx("out of memory");
		cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
		return;
	}
	json_array_foreach(held, k, rec)
		if (ck_record_is(rec, "ca"))
			cas[ncas++] = rec;
	ck_caconfig_apply_all(cfg.conf.conf, cfg.conf.n, cas, ncas, cfg.ca, config_report, NULL);
	free(cas);
}

static int
list_rules(const struct ck_lint *l, int all)
{
	const struct ck_rule *t;
	struct ck_err err;
	size_t n, i;

	n = all ? 0 : ck_lint_count(l);
	if (all)
		t = ck_rules_all(&n);
	for (i = 0; i < n; i++) {
		const char *sev = NULL;
		const struct ck_rule *r = all ? &t[i] : ck_lint_rule(l, i, &sev);
		json_t *j;

		if (cfg.format == CK_FMT_TEXT) {
			json_t *a = ck_apply_json(r->applies_to);
			char *apps = ck_record_dumps(a);

			printf("%-36s %-8s %-34s %s\n", r->id, sev ? sev : r->severity,
			    apps ? apps : "", r->description);
			free(apps);
			json_decref(a);
			continue;
		}
		j = ck_rule_json(r, sev);
		if (j == NULL || ck_record_write(stdout, j, &err) < 0) {
			json_decref(j);
			return -1;
		}
		json_decref(j);
	}
	/* Text for people: also say which escalations nothing checks, and why. */
	if (cfg.format == CK_FMT_TEXT) {
		const struct ck_unchecked *u = ck_rules_unchecked(&n);

		for (i = 0; i < n; i++)
			printf("%-36s %-8s %s\n", u[i].id, "unchecked", u[i].why);
	}
	return 0;
}

static void
text_out(const json_t *rec)
{
	const json_t *f = json_object_get(rec, "findings"), *v;
	const char *k = ck_record_kind(rec), *s = ck_rule_subject(rec);
	size_t i;

	if (k != NULL && strcmp(k, "error") == 0) {
		ck_textf(stdout, "error '%s': %s\n", json_string_value(json_object_get(rec, "source")),
		    json_string_value(json_object_get(rec, "message")));
		return;
	}
	if (!json_is_array(f))
		return;
	if (json_array_size(f) == 0) {
		ck_textf(stdout, "%s '%s': ok\n", k, s ? s : "?");
		return;
	}
	ck_textf(stdout, "%s '%s':\n", k, s ? s : "?");
	json_array_foreach(f, i, v)
		ck_textf(stdout, "  %-8s %s: %s\n", json_string_value(json_object_get(v, "severity")),
		    json_string_value(json_object_get(v, "rule")),
		    json_string_value(json_object_get(v, "message")));
}

/* Judges (when a rule applies) and writes one record. */
static void
emit(const struct ck_lint *l, json_t *rec)
{
	struct ck_err err;
	int before = 0, n;
	const json_t *f = json_object_get(rec, "findings");

	if (json_is_array(f))
		before = (int)json_array_size(f);
	n = ck_lint_judge(l, rec, &cfg.worst);
	if (n >= 0) {
		size_t i;

		cfg.judged++;
		f = json_object_get(rec, "findings");
		for (i = (size_t)before; i < json_array_size(f); i++) {
			int lv = ck_severity_level(json_string_value(json_object_get(json_array_get(f, i),
			    "severity")));

			if (lv >= 0)
				cfg.counts[lv]++;
		}
	}
	if (cfg.format == CK_FMT_TEXT)
		text_out(rec);
	else if (ck_record_write(stdout, rec, &err) < 0) {
		ck_warnx("%s", err.msg);
		cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
	}
}

/*
 * Certificates stream straight through.  From the first template, ca or
 * chain record on, records are held until the end of the input, because
 * their rules look at records that may come later (the CAs that publish a
 * template, the certificates of a chain); order is kept.
 */
static void
run(struct ck_lint *l, FILE *fp, const char *name, json_t *held)
{
	struct ck_reader *r = ck_reader_new(fp, name);
	struct ck_err err;
	json_t *rec;
	int rc;

	if (r == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, name, &err);
		cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
		return;
	}
	while ((rc = ck_reader_next(r, &rec, &err)) != CK_READ_EOF) {
		ck_progress_tick(&cfg.progress);
		if (rc == CK_READ_FAIL) {
			ck_report(cfg.format == CK_FMT_JSON ? stdout : NULL, name, &err);
			cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
			break;
		}
		if (rc == CK_READ_BROKEN) {
			ck_report(NULL, name, &err);
			cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
			if (json_array_size(held) > 0) {
				json_array_append_new(held, rec);
				continue;
			}
		} else {
			unsigned t = ck_lint_target(rec);

			/* A template file is judged only once it passes the one template schema. */
			if (ck_tmpl_check_definition(rec, &err) != 0) {
				ck_err_prefix(&err, "template '%s'",
				    ck_js(rec, "name") ? ck_js(rec, "name") : "?");
				ck_report(cfg.format == CK_FMT_JSON ? stdout : NULL, name, &err);
				cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
			}
			ck_lint_index(l, rec);
			if (t == CK_APPLY_TEMPLATE || t == CK_APPLY_CA || t == CK_APPLY_CHAIN) {
				/* ca records wait for --ca-config even when no rule judges them. */
				if (json_array_size(held) == 0 && !ck_lint_wants(l, t) &&
				    !(t == CK_APPLY_CA && cfg.conf.n > 0))
					t = 0;	/* nothing judges it: no need to hold */
			} else if (json_array_size(held) == 0)
				t = 0;
			if (t != 0 || json_array_size(held) > 0) {
				json_array_append_new(held, rec);
				continue;
			}
		}
		emit(l, rec);
		json_decref(rec);
	}
	ck_reader_free(r);
}

static int
parse_fail_on(const char *arg, void *target, struct ck_err *err)
{
	if (strcmp(arg, "warning") != 0 && strcmp(arg, "critical") != 0)
		return ck_err_set(err, CK_E_USAGE, "'%s': expected critical or warning", arg);
	*(int *)target = strcmp(arg, "warning") == 0;
	return 0;
}

static int
parse_ca(const char *arg, void *target, struct ck_err *err)
{
	if (*(const char **)target != NULL)
		return ck_err_set(err, CK_E_USAGE,
		    "given twice (name the CA in the certutil text instead)");
	*(const char **)target = arg;
	return 0;
}

static struct ck_strv profiles, policies, configs;
static const char *format;
static const char *amt;
static int list;

static const struct ck_opt opts[] = {
	{ .name = "profile", .arg = "NAME", .desc = "a policy profile (repeatable)",
	    .type = CK_OPT_LIST, .target = &profiles, .synopsis = "[--profile NAME ...]",
	    .complete = CK_COMPLETE_PROFILE },
	{ .name = "policy", .arg = "FILE", .desc = "a policy file (repeatable)",
	    .type = CK_OPT_LIST, .target = &policies, .synopsis = "[--policy FILE ...]",
	    .complete = CK_COMPLETE_FILE },
	{ .name = "amt-version", .arg = "V", .desc = "the AMT firmware version (3.2.1, 11, 16.1)",
	    .type = CK_OPT_PARSE, .target = &amt, .parse = ck_version_opt },
	{ .name = "ca-config", .arg = "FILE", .desc = "certutil -getreg output (repeatable)",
	    .type = CK_OPT_LIST, .target = &configs, .synopsis = "[--ca-config FILE ...]",
	    .complete = CK_COMPLETE_FILE },
	{ .name = "ca", .arg = "NAME", .desc = "the CA of settings without a registry path",
	    .type = CK_OPT_PARSE, .target = &cfg.ca, .parse = parse_ca },
	{ .name = "fail-on", .arg = "critical|warning", .desc = "exit 2 from this severity",
	    .type = CK_OPT_PARSE, .target = &cfg.fail_on_warning, .parse = parse_fail_on,
	    .complete = "critical warning" },
	{ .name = "list-rules", .desc = "list the rules instead of judging",
	    .type = CK_OPT_FLAG, .target = &list },
	{ .name = "format", .arg = "json|text", .desc = "output format", .type = CK_OPT_STR,
	    .target = &format, .complete = "json text" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-lint", .opts = opts,
	.operands = "[FILE ...]" };

int
main(int argc, char **argv)
{
	struct ck_lint *l = NULL;
	struct ck_err err;
	const char *envpol;
	size_t i;
	int first, rv = CK_UNKNOWN;
	json_t *held = NULL;
	struct stat st;

	ck_tool_init("cert-lint");
	ck_progress_init(&cfg.progress, "records");
	switch (ck_opt_parse(&tool, argc, argv, &first, NULL)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	if ((cfg.format = ck_format_option(format, NULL, stdout)) < 0) {
		ck_opt_usage(&tool, stderr);
		goto out;
	}
	if ((l = ck_lint_new()) == NULL || ck_lint_add_default_dirs(l, &err) < 0) {
		ck_warnx("out of memory");
		goto out;
	}
	if (amt != NULL)
		ck_lint_set_amt_version(l, amt);
	envpol = getenv("CERTKIT_POLICY");
	if (envpol != NULL && *envpol && stat(envpol, &st) == 0 && !S_ISDIR(st.st_mode))
		if (ck_strv_push(&policies, envpol) < 0)
			goto out;
	if (list && profiles.n == 0 && policies.n == 0) {
		rv = list_rules(l, 1) < 0 ? CK_UNKNOWN : CK_OK;
		goto out;
	}
	if (profiles.n == 0 && policies.n == 0 && ck_strv_push(&profiles, "default") < 0)
		goto out;
	for (i = 0; i < profiles.n; i++)
		if (ck_lint_add_profile(l, profiles.v[i], &err) < 0) {
			ck_warnx("%s", err.msg);
			goto out;
		}
	for (i = 0; i < policies.n; i++)
		if (ck_lint_add_policy_file(l, policies.v[i], &err) < 0) {
			ck_warnx("%s", err.msg);
			goto out;
		}
	if (list) {
		rv = list_rules(l, 0) < 0 ? CK_UNKNOWN : CK_OK;
		goto out;
	}
	/* A broken --ca-config is like a broken policy: nothing is judged. */
	for (i = 0; i < configs.n; i++)
		if (ck_caconfig_set_load(&cfg.conf, configs.v[i], &err) < 0) {
			ck_warnx("--ca-config: '%s': %s", configs.v[i], err.msg);
			goto out;
		}
	if ((held = json_array()) == NULL) {
		ck_warnx("out of memory");
		goto out;
	}
	cfg.status = CK_OK;
	if (first == argc)
		run(l, stdin, "stdin", held);
	for (i = (size_t)first; i < (size_t)argc; i++) {
		FILE *fp;

		if (strcmp(argv[i], "-") == 0) {
			run(l, stdin, "stdin", held);
			continue;
		}
		if ((fp = fopen(argv[i], "r")) == NULL) {
			ck_err_set(&err, CK_E_IO, "%s", strerror(errno));
			ck_report(NULL, argv[i], &err);
			json_array_append_new(held, ck_error_record_err(argv[i], &err));
			cfg.status = ck_status_worse(cfg.status, CK_UNKNOWN);
			continue;
		}
		run(l, fp, argv[i], held);
		fclose(fp);
	}
	if (cfg.conf.n > 0)
		apply_configs(held);
	for (i = 0; i < json_array_size(held); i++)
		emit(l, json_array_get(held, i));
	if (cfg.format == CK_FMT_TEXT)
		printf("%lu judged: %lu critical, %lu warning, %lu notice\n", cfg.judged,
		    cfg.counts[2], cfg.counts[1], cfg.counts[0]);
	rv = cfg.status;
	if (cfg.worst == 2 || (cfg.worst == 1 && cfg.fail_on_warning))
		rv = ck_status_worse(rv, CK_CRITICAL);
	else if (cfg.worst == 1)
		rv = ck_status_worse(rv, CK_WARNING);
out:
	json_decref(held);
	ck_lint_free(l);
	ck_strv_release(&profiles);
	ck_strv_release(&policies);
	ck_strv_release(&configs);
	ck_caconfig_set_release(&cfg.conf);
	ck_progress_done(&cfg.progress);
	if (ck_close_stdout() < 0)
		rv = CK_UNKNOWN;
	return rv;
}
