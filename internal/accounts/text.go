package accounts

import (
	"errors"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

// The text policy (docs/rules.md, Text) as the rules apply it: to what a
// caller sends (checkText) and to what a state import holds (storedText).

// checkText applies the text policy of kind to the field *v and writes back
// the value to store: trimmed for single-line kinds, lower-cased for
// emails. A refusal is a 400 naming the field, with details reason
// (textpolicy.Reason) and, for lengths, limit.
func checkText(kind textpolicy.Kind, field string, v *string) error {
	out, err := textpolicy.Check(kind, field, *v)
	if err != nil {
		return textRefusal(field, err)
	}
	*v = out
	return nil
}

// storedText requires a value in the form the API stores (textpolicy.Verify).
func storedText(kind textpolicy.Kind, ptr, value string) error {
	return textRefusal(ptr, textpolicy.Verify(kind, ptr, value))
}

// textRefusal is a refusal of the text policy as a 400 naming field, with
// details reason and, for lengths, limit; any other error as it is.
func textRefusal(field string, err error) error {
	var refused *textpolicy.Error
	if !errors.As(err, &refused) {
		return err
	}
	e := errs.Invalid(field, "%s", refused.Error()).WithDetail("reason", string(refused.Reason))
	if refused.Limit > 0 {
		e = e.WithDetail("limit", refused.Limit)
	}
	return e
}
