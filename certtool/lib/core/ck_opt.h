/*
 * ck_opt: declarative command-line options.  One table per tool (and, for
 * tools with subcommands, one command table) produces the getopt_long
 * table, the usage text that --help prints (the man page SYNOPSIS, word for
 * word), the option list below it, and the words bash completion offers.
 * The model is LibreSSL openssl(1)'s `struct option` in apps.h.
 *
 *   static const char *format;
 *   static int all;
 *   static struct ck_strv roots;
 *   static const struct ck_opt opts[] = {
 *       { .name = "all", .desc = "also list what is fine",
 *         .type = CK_OPT_FLAG, .target = &all },
 *       { .name = "format", .short_name = 'f', .arg = "json|text",
 *         .desc = "output format", .type = CK_OPT_STR, .target = &format,
 *         .complete = "json text" },
 *       { .name = "roots", .arg = "FILE", .desc = "trust anchors (repeatable)",
 *         .type = CK_OPT_LIST, .target = &roots, .complete = CK_COMPLETE_FILE },
 *       { .name = NULL }
 *   };
 * (Designated initialisers: the table reads as a table, and -Wextra
 * accepts the fields left out.)
 *   static const struct ck_tool_def tool = {
 *       .prog = "cert-foo", .opts = opts, .operands = "[SOURCE ...]" };
 *
 *   int first, st;
 *   if ((st = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
 *       return st;                         (--help / --version: 0; usage error: 3)
 *   ...
 *   if (bad)
 *       return ck_opt_usage_error(&tool, "--at", err.msg);
 *
 * One name may have several entries with different .cmds (e.g. --csr,
 * repeatable for one command, once for another): the command's own entry
 * is used.  -h/--help and --version are implied; a table never lists them.  A hidden
 * option --complete-words prints the words for bash completion (see
 * completion/certkit.bash).
 */
#ifndef CK_OPT_H
#define CK_OPT_H

#include <stddef.h>
#include <stdio.h>

#include "ck_err.h"

/* A growing list of strings (the arguments of a repeatable option). */
struct ck_strv {
	const char **v;	/* points into argv; the array itself is malloc'd */
	size_t n;
};
/* Appends s; returns 0 or -1 (out of memory). */
int ck_strv_push(struct ck_strv *sv, const char *s);
/* Releases the array (not the strings); the struct can be reused. */
void ck_strv_release(struct ck_strv *sv);

enum ck_opt_type {
	CK_OPT_FLAG,	/* int *target: incremented (0 -> 1) */
	CK_OPT_STR,	/* const char **target = the argument (the last one wins) */
	CK_OPT_LIST,	/* struct ck_strv *target: every argument, in order */
	CK_OPT_PARSE,	/* .parse(arg, target, err) checks and stores the argument */
	CK_OPT_LONG,	/* long *target = the argument, a number in [.min, .max] */
	CK_OPT_SET,	/* int *target = .value (a flag that sets, e.g. --no-fetch -> 0) */
};

/* Completion hints (.complete): a file, a directory, a profile, or a word list. */
#define CK_COMPLETE_FILE "@file"
#define CK_COMPLETE_DIR "@dir"
#define CK_COMPLETE_PROFILE "@profile"	/* a policy profile name (policy/NAME.json) */

/* Flags (.flags). */
#define CK_OPT_HIDDEN 0x1	/* not in the synopsis or the option list */

