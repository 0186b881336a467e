"""NLP stage: spaCy, the knowledge base, aliases, places, dates and numbers."""
