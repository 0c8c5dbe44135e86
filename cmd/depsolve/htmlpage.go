//go:build !slim

package main

import (
	"bytes"
	"html/template"
	"sync"
)

// renderHTMLReport fills the report's page. html/template stays out of the slim build:
// linking it (and the reflection its templates call) cost that binary 2.4 MB and
// 0.13 ms at every start, for a report few runs write.
func renderHTMLReport(rep htmlReport) ([]byte, error) {
	var b bytes.Buffer
	if err := htmlPage().Execute(&b, rep); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var htmlPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>depsolve size report: {{.Installed}} installed</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:{{.Width}}px}
h1{font-size:20px;margin:0 0 4px}
.over{color:#b00020;font-weight:bold}.ok{color:#2e7d32;font-weight:bold}
svg text{font:11px system-ui,sans-serif;pointer-events:none}
svg rect{stroke:#fff;stroke-width:1}
svg g:hover rect{stroke:#222;stroke-width:2}
table{border-collapse:collapse;margin-top:16px;width:100%}
td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
li{margin-bottom:4px}
</style>
</head>
<body>
<h1>depsolve size report</h1>
<p>{{.Target}}<br>{{.Count}}: <b>{{.Installed}}</b> installed, {{.Download}} to download.
{{- if .Budget}} <span class="{{if .Over}}over{{else}}ok{{end}}">{{.Budget}}</span>{{end}}</p>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="treemap of installed sizes">
{{- range .Boxes}}
<g><title>{{.Title}}</title><rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Fill}}"/>
{{- if .Label}}<text x="{{.LabelX}}" y="{{.LabelY}}">{{.Label}}</text><text x="{{.LabelX}}" y="{{.SubY}}">{{.Sub}}</text>{{end}}</g>
{{- end}}
</svg>
<p class="legend">{{range .Legend}}<span style="background:{{.Fill}}"></span>{{.Text}}{{end}}</p>
{{- range .Notes}}
<p>{{.}}</p>
{{- end}}
{{- if .Findings}}
<h2>Findings</h2>
<ul>
{{- range .Findings}}
<li><b>{{.Bytes}}</b> <code>{{.Code}}</code>: {{.Message}}</li>
{{- end}}
</ul>
{{- end}}
<table>
<tr><th class="n">installed</th><th class="n">download</th><th>CUDA</th><th>package</th><th>file</th></tr>
{{- range .Rows}}
<tr><td class="n">{{.Installed}}</td><td class="n">{{.Download}}</td><td>{{.CUDA}}</td><td>{{.Name}} {{.Version}}</td><td>{{.File}}</td></tr>
{{- end}}
{{- range .Families}}
<tr><td class="n"><b>{{.Installed}}</b></td><td class="n">{{.Download}}</td><td>{{.CUDA}}</td><td colspan="2"><b>{{.Name}}</b></td></tr>
{{- end}}
</table>
</body>
</html>
`))
})
