//go:build ignore

// gen writes the bad-input corpus of datasets (TestBadCorpus): `cd datasets/testdata/bad &&
// go run gen.go`. Every figure in it is a TEST FIXTURE, not real data. The files that would be
// large (a 10 MB line, an XLSX zip bomb) are made by the test itself.
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"
)

const src = "TEST FIXTURE: synthetic figure - not real data"
const hdr = "province,indicator,year,value,rank,rank_of,source\n"

func row(province, year, value, rank string) string {
	return fmt.Sprintf("%s,pci,%s,%s,%s,63,%s\n", province, year, value, rank, src)
}

var good = row("Hà Nội", "2021", "64.50", "10")

func main() {
	files := map[string]string{
		// Structure.
		"empty.csv":             "",
		"bom_only.csv":          "\uFEFF",
		"blank_lines.csv":       "\n\n  \n",
		"header_only.csv":       hdr,
		"only_delimiters.csv":   ",,,,\n,,,,\n",
		"ragged_short.csv":      hdr + good + "Hải Phòng,pci,2021,60.1\n",
		"ragged_long.csv":       hdr + good + row("Hải Phòng", "2021", "60.10", "12") + "Huế,pci,2021,61,11,63,x,extra\n",
		"unclosed_quote.csv":    hdr + good + "\"Hải Phòng,pci,2021,60.10,12,63," + src + "\n",
		"cr_line_endings.csv":   strings.ReplaceAll(hdr+good+row("Hải Phòng", "2021", "60.10", "12"), "\n", "\r"),
		"duplicated_header.csv": "province,indicator,year,value,value,source\nHà Nội,pci,2021,64.5,64.5," + src + "\n",
		"dup_header_alias.csv":  "province,tỉnh,indicator,year,value,source\nHà Nội,Hà Nội,pci,2021,64.5," + src + "\n",
		"title_row.csv":         "Bảng xếp hạng PCI 2021 (TEST FIXTURE)\n" + hdr + good,
		"wide_dup_year.csv":     "province,2020,2020,source\nHà Nội,64.5,64.5," + src + "\n",
		"wide_text_cell.csv":    "province,2020,2021,source\nHà Nội,64.5,n.a.," + src + "\n",
		// Bytes and encodings.
		"nul_bytes.csv":       hdr + good + "Hải Phòng,pci,2021,60\x00.10,12,63," + src + "\n",
		"nul_header.csv":      "prov\x00ince,indicator,year,value,source\n" + "Hà Nội,pci,2021,64.5," + src + "\n",
		"mixed_encoding.csv":  hdr + good + "H\xe0 Giang,pci,2021,60.10,12,63," + src + "\n", // windows-1258 à after UTF-8
		"utf16le_bom.csv":     string(utf16LE("\uFEFF" + hdr + good)),
		"binary.csv":          "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
		"gzip.csv":            "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9\x07\x00\x86\xa6\x10\x36\x05\x00\x00\x00",
		"long_province.csv":   hdr + strings.Repeat("Hà Nội ", 2000) + ",pci,2021,64.50,10,63," + src + "\n",
		"html_as_csv.csv":     "<html><body><table><tr><td>province</td></tr></table></body></html>\n",
		"spreadsheet_err.csv": hdr + good + row("Hải Phòng", "2021", "#REF!", "12") + row("Đà Nẵng", "2021", "#DIV/0!", "13"),
		"formula_text.csv":    hdr + good + row("Hải Phòng", "2021", "=B2*2", "12"),
		// Values.
		"excel_date_year.csv":  hdr + row("Hà Nội", "44197", "64.50", "10"), // 2021-01-01 as an Excel date serial
		"date_year.csv":        hdr + row("Hà Nội", "2021-01-01", "64.50", "10"),
		"future_year.csv":      hdr + row("Hà Nội", "2099", "64.50", "10"),
		"negative_rank.csv":    hdr + row("Hà Nội", "2021", "64.50", "-3"),
		"zero_rank.csv":        hdr + row("Hà Nội", "2021", "64.50", "0"),
		"rank_fraction.csv":    hdr + row("Hà Nội", "2021", "64.50", "3.5"),
		"rank_of_below.csv":    hdr + "Hà Nội,pci,2021,64.50,10,5," + src + "\n",
		"nan_value.csv":        hdr + row("Hà Nội", "2021", "NaN", "10"),
		"inf_value.csv":        hdr + row("Hà Nội", "2021", "Infinity", "10"),
		"huge_value.csv":       hdr + row("Hà Nội", "2021", "1e400", "10"),
		"negative_value.csv":   hdr + row("Hà Nội", "2021", "-64.5", "10"),
		"empty_province.csv":   hdr + good + row("", "2021", "60.10", "12"),
		"code_three_digit.csv": hdr + row("001", "2021", "64.50", "10"),
		// Legacy and other formats under their own names.
		"legacy.xls":     string(ole2()),
		"xls_as.xlsx":    string(ole2()),
		"html_table.xls": "<html><body><table><tr><td>province</td><td>2021</td></tr></table></body></html>\n",
		"sheet.ods":      string(ods()),
		"not_zip.xlsx":   "province,indicator,year,value\n",
	}
	files["truncated.xlsx"] = string(xlsx(sheet([][]cell{texts(strings.Split(strings.TrimSpace(hdr), ",")...), texts(strings.Split(strings.TrimSpace(good), ",")...)}), nil)[:700])
	files["no_workbook.xlsx"] = string(zipOf(map[string]string{"[Content_Types].xml": contentTypes, "xl/worksheets/sheet1.xml": "<worksheet/>"}))
	files["malformed_sheet.xlsx"] = string(xlsx(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>province</t></is></c>`, nil))
	files["empty_sheet.xlsx"] = string(xlsx(sheet(nil), nil))
	header := texts("province", "indicator", "year", "value", "rank", "rank_of", "source")
	hn := func(year, value, rank cell) []cell {
		return []cell{text("Hà Nội"), text("pci"), year, value, rank, num("63"), text(src)}
	}
	files["formula_errors.xlsx"] = string(xlsx(sheet([][]cell{header,
		hn(num("2021"), cell{kind: "e", v: "#DIV/0!", f: "1/0"}, num("10")),
		{text("Hải Phòng"), text("pci"), num("2021"), cell{kind: "e", v: "#REF!", f: "#REF!*2"}, num("12"), num("63"), text(src)},
	}), nil))
	files["excel_dates.xlsx"] = string(xlsx(sheet([][]cell{header,
		hn(cell{v: "44197", style: 1}, num("64.5"), num("10")),
	}), nil))
	files["negative_rank.xlsx"] = string(xlsx(sheet([][]cell{header, hn(num("2021"), num("64.5"), num("-3"))}), nil))
	files["duplicated_header.xlsx"] = string(xlsx(sheet([][]cell{texts("province", "indicator", "year", "value", "Value", "source"),
		{text("Hà Nội"), text("pci"), num("2021"), num("64.5"), num("64.5"), text(src)}}), nil))
	files["merged_title.xlsx"] = string(xlsx(sheet([][]cell{{text("Chỉ số PCI 2021 (TEST FIXTURE)")}, header, hn(num("2021"), num("64.5"), num("10"))}), []string{"A1:G1"}))
	files["merged_header.xlsx"] = string(xlsx(sheet([][]cell{texts("province", "", "year", "value", "rank", "rank_of", "source"), hn(num("2021"), num("64.5"), num("10"))}), []string{"A1:B1"}))
	files["text_year.xlsx"] = string(xlsx(sheet([][]cell{header, hn(text("năm 2021"), num("64.5"), num("10"))}), nil))
	files["row_longer.xlsx"] = string(xlsx(sheet([][]cell{header, append(hn(num("2021"), num("64.5"), num("10")), text("extra"))}), nil))
	for name, data := range files {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

func utf16LE(s string) []byte {
	var b []byte
	for _, r := range s {
		if r > 0xFFFF {
			log.Fatal("utf16LE: outside the BMP")
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// ole2 returns the start of an OLE2 compound file: what .xls (and encrypted .xlsx) files are.
func ole2() []byte {
	b := make([]byte, 512)
	copy(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	return b
}

// ods returns a minimal OpenDocument spreadsheet: the mimetype first, stored.
func ods() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	w, _ = zw.Create("content.xml")
	w.Write([]byte(`<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`))
	zw.Close()
	return buf.Bytes()
}

type cell struct {
	kind  string // "" number, "s" inline string, "e" error
	v, f  string // value and formula
	style int    // 1: a date format
}

func num(v string) cell  { return cell{v: v} }
func text(v string) cell { return cell{kind: "s", v: v} }
func texts(vs ...string) []cell {
	out := make([]cell, len(vs))
	for i, v := range vs {
		out[i] = text(v)
	}
	return out
}

func sheet(rows [][]cell) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, i+1)
		for j, c := range r {
			ref := fmt.Sprintf("%c%d", 'A'+j, i+1)
			switch {
			case c.v == "" && c.f == "":
			case c.kind == "s":
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlEscape(c.v))
			default:
				t := ""
				if c.kind == "e" {
					t = ` t="e"`
				}
				s := ""
				if c.style > 0 {
					s = fmt.Sprintf(` s="%d"`, c.style)
				}
				f := ""
				if c.f != "" {
					f = "<f>" + xmlEscape(c.f) + "</f>"
				}
				fmt.Fprintf(&b, `<c r="%s"%s%s>%s<v>%s</v></c>`, ref, t, s, f, xmlEscape(c.v))
			}
		}
		b.WriteString("</row>")
	}
	b.WriteString("</sheetData>")
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`

// xlsx returns a workbook of one sheet, "Sheet1", whose XML is sheetXML without its closing
// tag (merged ranges and the closing tag are added here unless sheetXML is incomplete on purpose).
func xlsx(sheetXML string, merged []string) []byte {
	if strings.HasSuffix(sheetXML, "</sheetData>") {
		if len(merged) > 0 {
			sheetXML += fmt.Sprintf(`<mergeCells count="%d">`, len(merged))
			for _, m := range merged {
				sheetXML += fmt.Sprintf(`<mergeCell ref="%s"/>`, m)
			}
			sheetXML += `</mergeCells>`
		}
		sheetXML += "</worksheet>"
	}
	return zipOf(map[string]string{
		"[Content_Types].xml": contentTypes,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"xl/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`,
		"xl/worksheets/sheet1.xml": sheetXML,
	})
}

// zipOf zips files in a fixed order, with a fixed time, so that the output is reproducible.
func zipOf(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			log.Fatal(err)
		}
		w.Write([]byte(data))
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}
