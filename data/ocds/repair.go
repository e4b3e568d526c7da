package ocds

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// repair applies every context-free repair and the OCDS 1.0 -> 1.1 upgrade
// to a release, in place. Context-dependent steps (ocid from the record,
// date from the package, derived id) happen in finalize.
func (rd *reader) repair(it *pending) {
	v := &it.v

	// Non-standard top-level fields.
	if v.del("_id") {
		it.warn(CodeMongoID, "removed a leaked database field _id", "/_id")
	}
	if pi := v.get("packageInfo"); pi != nil {
		it.own = metaFromObject(pi)
		v.del("packageInfo")
		rd.info(CodePackageInfo, "releases carry a non-standard packageInfo object; it was used as their package metadata and removed", it.loc)
	}
	if v.del("validationErrors") {
		rd.info(CodeValidationErrors, "releases carry a non-standard validationErrors field (left by an upgrade script); it was removed", it.loc)
	}
	if ver := v.get("version"); ver != nil {
		it.version = strings.TrimSpace(ver.str())
		v.del("version")
		rd.info(CodeReleaseVersion, "releases carry a non-standard version field; it was used as the declared OCDS version and removed", it.loc)
	}

	// Padded strings.
	t := trimmer{}
	t.walk(v)
	if t.count > 0 {
		it.warn(CodeTrimmed, fmt.Sprintf("trimmed leading or trailing spaces from %d text fields (first at %s)", t.count, t.first), t.first)
	}

	// Objects or strings where the schema has arrays.
	sh := shaper{it: it}
	sh.walk(v, releaseRules)

	fixAwards(it)
	namesFromLegalNames(it)
	fixIdentifiers(it)
	up := upgrader{it: it, rd: rd}
	up.run()

	if l := v.get("language"); l != nil && l.k == kString {
		if fixed, ok := languageFixes[strings.ToLower(l.s)]; ok {
			it.warn(CodeLanguage, fmt.Sprintf("language %q is not an ISO 639-1 code; used %q", l.s, fixed), "/language")
			l.s = fixed
		}
	}

	if n, first := countNullAmounts(v, nil); n > 0 {
		it.warn(CodeNullAmount, fmt.Sprintf("%d amounts are null (no amount given; in a later release a null removes an earlier amount)", n), first)
	}
}

// languageFixes maps language codes publishers get wrong to ISO 639-1.
var languageFixes = map[string]string{
	"md":  "ro", // Moldova's country code; the language is Romanian
	"mol": "ro",
	"ua":  "uk", // Ukraine's country code
	"gr":  "el",
	"cz":  "cs",
	"dk":  "da",
	"se":  "sv",
	"jp":  "ja",
	"cn":  "zh",
	"tw":  "zh",
	"kr":  "ko",
	"am":  "hy", // Armenia's country code
	"ge":  "ka",
	"rs":  "sr",
	"si":  "sl",
	"ee":  "et",
	"al":  "sq",
	"spa": "es",
	"eng": "en",
}

// ---------------------------------------------------------------------------

// trimmer trims leading and trailing white space from every string value.
type trimmer struct {
	path  []string
	count int
	first string
}

func (t *trimmer) walk(v *value) {
	for i := range v.kids {
		m := &v.kids[i]
		switch m.Val.k {
		case kString:
			s := m.Val.s
			if s == "" {
				continue
			}
			if !isSpaceByte(s[0]) && !isSpaceByte(s[len(s)-1]) {
				continue
			}
			ts := strings.TrimFunc(s, unicode.IsSpace)
			if ts == s {
				continue
			}
			m.Val.s = ts
			if t.count == 0 {
				t.first = ptr(append(t.path, t.seg(v, i))...)
			}
			t.count++
		case kObject, kArray:
			t.path = append(t.path, t.seg(v, i))
			t.walk(&m.Val)
			t.path = t.path[:len(t.path)-1]
		}
	}
}

