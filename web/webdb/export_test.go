package webdb

// AuditBatches reports how many audit batches this handle wrote in one
// statement and how many it tried so and left to the transaction.
func (d *DB) AuditBatches() (once, refused int64) {
	return d.onceWritten.Load(), d.onceRefused.Load()
}
