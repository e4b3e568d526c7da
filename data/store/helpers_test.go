package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// The tests use a tiny stand-in for ocds.Compile: releases are a simplified
// OCDS shape (tRelease); compiling sorts them by date, lets later top-level
// values replace earlier ones and merges awards by id.

type tParty struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tAward struct {
	ID        string    `json:"id"`
	Title     string    `json:"title,omitempty"`
	Status    string    `json:"status,omitempty"`
	Date      time.Time `json:"date,omitzero"`
	Amount    string    `json:"amount,omitempty"` // "" = no value
	Currency  string    `json:"currency,omitempty"`
	Suppliers []tParty  `json:"suppliers,omitempty"`
}

type tRelease struct {
	OCID      string          `json:"ocid"`
	ID        string          `json:"id"`
	Date      time.Time       `json:"date"`
	Tag       []string        `json:"tag"`
	Title     string          `json:"title,omitempty"`
	Buyer     *tParty         `json:"buyer,omitempty"`
	BuyerType string          `json:"buyerType,omitempty"`
	Country   string          `json:"country,omitempty"`
	Category  string          `json:"category,omitempty"`
	Awards    []tAward        `json:"awards,omitempty"`
	Parties   []procure.Party `json:"parties,omitempty"`
	Fail      bool            `json:"fail,omitempty"`
	Panic     bool            `json:"panic,omitempty"`
}

// src turns a test release into a SourceRelease as data/ocds would emit it.
func src(t testing.TB, r tRelease, source string) procure.SourceRelease {
	t.Helper()
	if r.Tag == nil {
		r.Tag = []string{"award"}
	}
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	return procure.SourceRelease{
		OCID: r.OCID, ID: r.ID, Date: r.Date, Tag: r.Tag, Raw: raw, SHA256: hex.EncodeToString(sum[:]),
		Source: source, URL: "https://example.org/" + source + "/page1", RetrievedAt: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Location: procure.Location{File: "https://example.org/" + source + "/page1", Line: 1, Index: 0},
		Version:  "1.1", Package: procure.PackageMeta{Publisher: "Test publisher", License: "CC-BY-4.0"},
	}
}

var errTestCompile = errors.New("test compile failure")

// fakeCompile is the test CompileFunc.
func fakeCompile(ocid string, rels []procure.SourceRelease) (procure.Compiled, error) {
	var rs []tRelease
	for _, sr := range rels {
		var r tRelease
		if err := json.Unmarshal(sr.Raw, &r); err != nil {
			return procure.Compiled{}, err
		}
		rs = append(rs, r)
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Date.Before(rs[j].Date) })
	var m tRelease
	var awardOrder []string
	awards := map[string]tAward{}
	var changes []procure.Change
	for i, r := range rs {
		if r.Fail {
			return procure.Compiled{}, errTestCompile
		}
		if r.Panic {
			panic("test compile panic")
		}
		if r.Title != "" {
			if i > 0 && m.Title != r.Title {
				old, _ := json.Marshal(m.Title)
				nw, _ := json.Marshal(r.Title)
				changes = append(changes, procure.Change{Path: "/tender/title", ReleaseID: r.ID, Date: r.Date, Old: old, New: nw})
			}
			m.Title = r.Title
		}
		if r.Buyer != nil {
			m.Buyer = r.Buyer
		}
		if r.BuyerType != "" {
			m.BuyerType = r.BuyerType
		}
		if r.Country != "" {
			m.Country = r.Country
		}
		if r.Category != "" {
			m.Category = r.Category
		}
		if r.Parties != nil {
			m.Parties = r.Parties
		}
		for _, a := range r.Awards {
			if _, ok := awards[a.ID]; !ok {
				awardOrder = append(awardOrder, a.ID)
			}
			awards[a.ID] = a
		}
		m.Date = r.Date
	}
	m.OCID, m.ID, m.Tag = ocid, ocid+"-"+m.Date.Format(time.RFC3339), []string{"compiled"}
	for _, id := range awardOrder {
		m.Awards = append(m.Awards, awards[id])
	}
	c := procure.Contract{OCID: ocid, Title: m.Title, Country: m.Country, Category: m.Category,
		BuyerType: procure.BuyerType(m.BuyerType), Parties: m.Parties}
	if m.Buyer != nil {
		c.Buyer = procure.PartyRef{ID: m.Buyer.ID, Name: m.Buyer.Name}
	}
	seen := map[string]bool{}
	for _, a := range m.Awards {
		aw := procure.Award{ID: a.ID, Title: a.Title, Status: a.Status, Date: a.Date, Counted: procure.CountedAward(a.Status),
			Suppliers: []procure.PartyRef{}}
		if a.Amount != "" {
			d, err := procure.ParseDecimal(a.Amount)
			if err != nil {
				return procure.Compiled{}, err
			}
			aw.Value, aw.HasValue = procure.Money{Amount: d, Currency: a.Currency}, true
		}
		for _, s := range a.Suppliers {
			aw.Suppliers = append(aw.Suppliers, procure.PartyRef{ID: s.ID, Name: s.Name})
			if !seen[s.ID] {
				seen[s.ID] = true
				c.Suppliers = append(c.Suppliers, procure.PartyRef{ID: s.ID, Name: s.Name})
			}
		}
		if aw.Counted && aw.HasValue && c.Amount.Currency == "" {
			c.Amount = aw.Value
		}
		if c.Date.IsZero() && !a.Date.IsZero() {
			c.Date = a.Date
		}
		c.Awards = append(c.Awards, aw)
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return procure.Compiled{}, err
	}
	return procure.Compiled{OCID: ocid, Release: raw, Contract: c, Changes: changes}, nil
}

func openTest(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tenderlens.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func apply(t testing.TB, s *Store, rels ...procure.SourceRelease) BatchResult {
	t.Helper()
	res, err := s.ApplyBatch(context.Background(), 0, rels, fakeCompile)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func verify(t testing.TB, s *Store) {
	t.Helper()
	if err := s.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, time.UTC) }

func money(s, cur string) procure.Money {
	d, err := procure.ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return procure.Money{Amount: d, Currency: cur}
}
