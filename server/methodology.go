package server

// methodologyPage is the view model of /methodology. The text lives in the
// template; the examples are shared with the search page.
type methodologyPage struct {
	Meta     pageMeta
	Examples []queryExample
	Limit    int
}

func (s site) buildMethodology() methodologyPage {
	p := methodologyPage{Meta: s.meta("How this portal works", "/methodology", "", "methodology"), Examples: queryExamples, Limit: 512}
	p.Meta.Description = "How the data is imported and merged, what the totals count, how buyers are classified and how to search."
	return p
}
