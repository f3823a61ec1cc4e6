"""cleaner: rule-based cleaning and deduplication of scraped text, every removal attributed."""
