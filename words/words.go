package words

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
	"site":           {"chiso — chỉ số các tỉnh, thành phố", "chiso — indicators of Vietnam's provinces"},
	"overview":       {"Tổng quan", "Overview"},
	"compare":        {"So sánh", "Compare"},
	"provinces":      {"Tỉnh, thành phố", "Provinces"},
	"indicator":      {"Chỉ số", "Indicator"},
	"from":           {"Từ năm", "From"},
	"to":             {"Đến năm", "To"},
	"show":           {"Xem", "Show"},
	"province":       {"Tỉnh, thành phố", "Province"},
	"value":          {"Giá trị", "Value"},
	"rank_of":        {"trên", "of"},
	"status":         {"Tình trạng", "Status"},
	"verified":       {"Đã kiểm chứng", "Verified"},
	"data_table":     {"Bảng số liệu", "Data table"},
	"embed":          {"Nhúng biểu đồ", "Embed this chart"},
	"download":       {"Tải về", "Download"},
	"movers":         {"Tăng, giảm hạng nhiều nhất", "Biggest movers"},
	"up":             {"Tăng hạng", "Up"},
	"down":           {"Giảm hạng", "Down"},
	"places":         {"bậc", "places"},
	"per_year":       {"mỗi năm", "a year"},
	"ci":             {"KTC 95%", "95% CI"},
	"faster_than":    {"nhanh hơn", "faster than"},
	"of":             {"trên", "of"},
	"climbed":        {"tăng", "climbed"},
	"fell":           {"giảm", "fell"},
	"insufficient":   {"chưa đủ số liệu để tính xu hướng", "insufficient data for a trend"},
	"region_median":  {"Trung vị vùng", "Region median"},
	"peers":          {"Các tỉnh tương đồng", "Peers"},
	"valid":          {"Hiệu lực", "In force"},
	"predecessors":   {"Trước đây là", "Formed from"},
	"successors":     {"Sáp nhập vào", "Became part of"},
	"all_indicators": {"Tất cả chỉ số", "All indicators"},
	"latest":         {"Năm gần nhất", "Latest year"},
	"coverage":       {"Số tỉnh có số liệu", "Provinces with a figure"},
	"provinces_hint": {"Mã, tên hoặc tên viết tắt, cách nhau bởi dấu phẩy", "Codes, names or abbreviations, comma-separated"},
	"data_note":      {"Số liệu thật, mỗi số liệu có nguồn. Không ước tính, không nội suy.", "Real figures, each with its source. Nothing estimated or interpolated."},
	"api":            {"API", "API"},
	"downloads_nav":  {"Dữ liệu và tải về", "Data and downloads"},
	"lang_other":     {"English", "Tiếng Việt"},

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

	// API documentation and SQL pages.
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
}
