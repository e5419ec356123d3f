module github.com/procedo/procedo/bench

go 1.26.0

require (
	github.com/nitram509/lib-bpmn-engine v0.2.4
	github.com/procedo/procedo v0.0.0
)

require (
	github.com/antonmedv/expr v1.9.0 // indirect
	github.com/bwmarrin/snowflake v0.3.0 // indirect
	github.com/senseyeio/duration v0.0.0-20180430131211-7c2a214ada46 // indirect
)

replace github.com/procedo/procedo => ../
