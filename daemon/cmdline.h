/*
 * cmdline.h - ctmirror's command line as words, before any I/O: the
 * global options (-c, -v, -q, -h, -V) before or after the command's name,
 * the command's own options and positional arguments, and the usage and
 * help text printed from the command table (main.c holds the table).
 * Usage errors are printed on stderr as "ctmirror ...: what is wrong";
 * exit codes are the caller's.
 */
#ifndef CTMIRROR_CMDLINE_H
#define CTMIRROR_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cmd_ctx;

/* An option a command takes: "--json" (a flag) or "--out" with a value. */
struct cmdline_option {
	const char *name;
	const char *value;	/* NULL: a flag; else the value's name */
};

#define CMDLINE_MAX_OPTIONS 8
/* cmdline_command.max_pos: any number of positional arguments. */
#define CMDLINE_ANY (-1)

/*
 * A command line after parsing, before any I/O: which of the command's
 * options were given (their values), and the positional arguments.
 */
struct cmdline_args {
	const struct cmdline_option *defs;
	/* Per option of defs: NULL not given; "" a flag given; its value. */
	const char *val[CMDLINE_MAX_OPTIONS];
	char **pos;			/* borrowed from argv */
	int npos;
};

/* One row of the command table. */
struct cmdline_command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	bool needs_db;		/* main() opens the database first */
	int (*fn)(struct cmd_ctx *x);	/* returns the exit code */
	/* NULL-terminated, at most CMDLINE_MAX_OPTIONS; NULL: none. */
	const struct cmdline_option *options;
	int min_pos, max_pos;	/* positional arguments; CMDLINE_ANY */
	/* Option values checked before any I/O (NULL: none to check). */
	int (*check)(struct cmd_ctx *x);
};

/* The options every command takes, before or after the command's name. */
struct cmdline {
	const char *config_path;
	int verbosity;
	bool help, version;
	const struct cmdline_command *cmd;	/* NULL: none named */
	const char *unknown;		/* a command name that is none */
	int argc;			/* the command and its own arguments */
	char **argv;			/* new array of argv's strings */
};

/*
 * The whole command line: global options anywhere (`ctmirror sync -v`,
 * `ctmirror status -c FILE`), the first other word is the command (one
 * of the n in `commands`), what is left is the command's
 * (cmdline_parse_args).  After "--" nothing is an option.  0 / -1 (said
 * on stderr, except out of memory).  Strings in *cl are borrowed from
 * argv and `commands`; cl->argv is new: cmdline_finish() frees it, after
 * a failure too.
 */
int cmdline_parse(struct cmdline *cl, const struct cmdline_command *commands,
    size_t n, int argc, char **argv);
/* Free what cmdline_parse() allocated. */
void cmdline_finish(struct cmdline *cl);

/* The command called `name` in `commands` (borrowed), or NULL. */
const struct cmdline_command *cmdline_find(
    const struct cmdline_command *commands, size_t n, const char *name);

/*
 * The command's own options and positional arguments, once, before any
 * I/O, so that a typo is a usage error whatever the database says.
 * argv[0] is the command.  "--name=value" and "--name value" both work;
 * "--" ends the options.  0 / -1 (said on stderr).  *a borrows from c
 * and argv: the positional arguments are moved to the front of argv + 1,
 * over the options' words.
 */
int cmdline_parse_args(const struct cmdline_command *c, int argc, char **argv,
    struct cmdline_args *a);
/* The value of option `name` (a flag: ""), or NULL when not given. */
const char *cmdline_value(const struct cmdline_args *a, const char *name);
/* Was option `name` given? */
bool cmdline_flag(const struct cmdline_args *a, const char *name);

/* `ctmirror --help`: the global options and every command's summary. */
void cmdline_usage(FILE *out, const struct cmdline_command *commands,
    size_t n);
/* `ctmirror help COMMAND`: c's usage line and help, on stdout. */
void cmdline_command_help(const struct cmdline_command *c);

#endif
