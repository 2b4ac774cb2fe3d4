-- OAuth 2.0 (Bitbucket's): consumers owned by a workspace (a user's own, or a team's), the grants
-- users give them, the short-lived authorization codes, and access and refresh tokens. Secrets,
-- codes and tokens are kept only as SHA-256 digests. A grant's end (revoke, consumer deleted) ends
-- its codes and tokens through the cascades.
CREATE TABLE oauth_consumers (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  client_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  url TEXT NOT NULL,
  is_private INTEGER NOT NULL,
  scopes TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX oauth_consumers_client_key ON oauth_consumers (client_id);
CREATE UNIQUE INDEX oauth_consumers_name_key ON oauth_consumers (workspace_id, lower(name));

CREATE TABLE oauth_grants (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consumer_id BIGINT NOT NULL REFERENCES oauth_consumers (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX oauth_grants_key ON oauth_grants (consumer_id, user_id);
CREATE INDEX oauth_grants_user ON oauth_grants (user_id);

CREATE TABLE oauth_codes (
  code_hash TEXT PRIMARY KEY,
  grant_id BIGINT NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX oauth_codes_grant ON oauth_codes (grant_id);

CREATE TABLE oauth_tokens (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grant_id BIGINT NOT NULL REFERENCES oauth_grants (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  expires_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX oauth_tokens_key ON oauth_tokens (token_hash);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
