/*
 * cmdline.c - the command line as words: global options anywhere, the
 * command's name, its own options and arguments, and the help text.
 */
#include "cmdline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/*
 * One global option at argv[*i] ("-c FILE", "-cFILE", "--config=FILE",
 * "-vq", "--verbose", ...) into cl.  1 when it was one, 0 when it is not
 * a global option (a command's, or a positional argument), -1 on a usage
 * error (said on stderr).
 */
static int
global_option(struct cmdline *cl, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	if (strcmp(arg, "--config") == 0 || strncmp(arg, "--config=", 9) == 0) {
		if (arg[8] == '=')
			cl->config_path = arg + 9;
		else if (*i + 1 < argc)
			cl->config_path = argv[++*i];
		else
			goto needs_file;
		return 1;
	}
	if (strcmp(arg, "--verbose") == 0)
		arg = "-v";
	else if (strcmp(arg, "--quiet") == 0)
		arg = "-q";
	else if (strcmp(arg, "--help") == 0)
		arg = "-h";
	else if (strcmp(arg, "--version") == 0)
		arg = "-V";
	/* "-5" is no option (none is a digit): an argument, a bad flag ID. */
	if (arg[0] != '-' || arg[1] == '-' || arg[1] == '\0' ||
	    (arg[1] >= '0' && arg[1] <= '9'))
		return 0;
	for (const char *p = arg + 1; *p; p++) {
		switch (*p) {
		case 'v':
			cl->verbosity = cl->verbosity < LOG_NORMAL ? LOG_NORMAL :
			    cl->verbosity + 1;
			break;
		case 'q':
			cl->verbosity = LOG_QUIET;
			break;
		case 'h':
			cl->help = true;
			break;
		case 'V':
			cl->version = true;
			break;
		case 'c':
			if (p[1] != '\0')
				cl->config_path = p + 1;
			else if (*i + 1 < argc)
				cl->config_path = argv[++*i];
			else
				goto needs_file;
			return 1;
		default:
			fprintf(stderr,
			    "ctmirror: unknown option '-%c' (try 'ctmirror --help')\n",
			    *p);
			return -1;
		}
	}
	return 1;
needs_file:
	fprintf(stderr, "ctmirror: %s needs a FILE (try 'ctmirror --help')\n",
	    argv[*i]);
	return -1;
}

/*
 * The whole command line: global options anywhere (`ctmirror sync -v`,
 * `ctmirror status -c FILE`), the first other word is the command, what
 * is left is the command's (cmdline_parse_args).  After "--" nothing is an
 * option.  0 / -1 (said on stderr).
 */
int
cmdline_parse(struct cmdline *cl, const struct cmdline_command *commands,
    size_t n, int argc, char **argv)
{
	bool options = true;

	memset(cl, 0, sizeof(*cl));
	cl->verbosity = LOG_NORMAL;
	if ((cl->argv = calloc((size_t)argc + 1, sizeof(*cl->argv))) == NULL)
		return -1;
	for (int i = 1; i < argc; i++) {
		int r = options ? global_option(cl, argc, argv, &i) : 0;

		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (options && strcmp(argv[i], "--") == 0)
			options = false;
		if (cl->argc == 0 && cl->unknown == NULL) {
			if (strncmp(argv[i], "--", 2) == 0) {
				fprintf(stderr,
				    "ctmirror: unknown option '%s' (try 'ctmirror --help')\n",
				    argv[i]);
				return -1;
			}
			cl->cmd = cmdline_find(commands, n, argv[i]);
			if (cl->cmd == NULL) {
				cl->unknown = argv[i];
				continue;
			}
		}
		cl->argv[cl->argc++] = argv[i];
	}
	return 0;
}

void
cmdline_finish(struct cmdline *cl)
{
	free(cl->argv);
	cl->argv = NULL;
}

const struct cmdline_command *
cmdline_find(const struct cmdline_command *commands, size_t n,
    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * The command's own options and positional arguments, once, before any
 * I/O, so that a typo is a usage error whatever the database says.
 * argv[0] is the command.  "--name=value" and "--name value" both work;
 * "--" ends the options.  0 / -1 (said on stderr).
 */
int
cmdline_parse_args(const struct cmdline_command *c, int argc, char **argv,
    struct cmdline_args *a)
{
	bool options = true;

	memset(a, 0, sizeof(*a));
	a->defs = c->options;
	a->pos = argv + 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq;
		size_t k, len;

		if (!options || strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (options && strcmp(arg, "--") == 0) {
				options = false;
				continue;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		for (k = 0; c->options && c->options[k].name; k++)
			if (strlen(c->options[k].name) == len &&
			    strncmp(arg, c->options[k].name, len) == 0)
				break;
		if (c->options == NULL || c->options[k].name == NULL) {
			fprintf(stderr,
			    "ctmirror %s: unknown option '%.*s' (try 'ctmirror %s --help')\n",
			    c->name, (int)len,
			    arg, c->name);
			return -1;
		}
		if (c->options[k].value == NULL) {
			if (eq != NULL) {
				fprintf(stderr,
				    "ctmirror %s: %.*s takes no value\n",
				    c->name, (int)len, arg);
				return -1;
			}
			a->val[k] = "";
		} else if (eq != NULL) {
			a->val[k] = eq + 1;
		} else if (i + 1 < argc) {
			a->val[k] = argv[++i];
		} else {
			fprintf(stderr,
			    "ctmirror %s: %s needs a %s (try 'ctmirror %s --help')\n",
			    c->name, arg,
			    c->options[k].value, c->name);
			return -1;
		}
	}
	if (a->npos < c->min_pos || (c->max_pos != CMDLINE_ANY &&
	    a->npos > c->max_pos)) {
		if (c->max_pos == 0)
			fprintf(stderr,
			    "ctmirror %s: takes no arguments ('%s' given; try 'ctmirror %s --help')\n",
			    c->name,
			    a->pos[0], c->name);
		else
			fprintf(stderr, "usage: ctmirror %s %s\n", c->name,
			    c->args);
		return -1;
	}
	return 0;
}

/* The value of option `name` (a flag: ""), or NULL when not given. */
const char *
cmdline_value(const struct cmdline_args *a, const char *name)
{
	for (size_t i = 0; a->defs && a->defs[i].name; i++)
		if (strcmp(a->defs[i].name, name) == 0)
			return a->val[i];
	return NULL;
}

bool
cmdline_flag(const struct cmdline_args *a, const char *name)
{
	return cmdline_value(a, name) != NULL;
}

void
cmdline_usage(FILE *out, const struct cmdline_command *commands,
    size_t n)
{
	fprintf(out,
	    "usage: ctmirror [-c FILE] [-v|-q] COMMAND [ARGS]  (options may follow COMMAND)\n"
	    "\n"
	    "Mirrors tracked ClinicalTrials.gov records into PostgreSQL and flags page\n"
	    "claims the registry now contradicts.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --config FILE  configuration file (default: $CTMIRROR_CONFIG,\n"
	    "                     ./ctmirror.conf, /etc/ctmirror/ctmirror.conf)\n"
	    "  -v, --verbose      tell more (twice: debug)\n"
	    "  -q, --quiet        errors only\n"
	    "  -h, --help         this help; 'ctmirror help COMMAND' for a command's\n"
	    "  -V, --version      print the version and the schema version\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	    "\n"
	    "Exit status: 0 success, 1 runtime failure (registry or database),\n"
	    "2 usage or configuration error.\n");
}

void
cmdline_command_help(const struct cmdline_command *c)
{
	printf("usage: ctmirror [-c FILE] [-v|-q] %s %s\n\n%s", c->name, c->args,
	    c->help);
}
