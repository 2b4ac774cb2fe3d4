-- track: sessions of the REST API (Jira Server's POST /rest/auth/1/session), apart from the
-- pages' sessions: their cookie (JSESSIONID, Path=/rest) authenticates only the API, and a page's
-- cookie never does. Stored as the SHA-256 of the cookie value, like the pages' sessions.
CREATE TABLE api_sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX api_sessions_token_key ON api_sessions (token_hash);
CREATE INDEX api_sessions_user ON api_sessions (user_id);

-- Sign-ins with a password (the sign-in page and the API session) per user, for Jira's
-- loginInfo: every success and every failure of a password for the account.
CREATE TABLE login_stats (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  login_count INTEGER NOT NULL DEFAULT 0,
  failed_count INTEGER NOT NULL DEFAULT 0,
  last_failed_at INTEGER,
  last_login_at INTEGER,
  previous_login_at INTEGER
);
