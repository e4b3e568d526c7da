package store

// Ownership-risk results (issue 5): the links of procurement suppliers to
// register and list entities, the computed dossiers, and the public money
// each flagged supplier received, for the /risk ranking. All of it is
// derived (migration 0004) and written by the risk job in data/ingest.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// RiskMarks returns change marks of the data the dossiers derive from: the
// newest update time (microseconds) of the contracts, and of the entity and
// relationship records. A mark that moved means something changed.
func (s *Store) RiskMarks(ctx context.Context) (contracts, entities int64, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT
		coalesce((SELECT max(updated_at) FROM contracts), 0),
		max(coalesce((SELECT max(updated_at) FROM entities), 0), coalesce((SELECT max(updated_at) FROM entity_relationships), 0))`).
		Scan(&contracts, &entities)
	if err != nil {
		return 0, 0, fmt.Errorf("risk change marks: %w", err)
	}
	return contracts, entities, nil
}

// EachSupplier calls fn with every party that is a supplier of at least one
// award, in ID order. It reads in pages, so no read transaction stays open
// while fn runs (fn may write).
func (s *Store) EachSupplier(ctx context.Context, fn func(procure.Party) error) error {
	return eachPage(ctx, s.r, "suppliers", "SELECT "+partyCols+" FROM parties WHERE supplier_awards > 0 AND id > ? ORDER BY id LIMIT ?", 500,
		func(rows *sql.Rows) (procure.Party, string, error) {
			var p partyRow
			if err := rows.Scan(&p.id, &p.name, &p.scheme, &p.identifier, &p.legalName, &p.country, &p.address, &p.buyerType,
				&p.language, &p.additionalIDs, &p.seenAt); err != nil {
				return procure.Party{}, "", err
			}
			party := p.toParty()
			return party, party.ID, nil
		}, fn)
}

// SupplierParty returns the stored details of a supplier (ErrNotFound when
// id is not a supplier).
func (s *Store) SupplierParty(ctx context.Context, id string) (procure.Party, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return procure.Party{}, fmt.Errorf("supplier %s: %w", id, err)
	}
	defer tx.Rollback()
	p, c, err := s.loadPartyTx(ctx, tx, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && c.supplierAwards <= 0) {
		return procure.Party{}, fmt.Errorf("supplier %s: %w", id, procure.ErrNotFound)
	}
	if err != nil {
		return procure.Party{}, fmt.Errorf("supplier %s: %w", id, err)
	}
	return p, nil
}

// SuppliersChangedSince returns the suppliers of the contracts updated
// after the given time (microseconds; see RiskMarks), sorted.
func (s *Store) SuppliersChangedSince(ctx context.Context, since int64) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT s.supplier_id FROM contracts c
		JOIN award_suppliers s ON s.contract_id = c.id WHERE c.updated_at > ? ORDER BY s.supplier_id`, since)
	if err != nil {
		return nil, fmt.Errorf("changed suppliers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("changed suppliers: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("changed suppliers: %w", err)
	}
	return out, nil
}

// maxRiskAwards caps the awards read for one supplier's dossier (the
// exposure totals still come from every award: see SaveRisk).
const maxRiskAwards = 5000