func (t *trimmer) seg(v *value, i int) string {
	if v.k == kArray {
		return itoa(i)
	}
	return v.kids[i].Key
}

// isSpaceByte reports bytes that may start or end white space (ASCII space
// characters, and the lead/last bytes of multi-byte spaces such as U+00A0,
// U+2003, U+3000).
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c >= 0x80
}

// ---------------------------------------------------------------------------

// shaper wraps objects and literals found where the schema has an array.
type shaper struct {
	it   *pending
	path []string
}

func (s *shaper) walk(v *value, rn *ruleNode) {
	for i := range v.kids {
		m := &v.kids[i]
		crn := rn.child(m.Key)
		if crn == nil {
			continue
		}
		s.path = append(s.path, m.Key)
		val := &m.Val
		switch items := crn.itemKind(); {
		case items == itemsObject && val.k == kObject:
			s.wrap(val, "an object")
		case items == itemsLiteral && (val.k == kString || val.k == kNumber):
			s.wrap(val, "a single value")
		case items == itemsNone && crn.merge == ruleNone && len(crn.kids) > 0 && val.k == kArray:
			// An object field given as a list of objects.
			p := ptr(s.path...)
			if len(val.kids) == 1 && val.kids[0].Val.k == kObject {
				s.it.warn(CodeArrayNotObject, p+" is a one-element array, not an object; read as its element", p)
				*val = val.kids[0].Val
			} else {
				s.it.warn(CodeArrayNotObject, fmt.Sprintf("%s is an array of %d values, not an object; kept as published (it is not summarised)", p, len(val.kids)), p)
			}
		}
		switch val.k {
		case kObject:
			s.walk(val, crn)
		case kArray:
			if crn.itemKind() == itemsObject {
				for j := range val.kids {
					if val.kids[j].Val.k == kObject {
						s.path = append(s.path, itoa(j))
						s.walk(&val.kids[j].Val, crn)
						s.path = s.path[:len(s.path)-1]
					}
				}
			}
		}
		s.path = s.path[:len(s.path)-1]
	}
}

func (s *shaper) wrap(val *value, what string) {
	p := ptr(s.path...)
	code := CodeNotArray
	if p == "/tag" {
		code = CodeTagNotArray
	}
	s.it.warn(code, fmt.Sprintf("%s is %s, not an array; read as a one-element array", p, what), p)
	*val = value{k: kArray, kids: []member{{Val: *val}}}
}

// ---------------------------------------------------------------------------

// orgFields are the Organization fields copied when suppliers are lifted
// out of award items.
var orgFields = []string{"additionalIdentifiers", "address", "contactPoint", "details", "id", "identifier", "name"}

// fixAwards repairs pre-standard award shapes (Taiwan PCC): suppliers
// inside award items, and totalAwardValue/awardDate instead of
// value/date. Contract suppliers given as an object become an array.
func fixAwards(it *pending) {
	v := &it.v
	awards := v.get("awards")
	if awards.isArray() {
		for i := range awards.kids {
			a := &awards.kids[i].Val
			if !a.isObject() {
				continue
			}
			base := "/awards/" + itoa(i)
			if s := a.get("suppliers"); s == nil || (s.k == kArray && len(s.kids) == 0) {
				var lifted []member
				if items := a.get("items"); items.isArray() {
					for j := range items.kids {
						sup := items.kids[j].Val.get("suppliers")
						if sup == nil {
							continue
						}
						if sup.k == kObject {
							sup = &value{k: kArray, kids: []member{{Val: *sup}}}
						}
						for k := range sup.kids {
							o := &sup.kids[k].Val
							if !o.isObject() {
								continue
							}
							org := newObject(len(orgFields))
							for _, f := range orgFields {
								if fv := o.get(f); fv != nil {
									org.set(f, fv.clone())
								}
							}
							lifted = append(lifted, member{Val: org})
						}
					}
				}
				if len(lifted) > 0 {
					a.set("suppliers", value{k: kArray, kids: lifted})
					it.warn(CodeSuppliersLifted, fmt.Sprintf("award has no suppliers but its items list %d; used them as the award's suppliers", len(lifted)), base+"/suppliers")
				}
			}
			var used []string
			if a.get("value") == nil {
				if tv := a.get("totalAwardValue"); tv.isObject() {
					a.set("value", tv.clone())
					used = append(used, "totalAwardValue as value")
				}
			}
			if a.get("date") == nil {
				if d := a.get("awardDate"); d != nil && d.k == kString {
					a.set("date", strValue(d.s))
					used = append(used, "awardDate as date")
				}
			}
			if len(used) > 0 {
				it.warn(CodeAwardFields, "award uses non-standard fields; took "+strings.Join(used, " and "), base)
			}
		}
	}
	if contracts := v.get("contracts"); contracts.isArray() {
		for i := range contracts.kids {
			c := &contracts.kids[i].Val
			if s := c.get("suppliers"); s != nil && s.k == kObject {
				*s = value{k: kArray, kids: []member{{Val: *s}}}
				it.warn(CodeNotArray, "/contracts/"+itoa(i)+"/suppliers is an object, not an array; read as a one-element array", "/contracts/"+itoa(i)+"/suppliers")
			}
		}
	}
}

