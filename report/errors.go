package report

import (
	"fmt"
	"strconv"
)

// A ParamError reports an invalid request parameter: which one, what was expected and what
// was found. The server answers it with 400 and the parameter's name.
type ParamError struct {
	Param     string
	Want, Got string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("invalid parameter %q: expected %s, got %s", e.Param, e.Want, e.Got)
}

// maxEcho is the longest value an error message repeats back.
const maxEcho = 100

// Quote quotes a value found in a request for an error message, cut to a readable length.
func Quote(s string) string {
	if r := []rune(s); len(r) > maxEcho {
		return strconv.Quote(string(r[:maxEcho])) + fmt.Sprintf("… (%d characters)", len(r))
	}
	return strconv.Quote(s)
}
