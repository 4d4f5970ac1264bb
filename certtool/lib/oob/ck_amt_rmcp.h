/*
 * ck_amt_rmcp: the ASF presence ping an Intel AMT device answers on UDP 623
 * (RMCP), with the AMT fields of its pong.
 *
 * Request (12 bytes): RMCP header 06 00 00 06 (version 6, class ASF), the
 * ASF IANA enterprise number 00 00 11 BE (4542), message type 80 (presence
 * ping), a tag the responder echoes, 00 reserved, 00 data length.  An AMT
 * pong carries, in its OEM-defined bytes, the open web port (16992 or
 * 16993), the major/minor version and the provisioning state; bit 0x20 of
 * byte 21 (supported interactions) marks AMT (MeshCentral amtscanner.js
 * buildRmcpPing / parseRmcpPacket; DMTF DSP0136 ASF 2.0, 3.2.4 presence
 * ping and pong).
 *
 * The parser is pure and bounded: it reads at most len bytes.
 */
#ifndef CK_AMT_RMCP_H
#define CK_AMT_RMCP_H

#include <stddef.h>

#include "ck_err.h"

#define CK_AMT_RMCP_PORT 623
#define CK_AMT_RMCP_PING_LEN 12
#define CK_AMT_RMCP_PONG_MIN 22	/* the last byte read is data[21] */

struct ck_amt_rmcp {
	int major, minor;		/* firmware version (major.minor) */
	int state;			/* 0 pre, 1 in, 2 post provisioning; 3 unknown */
	unsigned port;			/* the web port the pong names (16992 or 16993) */
	int both_ports;			/* 1: 16992 and 16993 are both open */
};

/* Writes the 12-byte presence ping with tag into out. */
void ck_amt_rmcp_ping(unsigned char out[CK_AMT_RMCP_PING_LEN], unsigned char tag);

/*
 * Decodes a reply to the ping with tag.  Returns 0 (an AMT pong, r filled)
 * or -1 with err set (CK_E_PARSE) and the reason: shorter than
 * CK_AMT_RMCP_PONG_MIN bytes, not an RMCP/ASF presence pong, a tag other
 * than the one sent (a stale or spoofed reply), or no AMT bit (an ASF
 * device that is not AMT).
 */
int ck_amt_rmcp_parse(const unsigned char *buf, size_t len, unsigned char tag,
    struct ck_amt_rmcp *r, struct ck_err *err);

/* "pre", "in", "post", or NULL for another state. */
const char *ck_amt_state_name(int state);

#endif /* CK_AMT_RMCP_H */
