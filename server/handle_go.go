package server

import (
	"net/http"
	"net/url"
	"strings"

	"chiso/words"
)

// handleGo is the province picker of every page: /go?q=any spelling → the province's profile,
// resolved as the API resolves provinces (code, slug or name, with or without accents); a name
// it does not know gets the picker again with a message, status 404.
func (rs *responder) handleGo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		lang := "vi"
		if q.Get("lang") == "en" {
			lang = "en"
		}
		name := strings.TrimSpace(q.Get("q"))
		if name == "" {
			http.Redirect(w, r, "/?lang="+lang, http.StatusSeeOther)
			return
		}
		if len([]rune(name)) <= maxNameLen {
			if _, err := rs.store.Registry().Lookup(name); err == nil {
				http.Redirect(w, r, "/provinces/"+url.PathEscape(name)+"?lang="+lang, http.StatusSeeOther)
				return
			}
		}
		d := rs.base(r, lang, words.Text(lang, "province_not_found"))
		d.Error = words.Text(lang, "province_not_found") + ": “" + name + "”. " + words.Text(lang, "provinces_hint_one")
		d.Query = name
		rs.render(w, r, page{name: "error.html", status: http.StatusNotFound, data: d})
	})
}
