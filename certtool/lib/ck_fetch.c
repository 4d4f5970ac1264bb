/* Placeholder so the tree links; the network engineer replaces this file. */
#include "ck_fetch.h"

#include <stdlib.h>
#include <string.h>

void
ck_fetch_opts_init(struct ck_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = CK_FETCH_TIMEOUT_MS;
	o->max_bytes = CK_FETCH_MAX_BYTES;
}

int
ck_blobs_add(struct ck_blobs *b, const unsigned char *data, size_t len)
{
	struct ck_blob *v;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		v = realloc(b->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n].data = malloc(len ? len : 1);
	if (b->v[b->n].data == NULL)
		return -1;
	memcpy(b->v[b->n].data, data, len);
	b->v[b->n].len = len;
	b->n++;
	return 0;
}

void
ck_blobs_release(struct ck_blobs *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].data);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

int
ck_http(const char *url, const char *body, size_t body_len, const char *content_type,
    const struct ck_fetch_opts *o, unsigned char **out, size_t *len, long *status,
    struct ck_err *err)
{
	(void)url; (void)body; (void)body_len; (void)content_type; (void)o;
	(void)out; (void)len; (void)status;
	return ck_err_set(err, CK_E_NET, "http: not implemented yet");
}

int
ck_tls_chain(const char *host, const char *port, const char *sni,
    const struct ck_fetch_opts *o, struct ck_blobs *chain, struct ck_err *err)
{
	(void)host; (void)port; (void)sni; (void)o; (void)chain;
	return ck_err_set(err, CK_E_NET, "tls: not implemented yet");
}

int
ck_ldap_url_values(const char *url, const struct ck_fetch_opts *o,
    struct ck_blobs *values, struct ck_err *err)
{
	(void)url; (void)o; (void)values;
	return ck_err_set(err, CK_E_LDAP, "ldap: not implemented yet");
}
