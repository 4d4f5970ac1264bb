/*
 * ck_sd: self-relative security descriptors ([MS-DTYP] 2.4.6, 2.4.5, 2.4.4).
 * Every read is bounds-checked against the buffer handed in; the parser
 * trusts no offset, count or size from the wire.
 */
#include "ck_sd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SE_DACL_PRESENT 0x0004u
#define MAX_ACES 65535u

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

void
ck_guid_to_string(const unsigned char g[16], char out[CK_GUID_STR_MAX])
{
	snprintf(out, CK_GUID_STR_MAX,
	    "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    (unsigned long)le32(g), le16(g + 4), le16(g + 6), g[8], g[9], g[10], g[11],
	    g[12], g[13], g[14], g[15]);
}

/* A SID at off inside buf[0..len): writes its string form. */
static int
sid_at(const unsigned char *buf, size_t len, size_t off, char out[CK_SID_STR_MAX],
    const char *what, struct ck_err *err)
{
	if (off >= len)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: %s offset %zu "
		    "beyond %zu bytes", what, off, len);
	if (ck_sid_to_string(buf + off, len - off, out, err) < 0)
		return ck_err_prefix(err, "security descriptor: %s", what);
	return 0;
}

static int
parse_ace(const unsigned char *p, size_t size, struct ck_ace *a, size_t idx,
    struct ck_err *err)
{
	size_t off = 8;
	uint32_t oflags;

	memset(a, 0, sizeof(*a));
	a->type = p[0];
	a->flags = p[1];
	if (size < 8)
		return 0;	/* too small to carry a mask: kept as an opaque ACE */
	a->mask = le32(p + 4);
	switch (a->type) {
	case 0x00: case 0x01: case 0x02: case 0x03:
	case 0x09: case 0x0A: case 0x0D: case 0x0E:
		break;
	case 0x05: case 0x06: case 0x07: case 0x08:
	case 0x0B: case 0x0C: case 0x0F: case 0x10:
		if (size < 12)
			return ck_err_set(err, CK_E_PARSE, "security descriptor: object ace %zu "
			    "truncated", idx);
		oflags = le32(p + 8);
		off = 12;
		if (oflags & 1) {
			if (size < off + 16)
				return ck_err_set(err, CK_E_PARSE, "security descriptor: ace %zu "
				    "object type truncated", idx);
			a->has_object_type = 1;
			ck_guid_to_string(p + off, a->object_type);
			off += 16;
		}
		if (oflags & 2) {
			if (size < off + 16)
				return ck_err_set(err, CK_E_PARSE, "security descriptor: ace %zu "
				    "inherited object type truncated", idx);
			a->has_inherited_object_type = 1;
			ck_guid_to_string(p + off, a->inherited_object_type);
			off += 16;
		}
		break;
	default:
		return 0;	/* unknown layout: type, flags and mask only */
	}
	if (ck_sid_to_string(p + off, size - off, a->sid, err) < 0)
		return ck_err_prefix(err, "security descriptor: ace %zu sid", idx);
	a->has_sid = 1;
	return 0;
}

static int
parse_acl(const unsigned char *buf, size_t len, size_t off, struct ck_sd *sd,
    struct ck_err *err)
{
	size_t size, count, i, pos, end;

	if (off > len || len - off < 8)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: dacl header "
		    "beyond %zu bytes", len);
	size = le16(buf + off + 2);
	count = le16(buf + off + 4);
	if (buf[off] != 2 && buf[off] != 4)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: dacl revision %u",
		    buf[off]);
	if (size < 8 || size > len - off)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: dacl size %zu "
		    "does not fit", size);
	if (count > MAX_ACES || count > (size - 8) / 4)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: %zu aces cannot "
		    "fit in %zu bytes", count, size);
	end = off + size;
	if (count > 0) {
		sd->aces = calloc(count, sizeof(*sd->aces));
		if (sd->aces == NULL)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	pos = off + 8;
	for (i = 0; i < count; i++) {
		size_t asz;

		if (end - pos < 4)
			return ck_err_set(err, CK_E_PARSE, "security descriptor: ace %zu "
			    "header beyond the dacl", i);
		asz = le16(buf + pos + 2);
		if (asz < 4 || asz > end - pos)
			return ck_err_set(err, CK_E_PARSE, "security descriptor: ace %zu size "
			    "%zu does not fit", i, asz);
		if (parse_ace(buf + pos, asz, &sd->aces[i], i, err) < 0)
			return -1;
		sd->nace++;
		pos += asz;
	}
	return 0;
}

