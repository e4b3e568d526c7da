-- 0002_entities: ownership registers and sanctions lists (issue 5).
--
-- Entities (procure.Entity: companies, organisations, persons, ... from BODS, UK PSC,
-- OFAC, UN, EU and FtM) and relationships between them (procure.Relationship:
-- ownership, control and soft links). Every distinct version of every record is kept in
-- entity_versions; entities and entity_relationships hold the current version with the
-- flat columns queries need. IDs are "{dataset}:{record id}" and never change.
--
-- content is the SHA-256 of the record's JSON with where and when it was read left out
-- (provenance source, URL, retrieval time, location; the dataset, record ID, raw-bytes hash
-- and licence stay), so that importing the same record again is "unchanged" (nothing is
-- written but seen_run) and the stored version keeps the provenance of its first import.
-- doc is the procure JSON as stored (plain, or a zstd frame like the other blobs).

-- entities: the current version of each entity record. cluster is the smallest entity
-- ID of its cluster: the entities that share a strong qualified identifier, directly or
-- through others (same qualified identifier = same entity). countries is a space-
-- separated list of ISO alpha-2 codes; sanctioned = 1 when the record is itself listed
-- (procure.Entity.Sanctioned); opaque = 1 when its owners are undisclosed.
CREATE TABLE entities (
    pk           INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    jurisdiction TEXT    NOT NULL DEFAULT '',
    countries    TEXT    NOT NULL DEFAULT '',
    sanctioned   INTEGER NOT NULL DEFAULT 0,
    opaque       INTEGER NOT NULL DEFAULT 0,
    dataset      TEXT    NOT NULL DEFAULT '',
    source       TEXT    NOT NULL DEFAULT '',
    cluster      TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    run_id       INTEGER REFERENCES import_runs (id),
    seen_run     INTEGER,
    updated_at   INTEGER NOT NULL,
    doc          BLOB    NOT NULL
);
CREATE INDEX entities_cluster ON entities (cluster);
CREATE INDEX entities_sanctioned ON entities (cluster) WHERE sanctioned = 1;
CREATE INDEX entities_dataset ON entities (dataset, seen_run);

-- entity_identifiers: the qualified identifiers of each entity ("RU-INN-5920040846";
-- US-SAM is stored as US-UEI). strong = 0 for weak schemes ({CC}-REG, {CC}-TAX, XI-MMSI)
-- that are kept for lookups but never cluster.
CREATE TABLE entity_identifiers (
    qualified TEXT    NOT NULL,
    entity    INTEGER NOT NULL REFERENCES entities (pk) ON DELETE CASCADE,
    strong    INTEGER NOT NULL,
    PRIMARY KEY (qualified, entity)
) WITHOUT ROWID;
CREATE INDEX entity_identifiers_entity ON entity_identifiers (entity);

-- entity_tokens: the name tokens of each entity for candidate generation (blocking):
-- folded (lower case, no diacritics), Cyrillic and Greek transliterated to Latin, CJK as
-- character bigrams. Candidate generation counts a token's holders with a bounded range
-- scan of the primary key and starts from the rarest tokens.
CREATE TABLE entity_tokens (
    token  TEXT    NOT NULL,
    entity INTEGER NOT NULL REFERENCES entities (pk) ON DELETE CASCADE,
    PRIMARY KEY (token, entity)
) WITHOUT ROWID;
CREATE INDEX entity_tokens_entity ON entity_tokens (entity);

-- entity_relationships: the current version of each relationship record. owner is ''
-- when the interested party is undisclosed (unspecified = the reason). share_min and
-- share_max are the share interval in percent ([0,100] when unknown). Dates are as
-- published (ISO 8601, possibly partial). owner and asset need not be stored entities
-- (a register may point at records it does not publish).
CREATE TABLE entity_relationships (
    pk          INTEGER PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    owner       TEXT    NOT NULL DEFAULT '',
    asset       TEXT    NOT NULL,
    share_min   REAL    NOT NULL DEFAULT 0,
    share_max   REAL    NOT NULL DEFAULT 100,
    control     INTEGER NOT NULL DEFAULT 0,
    direct      TEXT    NOT NULL DEFAULT '',
    start_date  TEXT    NOT NULL DEFAULT '',
    end_date    TEXT    NOT NULL DEFAULT '',
    unspecified TEXT    NOT NULL DEFAULT '',
    dataset     TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    content     BLOB    NOT NULL,
    run_id      INTEGER REFERENCES import_runs (id),
    seen_run    INTEGER,
    updated_at  INTEGER NOT NULL,
    doc         BLOB    NOT NULL
);
CREATE INDEX entity_relationships_asset ON entity_relationships (asset, kind);
CREATE INDEX entity_relationships_owner ON entity_relationships (owner, kind);

-- entity_versions: every distinct version of every entity (kind 'e') and relationship
-- (kind 'r') record ever imported, with the run that first brought it.
CREATE TABLE entity_versions (
    kind       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    content    BLOB    NOT NULL,
    run_id     INTEGER REFERENCES import_runs (id),
    first_seen INTEGER NOT NULL,
    doc        BLOB    NOT NULL,
    PRIMARY KEY (kind, id, content)
) WITHOUT ROWID;
