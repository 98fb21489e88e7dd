/*
 * localdb.h - ctmirror's private PostgreSQL cluster, for users with no
 * server of their own: created with initdb under the state directory on
 * first use and started on a Unix socket only (no TCP).  Running as root,
 * the server runs as the "postgres" (else "nobody") user, as PostgreSQL
 * refuses root.
 */
#ifndef CTMIRROR_LOCALDB_H
#define CTMIRROR_LOCALDB_H

#include <stdbool.h>

/*
 * true when ctmirror should use the private cluster: conninfo is empty and
 * no PG* variable (PGHOST, PGHOSTADDR, PGPORT, PGDATABASE, PGUSER,
 * PGSERVICE) points libpq anywhere.
 */
bool localdb_wanted(const char *conninfo);

/*
 * Make sure the cluster under state_dir (absolute: config.h) exists and runs, and its database
 * "ctmirror" exists.  On success *conninfo is a new string (free()) naming
 * the socket; when the cluster had to be created or started, the user is
 * told where it lives and how to stop it.  0, or -1 with *errmsg (new).
 */
int localdb_ensure(const char *state_dir, char **conninfo, char **errmsg);

/*
 * The running cluster under state_dir, for a command that must not start
 * or create one (`scan`): 0 with *conninfo (new) naming its socket; 1
 * when there is no cluster there; -1 with *errmsg (new) when there is one
 * that does not run, or on an error.
 */
int localdb_find(const char *state_dir, char **conninfo, char **errmsg);

#endif
