#include "ck_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_datadir.h"


void
ck_policy_init(struct ck_policy *p)
{
	memset(p, 0, sizeof(*p));
}

static int
get_long(const json_t *rules, const char *key, long *out, struct ck_err *err)
{
	json_t *v = json_object_get(rules, key);

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		*out = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 1000000)
		return ck_err_set(err, CK_E_PARSE, "rule '%s': not a count", key);
	*out = (long)json_integer_value(v);
	return 0;
}

static int
get_str(const json_t *rules, const char *key, char *out, size_t size, struct ck_err *err)
{
	json_t *v = json_object_get(rules, key);

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		out[0] = '\0';
		return 0;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) >= size)
		return ck_err_set(err, CK_E_PARSE, "rule '%s': not a short string", key);
	snprintf(out, size, "%s", json_string_value(v));
	return 0;
}

int
ck_policy_apply(struct ck_policy *p, const json_t *rules, struct ck_err *err)
{
	json_t *v;

	if (rules == NULL)
		return 0;
	if (!json_is_object(rules))
		return ck_err_set(err, CK_E_PARSE, "\"rules\" is not an object");
	if (get_long(rules, "max_ca_bits", &p->max_ca_bits, err) ||
	    get_long(rules, "min_bits", &p->min_bits, err) ||
	    get_long(rules, "max_depth", &p->max_depth, err) ||
	    get_long(rules, "warn_depth", &p->warn_depth, err) ||
	    get_long(rules, "expect_min_bits", &p->expect_min_bits, err) ||
	    get_str(rules, "ca_key_alg", p->ca_key_alg, sizeof(p->ca_key_alg), err) ||
	    get_str(rules, "expect_sig_hash", p->expect_sig_hash,
	    sizeof(p->expect_sig_hash), err))
		return -1;
	if ((v = json_object_get(rules, "no_sha1")) != NULL) {
		if (!json_is_boolean(v))
			return ck_err_set(err, CK_E_PARSE, "rule 'no_sha1': not a boolean");
		p->no_sha1 = json_is_true(v);
	}
	return 0;
}

int
ck_version_cmp(const char *a, const char *b, int prefix, int *bad)
{
	while (*a != '\0' || *b != '\0') {
		char *ea, *eb;
		long na, nb;

		if (*b == '\0' && prefix)
			return 0;
		na = *a == '\0' ? 0 : strtol(a, &ea, 10);
		nb = *b == '\0' ? 0 : strtol(b, &eb, 10);
		if ((*a != '\0' && (ea == a || (*ea != '.' && *ea != '\0'))) ||
		    (*b != '\0' && (eb == b || (*eb != '.' && *eb != '\0')))) {
			*bad = 1;
			return -2;
		}
		if (na != nb)
			return na < nb ? -1 : 1;
		if (*a != '\0')
			a = *ea == '.' ? ea + 1 : ea;
		if (*b != '\0')
			b = *eb == '.' ? eb + 1 : eb;
	}
	return 0;
}

int
ck_policy_path(const char *name, char *buf, size_t size, struct ck_err *err)
{
	size_t i, n = strlen(name);

	if (strchr(name, '/') != NULL || (n > 5 && strcmp(name + n - 5, ".json") == 0)) {
		snprintf(buf, size, "%s", name);
		if (access(buf, R_OK) != 0)
			return ck_err_set(err, CK_E_NOTFOUND, "'%s': no such policy file", name);
		return 0;
	}
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_'))
			return ck_err_set(err, CK_E_USAGE, "'%s': bad policy name (letters, "
			    "digits, - and _; or a path to a .json file)", name);
	return ck_datadir_file("policy", name, "json", buf, size, err);
}

int
ck_policy_load(struct ck_policy *p, const char *name, const char *version,
    struct ck_err *err)
{
	char path[1024];
	json_t *root = NULL, *vers, *blk, *v;
	json_error_t jerr;
	size_t i;
	int rv = -1, found = 0, bad = 0;

	if (ck_policy_path(name, path, sizeof(path), err) != 0)
		return -1;
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		ck_err_set(err, CK_E_PARSE, "'%s': line %d: %s", path, jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(root)) {
		ck_err_set(err, CK_E_PARSE, "'%s': not a JSON object", path);
		goto out;
	}
	v = json_object_get(root, "name");
	snprintf(p->name, sizeof(p->name), "%s", json_is_string(v) ? json_string_value(v) : name);
	v = json_object_get(root, "ref");
	if (json_is_string(v))
		snprintf(p->ref, sizeof(p->ref), "%s", json_string_value(v));
	if (ck_policy_apply(p, json_object_get(root, "rules"), err) != 0) {
		ck_err_prefix(err, "'%s'", path);
		goto out;
	}
	vers = json_object_get(root, "versions");
	if (vers == NULL) {
		if (version != NULL) {
			ck_err_set(err, CK_E_USAGE, "policy '%s' has no versions", name);
			goto out;
		}
		rv = 0;
		goto out;
	}
	if (version == NULL) {
		v = json_object_get(root, "default_version");
		version = json_is_string(v) ? json_string_value(v) : NULL;
		if (version == NULL) {
			ck_err_set(err, CK_E_USAGE, "policy '%s' needs a version", name);
			goto out;
		}
	}
	snprintf(p->version, sizeof(p->version), "%s", version);
	json_array_foreach(vers, i, blk) {
		const char *from = json_string_value(json_object_get(blk, "from"));
		const char *to = json_string_value(json_object_get(blk, "to"));

		if (from == NULL) {
			ck_err_set(err, CK_E_PARSE, "'%s': versions[%zu] has no \"from\"", path, i);
			goto out;
		}
		if (ck_version_cmp(version, from, 0, &bad) < 0 && !bad)
			continue;
		if (!bad && to != NULL && ck_version_cmp(version, to, 1, &bad) > 0 && !bad)
			continue;
		if (bad) {
			ck_err_set(err, CK_E_USAGE, "'%s': not a version", version);
			goto out;
		}
		v = json_object_get(blk, "ref");
		if (json_is_string(v))
			snprintf(p->ref, sizeof(p->ref), "%s", json_string_value(v));
		if (ck_policy_apply(p, json_object_get(blk, "rules"), err) != 0) {
			ck_err_prefix(err, "'%s': versions[%zu]", path, i);
			goto out;
		}
		found = 1;
	}
	if (!found) {
		ck_err_set(err, CK_E_USAGE, "policy '%s' does not cover version '%s'", name, version);
		goto out;
	}
	rv = 0;
out:
	json_decref(root);
	return rv;
}
