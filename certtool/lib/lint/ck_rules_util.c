/*
 * ck_rules_util: the parts of the rule table that are not checks: lookups,
 * parameters, JSON field helpers shared by every check.
 */
#include "ck_rules.h"
#include "ck_rules_checks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ck_cert.h"

static const char *const apply_names[] = {
	"leaf", "ca_cert", "chain", "template", "ca"
};

const char *
ck_apply_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(apply_names) / sizeof(apply_names[0]); i++)
		if (bit == 1u << i)
			return apply_names[i];
	return "?";
}

json_t *
ck_apply_json(unsigned mask)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < sizeof(apply_names) / sizeof(apply_names[0]); i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(apply_names[i]));
	return a;
}

const struct ck_rule *
ck_rule_find(const char *id)
{
	const struct ck_rule *t;
	size_t n, i;

	if (id == NULL)
		return NULL;
	t = ck_rules_all(&n);
	for (i = 0; i < n; i++)
		if (strcmp(t[i].id, id) == 0)
			return &t[i];
	return NULL;
}

json_t *
ck_rule_json(const struct ck_rule *r, const char *severity)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "severity", json_string(severity ? severity : r->severity));
	json_object_set_new(o, "applies_to", ck_apply_json(r->applies_to));
	json_object_set_new(o, "description", json_string(r->description));
	json_object_set_new(o, "ref", json_string(r->ref));
	return o;
}

const json_t *
ck_rule_param(const struct ck_rule_env *env, const char *name)
{
	if (env == NULL || !json_is_object(env->params))
		return NULL;
	return json_object_get(env->params, name);
}

long
ck_rule_param_int(const struct ck_rule_env *env, const char *name, long dflt)
{
	const json_t *v = ck_rule_param(env, name);

	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

int
ck_rule_param_bool(const struct ck_rule_env *env, const char *name, int dflt)
{
	const json_t *v = ck_rule_param(env, name);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

const char *
ck_rule_param_str(const struct ck_rule_env *env, const char *name)
{
	return json_string_value(ck_rule_param(env, name));
}

int
ck_hit(struct ck_hit *hit, const char *severity, const char *fmt, ...)
{
	va_list ap;

	hit->severity = severity;
	va_start(ap, fmt);
	vsnprintf(hit->msg, sizeof(hit->msg), fmt, ap);
	va_end(ap);
	return 1;
}

const char *
ck_js(const json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_string_value(json_object_get(obj, key)) : NULL;
}

long
ck_ji(const json_t *obj, const char *key, long dflt)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

int
ck_jb(const json_t *obj, const char *key)
{
	return json_is_object(obj) && json_is_true(json_object_get(obj, key));
}

int
ck_jarr_has(const json_t *obj, const char *key, const char *s)
{
	const json_t *a = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	const json_t *v;
	size_t i;

	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v) {
		const char *e = json_string_value(v);

		if (e != NULL && strcasecmp(e, s) == 0)
			return 1;
	}
	return 0;
}

/*
 * Each purpose by its dotted OID and the short names certkit and other
 * tools give it (cert-read and cert-ad write the snake_case short names;
 * hand-written records may use the others).
 */
static const struct {
	enum ck_eku e;
	const char *names[5];
} eku_names[] = {
	{ CK_EKU_SERVER_AUTH, { "1.3.6.1.5.5.7.3.1", "server_auth", "serverAuth", NULL } },
	{ CK_EKU_CLIENT_AUTH, { "1.3.6.1.5.5.7.3.2", "client_auth", "clientAuth", NULL } },
	{ CK_EKU_ANY_PURPOSE, { "2.5.29.37.0", "any_purpose", "anyExtendedKeyUsage", "any", NULL } },
	{ CK_EKU_SMARTCARD_LOGON, { "1.3.6.1.4.1.311.20.2.2", "smartcard_logon",
	    "smart_card_logon", "msSmartcardLogin", NULL } },
	{ CK_EKU_PKINIT_CLIENT, { "1.3.6.1.5.2.3.4", "pkinit_client_auth", "pkinit_client", "pkinit", NULL } },
	{ CK_EKU_REQUEST_AGENT, { "1.3.6.1.4.1.311.20.2.1", "certificate_request_agent",
	    "enrollment_agent", "request_agent", NULL } },
	{ CK_EKU_AMT_PROVISIONING, { CK_OID_AMT_PROVISIONING, "amt_provisioning", NULL } },
};

int
ck_eku_has(const json_t *arr, enum ck_eku e)
{
	const json_t *v;
	size_t i, k, j;

	if (!json_is_array(arr))
		return 0;
	for (k = 0; k < sizeof(eku_names) / sizeof(eku_names[0]); k++)
		if (eku_names[k].e == e)
			break;
	if (k == sizeof(eku_names) / sizeof(eku_names[0]))
		return 0;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL)
			continue;
		for (j = 0; eku_names[k].names[j] != NULL; j++)
			if (strcasecmp(s, eku_names[k].names[j]) == 0)
				return 1;
	}
	return 0;
}

const char *
ck_rule_subject(const json_t *rec)
{
	const char *k = json_string_value(json_object_get(rec, "kind"));
	const json_t *subj;
	const char *s;

	if (k == NULL)
		return NULL;
	if (strcmp(k, "cert") == 0) {
		subj = json_object_get(rec, "subject");
		/* A CN with a NUL would be cut there: the DN escapes it (\00). */
		if ((s = ck_js(subj, "cn")) != NULL && *s &&
		    strlen(s) == json_string_length(json_object_get(subj, "cn")))
			return s;
		if ((s = ck_js(subj, "dn")) != NULL && *s)
			return s;
		return ck_js(rec, "serial");
	}
	if (strcmp(k, "chain") == 0)
		return ck_js(rec, "leaf");
	if ((s = ck_js(rec, "name")) != NULL)
		return s;
	return ck_js(rec, "display_name");
}
