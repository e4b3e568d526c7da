package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tenderlens/tenderlens/data/procure"
)

type fileEntry struct {
	path string
	size int64
	mod  time.Time
}

// fingerprint identifies one version of a file for the "unchanged since the
// last run" check.
func (f fileEntry) fingerprint() string {
	return strconv.FormatInt(f.size, 10) + "-" + strconv.FormatInt(f.mod.UnixNano(), 10)
}

// listFiles returns the files of a location: the file itself, or every
// regular file under a directory (recursively, sorted by path, names
// starting with "." skipped, symbolic links to files followed, symbolic links
// to directories not followed).
func listFiles(location string) ([]fileEntry, error) {
	root := filepath.Clean(location)
	fi, err := os.Stat(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file or directory: %w", root, procure.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if fi.Mode().IsRegular() {
		return []fileEntry{{path: root, size: fi.Size(), mod: fi.ModTime()}}, nil
	}
	if !fi.IsDir() {
		return nil, invalidf("%s is neither a regular file nor a directory", root)
	}
	var files []fileEntry
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := os.Stat(p) // follows a symbolic link to a file
		if err != nil || !info.Mode().IsRegular() {
			return nil // dangling link, device, socket, link to a directory: not a document
		}
		files = append(files, fileEntry{path: p, size: info.Size(), mod: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("directory %s holds no files to import: %w", root, procure.ErrNotFound)
	}
	return files, nil // WalkDir visits in lexical order
}

func fetchFiles(ctx context.Context, o *options, st State, fn func(Doc) error) (State, error) {
	files, err := listFiles(o.path)
	if err != nil {
		return st, fmt.Errorf("source %s: %w", o.cfg.Name, err)
	}
	out := State{Since: st.Since, ETag: map[string]string{}, LastModified: map[string]string{}}
	read := 0
	for i, f := range files {
		fp := f.fingerprint()
		out.ETag[f.path] = fp
		out.LastModified[f.path] = f.mod.UTC().Format(http.TimeFormat)
		if o.conditional && st.ETag[f.path] == fp {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, context.Cause(ctx)
		}
		if err := readFile(o, f, i+1, fn); err != nil {
			return out, err
		}
		read++
	}
	if read == 0 {
		return out, fmt.Errorf("source %s: none of the %d files in %s changed: %w", o.cfg.Name, len(files), o.path, ErrNotModified)
	}
	return out, nil
}

func readFile(o *options, f fileEntry, n int, fn func(Doc) error) error {
	fh, err := os.Open(f.path)
	if err != nil {
		return fmt.Errorf("source %s: %w", o.cfg.Name, err)
	}
	defer fh.Close()
	r, raw, err := decode(fh, "", o, f.path)
	if err != nil {
		return fmt.Errorf("source %s: %w", o.cfg.Name, err)
	}
	if cr, ok := r.(*capReader); ok && !cr.compressed {
		// A plain file is as large as it is on disk: the cap guards
		// against what decompression or a server could make of it, so it
		// only stops a plain file that grows while it is read.
		cr.max = max(cr.max, f.size)
	}
	return fn(Doc{Body: r, URL: f.path, RetrievedAt: time.Now().UTC(), Page: n, Size: f.size, Consumed: raw.Count})
}
