/*
 * ck_sid: Windows security identifiers ([MS-DTYP] 2.4.2).
 *
 * Binary layout: revision (1 byte, always 1), sub-authority count (1 byte,
 * at most 15), identifier authority (6 bytes, big-endian), then count
 * sub-authorities (32-bit little-endian each).
 */
#include "ck_sid.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SID_MAX_SUBAUTH 15

int
ck_sid_to_string(const unsigned char *buf, size_t len, char out[CK_SID_STR_MAX],
    struct ck_err *err)
{
	uint64_t auth = 0;
	size_t need, n, i;
	unsigned count;
	int w;

	if (buf == NULL || len < 8)
		return ck_err_set(err, CK_E_PARSE, "sid: too short (%zu bytes)", len);
	if (buf[0] != 1)
		return ck_err_set(err, CK_E_PARSE, "sid: unknown revision %u", buf[0]);
	count = buf[1];
	if (count > SID_MAX_SUBAUTH)
		return ck_err_set(err, CK_E_PARSE, "sid: %u sub-authorities (max 15)", count);
	need = 8 + 4 * (size_t)count;
	if (len < need)
		return ck_err_set(err, CK_E_PARSE, "sid: truncated (%zu of %zu bytes)", len, need);
	for (i = 2; i < 8; i++)
		auth = (auth << 8) | buf[i];
	/* [MS-DTYP] 2.4.2.1: authorities >= 2^32 are written in hex. */
	if (auth >> 32)
		w = snprintf(out, CK_SID_STR_MAX, "S-1-0x%012llX", (unsigned long long)auth);
	else
		w = snprintf(out, CK_SID_STR_MAX, "S-1-%llu", (unsigned long long)auth);
	n = (size_t)w;
	for (i = 0; i < count; i++) {
		const unsigned char *p = buf + 8 + 4 * i;
		uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

		w = snprintf(out + n, CK_SID_STR_MAX - n, "-%lu", (unsigned long)v);
		n += (size_t)w;
	}
	return (int)need;
}

