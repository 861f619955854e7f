package wasmhost

import "sync"

// Level is a proxy-wasm log level.
type Level uint32

// Log levels as numbered by the ABI.
const (
	LevelTrace Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
	LevelCritical
)

var levelNames = [...]string{"trace", "debug", "info", "warn", "error", "critical"}

// String is the level's name, as ParseLevel reads it.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "level" + itoa(uint32(l))
}

// ParseLevel turns "debug" etc. into a Level.
func ParseLevel(s string) (Level, bool) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), true
		}
	}
	return 0, false
}

// LogLine is one line a plugin logged (or wrote to stdout/stderr).
type LogLine struct {
	Level Level
	Msg   string
}

// String formats the line as "[level] message".
func (l LogLine) String() string { return "[" + l.Level.String() + "] " + l.Msg }

// maxKeptLogs bounds the lines kept for inspection; older ones are dropped.
const maxKeptLogs = 10000

// Logs collects what plugins log at or above a level. Safe for concurrent use.
type Logs struct {
	mu      sync.Mutex
	level   Level
	lines   []LogLine
	dropped int
	sink    func(LogLine)
}

// NewLogs keeps lines at level and above.
func NewLogs(level Level) *Logs { return &Logs{level: level} }

// SetSink also sends every kept line to fn (e.g. to print it).
func (l *Logs) SetSink(fn func(LogLine)) {
	l.mu.Lock()
	l.sink = fn
	l.mu.Unlock()
}

func (l *Logs) add(level Level, msg string) {
	if level < l.level {
		return
	}
	line := LogLine{Level: level, Msg: msg}
	l.mu.Lock()
	if len(l.lines) == maxKeptLogs {
		copy(l.lines, l.lines[maxKeptLogs/2:])
		l.lines = l.lines[:maxKeptLogs/2]
		l.dropped += maxKeptLogs / 2
	}
	l.lines = append(l.lines, line)
	sink := l.sink
	l.mu.Unlock()
	if sink != nil {
		sink(line)
	}
}

// Len is the number of lines logged so far (kept or dropped).
func (l *Logs) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped + len(l.lines)
}

// Since returns the kept lines logged after Len returned n.
func (l *Logs) Since(n int) []LogLine {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := max(n-l.dropped, 0)
	if i > len(l.lines) {
		return nil
	}
	return append([]LogLine(nil), l.lines[i:]...)
}

// Lines returns every kept line.
func (l *Logs) Lines() []LogLine { return l.Since(0) }
