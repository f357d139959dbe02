-- Custom migration: the workspace the CLI and the local (single-user) mode use.
INSERT INTO "workspaces" ("id", "name") VALUES ('default', 'Default workspace') ON CONFLICT ("id") DO NOTHING;