// forEachOrg calls f for every organisation object of a release: parties,
// buyer, procuring entity, tenderers, award and contract suppliers,
// transaction payers and payees.
func forEachOrg(v *value, f func(org *value, path string)) {
	each := func(arr *value, path string) {
		if !arr.isArray() {
			return
		}
		for i := range arr.kids {
			if arr.kids[i].Val.isObject() {
				f(&arr.kids[i].Val, path+"/"+itoa(i))
			}
		}
	}
	each(v.get("parties"), "/parties")
	if b := v.get("buyer"); b.isObject() {
		f(b, "/buyer")
	}
	if t := v.get("tender"); t.isObject() {
		if pe := t.get("procuringEntity"); pe.isObject() {
			f(pe, "/tender/procuringEntity")
		}
		each(t.get("tenderers"), "/tender/tenderers")
	}
	if a := v.get("awards"); a.isArray() {
		for i := range a.kids {
			each(a.kids[i].Val.get("suppliers"), "/awards/"+itoa(i)+"/suppliers")
		}
	}
	if c := v.get("contracts"); c.isArray() {
		for i := range c.kids {
			each(c.kids[i].Val.get("suppliers"), "/contracts/"+itoa(i)+"/suppliers")
		}
	}
}

// namesFromLegalNames gives organisations without a name the legal name
// of their identifier.
func namesFromLegalNames(it *pending) {
	n, first := 0, ""
	forEachOrg(&it.v, func(org *value, path string) {
		if org.getStr("name") != "" {
			return
		}
		ln := org.path("identifier", "legalName").str()
		if strings.TrimSpace(ln) == "" {
			return
		}
		org.set("name", strValue(strings.TrimSpace(ln)))
		if n == 0 {
			first = path + "/name"
		}
		n++
	})
	if n > 0 {
		it.warn(CodeNameFromLegalName, fmt.Sprintf("%d organisations have no name; used their identifier's legalName", n), first)
	}
}

// ---------------------------------------------------------------------------
// OCDS 1.0 -> 1.1 upgrade (after ocdskit's upgrade.py).

type upgrader struct {
	rd       *reader
	it       *pending
	parties  *value         // the release's parties array (created on demand)
	byID     map[string]int // party id -> index
	byKey    map[string]string
	moved    int
	renamed  int
	differs  map[string]bool
	conflict []string
}

