package testclient

import (
	"fmt"
	"io"
	"slices"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Scrape is a parsed Prometheus exposition (GET /metrics), for tests that
// count what the emulator counted without matching strings.
type Scrape map[string]*dto.MetricFamily

// ParseScrape parses the text exposition format.
func ParseScrape(r io.Reader) (Scrape, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("parsing the metrics exposition: %w", err)
	}
	return Scrape(families), nil
}

// Labels selects series: every label named must have the value given.
type Labels map[string]string

func (l Labels) selects(m *dto.Metric) bool {
	for name, want := range l {
		found := false
		for _, pair := range m.GetLabel() {
			if pair.GetName() == name {
				found = pair.GetValue() == want
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Sum adds up the value of every series of the family that the labels
// select: a counter's or a gauge's value, a histogram's sample count. A
// family that does not exist sums to 0.
func (s Scrape) Sum(family string, labels Labels) float64 {
	total := 0.0
	for _, m := range s.series(family, labels) {
		switch {
		case m.GetCounter() != nil:
			total += m.GetCounter().GetValue()
		case m.GetGauge() != nil:
			total += m.GetGauge().GetValue()
		case m.GetHistogram() != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		case m.GetUntyped() != nil:
			total += m.GetUntyped().GetValue()
		}
	}
	return total
}

// Has reports whether the family has a series the labels select.
func (s Scrape) Has(family string, labels Labels) bool {
	return len(s.series(family, labels)) > 0
}

// LabelValues lists, sorted and once each, the values a label takes in the
// family.
func (s Scrape) LabelValues(family, label string) []string {
	var values []string
	for _, m := range s.series(family, nil) {
		for _, pair := range m.GetLabel() {
			if pair.GetName() == label && !slices.Contains(values, pair.GetValue()) {
				values = append(values, pair.GetValue())
			}
		}
	}
	slices.Sort(values)
	return values
}

func (s Scrape) series(family string, labels Labels) []*dto.Metric {
	f := s[family]
	if f == nil {
		return nil
	}
	var out []*dto.Metric
	for _, m := range f.GetMetric() {
		if labels.selects(m) {
			out = append(out, m)
		}
	}
	return out
}
