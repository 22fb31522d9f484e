"""Training: LightGBM with a business-cost threshold, saved to the BentoML store with its note."""
