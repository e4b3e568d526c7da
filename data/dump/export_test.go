package dump

// SetBeforePublish installs a hook run after a generation's files are
// written and before it is published (tests inject failures with it).
func SetBeforePublish(cfg *Config, f func(tmpDir string) error) { cfg.beforePublish = f }
