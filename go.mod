module github.com/procedo/procedo

go 1.26
