//go:build !linux

package proccpu

import "time"

// Process is not implemented outside Linux.
func Process(int) (time.Duration, error) { return 0, ErrUnsupported }

// Self is not implemented outside Linux.
func Self() (time.Duration, error) { return 0, ErrUnsupported }
