package api_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The comparison of TestDifferential: two exports walked side by side,
// the values each server chose for itself paired by a bijection.

// bijection pairs the values the memory server chose (ids, token hashes,
// generated keys) with those the Postgres server chose at the same place.
type bijection struct {
	ab, ba map[string]string
}

func newBijection() *bijection {
	return &bijection{ab: map[string]string{}, ba: map[string]string{}}
}

// pair records a↔b, or says why it contradicts an earlier pair.
func (p *bijection) pair(path, a, b string) string {
	if pb, ok := p.ab[a]; ok && pb != b {
		return fmt.Sprintf("%s: memory's %q stood for postgres's %q before, now for %q", path, a, pb, b)
	}
	if pa, ok := p.ba[b]; ok && pa != a {
		return fmt.Sprintf("%s: postgres's %q stood for memory's %q before, now for %q", path, b, pa, a)
	}
	p.ab[a], p.ba[b] = b, a
	return ""
}

// translate replaces, in text written by the Postgres server, the values
// it chose by those memory chose (and a workspace id's first 8 characters,
// which service-account emails hold).
func (p *bijection) translate(text string) string {
	if text == "" {
		return text
	}
	for b, a := range p.ba {
		if strings.Contains(text, b) {
			text = strings.ReplaceAll(text, b, a)
		}
		if len(b) == 36 && strings.Contains(text, b[:8]) {
			text = strings.ReplaceAll(text, b[:8], a[:8])
		}
	}
	return text
}

// chosenFields are the fields whose values each server chooses itself.
var chosenFields = map[string]bool{
	"id": true, "workspaceId": true, "createdBy": true, "hash": true, "keyId": true,
	"publicKey": true, "publicKeyHex": true, "fingerprint": true,
	"ontologyHash": true, "datasetHashes": true, "backingFolderUuid": true, "parent": true, "syncedDatasetHash": true,
}

// compare walks two exports side by side: chosen values are paired, every
// other value must be equal (texts once translated).
func (p *bijection) compare(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: memory has %.300v, postgres %.300v", path, a, b)
		}
		uploaded := av["origin"] == "uploaded"
		for _, k := range sortedKeys(av) {
			bk, ok := bv[k]
			if !ok {
				return fmt.Sprintf("%s: postgres has no %q", path, k)
			}
			var what string
			if chosenFields[k] && !(uploaded && (k == "publicKey" || k == "publicKeyHex" || k == "fingerprint")) {
				what = p.chosen(path+"/"+k, av[k], bk)
			} else {
				what = p.compare(path+"/"+k, av[k], bk)
			}
			if what != "" {
				return what
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: memory has %d entries, postgres %.300v", path, len(av), b)
		}
		for i := range av {
			if what := p.compare(path+"/"+strconv.Itoa(i), av[i], bv[i]); what != "" {
				return what
			}
		}
	case string:
		bv, ok := b.(string)
		if !ok || av != bv && av != p.translate(bv) {
			return fmt.Sprintf("%s: memory has %q, postgres %q", path, av, b)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			return fmt.Sprintf("%s: memory has %v, postgres %v", path, a, b)
		}
	}
	return ""
}

// chosen pairs the values of a chosen field: a string, a list of them, or
// an object (an owner) whose id is chosen.
func (p *bijection) chosen(path string, a, b any) string {
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		if !ok {
			return fmt.Sprintf("%s: memory has %q, postgres %v", path, av, b)
		}
		return p.pair(path, av, bv)
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: memory has %v, postgres %v", path, a, b)
		}
		for i := range av {
			if what := p.chosen(path+"/"+strconv.Itoa(i), av[i], bv[i]); what != "" {
				return what
			}
		}
		return ""
	}
	return p.compare(path, a, b)
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
