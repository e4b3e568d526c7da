-- 0004_risk: supplier resolution and ownership-risk dossiers (issue 5).
--
-- Everything here is derived from the other tables (procurement parties and awards, and the
-- entities of 0002) by the risk job in data/ingest, and can be recomputed at any time.

-- supplier_links: each procurement supplier (parties.id) linked to register or list entity
-- records (entities.id). method: identifier (same qualified identifier: certain = 1) or name
-- (scored name, country and address match: certain = 0, shown as "possible"). match is the
-- procure.MatchResult (score and per-feature explanation) as JSON.
CREATE TABLE supplier_links (
    supplier_id TEXT    NOT NULL,
    entity_id   TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    certain     INTEGER NOT NULL,
    score       REAL    NOT NULL,
    match       BLOB    NOT NULL,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX supplier_links_entity ON supplier_links (entity_id);

-- risk_dossiers: one row per supplier checked. level is the procure.RiskLevel of the dossier
-- (the most serious of today and every award date), level_rank its rank (0 = none, 4 =
-- listed); today_level the level as of as_of (YYYY-MM-DD, the day it was computed).
-- summary is the procure.RiskSummary of the /risk list (JSON); dossier the full
-- procure.RiskDossier (JSON, plain or a zstd frame). buyer_types is a space-separated list
-- with a leading and trailing space (" education police ") for the buyer-type filter;
-- sort_key is the folded supplier name.
CREATE TABLE risk_dossiers (
    supplier_id TEXT    PRIMARY KEY,
    sort_key    TEXT    NOT NULL,
    level       TEXT    NOT NULL,
    level_rank  INTEGER NOT NULL,
    today_level TEXT    NOT NULL,
    buyer_types TEXT    NOT NULL DEFAULT '',
    summary     BLOB    NOT NULL,
    dossier     BLOB    NOT NULL,
    as_of       TEXT    NOT NULL,
    computed_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX risk_dossiers_flagged ON risk_dossiers (level_rank, sort_key, supplier_id) WHERE level_rank > 0;

-- risk_exposure: the public money awarded to each checked supplier, per buyer type and
-- currency: counted awards with a value, in procure.Decimal units (saturating at the int64
-- range; never mixed across currencies). cnt counts those awards.
CREATE TABLE risk_exposure (
    supplier_id TEXT    NOT NULL,
    buyer_type  TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    units       INTEGER NOT NULL,
    cnt         INTEGER NOT NULL,
    PRIMARY KEY (supplier_id, buyer_type, currency)
) WITHOUT ROWID;
CREATE INDEX risk_exposure_currency ON risk_exposure (currency, buyer_type, supplier_id);
