package sandbox

// This file will hold the electronic invoices, reimbursement and fiscal bills endpoints; the domain's work is in progress.

// invoiceState is an account's electronic invoices, reimbursement and fiscal bills state.
type invoiceState struct{}

// registerInvoice adds the electronic invoices, reimbursement and fiscal bills endpoints to m.
func registerInvoice(m map[string]endpoint) {}
