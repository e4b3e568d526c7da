package ocds

//go:generate go run ./internal/mergegen -schema ../../../shared/data/schema/ocds-1.1/release-schema.json -out merge_rules.go
