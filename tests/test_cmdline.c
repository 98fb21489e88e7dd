/*
 * test_cmdline.c - the command line as words (cmdline.c), before any I/O:
 * global options anywhere and in every spelling, the command's own
 * options and arguments, the words of each usage error, and the help
 * printed from a command table.  test_cli.c runs the binary itself.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "log.h"

static const struct cmdline_option json_option[] = {{"--json", NULL},
    {NULL, NULL}};
static const struct cmdline_option ack_options[] = {{"--reason", "TEXT"},
    {NULL, NULL}};
static const struct cmdline_option history_options[] = {{"--json", NULL},
    {"--since", "DATE"}, {NULL, NULL}};

/* A table shaped as main.c's: no options, flags, values, positionals. */
static const struct cmdline_command commands[] = {
	{"sync", "", "one cycle", "Runs one cycle.\n", true, NULL, NULL, 0, 0,
	    NULL},
	{"status", "[--json]", "tracked trials", "Shows the trials.\n", true,
	    NULL, json_option, 0, 0, NULL},
	{"ack", "ID... [--reason TEXT]", "silence flags", "Acknowledges.\n",
	    true, NULL, ack_options, 1, CMDLINE_ANY, NULL},
	{"history", "NCT_ID [--json] [--since DATE]", "a trial's life",
	    "Prints a life.\n", true, NULL, history_options, 1, 1, NULL},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

#define MAX_WORDS 16

/* What went to fd `fd` (1 or 2) during the last call through capture. */
static char printed[4096];
static int saved_fd = -1;
static FILE *capture_file;

static void
capture_begin(int fd)
{
	fflush(fd == 1 ? stdout : stderr);
	capture_file = tmpfile();
	cr_assert_not_null(capture_file);
	saved_fd = dup(fd);
	cr_assert_geq(saved_fd, 0);
	cr_assert_geq(dup2(fileno(capture_file), fd), 0);
}

static void
capture_end(int fd)
{
	size_t n;

	fflush(fd == 1 ? stdout : stderr);
	cr_assert_geq(dup2(saved_fd, fd), 0);
	close(saved_fd);
	rewind(capture_file);
	n = fread(printed, 1, sizeof(printed) - 1, capture_file);
	printed[n] = '\0';
	fclose(capture_file);
}

/* argv from a NULL-terminated list of words after "ctmirror". */
static int
make_argv(char **argv, const char *const *words)
{
	int argc = 0;

	argv[argc++] = (char *)"ctmirror";
	for (; *words; words++) {
		cr_assert_lt(argc, MAX_WORDS - 1);
		argv[argc++] = (char *)*words;
	}
	argv[argc] = NULL;
	return argc;
}

/* cmdline_parse over `words`; what it said on stderr is in `printed`. */
static int
parse(struct cmdline *cl, const char *const *words)
{
	static char *argv[MAX_WORDS];
	int argc = make_argv(argv, words), r;

	capture_begin(2);
	r = cmdline_parse(cl, commands, N_COMMANDS, argc, argv);
	capture_end(2);
	return r;
}

/* cmdline_parse_args for command `name` over its words (argv[0] too). */
static int
parse_args(const char *name, const char *const *words,
    struct cmdline_args *a)
{
	static char *argv[MAX_WORDS];
	const struct cmdline_command *c = cmdline_find(commands, N_COMMANDS,
	    name);
	int argc = 0, r;

	cr_assert_not_null(c, "%s", name);
	for (; *words; words++)
		argv[argc++] = (char *)*words;
	capture_begin(2);
	r = cmdline_parse_args(c, argc, argv, a);
	capture_end(2);
	return r;
}

struct global_case {
	const char *words[8];
	const char *config;	/* config_path wanted, or NULL */
	int verbosity;
	bool help, version;
	const char *cmd;	/* the command found, or NULL */
	const char *unknown;	/* the unknown command, or NULL */
	const char *rest[4];	/* cl.argv after the command's name */
};

static const struct global_case global_cases[] = {
	{{NULL}, NULL, LOG_NORMAL, false, false, NULL, NULL, {NULL}},
	{{"status", NULL}, NULL, LOG_NORMAL, false, false, "status", NULL,
	    {NULL}},
	/* Before or after the command, as with git and systemctl. */
	{{"-c", "/a.conf", "status", NULL}, "/a.conf", LOG_NORMAL, false,
	    false, "status", NULL, {NULL}},
	{{"status", "-c", "/a.conf", NULL}, "/a.conf", LOG_NORMAL, false,
	    false, "status", NULL, {NULL}},
	{{"status", "-c/b.conf", NULL}, "/b.conf", LOG_NORMAL, false, false,
	    "status", NULL, {NULL}},
	{{"--config=/c.conf", "sync", NULL}, "/c.conf", LOG_NORMAL, false,
	    false, "sync", NULL, {NULL}},
	{{"sync", "--config", "/d.conf", NULL}, "/d.conf", LOG_NORMAL, false,
	    false, "sync", NULL, {NULL}},
	/* The last -c wins; -v after -q counts from normal again. */
	{{"-c", "/1", "sync", "-c", "/2", NULL}, "/2", LOG_NORMAL, false,
	    false, "sync", NULL, {NULL}},
	{{"-v", "sync", NULL}, NULL, LOG_VERBOSE, false, false, "sync", NULL,
	    {NULL}},
	{{"sync", "-vv", NULL}, NULL, LOG_DEBUG, false, false, "sync", NULL,
	    {NULL}},
	{{"--verbose", "sync", "--verbose", NULL}, NULL, LOG_DEBUG, false,
	    false, "sync", NULL, {NULL}},
	{{"-q", "sync", "-vv", NULL}, NULL, LOG_VERBOSE, false, false, "sync",
	    NULL, {NULL}},
	{{"sync", "-vq", NULL}, NULL, LOG_QUIET, false, false, "sync", NULL,
	    {NULL}},
	{{"--quiet", "sync", NULL}, NULL, LOG_QUIET, false, false, "sync",
	    NULL, {NULL}},
	{{"-hV", NULL}, NULL, LOG_NORMAL, true, true, NULL, NULL, {NULL}},
	{{"status", "--help", NULL}, NULL, LOG_NORMAL, true, false, "status",
	    NULL, {NULL}},
	{{"status", "--version", NULL}, NULL, LOG_NORMAL, false, true,
	    "status", NULL, {NULL}},
	/* The command's own words stay in order for cmdline_parse_args. */
	{{"ack", "3", "--reason", "dup", "-v", "4", NULL}, NULL, LOG_VERBOSE,
	    false, false, "ack", NULL, {"3", "--reason", "dup", "4"}},
	/* No option is a digit: "-5" is an argument (a bad flag ID). */
	{{"ack", "-5", NULL}, NULL, LOG_NORMAL, false, false, "ack", NULL,
	    {"-5"}},
	{{"ack", "-", NULL}, NULL, LOG_NORMAL, false, false, "ack", NULL,
	    {"-"}},
	/* After "--" no word is a global option; "--" goes to the command. */
	{{"ack", "--", "-v", NULL}, NULL, LOG_NORMAL, false, false, "ack",
	    NULL, {"--", "-v"}},
	/* An unknown name is kept for main() to say so; options still count. */
	{{"frob", "-v", NULL}, NULL, LOG_VERBOSE, false, false, NULL, "frob",
	    {NULL}},
};

Test(cmdline, global_options_anywhere)
{
	for (size_t i = 0; i < sizeof(global_cases) / sizeof(global_cases[0]);
	    i++) {
		const struct global_case *t = &global_cases[i];
		const char *first = t->words[0] ? t->words[0] : "(none)";
		struct cmdline cl;
		int n = 0;

		cr_assert_eq(parse(&cl, t->words), 0, "case %zu %s: %s", i,
		    first, printed);
		cr_expect_str_eq(printed, "", "case %zu", i);
		if (t->config)
			cr_expect_str_eq(cl.config_path ? cl.config_path : "",
			    t->config, "case %zu", i);
		else
			cr_expect_null(cl.config_path, "case %zu", i);
		cr_expect_eq(cl.verbosity, t->verbosity, "case %zu", i);
		cr_expect_eq(cl.help, t->help, "case %zu", i);
		cr_expect_eq(cl.version, t->version, "case %zu", i);
		if (t->cmd) {
			cr_assert_not_null(cl.cmd, "case %zu", i);
			cr_expect_str_eq(cl.cmd->name, t->cmd, "case %zu", i);
			cr_assert_geq(cl.argc, 1, "case %zu", i);
			cr_expect_str_eq(cl.argv[0], t->cmd, "case %zu", i);
			while (n < 4 && t->rest[n]) {
				cr_assert_gt(cl.argc, n + 1, "case %zu", i);
				cr_expect_str_eq(cl.argv[n + 1], t->rest[n],
				    "case %zu", i);
				n++;
			}
			cr_expect_eq(cl.argc, n + 1, "case %zu", i);
		} else {
			cr_expect_null(cl.cmd, "case %zu", i);
			cr_expect_eq(cl.argc, 0, "case %zu", i);
		}
		if (t->unknown)
			cr_expect_str_eq(cl.unknown ? cl.unknown : "",
			    t->unknown, "case %zu", i);
		else
			cr_expect_null(cl.unknown, "case %zu", i);
		cmdline_finish(&cl);
		cr_expect_null(cl.argv);
	}
}

struct error_case {
	const char *words[4];
	const char *said;	/* all of stderr */
};

static const struct error_case global_errors[] = {
	{{"--frob", NULL},
	    "ctmirror: unknown option '--frob' (try 'ctmirror --help')\n"},
	/* A command's option before the command is nobody's. */
	{{"--json", "status", NULL},
	    "ctmirror: unknown option '--json' (try 'ctmirror --help')\n"},
	{{"--", "status", NULL},
	    "ctmirror: unknown option '--' (try 'ctmirror --help')\n"},
	{{"-x", NULL},
	    "ctmirror: unknown option '-x' (try 'ctmirror --help')\n"},
	{{"sync", "-vx", NULL},
	    "ctmirror: unknown option '-x' (try 'ctmirror --help')\n"},
	{{"status", "-c", NULL},
	    "ctmirror: -c needs a FILE (try 'ctmirror --help')\n"},
	{{"-vc", NULL},
	    "ctmirror: -vc needs a FILE (try 'ctmirror --help')\n"},
	{{"--config", NULL},
	    "ctmirror: --config needs a FILE (try 'ctmirror --help')\n"},
};

Test(cmdline, global_usage_errors_say_what_is_wrong)
{
	for (size_t i = 0; i < sizeof(global_errors) / sizeof(global_errors[0]);
	    i++) {
		struct cmdline cl;

		cr_expect_eq(parse(&cl, global_errors[i].words), -1, "%s",
		    global_errors[i].words[0]);
		cr_expect_str_eq(printed, global_errors[i].said);
		cmdline_finish(&cl);
	}
}

Test(cmdline, command_options_and_arguments)
{
	struct cmdline_args a;

	cr_assert_eq(parse_args("status", (const char *[]){"status", NULL},
	    &a), 0);
	cr_expect_not(cmdline_flag(&a, "--json"));
	cr_expect_eq(a.npos, 0);
	cr_assert_eq(parse_args("status", (const char *[]){"status", "--json",
	    NULL}, &a), 0);
	cr_expect(cmdline_flag(&a, "--json"));
	cr_expect_str_eq(cmdline_value(&a, "--json"), "");
	/* An option the command lacks is never given. */
	cr_expect_null(cmdline_value(&a, "--all"));

	/* Values with '=' or as the next word; positionals in between. */
	cr_assert_eq(parse_args("ack", (const char *[]){"ack", "7",
	    "--reason=a duplicate", "8", NULL}, &a), 0);
	cr_expect_str_eq(cmdline_value(&a, "--reason"), "a duplicate");
	cr_assert_eq(a.npos, 2);
	cr_expect_str_eq(a.pos[0], "7");
	cr_expect_str_eq(a.pos[1], "8");
	cr_assert_eq(parse_args("ack", (const char *[]){"ack", "--reason",
	    "--json", "9", NULL}, &a), 0);
	cr_expect_str_eq(cmdline_value(&a, "--reason"), "--json");
	cr_assert_eq(a.npos, 1);
	cr_expect_str_eq(a.pos[0], "9");
	cr_assert_eq(parse_args("ack", (const char *[]){"ack", "--reason=",
	    "1", NULL}, &a), 0);
	cr_expect_str_eq(cmdline_value(&a, "--reason"), "");

	/* "--" ends the options; "-" and "-5" are arguments. */
	cr_assert_eq(parse_args("ack", (const char *[]){"ack", "--",
	    "--reason", "-", "-5", "--", NULL}, &a), 0);
	cr_expect_null(cmdline_value(&a, "--reason"));
	cr_assert_eq(a.npos, 4);
	cr_expect_str_eq(a.pos[0], "--reason");
	cr_expect_str_eq(a.pos[1], "-");
	cr_expect_str_eq(a.pos[2], "-5");
	cr_expect_str_eq(a.pos[3], "--");

	cr_assert_eq(parse_args("history", (const char *[]){"history",
	    "--since", "2024-01-01", "NCT01234567", "--json", NULL}, &a), 0);
	cr_expect_str_eq(cmdline_value(&a, "--since"), "2024-01-01");
	cr_expect(cmdline_flag(&a, "--json"));
	cr_assert_eq(a.npos, 1);
	cr_expect_str_eq(a.pos[0], "NCT01234567");
	cr_expect_str_eq(printed, "");
}

struct args_error_case {
	const char *cmd;
	const char *words[5];
	const char *said;	/* all of stderr */
};

static const struct args_error_case args_errors[] = {
	{"status", {"status", "--frob", NULL},
	    "ctmirror status: unknown option '--frob' (try 'ctmirror status --help')\n"},
	{"status", {"status", "--frob=1", NULL},
	    "ctmirror status: unknown option '--frob' (try 'ctmirror status --help')\n"},
	/* A prefix is not the option. */
	{"status", {"status", "--js", NULL},
	    "ctmirror status: unknown option '--js' (try 'ctmirror status --help')\n"},
	{"sync", {"sync", "--json", NULL},
	    "ctmirror sync: unknown option '--json' (try 'ctmirror sync --help')\n"},
	{"status", {"status", "--json=yes", NULL},
	    "ctmirror status: --json takes no value\n"},
	{"ack", {"ack", "1", "--reason", NULL},
	    "ctmirror ack: --reason needs a TEXT (try 'ctmirror ack --help')\n"},
	{"sync", {"sync", "extra", NULL},
	    "ctmirror sync: takes no arguments ('extra' given; try 'ctmirror sync --help')\n"},
	{"ack", {"ack", "--reason", "x", NULL},
	    "usage: ctmirror ack ID... [--reason TEXT]\n"},
	{"history", {"history", "NCT01234567", "NCT01234568", NULL},
	    "usage: ctmirror history NCT_ID [--json] [--since DATE]\n"},
	{"history", {"history", NULL},
	    "usage: ctmirror history NCT_ID [--json] [--since DATE]\n"},
};

Test(cmdline, command_usage_errors_say_what_is_wrong)
{
	for (size_t i = 0; i < sizeof(args_errors) / sizeof(args_errors[0]);
	    i++) {
		struct cmdline_args a;

		cr_expect_eq(parse_args(args_errors[i].cmd,
		    args_errors[i].words, &a), -1, "case %zu", i);
		cr_expect_str_eq(printed, args_errors[i].said, "case %zu", i);
	}
}

/* main()'s two-step use: the words cmdline_parse leaves, then the args. */
Test(cmdline, global_then_command)
{
	struct cmdline cl;
	struct cmdline_args a;

	cr_assert_eq(parse(&cl, (const char *[]){"-q", "ack", "12", "-v",
	    "--reason", "seen", "-c", "/x.conf", "13", NULL}), 0);
	cr_assert_not_null(cl.cmd);
	cr_expect_eq(cl.verbosity, LOG_NORMAL);
	cr_expect_str_eq(cl.config_path, "/x.conf");
	cr_assert_eq(cmdline_parse_args(cl.cmd, cl.argc, cl.argv, &a), 0);
	cr_expect_str_eq(cmdline_value(&a, "--reason"), "seen");
	cr_assert_eq(a.npos, 2);
	cr_expect_str_eq(a.pos[0], "12");
	cr_expect_str_eq(a.pos[1], "13");
	cmdline_finish(&cl);
}

Test(cmdline, find)
{
	cr_expect_eq(cmdline_find(commands, N_COMMANDS, "ack"), &commands[2]);
	cr_expect_null(cmdline_find(commands, N_COMMANDS, "ac"));
	cr_expect_null(cmdline_find(commands, N_COMMANDS, ""));
	cr_expect_null(cmdline_find(commands, 0, "sync"));
}

Test(cmdline, usage_lists_every_command)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	cmdline_usage(f, commands, N_COMMANDS);
	cr_assert_eq(fclose(f), 0);
	cr_expect(strncmp(text, "usage: ctmirror [-c FILE] [-v|-q] COMMAND ",
	    42) == 0, "%s", text);
	cr_expect(strstr(text, "\nCommands:\n"
	    "  sync          one cycle\n"
	    "  status        tracked trials\n"
	    "  ack           silence flags\n"
	    "  history       a trial's life\n"
	    "\nExit status: ") != NULL, "%s", text);
	free(text);

	capture_begin(1);
	cmdline_command_help(&commands[2]);
	capture_end(1);
	cr_expect_str_eq(printed,
	    "usage: ctmirror [-c FILE] [-v|-q] ack ID... [--reason TEXT]\n"
	    "\n"
	    "Acknowledges.\n");
}
