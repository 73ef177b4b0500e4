"""Turn a guide folder into a validated Guide: YAML with places, checks, the model, its texts."""
