package words

import (
	"strconv"
	"strings"
	"time"
)

// Text returns the words for key in lang: English when lang is "en", Vietnamese otherwise.
// An unknown key returns the key itself, so that a missing word shows rather than vanishes.
func Text(lang, key string) string {
	w, ok := table[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return w[1]
	}
	return w[0]
}

// table holds each key's words: Vietnamese first, then English. Words that a chart prints as a
// label on their own (no_data, not_published) are written as they read inside a sentence; the
// charts capitalise them.
var table = map[string][2]string{
	// Pages.
	"site":               {"chiso — chỉ số các tỉnh, thành phố", "chiso — indicators of Vietnam's provinces"},
	"overview":           {"Tổng quan", "Overview"},
	"compare":            {"So sánh", "Compare"},
	"provinces":          {"Tỉnh, thành phố", "Provinces"},
	"indicator":          {"Chỉ số", "Indicator"},
	"from":               {"Từ năm", "From"},
	"to":                 {"Đến năm", "To"},
	"show":               {"Xem", "Show"},
	"province":           {"Tỉnh, thành phố", "Province"},
	"value":              {"Giá trị", "Value"},
	"rank_of":            {"trên", "of"},
	"status":             {"Tình trạng", "Status"},
	"verified":           {"Đã kiểm chứng", "Verified"},
	"data_table":         {"Bảng số liệu", "Data table"},
	"embed":              {"Nhúng biểu đồ", "Embed this chart"},
	"download":           {"Tải về", "Download"},
	"movers":             {"Tăng, giảm hạng nhiều nhất", "Biggest movers"},
	"up":                 {"Tăng hạng", "Up"},
	"down":               {"Giảm hạng", "Down"},
	"places":             {"bậc", "places"},
	"per_year":           {"mỗi năm", "a year"},
	"ci":                 {"KTC 95%", "95% CI"},
	"faster_than":        {"nhanh hơn", "faster than"},
	"of":                 {"trên", "of"},
	"climbed":            {"tăng", "climbed"},
	"fell":               {"giảm", "fell"},
	"insufficient":       {"chưa đủ số liệu để tính xu hướng", "insufficient data for a trend"},
	"region_median":      {"Trung vị vùng", "Region median"},
	"peers":              {"Các tỉnh tương đồng", "Peers"},
	"valid":              {"Hiệu lực", "In force"},
	"predecessors":       {"Trước đây là", "Formed from"},
	"successors":         {"Sáp nhập vào", "Became part of"},
	"all_indicators":     {"Tất cả chỉ số", "All indicators"},
	"latest":             {"Năm gần nhất", "Latest year"},
	"coverage":           {"Số tỉnh có số liệu", "Provinces with a figure"},
	"provinces_hint":     {"Mã, tên hoặc tên viết tắt, cách nhau bởi dấu phẩy", "Codes, names or abbreviations, comma-separated"},
	"data_note":          {"Số liệu thật, mỗi số liệu có nguồn. Không ước tính, không nội suy.", "Real figures, each with its source. Nothing estimated or interpolated."},
	"api":                {"API và tải dữ liệu", "API and downloads"},
	"lang_other":         {"English", "Tiếng Việt"},
	"find_province":      {"Tìm tỉnh, thành phố", "Find a province"},
	"find_hint":          {"Tên, mã hoặc tên viết tắt, có dấu hoặc không", "Name, code or abbreviation, with or without accents"},
	"go":                 {"Mở", "Open"},
	"province_not_found": {"Không tìm thấy tỉnh, thành phố", "No province of that name"},
	"provinces_hint_one": {"Hãy thử tên có dấu hoặc không dấu (Cần Thơ, can tho), mã (92) hoặc tên viết tắt (HCM).", "Try a name with or without accents (Cần Thơ, can tho), a code (92) or an abbreviation (HCM)."},
	"error_heading":      {"Không hiển thị được trang này", "This page cannot be shown"},
	"error_input":        {"Lựa chọn chưa hợp lệ; hãy sửa trong biểu mẫu ở trên.", "The choice is not valid; correct it in the form above."},
	"error_detail":       {"Chi tiết (tiếng Anh, như API trả về)", "Details, as the API gives them"},
	"downloads_nav":      {"Dữ liệu và tải về", "Data and downloads"},

	// Pages and charts.
	"year":            {"Năm", "Year"},
	"rank":            {"Thứ hạng", "Rank"},
	"source":          {"Nguồn", "Source"},
	"trend":           {"Xu hướng", "Trend"},
	"became":          {"%s tồn tại đến %s; từ %s là một phần của %s.", "%s existed until %s; since %s it is part of %s."},
	"units_view":      {"Đơn vị", "Units"},
	"units_63":        {"63 tỉnh (đến 30/6/2025)", "63 provinces (to 2025-06-30)"},
	"units_34":        {"34 tỉnh (từ 1/7/2025)", "34 provinces (from 2025-07-01)"},
	"in_region":       {"trong vùng", "in the region"},
	"derived":         {"suy từ tỉnh cũ", "derived"},
	"derived_ranking": {"xếp hạng suy ra của 34 tỉnh, thành phố", "derived ranking of the 34 provinces"},
	"unverified":      {"chưa kiểm chứng", "unverified"},
	"not_published":   {"không công bố", "not published"},
	"no_data":         {"không có số liệu", "no data"},
	"method_break":    {"Đổi phương pháp", "Method change"},

	// Datasets page, downloads, versions and citations.
	"datasets":         {"Dữ liệu và tải về", "Data and downloads"},
	"dataset_version":  {"Phiên bản dữ liệu", "Dataset version"},
	"loaded_at":        {"nạp lúc", "loaded"},
	"cite_as":          {"Trích dẫn", "Cite as"},
	"licence":          {"Điều kiện sử dụng", "Terms of use"},
	"whole_dataset":    {"Toàn bộ dữ liệu", "The whole dataset"},
	"pinned_note":      {"Các liên kết dưới đây gắn với phiên bản này: tải lại tháng sau vẫn được đúng các byte ấy, khi phiên bản còn được lưu.", "The links below name this version: next month they give the same bytes, while the version is kept."},
	"versions_history": {"Lịch sử các phiên bản (JSON)", "Version history (JSON)"},
	"api_json":         {"Trang này dạng JSON", "This page as JSON"},
	"coverage_grid":    {"Độ phủ: số tỉnh có số liệu / số tỉnh; +n: số không được công bố (khác với thiếu)", "Coverage: units with a figure / units in force; +n: figures the publisher did not publish (not the same as missing)"},
	"publisher":        {"Nhà công bố", "Publisher"},
	"years":            {"Các năm", "Years"},
	"sources":          {"Nguồn", "Sources"},
	"figures":          {"số liệu", "figures"},
	"load_snippets":    {"Đọc dữ liệu bằng công cụ của bạn", "Load it in your tools"},
	"filtered_note":    {"Mọi truy vấn số liệu đều tải được: /datasets/download.{csv,json,parquet,xlsx} nhận các tham số của /api/v1/observations (indicator, provinces, from, to, units=34), thêm sources=all (mọi nguồn, mỗi nguồn một dòng) và excel=vn (CSV cho Excel tiếng Việt).", "Any observations query downloads: /datasets/download.{csv,json,parquet,xlsx} takes the parameters of /api/v1/observations (indicator, provinces, from, to, units=34), plus sources=all (every source's figure, one row each) and excel=vn (CSV for Excel set to Vietnamese)."},
	"pinned_url":       {"Địa chỉ cố định (theo phiên bản)", "Pinned URL (this version)"},
	"newer_data":       {"Đã có số liệu mới hơn (phiên bản %s)", "Newer data exists (version %s)"},
	"see_current":      {"xem bản mới nhất", "see the current chart"},
	"dl_zip":           {"ZIP (CSV, Parquet, datapackage.json, README, CITATION.cff)", "ZIP (CSV, Parquet, datapackage.json, README, CITATION.cff)"},
	"dl_csv":           {"CSV, mọi nguồn", "CSV, every source"},
	"dl_csv_vn":        {"CSV cho Excel tiếng Việt (; và dấu phẩy thập phân)", "CSV for Excel set to Vietnamese (; and decimal comma)"},
	"dl_parquet":       {"Parquet, mọi nguồn", "Parquet, every source"},
	"dl_xlsx":          {"XLSX, mọi nguồn", "XLSX, every source"},
	"dl_json":          {"JSON, mọi nguồn", "JSON, every source"},
	"dl_34":            {"CSV, 34 tỉnh, thành phố (suy từ tỉnh cũ khi cần)", "CSV, the 34 units (derived from the predecessors where needed)"},
	"dl_csv_one":       {"CSV", "CSV"},
	"dl_xlsx_one":      {"XLSX", "XLSX"},
	"dl_parquet_one":   {"Parquet", "Parquet"},

	// Charts.
	"national_median": {"Trung vị cả nước", "National median"},
	"trend_band":      {"Khoảng tin cậy 95%", "95% confidence band"},
	"rank_interval":   {"khoảng hạng 5–95%", "5–95% rank interval"},

	"radar_default":     {"mặc định: tỉnh cao nhất và thấp nhất trong số các tỉnh có đủ trụ cột", "by default: the highest and the lowest of the provinces with every pillar"},
	"radar_default_one": {"mặc định: tỉnh duy nhất có đủ trụ cột năm này", "by default: the only province with every pillar that year"},
	"aria_table":        {"Số liệu của biểu đồ ở bảng bên dưới", "The chart's figures are in the data table below"},
	"aria_csv":          {"Số liệu của biểu đồ ở liên kết bảng số liệu (CSV)", "The chart's figures are in the data table link (CSV)"},
	"embed_link":        {"bản nhúng", "embed"},
	"rank_only":         {"chỉ công bố thứ hạng", "rank only published"},
	"radar_empty":       {"không có điểm trụ cột nào năm %d", "no pillar scores in %d"},

	// Units of measure and regions as the catalogue and the registry write them (English), in
	// Vietnamese: Text(lang, "uom:"+unit), Text(lang, "region:"+region).
	"uom:index (0–1)":      {"chỉ số (0–1)", "index (0–1)"},
	"uom:% a year":         {"%/năm", "% a year"},
	"uom:points (0–100)":   {"điểm (0–100)", "points (0–100)"},
	"uom:% (0–100)":        {"% (0–100)", "% (0–100)"},
	"uom:thousand persons": {"nghìn người", "thousand persons"},
	"uom:km²":              {"km²", "km²"},
	"uom:million VND per person (current prices)": {"triệu đồng/người (giá hiện hành)", "million VND per person (current prices)"},
	"uom:points (6–60 to 2016; 8–80 from 2018)":   {"điểm (6–60 đến 2016; 8–80 từ 2018)", "points (6–60 to 2016; 8–80 from 2018)"},
	"region:Red River Delta":                      {"Đồng bằng sông Hồng", "Red River Delta"},
	"region:Northern Midlands and Mountains":      {"Trung du và miền núi phía Bắc", "Northern Midlands and Mountains"},
	"region:North Central and Central Coast":      {"Bắc Trung Bộ và duyên hải miền Trung", "North Central and Central Coast"},
	"region:Central Highlands":                    {"Tây Nguyên", "Central Highlands"},
	"region:Southeast":                            {"Đông Nam Bộ", "Southeast"},
	"region:Mekong River Delta":                   {"Đồng bằng sông Cửu Long", "Mekong River Delta"},
	"published":                                   {"đã công bố", "published"},
	"population":                                  {"Dân số (nghìn người)", "Population (thousand persons)"},
	"distance":                                    {"Khoảng cách", "Distance"},
	"peers_note":                                  {"PCI, PAPI, dân số năm %d; chuẩn hóa, khoảng cách Euclid", "PCI, PAPI, population %d; standardised, Euclidean distance"},

	"press":         {"báo chí", "press"},
	"rank_word":     {"hạng", "rank"},
	"other_sources": {"Nguồn khác", "Other sources"},
	"other_source":  {"nguồn khác", "other source"},

	"provinces_with_figures": {"%d trên %d tỉnh, thành phố có số liệu", "%d of %d provinces have figures"},
	"years_with_figures":     {"%d trên %d năm có số liệu", "%d of %d years with figures"},
	"no_figures_for":         {"không có số liệu", "no figures for"},

	"median_of": {"Trung vị cả nước (%s tỉnh)", "National median (%s provinces)"},

	"withheld_top": {"Không công bố (chỉ công bố %s tỉnh đứng đầu)", "Not published (top %s only)"},

	// The composite.
	"composite":       {"Chỉ số tổng hợp", "Composite index"},
	"composite_title": {"Chỉ số tổng hợp", "Composite index"},
	"score":           {"Điểm", "Score"},
	"median_rank":     {"Hạng trung vị", "Median rank"},
	"rank_p05":        {"Hạng 5%", "Rank 5%"},
	"rank_p95":        {"Hạng 95%", "Rank 95%"},
	"inputs":          {"Số chỉ số", "Inputs"},
	"missing":         {"Thiếu", "Missing"},
	"composite_default": {"Mặc định (như API): năm gần nhất mà ít nhất hai chỉ số về mức sẵn sàng số có số liệu cho ít nhất một nửa số tỉnh, thành phố; các chỉ số đạt điều kiện đó, trọng số bằng nhau.",
		"Defaults (as the API chooses): the latest year in which at least two digital-readiness indicators have figures for at least half of the provinces; the indicators that do, equal weights."},
	"composite_none": {"Không tỉnh, thành phố nào có đủ số liệu của các chỉ số này trong năm này (cần ít nhất hai tỉnh); hãy chọn năm hoặc chỉ số khác, hoặc tính cả tỉnh thiếu chỉ số.", "No two provinces have figures for all these indicators in this year; choose another year or other indicators, or score provinces with missing inputs."},
	"no_figure_for":  {"Không có số liệu", "No figure for"},
	"not_scored":     {"Không được tính điểm", "Not scored"},
	"weights":        {"Trọng số", "Weights"},
	"normalization":  {"Chuẩn hóa", "Normalisation"},
	"aggregation":    {"Cách gộp", "Aggregation"},
	"minmax":         {"min–max (0–100)", "min–max (0–100)"},
	"zscore":         {"điểm z", "z-score"},
	"arithmetic":     {"trung bình cộng có trọng số", "weighted arithmetic mean"},
	"geometric":      {"trung bình nhân có trọng số", "weighted geometric mean"},
	"partial":        {"Tính cả tỉnh thiếu chỉ số (chia lại trọng số)", "Score provinces with missing inputs (weights renormalised)"},
	"composite_method": {"Mỗi chỉ số được định hướng (cao hơn là tốt hơn) và chuẩn hóa trên các tỉnh có số liệu, rồi gộp theo trọng số. Khoảng hạng 5–95%: 1.000 lần rút ngẫu nhiên trọng số (phân phối Dirichlet quanh trọng số đã chọn) và cách chuẩn hóa; khoảng càng rộng, thứ hạng càng phụ thuộc vào lựa chọn trọng số.",
		"Each indicator is oriented (higher is better) and normalised over the provinces that have it, then weighted and aggregated. 5–95% rank interval: 1,000 random draws of the weights (Dirichlet around the chosen weights) and of the normalisation; the wider the interval, the more the rank depends on the choice of weights."},
	"api_docs":        {"Tài liệu API", "API documentation"},
	"api_routes":      {"Các đường dẫn", "Routes"},
	"api_parameters":  {"Tham số", "Parameters"},
	"api_name":        {"Tên", "Name"},
	"api_in":          {"Vị trí", "In"},
	"api_type":        {"Kiểu", "Type"},
	"api_limits":      {"Giới hạn", "Limits"},
	"api_description": {"Mô tả", "Description"},
	"api_required":    {"bắt buộc", "required"},
	"api_optional":    {"có thể vắng", "optional"},
	"api_body":        {"Nội dung yêu cầu", "Request body"},
	"api_responses":   {"Phản hồi", "Responses"},
	"api_examples":    {"Ví dụ", "Examples"},
	"api_schemas":     {"Cấu trúc dữ liệu", "Schemas"},
	"api_field":       {"Trường", "Field"},
	"sql_title":       {"Truy vấn SQL", "SQL query"},
	"sql_intro":       {"Chạy một câu SELECT (chỉ đọc) trên các bảng dưới đây, bản chụp của phiên bản dữ liệu hiện tại.", "Run one read-only SELECT over the views below, a snapshot of the current dataset version."},
	"sql_query":       {"Câu truy vấn", "Query"},
	"sql_hint":        {"Chỉ SELECT hoặc WITH … SELECT, một câu; tối đa 10.000 dòng, dừng sau 5 giây.", "SELECT or WITH … SELECT only, one statement; at most 10,000 rows, stopped after 5 seconds."},
	"sql_run":         {"Chạy", "Run"},
	"sql_result":      {"Kết quả", "Result"},
	"sql_rows":        {"dòng", "rows"},
	"sql_truncated":   {"Kết quả bị cắt ở giới hạn số dòng", "The result was cut at the row limit"},
	"sql_page_rows":   {"Trang này chỉ hiện một phần; tải JSON hoặc CSV để có đủ", "This page shows only the first rows; download JSON or CSV for all"},
	"sql_views":       {"Các bảng", "Views"},

	// The operators' upload (/admin/upload).
	"upload_title":          {"Nạp số liệu", "Upload data"},
	"upload_intro":          {"Tải lên tệp CSV, XLSX hoặc tệp dữ liệu của nhà xuất bản (như tệp PCI của VCCI, kể cả .xls). Lần gửi đầu chỉ kiểm tra và so sánh với số liệu đã có, không thay đổi gì; sau đó bấm xác nhận để nạp.", "Upload CSV or XLSX files, or a publisher's own data file (such as VCCI's PCI files, .xls too). The first submit only checks the files and compares them with the loaded figures, changing nothing; then confirm to load them."},
	"upload_files":          {"Tệp", "Files"},
	"upload_recipe":         {"Cách đọc", "Layout"},
	"upload_recipe_auto":    {"tự nhận biết", "detect"},
	"upload_recipe_none":    {"bảng thông thường", "a plain table"},
	"upload_sheet":          {"Trang tính", "Sheet"},
	"upload_units":          {"Bộ đơn vị (63, 34, năm)", "Unit set (63, 34, a year)"},
	"upload_source":         {"Nguồn (cho các dòng không ghi nguồn)", "Source (for rows without one)"},
	"upload_verified_auto":  {"theo nguồn", "as the source says"},
	"upload_yes":            {"có", "yes"},
	"upload_no":             {"không", "no"},
	"upload_prefer":         {"Ưu tiên số liệu mới", "Prefer the new figures"},
	"upload_force":          {"Nạp cả khi phần lớn khác số liệu đã có", "Load even if most figures differ from those loaded"},
	"upload_token":          {"Mã quản trị", "Admin token"},
	"upload_check":          {"Kiểm tra", "Check"},
	"upload_confirm":        {"Xác nhận nạp", "Confirm and load"},
	"upload_report":         {"Kết quả kiểm tra (chưa thay đổi gì)", "Check result (nothing changed yet)"},
	"upload_done":           {"Đã nạp", "Loaded"},
	"upload_problems":       {"Tệp có lỗi; không có gì thay đổi:", "The files have problems; nothing was changed:"},
	"upload_rows":           {"dòng số liệu", "rows of figures"},
	"upload_used":           {"Đã đọc", "Read"},
	"upload_skipped":        {"Bỏ qua", "Skipped"},
	"upload_new":            {"Số liệu mới", "New figures"},
	"upload_identical":      {"Trùng số liệu đã có (không nạp lại)", "Identical to loaded figures (not added again)"},
	"upload_more_precise":   {"Bằng số liệu đã có ở độ chính xác của nó (giữ bản chính xác hơn, cả hai nguồn)", "Equal to loaded figures at their precision (the more precise kept, with both sources)"},
	"upload_conflicting":    {"Khác số liệu đã có", "Differ from loaded figures"},
	"upload_conflicts":      {"Số liệu khác nhau", "Conflicting figures"},
	"upload_file_figure":    {"Trong tệp", "In the file"},
	"upload_loaded_figure":  {"Đã có", "Loaded"},
	"upload_preferred":      {"được ưu tiên", "preferred"},
	"upload_added":          {"Đã thêm", "Added"},
	"upload_version":        {"Phiên bản dữ liệu:", "Dataset version:"},
	"upload_preview":        {"Xem trước (10 số liệu đầu)", "Preview (the first 10 figures)"},
	"upload_kind":           {"So với số liệu đã có", "Against the loaded figures"},
	"upload_kind_new":       {"mới", "new"},
	"upload_kind_identical": {"trùng", "identical"},
	"upload_kind_precise":   {"chính xác hơn", "more precise"},
	"upload_kind_conflict":  {"khác", "differs"},
}

// Number writes v with prec decimals as lang writes numbers: 1.622,5 in Vietnamese, 1,622.5 in
// English. NaN and infinities are written as "–".
func Number(lang string, v float64, prec int) string {
	if v != v || v > 1e300 || v < -1e300 {
		return "–"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	thousands, point := ",", "."
	if lang != "en" {
		thousands, point = ".", ","
	}
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// Date writes d as lang writes dates: 30/06/2025 in Vietnamese, 2025-06-30 in English.
func Date(lang string, d time.Time) string {
	if lang == "en" {
		return d.Format(time.DateOnly)
	}
	return d.Format("02/01/2006")
}
