/*
 * Fuzz target: the security-descriptor parser (ck_sd), the ACL rendering
 * cert-ad builds from it (ck_ad_acl_json), and binary SIDs (ck_sid).
 */
#include <stddef.h>
#include <stdint.h>

#include "ck_ad.h"
#include "ck_sd.h"
#include "ck_sid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_sd sd;
	struct ck_err err;
	char sid[CK_SID_STR_MAX];
	unsigned char bin[68];
	json_t *acl = NULL, *owner = NULL;
	size_t i;

	if (ck_sd_parse(data, size, &sd, &err) == 0) {
		for (i = 0; i < sd.nace; i++)
			json_decref(ck_ace_rights_json(&sd.aces[i]));
		ck_sd_release(&sd);
	}
	if (ck_ad_acl_json(data, size, NULL, NULL, &acl, &owner, &err) == 0) {
		json_decref(acl);
		json_decref(owner);
	}
	if (ck_sid_to_string(data, size, sid, &err) > 0 &&
	    ck_sid_from_string(sid, bin, &err) < 0)
		__builtin_trap();	/* a SID we print must parse back */
	return 0;
}
