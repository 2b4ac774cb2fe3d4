-- track: webhooks an unlink could not remove from the host (its grant dead: token revoked,
-- consumer deleted; or the host down). The administrator is told on the DVCS accounts page and by
-- weft track dvcs, and the webhook target answers their deliveries 410 Gone, so that the host's
-- delivery log says why. repo_id is the unlinked repository's former id, which the hook's URL
-- names; a row goes when the administrator says the hook is removed.
CREATE TABLE dvcs_left_hooks (
  id INTEGER PRIMARY KEY,
  repo_id INTEGER NOT NULL,
  site_url TEXT NOT NULL,
  account TEXT NOT NULL,
  slug TEXT NOT NULL,
  hook_url TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX dvcs_left_hooks_repo_key ON dvcs_left_hooks (repo_id);
