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
	"api":            {"API và tải dữ liệu", "API and downloads"},
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
	"derived":         {"suy từ tỉnh cũ", "derived"},
	"derived_ranking": {"xếp hạng suy ra của 34 tỉnh, thành phố", "derived ranking of the 34 provinces"},
	"unverified":      {"chưa kiểm chứng", "unverified"},
	"not_published":   {"không công bố", "not published"},
	"no_data":         {"không có số liệu", "no data"},
	"method_break":    {"Đổi phương pháp", "Method change"},

	// Charts.
	"national_median": {"Trung vị cả nước", "National median"},
	"trend_band":      {"Khoảng tin cậy 95%", "95% confidence band"},
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
