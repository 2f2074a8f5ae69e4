"""工会通 UnionPass domain and use cases: pure Python, no UI, no storage, no HTTP."""