// SupplierAwards returns every award of a supplier (oldest first, at most
// 5,000) with its buyer, the buyer type of its contract and its value, for
// the risk dossier.
func (s *Store) SupplierAwards(ctx context.Context, id string) ([]procure.RiskAward, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.ocid, a.award_id, a.title, a.date, a.counted, a.value, a.currency, a.has_value,
		a.buyer_id, coalesce(p.name, ''), c.buyer_type
		FROM award_suppliers s JOIN awards a ON a.contract_id = s.contract_id AND a.seq = s.seq
		JOIN contracts c ON c.id = a.contract_id
		LEFT JOIN parties p ON p.id = a.buyer_id
		WHERE s.supplier_id = ? ORDER BY a.date IS NULL, a.date, a.ocid, a.seq LIMIT ?`, id, maxRiskAwards)
	if err != nil {
		return nil, fmt.Errorf("awards of supplier %s: %w", id, err)
	}
	defer rows.Close()
	out := []procure.RiskAward{}
	for rows.Next() {
		var a procure.RiskAward
		var date sql.NullInt64
		var units int64
		var bt string
		if err := rows.Scan(&a.OCID, &a.AwardID, &a.Title, &date, &a.Counted, &units, &a.Value.Currency, &a.HasValue,
			&a.Buyer.ID, &a.Buyer.Name, &bt); err != nil {
			return nil, fmt.Errorf("awards of supplier %s: %w", id, err)
		}
		a.Date = fromDBTime(date)
		a.Value.Amount = procure.DecimalFromUnits(units)
		a.BuyerType = procure.BuyerType(bt)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("awards of supplier %s: %w", id, err)
	}
	return out, nil
}

// SaveRisk replaces the links, dossier and exposure of each record's
// supplier, all in one transaction. Writer only.
func (s *Store) SaveRisk(ctx context.Context, recs []procure.RiskRecord) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save risk: %w", err)
	}
	defer tx.Rollback()
	now := time.Now().UnixMicro()
	for _, r := range recs {
		d := r.Dossier
		id := d.Supplier.ID
		if id == "" {
			return fmt.Errorf("save risk: %w: a dossier without supplier ID", procure.ErrInvalid)
		}
		for _, q := range []string{"DELETE FROM supplier_links WHERE supplier_id = ?", "DELETE FROM risk_exposure WHERE supplier_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("save risk of %s: %w", id, err)
			}
		}
		computed := dbTimeInt(d.ComputedAt)
		if computed == 0 {
			computed = now
		}
		for _, l := range d.Links {
			m, err := json.Marshal(l.Match)
			if err != nil {
				return fmt.Errorf("save risk of %s: %w", id, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_links (supplier_id, entity_id, method, certain, score, match, computed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (supplier_id, entity_id) DO UPDATE SET method = excluded.method,
				certain = max(certain, excluded.certain), score = max(score, excluded.score), match = excluded.match`,
				id, l.EntityID, l.Method, l.Certain, l.Match.Score, m, computed); err != nil {
				return fmt.Errorf("save risk of %s: %w", id, err)
			}
		}
		for _, e := range r.Exposure {
			if _, err := tx.ExecContext(ctx, `INSERT INTO risk_exposure (supplier_id, buyer_type, currency, units, cnt) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (supplier_id, buyer_type, currency) DO UPDATE SET units = units + excluded.units, cnt = cnt + excluded.cnt`,
				id, string(e.BuyerType), e.Amount.Currency, e.Amount.Amount.Units(), e.Count); err != nil {
				return fmt.Errorf("save risk of %s: %w", id, err)
			}
		}
		doc, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("save risk of %s: %w", id, err)
		}
		sum, err := json.Marshal(r.Summary)
		if err != nil {
			return fmt.Errorf("save risk of %s: %w", id, err)
		}
		types := " "
		for _, bt := range r.Summary.BuyerTypes {
			types += string(bt) + " "
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO risk_dossiers (supplier_id, sort_key, level, level_rank, today_level, buyer_types,
			summary, dossier, as_of, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (supplier_id) DO UPDATE SET sort_key = excluded.sort_key, level = excluded.level, level_rank = excluded.level_rank,
			today_level = excluded.today_level, buyer_types = excluded.buyer_types, summary = excluded.summary, dossier = excluded.dossier,
			as_of = excluded.as_of, computed_at = excluded.computed_at`,
			id, sortKey(id, d.Supplier.Name), string(d.Level), d.Level.Rank(), string(d.Today.Level), types,
			s.codec.pack(sum), s.codec.pack(doc), d.Today.AsOf, computed); err != nil {
			return fmt.Errorf("save risk of %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save risk: commit: %w", err)
	}
	return nil
}

// PruneRisk deletes the results of parties that are no longer suppliers
// (their awards were withdrawn in a later release). Writer only.
func (s *Store) PruneRisk(ctx context.Context) (int, error) {
	w, err := s.writer()
	if err != nil {
		return 0, err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune risk: %w", err)
	}
	defer tx.Rollback()
	const gone = "NOT IN (SELECT id FROM parties WHERE supplier_awards > 0)"
	res, err := tx.ExecContext(ctx, "DELETE FROM risk_dossiers WHERE supplier_id "+gone)
	if err != nil {
		return 0, fmt.Errorf("prune risk: %w", err)
	}
	n, _ := res.RowsAffected()
	for _, q := range []string{"DELETE FROM supplier_links WHERE supplier_id " + gone, "DELETE FROM risk_exposure WHERE supplier_id " + gone} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("prune risk: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune risk: commit: %w", err)
	}
	return int(n), nil
}

// SupplierRisk returns the stored dossier of a supplier. ErrNotFound when
// none has been computed.
func (s *Store) SupplierRisk(ctx context.Context, id string) (procure.RiskDossier, error) {
	var d procure.RiskDossier
	var blob []byte
	err := s.r.QueryRowContext(ctx, "SELECT dossier FROM risk_dossiers WHERE supplier_id = ?", id).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("risk dossier of %s: %w", id, procure.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("risk dossier of %s: %w", id, err)
	}
	b, err := s.codec.unpack(blob)
	if err != nil {
		return d, fmt.Errorf("risk dossier of %s: %w", id, err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("risk dossier of %s: %w: %w", id, procure.ErrCorrupt, err)
	}
	return d, nil
}

// SupplierLinks returns the stored links of a supplier to entity records,
// most certain and best scored first.
func (s *Store) SupplierLinks(ctx context.Context, id string) ([]procure.SupplierLink, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT entity_id, method, certain, match FROM supplier_links WHERE supplier_id = ?
		ORDER BY certain DESC, score DESC, entity_id`, id)
	if err != nil {
		return nil, fmt.Errorf("links of supplier %s: %w", id, err)
	}
	defer rows.Close()
	out := []procure.SupplierLink{}
	for rows.Next() {
		l := procure.SupplierLink{SupplierID: id}
		var m []byte
		if err := rows.Scan(&l.EntityID, &l.Method, &l.Certain, &m); err != nil {
			return nil, fmt.Errorf("links of supplier %s: %w", id, err)
		}
		if err := json.Unmarshal(m, &l.Match); err != nil {
			return nil, fmt.Errorf("links of supplier %s: %w: %w", id, procure.ErrCorrupt, err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("links of supplier %s: %w", id, err)
	}
	return out, nil
}

// riskCursor is the position after the last row of a /risk page: the
// exposure in the ranking currency (Has false for suppliers without any),
// then the folded name and the ID.
type riskCursor struct {
	Currency string `json:"c"`
	Has      bool   `json:"h"`
	Units    int64  `json:"u"`
	Key      string `json:"k"`
	ID       string `json:"i"`
}

// RiskList returns one page of flagged suppliers (level above none),
// ranked by the public money they received in one currency, largest first
// (currencies are never mixed or converted); suppliers without exposure in
// that currency follow in name order. req.Currency "" picks the currency
// with the most flagged suppliers (ties: alphabetical). req.BuyerType
// counts only awards of buyers of that type (and lists only suppliers that
// sold to one); req.Level keeps one level.
func (s *Store) RiskList(ctx context.Context, req procure.RiskListRequest) (procure.RiskList, error) {
	out := procure.RiskList{Rows: []procure.RiskSummary{}, Currencies: []procure.CurrencyCount{}}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	limit = min(limit, MaxPageLimit)
	if req.BuyerType != "" && !req.BuyerType.Valid() {
		return out, fmt.Errorf("risk list: %w: unknown buyer type %q", procure.ErrInvalid, req.BuyerType)
	}
	if req.Level != "" && (!req.Level.Valid() || req.Level == procure.RiskNone) {
		return out, fmt.Errorf("risk list: %w: unknown level %q", procure.ErrInvalid, req.Level)
	}
	var cur riskCursor
	if req.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(req.Cursor)
		if err == nil {
			err = json.Unmarshal(b, &cur)
		}
		if err != nil || cur.ID == "" {
			return out, fmt.Errorf("%w: the page cursor is not valid; start again from the first page", procure.ErrInvalid)
		}
		if req.Currency == "" {
			req.Currency = cur.Currency
		}
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return out, fmt.Errorf("risk list: %w", err)
	}
	defer tx.Rollback()

	where := []string{"d.level_rank > 0"}
	var args []any
	if req.Level != "" {
		where = append(where, "d.level = ?")
		args = append(args, string(req.Level))
	}
	if req.BuyerType != "" {
		where = append(where, "d.buyer_types LIKE ?")
		args = append(args, "% "+string(req.BuyerType)+" %")
	}
	cond := strings.Join(where, " AND ")
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM risk_dossiers d WHERE "+cond, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("risk list: %w", err)
	}
	exFilter, exArgs := "", []any{}
	if req.BuyerType != "" {
		exFilter = " AND e.buyer_type = ?"
		exArgs = append(exArgs, string(req.BuyerType))
	}
	rows, err := tx.QueryContext(ctx, `SELECT e.currency, count(DISTINCT e.supplier_id) FROM risk_exposure e
		JOIN risk_dossiers d ON d.supplier_id = e.supplier_id WHERE `+cond+exFilter+` AND e.cnt > 0
		GROUP BY e.currency ORDER BY 2 DESC, 1`, append(append([]any{}, args...), exArgs...)...)
	if err != nil {
		return out, fmt.Errorf("risk list: currencies: %w", err)
	}
	for rows.Next() {
		var c procure.CurrencyCount
		if err := rows.Scan(&c.Currency, &c.Suppliers); err != nil {
			rows.Close()
			return out, fmt.Errorf("risk list: currencies: %w", err)
		}
		out.Currencies = append(out.Currencies, c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return out, fmt.Errorf("risk list: currencies: %w", err)
	}
	out.Currency = req.Currency
	if out.Currency == "" && len(out.Currencies) > 0 {
		out.Currency = out.Currencies[0].Currency
	}
	if cur.ID != "" && cur.Currency != out.Currency {
		return out, fmt.Errorf("%w: the page cursor belongs to another currency; start again from the first page", procure.ErrInvalid)
	}

	q := `SELECT d.supplier_id, d.sort_key, d.summary, x.units FROM risk_dossiers d
		LEFT JOIN (SELECT e.supplier_id, sum(e.units) AS units FROM risk_exposure e WHERE e.currency = ? AND e.cnt > 0` + exFilter + `
			GROUP BY e.supplier_id) x ON x.supplier_id = d.supplier_id
		WHERE ` + cond
	qargs := append(append([]any{out.Currency}, exArgs...), args...)
	if cur.ID != "" {
		if cur.Has {
			q += ` AND (x.units IS NULL OR x.units < ? OR (x.units = ? AND (d.sort_key > ? OR (d.sort_key = ? AND d.supplier_id > ?))))`
			qargs = append(qargs, cur.Units, cur.Units, cur.Key, cur.Key, cur.ID)
		} else {
			q += ` AND x.units IS NULL AND (d.sort_key > ? OR (d.sort_key = ? AND d.supplier_id > ?))`
			qargs = append(qargs, cur.Key, cur.Key, cur.ID)
		}
	}
	q += ` ORDER BY x.units IS NULL, x.units DESC, d.sort_key, d.supplier_id LIMIT ?`
	qargs = append(qargs, limit+1)
	rows, err = tx.QueryContext(ctx, q, qargs...)
	if err != nil {
		return out, fmt.Errorf("risk list: %w", err)
	}
	defer rows.Close()
	var last riskCursor
	for rows.Next() {
		var id, key string
		var blob []byte
		var units sql.NullInt64
		if err := rows.Scan(&id, &key, &blob, &units); err != nil {
			return out, fmt.Errorf("risk list: %w", err)
		}
		if len(out.Rows) == limit {
			out.NextCursor = encodeRiskCursor(last)
			break
		}
		b, err := s.codec.unpack(blob)
		if err != nil {
			return out, fmt.Errorf("risk list: %w", err)
		}
		var sm procure.RiskSummary
		if err := json.Unmarshal(b, &sm); err != nil {
			return out, fmt.Errorf("risk list: %s: %w: %w", id, procure.ErrCorrupt, err)
		}
		out.Rows = append(out.Rows, sm)
		last = riskCursor{Currency: out.Currency, Has: units.Valid, Units: units.Int64, Key: key, ID: id}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("risk list: %w", err)
	}
	return out, nil
}

func encodeRiskCursor(c riskCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}
