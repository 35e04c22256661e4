package sshkey_test

import (
	"errors"
	"fmt"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
)

func ExampleParse() {
	key, err := sshkey.Parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 alice@laptop\r\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(key.Line)
	fmt.Println(key.Hex)
	fmt.Println(key.Fingerprint)
	fmt.Println(key.Comment)
	// Output:
	// ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4
	// 03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8
	// SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg
	// alice@laptop
}

func ExampleKind() {
	_, err := sshkey.Parse("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host")
	if errors.Is(err, sshkey.KindUnsupportedType) {
		var e *sshkey.Error
		errors.As(err, &e)
		fmt.Println(e.KeyType)
		fmt.Println(err)
	}
	// Output:
	// ssh-rsa
	// This public key has type ssh-rsa, which is not supported. Only ssh-ed25519 keys are accepted, because the Encord SDK signs requests with Ed25519. To create one, run: ssh-keygen -t ed25519 -N ""
}
