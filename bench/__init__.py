"""The scale data set and the load benchmark (`make bench`, docs/benchmarks.md)."""
