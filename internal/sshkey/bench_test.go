package sshkey

import (
	"strings"
	"testing"
)

// adversarialInputs are inputs near MaxPublicKeyLength built to make Parse
// do as much work as possible; the benchmarks show the cost stays linear.
func adversarialInputs() map[string]string {
	line := goldenPublicLine
	fill := func(unit string) string {
		return strings.Repeat(unit, (MaxPublicKeyLength-len(line)-1)/len(unit))
	}
	return map[string]string{
		"key-type words in comment": line + " " + fill("ssh-rsa AAAAB3Nza "),
		"one-line keys":             fill(line + "\n"),
		"short lines":               fill("a\n"),
		"type-like lines":           fill("ssh-x AAAA\n"),
		"quoted options":            fill(`a="b c",`) + " " + line,
		"unterminated quote":        `"` + fill("a "),
	}
}

func BenchmarkParse(b *testing.B) {
	b.Run("golden", func(b *testing.B) {
		for b.Loop() {
			if _, err := Parse(goldenPublicLine); err != nil {
				b.Fatal(err)
			}
		}
	})
	for name, input := range adversarialInputs() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(input)))
			for b.Loop() {
				Parse(input)
			}
		})
	}
}

func BenchmarkParsePrivateKey(b *testing.B) {
	for b.Loop() {
		if _, _, err := ParsePrivateKey([]byte(goldenPrivateKeyPM)); err != nil {
			b.Fatal(err)
		}
	}
}
