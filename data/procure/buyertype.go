package procure

// ClassifyBuyer returns the buyer type of a public body from its names
// (name, legal name, department) and hints (OCDS classification
// descriptions, categories). Matching is case- and accent-insensitive and
// covers several languages. Police wins over education and health when
// several match ("School Police Department" is police).
func ClassifyBuyer(names []string, hints []string) BuyerType {
	return classifyBuyer(names, hints)
}
