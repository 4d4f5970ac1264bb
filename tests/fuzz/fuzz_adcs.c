/*
 * Fuzz target for ck_adcs and ck_tmpl: the first byte picks what the rest
 * is fed to: flag decoders (with a decode/encode round trip that must hold),
 * FILETIME periods, key-usage bytes, or template JSON through check, apply
 * and LDIF generation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ck_adcs.h"
#include "ck_tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_flags(const uint8_t *d, size_t n)
{
	int32_t raw;
	uint32_t back;
	struct ck_err err;
	json_t *obj;
	int a;

	if (n < 5)
		return;
	a = d[0] % 4;
	raw = (int32_t)((uint32_t)d[1] | (uint32_t)d[2] << 8 | (uint32_t)d[3] << 16 |
	    (uint32_t)d[4] << 24);
	obj = ck_adcs_flags_json((enum ck_adcs_attr)a, raw);
	if (obj == NULL)
		return;
	/* Names alone must give the value back: no bit is ever dropped. */
	json_object_del(obj, "raw");
	if (ck_adcs_flags_value((enum ck_adcs_attr)a, obj, &back, &err) != 0 ||
	    back != (uint32_t)raw)
		abort();
	json_decref(obj);
}

static void
fuzz_period(const uint8_t *d, size_t n)
{
	double days, again;
	unsigned char out[8];
	struct ck_err err;

	if (ck_adcs_period_decode(d, n, &days, &err) != 0)
		return;
	if (!(days > 0))
		abort();
	if (days < 100000) {
		ck_adcs_period_encode(days, out);
		if (ck_adcs_period_decode(out, 8, &again, &err) != 0)
			abort();
	}
}

static void
fuzz_key_usage(const uint8_t *d, size_t n)
{
	json_t *names = ck_adcs_key_usage_json(d, n);
	unsigned char out[2];
	size_t len;
	struct ck_err err;

	if (names == NULL)
		return;
	if (ck_adcs_key_usage_encode(names, out, &len, &err) != 0)
		abort();
	if (n > 0 && out[0] != d[0])
		abort();
	json_decref(names);
}

static void
fuzz_template(const uint8_t *d, size_t n)
{
	json_t *t = json_loadb((const char *)d, n, 0, NULL);
	struct ck_err err;
	static const char *const sids[] = { "S-1-5-21-1-2-3-1105" };
	struct ck_tmpl_ldif_opts o = {
		.forest_dn = "DC=corp,DC=example",
		.oid_base = "1.3.6.1.4.1.311.21.8.1",
		.enroll = sids,
		.n_enroll = 1,
	};
	char *l;

	if (t == NULL)
		return;
	if (ck_tmpl_check(t, &err) == 0 && ck_tmpl_apply(t, &o, &err) == 0) {
		l = ck_tmpl_ldif(t, &o, &err);
		free(l);
	}
	json_decref(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_flags(data + 1, size - 1);
		break;
	case 1:
		fuzz_period(data + 1, size - 1);
		break;
	case 2:
		fuzz_key_usage(data + 1, size - 1);
		break;
	default:
		fuzz_template(data + 1, size - 1);
		break;
	}
	return 0;
}
