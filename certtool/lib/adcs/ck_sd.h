/*
 * ck_sd: binary Windows security descriptors ([MS-DTYP] 2.4.6, self-relative
 * form) as read from nTSecurityDescriptor, and the AD CS rights an ACE grants
 * ([MS-ADTS] 5.1.3.2 access rights, [MS-CRTD] template security).  No globals; never prints.
 */
#ifndef CK_SD_H
#define CK_SD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_sid.h"

/* ACE types certkit understands; others are kept with their number. */
#define CK_ACE_ALLOWED		0x00
#define CK_ACE_DENIED		0x01
#define CK_ACE_ALLOWED_OBJECT	0x05
#define CK_ACE_DENIED_OBJECT	0x06

/* ACE flags (inheritance). */
#define CK_ACE_OBJECT_INHERIT	0x01
#define CK_ACE_CONTAINER_INHERIT 0x02
#define CK_ACE_NO_PROPAGATE	0x04
#define CK_ACE_INHERIT_ONLY	0x08
#define CK_ACE_INHERITED	0x10

/* Access mask bits for directory objects. */
#define CK_DS_CREATE_CHILD	0x00000001u
#define CK_DS_DELETE_CHILD	0x00000002u
#define CK_DS_LIST		0x00000004u
#define CK_DS_SELF		0x00000008u
#define CK_DS_READ_PROP		0x00000010u
#define CK_DS_WRITE_PROP	0x00000020u
#define CK_DS_DELETE_TREE	0x00000040u
#define CK_DS_LIST_OBJECT	0x00000080u
#define CK_DS_CONTROL_ACCESS	0x00000100u
#define CK_DELETE		0x00010000u
#define CK_READ_CONTROL		0x00020000u
#define CK_WRITE_DAC		0x00040000u
#define CK_WRITE_OWNER		0x00080000u
#define CK_GENERIC_ALL		0x10000000u
#define CK_GENERIC_EXECUTE	0x20000000u
#define CK_GENERIC_WRITE	0x40000000u
#define CK_GENERIC_READ		0x80000000u

/* Extended rights of certificate templates (Enroll, AutoEnroll; [MS-CRTD] template security). */
#define CK_GUID_ENROLL		"0e10c968-78fb-11d2-90d4-00c04f79dc55"
#define CK_GUID_AUTOENROLL	"a05b8cc2-17bc-4802-a710-e7c15ab866a2"

#define CK_GUID_STR_MAX 37

struct ck_ace {
	unsigned type;			/* CK_ACE_* or another ACE type number */
	unsigned flags;			/* CK_ACE_OBJECT_INHERIT ... */
	uint32_t mask;
	int has_object_type;
	char object_type[CK_GUID_STR_MAX];	/* lower-case "xxxxxxxx-xxxx-..." */
	int has_inherited_object_type;
	char inherited_object_type[CK_GUID_STR_MAX];
	int has_sid;			/* 0 for ACE types whose layout is unknown */
	char sid[CK_SID_STR_MAX];
};

struct ck_sd {
	unsigned control;
	int has_owner, has_group, has_dacl;
	char owner[CK_SID_STR_MAX];
	char group[CK_SID_STR_MAX];
	size_t nace;
	struct ck_ace *aces;		/* malloc'd, nace entries (DACL only) */
};

/*
 * Parses a self-relative security descriptor.  Every offset and length is
 * checked against len; a malformed descriptor fails as a whole (CK_E_PARSE),
 * never partially.  At most 65535 ACEs.  On success *sd owns aces; release
 * with ck_sd_release() (also safe after a failure).  Returns 0 or -1.
 */
int ck_sd_parse(const unsigned char *buf, size_t len, struct ck_sd *sd, struct ck_err *err);
void ck_sd_release(struct ck_sd *sd);

/* 16-byte GUID in its mixed-endian wire form to the string form. */
void ck_guid_to_string(const unsigned char g[16], char out[CK_GUID_STR_MAX]);

/* 1 for ACCESS_DENIED and ACCESS_DENIED_OBJECT, 0 for allow types. */
int ck_ace_is_deny(const struct ck_ace *a);

/*
 * The rights names an ACE grants (or denies), as a new JSON array:
 * "generic_all" (full control, GENERIC_ALL or 0xF01FF), "generic_write",
 * "read", "write_dacl", "write_owner", "delete", "write_property" (no object
 * type), "write_property_object" (one attribute or set), "create_child",
 * "delete_child", "delete_tree", "validated_write",
 * "all_extended_rights" (CONTROL_ACCESS without object type),
 * "enroll", "autoenroll" (the extended-right GUIDs, or implied by
 * all_extended_rights: All-Extended-Rights counts as Enroll and AutoEnroll),
 * "extended_right" (another extended-right GUID).  Generic bits are mapped
 * to their directory rights first.  Returns NULL on ENOMEM.
 */
json_t *ck_ace_rights_json(const struct ck_ace *a);

#endif /* CK_SD_H */
