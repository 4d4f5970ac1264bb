/*
 * ck_winrm: WS-Management Identify, the request Windows answers to say
 * that WinRM listens and which OS and service pack it runs on (Microsoft
 * "Detecting Whether a Remote Computer Supports WS-Management Protocol";
 * DMTF DSP0226 and DSP8012).  The answer is read by a small XML scanner
 * that refuses document type declarations and every entity reference
 * except the five predefined ones and character references: nothing is
 * ever expanded from a definition in the document.  No globals; never prints.
 */
#ifndef CK_WINRM_H
#define CK_WINRM_H

#include <stddef.h>

#include "ck_err.h"
#include "ck_fetch.h"

/* An IdentifyResponse larger than this is refused (CK_E_LIMIT). */
#define CK_WINRM_MAX_BYTES (64u * 1024)
#define CK_WINRM_STR 256

struct ck_winrm_identity {
	char protocol_version[CK_WINRM_STR];
	char product_vendor[CK_WINRM_STR];
	char product_version[CK_WINRM_STR];	/* "OS: 5.2.3790 SP: 2.0 Stack: 1.1" */
	int has_os;		/* ProductVersion carried a non-zero OS version */
	int os_major, os_minor, os_build;
	int sp_major, sp_minor;
};

/*
 * Parses an IdentifyResponse document (len bytes, need not be
 * NUL-terminated).  Fails with CK_E_PARSE on a malformed document (an
 * unterminated tag, mismatched end tag, nesting deeper than 32, no
 * IdentifyResponse element), on a DOCTYPE or ENTITY declaration, or on an
 * entity reference other than &lt; &gt; &amp; &quot; &apos; and &#N;/&#xN;,
 * and with CK_E_LIMIT above CK_WINRM_MAX_BYTES.  Returns 0 or -1.
 */
int ck_winrm_parse(const char *xml, size_t len, struct ck_winrm_identity *id,
    struct ck_err *err);

/*
 * Parses "OS: A.B.C SP: D.E Stack: F" into id's os_* and sp_* fields
 * (has_os 0 when absent or all zero, as in an unauthenticated answer).
 */
void ck_winrm_parse_version(struct ck_winrm_identity *id);

/*
 * Sends Identify to url (http://HOST:5985/wsman).  o's http_user and
 * http_password, when set, authenticate (Basic, NTLM or Negotiate, as the
 * server offers); without them the request carries "WSMANIDENTIFY:
 * unauthenticated".  o's http_header is replaced; its timeout applies and
 * the response is capped at CK_WINRM_MAX_BYTES.  Returns 0, or -1 with err
 * set (CK_E_NET refused, timeout, HTTP status (*status says which);
 * CK_E_PARSE, CK_E_LIMIT from the answer).
 */
int ck_winrm_identify(const char *url, const struct ck_fetch_opts *o,
    struct ck_winrm_identity *id, long *status, struct ck_err *err);

#endif /* CK_WINRM_H */
