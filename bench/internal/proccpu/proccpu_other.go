//go:build !linux

package proccpu

import "time"

// Process returns ErrUnsupported: process CPU times are read from /proc, which only Linux has.
func Process(int) (time.Duration, error) { return 0, ErrUnsupported }

// Self returns ErrUnsupported: process CPU times are read from /proc, which only Linux has.
func Self() (time.Duration, error) { return 0, ErrUnsupported }
