package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tenderlens/tenderlens/data/procure"
)

// xssPayloads are put into every text the pages print from data: names,
// titles, descriptions, snippet fragments, facet labels, document and
// source URLs, run messages, currency codes in charts.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`'><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	" JaVaScRiPt:alert(document.cookie)",
	"java\tscript:alert(1)",
	`</script><script>alert(1)</script>`,
	`</title><script>alert(1)</script>`,
	`</textarea><script>alert(1)</script>`,
	`<svg><script>alert(1)</script></svg>`,
	`<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">X</text></a></svg>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<a href="javascript:alert(1)">click</a>`,
	`<iframe src="//evil.example"></iframe>`,
	`<style>*{display:none}</style>`,
	`" style="background:url(javascript:alert(1))`,
	`<mark>fake highlight</mark>`,
	`<!-- comment`,
	`<![CDATA[x]]>`,
	`{{.Meta}}`,
	"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"\u202eevil.exe\u202c",
	"\u2067rtl\u2069 \u200fmark",
	"zero\u200dwidth\u200bjoiner",
	"<img src=x onerror=alert(1)//",
	"\"onmouseover=\"alert(1)",
}

// allowedElements is our markup: nothing else may appear in a page.
var allowedElements = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "link": true, "body": true,
	"a": true, "div": true, "span": true, "strong": true, "em": true, "p": true, "br": true, "code": true, "time": true,
	"header": true, "nav": true, "main": true, "footer": true, "section": true, "aside": true,
	"h1": true, "h2": true, "h3": true, "ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"form": true, "label": true, "input": true, "button": true, "select": true, "option": true, "fieldset": true, "legend": true,
	"details": true, "summary": true, "mark": true,
	"table": true, "caption": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"figure": true, "figcaption": true,
	"svg": true, "desc": true, "line": true, "text": true, "rect": true,
}

var allowedAttrs = map[string]bool{
	"class": true, "id": true, "href": true, "rel": true, "lang": true, "dir": true, "role": true, "tabindex": true,
	"name": true, "content": true, "charset": true, "type": true, "title": true,
	"action": true, "method": true, "for": true, "value": true, "maxlength": true, "autocomplete": true, "spellcheck": true,
	"selected": true, "size": true, "inputmode": true, "open": true, "datetime": true, "scope": true,
	"aria-current": true, "aria-label": true, "aria-labelledby": true, "aria-describedby": true, "aria-hidden": true,
	"data-year": true, "data-amount": true, "data-currency": true, "data-chart": true,
	"width": true, "height": true, "viewbox": true, "xmlns": true, "x": true, "y": true, "x1": true, "x2": true, "y1": true, "y2": true,
	"dy": true, "text-anchor": true, "font-size": true, "fill": true, "stroke": true, "stroke-width": true,
}

func xssText(payload string) func(string) string {
	return func(kind string) string {
		switch kind {
		case "docurl", "srcurl":
			return payload
		}
		return kind + " " + payload
	}
}

func TestXSSCorpus(t *testing.T) {
	for _, payload := range xssPayloads {
		f := newFakeData(xssText(payload))
		// the payload as a currency code in a chart, and as languages
		ag := f.agencies[testBuyerID]
		ag.ByYear = append(ag.ByYear, procure.YearTotal{Year: 2020, Amount: procure.Money{Amount: dec("7"), Currency: payload}, Count: 1})
		ag.Party.Language = payload
		f.agencies[testBuyerID] = ag
		for i := range f.results.Hits {
			f.results.Hits[i].Language = payload
		}
		app := newTestApp(t, f, func(c *Config, _ *Deps) { c.Demo = true })
		targets := append(append([]string{}, htmlRoutes...),
			"/search?q=x&supplier="+testSupplier+"&buyer=GB-COH-99999999&cursor=a",
			"/contracts/missing",
			"/sources/"+url.PathEscape(xssText(payload)("sourcename"))+"/runs/7",
		)
		for _, target := range targets {
			r := do(t, app, http.MethodGet, target)
			checkSafeHTML(t, payload, target, r.body)
		}
		// the payload is shown as text, not dropped
		r := do(t, app, http.MethodGet, "/contracts/"+escOCID)
		doc := parseHTML(t, r.body)
		visible := strings.Join(strings.Fields(textOf(doc)), " ")
		if want := strings.Join(strings.Fields(payload), " "); !strings.Contains(visible, want) {
			t.Errorf("payload %q is not shown as text on the contract page", payload)
		}
	}
}

func checkSafeHTML(t *testing.T, payload, target, body string) {
	t.Helper()
	doc := parseHTML(t, body)
	walk(doc, func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if n.Data == "script" {
				// Only JSON-LD data blocks: type application/ld+json and a
				// body that is valid JSON (html/template escapes < > & in it).
				if typ, _ := attr(n, "type"); typ != "application/ld+json" || len(n.Attr) != 1 {
					t.Errorf("payload %q, %s: <script> that is not a JSON-LD block: %v", payload, target, n.Attr)
				}
				var text strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					text.WriteString(c.Data)
				}
				if !json.Valid([]byte(text.String())) {
					t.Errorf("payload %q, %s: JSON-LD block is not valid JSON: %s", payload, target, text.String())
				}
				if strings.Contains(strings.ToLower(text.String()), "</script") {
					t.Errorf("payload %q, %s: JSON-LD block contains </script", payload, target)
				}
				return
			}
			if !allowedElements[n.Data] || n.Namespace == "math" {
				t.Errorf("payload %q, %s: element <%s> (ns %q) outside the allow-list", payload, target, n.Data, n.Namespace)
			}
			if n.Data == "mark" && !ancestorWith(n, func(p *html.Node) bool { return hasClass(p, "snippet") }) {
				t.Errorf("payload %q, %s: <mark> outside a snippet", payload, target)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if !allowedAttrs[key] || a.Namespace != "" {
					t.Errorf("payload %q, %s: attribute %s=%q on <%s> outside the allow-list", payload, target, a.Key, a.Val, n.Data)
				}
				if key == "href" || key == "action" {
					v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
					if !(strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") || strings.HasPrefix(v, "#") ||
						strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://")) {
						t.Errorf("payload %q, %s: unsafe %s %q", payload, target, a.Key, a.Val)
					}
				}
				if key == "lang" && (strings.ContainsAny(a.Val, " <>\"'") || len(a.Val) > 35) {
					t.Errorf("payload %q, %s: lang %q from data", payload, target, a.Val)
				}
			}
		case html.TextNode:
			if n.Parent != nil && n.Parent.Data == "script" {
				return // JSON data, checked with its element; never rendered
			}
			if strings.ContainsAny(n.Data, "\u202a\u202b\u202d\u202e\u2066\u2067\u2068") {
				isolated := ancestorWith(n, func(p *html.Node) bool {
					_, ok := attr(p, "dir")
					return ok || p.Data == "code"
				})
				if n.Parent != nil && n.Parent.Data == "title" {
					t.Errorf("payload %q, %s: bidi control in the document title", payload, target)
				} else if !isolated {
					t.Errorf("payload %q, %s: bidi control in text %q not isolated by a dir attribute (in <%s>)", payload, target, n.Data, n.Parent.Data)
				}
			}
		case html.CommentNode:
			t.Errorf("payload %q, %s: comment node %q in the page", payload, target, n.Data)
		}
	})
}
