package regid

import (
	"strings"

	"github.com/tenderlens/tenderlens/data/procure"
)

// Builder assembles a procure.Entity from a record, de-duplicating names,
// identifiers, countries, addresses and topics while keeping their order of
// appearance. The first name given becomes Entity.Name unless a primary name
// is given later.
type Builder struct {
	e        procure.Entity
	names    map[string]int // folded name+kind → index in e.Names
	ids      map[string]bool
	country  map[string]bool
	address  map[string]bool
	topics   map[string]bool
	primary  bool
	listings map[string]bool
}

// NewBuilder starts an entity with its ID and kind.
func NewBuilder(id string, kind procure.EntityKind) *Builder {
	return &Builder{e: procure.Entity{ID: id, Kind: kind}, names: map[string]int{}, ids: map[string]bool{},
		country: map[string]bool{}, address: map[string]bool{}, topics: map[string]bool{}, listings: map[string]bool{}}
}

// Kind returns the kind the entity has now.
func (b *Builder) Kind() procure.EntityKind { return b.e.Kind }

// SetKind changes the kind.
func (b *Builder) SetKind(k procure.EntityKind) { b.e.Kind = k }

// HasName reports whether the entity has a name.
func (b *Builder) HasName() bool { return b.e.Name != "" }

// Name adds a name of kind "primary", "alias", "weak", "former" or
// "original-script" (lang may be ""). Blank names are ignored, and a name
// already present keeps its first kind unless the new kind is primary.
func (b *Builder) Name(name, kind, lang string) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return
	}
	if kind == "" {
		kind = "alias"
	}
	key := strings.ToLower(name)
	if i, ok := b.names[key]; ok {
		if kind == "primary" && b.e.Names[i].Kind != "primary" {
			b.e.Names[i].Kind = "primary"
			if !b.primary {
				b.e.Name, b.primary = b.e.Names[i].Name, true
			}
		}
		if b.e.Names[i].Lang == "" {
			b.e.Names[i].Lang = lang
		}
		return
	}
	b.names[key] = len(b.e.Names)
	b.e.Names = append(b.e.Names, procure.EntityName{Name: name, Lang: lang, Kind: kind})
	switch {
	case kind == "primary" && !b.primary:
		b.e.Name, b.primary = name, true
	case b.e.Name == "" && kind != "weak":
		b.e.Name = name
	}
}

// Identifier adds an identifier (ignored when incomplete or present).
func (b *Builder) Identifier(id procure.Identifier) {
	q := id.Qualified()
	if q == "" || b.ids[q] {
		return
	}
	b.ids[q] = true
	b.e.Identifiers = append(b.e.Identifiers, id)
}

// Country adds a country given as a code or a name and returns its code
// ("" when unknown, and then nothing is added).
func (b *Builder) Country(c string) string {
	code := Country(c)
	if code == "" || b.country[code] {
		return code
	}
	b.country[code] = true
	b.e.Countries = append(b.e.Countries, code)
	return code
}

// Jurisdiction sets the country of registration (also added to the
// countries) and returns its code.
func (b *Builder) Jurisdiction(c string) string {
	code := b.Country(c)
	if code != "" && b.e.Jurisdiction == "" {
		b.e.Jurisdiction = code
	}
	return code
}

// Address adds one address line.
func (b *Builder) Address(a string) {
	a = strings.Join(strings.Fields(a), " ")
	a = strings.Trim(a, ", ")
	if a == "" || b.address[strings.ToLower(a)] {
		return
	}
	b.address[strings.ToLower(a)] = true
	b.e.Addresses = append(b.e.Addresses, a)
}

// Topic adds a risk topic ("sanction", "role.pep", ...).
func (b *Builder) Topic(t string) {
	t = strings.TrimSpace(t)
	if t == "" || b.topics[t] {
		return
	}
	b.topics[t] = true
	b.e.Topics = append(b.e.Topics, t)
}

// Listing adds a list entry (an entry identical in every field is added
// once).
func (b *Builder) Listing(l procure.Listing) {
	key := strings.Join([]string{l.List, l.Authority, strings.Join(l.Programs, "\x01"), l.Reference, l.ListedOn, l.EndedOn,
		l.Reason, l.Remarks, l.URL}, "\x00")
	if b.listings[key] {
		return
	}
	b.listings[key] = true
	b.e.Listings = append(b.e.Listings, l)
}

// Set gives access to the other fields (dates, opaque reason, provenance).
func (b *Builder) Set(f func(e *procure.Entity)) { f(&b.e) }

// Entity returns the entity built so far. Its Name is never empty when it
// has any name; an entity without names gets fallback as its Name.
func (b *Builder) Entity(fallback string) procure.Entity {
	e := b.e
	if e.Name == "" {
		for _, n := range e.Names {
			e.Name = n.Name
			break
		}
	}
	if e.Name == "" {
		e.Name = fallback
	}
	return e
}

// JoinAddress joins address parts with ", ", skipping blanks and the
// sanctions lists' "-0-" nulls.
func JoinAddress(parts ...string) string {
	var out []string
	for _, p := range parts {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || p == "-0-" {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ", ")
}