/* Parses an unsigned decimal (or 0x hex when hex_ok) up to max; -1 on error. */
static int
parse_part(const char *s, const char **end, int hex_ok, uint64_t max, uint64_t *v)
{
	char *e;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	if (hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		x = strtoull(s + 2, &e, 16);
	else
		x = strtoull(s, &e, 10);
	if (errno != 0 || e == s || x > max)
		return -1;
	*v = x;
	*end = e;
	return 0;
}

int
ck_sid_from_string(const char *s, unsigned char out[68], struct ck_err *err)
{
	const char *p;
	uint64_t auth, v;
	unsigned count = 0;
	int i;

	if (s == NULL || (s[0] != 'S' && s[0] != 's') || s[1] != '-' || s[2] != '1' ||
	    s[3] != '-')
		return ck_err_set(err, CK_E_PARSE, "'%s': not a sid", s ? s : "");
	p = s + 4;
	if (parse_part(p, &p, 1, 0xFFFFFFFFFFFFull, &auth) < 0)
		return ck_err_set(err, CK_E_PARSE, "'%s': bad sid authority", s);
	out[0] = 1;
	for (i = 0; i < 6; i++)
		out[2 + i] = (unsigned char)(auth >> (8 * (5 - i)));
	while (*p == '-') {
		p++;
		if (count == SID_MAX_SUBAUTH)
			return ck_err_set(err, CK_E_PARSE, "'%s': too many sub-authorities", s);
		if (parse_part(p, &p, 0, 0xFFFFFFFFull, &v) < 0)
			return ck_err_set(err, CK_E_PARSE, "'%s': bad sub-authority", s);
		out[8 + 4 * count] = (unsigned char)v;
		out[9 + 4 * count] = (unsigned char)(v >> 8);
		out[10 + 4 * count] = (unsigned char)(v >> 16);
		out[11 + 4 * count] = (unsigned char)(v >> 24);
		count++;
	}
	if (*p != '\0')
		return ck_err_set(err, CK_E_PARSE, "'%s': trailing characters in sid", s);
	out[1] = (unsigned char)count;
	return 8 + 4 * (int)count;
}

struct wk {
	const char *sid;
	const char *name;
};

static const struct wk wellknown[] = {
	{ "S-1-0-0", "Nobody" },
	{ "S-1-1-0", "Everyone" },
	{ "S-1-2-0", "Local" },
	{ "S-1-3-0", "Creator Owner" },
	{ "S-1-3-1", "Creator Group" },
	{ "S-1-5-1", "Dialup" },
	{ "S-1-5-2", "Network" },
	{ "S-1-5-3", "Batch" },
	{ "S-1-5-4", "Interactive" },
	{ "S-1-5-6", "Service" },
	{ "S-1-5-7", "Anonymous Logon" },
	{ "S-1-5-9", "Enterprise Domain Controllers" },
	{ "S-1-5-10", "Principal Self" },
	{ "S-1-5-11", "Authenticated Users" },
	{ "S-1-5-12", "Restricted" },
	{ "S-1-5-13", "Terminal Server Users" },
	{ "S-1-5-14", "Remote Interactive Logon" },
	{ "S-1-5-15", "This Organization" },
	{ "S-1-5-18", "SYSTEM" },
	{ "S-1-5-19", "Local Service" },
	{ "S-1-5-20", "Network Service" },
	{ "S-1-5-32-544", "Administrators" },
	{ "S-1-5-32-545", "Users" },
	{ "S-1-5-32-546", "Guests" },
	{ "S-1-5-32-547", "Power Users" },
	{ "S-1-5-32-548", "Account Operators" },
	{ "S-1-5-32-549", "Server Operators" },
	{ "S-1-5-32-550", "Print Operators" },
	{ "S-1-5-32-551", "Backup Operators" },
	{ "S-1-5-32-552", "Replicator" },
	{ "S-1-5-32-554", "Pre-Windows 2000 Compatible Access" },
	{ "S-1-5-32-555", "Remote Desktop Users" },
	{ "S-1-5-32-556", "Network Configuration Operators" },
	{ "S-1-5-32-560", "Windows Authorization Access Group" },
	{ "S-1-5-32-561", "Terminal Server License Servers" },
	{ "S-1-5-32-562", "Distributed COM Users" },
	{ "S-1-5-32-568", "IIS_IUSRS" },
	{ "S-1-5-32-569", "Cryptographic Operators" },
	{ "S-1-5-32-573", "Event Log Readers" },
	{ "S-1-5-32-574", "Certificate Service DCOM Access" },
	{ "S-1-5-32-580", "Remote Management Users" },
};

/* Well-known RIDs of a domain (S-1-5-21-a-b-c-RID). */
static const struct {
	long rid;
	const char *name;
} domain_rids[] = {
	{ 498, "Enterprise Read-only Domain Controllers" },
	{ 500, "Administrator" },
	{ 501, "Guest" },
	{ 502, "krbtgt" },
	{ 512, "Domain Admins" },
	{ 513, "Domain Users" },
	{ 514, "Domain Guests" },
	{ 515, "Domain Computers" },
	{ 516, "Domain Controllers" },
	{ 517, "Cert Publishers" },
	{ 518, "Schema Admins" },
	{ 519, "Enterprise Admins" },
	{ 520, "Group Policy Creator Owners" },
	{ 521, "Read-only Domain Controllers" },
	{ 522, "Cloneable Domain Controllers" },
	{ 525, "Protected Users" },
	{ 526, "Key Admins" },
	{ 527, "Enterprise Key Admins" },
	{ 553, "RAS and IAS Servers" },
	{ 571, "Allowed RODC Password Replication Group" },
	{ 572, "Denied RODC Password Replication Group" },
};

/* Number of '-'-separated sub-authorities after "S-1-A". */
static int
sid_subcount(const char *sid)
{
	int dashes = 0;

	for (; *sid; sid++)
		if (*sid == '-')
			dashes++;
	return dashes - 2;
}

/* 1 when sid is S-1-5-21-x-y-z-RID (a domain account or group). */
static int
is_domain_sid(const char *sid)
{
	return strncmp(sid, "S-1-5-21-", 9) == 0 && sid_subcount(sid) == 5;
}

long
ck_sid_rid(const char *sid)
{
	const char *dash;
	char *end;
	unsigned long v;

	if (sid == NULL || strncmp(sid, "S-1-", 4) != 0)
		return -1;
	dash = strrchr(sid, '-');
	if (dash == NULL || dash < sid + 4 || sid_subcount(sid) < 1)
		return -1;
	if (dash[1] < '0' || dash[1] > '9')
		return -1;
	errno = 0;
	v = strtoul(dash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || v > 0xFFFFFFFFul)
		return -1;
	return (long)v;
}

const char *
ck_sid_wellknown_name(const char *sid)
{
	size_t i;
	long rid;

	if (sid == NULL)
		return NULL;
	for (i = 0; i < sizeof(wellknown) / sizeof(wellknown[0]); i++)
		if (strcmp(sid, wellknown[i].sid) == 0)
			return wellknown[i].name;
	if (is_domain_sid(sid)) {
		rid = ck_sid_rid(sid);
		for (i = 0; i < sizeof(domain_rids) / sizeof(domain_rids[0]); i++)
			if (domain_rids[i].rid == rid)
				return domain_rids[i].name;
	}
	return NULL;
}

int
ck_sid_is_privileged(const char *sid)
{
	static const long rids[] = { 512, 519, 544, 516, 517, 498, 521, 526, 527, 500 };
	size_t i;
	long rid;

	if (sid == NULL)
		return 0;
	if (strcmp(sid, "S-1-5-18") == 0 || strcmp(sid, "S-1-5-9") == 0 ||
	    strcmp(sid, "S-1-5-32-544") == 0)
		return 1;
	if (!is_domain_sid(sid))
		return 0;
	rid = ck_sid_rid(sid);
	for (i = 0; i < sizeof(rids) / sizeof(rids[0]); i++)
		if (rids[i] == rid)
			return 1;
	return 0;
}

int
ck_sid_is_broad(const char *sid)
{
	long rid;

	if (sid == NULL)
		return 0;
	if (strcmp(sid, "S-1-1-0") == 0 || strcmp(sid, "S-1-5-11") == 0 ||
	    strcmp(sid, "S-1-5-32-545") == 0 || strcmp(sid, "S-1-5-7") == 0)
		return 1;
	if (!is_domain_sid(sid))
		return 0;
	rid = ck_sid_rid(sid);
	return rid == 513 || rid == 515;
}
