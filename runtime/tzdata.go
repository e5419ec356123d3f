package runtime

// The legal calendar needs Europe/Rome even on hosts without a zoneinfo
// database (minimal containers).
import _ "time/tzdata"
