-- scrm migration 0009: push secrets sealed at rest. A source's push secret is
-- now stored as enc:v1:base64url(nonce | AES-256-GCM ciphertext | tag) under
-- the key of secrets.key_file (docs/security.md), which is longer than the
-- secret itself: a 255-byte secret takes 385 characters. The clear values of
-- older versions are sealed by `scrm migrate` right after this migration.

ALTER TABLE scrm_sources
  MODIFY COLUMN push_secret varchar(512) NOT NULL DEFAULT ''
    COMMENT 'HMAC key of push requests, sealed: enc:v1:... (never clear text)';
