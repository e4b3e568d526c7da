// Package procure is the domain vocabulary of Tenderlens: contracting
// processes, awards, parties, money, search requests and the read models the
// public pages show. It uses only the standard library so every other package
// can depend on it.
package procure
