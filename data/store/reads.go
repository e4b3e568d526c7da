package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Page sizes of the read models.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
	TopSuppliers     = 20  // per currency on an agency page
	RecentAwards     = 50  // on an agency page
	TopBuyers        = 100 // per currency on a supplier page
	MaxDepartments   = 500 // departments on an agency page (all currencies)
	SupplierAwards   = 200 // on a supplier page
	eachChunk        = 256 // contracts per read in EachContract
)

// readTx starts a read-only snapshot on the reader pool.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	return s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

func jsonList(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// Contract returns everything the contract page shows: the summary, the
// compiled release exactly as merged, the current source releases newest
// first, and the change history. ErrNotFound when the ocid has no compiled
// contract.
func (s *Store) Contract(ctx context.Context, ocid string) (procure.ContractDetail, error) {
	var cd procure.ContractDetail
	tx, err := s.readTx(ctx)
	if err != nil {
		return cd, fmt.Errorf("contract %s: %w", ocid, err)
	}
	defer tx.Rollback()
	var summary, compiled, changes []byte
	err = tx.QueryRowContext(ctx, `SELECT d.summary, d.compiled, d.changes FROM contracts c
		JOIN contract_docs d ON d.contract_id = c.id WHERE c.ocid = ?`, ocid).Scan(&summary, &compiled, &changes)
	if errors.Is(err, sql.ErrNoRows) {
		return cd, fmt.Errorf("contract %s: %w", ocid, procure.ErrNotFound)
	}
	if err != nil {
		return cd, fmt.Errorf("contract %s: %w", ocid, err)
	}
	if cd.Contract, err = s.decodeSummary(summary); err != nil {
		return cd, fmt.Errorf("contract %s: %w", ocid, err)
	}
	if cd.CompiledRelease, err = s.codec.unpack(compiled); err != nil {
		return cd, fmt.Errorf("contract %s compiled release: %w", ocid, err)
	}
	if len(changes) > 0 {
		js, err := s.codec.unpack(changes)
		if err == nil {
			err = json.Unmarshal(js, &cd.Changes)
		}
		if err != nil {
			return cd, fmt.Errorf("contract %s changes: %w: %w", ocid, procure.ErrCorrupt, err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.release_id, r.date, r.tag, o.source, o.url, o.retrieved_at,
		r.sha256, o.version, r.compiled FROM releases r JOIN release_origins o ON o.id = r.origin_id
		WHERE r.ocid = ? AND r.superseded_by IS NULL ORDER BY r.date DESC, r.id DESC`, ocid)
	if err != nil {
		return cd, fmt.Errorf("contract %s releases: %w", ocid, err)
	}
	defer rows.Close()
	cd.Releases = []procure.ReleaseInfo{}
	for rows.Next() {
		var ri procure.ReleaseInfo
		var date, retrieved sql.NullInt64
		var tag string
		var sha []byte
		if err := rows.Scan(&ri.ID, &date, &tag, &ri.Source, &ri.URL, &retrieved, &sha, &ri.Version, &ri.Compiled); err != nil {
			return cd, fmt.Errorf("contract %s releases: %w", ocid, err)
		}
		ri.Date, ri.RetrievedAt = fromDBTime(date), fromDBTime(retrieved)
		ri.SHA256 = fmt.Sprintf("%x", sha)
		if err := json.Unmarshal([]byte(tag), &ri.Tag); err != nil {
			return cd, fmt.Errorf("contract %s release %s tag: %w: %w", ocid, ri.ID, procure.ErrCorrupt, err)
		}
		cd.Releases = append(cd.Releases, ri)
	}
	if err := rows.Err(); err != nil {
		return cd, fmt.Errorf("contract %s releases: %w", ocid, err)
	}
	return cd, nil
}

func (s *Store) decodeSummary(b []byte) (procure.Contract, error) {
	var c procure.Contract
	js, err := s.codec.unpack(b)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(js, &c); err != nil {
		return c, fmt.Errorf("summary: %w: %w", procure.ErrCorrupt, err)
	}
	return c, nil
}

// Release returns the current version of one source release with its raw
// JSON and provenance. ErrNotFound when missing.
func (s *Store) Release(ctx context.Context, ocid, releaseID string) (procure.SourceRelease, error) {
	row := s.r.QueryRowContext(ctx, `SELECT r.release_id, r.sha256, r.date, r.tag, r.line, r.idx, r.compiled, r.raw,
		o.source, o.url, o.retrieved_at, o.file, o.version, o.package
		FROM releases r JOIN release_origins o ON o.id = r.origin_id
		WHERE r.ocid = ? AND r.release_id = ? AND r.superseded_by IS NULL`, ocid, releaseID)
	rel, err := scanRelease(row, s.codec)
	if errors.Is(err, sql.ErrNoRows) {
		return rel, fmt.Errorf("release %s of %s: %w", releaseID, ocid, procure.ErrNotFound)
	}
	if err != nil {
		return rel, fmt.Errorf("release %s of %s: %w", releaseID, ocid, err)
	}
	rel.OCID = ocid
	return rel, nil
}

// DirtyContracts returns up to limit (0 = 500) contracts whose current
// version the search index does not have yet, in ocid order.
func (s *Store) DirtyContracts(ctx context.Context, limit int) ([]procure.Contract, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.r.QueryContext(ctx, `SELECT d.summary FROM contracts c JOIN contract_docs d ON d.contract_id = c.id
		WHERE c.dirty = 1 ORDER BY c.ocid LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("dirty contracts: %w", err)
	}
	defer rows.Close()
	var out []procure.Contract
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("dirty contracts: %w", err)
		}
		c, err := s.decodeSummary(b)
		if err != nil {
			return nil, fmt.Errorf("dirty contracts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dirty contracts: %w", err)
	}
	return out, nil
}

// MaxContractsByOCID bounds one ContractsByOCID call (a results page needs
// a few dozen at most).
const MaxContractsByOCID = 500

// ContractsByOCID returns the current summaries of the given contracts,
// keyed by ocid; ocids the store does not hold are absent from the map.
// Search result pages read their hits here: the search index stores
// nothing of a contract but its search terms.
func (s *Store) ContractsByOCID(ctx context.Context, ocids []string) (map[string]procure.Contract, error) {
	if len(ocids) > MaxContractsByOCID {
		return nil, fmt.Errorf("contracts by ocid: %d asked, at most %d", len(ocids), MaxContractsByOCID)
	}
	out := make(map[string]procure.Contract, len(ocids))
	if len(ocids) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.ocid, d.summary FROM contracts c JOIN contract_docs d ON d.contract_id = c.id
		WHERE c.ocid IN (SELECT value FROM json_each(?))`, jsonList(ocids))
	if err != nil {
		return nil, fmt.Errorf("contracts by ocid: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ocid string
		var b []byte
		if err := rows.Scan(&ocid, &b); err != nil {
			return nil, fmt.Errorf("contracts by ocid: %w", err)
		}
		c, err := s.decodeSummary(b)
		if err != nil {
			return nil, fmt.Errorf("contracts by ocid: %s: %w", ocid, err)
		}
		out[ocid] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("contracts by ocid: %w", err)
	}
	return out, nil
}

// MarkIndexed clears the dirty flag of the given contracts: the search index
// now holds their current version. Writer only; the caller must not let an
// ApplyBatch run between reading the contracts and marking them.
func (s *Store) MarkIndexed(ctx context.Context, ocids []string) error {
	if len(ocids) == 0 {
		return nil
	}
	w, err := s.writer()
	if err != nil {
		return err
	}
	if _, err := w.ExecContext(ctx, `UPDATE contracts SET dirty = 0
		WHERE dirty = 1 AND ocid IN (SELECT value FROM json_each(?))`, jsonList(ocids)); err != nil {
		return fmt.Errorf("mark %d contracts indexed: %w", len(ocids), err)
	}
	return nil
}

// MarkAllDirty flags every contract for indexing again (for a rebuild into
// an index that must catch up). Writer only.
func (s *Store) MarkAllDirty(ctx context.Context) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	if _, err := w.ExecContext(ctx, "UPDATE contracts SET dirty = 1 WHERE dirty = 0"); err != nil {
		return fmt.Errorf("mark all contracts dirty: %w", err)
	}
	return nil
}

// EachContract calls fn with every contract summary in ocid order, reading
// them in small chunks (bounded memory, no long-lived read transaction, so
// imports may commit meanwhile; a contract changed during the walk is dirty
// again afterwards). It stops at the first error fn returns.
func (s *Store) EachContract(ctx context.Context, fn func(procure.Contract) error) error {
	return eachPage(ctx, s.r, "each contract", `SELECT c.ocid, d.summary FROM contracts c
			JOIN contract_docs d ON d.contract_id = c.id WHERE c.ocid > ? ORDER BY c.ocid LIMIT ?`, eachChunk,
		func(rows *sql.Rows) (procure.Contract, string, error) {
			var ocid string
			var b []byte
			if err := rows.Scan(&ocid, &b); err != nil {
				return procure.Contract{}, "", err
			}
			c, err := s.decodeSummary(b)
			return c, ocid, err // the error names the contract
		}, fn)
}

// EachOCID calls fn with every ocid that has stored releases, compiled or
// not, in order, reading them in chunks (for a full Recompile).
func (s *Store) EachOCID(ctx context.Context, fn func(ocid string) error) error {
	return eachPage(ctx, s.r, "each ocid", `SELECT DISTINCT ocid FROM releases WHERE ocid > ? ORDER BY ocid LIMIT ?`, 1000,
		func(rows *sql.Rows) (string, string, error) {
			var ocid string
			if err := rows.Scan(&ocid); err != nil {
				return "", "", err
			}
			return ocid, ocid, nil
		}, fn)
}

// eachPage walks a keyset-paged query in pages of size rows: query takes
// the key after which to start and the page size, in that order, and is
// ordered by the key. scan reads one row and returns the item and its key
// (a scan error that comes with the key names it in the message). A page
// is read completely and its rows closed before fn runs on its items, so
// no read transaction stays open while fn runs. It stops at the first
// error fn returns (returned as is); store errors are wrapped with what.
func eachPage[T any](ctx context.Context, q queryer, what, query string, size int,
	scan func(*sql.Rows) (item T, key string, err error), fn func(T) error) error {
	after := ""
	for {
		rows, err := q.QueryContext(ctx, query, after, size)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		var page []T
		for rows.Next() {
			v, key, err := scan(rows)
			if err != nil {
				rows.Close()
				if key != "" {
					return fmt.Errorf("%s %s: %w", what, key, err)
				}
				return fmt.Errorf("%s: %w", what, err)
			}
			page = append(page, v)
			after = key
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		for _, v := range page {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(page) < size {
			return nil
		}
	}
}

func (s *Store) counter(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "SELECT value FROM counters WHERE name = ?", name).Scan(&v)
	return v, err
}

// ContractCount returns the number of compiled contracts.
func (s *Store) ContractCount(ctx context.Context) (int, error) {
	n, err := s.counter(ctx, s.r, "contracts")
	if err != nil {
		return 0, fmt.Errorf("contract count: %w", err)
	}
	return n, nil
}

// pageCursor is the position after the last row of a page.
type pageCursor struct {
	Key string `json:"k"`
	ID  string `json:"i"`
}

func encodeCursor(c pageCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (pageCursor, error) {
	var c pageCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return c, fmt.Errorf("%w: the page cursor is not valid; start again from the first page", procure.ErrInvalid)
	}
	return c, nil
}

const partyCols = `id, name, scheme, identifier, legal_name, country, address, buyer_type, language, additional_ids, seen_at`

// Agencies returns one page of buyers in name order (folded: case and
// accents ignored), with contract and award counts and per-currency totals.
// req.Q filters by a case- and accent-insensitive substring of the name,
// legal name or ID; req.BuyerType by buyer type. The cursor is stable: it
// is the (name, ID) position of the last row, so pages neither repeat nor
// skip agencies that existed when the first page was read.
func (s *Store) Agencies(ctx context.Context, req procure.PageRequest) (procure.AgencyList, error) {
	out := procure.AgencyList{Agencies: []procure.AgencySummary{}}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	limit = min(limit, MaxPageLimit)
	var where []string
	var args []any
	where = append(where, "buyer_contracts > 0")
	if req.BuyerType != "" {
		if !req.BuyerType.Valid() {
			return out, fmt.Errorf("agencies: %w: unknown buyer type %q", procure.ErrInvalid, req.BuyerType)
		}
		where = append(where, "buyer_type = ?")
		args = append(args, string(req.BuyerType))
	}
	if q := fold(req.Q); q != "" {
		where = append(where, "instr(search_key, ?) > 0")
		args = append(args, q)
	}
	countWhere := strings.Join(where, " AND ")
	countArgs := append([]any(nil), args...)
	if req.Cursor != "" {
		c, err := decodeCursor(req.Cursor)
		if err != nil {
			return out, fmt.Errorf("agencies: %w", err)
		}
		where = append(where, "(sort_key, id) > (?, ?)")
		args = append(args, c.Key, c.ID)
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return out, fmt.Errorf("agencies: %w", err)
	}
	defer tx.Rollback()
	if len(countArgs) == 0 {
		out.Total, err = s.counter(ctx, tx, "buyers")
	} else {
		err = tx.QueryRowContext(ctx, "SELECT count(*) FROM parties WHERE "+countWhere, countArgs...).Scan(&out.Total)
	}
	if err != nil {
		return out, fmt.Errorf("agencies: count: %w", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+partyCols+`, sort_key, buyer_contracts, buyer_awards FROM parties
		WHERE `+strings.Join(where, " AND ")+" ORDER BY sort_key, id LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return out, fmt.Errorf("agencies: %w", err)
	}
	defer rows.Close()
	var keys []string
	var ids []string
	for rows.Next() {
		var p partyRow
		var a procure.AgencySummary
		var key string
		if err := rows.Scan(&p.id, &p.name, &p.scheme, &p.identifier, &p.legalName, &p.country, &p.address,
			&p.buyerType, &p.language, &p.additionalIDs, &p.seenAt, &key, &a.ContractCount, &a.AwardCount); err != nil {
			return out, fmt.Errorf("agencies: %w", err)
		}
		a.Party = p.toParty()
		a.Totals = []procure.Money{}
		out.Agencies = append(out.Agencies, a)
		keys = append(keys, key)
		ids = append(ids, p.id)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("agencies: %w", err)
	}
	rows.Close()
	if len(out.Agencies) > limit {
		out.Agencies = out.Agencies[:limit]
		ids = ids[:limit]
		out.NextCursor = encodeCursor(pageCursor{Key: keys[limit-1], ID: ids[limit-1]})
	}
	if len(ids) == 0 {
		return out, nil
	}
	totals := map[string]map[string]sum{}
	trows, err := tx.QueryContext(ctx, `SELECT buyer_id, currency, whole, frac FROM buyer_year
		WHERE buyer_id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return out, fmt.Errorf("agencies: totals: %w", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id, cur string
		var v sum
		if err := trows.Scan(&id, &cur, &v.whole, &v.frac); err != nil {
			return out, fmt.Errorf("agencies: totals: %w", err)
		}
		if totals[id] == nil {
			totals[id] = map[string]sum{}
		}
		totals[id][cur] = totals[id][cur].add(v)
	}
	if err := trows.Err(); err != nil {
		return out, fmt.Errorf("agencies: totals: %w", err)
	}
	for i := range out.Agencies {
		out.Agencies[i].Totals = moneyList(totals[out.Agencies[i].Party.ID])
	}
	return out, nil
}

// moneyList turns per-currency sums into Money sorted by currency.
func moneyList(m map[string]sum) []procure.Money {
	out := make([]procure.Money, 0, len(m))
	for cur, v := range m {
		out = append(out, procure.Money{Amount: v.decimal(), Currency: cur})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}

func (s *Store) loadPartyTx(ctx context.Context, tx *sql.Tx, id string) (procure.Party, partyDelta, error) {
	var p partyRow
	var c partyDelta
	err := tx.QueryRowContext(ctx, "SELECT "+partyCols+", buyer_contracts, buyer_awards, supplier_awards FROM parties WHERE id = ?", id).
		Scan(&p.id, &p.name, &p.scheme, &p.identifier, &p.legalName, &p.country, &p.address, &p.buyerType,
			&p.language, &p.additionalIDs, &p.seenAt, &c.buyerContracts, &c.buyerAwards, &c.supplierAwards)
	if err != nil {
		return procure.Party{}, c, err
	}
	return p.toParty(), c, nil
}

// Agency returns everything an agency (buyer) page shows: totals per
// currency of counted awards (refunds netted in and also listed apart),
// spending per year per currency, the top suppliers per currency, spending
// per category, spending per department (city checkbooks; refunds netted
// in, largest first per currency) and the most recent awards. Year 0 in
// ByYear means the award and its contract have no date. ErrNotFound when id
// is not a buyer.
func (s *Store) Agency(ctx context.Context, id string) (procure.AgencyDetail, error) {
	var ad procure.AgencyDetail
	tx, err := s.readTx(ctx)
	if err != nil {
		return ad, fmt.Errorf("agency %s: %w", id, err)
	}
	defer tx.Rollback()
	p, counts, err := s.loadPartyTx(ctx, tx, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && counts.buyerContracts <= 0) {
		return ad, fmt.Errorf("agency %s: %w", id, procure.ErrNotFound)
	}
	if err != nil {
		return ad, fmt.Errorf("agency %s: %w", id, err)
	}
	ad.Party = p
	ad.ContractCount = int(counts.buyerContracts)
	ad.AwardCount = int(counts.buyerAwards)
	ad.Totals, ad.ByYear, ad.TopSuppliers, ad.Categories, ad.RecentAwards =
		[]procure.Money{}, []procure.YearTotal{}, []procure.PartyTotal{}, []procure.CategoryTotal{}, []procure.AwardRow{}

	// Totals, refunds and years.
	rows, err := tx.QueryContext(ctx, `SELECT currency, year, whole, frac, cnt, refund_whole, refund_frac, refund_cnt
		FROM buyer_year WHERE buyer_id = ? ORDER BY currency, year`, id)
	if err != nil {
		return ad, fmt.Errorf("agency %s: years: %w", id, err)
	}
	totals, refunds := map[string]sum{}, map[string]sum{}
	var currencies []string
	for rows.Next() {
		var cur string
		var year int
		var v, r sum
		var cnt, rcnt int
		if err := rows.Scan(&cur, &year, &v.whole, &v.frac, &cnt, &r.whole, &r.frac, &rcnt); err != nil {
			rows.Close()
			return ad, fmt.Errorf("agency %s: years: %w", id, err)
		}
		if _, ok := totals[cur]; !ok {
			currencies = append(currencies, cur)
		}
		totals[cur] = totals[cur].add(v)
		if rcnt > 0 {
			refunds[cur] = refunds[cur].add(r)
		}
		ad.ByYear = append(ad.ByYear, procure.YearTotal{Year: year, Amount: procure.Money{Amount: v.decimal(), Currency: cur}, Count: cnt})
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return ad, fmt.Errorf("agency %s: years: %w", id, err)
	}
	ad.Totals = moneyList(totals)
	if len(refunds) > 0 {
		ad.Refunds = moneyList(refunds)
	}

	// Top suppliers per currency.
	for _, cur := range currencies {
		rows, err := tx.QueryContext(ctx, `SELECT bs.supplier_id, coalesce(p.name, ''), bs.whole, bs.frac, bs.cnt
			FROM buyer_supplier bs LEFT JOIN parties p ON p.id = bs.supplier_id
			WHERE bs.buyer_id = ? AND bs.currency = ? ORDER BY bs.whole DESC, bs.frac DESC, bs.supplier_id LIMIT ?`,
			id, cur, TopSuppliers)
		if err != nil {
			return ad, fmt.Errorf("agency %s: suppliers: %w", id, err)
		}
		pts, err := scanPartyTotals(rows, cur)
		if err != nil {
			return ad, fmt.Errorf("agency %s: suppliers: %w", id, err)
		}
		ad.TopSuppliers = append(ad.TopSuppliers, pts...)
	}

	// Categories.
	rows, err = tx.QueryContext(ctx, `SELECT category, currency, whole, frac, cnt FROM buyer_category
		WHERE buyer_id = ? ORDER BY currency, whole DESC, frac DESC, category`, id)
	if err != nil {
		return ad, fmt.Errorf("agency %s: categories: %w", id, err)
	}
	for rows.Next() {
		var ct procure.CategoryTotal
		var v sum
		if err := rows.Scan(&ct.Category, &ct.Amount.Currency, &v.whole, &v.frac, &ct.Count); err != nil {
			rows.Close()
			return ad, fmt.Errorf("agency %s: categories: %w", id, err)
		}
		ct.Amount.Amount = v.decimal()
		ad.Categories = append(ad.Categories, ct)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return ad, fmt.Errorf("agency %s: categories: %w", id, err)
	}

	// Departments (city checkbooks), largest first per currency.
	rows, err = tx.QueryContext(ctx, `SELECT department, currency, whole, frac, cnt, refund_whole, refund_frac, refund_cnt
		FROM buyer_department WHERE buyer_id = ? ORDER BY currency, whole DESC, frac DESC, department LIMIT ?`, id, MaxDepartments)
	if err != nil {
		return ad, fmt.Errorf("agency %s: departments: %w", id, err)
	}
	for rows.Next() {
		var ct procure.CategoryTotal
		var v, r sum
		var rcnt int
		if err := rows.Scan(&ct.Category, &ct.Amount.Currency, &v.whole, &v.frac, &ct.Count, &r.whole, &r.frac, &rcnt); err != nil {
			rows.Close()
			return ad, fmt.Errorf("agency %s: departments: %w", id, err)
		}
		ct.Amount.Amount = v.decimal()
		if rcnt > 0 {
			setRefunds(&ct, procure.Money{Amount: r.decimal(), Currency: ct.Amount.Currency}, rcnt)
		}
		ad.Departments = append(ad.Departments, ct)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return ad, fmt.Errorf("agency %s: departments: %w", id, err)
	}

	// Recent awards.
	rows, err = tx.QueryContext(ctx, `SELECT a.contract_id, a.seq, a.ocid, a.award_id, a.title, a.date, a.status,
		a.counted, a.value, a.currency, a.has_value, a.buyer_id, ?
		FROM awards a WHERE a.buyer_id = ? ORDER BY a.date DESC, a.contract_id DESC, a.seq DESC LIMIT ?`,
		p.Name, id, RecentAwards)
	if err != nil {
		return ad, fmt.Errorf("agency %s: awards: %w", id, err)
	}
	if ad.RecentAwards, err = scanAwardRows(ctx, tx, rows); err != nil {
		return ad, fmt.Errorf("agency %s: awards: %w", id, err)
	}
	return ad, nil
}

func scanPartyTotals(rows *sql.Rows, cur string) ([]procure.PartyTotal, error) {
	defer rows.Close()
	var out []procure.PartyTotal
	for rows.Next() {
		var pt procure.PartyTotal
		var v sum
		if err := rows.Scan(&pt.Party.ID, &pt.Party.Name, &v.whole, &v.frac, &pt.Count); err != nil {
			return nil, err
		}
		pt.Amount = procure.Money{Amount: v.decimal(), Currency: cur}
		out = append(out, pt)
	}
	return out, rows.Err()
}

type awardKey struct {
	contract int64
	seq      int
}

// scanAwardRows reads award rows (contract_id, seq, ocid, award_id, title,
// date, status, counted, value, currency, has_value, buyer id, buyer name)
// and adds each award's suppliers.
func scanAwardRows(ctx context.Context, tx *sql.Tx, rows *sql.Rows) ([]procure.AwardRow, error) {
	out := []procure.AwardRow{}
	var keys []awardKey
	contracts := map[int64]bool{}
	var cids []int64
	for rows.Next() {
		var ar procure.AwardRow
		var k awardKey
		var date sql.NullInt64
		var units int64
		if err := rows.Scan(&k.contract, &k.seq, &ar.OCID, &ar.AwardID, &ar.Title, &date, &ar.Status, &ar.Counted,
			&units, &ar.Value.Currency, &ar.HasValue, &ar.Buyer.ID, &ar.Buyer.Name); err != nil {
			rows.Close()
			return nil, err
		}
		ar.Date = fromDBTime(date)
		ar.Value.Amount = procure.DecimalFromUnits(units)
		ar.Suppliers = []procure.PartyRef{}
		out = append(out, ar)
		keys = append(keys, k)
		if !contracts[k.contract] {
			contracts[k.contract] = true
			cids = append(cids, k.contract)
		}
	}
	err := rows.Err()
	rows.Close()
	if err != nil || len(out) == 0 {
		return out, err
	}
	js, _ := json.Marshal(cids)
	srows, err := tx.QueryContext(ctx, `SELECT s.contract_id, s.seq, s.supplier_id, coalesce(p.name, '')
		FROM award_suppliers s LEFT JOIN parties p ON p.id = s.supplier_id
		WHERE s.contract_id IN (SELECT value FROM json_each(?)) ORDER BY s.contract_id, s.seq, s.supplier_id`, string(js))
	if err != nil {
		return nil, err
	}
	defer srows.Close()
	sup := map[awardKey][]procure.PartyRef{}
	for srows.Next() {
		var k awardKey
		var ref procure.PartyRef
		if err := srows.Scan(&k.contract, &k.seq, &ref.ID, &ref.Name); err != nil {
			return nil, err
		}
		sup[k] = append(sup[k], ref)
	}
	if err := srows.Err(); err != nil {
		return nil, err
	}
	for i, k := range keys {
		if refs := sup[k]; refs != nil {
			out[i].Suppliers = refs
		}
	}
	return out, nil
}

// Supplier returns everything a supplier page shows: totals per currency of
// counted awards, the buyers it sold to per currency (largest first, at most
// TopBuyers per currency), the countries and types of those buyers, and its
// most recent awards. An award with several suppliers counts in full for
// each. ErrNotFound when id has no awards as a supplier.
func (s *Store) Supplier(ctx context.Context, id string) (procure.SupplierDetail, error) {
	var sd procure.SupplierDetail
	tx, err := s.readTx(ctx)
	if err != nil {
		return sd, fmt.Errorf("supplier %s: %w", id, err)
	}
	defer tx.Rollback()
	p, counts, err := s.loadPartyTx(ctx, tx, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && counts.supplierAwards <= 0) {
		return sd, fmt.Errorf("supplier %s: %w", id, procure.ErrNotFound)
	}
	if err != nil {
		return sd, fmt.Errorf("supplier %s: %w", id, err)
	}
	sd.Party = p
	sd.AwardCount = int(counts.supplierAwards)
	sd.Totals, sd.ByBuyer, sd.Countries, sd.BuyerTypes = []procure.Money{}, []procure.PartyTotal{}, []string{}, []procure.BuyerType{}

	rows, err := tx.QueryContext(ctx, `SELECT currency, whole, frac FROM supplier_total WHERE supplier_id = ? ORDER BY currency`, id)
	if err != nil {
		return sd, fmt.Errorf("supplier %s: totals: %w", id, err)
	}
	var currencies []string
	for rows.Next() {
		var m procure.Money
		var v sum
		if err := rows.Scan(&m.Currency, &v.whole, &v.frac); err != nil {
			rows.Close()
			return sd, fmt.Errorf("supplier %s: totals: %w", id, err)
		}
		m.Amount = v.decimal()
		sd.Totals = append(sd.Totals, m)
		currencies = append(currencies, m.Currency)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return sd, fmt.Errorf("supplier %s: totals: %w", id, err)
	}
	for _, cur := range currencies {
		rows, err := tx.QueryContext(ctx, `SELECT bs.buyer_id, coalesce(p.name, ''), bs.whole, bs.frac, bs.cnt
			FROM buyer_supplier bs LEFT JOIN parties p ON p.id = bs.buyer_id
			WHERE bs.supplier_id = ? AND bs.currency = ? ORDER BY bs.whole DESC, bs.frac DESC, bs.buyer_id LIMIT ?`,
			id, cur, TopBuyers)
		if err != nil {
			return sd, fmt.Errorf("supplier %s: buyers: %w", id, err)
		}
		pts, err := scanPartyTotals(rows, cur)
		if err != nil {
			return sd, fmt.Errorf("supplier %s: buyers: %w", id, err)
		}
		sd.ByBuyer = append(sd.ByBuyer, pts...)
	}

	rows, err = tx.QueryContext(ctx, `SELECT country, buyer_type FROM supplier_market WHERE supplier_id = ?`, id)
	if err != nil {
		return sd, fmt.Errorf("supplier %s: markets: %w", id, err)
	}
	countries, types := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var c, t string
		if err := rows.Scan(&c, &t); err != nil {
			rows.Close()
			return sd, fmt.Errorf("supplier %s: markets: %w", id, err)
		}
		countries[c], types[t] = true, true
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return sd, fmt.Errorf("supplier %s: markets: %w", id, err)
	}
	for c := range countries {
		if c != "" {
			sd.Countries = append(sd.Countries, c)
		}
	}
	sort.Strings(sd.Countries)
	for _, t := range procure.BuyerTypes {
		if types[string(t)] {
			sd.BuyerTypes = append(sd.BuyerTypes, t)
		}
	}

	rows, err = tx.QueryContext(ctx, `SELECT a.contract_id, a.seq, a.ocid, a.award_id, a.title, a.date, a.status,
		a.counted, a.value, a.currency, a.has_value, a.buyer_id, coalesce(p.name, '')
		FROM award_suppliers s JOIN awards a ON a.contract_id = s.contract_id AND a.seq = s.seq
		LEFT JOIN parties p ON p.id = a.buyer_id
		WHERE s.supplier_id = ? ORDER BY s.date DESC, s.contract_id DESC, s.seq DESC LIMIT ?`, id, SupplierAwards)
	if err != nil {
		return sd, fmt.Errorf("supplier %s: awards: %w", id, err)
	}
	if sd.Awards, err = scanAwardRows(ctx, tx, rows); err != nil {
		return sd, fmt.Errorf("supplier %s: awards: %w", id, err)
	}
	return sd, nil
}

// PartyNames returns the current names of the given party IDs (for facet
// labels); unknown IDs are absent from the map.
func (s *Store) PartyNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, name FROM parties WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, fmt.Errorf("party names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("party names: %w", err)
		}
		out[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("party names: %w", err)
	}
	return out, nil
}

// PartyName is one name a party was published under.
type PartyName struct {
	Name      string    `json:"name"`
	Contracts int       `json:"contracts"` // current contracts using this name
	LastSeen  time.Time `json:"lastSeen"`
}

// OtherNames returns every name party id was published under, most used
// first (the party's current name included).
func (s *Store) OtherNames(ctx context.Context, id string) ([]PartyName, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, contracts, last_seen FROM party_names WHERE party_id = ?
		ORDER BY contracts DESC, last_seen DESC, name`, id)
	if err != nil {
		return nil, fmt.Errorf("names of %s: %w", id, err)
	}
	defer rows.Close()
	out := []PartyName{}
	for rows.Next() {
		var n PartyName
		var last int64
		if err := rows.Scan(&n.Name, &n.Contracts, &last); err != nil {
			return nil, fmt.Errorf("names of %s: %w", id, err)
		}
		if last != 0 {
			n.LastSeen = time.UnixMicro(last).UTC()
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("names of %s: %w", id, err)
	}
	return out, nil
}

// SourceCount is what one source contributed.
type SourceCount struct {
	Contracts int // contracts last changed by the source
	Releases  int // current releases received from the source
}

// SourceCounts returns the contracts and releases per source.
func (s *Store) SourceCounts(ctx context.Context) (map[string]SourceCount, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT source, contracts, releases FROM source_total")
	if err != nil {
		return nil, fmt.Errorf("source counts: %w", err)
	}
	defer rows.Close()
	out := map[string]SourceCount{}
	for rows.Next() {
		var src string
		var c SourceCount
		if err := rows.Scan(&src, &c.Contracts, &c.Releases); err != nil {
			return nil, fmt.Errorf("source counts: %w", err)
		}
		out[src] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("source counts: %w", err)
	}
	return out, nil
}

// Meta keys with a meaning to the store.
const (
	MetaDemo     = "demo"       // "1" when the data is generated demonstration data
	MetaDataAsOf = "data-as-of" // RFC 3339; overrides the newest successful run in Stats
)

// Stats returns the headline figures of the home page, all from
// precomputed counters (constant time at any size).
func (s *Store) Stats(ctx context.Context) (procure.Stats, error) {
	var st procure.Stats
	tx, err := s.readTx(ctx)
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT name, value FROM counters")
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	for rows.Next() {
		var name string
		var v int
		if err := rows.Scan(&name, &v); err != nil {
			rows.Close()
			return st, fmt.Errorf("stats: %w", err)
		}
		switch name {
		case "contracts":
			st.Contracts = v
		case "awards":
			st.Awards = v
		case "releases":
			st.Releases = v
		case "buyers":
			st.Buyers = v
		case "suppliers":
			st.Suppliers = v
		}
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return st, fmt.Errorf("stats: %w", err)
	}
	st.Totals = []procure.Money{}
	rows, err = tx.QueryContext(ctx, "SELECT currency, whole, frac FROM currency_total ORDER BY currency")
	if err != nil {
		return st, fmt.Errorf("stats: totals: %w", err)
	}
	for rows.Next() {
		var m procure.Money
		var v sum
		if err := rows.Scan(&m.Currency, &v.whole, &v.frac); err != nil {
			rows.Close()
			return st, fmt.Errorf("stats: totals: %w", err)
		}
		m.Amount = v.decimal()
		st.Totals = append(st.Totals, m)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return st, fmt.Errorf("stats: totals: %w", err)
	}
	byType := map[string]int{}
	rows, err = tx.QueryContext(ctx, "SELECT buyer_type, contracts FROM buyer_type_total")
	if err != nil {
		return st, fmt.Errorf("stats: buyer types: %w", err)
	}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			rows.Close()
			return st, fmt.Errorf("stats: buyer types: %w", err)
		}
		byType[t] = n
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return st, fmt.Errorf("stats: buyer types: %w", err)
	}
	for _, t := range procure.BuyerTypes {
		st.ByBuyerType = append(st.ByBuyerType, procure.BuyerTypeCount{BuyerType: t, Contracts: byType[string(t)]})
	}
	meta := map[string]string{}
	rows, err = tx.QueryContext(ctx, "SELECT key, value FROM meta WHERE key IN (?, ?)", MetaDemo, MetaDataAsOf)
	if err != nil {
		return st, fmt.Errorf("stats: meta: %w", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return st, fmt.Errorf("stats: meta: %w", err)
		}
		meta[k] = v
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return st, fmt.Errorf("stats: meta: %w", err)
	}
	st.Demo = meta[MetaDemo] == "1"
	if t, err := time.Parse(time.RFC3339Nano, meta[MetaDataAsOf]); err == nil {
		st.DataAsOf = t
	} else {
		var fin sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(finished) FROM import_runs
			WHERE status IN ('ok', 'partial', 'not-modified')`).Scan(&fin); err != nil {
			return st, fmt.Errorf("stats: data as of: %w", err)
		}
		st.DataAsOf = fromDBTime(fin)
	}
	return st, nil
}

