package api

import (
	"net/http"
	"time"

	"github.com/encord-emulator/encord-emulator/internal/errs"
	"github.com/encord-emulator/encord-emulator/internal/store"
)

// The emulator's clock on the control plane: GET, PUT and DELETE
// /_emulator/clock.

// clockRequest is the body of PUT /_emulator/clock: exactly one field.
type clockRequest struct {
	// Offset is a Go duration added to real time: "-90s", "2h".
	Offset *string `json:"offset,omitempty"`
	// FrozenAt is an RFC 3339 instant at which the clock stands still.
	FrozenAt *string `json:"frozenAt,omitempty"`
}

func (b clockRequest) setting() (store.ClockSetting, error) {
	var s store.ClockSetting
	if b.Offset == nil && b.FrozenAt == nil {
		return s, errs.Invalid("offset", "give offset (a duration added to real time, such as \"-90s\") or frozenAt (an RFC 3339 instant); DELETE /_emulator/clock returns to real time")
	}
	if b.Offset != nil {
		d, err := time.ParseDuration(*b.Offset)
		if err != nil {
			return s, errs.Invalid("offset", "offset %.64q is not a duration: write it as -90s, 2h or 1h30m", *b.Offset)
		}
		s.Offset = d
	}
	if b.FrozenAt != nil {
		at, err := time.Parse(time.RFC3339Nano, *b.FrozenAt)
		if err != nil {
			return s, errs.Invalid("frozenAt", "frozenAt %.64q is not an RFC 3339 instant such as 2030-01-02T03:04:05Z", *b.FrozenAt)
		}
		s.FrozenAt = &at
	}
	return s, nil
}

// Clock modes, as clockView names them.
const (
	clockReal   = "real"
	clockOffset = "offset"
	clockFrozen = "frozen"
)

// clockView is the clock this replica applies.
type clockView struct {
	Mode     string     `json:"mode"`
	Now      time.Time  `json:"now"`
	Offset   string     `json:"offset"`
	FrozenAt *time.Time `json:"frozenAt"`
}

func (c control) viewClock() clockView {
	s := c.clock.Setting()
	v := clockView{Mode: clockReal, Now: c.clock.Now().UTC(), Offset: s.Offset.String(), FrozenAt: s.FrozenAt}
	switch {
	case s.FrozenAt != nil:
		v.Mode = clockFrozen
	case s.Offset != 0:
		v.Mode = clockOffset
	}
	return v
}

func (c control) getClock(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, c.viewClock())
	return nil
}

func (c control) setClock(w http.ResponseWriter, r *http.Request) error {
	var body clockRequest
	if err := decodeBody(r, &body, strict); err != nil {
		return err
	}
	s, err := body.setting()
	if err != nil {
		return err
	}
	if err := c.clock.Set(r.Context(), s); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c.viewClock())
	return nil
}

func (c control) resetClock(w http.ResponseWriter, r *http.Request) error {
	if err := c.clock.Reset(r.Context()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c.viewClock())
	return nil
}
