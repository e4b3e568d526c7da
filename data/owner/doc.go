// Package owner turns ownership, control and sanctions records into the
// risk dossier of a procurement supplier. It does no I/O: it reads through
// the small Graph interface (satisfied by data/store).
//
// Three verdicts are kept apart and never blended:
//
//  1. Legal status under each rule, three-valued (yes / possible / no):
//     the US OFAC 50 % rule (aggregate the direct shares of blocked owners;
//     an entity blocked by the rule counts with its whole stake in the
//     entities it owns, OFAC FAQ 401; ownership only, control alone does
//     not block, FAQ 398), the EU rule (more than 50 % aggregated, or
//     control) and the UK rule (more than 50 % attributed to one designated
//     person, holdings of different persons not added, or control). Each
//     is a monotone fixed point, computed twice: with the lowest shares the
//     records allow and only certain designations ("yes"), and with the
//     highest shares and every possible designation ("possible").
//  2. The effective-ownership interval of listed parties: shares multiplied
//     along each chain and added across chains, circular holdings solved
//     iteratively (e = A·e + d), on both bounds. An exposure measure, not
//     a legal test.
//  3. Soft-link evidence (officers, associates, family, shared addresses,
//     OFAC "Linked To:" remarks, FtM UnknownLink): shown as "linked to",
//     never used by the rules.
//
// Shares are intervals: exact shares [x,x], bands such as the UK PSC
// 25–50 %, unknown shares [0,100]. Several records of the same holding
// (successive filings) are intersected, never added. Links that ended
// before a date, or started after it, do not count on that date;
// listings count from their listing date. Verdicts are computed as of
// today and as of each award date: a listing after an award is a risk
// today, not a breach at the time of the award.
//
// Hops into records whose owners are hidden (BODS unspecified owners,
// UK PSC statements, anonymous entities, jurisdictions that publish no
// owners) are marked opaque, not treated as dead ends, and listed under
// "what is unknown".
package owner
