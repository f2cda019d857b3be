"""The emulator's SQLite schema, as a list of migrations applied in order.

``PRAGMA user_version`` holds the number of migrations a database has had; opening
it applies the missing ones, each in its own transaction. A released migration is
never edited: a change of schema is a new entry at the end.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

# Each entry moves the schema from version N-1 to N; never edit a released entry,
# append a new one. PRAGMA user_version holds the version reached.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL UNIQUE,
            key_hash TEXT NOT NULL,
            encrypted_id TEXT NOT NULL,
            configured INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE contacts (
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
            fields TEXT NOT NULL DEFAULT '{}',
            UNIQUE (team, email_key)
        )""",
        """CREATE TABLE tags (
            team INTEGER NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (team, name)
        ) WITHOUT ROWID""",
        """CREATE TABLE fields (
            team INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('text', 'number')),
            PRIMARY KEY (team, name)
        ) WITHOUT ROWID""",
        # The events of one request for one team are one row (a JSON array of
        # [id, type, email, previous_email, tag, field, value]), keyed by the id of
        # its last event: one insert per request instead of one per event halves
        # the cost of writing them.
        """CREATE TABLE events (
            last_id INTEGER PRIMARY KEY,
            team INTEGER NOT NULL,
            at TEXT NOT NULL,
            events BLOB NOT NULL
        )""",
        "CREATE INDEX events_by_team ON events (team, last_id)",
        # Event ids are never reused, even after a reset (which records the next one
        # here), so a reader polling with ?after=ID never misses or repeats one.
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    ),
    # Version 2 changes no table, only what an events row holds: the events of every
    # request of one group commit for one team, each event with its own time as an
    # 8th element. Version 2 still reads version 1 rows (no 8th element: the row's
    # ``at``); the version number makes an older emulator refuse the newer rows
    # with a clear message instead of failing to read them.
    (),
    # Version 3 writes events rows in a new form: one entry per request, [first_id,
    # at, [[type, email, previous_email, tag, field, value], ...]] (the older forms
    # are still read). And it drops UNIQUE (team, email_key) from contacts: the store keeps an
    # index of addresses in memory, which answers lookups and keeps them unique
    # (and refuses to open a file with two contacts on one address). The SQL
    # index cost a third of every insert. SQLite cannot drop a table constraint,
    # so the table is rebuilt.
    (
        """CREATE TABLE contacts_v3 (
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
        )""",
        """INSERT INTO contacts_v3 (id, team, email, email_key, encrypted_id, first_name,
            last_name, company, birthday, tags, fields)
        SELECT id, team, email, email_key, encrypted_id, first_name, last_name, company,
            birthday, tags, fields FROM contacts""",
        "DROP TABLE contacts",
        "ALTER TABLE contacts_v3 RENAME TO contacts",
    ),
    # Version 4 serves the REST API from the same store. Contacts get their times,
    # what only REST sets (``extra``, JSON) and a soft delete's time. Every other REST
    # object is a row of ``objects`` (its data JSON, without its id); the v1
    # catalogues move there with new ids, so that v1 and REST share them. Rows written
    # before have no times: they get the migration's.
    (
        "ALTER TABLE contacts ADD COLUMN created TEXT",
        "ALTER TABLE contacts ADD COLUMN updated TEXT",
        "ALTER TABLE contacts ADD COLUMN extra TEXT",
        "ALTER TABLE contacts ADD COLUMN deleted TEXT",
        "UPDATE contacts SET created = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        "UPDATE contacts SET updated = created",
        """CREATE TABLE objects (
            team INTEGER NOT NULL,
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (team, kind, id)
        ) WITHOUT ROWID""",
        """INSERT INTO objects (team, kind, id, seq, data)
        SELECT team, 'tag', 'tag_' || hex(randomblob(11)),
            row_number() OVER (ORDER BY team, name),
            json_object('name', name, 'created', now.at, 'updated', now.at)
        FROM tags, (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS at) AS now""",
        """INSERT INTO objects (team, kind, id, seq, data)
        SELECT team, 'custom_field', 'custom_field_' || hex(randomblob(11)),
            (SELECT count(*) FROM tags) + row_number() OVER (ORDER BY team, name),
            json_object('name', name, 'type', CASE kind WHEN 'number' THEN 1 ELSE 0 END,
                'description', '', 'created', now.at, 'updated', now.at)
        FROM fields, (SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS at) AS now""",
        "DROP TABLE tags",
        "DROP TABLE fields",
    ),
    # Version 5 keeps the mail the REST API captures (transactional sends and
    # campaigns; nothing is ever sent). What a send or a campaign shares (sender,
    # subject, bodies with their placeholders, headers, template) is one row of
    # ``message_contents``; each recipient's message is a row of ``messages`` with
    # its addresses, the values its placeholders took, and its engagement (a JSON
    # array of events): a campaign to many contacts stores its bodies once.
    (
        """CREATE TABLE message_contents (
            id INTEGER PRIMARY KEY,
            team INTEGER NOT NULL,
            data TEXT NOT NULL
        )""",
        """CREATE TABLE messages (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            team INTEGER NOT NULL,
            content INTEGER NOT NULL,
            recipient TEXT NOT NULL,
            campaign TEXT,
            at TEXT NOT NULL,
            data TEXT NOT NULL,
            events TEXT NOT NULL DEFAULT '[]'
        )""",
        "CREATE INDEX messages_by_team ON messages (team, seq)",
        "CREATE INDEX messages_by_recipient ON messages (team, recipient, seq)",
        "CREATE INDEX messages_by_campaign ON messages (team, campaign)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
