/*
 * ck_path: file system path helpers.
 */
#ifndef CK_PATH_H
#define CK_PATH_H

#include <stddef.h>

/*
 * dir and name joined by one '/': no separator is added when dir already
 * ends with one ("/etc/ssl/certs/" + "a.pem" is "/etc/ssl/certs/a.pem", the
 * path a user would type), and an empty dir gives name alone.  Returns a new
 * malloc'd string, or NULL on ENOMEM.
 */
char *ck_path_join(const char *dir, const char *name);

/*
 * The same join into buf (size bytes), with ".EXT" appended when ext is not
 * NULL ("policy/", "amt", "json" is "policy/amt.json").  Returns 0, or -1
 * when the path does not fit (buf then holds it truncated).
 */
int ck_path_fmt(char *buf, size_t size, const char *dir, const char *name, const char *ext);

#endif /* CK_PATH_H */
