"""Model families, each with a capture path that returns an attention record."""
