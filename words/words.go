package words

// Text returns the words for key in lang ("vi" or "en"); Vietnamese when lang is unknown.
func Text(lang, key string) string {
	if w, ok := texts[key]; ok {
		if lang == "en" {
			return w[1]
		}
		return w[0]
	}
	return key
}

// texts holds each key's Vietnamese and English words.
var texts = map[string][2]string{
	"site":           {"chiso — chỉ số các tỉnh, thành phố", "chiso — indicators of Vietnam's provinces"},
	"overview":       {"Tổng quan", "Overview"},
	"compare":        {"So sánh", "Compare"},
	"provinces":      {"Tỉnh, thành phố", "Provinces"},
	"indicator":      {"Chỉ số", "Indicator"},
	"year":           {"Năm", "Year"},
	"from":           {"Từ năm", "From"},
	"to":             {"Đến năm", "To"},
	"show":           {"Xem", "Show"},
	"province":       {"Tỉnh, thành phố", "Province"},
	"value":          {"Giá trị", "Value"},
	"rank":           {"Thứ hạng", "Rank"},
	"rank_of":        {"trên", "of"},
	"status":         {"Tình trạng", "Status"},
	"source":         {"Nguồn", "Source"},
	"verified":       {"Đã kiểm chứng", "Verified"},
	"unverified":     {"chưa kiểm chứng", "unverified"},
	"not_published":  {"không công bố", "not published"},
	"no_data":        {"không có số liệu", "no data"},
	"data_table":     {"Bảng số liệu", "Data table"},
	"embed":          {"Nhúng biểu đồ", "Embed this chart"},
	"download":       {"Tải về", "Download"},
	"movers":         {"Tăng, giảm hạng nhiều nhất", "Biggest movers"},
	"up":             {"Tăng hạng", "Up"},
	"down":           {"Giảm hạng", "Down"},
	"places":         {"bậc", "places"},
	"trend":          {"Xu hướng", "Trend"},
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
	"method_break":   {"Đổi phương pháp", "Method change"},
	"lang_other":     {"English", "Tiếng Việt"},
}
