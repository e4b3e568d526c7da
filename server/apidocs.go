package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The API documentation page is rendered from the OpenAPI document the API
// serves (web/api/openapi.json), on our own origin, without JavaScript.

type apiDocsPage struct {
	Meta        pageMeta
	Title       string
	Version     string
	Description string
	Ops         []apiOp
	Schemas     []apiSchema
}

type apiOp struct {
	ID, Method, Path, Summary, Description string
	Params                                 []apiParam
	Responses                              []apiResp
}

type apiParam struct {
	Name, In, Type, Description string
	Required                    bool
}

type apiResp struct {
	Code, Description, ContentType, Type, TypeID string
}

type apiSchema struct {
	Name, ID, Description string
	Props                 []apiProp
}

type apiProp struct {
	Name, Type, TypeID, Description string
	Required                        bool
}

// oaSchema is the part of a JSON Schema the page shows.
type oaSchema struct {
	Ref         string               `json:"$ref"`
	Type        any                  `json:"type"`
	Format      string               `json:"format"`
	Description string               `json:"description"`
	Items       *oaSchema            `json:"items"`
	OneOf       []oaSchema           `json:"oneOf"`
	Enum        []any                `json:"enum"`
	Properties  map[string]*oaSchema `json:"properties"`
	Required    []string             `json:"required"`
	AddProps    any                  `json:"additionalProperties"`
}

type oaDoc struct {
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	} `json:"info"`
	Paths      map[string]map[string]oaOp `json:"paths"`
	Components struct {
		Schemas   map[string]*oaSchema `json:"schemas"`
		Responses map[string]oaResp    `json:"responses"`
	} `json:"components"`
}

type oaOp struct {
	OperationID string `json:"operationId"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	Parameters  []struct {
		Name        string    `json:"name"`
		In          string    `json:"in"`
		Required    bool      `json:"required"`
		Description string    `json:"description"`
		Schema      *oaSchema `json:"schema"`
	} `json:"parameters"`
	Responses map[string]oaResp `json:"responses"`
}

type oaResp struct {
	Ref         string `json:"$ref"`
	Description string `json:"description"`
	Content     map[string]struct {
		Schema *oaSchema `json:"schema"`
	} `json:"content"`
}

// typeText describes a schema in a few words, with the schema it links to.
func typeText(s *oaSchema) (text, link string) {
	if s == nil {
		return "any", ""
	}
	if s.Ref != "" {
		name := s.Ref[strings.LastIndex(s.Ref, "/")+1:]
		return name, "schema-" + name
	}
	if len(s.OneOf) > 0 {
		var parts []string
		for i := range s.OneOf {
			t, l := typeText(&s.OneOf[i])
			if l != "" {
				link = l
			}
			parts = append(parts, t)
		}
		return strings.Join(parts, " or "), link
	}
	var t string
	switch v := s.Type.(type) {
	case string:
		t = v
	case []any:
		var parts []string
		for _, p := range v {
			parts = append(parts, fmt.Sprint(p))
		}
		t = strings.Join(parts, " or ")
	default:
		t = "any"
	}
	if strings.HasPrefix(t, "array") && s.Items != nil {
		it, l := typeText(s.Items)
		return "array of " + it + strings.TrimPrefix(t, "array"), l
	}
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		var vals []string
		for _, e := range s.Enum {
			vals = append(vals, fmt.Sprint(e))
		}
		t += ": " + strings.Join(vals, ", ")
	}
	return t, ""
}

func (s site) buildAPIDocs(spec []byte) (apiDocsPage, error) {
	var doc oaDoc
	if err := json.Unmarshal(spec, &doc); err != nil {
		return apiDocsPage{}, fmt.Errorf("api docs: %w", err)
	}
	p := apiDocsPage{Meta: s.meta("API documentation", "/api/docs", "/api/v1/openapi.json", ""),
		Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	p.Meta.Description = "How to use the Tenderlens JSON API: every route, parameter and response, from the OpenAPI description."
	paths := make([]string, 0, len(doc.Paths))
	for k := range doc.Paths {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	for _, path := range paths {
		for _, method := range []string{"get", "post", "put", "delete"} {
			op, ok := doc.Paths[path][method]
			if !ok {
				continue
			}
			o := apiOp{ID: "op-" + op.OperationID, Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description}
			for _, prm := range op.Parameters {
				t, _ := typeText(prm.Schema)
				o.Params = append(o.Params, apiParam{Name: prm.Name, In: prm.In, Type: t, Description: prm.Description, Required: prm.Required})
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, code := range codes {
				r := op.Responses[code]
				if r.Ref != "" {
					r = doc.Components.Responses[r.Ref[strings.LastIndex(r.Ref, "/")+1:]]
				}
				ar := apiResp{Code: code, Description: r.Description}
				cts := make([]string, 0, len(r.Content))
				for ct := range r.Content {
					cts = append(cts, ct)
				}
				sort.Strings(cts)
				if len(cts) > 0 {
					ar.ContentType = strings.Join(cts, ", ")
					ar.Type, ar.TypeID = typeText(r.Content[cts[0]].Schema)
				}
				o.Responses = append(o.Responses, ar)
			}
			p.Ops = append(p.Ops, o)
		}
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for k := range doc.Components.Schemas {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		sc := doc.Components.Schemas[n]
		as := apiSchema{Name: n, ID: "schema-" + n, Description: sc.Description}
		req := map[string]bool{}
		for _, r := range sc.Required {
			req[r] = true
		}
		props := make([]string, 0, len(sc.Properties))
		for k := range sc.Properties {
			props = append(props, k)
		}
		sort.Strings(props)
		for _, k := range props {
			t, l := typeText(sc.Properties[k])
			as.Props = append(as.Props, apiProp{Name: k, Type: t, TypeID: l, Description: sc.Properties[k].Description, Required: req[k]})
		}
		p.Schemas = append(p.Schemas, as)
	}
	return p, nil
}

func (s *server) serveAPIDocs(c *fiber.Ctx) error {
	p, err := s.site.buildAPIDocs(s.openAPI)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pageAPIDocs, p)
}
