module github.com/openchance/openchance-go

go 1.19
