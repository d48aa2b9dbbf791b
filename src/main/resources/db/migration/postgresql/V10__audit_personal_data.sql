-- Issue 17, erasure (docs/security.md, "Erasing a user"). Records of format 2 keep the personal
-- fields of a row (the caller's email and address, captured prompts and answers) apart from its
-- body: in "personal" (a JSON object), with a random salt and the salted digest of the two. The
-- row's hash covers the digest, not the cleartext, so erasure can blank "personal" and the salt
-- (and set erased_at) while the chain still verifies. Rows from before are format 1: their hash
-- covers the body as it was, personal fields included; they keep verifying as they are.

ALTER TABLE audit_events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_events ADD COLUMN personal TEXT COLLATE "C";
ALTER TABLE audit_events ADD COLUMN personal_salt TEXT COLLATE "C";
ALTER TABLE audit_events ADD COLUMN personal_digest TEXT COLLATE "C";
ALTER TABLE audit_events ADD COLUMN erased_at TEXT COLLATE "C";
