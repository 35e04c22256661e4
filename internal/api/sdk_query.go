package api

import "github.com/encord-emulator/encord-emulator/internal/accounts"

// commonFilter reads includeOrgAccess, the title and description filters
// (whose names differ between endpoints) and the four time bounds.
func (qr *queryReader) commonFilter(descEq, descLike string) accounts.ResourceFilter {
	return accounts.ResourceFilter{
		IncludeOrgAccess: qr.boolean("includeOrgAccess"),
		TitleEq:          qr.str("titleEq"),
		TitleLike:        qr.str("titleLike"),
		DescEq:           qr.str(descEq),
		DescLike:         qr.str(descLike),
		CreatedBefore:    qr.time("createdBefore"),
		CreatedAfter:     qr.time("createdAfter"),
		EditedBefore:     qr.time("editedBefore"),
		EditedAfter:      qr.time("editedAfter"),
	}
}
