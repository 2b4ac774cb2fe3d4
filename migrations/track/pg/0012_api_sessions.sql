-- track: sessions of the REST API (Jira Server's POST /rest/auth/1/session), apart from the
-- pages' sessions: their cookie (JSESSIONID, Path=/rest) authenticates only the API, and a page's
-- cookie never does. Stored as the SHA-256 of the cookie value, like the pages' sessions.
CREATE TABLE api_sessions (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash TEXT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX api_sessions_token_key ON api_sessions (token_hash);
CREATE INDEX api_sessions_user ON api_sessions (user_id);

-- Sign-ins with a password (the sign-in page and the API session) per user, for Jira's
-- loginInfo: every success and every failure of a password for the account.
CREATE TABLE login_stats (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  login_count BIGINT NOT NULL DEFAULT 0,
  failed_count BIGINT NOT NULL DEFAULT 0,
  last_failed_at BIGINT,
  last_login_at BIGINT,
  previous_login_at BIGINT
);
