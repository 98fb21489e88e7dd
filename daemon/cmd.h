/*
 * cmd.h - the commands main.c's table runs, each called once the command
 * line is parsed and the configuration loaded.  cmd_sync.c holds those
 * that talk to the registry (check-config, sync, run), cmd_scan.c the CI
 * gate (scan), cmd_db.c those that work on the database alone (migrate,
 * status, flags, ack, history, report).
 */
#ifndef CTMIRROR_CMD_H
#define CTMIRROR_CMD_H

#include "cmdline.h"

struct config;
struct store;

/* Exit codes: 0 success. */
#define CMD_EXIT_RUNTIME 1	/* a runtime failure (registry or database) */
#define CMD_EXIT_USAGE 2	/* a usage or configuration error */

/* What a command runs with. */
struct cmd_ctx {
	struct config *cfg;	/* main()'s; cmd_run steals it (sets NULL) */
	struct store *s;	/* main()'s, borrowed; NULL unless needs_db */
	const char *config_path;	/* what -c named, or NULL; borrowed */
	int verbosity;		/* -v / -q: enum log_verbosity */
	struct cmdline_args a;	/* the command's options and arguments */
};

/*
 * Each returns the process exit code: 0, CMD_EXIT_RUNTIME or
 * CMD_EXIT_USAGE, having said on stderr what went wrong.
 */
int cmd_check_config(struct cmd_ctx *x);
int cmd_sync(struct cmd_ctx *x);
/* Runs the daemon until SIGTERM; steals x->cfg (service_run). */
int cmd_run(struct cmd_ctx *x);

int cmd_scan(struct cmd_ctx *x);

int cmd_migrate(struct cmd_ctx *x);
int cmd_status(struct cmd_ctx *x);
int cmd_flags(struct cmd_ctx *x);
int cmd_ack(struct cmd_ctx *x);
/* history's arguments, before any I/O: 0 / -1 (said on stderr). */
int cmd_history_check(struct cmd_ctx *x);
int cmd_history(struct cmd_ctx *x);
int cmd_report(struct cmd_ctx *x);

#endif
