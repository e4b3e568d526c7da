// Package uslocal imports US city, school-district and police spending
// published as CSV (city "checkbooks", vendor-payment ledgers, vendor
// registers): a Mapping (TOML; built-in profiles or a file) says which
// columns hold what, and Read turns every payment row into one OCDS 1.1
// release, so search, agency and supplier pages, dumps and risk treat it
// like any OCDS data. README.md ("Importing city spending from CSV")
// documents every mapping key with a worked example.
//
// # One row, one release
//
// A checkbook row is a payment. It becomes a release with:
//
//   - buyer: the city or agency that pays (a column or a constant), party
//     roles buyer and payer;
//   - tender.procuringEntity: the department (party role procuringEntity),
//     when there is one and it differs from the buyer. The OCDS summary
//     uses it as a buyer-type hint, so a Police payment is a police
//     purchase (buyer_type=police) while the city itself stays "other";
//   - one award (status active, date = payment date, value = the amount,
//     the payee as supplier, an item with the description and the category
//     as classification "CATEGORY") and one contract for that award whose
//     implementation has one transaction: the payment itself, with payer
//     and payee.
//
// Why award + contract + transaction, not a transaction alone: the
// transaction is the faithful OCDS shape of a payment, and it is there,
// but the portal's agency, department and supplier totals add up counted
// awards. Giving every payment an award of the same value makes those
// totals equal the file's sums to the cent, which a transaction alone would
// not. The award stands for the spending decision the payment evidences;
// nothing is invented beyond the row (no tender, no contract status).
//
// Negative amounts (credits, refunds, tax adjustments, one-cent rounding
// rows) are kept as negative values in the award, contract and
// transaction. The OCDS 1.1 schema puts no minimum on Value.amount, and the
// standard says of transactions that "a negative value indicates a refund
// or correction". Agency totals are therefore net of refunds; the store
// also sums the negative amounts apart so pages show them.
//
// # The ocid recipe
//
//	tlcsv-{namespace}-{dataset}-{record}
//
// "tlcsv" (OCIDPrefix) marks releases Tenderlens made from CSV (it is not a
// registered OCDS prefix; the city did not publish these releases).
// namespace ("us.az.phoenix") and dataset ("checkbook") come from the
// mapping. record is the row's record id when the mapping has a record_id
// column (letters, digits, '.', '_' and '-' kept, anything else '_'),
// otherwise 16 base32 characters of the SHA-256 of the row's values:
// buyer, department, vendor, vendor id, amount (exact decimal), currency,
// date and time (as written, without the zone), description and category. The hash uses values, not the
// line number or the published formatting, so re-importing the file, a
// longer export of the same period, or a reformatted copy (the 2018 Phoenix
// file quotes "1,381.12" where 2017 wrote 1381.12) gives the same ocids.
//
// Identical rows are legitimate (one invoice split in equal parts). The
// n-th identical row of a file (n > 1) gets "~n" after the hash: the count
// is per file and independent of where the rows are, so a re-import, or a
// full file after its truncated first part, numbers them the same way. A
// record id seen twice in a file (a transcription error in the Chicago
// checks) is handled the same way, with a warning. The release id is the
// record part of the ocid; a changed row with the same record id is a new
// version of that release.
//
// # Provenance
//
// Every release carries the extension object "tenderlensCSV": the mapping
// name, the header, the row's cells as published, the record's text and
// the SHA-256 of its bytes, and how the vendor was found. The line number
// is not in the release (it would change the release when rows move); it is
// in SourceRelease.Location, which the store keeps with every version.
//
// # Payees and vendor resolution
//
// A vendor name is grouped by match.VendorKey (legal forms as tags, case,
// punctuation; the data/match package refines it) after cutting it to the
// mapping's truncated_at (Phoenix cuts names at 35 characters, so a full
// spelling from another export groups with the cut one). The party ID is
// procure.SlugID("tlcsv-"+namespace, key), written as the payee's
// parties[].id (a slug ID of the release's own namespace, which the OCDS
// summary takes as the portal ID): the same vendor in two files or two
// months of one city is one supplier page, and cities never share supplier
// pages. The vendor as published stays the displayed name.
//
// Private persons ("LAST, FIRST" payees: court interpreters, refund
// recipients; LooksLikePerson) are never given a supplier page or a
// searchable name: with individuals = "last-first" their payments go to one
// shared party, "Individual payee (name withheld)", and the name is
// replaced by "[withheld]" in the stored row (its SHA-256 still proves
// which row it was). Rows without a vendor go to the shared "Unknown vendor
// (see description)" party, unless a mapping rule finds a known vendor in
// the description (the Chicago police forfeiture checks have no vendor
// column; "lexis nexis" in the Purchase text names LexisNexis). Only names
// that appear as whole words are used; nothing is guessed from product
// names ("stingray" does not name its maker).
//
// A vendor register (kind = "vendors", the Chicago contractors list) holds
// no payments. Importing it stores nothing and says so; ReadVendors returns
// its vendors resolved with the same keys, for name-resolution work and
// tests.
//
// # Robustness
//
// The reader (not encoding/csv) handles UTF-8 and UTF-16 byte order marks,
// LF, CRLF and bare CR line endings, quoted cells with quotes and line
// breaks, malformed quotes (read leniently, with a warning), an unbalanced
// quote (that line is reported and reading resumes on the next one), rows
// before the header, a repeated header, short and padded rows, cells that
// are not UTF-8 (read as Windows-1252), and placeholders ("no data", "?",
// "??????", "redacted", ...) as missing values. Amounts are exact
// (ParseAmount: thousands separators, currency signs, "(12.50)"); several
// date layouts may be tried. A bad row is reported with the line it starts
// on and the reason, and the rest import.
package uslocal