struct ck_opt {
	const char *name;	/* long name without "--"; NULL ends a table */
	int short_name;		/* 0: none */
	const char *arg;	/* placeholder ("FILE", "json|text"); NULL for a flag */
	const char *desc;	/* one line for --help */
	enum ck_opt_type type;
	void *target;
	/* Optional: */
	int (*parse)(const char *arg, void *target, struct ck_err *err);
	const char *complete;	/* words ("json text"), CK_COMPLETE_FILE/DIR, or NULL */
	unsigned cmds;		/* bit i: accepted by command i of the tool; 0: by all */
	unsigned required;	/* bit i: command i needs it (a tool without commands: 1);
				   shown without brackets, first in the synopsis */
	const char *replaced_by; /* a deprecated spelling: the option that replaces it */
	int flags;		/* CK_OPT_HIDDEN */
	long min, max;		/* CK_OPT_LONG: the accepted range */
	int value;		/* CK_OPT_SET: the value stored */
	const char *synopsis;	/* replaces the generated "[--name ARG]" in the synopsis;
				   "": shown in another option's synopsis item */
};

struct ck_cmd {
	const char *name;	/* NULL ends a table */
	const char *operands;	/* "CSR ...", shown after the options in the synopsis */
	const char *desc;	/* one line for --help */
};

struct ck_tool_def {
	const char *prog;
	const struct ck_opt *opts;
	const char *operands;		/* tools without commands: "[SOURCE ...]" */
	const struct ck_cmd *cmds;	/* NULL: the tool has no commands */
	int operands_required;		/* at least one operand is needed */
};

enum ck_opt_result {
	CK_OPT_OK = 0,		/* parsed; *first is the index of the first operand */
	CK_OPT_DONE = 1,	/* --help or --version was printed: exit 0 */
	CK_OPT_USAGE = -1,	/* a usage error was printed on stderr: exit 3 */
};

/*
 * Parses argv against def.  Sets every target, *first to the first operand
 * and, for tools with commands, *cmd to the command's index (argv[1] is the
 * command).  Deprecated spellings work and print one deprecation line.
 * Operands where the tool (or the command) takes none are a usage error
 * ("unexpected argument 'X'").
 * Messages: "prog: --name: why" then the usage text, on stderr.
 */
enum ck_opt_result ck_opt_parse(const struct ck_tool_def *def, int argc, char **argv,
    int *first, int *cmd);

/*
 * ck_opt_parse for a main: -1 when the run goes on; otherwise the exit
 * status: 0 after --help or --version (3 if stdout cannot be written), 3
 * after a usage error (already printed).
 */
int ck_opt_start(const struct ck_tool_def *def, int argc, char **argv, int *first, int *cmd);

/*
 * A usage error found after parsing: "prog: what: why" ("prog: why" when
 * what is NULL; nothing when why is NULL, for a message already printed),
 * then the usage text, on stderr.  Returns 3 (CK_UNKNOWN), the exit status.
 */
int ck_opt_usage_error(const struct ck_tool_def *def, const char *what, const char *why);

/*
 * The --format json|text row, the same in every tool that has no other
 * format: the string goes to ck_format_option (ck_tool.h), the one check.
 */
#define CK_OPT_FORMAT(var) \
	{ .name = "format", .arg = "json|text", .desc = "output format", .type = CK_OPT_STR, \
	    .target = &(var), .complete = "json text" }

/* CK_OPT_PARSE parsers: a TIME (ck_time_parse) into a time_t, a DUR (ck_parse_duration) into a long long. */
int ck_opt_time(const char *arg, void *target, struct ck_err *err);
int ck_opt_duration(const char *arg, void *target, struct ck_err *err);

/*
 * The usage text (the SYNOPSIS): "usage: prog ..." wrapped at 80 columns,
 * one paragraph per command, then "prog -h | --help | --version".
 */
void ck_opt_usage(const struct ck_tool_def *def, FILE *fp);

/* --help: the usage text, a blank line, then one line per option. */
void ck_opt_help(const struct ck_tool_def *def, FILE *fp);

/*
 * Bash completion words.  cmd NULL: the commands (for tools with commands)
 * or the options; cmd a command name: that command's options.  With prev
 * an option taking an argument: its hint ("@file", "@dir", or words).
 */
void ck_opt_complete(const struct ck_tool_def *def, const char *cmd, const char *prev,
    FILE *fp);

#endif /* CK_OPT_H */
