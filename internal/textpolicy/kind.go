package textpolicy

import "strconv"

// Kind is the kind of a field, which decides the rules its value obeys.
type Kind uint8

// The kinds of fields. The zero Kind is no kind: Check refuses it.
const (
	// Name is a required single-line name: of a workspace, a person, a
	// service account, a storage folder, a project tag.
	Name Kind = iota + 1
	// Title is a required single-line title: of a key, a dataset, a
	// project, an ontology.
	Title
	// Description is optional free text that may span several lines.
	Description
	// Email is a required email address, stored lower-cased.
	Email
)

// Length limits, in characters. They are part of the documented API.
const (
	MaxNameLength        = 200
	MaxTitleLength       = 200
	MaxDescriptionLength = 2000
	// MaxEmailLength applies twice: in characters and in UTF-8 bytes
	// (RFC 5321 limits an address to 254 octets).
	MaxEmailLength = 254
)

// rules are the rules of one kind.
type rules struct {
	required   bool // blank is refused
	singleLine bool // trimmed; no tab, line break or separator inside
	email      bool // lower-cased, no invisible characters, plain address
	maxRunes   int
	maxBytes   int // 0: no limit in bytes
}

func (k Kind) rules() (rules, bool) {
	switch k {
	case Name:
		return rules{required: true, singleLine: true, maxRunes: MaxNameLength}, true
	case Title:
		return rules{required: true, singleLine: true, maxRunes: MaxTitleLength}, true
	case Description:
		return rules{maxRunes: MaxDescriptionLength}, true
	case Email:
		return rules{required: true, singleLine: true, email: true, maxRunes: MaxEmailLength, maxBytes: MaxEmailLength}, true
	}
	return rules{}, false
}

// MaxLength is the kind's limit in characters; 0 for an unknown kind.
func (k Kind) MaxLength() int {
	r, _ := k.rules()
	return r.maxRunes
}

// String is the kind's name in lower case, as messages use it.
func (k Kind) String() string {
	switch k {
	case Name:
		return "name"
	case Title:
		return "title"
	case Description:
		return "description"
	case Email:
		return "email"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}