int
ck_sd_parse(const unsigned char *buf, size_t len, struct ck_sd *sd, struct ck_err *err)
{
	uint32_t oowner, ogroup, odacl;

	memset(sd, 0, sizeof(*sd));
	if (buf == NULL || len < 20)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: too short (%zu bytes)",
		    len);
	if (buf[0] != 1)
		return ck_err_set(err, CK_E_PARSE, "security descriptor: revision %u", buf[0]);
	sd->control = le16(buf + 2);
	oowner = le32(buf + 4);
	ogroup = le32(buf + 8);
	odacl = le32(buf + 16);
	if (oowner != 0) {
		if (sid_at(buf, len, oowner, sd->owner, "owner", err) < 0)
			goto fail;
		sd->has_owner = 1;
	}
	if (ogroup != 0) {
		if (sid_at(buf, len, ogroup, sd->group, "group", err) < 0)
			goto fail;
		sd->has_group = 1;
	}
	if ((sd->control & SE_DACL_PRESENT) && odacl != 0) {
		if (parse_acl(buf, len, odacl, sd, err) < 0)
			goto fail;
		sd->has_dacl = 1;
	}
	return 0;
fail:
	ck_sd_release(sd);
	return -1;
}

void
ck_sd_release(struct ck_sd *sd)
{
	if (sd == NULL)
		return;
	free(sd->aces);
	sd->aces = NULL;
	sd->nace = 0;
}

int
ck_ace_is_deny(const struct ck_ace *a)
{
	return a->type == CK_ACE_DENIED || a->type == CK_ACE_DENIED_OBJECT;
}

static int
push(json_t *arr, const char *name)
{
	return json_array_append_new(arr, json_string(name));
}

json_t *
ck_ace_rights_json(const struct ck_ace *a)
{
	const uint32_t full = 0xF01FFu;
	const uint32_t gread = CK_READ_CONTROL | CK_DS_LIST | CK_DS_READ_PROP | CK_DS_LIST_OBJECT;
	const uint32_t gwrite = CK_READ_CONTROL | CK_DS_WRITE_PROP | CK_DS_SELF;
	uint32_t m = a->mask;
	int obj = a->has_object_type;
	json_t *r = json_array();

	if (r == NULL)
		return NULL;
	/* [MS-ADTS] 5.1.3.2: generic rights map onto directory rights. */
	if (m & CK_GENERIC_ALL)
		m |= full;
	if (m & CK_GENERIC_READ)
		m |= gread;
	if (m & CK_GENERIC_WRITE)
		m |= gwrite;
	if (m & CK_GENERIC_EXECUTE)
		m |= CK_READ_CONTROL | CK_DS_LIST;
	/* An object type narrows the DS rights to one attribute, class or right. */
	if ((m & full) == full && !obj)
		push(r, "generic_all");
	if ((m & gwrite) == gwrite && !obj)
		push(r, "generic_write");
	if ((m & gread) == gread)
		push(r, "read");
	if (m & CK_WRITE_DAC)
		push(r, "write_dacl");
	if (m & CK_WRITE_OWNER)
		push(r, "write_owner");
	if (m & CK_DELETE)
		push(r, "delete");
	if (m & CK_DS_WRITE_PROP)
		push(r, obj ? "write_property_object" : "write_property");
	if (m & CK_DS_CREATE_CHILD)
		push(r, "create_child");
	if (m & CK_DS_DELETE_CHILD)
		push(r, "delete_child");
	if (m & CK_DS_DELETE_TREE)
		push(r, "delete_tree");
	if (m & CK_DS_SELF)
		push(r, "validated_write");
	if (m & CK_DS_CONTROL_ACCESS) {
		if (!obj) {
			push(r, "all_extended_rights");
			push(r, "enroll");
			push(r, "autoenroll");
		} else if (strcmp(a->object_type, CK_GUID_ENROLL) == 0) {
			push(r, "enroll");
		} else if (strcmp(a->object_type, CK_GUID_AUTOENROLL) == 0) {
			push(r, "autoenroll");
		} else {
			push(r, "extended_right");
		}
	}
	return r;
}
