"""Data: bundled task generators, loaders for real corpora, the downloader and the batcher."""
