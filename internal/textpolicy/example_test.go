package textpolicy_test

import (
	"errors"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/textpolicy"
)

func ExampleCheck() {
	name, err := textpolicy.Check(textpolicy.Name, "name", "  Ada Lovelace \n")
	fmt.Printf("%q %v\n", name, err)

	email, err := textpolicy.Check(textpolicy.Email, "admin.email", "Ada@Example.com")
	fmt.Printf("%q %v\n", email, err)

	_, err = textpolicy.Check(textpolicy.Title, "title", "inv\u202Eoice.pdf")
	var e *textpolicy.Error
	if errors.As(err, &e) {
		fmt.Println(e.Reason, e.Index)
		fmt.Println(e)
	}
	// Output:
	// "Ada Lovelace" <nil>
	// "ada@example.com" <nil>
	// bidi_control 3
	// title: U+202E RIGHT-TO-LEFT OVERRIDE at character 4 is a bidi control character; remove it (right-to-left letters need no control characters)
}
