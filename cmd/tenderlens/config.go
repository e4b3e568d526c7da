package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the resolved configuration of one tenderlens process. It is read
// once from the config file, then environment variables, then flags (each
// later one wins), and handed to the components as plain structs.
type Config struct {
	// Data is the data directory (store, index, dumps).
	Data string `toml:"data"`
	// Addr is where serve listens.
	Addr string `toml:"addr"`
	// BaseURL is the public URL of the site, for canonical links and feeds.
	BaseURL string `toml:"base_url"`
	// Timezone of cron schedules (IANA name); default UTC.
	Timezone string `toml:"timezone"`
	// Demo fills an empty data directory with generated demo data.
	Demo bool `toml:"demo"`
	// SearchTimeout bounds every search.
	SearchTimeout Duration `toml:"search_timeout"`
	// DumpSchedule is when serve writes the open-data dumps (cron spec or
	// descriptor, e.g. "@daily"); empty = only with `tenderlens dump`.
	DumpSchedule string `toml:"dump_schedule"`
	// Sources are the scheduled importers.
	Sources []SourceConfig `toml:"source"`
	// AllowPrivateSources lets importers fetch from loopback and private
	// addresses. Off by default (SSRF guard); for tests and intranets.
	AllowPrivateSources bool `toml:"allow_private_sources"`
}

// SourceConfig is one scheduled source.
type SourceConfig struct {
	Name     string            `toml:"name"`
	Format   string            `toml:"format"`   // ocds (more formats in later releases)
	Location string            `toml:"location"` // http(s) URL, file or directory
	Schedule string            `toml:"schedule"` // cron spec ("0 3 * * *") or descriptor ("@every 6h"); empty = manual only
	Options  map[string]string `toml:"options"`  // fetching: since_param, max_pages, headers...
	// Parser holds the format's own settings, e.g. profile = "phoenix-checkbook"
	// or mapping = "my-city.toml" for csv.
	Parser   map[string]string `toml:"parser"`
	Timeout  Duration          `toml:"timeout"`
	MaxBytes int64             `toml:"max_bytes"`
}

// Duration is a time.Duration written as "90s" or "2m" in the config file.
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// defaultConfig is what runs with no config file at all.
func defaultConfig() Config {
	return Config{
		Data:          "tenderlens-data",
		Addr:          "127.0.0.1:8080",
		Timezone:      "UTC",
		SearchTimeout: Duration{2 * time.Second},
		DumpSchedule:  "@daily",
	}
}

// loadConfig reads path (if not empty) over the defaults, then applies the
// environment. Flags are applied by the caller.
func loadConfig(path string, env func(string) string) (Config, error) {
	cfg := defaultConfig()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("read config: %w", err)
		}
		md, err := toml.Decode(string(b), &cfg)
		if err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			keys := make([]string, len(und))
			for i, k := range und {
				keys[i] = k.String()
			}
			return cfg, fmt.Errorf("config %s: unknown settings: %s", path, strings.Join(keys, ", "))
		}
	}
	if v := env("TENDERLENS_DATA"); v != "" {
		cfg.Data = v
	}
	if v := env("TENDERLENS_ADDR"); v != "" {
		cfg.Addr = v
	}
	if v := env("TENDERLENS_BASE_URL"); v != "" {
		cfg.BaseURL = v
	}
	if v := env("TENDERLENS_DUMP_SCHEDULE"); v != "" {
		cfg.DumpSchedule = v
	}
	if v := env("TENDERLENS_DEMO"); v == "1" || v == "true" {
		cfg.Demo = true
	}
	return cfg, cfg.validate()
}

func (c *Config) validate() error {
	if c.Data == "" {
		return fmt.Errorf("config: data directory is empty")
	}
	if c.Timezone == "" {
		c.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		return fmt.Errorf("config: timezone %q: %w", c.Timezone, err)
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		if s.Name == "" {
			return fmt.Errorf("config: source #%d has no name", i+1)
		}
		if seen[s.Name] {
			return fmt.Errorf("config: source %q is listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Location == "" {
			return fmt.Errorf("config: source %q has no location", s.Name)
		}
		if s.Format == "" {
			c.Sources[i].Format = "ocds"
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return nil
}
