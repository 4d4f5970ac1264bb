/*
 * ck_group: grouping certificates into candidate chains (see ck_group.h).
 */
#include "ck_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_grow.h"
#include "ck_record.h"

int
ck_group_starts(const json_t *rec, const char *cur, char *key, size_t size)
{
	const json_t *src = json_object_get(rec, "source");
	const char *type = json_string_value(json_object_get(src, "type"));
	const char *uri = json_string_value(json_object_get(src, "uri"));
	json_int_t idx = json_integer_value(json_object_get(src, "index"));

	if (type != NULL && uri != NULL)
		snprintf(key, size, "%s %s", type, uri);
	else
		key[0] = '\0';
	return key[0] == '\0' || strcmp(key, cur) != 0 || idx == 0;
}

void
ck_group_close(struct ck_group *g)
{
	json_t *certs = g->cur;

	if (certs == NULL)
		return;
	g->cur = NULL;
	g->close(g->arg, certs, g->key[0] != '\0' ? strchr(g->key, ' ') + 1 : "-");
	g->key[0] = '\0';
}

void
ck_group_take(struct ck_group *g, json_t *rec)
{
	if (ck_record_is(rec, "cert")) {
		char key[CK_GROUP_KEY];

		if (ck_group_starts(rec, g->key, key, sizeof(key)) && g->cur != NULL)
			ck_group_close(g);
		if (g->cur == NULL) {
			g->cur = json_array();
			snprintf(g->key, sizeof(g->key), "%s", key[0] ? key : "- -");
		}
		json_array_append_new(g->cur, rec);
		return;
	}
	ck_group_close(g);
	g->pass(g->arg, rec);
}

/* Checks the open candidate and appends its chain (or error) record. */
static void
der_close(struct ck_group_der *g)
{
	struct ck_err err;
	json_t *rec;
	size_t i;
	int st = CK_UNKNOWN;

	if (g->n == 0)
		return;
	ck_err_clear(&err);
	rec = ck_chain_check_der_probe(g->ctx, g->in, g->n, &st, &err, g->probe);
	if (rec == NULL) {
		rec = ck_error_record_err(strchr(g->key, ' ') + 1, &err);
		st = CK_UNKNOWN;
	}
	json_array_append_new(g->out, rec);
	g->status = ck_status_worse(g->status, st);
	for (i = 0; i < g->n; i++) {
		json_decref((json_t *)g->in[i].rec);
		free((unsigned char *)g->in[i].der);
	}
	g->n = 0;
	g->key[0] = '\0';
}

int
ck_group_der_emit(void *arg, json_t *rec, const unsigned char *der, size_t len)
{
	struct ck_group_der *g = arg;
	struct ck_chain_input *ni;
	unsigned char *copy;
	char key[CK_GROUP_KEY];

	if (der == NULL) {
		/* An error record: it ends the candidate before it, in order. */
		der_close(g);
		if (ck_record_is(rec, "error"))
			g->status = ck_status_worse(g->status, CK_UNKNOWN);
		json_array_append_new(g->out, rec);
		return 0;
	}
	if (ck_group_starts(rec, g->key, key, sizeof(key)))
		der_close(g);
	if (g->n == 0)
		snprintf(g->key, sizeof(g->key), "%s", key[0] ? key : "- -");
	if ((ni = ck_grow(g->in, &g->cap, g->n + 1, sizeof(*ni), 8)) == NULL)
		goto nomem;
	g->in = ni;
	if ((copy = malloc(len)) == NULL)
		goto nomem;
	memcpy(copy, der, len);
	g->in[g->n].rec = rec;
	g->in[g->n].der = copy;
	g->in[g->n].len = len;
	g->n++;
	return 0;
nomem:
	json_decref(rec);
	g->status = ck_status_worse(g->status, CK_UNKNOWN);
	return -1;
}

void
ck_group_der_done(struct ck_group_der *g)
{
	der_close(g);
	free(g->in);
	g->in = NULL;
	g->cap = 0;
}
