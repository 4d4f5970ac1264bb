/*
 * ck_amt_hello: the Intel AMT provisioning "Hello" message.
 *
 * An AMT device in setup mode connects to the provisioning server on TCP
 * 9971 and sends one message, then closes (MeshCentral
 * amtprovisioningserver.js parseHelloData; Intel AMT SDK "Root Certificate
 * Hashes").  Layout, little-endian:
 *
 *   int16  adminCredentialsSet   0 or 1
 *   int16  helloVersion          3 (the only known version)
 *   int32  retryCount
 *   16     UUID                  printed with the first three groups byte-swapped
 *   uint8  hashCount
 *   then hashCount times: uint8 type (1 SHA-1, 2 SHA-256, 3 SHA-384),
 *                         uint8 size (20, 32, 48), size bytes
 *
 * The hashes are those of the root certificates the firmware trusts for
 * provisioning: a provisioning certificate chain works on that device only
 * when its root's hash of one of these types is in the list.
 *
 * The decoder is pure and bounded: no allocation, no I/O, it reads at most
 * len bytes and refuses anything over CK_AMT_HELLO_MAX.
 */
#ifndef CK_AMT_HELLO_H
#define CK_AMT_HELLO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ck_err.h"

#define CK_AMT_HELLO_PORT 9971
#define CK_AMT_HELLO_MAX 16000		/* MeshCentral refuses longer messages */
#define CK_AMT_HELLO_HEADER 25		/* bytes before the first hash */
#define CK_AMT_HELLO_VERSION 3
#define CK_AMT_HASH_MAX 48		/* SHA-384 */
#define CK_AMT_UUID_LEN 37		/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

/* Hash types as the message encodes them. */
enum ck_amt_hash_type {
	CK_AMT_SHA1 = 1,
	CK_AMT_SHA256 = 2,
	CK_AMT_SHA384 = 3
};

struct ck_amt_hash {
	int type;				/* enum ck_amt_hash_type */
	size_t len;				/* 20, 32 or 48 */
	unsigned char v[CK_AMT_HASH_MAX];
};

/* A decoded message (about 13 KiB: embed it or allocate it once). */
struct ck_amt_hello {
	int admin_credentials_set;		/* 0 or 1 */
	int hello_version;
	uint32_t retry_count;
	unsigned char uuid[16];			/* as sent */
	size_t nhashes;
	struct ck_amt_hash hashes[255];
};

/*
 * Decodes buf[0..len) into h.  Every malformed message is refused with
 * err set and a reason naming the byte or hash at fault: over
 * CK_AMT_HELLO_MAX bytes (CK_E_LIMIT); truncated; an admin credentials
 * flag other than 0 or 1; a hello version other than 3; a hash type
 * outside 1-3; a size that does not match its type; bytes after the last
 * hash (CK_E_PARSE).  Returns 0 or -1.
 */
int ck_amt_hello_parse(const unsigned char *buf, size_t len, struct ck_amt_hello *h,
    struct ck_err *err);

/*
 * For a reader that receives the message in pieces: 1 when buf[0..len)
 * holds a whole message by its own hash count (the bytes may still be
 * invalid: ck_amt_hello_parse says), 0 when more bytes are needed, -1 when
 * what is there already cannot become a valid message (over the limit, a
 * bad type or size), so there is no point in waiting for more.
 */
int ck_amt_hello_complete(const unsigned char *buf, size_t len);

/* "sha1", "sha256", "sha384", or NULL for another type. */
const char *ck_amt_hash_name(int type);

/* The UUID as AMT tools print it (first three groups byte-swapped), lower case. */
void ck_amt_uuid_format(const unsigned char uuid[16], char out[CK_AMT_UUID_LEN]);

/*
 * A new `amt_hello` record (new reference): address (may be NULL), uuid,
 * admin_credentials_set, hello_version, retry_count, hashes [{alg, hex}].
 */
json_t *ck_amt_hello_record(const struct ck_amt_hello *h, const char *address);

/*
 * The hash in h that matches the certificate der (its SHA-1, SHA-256 or
 * SHA-384, whichever types h lists), or NULL when none does (or hashing
 * failed).
 */
const struct ck_amt_hash *ck_amt_hello_match(const struct ck_amt_hello *h,
    const unsigned char *der, size_t len);

/* {alg, hex} of one hash.  New reference. */
json_t *ck_amt_hash_json(const struct ck_amt_hash *hash);

/*
 * Reads a captured message: raw bytes, or the same as hex text (spaces,
 * colons and newlines ignored, as copied from a packet capture or a
 * ticket).  *out is set to the bytes (in place: buf is overwritten when it
 * held hex) and *outlen to their count.  Text that is not entirely hex is
 * taken as raw bytes.
 */
void ck_amt_hello_unhex(unsigned char *buf, size_t len, size_t *outlen);

#endif /* CK_AMT_HELLO_H */
