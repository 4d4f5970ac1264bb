/*
 * ck_text: making untrusted text safe to show to people.
 *
 * File names, certificate names, server messages and LDAP values end up on
 * terminals and in logs.  Raw, an ESC or OSC sequence can retitle or repaint
 * a terminal, and a newline can forge a whole extra line of output.  Every
 * human-readable output (stderr messages through ck_warnx/ck_report, the
 * text formats) passes such text through these functions; JSON output needs
 * none (its writer escapes control characters itself).
 *
 * Escaped: C0 controls and DEL as \n, \r, \t or \xHH; C1 controls
 * (U+0080-U+009F) and the Unicode bidirectional overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069, which reorder what a reader sees) as
 * \uHHHH; bytes that are not UTF-8 as \xHH.  Everything else, including
 * backslashes and valid UTF-8, is copied unchanged.
 */
#ifndef CK_TEXT_H
#define CK_TEXT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes s (len bytes, NULs allowed) escaped into buf (cap >= 4 bytes) and
 * NUL-terminates it; text that does not fit ends in "...".  Returns buf.
 */
char *ck_text_escape(const char *s, size_t len, char *buf, size_t cap);

/* ck_text_escape of a NUL-terminated string (NULL reads as ""). */
char *ck_text(const char *s, char *buf, size_t cap);

/* Writes s (NUL-terminated) escaped to fp, however long. */
void ck_text_fputs(const char *s, FILE *fp);

/*
 * fprintf for text meant for people: formats, then writes the result
 * escaped, except a '\n' that ends fmt (one call is at most one line).
 * Every text output format uses it for lines that hold data from
 * certificates, directories or servers.  Returns what fprintf would, or -1.
 */
int ck_textf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Non-zero when s holds a byte or character ck_text would escape. */
int ck_text_needs_escape(const char *s, size_t len);

#endif /* CK_TEXT_H */