func (u *upgrader) run() {
	v := &u.it.v
	// parties is created up front (and dropped again if unused) so that no
	// later insert into the release object moves the values we point into.
	created := false
	if p := v.get("parties"); p.isArray() {
		u.parties = p
	} else if p == nil {
		u.parties = v.set("parties", value{k: kArray, kids: []member{}})
		created = true
	}
	u.index()
	defer func() {
		if created && len(u.parties.kids) == 0 {
			v.del("parties")
		}
	}()
	if b := v.get("buyer"); b.isObject() {
		u.slot(b, "buyer")
	}
	if t := v.get("tender"); t.isObject() {
		if pe := t.get("procuringEntity"); pe.isObject() {
			u.slot(pe, "procuringEntity")
		}
		u.list(t.get("tenderers"), "tenderer")
		u.amendment(t)
	}
	if a := v.get("awards"); a.isArray() {
		for i := range a.kids {
			aw := &a.kids[i].Val
			if aw.isObject() {
				u.list(aw.get("suppliers"), "supplier")
				u.amendment(aw)
			}
		}
	}
	if c := v.get("contracts"); c.isArray() {
		for i := range c.kids {
			ct := &c.kids[i].Val
			if !ct.isObject() {
				continue
			}
			u.amendment(ct)
			if tr := ct.path("implementation", "transactions"); tr.isArray() {
				for j := range tr.kids {
					if t := &tr.kids[j].Val; t.isObject() {
						u.transaction(t)
					}
				}
			}
		}
	}
	if u.moved > 0 || u.renamed > 0 {
		u.rd.info(CodeUpgraded, "releases in the OCDS 1.0 shape were upgraded to 1.1: organisations moved into parties with roles and replaced by {id, name} references; amendment became amendments; transaction amount/providerOrganization/receiverOrganization became value/payer/payee", u.it.loc)
	}
	if len(u.conflict) > 0 {
		msg := fmt.Sprintf("%d organisations appear more than once with different details; the first copy was kept and missing fields filled from the others (%s)", len(u.conflict), strings.Join(firstN(u.conflict, 3), "; "))
		u.it.warn(CodePartyCopiesDiffer, msg, "/parties")
	}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

func (u *upgrader) index() {
	u.byID = map[string]int{}
	u.byKey = map[string]string{}
	if u.parties == nil {
		return
	}
	for i := range u.parties.kids {
		p := &u.parties.kids[i].Val
		id, ok := idKey(p)
		if !ok {
			continue
		}
		if _, dup := u.byID[id]; !dup {
			u.byID[id] = i
		}
		if k := orgKey(p); k != "" {
			if _, dup := u.byKey[k]; !dup {
				u.byKey[k] = id
			}
		}
	}
}

// isReference reports an OrganizationReference: only id and name.
func isReference(org *value) bool {
	if _, ok := idKey(org); !ok {
		return false
	}
	for _, m := range org.kids {
		if m.Key != "id" && m.Key != "name" {
			return false
		}
	}
	return true
}

func (u *upgrader) list(arr *value, role string) {
	if !arr.isArray() {
		return
	}
	seen := map[string]bool{}
	out := arr.kids[:0]
	for i := range arr.kids {
		o := &arr.kids[i].Val
		if o.isObject() {
			u.slot(o, role)
			if id, ok := idKey(o); ok {
				if seen[id] {
					continue // the same party twice in one list
				}
				seen[id] = true
			}
		}
		out = append(out, arr.kids[i])
	}
	arr.kids = out
}

// slot replaces an inline organisation by a reference, moving it into
// parties.
func (u *upgrader) slot(org *value, role string) {
	if isReference(org) || len(org.kids) == 0 {
		return
	}
	id := u.partyID(org)
	u.addParty(org, id, role)
	ref := newObject(2)
	ref.set("id", strValue(id))
	if n := org.get("name"); n != nil && n.k == kString {
		ref.set("name", *n)
	}
	*org = ref
	u.moved++
}

// partyID returns the id an inline organisation gets: its own id; else the
// id of a party already listed with the same identifier (or name when it
// has none); else "{scheme}-{id}" from its identifier; else a hash of its
// identifying fields.
func (u *upgrader) partyID(org *value) string {
	if _, ok := idKey(org); ok {
		return org.get("id").str()
	}
	if k := orgKey(org); k != "" {
		if id, ok := u.byKey[k]; ok {
			return id
		}
	}
	scheme := org.path("identifier", "scheme").str()
	ident := org.path("identifier", "id").str()
	if scheme != "" && ident != "" {
		if strings.HasPrefix(ident, scheme+"-") {
			return ident
		}
		return scheme + "-" + ident
	}
	h := sha256.New()
	for _, f := range [][]string{{"name"}, {"identifier", "scheme"}, {"identifier", "id"}, {"identifier", "legalName"},
		{"address", "streetAddress"}, {"address", "locality"}, {"address", "region"}, {"address", "postalCode"}, {"address", "countryName"}} {
		h.Write([]byte(org.path(f...).str()))
		h.Write([]byte{0})
	}
	return "org-" + hex.EncodeToString(h.Sum(nil)[:8])
}

// orgKey is how an organisation without an id is matched to a listed party:
// by identifier scheme and id, else by identifier id and name.
func orgKey(org *value) string {
	ident := org.path("identifier", "id").str()
	if ident == "" {
		if n := org.getStr("name"); n != "" && org.get("identifier") == nil {
			return "n\x00" + n
		}
		return ""
	}
	scheme := org.path("identifier", "scheme").str()
	if scheme != "" {
		return "i\x00" + scheme + "\x00" + ident
	}
	return "j\x00" + ident + "\x00" + org.getStr("name")
}

func (u *upgrader) addParty(org *value, id, role string) {
	if u.parties == nil {
		return // "parties" holds something other than an array
	}
	if i, ok := u.byID[id]; ok {
		p := &u.parties.kids[i].Val
		u.fillParty(p, org, id)
		addRole(p, role)
		return
	}
	p := org.clone()
	p.set("id", strValue(id))
	addRole(&p, role)
	u.parties.kids = append(u.parties.kids, member{Val: p})
	u.byID[id] = len(u.parties.kids) - 1
	if k := orgKey(&p); k != "" {
		if _, dup := u.byKey[k]; !dup {
			u.byKey[k] = id
		}
	}
}

// fillParty copies fields of org missing in p and notes conflicting ones.
func (u *upgrader) fillParty(p, org *value, id string) {
	for i := range org.kids {
		k := org.kids[i].Key
		if k == "id" || k == "roles" {
			continue
		}
		have := p.get(k)
		if have == nil {
			p.set(k, org.kids[i].Val.clone())
			continue
		}
		if !have.equal(&org.kids[i].Val) {
			if u.differs == nil {
				u.differs = map[string]bool{}
			}
			if !u.differs[id] {
				u.differs[id] = true
				u.conflict = append(u.conflict, fmt.Sprintf("%s differs in %s", quote(id), k))
			}
		}
	}
}

func addRole(p *value, role string) {
	roles := p.get("roles")
	if roles == nil || roles.k != kArray {
		if roles != nil && roles.k == kString {
			p.set("roles", value{k: kArray, kids: []member{{Val: strValue(roles.s)}, {Val: strValue(role)}}})
			return
		}
		p.set("roles", value{k: kArray, kids: []member{{Val: strValue(role)}}})
		return
	}
	for i := range roles.kids {
		if roles.kids[i].Val.str() == role {
			return
		}
	}
	roles.kids = append(roles.kids, member{Val: strValue(role)})
}

// amendment turns a 1.0 "amendment" object into "amendments".
func (u *upgrader) amendment(block *value) {
	a := block.get("amendment")
	if a == nil {
		return
	}
	am := a.clone()
	block.del("amendment")
	u.renamed++
	if am.k != kObject {
		return
	}
	list := block.get("amendments")
	if list == nil || list.k != kArray {
		block.set("amendments", value{k: kArray, kids: []member{{Val: am}}})
		return
	}
	for i := range list.kids {
		if list.kids[i].Val.equal(&am) {
			return
		}
	}
	list.kids = append(list.kids, member{Val: am})
}

func (u *upgrader) transaction(t *value) {
	if amt := t.get("amount"); amt != nil && t.get("value") == nil {
		t.set("value", amt.clone())
		t.del("amount")
		u.renamed++
	}
	for _, r := range [][2]string{{"providerOrganization", "payer"}, {"receiverOrganization", "payee"}} {
		old := t.get(r[0])
		if old == nil {
			continue
		}
		if t.get(r[1]) == nil && old.isObject() {
			org := newObject(2)
			org.set("identifier", old.clone())
			if ln := old.getStr("legalName"); ln != "" {
				org.set("name", strValue(ln))
			}
			id := u.partyID(&org)
			u.addParty(&org, id, r[1])
			ref := newObject(2)
			ref.set("id", strValue(id))
			if n := org.get("name"); n != nil {
				ref.set("name", *n)
			}
			t.set(r[1], ref)
			u.moved++
		}
		t.del(r[0])
		u.renamed++
	}
	for _, r := range []string{"payer", "payee"} {
		if o := t.get(r); o.isObject() {
			u.slot(o, r)
		}
	}
}

// ---------------------------------------------------------------------------
// Identifier schemes.

var (
	reEDRPOU = regexp.MustCompile(`^\d{8}$`)
	// Mexican RFC: 3 (companies) or 4 (persons) letters, YYMMDD, 3 characters.
	reRFC        = regexp.MustCompile(`^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$`)
	reSchemeCode = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9_]+)+$`)
)

// schemeTexts maps free-text scheme descriptions (folded: lower case, no
// accents) to org-id.guide codes, where the text leaves no doubt.
var schemeTexts = []struct {
	all  []string // every fragment must occur
	code string
}{
	{[]string{"registro unico de contribuyente", "paraguay"}, "PY-RUC"},
	{[]string{"registro federal de contribuyentes"}, "MX-RFC"},
	{[]string{"registro unico tributario", "colombia"}, "CO-RUT"},
	{[]string{"rol unico tributario", "chile"}, "CL-RUT"},
	{[]string{"єдрпоу"}, "UA-EDR"},
	{[]string{"єдиний державний реєстр"}, "UA-EDR"},
	{[]string{"companies house"}, "GB-COH"},
	{[]string{"charity commission"}, "GB-CHC"},
}

// fold lower-cases and strips accents.
func fold(s string) string {
	d := norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) && r != '\u0308' && r != '\u0306' { // keep Ukrainian ї/й forms readable
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

func mapSchemeText(s string) (string, bool) {
	f := fold(s)
	for _, st := range schemeTexts {
		ok := true
		for _, frag := range st.all {
			if !strings.Contains(f, frag) {
				ok = false
				break
			}
		}
		if ok {
			return st.code, true
		}
	}
	return "", false
}

// fixIdentifiers repairs organisation identifier schemes (in parties and
// in inline 1.0 organisations, before they move into parties, so that ids
// made from scheme and id use the repaired scheme): free-text schemes whose
// meaning is clear, XM-EORI used for Ukrainian EDRPOU codes, and Mexican
// RFC tax codes given only as the party id.
func fixIdentifiers(it *pending) {
	v := &it.v
	var mapped, corrected, fromID []string
	first := ""
	note := func(list *[]string, s, path string) {
		if first == "" {
			first = path
		}
		*list = append(*list, s)
	}
	ukrainian := isUkrainian(v)
	mexican := -1 // unknown until needed
	forEachOrg(v, func(p *value, base string) {
		path := base + "/identifier"
		ident := p.get("identifier")
		if ident.isObject() {
			scheme := ident.get("scheme")
			if s := scheme.str(); s != "" && !reSchemeCode.MatchString(s) {
				if code, ok := mapSchemeText(s); ok {
					note(&mapped, fmt.Sprintf("%s → %s", quote(s), code), path+"/scheme")
					scheme.k, scheme.s = kString, code
				}
			}
			if scheme.str() == "XM-EORI" && reEDRPOU.MatchString(ident.getStr("id")) && (ukrainian || isUkrainianAddress(p)) {
				note(&corrected, ident.getStr("id"), path+"/scheme")
				scheme.s = "UA-EDR"
			}
		}
		if isReference(p) && !strings.HasPrefix(base, "/parties/") {
			return // a reference: its party carries the identifier
		}
		if ident == nil || ident.k == kNull || (ident.isObject() && ident.getStr("id") == "") {
			id := p.getStr("id")
			if !reRFC.MatchString(id) {
				return
			}
			if mexican < 0 {
				mexican = 0
				if isMexican(v) {
					mexican = 1
				}
			}
			if mexican == 1 {
				ni := newObject(3)
				if ident.isObject() {
					ni = ident.clone()
				}
				ni.set("scheme", strValue("MX-RFC"))
				ni.set("id", strValue(id))
				if ni.get("legalName") == nil && p.getStr("name") != "" {
					ni.set("legalName", strValue(p.getStr("name")))
				}
				p.set("identifier", ni)
				note(&fromID, id, path)
			}
		}
	})
	if len(mapped) > 0 {
		it.warn(CodeSchemeMapped, fmt.Sprintf("%d identifier schemes were free text; mapped %s", len(mapped), strings.Join(firstN(uniq(mapped), 2), ", ")), first)
	}
	if len(corrected) > 0 {
		it.warn(CodeSchemeCorrected, fmt.Sprintf("%d identifiers use scheme XM-EORI for an 8-digit Ukrainian EDRPOU code (%s); scheme set to UA-EDR", len(corrected), strings.Join(firstN(uniq(corrected), 3), ", ")), first)
	}
	if len(fromID) > 0 {
		it.warn(CodeIdentifierFromID, fmt.Sprintf("%d parties have a Mexican RFC tax code as id but no identifier (%s); added identifier MX-RFC", len(fromID), strings.Join(firstN(uniq(fromID), 3), ", ")), first)
	}
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	out := s[:0:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func isUkrainian(v *value) bool {
	if strings.HasPrefix(strings.ToLower(v.getStr("language")), "uk") {
		return true
	}
	return strings.Contains(v.getStr("ocid"), "-UA-")
}

func isUkrainianAddress(p *value) bool {
	return countryCode(p.path("address", "countryName").str()) == "UA"
}

// isMexican reports a release with Mexican signals: a known Mexican ocid
// prefix, an MXN amount, or a party address in Mexico.
func isMexican(v *value) bool {
	ocid := strings.ToLower(v.getStr("ocid"))
	for _, p := range []string{"ocds-07smqs-", "ocds-87sd3t-", "ocds-xs1qbl-"} {
		if strings.HasPrefix(ocid, p) {
			return true
		}
	}
	found := false
	var walk func(x *value)
	walk = func(x *value) {
		for i := range x.kids {
			if found {
				return
			}
			m := &x.kids[i]
			switch {
			case m.Key == "currency" && m.Val.str() == "MXN":
				found = true
			case m.Key == "countryName" && countryCode(m.Val.str()) == "MX":
				found = true
			case m.Val.k == kObject || m.Val.k == kArray:
				walk(&m.Val)
			}
		}
	}
	walk(v)
	return found
}

// countNullAmounts counts Value objects ({amount, currency}) whose amount
// is null.
func countNullAmounts(v *value, path []string) (int, string) {
	n, first := 0, ""
	for i := range v.kids {
		m := &v.kids[i]
		seg := m.Key
		if v.k == kArray {
			seg = itoa(i)
		}
		if v.k == kObject && m.Key == "amount" && m.Val.k == kNull && v.get("currency") != nil {
			if n == 0 {
				first = ptr(append(path, "amount")...)
			}
			n++
			continue
		}
		if m.Val.k == kObject || m.Val.k == kArray {
			c, f := countNullAmounts(&m.Val, append(path, seg))
			if c > 0 && n == 0 {
				first = f
			}
			n += c
		}
	}
	return n, first
}
