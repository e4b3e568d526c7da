-- 0003_departments: spending of a buyer per department and currency, for city checkbooks and
-- other data whose releases name the buying unit (procure.Contract.Department: the OCDS
-- tender.procuringEntity when it is a unit of the buyer, such as a city's Police department).
-- Maintained by ApplyBatch from the contracts' facts exactly like buyer_year: counted awards
-- with a value only; refunds and credits (negative values) are netted into whole/frac and also
-- summed apart in refund_whole/refund_frac/refund_cnt so pages can show them. Contracts without
-- a department add nothing here (their spending is in buyer_year and buyer_category only).
CREATE TABLE buyer_department (
    buyer_id     TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    department   TEXT    NOT NULL,
    whole        INTEGER NOT NULL,
    frac         INTEGER NOT NULL,
    cnt          INTEGER NOT NULL,
    refund_whole INTEGER NOT NULL,
    refund_frac  INTEGER NOT NULL,
    refund_cnt   INTEGER NOT NULL,
    PRIMARY KEY (buyer_id, currency, department)
) WITHOUT ROWID;
