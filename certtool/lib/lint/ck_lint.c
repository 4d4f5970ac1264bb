/*
 * ck_lint: loading profiles (policy/NAME.json) and judging records with the
 * rules they select.  Profile format: policy/README.md.
 */
#include "ck_lint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_datadir.h"
#include "ck_grow.h"
#include "ck_path.h"
#include "ck_record.h"

#define INCLUDE_DEPTH_MAX 8

struct sel {
	const struct ck_rule *rule;
	char *severity;		/* profile override or NULL */
	json_t *params;		/* object, owned */
	const struct ck_policy *policy;	/* the profile's amt_policy (in pols), or NULL */
};

#define POLICIES_MAX 16

struct ck_lint {
	struct sel *sel;
	size_t nsel, cap;
	char **dirs;
	size_t ndirs;
	char amt_version[CK_POLICY_STR];	/* --amt-version, "" when not given */
	struct ck_policy *pols[POLICIES_MAX];	/* loaded amt_policy files, owned */
	size_t npols;
	json_t *certs;		/* id -> summary */
	json_t *cas;		/* ca records seen */
	json_t *oid_groups;	/* issuance policy OID -> linked group */
	json_t *groups;		/* principal SID and name -> its groups' SIDs */
	size_t noids;		/* oid records seen */
};

struct ck_lint *
ck_lint_new(void)
{
	struct ck_lint *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->certs = json_object();
	l->cas = json_array();
	l->oid_groups = json_object();
	l->groups = json_object();
	if (l->certs == NULL || l->cas == NULL || l->oid_groups == NULL || l->groups == NULL) {
		ck_lint_free(l);
		return NULL;
	}
	return l;
}

void
ck_lint_free(struct ck_lint *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nsel; i++) {
		free(l->sel[i].severity);
		json_decref(l->sel[i].params);
	}
	free(l->sel);
	for (i = 0; i < l->npols; i++)
		free(l->pols[i]);
	for (i = 0; i < l->ndirs; i++)
		free(l->dirs[i]);
	free(l->dirs);
	json_decref(l->certs);
	json_decref(l->cas);
	json_decref(l->oid_groups);
	json_decref(l->groups);
	free(l);
}

