-- 0001_init: the Tenderlens system of record.
--
-- Conventions used by every table below:
--   * Times are INTEGER microseconds since 1970-01-01 UTC; NULL means "not known".
--   * Money is INTEGER in procure.Decimal units (1/10000 of the currency unit), never REAL.
--     Running totals are kept as two integers, whole (currency units, floor) and frac
--     (0..9999 units), so value = whole*10000 + frac can exceed the int64 range of a single
--     amount without ever losing a unit.
--   * Currency "" means the publisher did not say; it is its own bucket, never mixed.
--   * JSON blobs (raw releases, compiled releases, summaries, changes) are either plain JSON
--     or a zstd frame (first bytes 28 B5 2F FD); readers detect which by the magic number.
--   * Party IDs are portal IDs (procure.QualifiedID or procure.SlugID), buyer IDs included.

-- import_runs: one row per import run of one configured source.
-- status: running | ok | partial | failed | not-modified. read_count, stored, unchanged,
-- warnings and errors are what the importer reported in FinishRun; problem_warnings and
-- problem_errors count every problem passed to AddProblems (the true counts), of which at
-- most 10,000 per run are kept in run_problems (problems_kept).
CREATE TABLE import_runs (
    id               INTEGER PRIMARY KEY,
    source           TEXT    NOT NULL,
    started          INTEGER NOT NULL,
    finished         INTEGER,
    status           TEXT    NOT NULL DEFAULT 'running',
    read_count       INTEGER NOT NULL DEFAULT 0,
    stored           INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    warnings         INTEGER NOT NULL DEFAULT 0,
    errors           INTEGER NOT NULL DEFAULT 0,
    message          TEXT    NOT NULL DEFAULT '',
    problem_warnings INTEGER NOT NULL DEFAULT 0,
    problem_errors   INTEGER NOT NULL DEFAULT 0,
    problems_kept    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX import_runs_source ON import_runs (source, id);

-- run_problems: the located problems of a run, in the order reported (seq), at most
-- 10,000 per run. file/line/idx/path are procure.Location.
CREATE TABLE run_problems (
    run_id   INTEGER NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    severity TEXT    NOT NULL,
    code     TEXT    NOT NULL,
    message  TEXT    NOT NULL,
    file     TEXT    NOT NULL DEFAULT '',
    line     INTEGER NOT NULL DEFAULT 0,
    idx      INTEGER NOT NULL DEFAULT 0,
    path     TEXT    NOT NULL DEFAULT '',
    ocid     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- source_state: opaque per-source fetch state (JSON: since cursor, ETag, Last-Modified).
CREATE TABLE source_state (
    source  TEXT PRIMARY KEY,
    state   BLOB    NOT NULL,
    updated INTEGER NOT NULL
) WITHOUT ROWID;

-- meta: small key/value facts about the data set ("demo" = "1", "data-as-of" = RFC 3339).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- release_origins: where a group of releases came from. Every release read from one fetched
-- document shares source, URL, retrieval time, file, OCDS version and package metadata, so
-- they are stored once here instead of once per release.
CREATE TABLE release_origins (
    id           INTEGER PRIMARY KEY,
    source       TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    retrieved_at INTEGER,
    file         TEXT    NOT NULL,
    version      TEXT    NOT NULL,
    package      TEXT    NOT NULL, -- procure.PackageMeta as JSON
    UNIQUE (source, url, retrieved_at, file, version, package)
);

-- releases: every distinct version of every source release ever received (the raw OCDS
-- release JSON as stored and merged). (ocid, release_id, sha256) is unique: an identical
-- re-import is "unchanged" and adds nothing. A new sha256 for the same (ocid, release_id)
-- is a new row and the previous current row gets superseded_by = the new row's id; exactly
-- one row per (ocid, release_id) has superseded_by NULL (the current version), and only
-- current versions are compiled. line/idx locate the release in its origin's file.
CREATE TABLE releases (
    id            INTEGER PRIMARY KEY,
    ocid          TEXT    NOT NULL,
    release_id    TEXT    NOT NULL,
    sha256        BLOB    NOT NULL, -- 32 bytes, SHA-256 of the uncompressed raw JSON
    date          INTEGER,
    tag           TEXT    NOT NULL, -- JSON array of strings
    origin_id     INTEGER NOT NULL REFERENCES release_origins (id),
    line          INTEGER NOT NULL DEFAULT 0,
    idx           INTEGER NOT NULL DEFAULT 0,
    compiled      INTEGER NOT NULL DEFAULT 0, -- 1: a publisher's compiledRelease stood in
    run_id        INTEGER REFERENCES import_runs (id),
    superseded_by INTEGER REFERENCES releases (id),
    raw           BLOB    NOT NULL
);
CREATE UNIQUE INDEX releases_version ON releases (ocid, release_id, sha256);

-- contracts: one row per contracting process (ocid) with the flat columns lists and filters
-- use. amount/currency are procure.Contract.Amount; dirty = 1 until the search index has the
-- current version (see MarkIndexed). source is the configured source that last changed it.
CREATE TABLE contracts (
    id            INTEGER PRIMARY KEY,
    ocid          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL DEFAULT '',
    buyer_id      TEXT    NOT NULL DEFAULT '',
    buyer_type    TEXT    NOT NULL DEFAULT '',
    country       TEXT    NOT NULL DEFAULT '',
    date          INTEGER,
    amount        INTEGER NOT NULL DEFAULT 0,
    currency      TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT '',
    method        TEXT    NOT NULL DEFAULT '',
    category      TEXT    NOT NULL DEFAULT '',
    source        TEXT    NOT NULL DEFAULT '',
    release_count INTEGER NOT NULL DEFAULT 0,
    last_release  INTEGER,
    demo          INTEGER NOT NULL DEFAULT 0,
    dirty         INTEGER NOT NULL DEFAULT 1,
    updated_run   INTEGER,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX contracts_dirty ON contracts (ocid) WHERE dirty = 1;
CREATE INDEX contracts_buyer ON contracts (buyer_id, date);

-- contract_docs: the large documents of a contract, kept out of the contracts rows so that
-- scans over the flat columns stay small. facts is the exact contribution of the contract
-- to the aggregate tables (JSON), so that a recompile subtracts precisely what it added.
CREATE TABLE contract_docs (
    contract_id INTEGER PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    facts       BLOB NOT NULL,
    summary     BLOB NOT NULL, -- procure.Contract as JSON
    changes     BLOB,          -- []procure.Change as JSON
    compiled    BLOB NOT NULL  -- the compiled release as merged
);

-- awards: one row per award of a contract, replaced whenever the contract is recompiled.
-- year is the award date's year, else the contract date's year, else 0 (unknown).
-- counted = 0 for cancelled/unsuccessful awards; value is in units and meaningful only when
-- has_value = 1. title falls back to the contract title; category is the contract's
-- mainProcurementCategory.
CREATE TABLE awards (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    ocid        TEXT    NOT NULL,
    award_id    TEXT    NOT NULL,
    buyer_id    TEXT    NOT NULL DEFAULT '',
    date        INTEGER,
    year        INTEGER NOT NULL DEFAULT 0,
    status      TEXT    NOT NULL DEFAULT '',
    counted     INTEGER NOT NULL,
    value       INTEGER NOT NULL DEFAULT 0,
    currency    TEXT    NOT NULL DEFAULT '',
    has_value   INTEGER NOT NULL,
    title       TEXT    NOT NULL DEFAULT '',
    category    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (contract_id, seq)
) WITHOUT ROWID;
CREATE INDEX awards_buyer_date ON awards (buyer_id, date);

-- award_suppliers: the suppliers of each award (date copied from the award so that a
-- supplier's most recent awards come straight from the index).
CREATE TABLE award_suppliers (
    contract_id INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    supplier_id TEXT    NOT NULL,
    date        INTEGER,
    PRIMARY KEY (contract_id, seq, supplier_id),
    FOREIGN KEY (contract_id, seq) REFERENCES awards (contract_id, seq) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX award_suppliers_supplier ON award_suppliers (supplier_id, date);

-- parties: organisations by portal ID. The name and details of the most recent contract win
-- (seen_at = that contract's latest release date); an empty value never erases a known one.
-- sort_key is the folded name (lower case, no accents) lists sort by; search_key holds the
-- folded name, legal name and ID for substring filtering. The counters are maintained by
-- ApplyBatch: a party is a buyer when buyer_contracts > 0 and a supplier when
-- supplier_awards > 0.
CREATE TABLE parties (
    id              TEXT PRIMARY KEY,
    name            TEXT    NOT NULL DEFAULT '',
    sort_key        TEXT    NOT NULL DEFAULT '',
    search_key      TEXT    NOT NULL DEFAULT '',
    scheme          TEXT    NOT NULL DEFAULT '',
    identifier      TEXT    NOT NULL DEFAULT '',
    legal_name      TEXT    NOT NULL DEFAULT '',
    country         TEXT    NOT NULL DEFAULT '',
    address         TEXT    NOT NULL DEFAULT '', -- procure.Address as JSON, '' when unknown
    buyer_type      TEXT    NOT NULL DEFAULT '',
    language        TEXT    NOT NULL DEFAULT '',
    additional_ids  TEXT    NOT NULL DEFAULT '', -- JSON array, '' when none
    seen_at         INTEGER NOT NULL DEFAULT 0,
    buyer_contracts INTEGER NOT NULL DEFAULT 0,
    buyer_awards    INTEGER NOT NULL DEFAULT 0,
    supplier_awards INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- The buyer indexes carry search_key so that filtering the agencies list by name reads
-- only the index.
CREATE INDEX parties_buyers ON parties (sort_key, id, search_key) WHERE buyer_contracts > 0;
CREATE INDEX parties_buyers_type ON parties (buyer_type, sort_key, id, search_key) WHERE buyer_contracts > 0;

-- party_names: every name a party has been published under, with the number of current
-- contracts using it and the latest date it was seen.
CREATE TABLE party_names (
    party_id  TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    contracts INTEGER NOT NULL,
    last_seen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (party_id, name)
) WITHOUT ROWID;

-- contract_parties: which party plays which role in which contract
-- (role: buyer | supplier | party — listed in the release's parties in another role).
CREATE TABLE contract_parties (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL,
    party_id    TEXT    NOT NULL,
    PRIMARY KEY (contract_id, role, party_id)
) WITHOUT ROWID;
CREATE INDEX contract_parties_party ON contract_parties (party_id, role);

-- Precomputed aggregates, maintained incrementally by ApplyBatch from the contracts' facts
-- and checked against the base tables by Verify. Amounts count only counted awards with a
-- value; refunds (negative values) are netted into whole/frac and also summed separately.

-- buyer_year: spending of a buyer per currency and award year.
CREATE TABLE buyer_year (
    buyer_id     TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    whole        INTEGER NOT NULL,
    frac         INTEGER NOT NULL,
    cnt          INTEGER NOT NULL,
    refund_whole INTEGER NOT NULL,
    refund_frac  INTEGER NOT NULL,
    refund_cnt   INTEGER NOT NULL,
    PRIMARY KEY (buyer_id, currency, year)
) WITHOUT ROWID;

-- buyer_category: spending of a buyer per currency and category.
CREATE TABLE buyer_category (
    buyer_id TEXT    NOT NULL,
    currency TEXT    NOT NULL,
    category TEXT    NOT NULL,
    whole    INTEGER NOT NULL,
    frac     INTEGER NOT NULL,
    cnt      INTEGER NOT NULL,
    PRIMARY KEY (buyer_id, currency, category)
) WITHOUT ROWID;

-- buyer_supplier: spending of a buyer with a supplier per currency. An award with several
-- suppliers (a consortium) counts in full for each of them.
CREATE TABLE buyer_supplier (
    buyer_id    TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    supplier_id TEXT    NOT NULL,
    whole       INTEGER NOT NULL,
    frac        INTEGER NOT NULL,
    cnt         INTEGER NOT NULL,
    PRIMARY KEY (buyer_id, currency, supplier_id)
) WITHOUT ROWID;
CREATE INDEX buyer_supplier_top ON buyer_supplier (buyer_id, currency, whole DESC, frac DESC);
CREATE INDEX buyer_supplier_by_supplier ON buyer_supplier (supplier_id, currency, whole DESC, frac DESC);

-- supplier_total: what a supplier was awarded per currency (counted awards with a value).
CREATE TABLE supplier_total (
    supplier_id TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    whole       INTEGER NOT NULL,
    frac        INTEGER NOT NULL,
    cnt         INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, currency)
) WITHOUT ROWID;

-- supplier_market: number of awards (any status) of a supplier per buyer country and buyer
-- type, as compiled into each contract.
CREATE TABLE supplier_market (
    supplier_id TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    buyer_type  TEXT    NOT NULL,
    cnt         INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, country, buyer_type)
) WITHOUT ROWID;

-- currency_total: all counted spending per currency (home page totals).
CREATE TABLE currency_total (
    currency TEXT PRIMARY KEY,
    whole    INTEGER NOT NULL,
    frac     INTEGER NOT NULL,
    cnt      INTEGER NOT NULL
) WITHOUT ROWID;

-- buyer_type_total: contracts per buyer type (home page).
CREATE TABLE buyer_type_total (
    buyer_type TEXT PRIMARY KEY,
    contracts  INTEGER NOT NULL
) WITHOUT ROWID;

-- source_total: contracts last changed by each source and current releases from it.
CREATE TABLE source_total (
    source    TEXT PRIMARY KEY,
    contracts INTEGER NOT NULL DEFAULT 0,
    releases  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- counters: global counts (contracts, awards, releases, buyers, suppliers).
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES
    ('contracts', 0), ('awards', 0), ('releases', 0), ('buyers', 0), ('suppliers', 0);
