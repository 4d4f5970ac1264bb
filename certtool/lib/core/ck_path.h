/*
 * ck_path: file system path helpers.
 */
#ifndef CK_PATH_H
#define CK_PATH_H

/*
 * dir and name joined by one '/': no separator is added when dir already
 * ends with one ("/etc/ssl/certs/" + "a.pem" is "/etc/ssl/certs/a.pem", the
 * path a user would type), and an empty dir gives name alone.  Returns a new
 * malloc'd string, or NULL on ENOMEM.
 */
char *ck_path_join(const char *dir, const char *name);

#endif /* CK_PATH_H */
