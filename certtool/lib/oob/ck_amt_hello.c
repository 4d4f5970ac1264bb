/*
 * ck_amt_hello: decoding the AMT provisioning Hello message (see the header
 * for the layout and its sources).
 */
#include "ck_amt_hello.h"

#include "ck_num.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

static const struct {
	int type;
	size_t len;
	const char *name;
	const char *label;
} types[] = {
	{ CK_AMT_SHA1, 20, "sha1", "SHA-1" },
	{ CK_AMT_SHA256, 32, "sha256", "SHA-256" },
	{ CK_AMT_SHA384, 48, "sha384", "SHA-384" },
};

static int
type_index(int type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return (int)i;
	return -1;
}

const char *
ck_amt_hash_name(int type)
{
	int i = type_index(type);

	return i < 0 ? NULL : types[i].name;
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/*
 * Walks the hash list of buf[0..len) without copying.  Returns the offset
 * just past the last hash, 0 when more bytes are needed, or -1 with err set
 * (err may be NULL) when a hash is malformed.  h may be NULL.
 */
static long
walk(const unsigned char *buf, size_t len, struct ck_amt_hello *h, struct ck_err *err)
{
	size_t count = buf[CK_AMT_HELLO_HEADER - 1], off = CK_AMT_HELLO_HEADER;

	for (size_t i = 0; i < count; i++) {
		int t;

		if (off + 2 > len) {
			if (err)
				ck_err_set(err, CK_E_PARSE, "truncated: %zu bytes end inside hash %zu "
				    "of %zu (the hash count says %zu)", len, i + 1, count, count);
			return 0;
		}
		if ((t = type_index(buf[off])) < 0) {
			if (err)
				ck_err_set(err, CK_E_PARSE, "hash %zu of %zu at byte %zu: type %u is "
				    "not 1 (SHA-1), 2 (SHA-256) or 3 (SHA-384)", i + 1, count, off,
				    buf[off]);
			return -1;
		}
		if (buf[off + 1] != types[t].len) {
			if (err)
				ck_err_set(err, CK_E_PARSE, "hash %zu of %zu at byte %zu: size %u does "
				    "not match its type %s (%zu bytes)", i + 1, count, off,
				    buf[off + 1], types[t].label, types[t].len);
			return -1;
		}
		if (off + 2 + types[t].len > len) {
			if (err)
				ck_err_set(err, CK_E_PARSE, "truncated: %zu bytes end inside hash %zu "
				    "of %zu (the hash count says %zu)", len, i + 1, count, count);
			return 0;
		}
		if (h != NULL) {
			h->hashes[i].type = types[t].type;
			h->hashes[i].len = types[t].len;
			memcpy(h->hashes[i].v, buf + off + 2, types[t].len);
		}
		off += 2 + types[t].len;
	}
	return (long)off;
}

int
ck_amt_hello_complete(const unsigned char *buf, size_t len)
{
	long end;

	if (len > CK_AMT_HELLO_MAX)
		return -1;
	if (len < CK_AMT_HELLO_HEADER)
		return 0;
	end = walk(buf, len, NULL, NULL);
	if (end < 0)
		return -1;
	return end > 0;
}

int
ck_amt_hello_parse(const unsigned char *buf, size_t len, struct ck_amt_hello *h,
    struct ck_err *err)
{
	long end;

	memset(h, 0, sizeof(*h));
	if (len > CK_AMT_HELLO_MAX)
		return ck_err_set(err, CK_E_LIMIT, "%zu bytes: over the %d-byte limit of a "
		    "Hello message", len, CK_AMT_HELLO_MAX);
	if (len == 0)
		return ck_err_set(err, CK_E_PARSE, "empty: no Hello message");
	if (len < CK_AMT_HELLO_HEADER)
		return ck_err_set(err, CK_E_PARSE, "truncated: %zu bytes, the Hello header "
		    "alone is %d", len, CK_AMT_HELLO_HEADER);
	h->admin_credentials_set = (int)le16(buf);
	h->hello_version = (int)le16(buf + 2);
	h->retry_count = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
	    (uint32_t)buf[7] << 24;
	memcpy(h->uuid, buf + 8, 16);
	h->nhashes = buf[CK_AMT_HELLO_HEADER - 1];
	if (h->admin_credentials_set > 1)
		return ck_err_set(err, CK_E_PARSE, "admin credentials flag is %d (0 or 1 "
		    "expected)", h->admin_credentials_set);
	if (h->hello_version != CK_AMT_HELLO_VERSION)
		return ck_err_set(err, CK_E_PARSE, "hello version %d is not %d (the only "
		    "version known; its layout may differ)", h->hello_version,
		    CK_AMT_HELLO_VERSION);
	end = walk(buf, len, h, err);
	if (end <= 0)
		return -1;
	if ((size_t)end != len)
		return ck_err_set(err, CK_E_PARSE, "%zu bytes after the last of %zu hashes "
		    "(the hash count says %zu; the message has room for more)",
		    len - (size_t)end, h->nhashes, h->nhashes);
	return 0;
}

void
ck_amt_uuid_format(const unsigned char u[16], char out[CK_AMT_UUID_LEN])
{
	/* Intel's UUID text: the first three groups are little-endian. */
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[order[i]] >> 4];
		out[o++] = hex[u[order[i]] & 0x0f];
	}
	out[o] = '\0';
}