int
ck_lint_add_dir(struct ck_lint *l, const char *dir, struct ck_err *err)
{
	char **d = realloc(l->dirs, (l->ndirs + 1) * sizeof(*d));

	if (d == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	l->dirs = d;
	if ((d[l->ndirs] = strdup(dir)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	l->ndirs++;
	return 0;
}

void
ck_lint_set_amt_version(struct ck_lint *l, const char *version)
{
	snprintf(l->amt_version, sizeof(l->amt_version), "%s", version);
}

int
ck_severity_level(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "critical") == 0)
		return 2;
	if (strcmp(s, "warning") == 0)
		return 1;
	if (strcmp(s, "notice") == 0)
		return 0;
	return -1;
}

static int
name_ok(const char *n)
{
	const char *p;

	if (n == NULL || *n == '\0' || *n == '.' || strlen(n) > 64)
		return 0;
	for (p = n; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.'))
			return 0;
	return 1;
}

static int load_file(struct ck_lint *l, const char *path, int depth, struct ck_err *err);

/* Finds NAME.json: first in dir_first (the including file's dir), then the search path. */
static int
load_name(struct ck_lint *l, const char *name, const char *dir_first, int depth,
    struct ck_err *err)
{
	char path[4096];
	size_t i;

	if (!name_ok(name))
		return ck_err_set(err, CK_E_NOTFOUND, "unknown profile '%s'", name);
	if (dir_first != NULL) {
		if (ck_path_fmt(path, sizeof(path), dir_first, name, "json") == 0 &&
		    access(path, F_OK) == 0)
			return load_file(l, path, depth, err);
	}
	for (i = 0; i < l->ndirs; i++) {
		if (ck_path_fmt(path, sizeof(path), l->dirs[i], name, "json") == 0 &&
		    access(path, F_OK) == 0)
			return load_file(l, path, depth, err);
	}
	return ck_err_set(err, CK_E_NOTFOUND, "unknown profile '%s' (not found in %s)", name,
	    l->ndirs ? l->dirs[0] : "any policy directory");
}

static int
selected(const struct ck_lint *l, const struct ck_rule *r)
{
	size_t i;

	for (i = 0; i < l->nsel; i++)
		if (l->sel[i].rule == r)
			return 1;
	return 0;
}

/* A profile's version parameter as a string ("" when none). */
static void
version_param(const json_t *v, char *buf, size_t size)
{
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/*
 * The profile's "amt_policy" (policy/NAME.json, ck_policy.h) loaded at the
 * AMT version (--amt-version, else the profile's amt_version parameter,
 * else the policy's default) into *pol; its version and template key range
 * go into params.  No amt_policy: *pol stays NULL.
 */
static int
load_amt_policy(struct ck_lint *l, const json_t *prof, json_t *params, const char *path,
    const struct ck_policy **pol, struct ck_err *err)
{
	const char *name = json_string_value(json_object_get(prof, "amt_policy"));
	char ver[CK_POLICY_STR];
	struct ck_policy *p;

	*pol = NULL;
	if (json_object_get(prof, "amt_policy") == NULL)
		return 0;
	if (name == NULL)
		return ck_err_set(err, CK_E_PARSE, "'%s': \"amt_policy\" must be a policy name", path);
	if (l->npols == POLICIES_MAX || (p = malloc(sizeof(*p))) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "too many policies");
	version_param(json_object_get(params, "amt_version"), ver, sizeof(ver));
	ck_policy_init(p);
	if (ck_policy_load(p, name, ver[0] != '\0' ? ver : NULL, err) != 0) {
		free(p);
		return ck_err_prefix(err, "'%s': amt_policy", path);
	}
	l->pols[l->npols++] = p;
	json_object_set_new(params, "amt_version", json_string(p->version));
	if (p->template_key_bits[1] > 0 && json_object_get(params, "min_key_bits_range") == NULL)
		json_object_set_new(params, "min_key_bits_range", json_pack("[I,I]",
		    (json_int_t)p->template_key_bits[0], (json_int_t)p->template_key_bits[1]));
	*pol = p;
	return 0;
}

/* Profile parameters with amt_versions applied; new reference. */
static json_t *
resolve_params(const struct ck_lint *l, const json_t *prof, const char *path, struct ck_err *err)
{
	const json_t *p = json_object_get(prof, "params");
	const json_t *vers = json_object_get(prof, "amt_versions"), *v;
	json_t *out;
	char ver[CK_POLICY_STR], from[32];
	size_t i;
	int bad = 0;

	if (p != NULL && !json_is_object(p)) {
		ck_err_set(err, CK_E_PARSE, "'%s': \"params\" must be an object", path);
		return NULL;
	}
	out = p ? json_deep_copy(p) : json_object();
	if (out == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if (l->amt_version[0] != '\0')
		json_object_set_new(out, "amt_version", json_string(l->amt_version));
	if (vers == NULL)
		return out;
	if (!json_is_array(vers)) {
		ck_err_set(err, CK_E_PARSE, "'%s': \"amt_versions\" must be an array", path);
		goto bad;
	}
	version_param(json_object_get(out, "amt_version"), ver, sizeof(ver));
	json_array_foreach(vers, i, v) {
		const json_t *f = json_object_get(v, "from"), *vp = json_object_get(v, "params");

		if (!(json_is_integer(f) || json_is_string(f)) || !json_is_object(vp)) {
			ck_err_set(err, CK_E_PARSE, "'%s': amt_versions[%zu] needs a \"from\" version "
			    "and a \"params\" object", path, i);
			goto bad;
		}
		version_param(f, from, sizeof(from));
		if (ver[0] != '\0' && ck_version_cmp(ver, from, 0, &bad) >= 0 && !bad)
			json_object_update(out, (json_t *)vp);
	}
	return out;
bad:
	json_decref(out);
	return NULL;
}

static int
add_sel(struct ck_lint *l, const struct ck_rule *r, const char *sev, json_t *params,
    const struct ck_policy *pol, struct ck_err *err)
{
	struct sel *s;

	if ((s = ck_grow(l->sel, &l->cap, l->nsel + 1, sizeof(*s), 32)) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	l->sel = s;
	s = &l->sel[l->nsel];
	s->rule = r;
	s->severity = sev ? strdup(sev) : NULL;
	s->params = json_incref(params);
	s->policy = pol;
	l->nsel++;
	return 0;
}

static int
load_file(struct ck_lint *l, const char *path, int depth, struct ck_err *err)
{
	json_error_t je;
	json_t *prof = NULL, *params = NULL;
	const json_t *inc, *rules, *v;
	const struct ck_policy *pol = NULL;
	const char *key;
	char dir[4096], *slash;
	size_t i;
	int rv = -1;

	if (depth > INCLUDE_DEPTH_MAX)
		return ck_err_set(err, CK_E_PARSE, "'%s': profiles include each other too deeply", path);
	prof = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (prof == NULL) {
		if (access(path, R_OK) != 0)
			return ck_err_set(err, errno == ENOENT ? CK_E_NOTFOUND : CK_E_IO,
			    "'%s': %s", path, strerror(errno));
		return ck_err_set(err, CK_E_PARSE, "'%s': broken policy file: line %d: %s", path,
		    je.line, je.text);
	}
	if (!json_is_object(prof)) {
		ck_err_set(err, CK_E_PARSE, "'%s': broken policy file: not a JSON object", path);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	inc = json_object_get(prof, "include");
	if (inc != NULL && !json_is_array(inc)) {
		ck_err_set(err, CK_E_PARSE, "'%s': \"include\" must be an array of profile names", path);
		goto out;
	}
	rules = json_object_get(prof, "rules");
	if (rules != NULL && !json_is_object(rules)) {
		ck_err_set(err, CK_E_PARSE, "'%s': \"rules\" must be an object of rule ids", path);
		goto out;
	}
	if ((params = resolve_params(l, prof, path, err)) == NULL ||
	    load_amt_policy(l, prof, params, path, &pol, err) != 0)
		goto out;
	json_object_foreach((json_t *)rules, key, v) {
		const struct ck_rule *r = ck_rule_find(key);
		const json_t *sev = json_object_get(v, "severity"), *rp = json_object_get(v, "params");
		json_t *p;

		if (r == NULL) {
			ck_err_set(err, CK_E_PARSE, "'%s': unknown rule '%s' (see cert-lint --list-rules)",
			    path, key);
			goto out;
		}
		if (!json_is_object(v) || (sev != NULL && ck_severity_level(json_string_value(sev)) < 0) ||
		    (rp != NULL && !json_is_object(rp))) {
			ck_err_set(err, CK_E_PARSE, "'%s': rule '%s': expected {\"severity\": "
			    "\"critical|warning|notice\", \"params\": {...}}", path, key);
			goto out;
		}
		if (selected(l, r))
			continue;
		if (rp != NULL) {
			if ((p = json_deep_copy(params)) == NULL ||
			    json_object_update(p, (json_t *)rp) < 0) {
				json_decref(p);
				ck_err_set(err, CK_E_NOMEM, "out of memory");
				goto out;
			}
		} else
			p = json_incref(params);
		if (add_sel(l, r, json_string_value(sev), p, pol, err) < 0) {
			json_decref(p);
			goto out;
		}
		json_decref(p);
	}
	json_array_foreach(inc, i, v) {
		if (!json_is_string(v)) {
			ck_err_set(err, CK_E_PARSE, "'%s': \"include\" must be an array of profile names",
			    path);
			goto out;
		}
		if (load_name(l, json_string_value(v), dir, depth + 1, err) < 0) {
			if (err->code == CK_E_NOTFOUND)
				ck_err_prefix(err, "'%s': include", path);
			goto out;
		}
	}
	rv = 0;
out:
	json_decref(params);
	json_decref(prof);
	return rv;
}

int
ck_lint_add_default_dirs(struct ck_lint *l, struct ck_err *err)
{
	char dirs[CK_DATADIR_MAX][CK_DATADIR_PATH];
	size_t i, n = ck_datadir_search("policy", dirs, CK_DATADIR_MAX);

	for (i = 0; i < n; i++)
		if (ck_lint_add_dir(l, dirs[i], err) < 0)
			return -1;
	return 0;
}

int
ck_lint_add_profile(struct ck_lint *l, const char *name, struct ck_err *err)
{
	return load_name(l, name, NULL, 0, err);
}

int
ck_lint_add_policy_file(struct ck_lint *l, const char *path, struct ck_err *err)
{
	return load_file(l, path, 0, err);
}

size_t
ck_lint_count(const struct ck_lint *l)
{
	return l->nsel;
}

const struct ck_rule *
ck_lint_rule(const struct ck_lint *l, size_t i, const char **severity)
{
	if (i >= l->nsel)
		return NULL;
	if (severity != NULL)
		*severity = l->sel[i].severity ? l->sel[i].severity : l->sel[i].rule->severity;
	return l->sel[i].rule;
}

unsigned
ck_lint_target(const json_t *rec)
{
	const char *k = ck_record_kind(rec);

	if (k == NULL)
		return 0;
	if (strcmp(k, "cert") == 0)
		return json_is_true(json_object_get(rec, "ca")) ? CK_APPLY_CA_CERT : CK_APPLY_LEAF;
	if (strcmp(k, "chain") == 0)
		return CK_APPLY_CHAIN;
	if (strcmp(k, "template") == 0)
		return CK_APPLY_TEMPLATE;
	if (strcmp(k, "ca") == 0)
		return CK_APPLY_CA;
	return 0;
}

int
ck_lint_wants(const struct ck_lint *l, unsigned target)
{
	size_t i;

	for (i = 0; i < l->nsel; i++)
		if (l->sel[i].rule->applies_to & target)
			return 1;
	return 0;
}

static void
index_cert(struct ck_lint *l, const json_t *c)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	static const char *const keep[] = { "id", "key", "sig_alg", "ca", "subject", "self_signed" };
	json_t *s;
	size_t i;

	if (id == NULL || json_object_get(l->certs, id) != NULL || (s = json_object()) == NULL)
		return;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(c, keep[i]);

		if (v != NULL)
			json_object_set(s, keep[i], v);
	}
	json_object_set_new(s, "kind", json_string("cert"));
	json_object_set_new(l->certs, id, s);
}

/* A principal record's group SIDs, under its SID and under its name. */
static void
index_principal(struct ck_lint *l, const json_t *rec)
{
	const json_t *groups = json_object_get(rec, "groups"), *g;
	const char *sid = json_string_value(json_object_get(rec, "sid"));
	const char *name = json_string_value(json_object_get(rec, "name"));
	json_t *sids = json_array();
	size_t i;

	if (sids == NULL || !json_is_array(groups)) {
		json_decref(sids);
		return;
	}
	json_array_foreach(groups, i, g) {
		const json_t *gs = json_is_string(g) ? g : json_object_get(g, "sid");

		if (json_is_string(gs))
			json_array_append(sids, (json_t *)gs);
	}
	if (sid != NULL && *sid != '\0')
		json_object_set(l->groups, sid, sids);
	if (name != NULL && *name != '\0')
		json_object_set(l->groups, name, sids);
	json_decref(sids);
}

void
ck_lint_index(struct ck_lint *l, const json_t *rec)
{
	const char *k = ck_record_kind(rec);

	if (k == NULL)
		return;
	if (strcmp(k, "cert") == 0)
		index_cert(l, rec);
	else if (strcmp(k, "ca") == 0) {
		json_array_append(l->cas, (json_t *)rec);
		if (json_is_object(json_object_get(rec, "cert")))
			index_cert(l, json_object_get(rec, "cert"));
	} else if (strcmp(k, "oid") == 0) {
		const char *oid = json_string_value(json_object_get(rec, "oid"));
		const char *g = json_string_value(json_object_get(rec, "group_link"));

		l->noids++;
		if (oid != NULL && g != NULL && *g != '\0')
			json_object_set_new(l->oid_groups, oid, json_string(g));
	} else if (strcmp(k, "principal") == 0) {
		index_principal(l, rec);
	}
}

size_t
ck_lint_oids_seen(const struct ck_lint *l)
{
	return l ? l->noids : 0;
}

const json_t *
ck_lint_principal_groups(const struct ck_lint *l, const char *who)
{
	if (l == NULL || who == NULL)
		return NULL;
	return json_object_get(l->groups, who);
}

const char *
ck_lint_oid_group(const struct ck_lint *l, const char *oid)
{
	if (l == NULL || oid == NULL)
		return NULL;
	return json_string_value(json_object_get(l->oid_groups, oid));
}

const json_t *
ck_lint_cert(const struct ck_lint *l, const char *id)
{
	if (l == NULL || id == NULL)
		return NULL;
	return json_object_get(l->certs, id);
}

const json_t *
ck_lint_cas(const struct ck_lint *l)
{
	return l ? l->cas : NULL;
}

int
ck_lint_judge(const struct ck_lint *l, json_t *rec, int *worst)
{
	unsigned target = ck_lint_target(rec);
	json_t *findings;
	const char *subject;
	int added = 0;
	size_t i;

	if (target == 0 || !ck_lint_wants(l, target))
		return -1;
	findings = json_object_get(rec, "findings");
	if (!json_is_array(findings)) {
		if ((findings = json_array()) == NULL || json_object_set_new(rec, "findings", findings) < 0)
			return -1;
	}
	subject = ck_rule_subject(rec);
	for (i = 0; i < l->nsel; i++) {
		const struct sel *s = &l->sel[i];
		struct ck_rule_env env = { s->params, l, target, s->rule, s->policy };
		struct ck_hit hit = { NULL, "" };
		const char *sev;
		int lv;

		if (!(s->rule->applies_to & target) || s->rule->check(&env, rec, &hit) != 1)
			continue;
		sev = s->severity ? s->severity : hit.severity ? hit.severity : s->rule->severity;
		json_array_append_new(findings, ck_finding_new(s->rule->id, sev, hit.msg,
		    s->rule->ref, subject));
		added++;
		lv = ck_severity_level(sev);
		if (worst != NULL && lv > *worst)
			*worst = lv;
	}
	return added;
}
