package ocds

// Problem codes. They are stable: importers, the store and the import
// report pages key on them. Errors mean the record was not stored; warnings
// mean it was repaired and stored; info notes are aggregated per input.
const (
	// Errors.
	CodeInvalidJSON    = "invalid-json"        // syntax error; the rest of the input is read from the next line
	CodeNotObject      = "not-an-object"       // a release or record that is not a JSON object
	CodeTooLarge       = "release-too-large"   // over Options.MaxReleaseBytes
	CodeTooDeep        = "too-deep"            // nested deeper than the cap
	CodeMissingOCID    = "missing-ocid"        // no ocid anywhere
	CodeMissingDate    = "missing-date"        // no usable date and no package publishedDate
	CodeMissingID      = "missing-id"          // warning when derived; error when the id is not text
	CodeRecordUnusable = "record-unusable"     // a record with no release data at all
	CodeUnrecognised   = "unrecognised-object" // neither release, record nor package

	// Warnings.
	CodeEncoding              = "encoding-windows-1252"
	CodeDuplicateKey          = "duplicate-key"
	CodeRecordMissingOCID     = "record-missing-ocid"
	CodeReleaseOCIDFromRecord = "release-ocid-from-record"
	CodeNotString             = "not-text"
	CodeDateFromPublished     = "date-from-published-date"
	CodeLinkedNotFetched      = "linked-releases-not-fetched"
	CodeCompiledUsed          = "compiled-release-used"
	CodeLateMetadata          = "package-metadata-late"
	CodeMongoID               = "mongodb-id-removed"
	CodeTrimmed               = "padded-strings-trimmed"
	CodeTagNotArray           = "tag-not-array"
	CodeNotArray              = "object-not-array"
	CodeArrayNotObject        = "array-not-object"
	CodeSuppliersLifted       = "suppliers-lifted-from-items"
	CodeAwardFields           = "award-fields-mapped"
	CodeNameFromLegalName     = "name-from-legal-name"
	CodePartyCopiesDiffer     = "party-copies-differ"
	CodeSchemeMapped          = "identifier-scheme-mapped"
	CodeSchemeCorrected       = "identifier-scheme-corrected"
	CodeIdentifierFromID      = "identifier-from-party-id"
	CodeLanguage              = "language-code-corrected"
	CodeNullAmount            = "null-amount"

	// Info notes (SevInfo, one per code and input).
	CodeInputEncoding    = "input-encoding"
	CodePackageInfo      = "package-info-used"
	CodeValidationErrors = "validation-errors-removed"
	CodeReleaseVersion   = "release-version-field"
	CodePagination       = "pagination-field-ignored"
	CodeEmptyPackage     = "empty-package"
	CodeCompiledInput    = "compiled-release-input"
	CodeUpgraded         = "upgraded-from-1.0"

	// Compile problems (in procure.Compiled.Problems).
	CodeDuplicateID         = "duplicate-id"
	CodeItemsWithoutID      = "array-items-without-id"
	CodeTypeConflict        = "merge-type-conflict"
	CodeChangesTruncated    = "changes-truncated"
	CodeAmount              = "amount-unreadable"
	CodeDuplicateRelease    = "duplicate-release-id"
	CodeCompiledSuperseded  = "compiled-release-superseded"
	CodeOtherOCID           = "release-of-other-ocid"
	CodeStoredReleaseBroken = "stored-release-unreadable"
)
