package api

import (
	"net/http"
)

// exportState answers the whole state as one versioned document.
func (c control) exportState(w http.ResponseWriter, r *http.Request) error {
	st, err := c.accounts.ExportState(r.Context())
	return writeView(w, http.StatusOK, st, err, stateDocumentOf)
}

// importState replaces the whole state by a document of a version this
// build reads.
func (c control) importState(w http.ResponseWriter, r *http.Request) error {
	var doc stateDocument
	if err := decodeDocument(r, &doc); err != nil {
		return err
	}
	st, err := doc.state()
	if err != nil {
		return err
	}
	return writeNoContent(w, c.accounts.ImportState(r.Context(), st))
}
