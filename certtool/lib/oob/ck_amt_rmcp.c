/*
 * ck_amt_rmcp: the RMCP/ASF presence ping and the AMT pong (see the header
 * for the layout and its sources).
 */
#include "ck_amt_rmcp.h"

#include <string.h>

#define RMCP_VERSION 0x06
#define RMCP_CLASS_ASF 0x06
#define ASF_PRESENCE_PING 0x80
#define ASF_PRESENCE_PONG 0x40
#define AMT_INTERACTION_BIT 0x20	/* data[21]: AMT (MeshCentral parseRmcpPacket) */

static const unsigned char asf_iana[4] = { 0x00, 0x00, 0x11, 0xbe };

void
ck_amt_rmcp_ping(unsigned char out[CK_AMT_RMCP_PING_LEN], unsigned char tag)
{
	static const unsigned char ping[CK_AMT_RMCP_PING_LEN] = {
		RMCP_VERSION, 0x00, 0x00, RMCP_CLASS_ASF, 0x00, 0x00, 0x11, 0xbe,
		ASF_PRESENCE_PING, 0x00, 0x00, 0x00
	};

	memcpy(out, ping, sizeof(ping));
	out[9] = tag;
}

int
ck_amt_rmcp_parse(const unsigned char *d, size_t len, unsigned char tag,
    struct ck_amt_rmcp *r, struct ck_err *err)
{
	memset(r, 0, sizeof(*r));
	if (len < CK_AMT_RMCP_PONG_MIN)
		return ck_err_set(err, CK_E_PARSE, "short RMCP reply: %zu bytes (an AMT "
		    "presence pong has at least %d)", len, CK_AMT_RMCP_PONG_MIN);
	if (d[0] != RMCP_VERSION || d[3] != RMCP_CLASS_ASF ||
	    memcmp(d + 4, asf_iana, 4) != 0 || d[8] != ASF_PRESENCE_PONG)
		return ck_err_set(err, CK_E_PARSE, "not an ASF presence pong (RMCP version "
		    "%u, class %u, message type 0x%02x)", d[0], d[3], d[8]);
	if (d[9] != tag)
		return ck_err_set(err, CK_E_PARSE, "pong with tag %u, the ping had %u (a "
		    "stale or spoofed reply)", d[9], tag);
	if ((d[21] & AMT_INTERACTION_BIT) == 0)
		return ck_err_set(err, CK_E_PARSE, "an ASF device without the AMT bit "
		    "(supported interactions 0x%02x): not Intel AMT", d[21]);
	r->port = (unsigned)d[16] << 8 | d[17];
	r->major = d[18] >> 4;
	r->minor = d[18] & 0x0f;
	r->state = d[19] & 0x03;
	r->both_ports = (d[19] & 0x04) != 0;
	return 0;
}

const char *
ck_amt_state_name(int state)
{
	static const char *const names[] = { "pre", "in", "post" };

	return state >= 0 && state < 3 ? names[state] : NULL;
}