// State returns the opaque fetch state of source (nil when none).
func (s *Store) State(ctx context.Context, source string) ([]byte, error) {
	var b []byte
	err := s.r.QueryRowContext(ctx, "SELECT state FROM source_state WHERE source = ?", source).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state of %s: %w", source, err)
	}
	return b, nil
}

// SetState replaces the fetch state of source (nil deletes it). Writer only.
func (s *Store) SetState(ctx context.Context, source string, state []byte) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	if state == nil {
		_, err = w.ExecContext(ctx, "DELETE FROM source_state WHERE source = ?", source)
	} else {
		_, err = w.ExecContext(ctx, `INSERT INTO source_state (source, state, updated) VALUES (?, ?, ?)
			ON CONFLICT (source) DO UPDATE SET state = excluded.state, updated = excluded.updated`,
			source, state, time.Now().UnixMicro())
	}
	if err != nil {
		return fmt.Errorf("set state of %s: %w", source, err)
	}
	return nil
}

// Meta returns the value of a meta key ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta sets a meta key; "" deletes it. Writer only.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	if value == "" {
		_, err = w.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", key)
	} else {
		_, err = w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	return nil
}

// setRefunds records the refunds and credits netted into a department's
// total.
func setRefunds(ct *procure.CategoryTotal, m procure.Money, n int) { ct.Refunds, ct.RefundCount = m, n }
