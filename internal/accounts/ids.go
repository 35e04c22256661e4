package accounts

import (
	"github.com/google/uuid"

	"github.com/encord-emulator/encord-emulator/internal/errs"
)

// ParseID is the one parser of ids, on every plane and in every body: an id
// is a UUID in its 36-character form, in any case. It returns the lowercase
// form the store keys rows by, or a 400 naming field.
func ParseID(field, raw string) (string, error) {
	id, err := uuid.Parse(raw)
	if err != nil || len(raw) != 36 {
		return "", errs.Invalid(field, "%s %q is not a valid id: ids are UUIDs such as 3f0c1e8a-6b1d-4c6e-9a51-2f4b8d7c9e10", field, raw)
	}
	return id.String(), nil
}
