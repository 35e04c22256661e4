package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// dockerfile is the parsed Dockerfile: just enough of its syntax (line
// continuations, comments, one instruction per logical line) for the
// tests to read what the image runs.
type dockerfile struct {
	stages []dockerStage
}

// dockerStage is one FROM and the instructions after it.
type dockerStage struct {
	from         string // the FROM arguments, "AS name" included
	instructions []dockerInstruction
}

type dockerInstruction struct {
	keyword string // upper case: RUN, COPY, ...
	args    string
	line    int
}

func parseDockerfile(path string) (dockerfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return dockerfile{}, err
	}
	defer f.Close()
	var (
		d       dockerfile
		pending strings.Builder
		start   int
	)
	scanner := bufio.NewScanner(f)
	for n := 1; scanner.Scan(); n++ {
		line := strings.TrimSpace(scanner.Text())
		if strings.HasPrefix(line, "#") || (line == "" && pending.Len() == 0) {
			continue
		}
		if pending.Len() == 0 {
			start = n
		}
		if continued, ok := strings.CutSuffix(line, `\`); ok {
			pending.WriteString(continued + " ")
			continue
		}
		pending.WriteString(line)
		keyword, args, _ := strings.Cut(strings.TrimSpace(pending.String()), " ")
		pending.Reset()
		in := dockerInstruction{keyword: strings.ToUpper(keyword), args: strings.TrimSpace(args), line: start}
		if in.keyword == "FROM" {
			d.stages = append(d.stages, dockerStage{from: in.args})
			continue
		}
		if len(d.stages) == 0 {
			return dockerfile{}, fmt.Errorf("%s:%d: %s before the first FROM", path, in.line, in.keyword)
		}
		last := &d.stages[len(d.stages)-1]
		last.instructions = append(last.instructions, in)
	}
	if err := scanner.Err(); err != nil {
		return dockerfile{}, err
	}
	if len(d.stages) == 0 {
		return dockerfile{}, fmt.Errorf("%s: no FROM", path)
	}
	return d, nil
}

// find returns the instructions of a stage with the keyword.
func (s dockerStage) find(keyword string) []dockerInstruction {
	var out []dockerInstruction
	for _, in := range s.instructions {
		if in.keyword == keyword {
			out = append(out, in)
		}
	}
	return out
}

// goBuild returns the go build of the Dockerfile: the variables set before
// "go" and the arguments after it. That RUN must be one simple command
// (words and double quotes only), so that the tests can run it verbatim.
func (d dockerfile) goBuild() (env, args []string, err error) {
	for _, stage := range d.stages {
		for _, run := range stage.find("RUN") {
			if !strings.Contains(run.args, "go build") {
				continue
			}
			words, err := shellWords(run.args)
			if err != nil {
				return nil, nil, fmt.Errorf("Dockerfile:%d: %w", run.line, err)
			}
			i := slices.Index(words, "go")
			if i < 0 || i+1 >= len(words) || words[i+1] != "build" {
				return nil, nil, fmt.Errorf("Dockerfile:%d: the RUN with go build must start with VAR=value words, then go build", run.line)
			}
			for _, w := range words[:i] {
				if !strings.Contains(w, "=") {
					return nil, nil, fmt.Errorf("Dockerfile:%d: %q before go build is not a VAR=value", run.line, w)
				}
			}
			return words[:i], words[i+1:], nil
		}
	}
	return nil, nil, errors.New("Dockerfile: no RUN with go build")
}

// shellWords splits a command into words as sh would, for the subset of sh
// that a build line needs: blanks separate words, double quotes group.
// Anything else sh would interpret is refused.
func shellWords(s string) ([]string, error) {
	if i := strings.IndexAny(s, "'\\$`;&|<>()*?"); i >= 0 {
		return nil, fmt.Errorf("%q: keep the go build line free of shell syntax (found %q)", s, s[i])
	}
	var (
		words   []string
		word    strings.Builder
		inWord  bool
		inQuote bool
	)
	for _, r := range s {
		switch {
		case r == '"':
			inQuote, inWord = !inQuote, true
		case (r == ' ' || r == '\t') && !inQuote:
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if inQuote {
		return nil, fmt.Errorf("%q: unterminated double quote", s)
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// withOutput replaces the value of go build's -o flag.
func withOutput(args []string, out string) ([]string, error) {
	args = slices.Clone(args)
	for i, a := range args {
		switch {
		case a == "-o" && i+1 < len(args):
			args[i+1] = out
			return args, nil
		case strings.HasPrefix(a, "-o="):
			args[i] = "-o=" + out
			return args, nil
		}
	}
	return nil, errors.New("the go build of the Dockerfile has no -o")
}