static void
hex_of(const unsigned char *v, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[v[i] >> 4];
		out[2 * i + 1] = hex[v[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

json_t *
ck_amt_hash_json(const struct ck_amt_hash *hash)
{
	char hex[2 * CK_AMT_HASH_MAX + 1];

	hex_of(hash->v, hash->len, hex);
	return json_pack("{s:s, s:s}", "alg", ck_amt_hash_name(hash->type), "hex", hex);
}

json_t *
ck_amt_hello_record(const struct ck_amt_hello *h, const char *address)
{
	json_t *rec = json_object(), *hashes = json_array();
	char uuid[CK_AMT_UUID_LEN];

	if (rec == NULL || hashes == NULL) {
		json_decref(rec);
		json_decref(hashes);
		return NULL;
	}
	ck_amt_uuid_format(h->uuid, uuid);
	json_object_set_new(rec, "kind", json_string("amt_hello"));
	json_object_set_new(rec, "v", json_integer(1));
	json_object_set_new(rec, "address", address ? json_string(address) : json_null());
	json_object_set_new(rec, "uuid", json_string(uuid));
	json_object_set_new(rec, "admin_credentials_set", json_boolean(h->admin_credentials_set));
	json_object_set_new(rec, "hello_version", json_integer(h->hello_version));
	json_object_set_new(rec, "retry_count", json_integer(h->retry_count));
	for (size_t i = 0; i < h->nhashes; i++)
		json_array_append_new(hashes, ck_amt_hash_json(&h->hashes[i]));
	json_object_set_new(rec, "hashes", hashes);
	return rec;
}

const struct ck_amt_hash *
ck_amt_hello_match(const struct ck_amt_hello *h, const unsigned char *der, size_t len)
{
	const EVP_MD *md[4] = { NULL, EVP_sha1(), EVP_sha256(), EVP_sha384() };
	unsigned char digest[4][EVP_MAX_MD_SIZE];
	int done[4] = { 0 };

	for (size_t i = 0; i < h->nhashes; i++) {
		const struct ck_amt_hash *x = &h->hashes[i];
		unsigned int n = 0;

		if (x->type < CK_AMT_SHA1 || x->type > CK_AMT_SHA384)
			continue;
		if (!done[x->type]) {
			if (EVP_Digest(der, len, digest[x->type], &n, md[x->type], NULL) != 1)
				return NULL;
			done[x->type] = 1;
		}
		if (memcmp(digest[x->type], x->v, x->len) == 0)
			return x;
	}
	return NULL;
}

static int
hex_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':';
}

void
ck_amt_hello_unhex(unsigned char *buf, size_t len, size_t *outlen)
{
	size_t digits = 0, o = 0;
	int hi = -1;

	*outlen = len;
	for (size_t i = 0; i < len; i++) {
		if (hex_sep(buf[i]))
			continue;
		if (ck_hex_digit(buf[i]) < 0)
			return;
		digits++;
	}
	if (digits == 0 || digits % 2 != 0)
		return;
	/* The output never overtakes the input: two digits make one byte. */
	for (size_t i = 0; i < len; i++) {
		if (hex_sep(buf[i]))
			continue;
		if (hi < 0) {
			hi = ck_hex_digit(buf[i]);
		} else {
			buf[o++] = (unsigned char)(hi << 4 | ck_hex_digit(buf[i]));
			hi = -1;
		}
	}
	*outlen = o;
}
