package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reads the figures of a Postgres connection pool at each
// scrape.
type poolCollector struct {
	stat  func() *pgxpool.Stat
	descs []poolFigure
}

type poolFigure struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(*pgxpool.Stat) float64
}

// NewPoolCollector returns a collector of the figures stat reports (a
// pgxpool.Pool's Stat).
func NewPoolCollector(stat func() *pgxpool.Stat) prometheus.Collector {
	figure := func(name, help string, kind prometheus.ValueType, value func(*pgxpool.Stat) float64) poolFigure {
		return poolFigure{desc: prometheus.NewDesc(prometheus.BuildFQName(namespace, "db_pool", name), help, nil, nil), kind: kind, value: value}
	}
	return &poolCollector{stat: stat, descs: []poolFigure{
		figure("max_conns", "Size of the Postgres connection pool.", prometheus.GaugeValue,
			func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
		figure("total_conns", "Connections open in the pool (acquired, idle, or being established).", prometheus.GaugeValue,
			func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }),
		figure("acquired_conns", "Connections in use.", prometheus.GaugeValue,
			func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
		figure("idle_conns", "Connections idle in the pool.", prometheus.GaugeValue,
			func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
		figure("acquires_total", "Connections acquired from the pool.", prometheus.CounterValue,
			func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) }),
		figure("empty_acquires_total", "Acquires that waited because the pool had no idle connection.", prometheus.CounterValue,
			func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }),
		figure("canceled_acquires_total", "Acquires given up because their context ended.", prometheus.CounterValue,
			func(s *pgxpool.Stat) float64 { return float64(s.CanceledAcquireCount()) }),
		figure("acquire_wait_seconds_total", "Time spent acquiring connections.", prometheus.CounterValue,
			func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }),
		figure("new_conns_total", "Connections opened.", prometheus.CounterValue,
			func(s *pgxpool.Stat) float64 { return float64(s.NewConnsCount()) }),
	}}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range c.descs {
		ch <- f.desc
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stat()
	for _, f := range c.descs {
		ch <- prometheus.MustNewConstMetric(f.desc, f.kind, f.value(s))
	}
}
