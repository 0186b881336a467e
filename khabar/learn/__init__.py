"""Learned components that serve the pipeline beside the rules (trained by ``make train``)."""
