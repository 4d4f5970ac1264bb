/*
 * ck_opt: the option table is the only description of a tool's command
 * line; getopt_long's table, the usage text, the help list and the
 * completion words are all derived from it here.
 */
#include "ck_opt.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ck_clock.h"
#include "ck_num.h"
#include "ck_tool.h"

#define LONG_BASE 1000	/* getopt_long value of table entry i: LONG_BASE + i */
#define WRAP 80

int
ck_strv_push(struct ck_strv *sv, const char *s)
{
	const char **nv;

	if ((sv->n & (sv->n - 1)) == 0) {	/* 0, 1, 2, 4, ...: grow */
		nv = realloc(sv->v, (sv->n ? sv->n * 2 : 4) * sizeof(*nv));
		if (nv == NULL)
			return -1;
		sv->v = nv;
	}
	sv->v[sv->n++] = s;
	return 0;
}

void
ck_strv_release(struct ck_strv *sv)
{
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

static size_t
count_opts(const struct ck_opt *o)
{
	size_t n = 0;

	while (o != NULL && o[n].name != NULL)
		n++;
	return n;
}

static int
accepted(const struct ck_opt *o, int cmd)
{
	return cmd < 0 || o->cmds == 0 || (o->cmds & (1u << cmd)) != 0;
}

/* Whether command cmd (-1: a tool without commands) must be given o. */
static int
required(const struct ck_opt *o, int cmd)
{
	return cmd < 0 ? o->required != 0 : (o->required & (1u << cmd)) != 0;
}

/*
 * Whether an earlier entry that command cmd (-1: any) accepts has o's name
 * (one name, an entry per command).
 */
static int
repeated(const struct ck_opt *opts, const struct ck_opt *o, int cmd)
{
	const struct ck_opt *p;

	for (p = opts; p < o; p++)
		if (accepted(p, cmd) && strcmp(p->name, o->name) == 0)
			return 1;
	return 0;
}

/* Shown in the synopsis, the option list and the completion words. */
static int
listed(const struct ck_opt *o)
{
	return !(o->flags & CK_OPT_HIDDEN) && o->replaced_by == NULL;
}

/* Writes words to fp, wrapping at WRAP columns with an indent of ind. */
struct wrap {
	FILE *fp;
	size_t col, ind;
	int fresh;	/* at the start of a continuation line: no space */
};

static void
wrap_word(struct wrap *w, const char *word)
{
	size_t len = strlen(word);

	if (!w->fresh && w->col + 1 + len > WRAP) {
		fprintf(w->fp, "\n%*s", (int)w->ind, "");
		w->col = w->ind;
	} else if (!w->fresh) {
		fputc(' ', w->fp);
		w->col++;
	}
	fputs(word, w->fp);
	w->col += len;
	w->fresh = 0;
}

/* "[-f json|text]", "[--roots FILE]", or, when required, "--dir DIR". */
static void
synopsis_item(const struct ck_opt *o, int req, char *buf, size_t len)
{
	const char *l = req ? "" : "[", *r = req ? "" : "]";

	if (o->synopsis != NULL)
		snprintf(buf, len, "%s", o->synopsis);
	else if (o->short_name != 0 && o->arg != NULL)
		snprintf(buf, len, "%s-%c %s%s", l, o->short_name, o->arg, r);
	else if (o->short_name != 0)
		snprintf(buf, len, "%s-%c%s", l, o->short_name, r);
	else if (o->arg != NULL)
		snprintf(buf, len, "%s--%s %s%s", l, o->name, o->arg, r);
	else
		snprintf(buf, len, "%s--%s%s", l, o->name, r);
}

/* One synopsis paragraph: "PREFIX prog [cmd] [options] operands". */
static void
synopsis_line(const struct ck_tool_def *def, int cmd, const char *prefix, FILE *fp)
{
	struct wrap w = { fp, 0, 0, 0 };
	const char *operands = cmd >= 0 ? def->cmds[cmd].operands : def->operands;
	char item[256];
	const struct ck_opt *o;
	int pass;

	fprintf(fp, "%s%s", prefix, def->prog);
	w.col = strlen(prefix) + strlen(def->prog);
	if (cmd >= 0) {
		fprintf(fp, " %s", def->cmds[cmd].name);
		w.col += 1 + strlen(def->cmds[cmd].name);
	}
	w.ind = strlen(prefix) + strlen(def->prog) + 1;
	/* The required options first, then the others, each in table order. */
	for (pass = 1; pass >= 0; pass--)
		for (o = def->opts; o != NULL && o->name != NULL; o++) {
			if (!listed(o) || !accepted(o, cmd) || required(o, cmd) != pass ||
			    (o->synopsis != NULL && o->synopsis[0] == '\0'))
				continue;
			synopsis_item(o, pass, item, sizeof(item));
			wrap_word(&w, item);
		}
	if (operands != NULL && operands[0] != '\0')
		wrap_word(&w, operands);
	fputc('\n', fp);
}

void
ck_opt_usage(const struct ck_tool_def *def, FILE *fp)
{
	int i;

	if (def->cmds == NULL) {
		synopsis_line(def, -1, "usage: ", fp);
	} else {
		for (i = 0; def->cmds[i].name != NULL; i++)
			synopsis_line(def, i, i == 0 ? "usage: " : "       ", fp);
	}
	fprintf(fp, "       %s -h | --help | --version\n", def->prog);
}

void
ck_opt_help(const struct ck_tool_def *def, FILE *fp)
{
	const struct ck_opt *o;
	char left[128];
	int i;

	ck_opt_usage(def, fp);
	if (def->cmds != NULL) {
		fprintf(fp, "\ncommands:\n");
		for (i = 0; def->cmds[i].name != NULL; i++)
			fprintf(fp, "  %-24s %s\n", def->cmds[i].name,
			    def->cmds[i].desc ? def->cmds[i].desc : "");
	}
	fprintf(fp, "\noptions:\n");
	for (o = def->opts; o != NULL && o->name != NULL; o++) {
		if (!listed(o) || repeated(def->opts, o, -1))
			continue;
		if (o->short_name != 0)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		if (strlen(left) > 24)
			fprintf(fp, "  %s\n  %-24s %s\n", left, "", o->desc ? o->desc : "");
		else
			fprintf(fp, "  %-24s %s\n", left, o->desc ? o->desc : "");
	}
	fprintf(fp, "  %-24s %s\n  %-24s %s\n", "-h, --help", "this text",
	    "    --version", "the version");
}

static int
find_cmd(const struct ck_tool_def *def, const char *name)
{
	int i;

	for (i = 0; def->cmds != NULL && def->cmds[i].name != NULL; i++)
		if (strcmp(def->cmds[i].name, name) == 0)
			return i;
	return -1;
}

void
ck_opt_complete(const struct ck_tool_def *def, const char *cmd, const char *prev, FILE *fp)
{
	const struct ck_opt *o;
	int c = -1, i;

	if (cmd != NULL && cmd[0] != '\0')
		c = find_cmd(def, cmd);
	if (def->cmds != NULL && c < 0) {
		for (i = 0; def->cmds[i].name != NULL; i++)
			fprintf(fp, "%s\n", def->cmds[i].name);
		fprintf(fp, "--help\n--version\n");
		return;
	}
	if (prev != NULL && prev[0] == '-') {
		for (o = def->opts; o != NULL && o->name != NULL; o++) {
			if (o->arg == NULL || !accepted(o, c))
				continue;
			if ((prev[1] == '-' && strcmp(prev + 2, o->name) == 0) ||
			    (prev[1] != '-' && prev[1] == o->short_name && prev[2] == '\0')) {
				fprintf(fp, "%s\n", o->complete ? o->complete : "@none");
				return;
			}
		}
	}
	for (o = def->opts; o != NULL && o->name != NULL; o++)
		if (listed(o) && accepted(o, c) && !repeated(def->opts, o, c))
			fprintf(fp, "--%s\n", o->name);
	fprintf(fp, "--help\n--version\n");
}

/* "prog: what: why" and the usage text on stderr. */
static void
usage_error(const struct ck_tool_def *def, const char *what, const char *why)
{
	ck_warnx("%s: %s", what, why);
	ck_opt_usage(def, stderr);
}

int
ck_opt_usage_error(const struct ck_tool_def *def, const char *what, const char *why)
{
	if (why != NULL && what != NULL)
		ck_warnx("%s: %s", what, why);
	else if (why != NULL)
		ck_warnx("%s", why);
	ck_opt_usage(def, stderr);
	return CK_UNKNOWN;
}

int
ck_opt_start(const struct ck_tool_def *def, int argc, char **argv, int *first, int *cmd)
{
	switch (ck_opt_parse(def, argc, argv, first, cmd)) {
	case CK_OPT_OK:
		return -1;
	case CK_OPT_DONE:
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	default:
		return CK_UNKNOWN;
	}
}

int
ck_opt_time(const char *arg, void *target, struct ck_err *err)
{
	return ck_time_parse(arg, target, err);
}

int
ck_opt_duration(const char *arg, void *target, struct ck_err *err)
{
	return ck_parse_duration(arg, target, err);
}

/* Stores one argument in the option's target. */
static int
store(const struct ck_tool_def *def, const struct ck_opt *o, const char *arg)
{
	struct ck_err err;

	if (o->replaced_by != NULL)
		ck_warnx("--%s is deprecated; use --%s", o->name, o->replaced_by);
	switch (o->type) {
	case CK_OPT_FLAG:
		(*(int *)o->target)++;
		return 0;
	case CK_OPT_STR:
		*(const char **)o->target = arg;
		return 0;
	case CK_OPT_LIST:
		if (ck_strv_push(o->target, arg) == -1) {
			ck_warnx("out of memory");
			return -1;
		}
		return 0;
	case CK_OPT_SET:
		*(int *)o->target = o->value;
		return 0;
	case CK_OPT_LONG:
	case CK_OPT_PARSE:
		ck_err_clear(&err);
		if ((o->type == CK_OPT_LONG ?
		    ck_parse_long(arg, o->min, o->max, o->target, &err) :
		    o->parse(arg, o->target, &err)) != 0) {
			ck_warnx("--%s: %s", o->name, err.msg);
			ck_opt_usage(def, stderr);
			return -1;
		}
		return 0;
	}
	return -1;
}

enum ck_opt_result
ck_opt_parse(const struct ck_tool_def *def, int argc, char **argv, int *first, int *cmd)
{
	size_t n = count_opts(def->opts), i, j, k = 0;
	struct option *lo = NULL;
	char *so = NULL, *seen = NULL;
	int c, sub = -1, base = 0, rv = CK_OPT_USAGE, ac = argc, pass;
	char **av = argv;
	const char *ops;

	if (argc >= 2 && strcmp(argv[1], "--complete-words") == 0) {
		if (def->cmds != NULL && argc >= 3 && find_cmd(def, argv[2]) >= 0)
			ck_opt_complete(def, argv[2], argc >= 4 ? argv[3] : NULL, stdout);
		else
			ck_opt_complete(def, NULL, argc >= 3 ? argv[argc - 1] : NULL, stdout);
		return CK_OPT_DONE;
	}
	if (def->cmds != NULL) {
		if (argc < 2) {
			ck_warnx("a command is needed");
			ck_opt_usage(def, stderr);
			return CK_OPT_USAGE;
		}
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
			ck_opt_help(def, stdout);
			return CK_OPT_DONE;
		}
		if (strcmp(argv[1], "--version") == 0) {
			ck_print_version();
			return CK_OPT_DONE;
		}
		sub = find_cmd(def, argv[1]);
		if (sub < 0) {
			char what[160];

			snprintf(what, sizeof(what), "'%s'", argv[1]);
			usage_error(def, what, "unknown command");
			return CK_OPT_USAGE;
		}
		base = 1;
		ac = argc - 1;
		av = argv + 1;
	}
	lo = calloc(n + 3, sizeof(*lo));
	so = calloc(2 * n + 4, 1);
	seen = calloc(n + 1, 1);
	if (lo == NULL || so == NULL || seen == NULL) {
		ck_warnx("out of memory");
		goto out;
	}
	so[k++] = ':';
	so[k++] = 'h';
	/*
	 * The entries the command accepts first: a name that several entries
	 * share (one per command) finds the command's own (getopt_long takes
	 * the first exact match).
	 */
	for (pass = 1, j = 0; pass >= 0; pass--)
		for (i = 0; i < n; i++) {
			const struct ck_opt *o = &def->opts[i];

			if (accepted(o, sub) != pass)
				continue;
			lo[j].name = o->name;
			lo[j].has_arg = o->arg != NULL ? required_argument : no_argument;
			lo[j++].val = LONG_BASE + (int)i;
			if (pass && o->short_name != 0 && strchr(so, o->short_name) == NULL) {
				so[k++] = (char)o->short_name;
				if (o->arg != NULL)
					so[k++] = ':';
			}
		}
	lo[n].name = "help";
	lo[n].val = 'h';
	lo[n + 1].name = "version";
	lo[n + 1].val = LONG_BASE - 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(ac, av, so, lo, NULL)) != -1) {
		const struct ck_opt *o = NULL;

		if (c == 'h') {
			ck_opt_help(def, stdout);
			rv = CK_OPT_DONE;
			goto out;
		}
		if (c == LONG_BASE - 1) {
			ck_print_version();
			rv = CK_OPT_DONE;
			goto out;
		}
		if (c == '?' || c == ':') {
			const char *bad = av[optind - 1];

			if (optopt != 0 && optopt < LONG_BASE - 1 && bad[1] != '-') {
				char s[3] = { '-', (char)optopt, '\0' };

				usage_error(def, s, c == ':' ? "needs an argument" :
				    "unknown option");
			} else {
				usage_error(def, bad, c == ':' ? "needs an argument" :
				    "unknown option");
			}
			goto out;
		}
		if (c >= LONG_BASE) {
			o = &def->opts[c - LONG_BASE];
		} else {
			for (i = n; i-- > 0;)
				if (def->opts[i].short_name == c &&
				    (o == NULL || accepted(&def->opts[i], sub)))
					o = &def->opts[i];
		}
		if (o == NULL)
			continue;
		seen[o - def->opts] = 1;
		if (!accepted(o, sub)) {
			char what[160];

			snprintf(what, sizeof(what), "--%s", o->name);
			ck_warnx("%s: not an option of '%s'", what, def->cmds[sub].name);
			ck_opt_usage(def, stderr);
			goto out;
		}
		if (store(def, o, optarg) == -1)
			goto out;
	}
	for (i = 0; i < n; i++) {
		const struct ck_opt *o = &def->opts[i];

		if (!required(o, sub))
			continue;
		for (j = 0; j < n; j++)
			if (seen[j] && strcmp(def->opts[j].name, o->name) == 0)
				break;
		if (j == n) {
			if (sub >= 0)
				ck_warnx("%s: --%s is required", def->cmds[sub].name, o->name);
			else
				ck_warnx("--%s is required", o->name);
			ck_opt_usage(def, stderr);
			goto out;
		}
	}
	ops = sub >= 0 ? def->cmds[sub].operands : def->operands;
	if (optind < ac && (ops == NULL || ops[0] == '\0')) {
		if (sub >= 0)
			ck_warnx("%s: unexpected argument '%s'", def->cmds[sub].name, av[optind]);
		else
			ck_warnx("unexpected argument '%s'", av[optind]);
		ck_opt_usage(def, stderr);
		goto out;
	}
	if (def->operands_required && optind >= ac) {
		ck_warnx("an operand is needed");
		ck_opt_usage(def, stderr);
		goto out;
	}
	*first = optind + base;
	if (cmd != NULL)
		*cmd = sub;
	rv = CK_OPT_OK;
out:
	free(lo);
	free(so);
	free(seen);
	return rv;
}
