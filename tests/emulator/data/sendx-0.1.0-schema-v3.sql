-- A database written by the current release, sendx 0.1.0 (schema version 3; commit
-- 516ba69, the emulator before its REST API), dumped with sqlite3's iterdump. Made by
-- running that release's emulator (PYTHONPATH=<its src>) with --team team1:key1 and
-- these v1 calls, in order:
--   identify Ada@example.com: firstName Ada, lastName Lovelace, company Engines,
--     birthday 1815-12-10, tags vip and math, customFields Plan "pro", Score "++2"
--   identify grace@example.com: firstName Grace, tag navy, customFields Plan "free"
--   track grace@example.com: addTags cobol, removeTags navy
--   identify ada@example.com: newEmail ada@engines.example, customFields Score "++3"
-- PRAGMA user_version (3) is not part of a dump: the test sets it.
BEGIN TRANSACTION;
CREATE TABLE "contacts" (
            id INTEGER PRIMARY KEY,
            team INTEGER NOT NULL,
            email TEXT NOT NULL,
            email_key TEXT NOT NULL,
            encrypted_id TEXT NOT NULL,
            first_name TEXT,
            last_name TEXT,
            company TEXT,
            birthday TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            fields TEXT NOT NULL DEFAULT '{}'
        );
INSERT INTO "contacts" VALUES(1,1,'ada@engines.example','ada@engines.example','2mf8EZNmp1CZBkb1uBSEqh','Ada','Lovelace','Engines','1815-12-10','["vip","math"]','{"Plan":"pro","Score":"5"}');
INSERT INTO "contacts" VALUES(2,1,'grace@example.com','grace@example.com','3V4YBABUkOOPp1YbS03ROP','Grace',NULL,NULL,NULL,'["cobol"]','{"Plan":"free"}');
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE events (
            last_id INTEGER PRIMARY KEY,
            team INTEGER NOT NULL,
            at TEXT NOT NULL,
            events BLOB NOT NULL
        );
INSERT INTO "events" VALUES(5,1,'2026-12-04T16:23:37.217Z','[[1,"2026-12-04T16:23:37.217Z",[["contact_created","Ada@example.com",null,null,null,null],["tag_added","Ada@example.com",null,"vip",null,null],["tag_added","Ada@example.com",null,"math",null,null],["field_changed","Ada@example.com",null,null,"Plan","pro"],["field_changed","Ada@example.com",null,null,"Score","2"]]]]');
INSERT INTO "events" VALUES(8,1,'2026-12-04T16:23:37.233Z','[[6,"2026-12-04T16:23:37.233Z",[["contact_created","grace@example.com",null,null,null,null],["tag_added","grace@example.com",null,"navy",null,null],["field_changed","grace@example.com",null,null,"Plan","free"]]]]');
INSERT INTO "events" VALUES(10,1,'2026-12-04T16:23:37.236Z','[[9,"2026-12-04T16:23:37.236Z",[["tag_added","grace@example.com",null,"cobol",null,null],["tag_removed","grace@example.com",null,"navy",null,null]]]]');
INSERT INTO "events" VALUES(12,1,'2026-12-04T16:23:37.248Z','[[11,"2026-12-04T16:23:37.248Z",[["contact_renamed","ada@engines.example","Ada@example.com",null,null,null],["field_changed","ada@engines.example",null,null,"Score","5"]]]]');
CREATE TABLE fields (
            team INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('text', 'number')),
            PRIMARY KEY (team, name)
        ) WITHOUT ROWID;
INSERT INTO "fields" VALUES(1,'Plan','text');
INSERT INTO "fields" VALUES(1,'Score','number');
CREATE TABLE tags (
            team INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (team, name)
        ) WITHOUT ROWID;
INSERT INTO "tags" VALUES(1,'cobol');
INSERT INTO "tags" VALUES(1,'math');
INSERT INTO "tags" VALUES(1,'navy');
INSERT INTO "tags" VALUES(1,'vip');
CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL UNIQUE,
            key_hash TEXT NOT NULL,
            encrypted_id TEXT NOT NULL,
            configured INTEGER NOT NULL DEFAULT 0
        );
INSERT INTO "teams" VALUES(1,'team1','8174099687a26621f4e2cdd7cc03b3dacedb3fb962255b1aafd033cabe831530','eR27jmOQUdC7bORbkhxyK3',1);
CREATE INDEX events_by_team ON events (team, last_id);
COMMIT;
