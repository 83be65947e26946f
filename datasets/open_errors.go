package datasets

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// ErrLocked reports that another process holds the database file; errors.Is(err, ErrLocked)
// holds for every *LockError.
var ErrLocked = errors.New("database is in use by another process")

// ErrReadOnly reports that the database file cannot be opened for writing.
var ErrReadOnly = errors.New("cannot write the database file (a read-only file or file system); nothing was changed")

// ErrDiskFull reports that a write failed for want of disk space; the transaction was rolled back.
var ErrDiskFull = errors.New("the disk is full; nothing was changed (free some space and try again)")

// diskFull wraps err in ErrDiskFull if it is DuckDB's report of a full disk.
func diskFull(err error) error {
	if err != nil && strings.Contains(err.Error(), "No space left on device") {
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return err
}

// A LockError reports that another process holds the database file Path: DuckDB allows one
// read-write process per file.
type LockError struct {
	Path string
	PID  int      // the process that holds the lock, as DuckDB names it (0 if it did not)
	Args []string // that process's command line, where the system shows it (/proc), else nil
	Err  error    // DuckDB's error
}

func (e *LockError) Error() string {
	switch {
	case e.PID == 0:
		return fmt.Sprintf("open %s: %v (is `chiso serve` running?)", e.Path, ErrLocked)
	case len(e.Args) == 0:
		return fmt.Sprintf("open %s: %v (PID %d)", e.Path, ErrLocked, e.PID)
	}
	return fmt.Sprintf("open %s: %v (PID %d: %s)", e.Path, ErrLocked, e.PID, quote(strings.Join(e.Args, " ")))
}

// Is reports whether target is ErrLocked.
func (e *LockError) Is(target error) bool { return target == ErrLocked }

func (e *LockError) Unwrap() error { return e.Err }

// lockHolder matches the process that DuckDB names in a lock conflict:
// `Conflicting lock is held in /usr/bin/chiso (PID 1234) by user …`.
var lockHolder = regexp.MustCompile(`\(PID (\d+)\)`)

// lockConflict reports whether err is DuckDB's report that another process holds the file.
func lockConflict(err error) bool {
	return strings.Contains(err.Error(), "Could not set lock") || strings.Contains(err.Error(), "Conflicting lock")
}

// newLockError builds the LockError of DuckDB's lock conflict err on path, with the holder's
// PID and, where /proc shows it, its command line.
func newLockError(path string, err error) *LockError {
	le := &LockError{Path: path, Err: err}
	m := lockHolder.FindStringSubmatch(err.Error())
	if m == nil {
		return le
	}
	le.PID, _ = strconv.Atoi(m[1])
	if b, rerr := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", le.PID)); rerr == nil && len(b) > 0 {
		le.Args = strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
	}
	return le
}
