/*
 * ck_amt_text: cert-amt's records for people (--format text), one line
 * each.  Names and subjects come from the network and from certificates:
 * they are escaped (ck_text.h).
 */
#ifndef CK_AMT_TEXT_H
#define CK_AMT_TEXT_H

#include <stdio.h>
#include <jansson.h>

/*
 * amt:       HOST ADDRESS VERSION|AMT|not AMT STATE first-finding
 * amt_hello: UUID ADDRESS admin credentials set|not set N root hashes [trust]
 * cert with amt_hello_match: ALG|- SUBJECT
 * Other records print nothing.
 */
void ck_amt_print_text(FILE *fp, const json_t *rec);

#endif /* CK_AMT_TEXT_H */
