// Package invoice is the invoice service: WeChat electronic invoices, reimbursement and
// fiscal bills (微信发票, 非税票据) behind typed RPCs. It serves
// InvoiceMerchantService (the invoicing merchant: authorization orders, contact and page
// settings, the unified invoicing interface), InvoicePlatformService (the invoicing
// platform: s_pappid, card templates, PDFs, inserting invoices into card bags, status),
// InvoiceReimburseService (the reimburser: read, lock and close invoices),
// InvoiceTitleService (quick invoicing with saved titles) and FiscalBillService (fiscal
// bill authorization, templates and insertion). Every request is validated before
// anything is sent to WeChat; WeChat's errcodes reach the caller as a WECHAT_ERRCODE
// ErrorInfo detail.
package invoice
