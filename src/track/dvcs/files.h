/* A commit's file count, counted where it is shown rather than by the sync (docs/development.md):
 * the development panel and the dev-status API count the commits of their page whose count is
 * not known yet from the repository's mirror, and store what they counted for the next view. */
#ifndef WEFT_TRACK_DVCS_FILES_H
#define WEFT_TRACK_DVCS_FILES_H

#include "base/arena.h"
#include "track/dvcs/panel.h"
#include "track/track.h"

/* Rows one UPDATE of dvcs_files_fill stores (a page of more takes several). */
enum { DVCS_FILES_STORE_ROWS = 64 };

/* The page's commits (DVCS_PANEL_COMMITS) or branch heads (DVCS_PANEL_BRANCHES) whose file
 * count is DVCS_FILES_UNKNOWN get it from the mirror of their repository (dvcs_repo_mirror_path,
 * dvcs_mirror_files): each hash counted once, each mirror opened once, nothing past the page's
 * rows. Provisional commits are left to the sync that confirms them. The counts found are then
 * stored, where the stored count is still NULL, in its own transaction (DVCS_FILES_STORE_ROWS
 * rows a statement). Best effort, never an error: a mirror that is gone or lacks the commit
 * leaves the count unknown, and a failure to count or to store is logged (the page keeps the
 * counts). Call it outside any transaction; other kinds are left as they are. */
void dvcs_files_fill(track_app *app, arena *a, dvcs_panel_page *page);

/* The statement that stores the counts, in a: DVCS_FILES_STORE_ROWS pairs of parameters (the
 * hash, the count), pairs not used bound to NULL. Exposed so that a test pins its plan (the
 * unique index on hash). */
const char *dvcs_files_store_sql(arena *a);

#endif
