package store

import (
	"encoding/json"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/tenderlens/tenderlens/data/procure"
)

// partyRow is a party's stored details. Address and additional IDs are
// JSON text ("" when unknown) so that rows compare with ==.
type partyRow struct {
	id, name, scheme, identifier, legalName, country, address, buyerType, language, additionalIDs string
	seenAt                                                                                        int64
}

func partyFrom(p procure.Party, at int64) *partyRow {
	r := &partyRow{
		id: p.ID, name: strings.TrimSpace(p.Name), scheme: p.Scheme, identifier: p.Identifier,
		legalName: strings.TrimSpace(p.LegalName), country: p.Country, language: p.Language, seenAt: at,
	}
	if p.BuyerType != "" {
		r.buyerType = buyerTypeOf(p.BuyerType)
	}
	if p.Address != (procure.Address{}) {
		if b, err := json.Marshal(p.Address); err == nil {
			r.address = string(b)
		}
	}
	if len(p.AdditionalIDs) > 0 {
		if b, err := json.Marshal(p.AdditionalIDs); err == nil {
			r.additionalIDs = string(b)
		}
	}
	return r
}

// merge folds newer information into p: a non-empty value wins when p has
// none or when it was seen at least as recently; an empty value never erases.
func (p *partyRow) merge(in *partyRow) {
	newer := in.seenAt >= p.seenAt
	set := func(dst *string, v string) {
		if v != "" && (*dst == "" || newer) {
			*dst = v
		}
	}
	set(&p.name, in.name)
	set(&p.scheme, in.scheme)
	set(&p.identifier, in.identifier)
	set(&p.legalName, in.legalName)
	set(&p.country, in.country)
	set(&p.address, in.address)
	set(&p.buyerType, in.buyerType)
	set(&p.language, in.language)
	set(&p.additionalIDs, in.additionalIDs)
	if in.seenAt > p.seenAt {
		p.seenAt = in.seenAt
	}
}

// mergeParty records party details seen in the batch.
func (b *batch) mergeParty(p *partyRow) {
	if cur := b.parties[p.id]; cur != nil {
		cur.merge(p)
		return
	}
	cp := *p
	b.parties[p.id] = &cp
}

// fold lower-cases s, removes accents from Latin and Greek letters and
// collapses white space, so that "École  Normale" and "ecole normale"
// compare equal.
func fold(s string) string {
	var b strings.Builder
	space, latin := false, false
	for _, r := range norm.NFD.String(s) {
		switch {
		case latin && unicode.Is(unicode.Mn, r):
			// accents on Latin and Greek letters only: in other scripts marks
			// make different letters (Cyrillic й, Japanese が)
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		latin = unicode.In(r, unicode.Latin, unicode.Greek)
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

// sortKey orders parties in lists: the folded name, else the folded ID.
func sortKey(id, name string) string {
	if k := fold(name); k != "" {
		return k
	}
	return fold(id)
}

// searchKey is what the name filter of the agencies list matches.
func searchKey(id, name, legal string) string {
	return fold(name) + "\x1f" + fold(legal) + "\x1f" + fold(id)
}

// toParty converts a stored row.
func (p *partyRow) toParty() procure.Party {
	out := procure.Party{
		ID: p.id, Name: p.name, Scheme: p.scheme, Identifier: p.identifier, LegalName: p.legalName,
		Country: p.country, BuyerType: procure.BuyerType(p.buyerType), Language: p.language,
	}
	if p.address != "" {
		_ = json.Unmarshal([]byte(p.address), &out.Address)
	}
	if p.additionalIDs != "" {
		_ = json.Unmarshal([]byte(p.additionalIDs), &out.AdditionalIDs)
	}
	return out
}
