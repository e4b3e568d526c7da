package datadir

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

func TestLockIsExclusiveAndReleased(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	l, err := d.Lock("test")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = d.Lock("second")
	if !errors.Is(err, procure.ErrLocked) {
		t.Fatalf("second lock: got %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "tenderlens test") {
		t.Errorf("message does not name the holder: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("refusal took %v", time.Since(start))
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := d.Lock("third")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l2.Release()
}

// TestLockAcrossProcesses checks the lock against another process (flock is
// per open file description, so this is the real case).
func TestLockAcrossProcesses(t *testing.T) {
	if os.Getenv("DATADIR_HOLD") != "" {
		l, err := Dir{Path: os.Getenv("DATADIR_HOLD")}.Lock("child")
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(30 * time.Second)
		l.Release()
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=TestLockAcrossProcesses")
	cmd.Env = append(os.Environ(), "DATADIR_HOLD="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child did not lock: %q %v", buf, err)
	}
	_, err := Dir{Path: dir}.Lock("parent")
	if !errors.Is(err, procure.ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	// The kernel released the dead child's lock.
	l, err := Dir{Path: dir}.Lock("parent")
	if err != nil {
		t.Fatalf("lock after holder died: %v", err)
	}
	l.Release()
}
