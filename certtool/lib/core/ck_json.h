/*
 * ck_json: the record reader's JSON parser (see ck_json.c for why it is
 * not jansson's).  Used only by ck_record.
 */
#ifndef CK_JSON_H
#define CK_JSON_H

#include <stddef.h>
#include <jansson.h>

/*
 * Parses buf[0..len) as one JSON object or array (what json_loadb with
 * JSON_REJECT_DUPLICATES accepts).  Returns a new reference, or NULL with
 * a reason ("duplicate object key (column 17)") in why.
 */
/*
 * Records nest a few levels; anything deeper than this is refused, by the
 * reader and (plus CK_RECORD_WRAP_DEPTH, ck_record.h) by the writer, so
 * every record a stage reads can be written again.
 */
#define CK_JSON_MAX_DEPTH 512

json_t *ck_json_parse(const char *buf, size_t len, char *why, size_t why_size);

#endif /* CK_JSON_H */
