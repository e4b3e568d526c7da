package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

// TestReadsDuringWriteTransaction holds an import transaction open (the
// compile callback blocks inside it) and checks that every read method
// answers promptly with the last committed state.
func TestReadsDuringWriteTransaction(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	buyer := &tParty{"B", "Buyer"}
	aw := []tAward{{ID: "1", Status: "active", Amount: "10", Currency: "EUR", Suppliers: []tParty{{"S", "Sup"}}}}
	apply(t, s, src(t, tRelease{OCID: "old", ID: "1", Date: day(2020, 1, 1), Title: "Old", Buyer: buyer, Awards: aw}, "f"))

	inTx, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		compile := func(ocid string, r []procure.SourceRelease) (procure.Compiled, error) {
			close(inTx)
			<-release
			return fakeCompile(ocid, r)
		}
		_, err := s.ApplyBatch(ctx, 0, []procure.SourceRelease{src(t, tRelease{OCID: "new", ID: "1", Date: day(2021, 1, 1),
			Title: "New", Buyer: buyer, Awards: aw}, "f")}, compile)
		done <- err
	}()
	<-inTx

	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	start := time.Now()
	reads := map[string]func() error{
		"Contract": func() error { _, err := s.Contract(rctx, "old"); return err },
		"Release":  func() error { _, err := s.Release(rctx, "old", "1"); return err },
		"Agency": func() error {
			a, err := s.Agency(rctx, "B")
			if err == nil && a.ContractCount != 1 {
				err = fmt.Errorf("sees uncommitted data: %d contracts", a.ContractCount)
			}
			return err
		},
		"Agencies": func() error { _, err := s.Agencies(rctx, procure.PageRequest{}); return err },
		"Supplier": func() error { _, err := s.Supplier(rctx, "S"); return err },
		"Stats": func() error {
			st, err := s.Stats(rctx)
			if err == nil && st.Contracts != 1 {
				err = fmt.Errorf("sees uncommitted data: %d contracts", st.Contracts)
			}
			return err
		},
		"Ping":         func() error { return s.Ping(rctx) },
		"Runs":         func() error { _, err := s.Runs(rctx, "", 10); return err },
		"Dirty":        func() error { _, err := s.DirtyContracts(rctx, 10); return err },
		"EachContract": func() error { return s.EachContract(rctx, func(procure.Contract) error { return nil }) },
		"Verify":       func() error { return s.Verify(rctx) },
	}
	errs := make(chan error, len(reads))
	for name, f := range reads {
		go func() {
			if err := f(); err != nil {
				errs <- fmt.Errorf("%s during a write transaction: %w", name, err)
				return
			}
			errs <- nil
		}()
	}
	for range reads {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("reads took %v while a write transaction was open", d)
	}
	if _, err := s.Contract(rctx, "new"); err == nil {
		t.Error("uncommitted contract visible")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c, err := s.Contract(ctx, "new"); err != nil || c.Contract.Title != "New" {
		t.Errorf("after commit: %+v %v", c.Contract, err)
	}
}

// TestCrashDurability runs imports in a child process, kills it with
// SIGKILL at an arbitrary moment, and checks that every batch the child
// reported as committed is there and the database is consistent.
func TestCrashDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	for round := range 3 {
		path := filepath.Join(t.TempDir(), "crash.db")
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), "TENDERLENS_STORE_CRASH_CHILD="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		committed := -1
		target := 5 + round*7
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "committed "); ok {
				committed, _ = strconv.Atoi(n)
				if committed >= target {
					break
				}
			}
		}
		// Kill mid-batch: the child starts the next batch right away.
		time.Sleep(time.Duration(round) * 3 * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if committed < target {
			t.Fatalf("child committed only %d batches", committed)
		}

		s, err := Open(context.Background(), path, Options{})
		if err != nil {
			t.Fatalf("reopen after kill -9: %v", err)
		}
		n, _ := s.ContractCount(context.Background())
		if n < (committed+1)*crashBatch {
			t.Errorf("round %d: %d contracts after %d committed batches of %d", round, n, committed+1, crashBatch)
		}
		for b := 0; b <= committed; b++ {
			for _, i := range []int{0, crashBatch - 1} {
				if _, err := s.Contract(context.Background(), fmt.Sprintf("ocds-%05d", b*crashBatch+i)); err != nil {
					t.Errorf("round %d: batch %d reported committed but lost: %v", round, b, err)
				}
			}
		}
		if err := s.Verify(context.Background()); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		s.Close()
	}
}

const crashBatch = 100

// TestCrashChild is the child process of TestCrashDurability.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("TENDERLENS_STORE_CRASH_CHILD")
	if path == "" {
		t.Skip("helper process for TestCrashDurability")
	}
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; ; b++ {
		var rels []procure.SourceRelease
		for i := range crashBatch {
			n := b*crashBatch + i
			rels = append(rels, src(t, tRelease{OCID: fmt.Sprintf("ocds-%05d", n), ID: "1", Date: day(2020, 1, 1+n%28),
				Title: "Crash test", Buyer: &tParty{fmt.Sprintf("B%d", n%17), "Buyer"},
				Awards: []tAward{{ID: "1", Status: "active", Amount: strconv.Itoa(n), Currency: "EUR", Suppliers: []tParty{{fmt.Sprintf("S%d", n%31), "Sup"}}}}}, "f"))
		}
		if _, err := s.ApplyBatch(context.Background(), 0, rels, fakeCompile); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("committed %d\n", b)
	}
}
